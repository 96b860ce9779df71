"""Shared helpers for imdsd integration tests.

Starts the real imdsd binary ($IMDSD_BIN) as a process on loopback with a generated config,
waits for its --ready-file, and talks to it with real clients (curl, botocore, raw sockets).
Every daemon gets its own temporary directory (config, state, log), removed afterwards.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest

IMDSD_BIN = os.environ.get("IMDSD_BIN", "")
SKIP = 125  # ctest SKIP_RETURN_CODE

BASE_INSTANCE = """
  - name: {name}
    match: {match}
    instance_id: {instance_id}
    region: {region}
    instance_type: t3.micro
    user_data: "#!/bin/sh\\necho hello"
    tags: {{Name: {name}, Team: platform}}
    network:
      private_ip: {private_ip}
      public_ip: 3.84.12.34
    metadata_options:
      http_tokens: {http_tokens}
      http_put_response_hop_limit: {hop_limit}
      instance_metadata_tags: enabled
"""


def instance_yaml(name="test", match='["127.0.0.1/32", "::1/128"]', instance_id="i-0123456789abcdef0",
                  region="eu-west-1", private_ip="172.31.1.10", http_tokens="optional", hop_limit=1):
    return BASE_INSTANCE.format(name=name, match=match, instance_id=instance_id, region=region,
                                private_ip=private_ip, http_tokens=http_tokens, hop_limit=hop_limit)


def config_yaml(instances, listen='["127.0.0.1:0"]', extra=""):
    return textwrap.dedent(f"""\
        server:
          listen: {listen}
        logging:
          level: debug
          access_log: true
        state_dir: state
        {extra}
        instances:
        """) + "".join(instances)


class Daemon:
    """One imdsd process. Use as a context manager."""

    def __init__(self, config_text, args=(), env=None, netns=None, expect_start=True):
        if not IMDSD_BIN or not os.path.exists(IMDSD_BIN):
            raise RuntimeError("IMDSD_BIN is not set to the built imdsd binary")
        self.dir = tempfile.mkdtemp(prefix="imdsd-it-")
        self.config_path = os.path.join(self.dir, "imdsd.yaml")
        self.ready_path = os.path.join(self.dir, "ready")
        self.log_path = os.path.join(self.dir, "imdsd.log")
        self.write_config(config_text)
        cmd = [IMDSD_BIN, "--config", self.config_path, "--ready-file", self.ready_path, *args]
        if netns:
            cmd = ["ip", "netns", "exec", netns, *cmd]
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})
        self.endpoints = []
        if expect_start:
            self.wait_ready()

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def wait_ready(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.ready_path):
                with open(self.ready_path) as f:
                    self.endpoints = [line.strip() for line in f if line.strip()]
                if self.endpoints:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"imdsd exited with {self.proc.returncode}:\n{self.log_text()}")
            time.sleep(0.02)
        raise RuntimeError(f"imdsd did not become ready:\n{self.log_text()}")

    @property
    def url(self):
        return "http://" + self.endpoints[0]

    def url_for(self, family):
        for e in self.endpoints:
            if (family == 6) == e.startswith("["):
                return "http://" + e
        raise AssertionError(f"no IPv{family} listener in {self.endpoints}")

    @property
    def port(self):
        return int(self.endpoints[0].rsplit(":", 1)[1])

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def close(self):
        self.stop()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def curl(url, *args, method=None, headers=(), interface=None, timeout=5):
    """Runs curl and returns (status, headers dict with lower-case names, body bytes)."""
    cmd = ["curl", "-sS", "--path-as-is", "-D", "-", "--max-time", str(timeout), "--noproxy", "*"]
    if method:
        cmd += ["-X", method]
    for h in headers:
        cmd += ["-H", h]
    if interface:
        cmd += ["--interface", interface]
    cmd += [*args, url]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    # Skip interim 100 Continue blocks.
    while head.startswith(b"HTTP/1.1 100"):
        head, _, body = body.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def get_token(url, ttl=21600, interface=None):
    status, hdrs, body = curl(url + "/latest/api/token", method="PUT",
                              headers=[f"X-aws-ec2-metadata-token-ttl-seconds: {ttl}"],
                              interface=interface)
    assert status == 200, (status, body)
    return body.decode()


def raw_request(host, port, data, family=socket.AF_INET, timeout=5, source=None):
    """Sends raw bytes, returns everything the server sends until it closes or goes quiet."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    chunks = []
    try:
        # A server refusing an oversized request may answer and reset before we finish sending.
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return b"".join(chunks)


def require_root(test):
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root")


def run_main():
    """unittest main that exits 125 when every test was skipped (ctest SKIP_RETURN_CODE)."""
    import sys
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(SKIP)
    sys.exit(0)
