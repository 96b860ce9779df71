"""Instance-profile credentials served by imdsd to real clients: botocore, boto3, the AWS CLI and
curl; rotation, restart, reload and tenant isolation."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from harness import Daemon, config_yaml, curl, get_token, instance_yaml, run_main

TRUST = ('{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: '
         'ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}')


def iam_yaml(credentials="{lifetime: 6h, refresh_lead: 5h}", profile_credentials=None):
    """Top-level sections: two roles, a profile for each."""
    app_override = f"\n    credentials: {profile_credentials}" if profile_credentials else ""
    return (f"credentials: {credentials}\n"
            "roles:\n"
            f"  - name: app-role\n    trust_policy: {TRUST}\n"
            f"  - name: ops-role\n    path: /ops/\n    trust_policy: {TRUST}\n"
            "instance_profiles:\n"
            f"  - name: app-profile\n    role: app-role{app_override}\n"
            "  - name: ops-profile\n    role: ops-role\n")


def with_profile(instance, profile):
    return instance + (f"    instance_profile: {profile}\n" if profile else "")


A = dict(name="tenant-a", match='["127.0.0.1/32"]', instance_id="i-0aaaaaaaaaaaaaaaa",
         private_ip="172.31.5.2")
B = dict(name="tenant-b", match='["127.0.0.2/32"]', instance_id="i-0bbbbbbbbbbbbbbbb",
         private_ip="172.31.5.3")
C = dict(name="tenant-c", match='["127.0.0.3/32"]', instance_id="i-0cccccccccccccccc",
         private_ip="172.31.5.4")


def config(profiles=("app-profile", "ops-profile", None), http_tokens="required", **iam):
    instances = [with_profile(instance_yaml(**spec, http_tokens=http_tokens), profile)
                 for spec, profile in zip((A, B, C), profiles)]
    return config_yaml(instances) + iam_yaml(**iam)


def fetch(url, path, source=None, token=None):
    token = token or get_token(url, interface=source)
    return curl(url + "/latest/meta-data/iam/" + path,
                headers=[f"X-aws-ec2-metadata-token: {token}"], interface=source)


def credential(url, role, source=None):
    status, _, body = fetch(url, "security-credentials/" + role, source)
    assert status == 200, (status, body)
    return json.loads(body)


def wait_for(predicate, timeout=10, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def python_with_botocore():
    for candidate in ["/usr/bin/python3", sys.executable]:
        if subprocess.run([candidate, "-c", "import botocore"], capture_output=True).returncode == 0:
            return candidate
    raise RuntimeError("no python3 with botocore; install python3-botocore")


PYTHON = python_with_botocore()


def client_env(url, extra=None):
    """A clean AWS environment: no credentials anywhere but IMDS at `url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_EC2_METADATA_SERVICE_ENDPOINT": url + "/",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_DEFAULT_REGION": "us-east-1"})
    env.update(extra or {})
    return env


def run_python(code, url, timeout=60):
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, env=client_env(url),
                         timeout=timeout)
    if out.returncode != 0:
        raise AssertionError(out.stderr.decode())
    return json.loads(out.stdout)


# botocore's own provider, and boto3's default chain, each printing what they loaded.
BOTOCORE_CLIENTS = r"""
import json, os
import botocore.session
from botocore.credentials import InstanceMetadataProvider
from botocore.utils import InstanceMetadataFetcher
out = {}
fetcher = InstanceMetadataFetcher(timeout=2, num_attempts=1, config={
    "ec2_metadata_service_endpoint": os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"]})
creds = InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
frozen = creds.get_frozen_credentials()
out["provider"] = [creds.method, frozen.access_key, frozen.secret_key, frozen.token]
try:
    import boto3
    creds = boto3.Session().get_credentials()
    frozen = creds.get_frozen_credentials()
    out["boto3"] = [creds.method, frozen.access_key, frozen.secret_key, frozen.token]
except ImportError:
    out["boto3"] = None
creds = botocore.session.get_session().get_credentials()
frozen = creds.get_frozen_credentials()
out["session"] = [creds.method, frozen.access_key, frozen.secret_key, frozen.token]
print(json.dumps(out))
"""

# A botocore RefreshableCredentials left to itself: print each access key it hands out until it
# has handed out `want` different ones. Only get_frozen_credentials() is called; refreshing is
# botocore's own doing. The refresh window is set to 0 so that botocore's expiry extension for
# short credentials (now + window + 2..10 min jitter) stays inside its 15-minute advisory window:
# with the default chain's 15-minute window a 6-second credential is kept for 2 to 10 minutes.
BOTOCORE_ROTATION = r"""
import json, os, sys, time
from botocore.credentials import InstanceMetadataProvider
from botocore.utils import InstanceMetadataFetcher
fetcher = InstanceMetadataFetcher(timeout=2, num_attempts=1, config={
    "ec2_metadata_service_endpoint": os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"],
    "ec2_credential_refresh_window": 0})
creds = InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
seen = []
deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline and len(seen) < int(sys.argv[2]):
    key = creds.get_frozen_credentials().access_key
    if not seen or seen[-1] != key:
        seen.append(key)
    time.sleep(0.25)
print(json.dumps(seen))
"""


def find_aws_clis():
    """Every distinct `aws` there is, Debian's first."""
    found = []
    for candidate in ["/usr/bin/aws", shutil.which("aws")]:
        if candidate and os.path.exists(candidate) and candidate not in found:
            found.append(candidate)
    return found


def lacks_subcommand(stderr):
    # Both CLI generations answer an unknown subcommand with "Invalid choice" (AWS CLI v1 and
    # v2 before 2.9 have no `configure export-credentials`).
    return b"invalid choice" in stderr.lower()


class CredentialsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(config())
        cls.url = cls.daemon.url

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()

    def test_documents_have_ec2s_exact_shape(self):
        status, headers, body = fetch(self.url, "")
        self.assertEqual((status, body), (200, b"info\nsecurity-credentials/"))
        status, _, body = fetch(self.url, "security-credentials/")
        self.assertEqual((status, body), (200, b"app-role"))
        status, _, body = fetch(self.url, "info")
        self.assertEqual(status, 200)
        info = json.loads(body)
        self.assertEqual(list(info), ["Code", "LastUpdated", "InstanceProfileArn",
                                      "InstanceProfileId"])
        self.assertRegex(body.decode(), r'^\{\n  "Code" : "Success",\n  "LastUpdated" : '
                         r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",\n  "InstanceProfileArn" : '
                         r'"arn:aws:iam::\d{12}:instance-profile/app-profile",\n  '
                         r'"InstanceProfileId" : "AIPA[A-Z2-7]{17}"\n\}$')
        status, _, body = fetch(self.url, "security-credentials/app-role")
        self.assertEqual(status, 200)
        self.assertEqual(list(json.loads(body)), ["Code", "LastUpdated", "Type", "AccessKeyId",
                                                  "SecretAccessKey", "Token", "Expiration"])
        self.assertRegex(body.decode(), r'^\{\n  "Code" : "Success",\n  "LastUpdated" : '
                         r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",\n  "Type" : "AWS-HMAC",\n  '
                         r'"AccessKeyId" : "ASIA[A-Z2-7]{16}",\n  "SecretAccessKey" : '
                         r'"[A-Za-z0-9+/]{40}",\n  "Token" : "[A-Za-z0-9_-]+",\n  '
                         r'"Expiration" : "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n\}$')

    def test_extended_path_adds_the_account(self):
        legacy = credential(self.url, "app-role")
        status, _, body = fetch(self.url, "security-credentials-extended/")
        self.assertEqual((status, body), (200, b"app-role"))
        status, _, body = fetch(self.url, "security-credentials-extended/app-role")
        self.assertEqual(status, 200)
        extended = json.loads(body)
        self.assertEqual(list(extended)[-1], "AccountId")
        self.assertRegex(extended.pop("AccountId"), r"^\d{12}$")
        self.assertEqual(extended, legacy)

    def test_unknown_role_and_instance_without_profile_get_404(self):
        self.assertEqual(fetch(self.url, "security-credentials/ops-role")[0], 404)
        self.assertEqual(fetch(self.url, "security-credentials/app-role/x")[0], 404)
        for path in ["", "info", "security-credentials/", "security-credentials/app-role"]:
            self.assertEqual(fetch(self.url, path, source="127.0.0.3")[0], 404, path)
        token = get_token(self.url, interface="127.0.0.3")
        status, _, body = curl(self.url + "/latest/meta-data/", interface="127.0.0.3",
                               headers=[f"X-aws-ec2-metadata-token: {token}"])
        self.assertEqual(status, 200)
        self.assertNotIn(b"iam/", body)

    def test_imdsv1_is_refused_when_tokens_are_required(self):
        status, _, _ = curl(self.url + "/latest/meta-data/iam/security-credentials/app-role")
        self.assertEqual(status, 401)

    def test_botocore_and_boto3_load_what_curl_gets(self):
        out = run_python(BOTOCORE_CLIENTS, self.url)
        served = credential(self.url, "app-role")
        expected = ["iam-role", served["AccessKeyId"], served["SecretAccessKey"], served["Token"]]
        self.assertEqual(out["provider"], expected)
        self.assertEqual(out["session"], expected)
        if out["boto3"] is not None:
            self.assertEqual(out["boto3"], expected)

    def test_aws_cli_exports_what_curl_gets(self):
        served = credential(self.url, "app-role")
        tried = []
        for aws in find_aws_clis():
            with tempfile.TemporaryDirectory() as home:
                empty = os.path.join(home, "empty")
                open(empty, "w").close()
                env = client_env(self.url, {"AWS_CONFIG_FILE": empty,
                                            "AWS_SHARED_CREDENTIALS_FILE": empty, "HOME": home})
                out = subprocess.run([aws, "configure", "export-credentials", "--format",
                                      "process"], capture_output=True, env=env, timeout=60)
            if out.returncode != 0 and lacks_subcommand(out.stderr):
                tried.append(aws)
                continue
            self.assertEqual(out.returncode, 0, out.stderr.decode())
            exported = json.loads(out.stdout)
            self.assertEqual(exported["Version"], 1)
            self.assertEqual(exported["AccessKeyId"], served["AccessKeyId"])
            self.assertEqual(exported["SecretAccessKey"], served["SecretAccessKey"])
            self.assertEqual(exported["SessionToken"], served["Token"])
            # The CLI prints the expiry in its own format; it must be the same instant.
            self.assertEqual(exported["Expiration"].replace("+00:00", "Z"), served["Expiration"])
            return
        self.skipTest("no AWS CLI with `aws configure export-credentials` (needs 2.9 or later; "
                      f"tried: {', '.join(tried) or 'none found'}); install Debian's awscli")

    def test_tenants_never_receive_each_others_credentials_under_load(self):
        expected = {"127.0.0.1": credential(self.url, "app-role", "127.0.0.1"),
                    "127.0.0.2": credential(self.url, "ops-role", "127.0.0.2")}
        self.assertNotEqual(expected["127.0.0.1"]["AccessKeyId"],
                            expected["127.0.0.2"]["AccessKeyId"])
        roles = {"127.0.0.1": "app-role", "127.0.0.2": "ops-role"}
        host, port = self.daemon.endpoints[0].rsplit(":", 1)
        per_thread, threads_per_tenant = 750, 4  # 3,000 requests per tenant
        errors, counts, lock = [], {"127.0.0.1": 0, "127.0.0.2": 0}, threading.Lock()

        def worker(source):
            conn = http.client.HTTPConnection(host, int(port), timeout=10,
                                              source_address=(source, 0))
            try:
                conn.request("PUT", "/latest/api/token",
                             headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"})
                token = conn.getresponse().read().decode()
                path = "/latest/meta-data/iam/security-credentials/" + roles[source]
                for _ in range(per_thread):
                    conn.request("GET", path, headers={"X-aws-ec2-metadata-token": token})
                    response = conn.getresponse()
                    body = response.read()
                    if response.status != 200 or json.loads(body) != expected[source]:
                        with lock:
                            errors.append((source, response.status, body[:200]))
                        return
                    with lock:
                        counts[source] += 1
            except Exception as e:  # recorded and asserted below
                with lock:
                    errors.append((source, repr(e)))
            finally:
                conn.close()

        threads = [threading.Thread(target=worker, args=(source,))
                   for source in ("127.0.0.1", "127.0.0.2") for _ in range(threads_per_tenant)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(counts, {"127.0.0.1": per_thread * threads_per_tenant,
                                  "127.0.0.2": per_thread * threads_per_tenant})


class ExtendedPathOffTest(unittest.TestCase):
    def test_extended_path_can_answer_404(self):
        with Daemon(config(credentials="{lifetime: 6h, refresh_lead: 5h, "
                                       "extended_path: disabled}")) as d:
            self.assertEqual(fetch(d.url, "security-credentials-extended/")[0], 404)
            self.assertEqual(fetch(d.url, "security-credentials-extended/app-role")[0], 404)
            self.assertEqual(fetch(d.url, "security-credentials/app-role")[0], 200)


class RotationTest(unittest.TestCase):
    def test_short_lifetimes_rotate_and_botocore_follows(self):
        short = "{lifetime: 6s, refresh_lead: 3s, allow_short_lifetimes: true}"
        with Daemon(config(credentials=short)) as d:
            self.assertIn("allow_short_lifetimes", d.log_text())
            first = credential(d.url, "app-role")
            info = fetch(d.url, "info")[2]
            # A new credential every ~3 s, never one with less than the lead (3 s) left.
            self.assertTrue(wait_for(
                lambda: credential(d.url, "app-role")["AccessKeyId"] != first["AccessKeyId"],
                timeout=10))
            second = credential(d.url, "app-role")
            self.assertGreater(second["LastUpdated"], first["LastUpdated"])
            self.assertEqual(fetch(d.url, "info")[2], info)  # the association did not change
            # botocore, left alone, hands out at least two different credentials.
            out = subprocess.run([PYTHON, "-c", BOTOCORE_ROTATION, "20", "2"], capture_output=True,
                                 env=client_env(d.url), timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr.decode())
            seen = json.loads(out.stdout)
            self.assertEqual(len(seen), 2, seen)
            for key in seen:
                self.assertRegex(key, r"^ASIA[A-Z2-7]{16}$")
            self.assertNotIn(first["SecretAccessKey"], d.log_text())
            self.assertNotIn(first["Token"], d.log_text())


class RestartAndReloadTest(unittest.TestCase):
    def test_a_restart_serves_the_same_credentials(self):
        state = tempfile.mkdtemp(prefix="imdsd-it-state-")
        try:
            with Daemon(config(), args=["--state-dir", state]) as d:
                before = {r: credential(d.url, r, s)
                          for r, s in [("app-role", "127.0.0.1"), ("ops-role", "127.0.0.2")]}
            mode = os.stat(os.path.join(state, "credentials.state")).st_mode & 0o777
            self.assertEqual(mode, 0o600)
            with Daemon(config(), args=["--state-dir", state]) as d:
                after = {r: credential(d.url, r, s)
                         for r, s in [("app-role", "127.0.0.1"), ("ops-role", "127.0.0.2")]}
                self.assertIn("restored 2 current credential(s)", d.log_text())
            self.assertEqual(after, before)
            # A corrupt state file is logged and replaced, never fatal.
            with open(os.path.join(state, "credentials.state"), "w") as f:
                f.write("imdsd-credentials 1\nnot-a-token i-0aaaaaaaaaaaaaaaa\n")
            with Daemon(config(), args=["--state-dir", state]) as d:
                fresh = credential(d.url, "app-role")
                self.assertNotEqual(fresh["AccessKeyId"], before["app-role"]["AccessKeyId"])
                self.assertIn("cannot restore credentials", d.log_text())
            # A session key that others can read may have leaked: refuse to start.
            os.chmod(os.path.join(state, "sts-session.key"), 0o644)
            d = Daemon(config(), args=["--state-dir", state], expect_start=False)
            try:
                self.assertNotEqual(d.proc.wait(10), 0)
                self.assertIn("sts-session.key", d.log_text())
            finally:
                d.close()
        finally:
            shutil.rmtree(state, ignore_errors=True)

    def test_sighup_switches_only_the_changed_tenant(self):
        with Daemon(config()) as d:
            a_before = credential(d.url, "app-role", "127.0.0.1")
            b_before = credential(d.url, "ops-role", "127.0.0.2")
            b_info = fetch(d.url, "info", "127.0.0.2")[2]
            d.write_config(config(profiles=("ops-profile", "ops-profile", "app-profile")))
            d.signal(signal.SIGHUP)
            self.assertTrue(wait_for(lambda: "reloaded configuration" in d.log_text()),
                            d.log_text())
            self.assertEqual(fetch(d.url, "security-credentials/", "127.0.0.1")[2], b"ops-role")
            self.assertEqual(fetch(d.url, "security-credentials/app-role", "127.0.0.1")[0], 404)
            a_after = credential(d.url, "ops-role", "127.0.0.1")
            self.assertNotEqual(a_after["AccessKeyId"], a_before["AccessKeyId"])
            self.assertGreaterEqual(a_after["LastUpdated"], a_before["LastUpdated"])
            a_info = json.loads(fetch(d.url, "info", "127.0.0.1")[2])
            self.assertTrue(a_info["InstanceProfileArn"].endswith(":instance-profile/ops-profile"))
            self.assertEqual(credential(d.url, "ops-role", "127.0.0.2"), b_before)
            self.assertEqual(fetch(d.url, "info", "127.0.0.2")[2], b_info)
            # The instance that gained a profile has iam/ now.
            self.assertEqual(fetch(d.url, "security-credentials/", "127.0.0.3")[2], b"app-role")

            # A reload that cannot be served changes nothing.
            d.write_config(config(profiles=("no-such-profile", "app-profile", None)))
            d.signal(signal.SIGHUP)
            self.assertTrue(wait_for(lambda: "keeping the running configuration" in d.log_text()))
            self.assertEqual(credential(d.url, "ops-role", "127.0.0.1"), a_after)
            self.assertEqual(credential(d.url, "ops-role", "127.0.0.2"), b_before)


if __name__ == "__main__":
    run_main()
