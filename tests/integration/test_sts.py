"""imdsd's STS endpoint with real clients: the AWS CLI (/usr/bin/aws) and boto3's STS client.

Covers GetCallerIdentity for a user, a role session and instance-profile credentials fetched
from imdsd's own IMDS; AssumeRole with ExternalId, MFA (codes computed here from the seed),
duration limits and role chaining; every authentication error a client can meet, with AWS's
code; the audit log (file and GET /audit); SIGHUP reload of the identities; graceful stop.
Everything listens on loopback; secrets reach the daemon through the environment."""

import base64
import contextlib
import datetime
import glob
import hmac
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import types
import unittest
from unittest import mock

import boto3
import botocore.auth
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

try:
    import awscrt  # noqa: F401  (botocore signs with it when it is installed)
    import botocore.crt.auth as CRT_AUTH
except ImportError:
    CRT_AUTH = None

from harness import IMDSD_BIN, Daemon, config_yaml, curl, get_token, instance_yaml, run_main

AWS_CLI = "/usr/bin/aws"

HOME = "111111111111"
PARTNER = "222222222222"
ALICE_KEY = "AKIARTXV5AHDR32HMUUG"
ALICE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE"
PARTNER_KEY = "AKIATHPL2AOHCVWGCYQK"
PARTNER_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
MFA_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, 20 bytes
MFA_SERIAL = f"arn:aws:iam::{HOME}:mfa/alice"
EXTERNAL_ID = "it-external-id-42"
INSTANCE_ID = "i-0123456789abcdef0"

SECRETS_ENV = {"IT_ALICE_SECRET": ALICE_SECRET, "IT_PARTNER_SECRET": PARTNER_SECRET,
               "IT_ALICE_SEED": MFA_SEED}

