"""In network namespaces this test creates: (1) imdsd on 169.254.169.254:80, queried by clients
that use their default endpoint; (2) a client one routed hop away, as a container behind a
bridge is, which gets its token only when the hop limit allows it. Needs root and `ip netns`;
skipped with a clear message otherwise. Nothing leaves the namespaces."""

import os
import subprocess
import sys
import time
import unittest

from harness import Daemon, config_yaml, instance_yaml, run_main

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PREFIX = f"imdsd-t{os.getpid()}"


def sh(*cmd, check=True, timeout=30):
    return subprocess.run(cmd, capture_output=True, check=check, timeout=timeout)


def can_make_namespaces():
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    name = PREFIX + "-probe"
    if sh("ip", "netns", "add", name, check=False).returncode != 0:
        return "cannot create network namespaces here (ip netns add failed)"
    sh("ip", "netns", "del", name, check=False)
    return None


REASON = can_make_namespaces()


def python_with_botocore():
    for candidate in ["/usr/bin/python3", sys.executable]:
        if sh(candidate, "-c", "import botocore", check=False).returncode == 0:
            return candidate
    raise RuntimeError("no python3 with botocore; install python3-botocore")


@unittest.skipIf(REASON, REASON or "")
class DefaultEndpointTest(unittest.TestCase):
    ns = PREFIX + "-imds"

    def setUp(self):
        sh("ip", "netns", "add", self.ns)
        sh("ip", "-n", self.ns, "link", "set", "lo", "up")
        link = sh("ip", "netns", "exec", self.ns, os.path.join(REPO, "scripts", "imds-link.sh"),
                  "add", check=False)
        if link.returncode != 0:
            # Kernels without the dummy link type (some containers): put the address on the
            # namespace's loopback instead; what is under test is imdsd, not the helper.
            print("imds-link.sh add failed, using lo:", link.stderr.decode().strip())
            sh("ip", "-n", self.ns, "addr", "add", "169.254.169.254/32", "dev", "lo")

    def tearDown(self):
        sh("ip", "netns", "del", self.ns, check=False)

    def test_unmodified_clients_find_imdsd_at_169_254_169_254(self):
        config = config_yaml([instance_yaml(match='["169.254.169.254/32", "127.0.0.0/8"]',
                                            http_tokens="required")],
                             listen='["169.254.169.254:80"]')
        with Daemon(config, netns=self.ns) as d:
            out = sh("ip", "netns", "exec", self.ns, "curl", "-sS", "-o", "/dev/null", "-w",
                     "%{http_code}", "--max-time", "5",
                     "http://169.254.169.254/latest/meta-data/instance-id", check=False)
            self.assertEqual(out.stdout, b"401", "required mode must refuse a tokenless curl")
            code = ("import os; [os.environ.pop(k) for k in list(os.environ) if k.startswith('AWS_')];"
                    "from botocore.utils import InstanceMetadataRegionFetcher as F, IMDSFetcher;"
                    "f = IMDSFetcher(); t = f._fetch_metadata_token();"
                    "print(F().retrieve_region());"
                    "print(f._get_request('/latest/meta-data/instance-id', None, t).text)")
            out = sh("ip", "netns", "exec", self.ns, python_with_botocore(), "-c", code,
                     check=False, timeout=60)
            self.assertEqual(out.stdout.decode().split(),
                             ["eu-west-1", "i-0123456789abcdef0"], out.stderr.decode() + d.log_text())


@unittest.skipIf(REASON, REASON or "")
class RoutedHopLimitTest(unittest.TestCase):
    """client ns --veth-- router ns --veth-- server ns; the client is one routed hop away."""

    client, router, server = PREFIX + "-c", PREFIX + "-r", PREFIX + "-s"

    def setUp(self):
        for ns in (self.client, self.router, self.server):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", "c0", "netns", self.client, "type", "veth", "peer", "r0",
           "netns", self.router)
        sh("ip", "link", "add", "s0", "netns", self.server, "type", "veth", "peer", "r1",
           "netns", self.router)
        for ns, dev, addr in [(self.client, "c0", "10.77.1.2/24"), (self.router, "r0", "10.77.1.1/24"),
                              (self.router, "r1", "10.77.2.1/24"), (self.server, "s0", "10.77.2.2/24")]:
            sh("ip", "-n", ns, "addr", "add", addr, "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "netns", "exec", self.router, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        sh("ip", "-n", self.client, "route", "add", "default", "via", "10.77.1.1")
        sh("ip", "-n", self.server, "route", "add", "default", "via", "10.77.2.1")

    def tearDown(self):
        for ns in (self.client, self.router, self.server):
            sh("ip", "netns", "del", ns, check=False)

    def put_token(self):
        return sh("ip", "netns", "exec", self.client, "curl", "-sS", "-o", "/dev/null", "-w",
                  "%{http_code}", "--max-time", "2", "-X", "PUT",
                  "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60",
                  "http://10.77.2.2:80/latest/api/token", check=False)

    def test_hop_limit_1_drops_the_token_one_hop_away_and_2_delivers_it(self):
        def config(hop_limit):
            return config_yaml([instance_yaml(match='["10.77.1.0/24"]', hop_limit=hop_limit)],
                               listen='["10.77.2.2:80"]')

        with Daemon(config(1), netns=self.server) as d:
            self.assertNotEqual(self.put_token().stdout, b"200", "hop limit 1 must not cross a router")
            get = sh("ip", "netns", "exec", self.client, "curl", "-sS", "--max-time", "2",
                     "http://10.77.2.2:80/latest/meta-data/instance-id", check=False)
            self.assertEqual(get.stdout, b"i-0123456789abcdef0", "data responses are not limited")
            d.write_config(config(2))
            d.signal(__import__("signal").SIGHUP)
            deadline = time.monotonic() + 10
            while "reloaded" not in d.log_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(self.put_token().stdout, b"200", d.log_text())


if __name__ == "__main__":
    run_main()
