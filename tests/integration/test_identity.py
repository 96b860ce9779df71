"""The instance identity document and its three signatures, verified with the openssl CLI
against the certificate imdsd keeps in its state directory, as the README tells users to."""

import base64
import json
import os
import subprocess
import tempfile
import unittest

from harness import Daemon, config_yaml, curl, get_token, instance_yaml, run_main


class IdentityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(config_yaml([instance_yaml()]))
        token = get_token(cls.daemon.url)
        base = cls.daemon.url + "/latest/dynamic/instance-identity/"
        hdr = [f"X-aws-ec2-metadata-token: {token}"]
        cls.listing = curl(base, headers=hdr)[2].decode()
        cls.parts = {p: curl(base + p, headers=hdr)[2] for p in
                     ["document", "signature", "pkcs7", "rsa2048"]}
        cls.cert = os.path.join(cls.daemon.dir, "state", "identity-cert.pem")
        cls.tmp = tempfile.mkdtemp()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()
        subprocess.run(["rm", "-rf", cls.tmp])

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def openssl(self, *args):
        return subprocess.run(["openssl", *args], capture_output=True, cwd=self.tmp)

    def test_document_has_every_ec2_field_in_ec2_style(self):
        text = self.parts["document"].decode()
        self.assertTrue(text.startswith('{\n  "accountId" : "'), text)
        self.assertFalse(text.endswith("\n"))
        doc = json.loads(text)
        for field in ["accountId", "architecture", "availabilityZone", "billingProducts",
                      "devpayProductCodes", "marketplaceProductCodes", "imageId", "instanceId",
                      "instanceType", "kernelId", "pendingTime", "privateIp", "ramdiskId",
                      "region", "version"]:
            self.assertIn(field, doc)
        self.assertEqual(list(doc)[0], "accountId")
        self.assertIn("document", self.listing.split("\n"))

    def test_signature_verifies_with_openssl_dgst(self):
        doc = self.write("document", self.parts["document"])
        sig = self.write("signature.bin", base64.b64decode(self.parts["signature"]))
        pub = self.openssl("x509", "-in", self.cert, "-pubkey", "-noout")
        self.assertEqual(pub.returncode, 0, pub.stderr)
        pubkey = self.write("pub.pem", pub.stdout)
        out = self.openssl("dgst", "-sha256", "-verify", pubkey, "-signature", sig, doc)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(b"Verified OK", out.stdout)
        tampered = self.write("tampered", self.parts["document"].replace(b"eu-west-1", b"eu-west-2"))
        out = self.openssl("dgst", "-sha256", "-verify", pubkey, "-signature", sig, tampered)
        self.assertNotEqual(out.returncode, 0)

    def test_pkcs7_and_rsa2048_verify_and_embed_the_document(self):
        for name in ["pkcs7", "rsa2048"]:
            with self.subTest(name):
                pem = (b"-----BEGIN PKCS7-----\n" + self.parts[name] + b"\n-----END PKCS7-----\n")
                path = self.write(name + ".pem", pem)
                out = self.openssl("smime", "-verify", "-in", path, "-inform", "PEM",
                                   "-CAfile", self.cert)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(out.stdout, self.parts["document"])
                for line in self.parts[name].split(b"\n"):
                    self.assertLessEqual(len(line), 76)


if __name__ == "__main__":
    run_main()