CHAINING_MESSAGE = ("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                    "assumed by role chaining.")
MAX_DURATION_MESSAGE = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
MFA_FAILED_MESSAGE = "MultiFactorAuthentication failed with invalid MFA one time pass code."


def role_arn(name, account=HOME):
    return f"arn:aws:iam::{account}:role/{name}"


def allow(action, resource):
    return (f'{{Version: "2012-10-17", Statement: [{{Effect: Allow, Action: "{action}", '
            f'Resource: "{resource}"}}]}}')


def trust(principal, condition=""):
    cond = f", Condition: {condition}" if condition else ""
    return (f'{{Version: "2012-10-17", Statement: [{{Effect: Allow, Principal: {principal}, '
            f'Action: "sts:AssumeRole"{cond}}}]}}')


def sts_yaml(credentials="{lifetime: 6h, refresh_lead: 5h}"):
    """Everything but server/instances: two accounts, two users, an MFA device, five roles."""
    return f"""
account_id: "{HOME}"
region: us-east-1
accounts:
  - {{id: "{HOME}", alias: home}}
  - {{id: "{PARTNER}", alias: partner}}
credentials: {credentials}
users:
  - name: alice
    path: /lab/
    policies:
      - name: assume-anything
        document: {allow("sts:AssumeRole", "*")}
    access_keys:
      - {{id: {ALICE_KEY}, secret_env: IT_ALICE_SECRET}}
  - name: partner-app
    account: partner
    policies:
      - name: assume-partner-role
        document: {allow("sts:AssumeRole", role_arn("partner-role"))}
    access_keys:
      - {{id: {PARTNER_KEY}, secret_env: IT_PARTNER_SECRET}}
mfa_devices:
  - {{serial: "{MFA_SERIAL}", user: alice, seed_env: IT_ALICE_SEED}}
roles:
  - name: instance-role
    trust_policy: {trust("{Service: ec2.amazonaws.com}")}
    policies:
      - name: assume-anything
        document: {allow("sts:AssumeRole", "*")}
  - name: hop-one
    max_session_duration: 4h
    trust_policy: {trust('{AWS: "arn:aws:iam::' + HOME + ':root"}')}
    policies:
      - name: assume-anything
        document: {allow("sts:AssumeRole", "*")}
  - name: hop-two
    max_session_duration: 4h
    trust_policy: {trust('{AWS: "arn:aws:iam::' + HOME + ':root"}')}
  - name: partner-role
    trust_policy: {trust('{AWS: "arn:aws:iam::' + PARTNER + ':root"}',
                         '{StringEquals: {sts:ExternalId: ' + EXTERNAL_ID + '}}')}
  - name: mfa-role
    trust_policy: {trust('{AWS: "arn:aws:iam::' + HOME + ':user/lab/alice"}',
                         '{Bool: {aws:MultiFactorAuthPresent: "true"}}')}
instance_profiles:
  - {{name: instance-profile, role: instance-role}}
sts:
  listen: ["127.0.0.1:0"]
"""


def config(**kwargs):
    instance = instance_yaml(instance_id=INSTANCE_ID) + "    instance_profile: instance-profile\n"
    return config_yaml([instance]) + sts_yaml(**kwargs)


def sts_url(daemon):
    """The STS endpoint's URL, from the line imdsd prints at start (before the ready file)."""
    match = re.search(r"imdsd STS endpoint on (http://\S+)", daemon.log_text())
    assert match, daemon.log_text()
    return match.group(1)


def totp(seed_base32, at=None, step_offset=0):
    key = base64.b32decode(seed_base32 + "=" * (-len(seed_base32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step_offset
    digest = hmac.digest(key, struct.pack(">Q", counter), "sha1")
    offset = digest[-1] & 0x0F
    return "%06d" % ((int.from_bytes(digest[offset:offset + 4], "big") & 0x7FFFFFFF) % 10**6)


def wrong_totp(seed_base32):
    """A code that no step of the verifier's window accepts."""
    valid = {totp(MFA_SEED, step_offset=k) for k in (-2, -1, 0, 1, 2)}
    for candidate in ("000000", "111111", "123456", "654321"):
        if candidate not in valid:
            return candidate
    raise AssertionError("unreachable")


# Retries would hide what the first answer was; none of these calls should be retried.
NO_RETRIES = BotoConfig(retries={"total_max_attempts": 1, "mode": "standard"})


def sts_client(url, key, secret, token=None):
    return boto3.session.Session().client(
        "sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token, config=NO_RETRIES)


def client_for(url, credentials):
    """A client for STS's Credentials or IMDS's credential document (which says "Token")."""
    token = credentials["SessionToken"] if "SessionToken" in credentials else credentials["Token"]
    return sts_client(url, credentials["AccessKeyId"], credentials["SecretAccessKey"], token)


def error_of(call):
    try:
        call()
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"].get("Message", ""),
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    raise AssertionError("the call succeeded")


def cli_env(extra=None):
    """No credentials from the invoking user's files; a known region."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1"})
    env.update(extra or {})
    return env


def user_env(key=ALICE_KEY, secret=ALICE_SECRET, token=None):
    env = {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
           # Keep the CLI away from IMDS (there is none at 169.254.169.254 here anyway).
           "AWS_EC2_METADATA_DISABLED": "true"}
    if token:
        env["AWS_SESSION_TOKEN"] = token
    return env


def aws(url, *args, env=None):
    """Runs /usr/bin/aws sts ARGS; returns (exit status, parsed JSON or None, stderr)."""
    proc = subprocess.run([AWS_CLI, "sts", *args, "--endpoint-url", url, "--output", "json"],
                          capture_output=True, text=True, env=cli_env(env), timeout=60)
    out = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else None
    return proc.returncode, out, proc.stderr


def cli_error(stderr):
    """(code, message) out of "An error occurred (Code) when calling the Op operation: Message"."""
    match = re.search(r"An error occurred \((\w+)\) when calling the \w+ operation"
                      r"(?: \(reached max retries: \d+\))?: (.*)", stderr)
    assert match, stderr
    return match.group(1), match.group(2).strip()


def instance_credentials(daemon):
    token = get_token(daemon.url)
    status, _, body = curl(daemon.url + "/latest/meta-data/iam/security-credentials/instance-role",
                           headers=[f"X-aws-ec2-metadata-token: {token}"])
    assert status == 200, (status, body)
    return json.loads(body)


def audit_lines(daemon, predicate=lambda e: True, timeout=10):
    """The audit file's events that satisfy `predicate` (the file is written in the background)."""
    path = os.path.join(daemon.dir, "state", "sts-audit.jsonl")
    deadline = time.monotonic() + timeout
    while True:
        events = []
        if os.path.exists(path):
            with open(path) as f:
                events = [json.loads(line) for line in f if line.strip()]
        found = [e for e in events if predicate(e)]
        if found or time.monotonic() > deadline:
            return found, path
        time.sleep(0.05)


class StsEndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(config(), env=SECRETS_ENV)
        cls.url = sts_url(cls.daemon)

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()

    def alice(self):
        return sts_client(self.url, ALICE_KEY, ALICE_SECRET)

    # --- GetCallerIdentity -----------------------------------------------------------------

    def test_cli_caller_identity_of_a_user(self):
        status, out, err = aws(self.url, "get-caller-identity", env=user_env())
        self.assertEqual(status, 0, err)
        self.assertEqual(out["Account"], HOME)
        self.assertEqual(out["Arn"], f"arn:aws:iam::{HOME}:user/lab/alice")
        self.assertRegex(out["UserId"], r"^AIDA[A-Z2-7]{17}$")

    def test_cli_caller_identity_of_an_assumed_role_session(self):
        creds = self.alice().assume_role(RoleArn=role_arn("hop-one"),
                                         RoleSessionName="cli-session")["Credentials"]
        status, out, err = aws(self.url, "get-caller-identity",
                               env=user_env(creds["AccessKeyId"], creds["SecretAccessKey"],
                                            creds["SessionToken"]))
        self.assertEqual(status, 0, err)
        self.assertEqual(out["Arn"], f"arn:aws:sts::{HOME}:assumed-role/hop-one/cli-session")
        self.assertRegex(out["UserId"], r"^AROA[A-Z2-7]{17}:cli-session$")

    def test_cli_caller_identity_with_instance_profile_credentials_from_imds(self):
        # The CLI finds the credentials itself, through imdsd's IMDS, as on an EC2 instance.
        env = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": self.daemon.url + "/"}
        status, out, err = aws(self.url, "get-caller-identity", env=env)
        self.assertEqual(status, 0, err)
        self.assertEqual(out["Arn"],
                         f"arn:aws:sts::{HOME}:assumed-role/instance-role/{INSTANCE_ID}")
        self.assertTrue(out["UserId"].endswith(":" + INSTANCE_ID), out)

    def test_boto3_caller_identity_with_instance_profile_credentials(self):
        creds = instance_credentials(self.daemon)
        out = client_for(self.url, creds).get_caller_identity()
        self.assertEqual(out["Arn"],
                         f"arn:aws:sts::{HOME}:assumed-role/instance-role/{INSTANCE_ID}")

    # --- AssumeRole: ExternalId ------------------------------------------------------------

    def partner_assume(self, *extra):
        return aws(self.url, "assume-role", "--role-arn", role_arn("partner-role"),
                   "--role-session-name", "partner", *extra,
                   env=user_env(PARTNER_KEY, PARTNER_SECRET))

    def test_external_id_right_wrong_and_missing(self):
        status, out, err = self.partner_assume("--external-id", EXTERNAL_ID)
        self.assertEqual(status, 0, err)
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{HOME}:assumed-role/partner-role/partner")
        self.assertRegex(out["Credentials"]["AccessKeyId"], r"^ASIA")
        denied = (f"User: arn:aws:iam::{PARTNER}:user/partner-app is not authorized to perform: "
                  f"sts:AssumeRole on resource: {role_arn('partner-role')}")
        for extra in (["--external-id", "someone-elses-id"], []):
            status, _, err = self.partner_assume(*extra)
            self.assertNotEqual(status, 0)
            self.assertEqual(cli_error(err), ("AccessDenied", denied))

    # --- AssumeRole: MFA -------------------------------------------------------------------

    def test_mfa_code_from_the_seed_and_a_wrong_one(self):
        args = ["assume-role", "--role-arn", role_arn("mfa-role"), "--role-session-name", "mfa"]
        status, _, err = aws(self.url, *args, env=user_env())
        self.assertEqual(cli_error(err)[0], "AccessDenied")  # the trust policy requires MFA
        status, _, err = aws(self.url, *args, "--serial-number", MFA_SERIAL, "--token-code",
                             wrong_totp(MFA_SEED), env=user_env())
        self.assertEqual(cli_error(err), ("AccessDenied", MFA_FAILED_MESSAGE))
        status, out, err = aws(self.url, *args, "--serial-number", MFA_SERIAL, "--token-code",
                               totp(MFA_SEED), env=user_env())
        self.assertEqual(status, 0, err)
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{HOME}:assumed-role/mfa-role/mfa")

    # --- AssumeRole: durations and role chaining -------------------------------------------

    def test_duration_above_the_roles_maximum(self):
        status, _, err = aws(self.url, "assume-role", "--role-arn", role_arn("hop-one"),
                             "--role-session-name", "long", "--duration-seconds", "18000",
                             env=user_env())
        self.assertEqual(cli_error(err), ("ValidationError", MAX_DURATION_MESSAGE))
        status, _, err = aws(self.url, "assume-role", "--role-arn", role_arn("hop-one"),
                             "--role-session-name", "long", "--duration-seconds", "50000",
                             env=user_env())
        code, message = cli_error(err)
        self.assertEqual(code, "ValidationError")
        self.assertIn("Value '50000' at 'durationSeconds' failed to satisfy constraint: Member "
                      "must have value less than or equal to 43200", message)

    def test_chain_from_instance_profile_credentials_is_capped_at_one_hour(self):
        # Instance-profile credentials are not role chaining: the first hop may ask for 2 h.
        first = client_for(self.url, instance_credentials(self.daemon)).assume_role(
            RoleArn=role_arn("hop-one"), RoleSessionName="first", DurationSeconds=7200)
        expiry = first["Credentials"]["Expiration"]
        lifetime = expiry - datetime.datetime.now(datetime.timezone.utc)
        self.assertGreater(lifetime, datetime.timedelta(minutes=110))
        # The second hop is role chaining: 2 h is AWS's error, 1 h works.
        session = client_for(self.url, first["Credentials"])
        code, message, http_status = error_of(lambda: session.assume_role(
            RoleArn=role_arn("hop-two"), RoleSessionName="second", DurationSeconds=7200))
        self.assertEqual((code, message, http_status),
                         ("ValidationError", CHAINING_MESSAGE, 400))
        second = session.assume_role(RoleArn=role_arn("hop-two"), RoleSessionName="second",
                                     DurationSeconds=3600)
        self.assertEqual(second["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{HOME}:assumed-role/hop-two/second")
        identity = client_for(self.url, second["Credentials"]).get_caller_identity()
        self.assertEqual(identity["Arn"], second["AssumedRoleUser"]["Arn"])

    # --- Authentication errors -------------------------------------------------------------

    def test_temporary_key_without_its_session_token(self):
        creds = instance_credentials(self.daemon)
        client = sts_client(self.url, creds["AccessKeyId"], creds["SecretAccessKey"])
        code, _, http_status = error_of(client.get_caller_identity)
        self.assertEqual((code, http_status), ("InvalidClientTokenId", 403))

    def test_wrong_secret_is_a_bad_signature(self):
        client = sts_client(self.url, ALICE_KEY, PARTNER_SECRET)
        code, message, http_status = error_of(client.get_caller_identity)
        self.assertEqual((code, http_status), ("SignatureDoesNotMatch", 403))
        self.assertTrue(message.startswith("The request signature we calculated does not match"))

    def test_unknown_key(self):
        client = sts_client(self.url, "AKIAZZZZZZZZZZZZZZZZ", ALICE_SECRET)
        code, message, http_status = error_of(client.get_caller_identity)
        self.assertEqual((code, http_status), ("InvalidClientTokenId", 403))
        self.assertTrue(message.startswith("The security token included in the request is invalid"))

    def test_request_signed_twenty_minutes_ago(self):
        # botocore stamps X-Amz-Date with datetime.datetime.utcnow(); give it a clock 20 minutes
        # slow for this one call.
        class SlowDatetime(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return datetime.datetime.utcnow() - datetime.timedelta(minutes=20)

        slow = types.SimpleNamespace(datetime=SlowDatetime, timedelta=datetime.timedelta,
                                     timezone=datetime.timezone)
        client = self.alice()
        with contextlib.ExitStack() as stack:
            stack.enter_context(mock.patch.object(botocore.auth, "datetime", slow))
            # With awscrt installed (Debian's awscli brings it), botocore signs with the CRT
            # signer, which reads the time in its own module.
            if CRT_AUTH is not None:
                stack.enter_context(mock.patch.object(CRT_AUTH, "datetime", slow))
            code, message, http_status = error_of(client.get_caller_identity)
        self.assertEqual((code, http_status), ("SignatureDoesNotMatch", 403))
        self.assertRegex(message, r"^Signature expired: \d{8}T\d{6}Z is now earlier than "
                                  r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$")

    # --- Audit -----------------------------------------------------------------------------

    def test_audit_file_explains_denials_and_holds_no_secrets(self):
        creds = instance_credentials(self.daemon)
        session = client_for(self.url, creds)
        code, _, _ = error_of(lambda: session.assume_role(RoleArn=role_arn("partner-role"),
                                                          RoleSessionName="deputy"))
        self.assertEqual(code, "AccessDenied")
        denials, path = audit_lines(
            self.daemon, lambda e: e.get("errorCode") == "AccessDenied" and
            e.get("requestParameters", {}).get("roleSessionName") == "deputy")
        self.assertEqual(len(denials), 1)
        event = denials[0]
        self.assertEqual(event["eventName"], "AssumeRole")
        self.assertEqual(event["sourceIPAddress"], "127.0.0.1")
        self.assertEqual(event["userIdentity"]["type"], "AssumedRole")
        self.assertIn("Boto3", event["userAgent"])
        self.assertTrue(event.get("imdsdDecision"), event)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path) as f:
            text = f.read()
        for secret in (ALICE_SECRET, PARTNER_SECRET, creds["SecretAccessKey"], creds["Token"],
                       MFA_SEED):
            self.assertNotIn(secret, text)

    def test_get_audit_returns_recent_events_as_json(self):
        self.alice().get_caller_identity()
        status, headers, body = curl(self.url + "/audit")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        events = json.loads(body)
        self.assertTrue(any(e["eventName"] == "GetCallerIdentity" for e in events))
        self.assertNotIn(ALICE_SECRET, body.decode())


class StsLifecycleTest(unittest.TestCase):
    """Each test runs its own daemon: expiry, reload and stop change it."""

    def test_expired_instance_credentials(self):
        # The testing switch lets instance-profile credentials live 3 seconds; once expired,
        # STS refuses them with ExpiredToken.
        with Daemon(config(credentials="{lifetime: 3s, refresh_lead: 1s, "
                                       "allow_short_lifetimes: true}"),
                    env=SECRETS_ENV) as d:
            url = sts_url(d)
            creds = instance_credentials(d)
            client = client_for(url, creds)
            client.get_caller_identity()
            expiry = datetime.datetime.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ")
            wait = (expiry - datetime.datetime.utcnow()).total_seconds() + 1.5
            time.sleep(max(wait, 0))
            code, message, http_status = error_of(client.get_caller_identity)
            self.assertEqual((code, http_status), ("ExpiredToken", 403))
            self.assertTrue(message.startswith("The security token included in the request is "
                                               "expired"))

    def test_reload_swaps_identities_and_a_bad_reload_keeps_them(self):
        with Daemon(config(), env=SECRETS_ENV) as d:
            url = sts_url(d)
            self.assertEqual(sts_client(url, ALICE_KEY, ALICE_SECRET).get_caller_identity()[
                "Arn"], f"arn:aws:iam::{HOME}:user/lab/alice")
            # alice moves to another path: her ARN changes after SIGHUP.
            d.write_config(config().replace("path: /lab/", "path: /moved/"))
            d.signal(signal.SIGHUP)
            client = sts_client(url, ALICE_KEY, ALICE_SECRET)
            deadline = time.monotonic() + 10
            while "/moved/" not in client.get_caller_identity()["Arn"]:
                self.assertLess(time.monotonic(), deadline, d.log_text())
                time.sleep(0.05)
            # A configuration that does not load changes nothing.
            d.write_config(config().replace("path: /lab/", "path: no-slash"))
            d.signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "keeping the running configuration" not in d.log_text():
                self.assertLess(time.monotonic(), deadline, d.log_text())
                time.sleep(0.05)
            self.assertIn("/moved/", client.get_caller_identity()["Arn"])

    def test_one_audit_line_per_request_written_out_at_stop(self):
        with Daemon(config(), env=SECRETS_ENV) as d:
            url = sts_url(d)
            self.assertRegex(url, r"^http://127\.0\.0\.1:\d+$")
            self.assertNotIn(url[len("http://"):], d.endpoints)  # the ready file lists IMDS only
            alice = sts_client(url, ALICE_KEY, ALICE_SECRET)
            alice.get_caller_identity()
            error_of(lambda: alice.assume_role(RoleArn=role_arn("partner-role"),
                                               RoleSessionName="nope"))
            error_of(sts_client(url, ALICE_KEY, PARTNER_SECRET).get_caller_identity)
            self.assertEqual(d.stop(), 0)  # SIGTERM: both listeners stop, the audit file flushes
            self.assertIn("stopped", d.log_text())
            with open(os.path.join(d.dir, "state", "sts-audit.jsonl")) as f:
                events = [json.loads(line) for line in f]
            self.assertEqual([(e["eventName"], e.get("errorCode")) for e in events],
                             [("GetCallerIdentity", None), ("AssumeRole", "AccessDenied"),
                              ("GetCallerIdentity", "SignatureDoesNotMatch")])

    def test_no_sts_section_opens_no_sts_port(self):
        with Daemon(config_yaml([instance_yaml()])) as d:
            self.assertNotIn("STS endpoint", d.log_text())


class LabConfigsTest(unittest.TestCase):
    """Every lab under config/labs/ loads, as its walk-through tells the learner to check."""

    LABS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "config", "labs")

    def test_every_lab_config_passes_check_config(self):
        # A copy, so that the secret files can be made 0600 as the walk-throughs ask (git does
        # not keep modes) without touching the checkout.
        with tempfile.TemporaryDirectory(prefix="imdsd-labs-") as tmp:
            labs = os.path.join(tmp, "config", "labs")
            shutil.copytree(self.LABS, labs)
            subprocess.run(["chmod", "-R", "o=", labs], check=True)
            configs = sorted(glob.glob(os.path.join(labs, "*", "lab.yaml")))
            configs.append(os.path.join(labs, "identities-example.yaml"))
            self.assertGreaterEqual(len(configs), 6)
            for path in configs:
                with self.subTest(lab=os.path.relpath(path, labs)):
                    proc = subprocess.run([IMDSD_BIN, "--check-config", path],
                                          capture_output=True, text=True)
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    self.assertEqual(proc.stderr, "")  # not even a warning
                    self.assertTrue(proc.stdout.endswith(": OK\n"), proc.stdout)


if __name__ == "__main__":
    run_main()
