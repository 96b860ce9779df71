"""Two tenants on two loopback source addresses never see each other's data or tokens."""

import unittest

from harness import Daemon, config_yaml, curl, get_token, instance_yaml, run_main

A = dict(name="tenant-a", match='["127.0.0.2/32"]', instance_id="i-0aaaaaaaaaaaaaaaa",
         private_ip="172.31.5.2")
B = dict(name="tenant-b", match='["127.0.0.3/32"]', instance_id="i-0bbbbbbbbbbbbbbbb",
         private_ip="172.31.5.3")


class TenantTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(config_yaml([instance_yaml(**A), instance_yaml(**B)],
                                        listen='["127.0.0.1:0"]'))
        cls.url = cls.daemon.url

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()

    def fetch(self, path, source, token=None):
        headers = [f"X-aws-ec2-metadata-token: {token}"] if token else []
        return curl(self.url + path, headers=headers, interface=source)

    def test_each_source_sees_its_own_instance(self):
        for source, spec in [("127.0.0.2", A), ("127.0.0.3", B)]:
            token = get_token(self.url, interface=source)
            status, _, body = self.fetch("/latest/meta-data/instance-id", source, token)
            self.assertEqual((status, body.decode()), (200, spec["instance_id"]))
            status, _, body = self.fetch("/latest/dynamic/instance-identity/document", source, token)
            self.assertIn(spec["instance_id"], body.decode())
            self.assertIn(spec["private_ip"], body.decode())
            other = B if spec is A else A
            self.assertNotIn(other["instance_id"], body.decode())

    def test_a_token_is_valid_only_for_the_tenant_it_was_issued_to(self):
        token_a = get_token(self.url, interface="127.0.0.2")
        status, _, _ = self.fetch("/latest/meta-data/instance-id", "127.0.0.3", token_a)
        self.assertEqual(status, 401)
        status, _, _ = self.fetch("/latest/meta-data/instance-id", "127.0.0.2", token_a)
        self.assertEqual(status, 200)

    def test_unmatched_source_is_refused_and_logged(self):
        status, _, body = self.fetch("/latest/meta-data/instance-id", "127.0.0.9")
        self.assertEqual((status, body), (403, b""))
        status, _, _ = curl(self.url + "/latest/api/token", method="PUT",
                            headers=["X-aws-ec2-metadata-token-ttl-seconds: 60"],
                            interface="127.0.0.9")
        self.assertEqual(status, 403)
        self.assertIn("127.0.0.9", self.daemon.log_text())


class DefaultInstanceTest(unittest.TestCase):
    def test_default_instance_answers_unmatched_sources(self):
        config = config_yaml([instance_yaml(**A), instance_yaml(**B)],
                             extra="default_instance: tenant-b")
        with Daemon(config) as d:
            status, _, body = curl(d.url + "/latest/meta-data/instance-id", interface="127.0.0.9")
            self.assertEqual((status, body.decode()), (200, B["instance_id"]))


if __name__ == "__main__":
    run_main()
