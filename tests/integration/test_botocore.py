"""Unmodified botocore/boto3 against imdsd: IMDSv2, the IMDSv1 fallback, and required mode."""

import http.server
import json
import os
import socketserver
import subprocess
import sys
import threading
import unittest
import urllib.request

from harness import Daemon, config_yaml, instance_yaml, run_main

# Runs in a child interpreter so the environment (endpoint, v1 switch) is exactly what a user sets.
CLIENT = r"""
import json, sys
import botocore.session
from botocore.utils import IMDSFetcher, IMDSRegionProvider
session = botocore.session.get_session()
out = {}
# The SDK's own path from session configuration (AWS_EC2_METADATA_SERVICE_ENDPOINT) to IMDS.
out["region"] = IMDSRegionProvider(session).provide()
config = {"ec2_metadata_service_endpoint":
          session.get_config_variable("ec2_metadata_service_endpoint")}
fetcher = IMDSFetcher(timeout=2, num_attempts=1, config=config)
try:
    token = fetcher._fetch_metadata_token()
    out["token_len"] = len(token) if token else 0
    resp = fetcher._get_request("/latest/dynamic/instance-identity/document", None, token)
    out["document"] = json.loads(resp.text)
except Exception as e:  # recorded, asserted by the test
    out["error"] = type(e).__name__
print(json.dumps(out))
"""


def python_with_botocore():
    for candidate in ["/usr/bin/python3", sys.executable]:
        if subprocess.run([candidate, "-c", "import botocore"], capture_output=True).returncode == 0:
            return candidate
    raise RuntimeError("no python3 with botocore; install python3-botocore")


PYTHON = python_with_botocore()


def run_client(endpoint, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint + "/",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    env.update(extra_env or {})
    out = subprocess.run([PYTHON, "-c", CLIENT], capture_output=True, env=env, timeout=60)
    if out.returncode != 0:
        raise AssertionError(out.stderr.decode())
    return json.loads(out.stdout)


class TokenRefusingProxy:
    """Forwards to imdsd but answers 403 to the token PUT, as IMDS does behind a proxy that
    adds X-Forwarded-For: the case where SDKs fall back to IMDSv1. Counts tokenless GETs."""

    def __init__(self, upstream):
        self.tokenless_gets = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                if "x-aws-ec2-metadata-token" not in {k.lower() for k in self.headers.keys()}:
                    proxy.tokenless_gets += 1
                req = urllib.request.Request(upstream + self.path)
                try:
                    with urllib.request.urlopen(req, timeout=5) as r:
                        status, body = r.status, r.read()
                except urllib.error.HTTPError as e:
                    status, body = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class BotocoreTest(unittest.TestCase):
    def test_imdsv2_region_and_identity_document(self):
        with Daemon(config_yaml([instance_yaml(http_tokens="required")])) as d:
            out = run_client(d.url)
            self.assertEqual(out["region"], "eu-west-1")
            self.assertEqual(out["token_len"], 56)
            doc = out["document"]
            self.assertEqual(doc["instanceId"], "i-0123456789abcdef0")
            self.assertEqual(doc["region"], "eu-west-1")
            self.assertEqual(doc["availabilityZone"], "eu-west-1a")
            self.assertEqual(doc["privateIp"], "172.31.1.10")
            self.assertEqual(doc["version"], "2017-09-30")
            self.assertIn("accountId", doc)

    def test_boto3_session_sees_the_region(self):
        with Daemon(config_yaml([instance_yaml()])) as d:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"AWS_EC2_METADATA_SERVICE_ENDPOINT": d.url + "/",
                        "AWS_CONFIG_FILE": "/dev/null"})
            code = ("import botocore.session as s, botocore.utils as u; "
                    "print(u.IMDSRegionProvider(s.get_session()).provide())")
            out = subprocess.run([PYTHON, "-c", code], capture_output=True, env=env, timeout=60)
            self.assertEqual(out.stdout.decode().strip(), "eu-west-1", out.stderr.decode())
            has_boto3 = subprocess.run([PYTHON, "-c", "import boto3"]).returncode == 0
            if has_boto3:
                code = ("import boto3, botocore.utils as u; s = boto3.Session(); "
                        "print(u.IMDSRegionProvider(s._session).provide())")
                out = subprocess.run([PYTHON, "-c", code], capture_output=True, env=env,
                                     timeout=60)
                self.assertEqual(out.stdout.decode().strip(), "eu-west-1", out.stderr.decode())

    def test_v1_fallback_works_when_tokens_are_optional(self):
        with Daemon(config_yaml([instance_yaml(http_tokens="optional")])) as d:
            proxy = TokenRefusingProxy(d.url)
            try:
                out = run_client(proxy.url)
            finally:
                proxy.close()
            self.assertEqual(out["region"], "eu-west-1")
            self.assertEqual(out["document"]["instanceId"], "i-0123456789abcdef0")
            self.assertGreater(proxy.tokenless_gets, 0)

    def test_v1_fallback_is_refused_when_tokens_are_required(self):
        with Daemon(config_yaml([instance_yaml(http_tokens="required")])) as d:
            proxy = TokenRefusingProxy(d.url)
            try:
                out = run_client(proxy.url)
            finally:
                proxy.close()
            self.assertIsNone(out["region"])
            self.assertNotIn("document", out)
            self.assertGreater(proxy.tokenless_gets, 0)
            self.assertIn("401", d.log_text())


if __name__ == "__main__":
    run_main()
