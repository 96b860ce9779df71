"""IMDS wire behaviour as curl and raw sockets see it, against the real imdsd process."""

import socket
import unittest

from harness import Daemon, config_yaml, curl, get_token, instance_yaml, raw_request, run_main

ERROR_PAGE = """<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>{0}</title>
 </head>
 <body>
  <h1>{0}</h1>
 </body>
</html>
"""

TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"


class WireTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(config_yaml([instance_yaml()],
                                        listen='["127.0.0.1:0", "[::1]:0"]'))
        cls.url = cls.daemon.url

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()

    def get(self, path, token=None, **kw):
        headers = [f"X-aws-ec2-metadata-token: {token}"] if token else []
        return curl(self.url + path, headers=headers, **kw)

    def test_token_put_returns_56_char_token_and_echoes_ttl(self):
        status, hdrs, body = curl(self.url + "/latest/api/token", method="PUT",
                                  headers=[f"{TTL_HEADER}: 300"])
        self.assertEqual(status, 200)
        self.assertEqual(len(body), 56)
        self.assertRegex(body.decode(), r"^[A-Za-z0-9_=-]{56}$")
        self.assertEqual(hdrs["x-aws-ec2-metadata-token-ttl-seconds"], "300")
        self.assertEqual(hdrs["server"], "EC2ws")
        self.assertEqual(hdrs["content-type"], "text/plain")
        # Each PUT gives a new token.
        self.assertNotEqual(get_token(self.url), get_token(self.url))

    def test_token_ttl_validation_is_400_with_the_ec2_page(self):
        for value in ["0", "21601", "abc", "-5", "", "1.5"]:
            with self.subTest(ttl=value):
                status, _, body = curl(self.url + "/latest/api/token", method="PUT",
                                       headers=[f"{TTL_HEADER}: {value}" if value else
                                                f"{TTL_HEADER};"])
                self.assertEqual(status, 400)
                self.assertEqual(body.decode(), ERROR_PAGE.format("400 - Bad Request"))
        status, _, _ = curl(self.url + "/latest/api/token", method="PUT")
        self.assertEqual(status, 400)
        for value in ["1", "21600"]:
            status, hdrs, _ = curl(self.url + "/latest/api/token", method="PUT",
                                   headers=[f"{TTL_HEADER}: {value}"])
            self.assertEqual((status, hdrs[TTL_HEADER.lower()]), (200, value))

    def test_forwarded_for_is_refused_with_empty_403(self):
        status, hdrs, body = curl(self.url + "/latest/api/token", method="PUT",
                                  headers=[f"{TTL_HEADER}: 60", "X-Forwarded-For: 10.0.0.1"])
        self.assertEqual((status, body), (403, b""))
        self.assertEqual(hdrs["server"], "EC2ws")

    def test_other_methods_on_token_path_get_405_with_allow(self):
        for method in ["GET", "POST", "DELETE"]:
            status, hdrs, _ = curl(self.url + "/latest/api/token", method=method)
            self.assertEqual(status, 405, method)
            self.assertEqual(hdrs["allow"], "OPTIONS, PUT")

    def test_token_variants_on_wrong_paths_are_403(self):
        for path in ["/latest/api/token/", "/2021-03-23/api/token"]:
            status, _, _ = curl(self.url + path, method="PUT", headers=[f"{TTL_HEADER}: 60"])
            self.assertEqual(status, 403, path)

    def test_get_with_token_reports_remaining_ttl(self):
        token = get_token(self.url, ttl=120)
        status, hdrs, body = self.get("/latest/meta-data/instance-id", token)
        self.assertEqual((status, body), (200, b"i-0123456789abcdef0"))
        self.assertIn(int(hdrs["x-aws-ec2-metadata-token-ttl-seconds"]), range(115, 121))
        self.assertEqual(hdrs["content-type"], "text/plain")

    def test_optional_mode_serves_v1_and_refuses_bad_tokens(self):
        status, _, body = self.get("/latest/meta-data/instance-id")
        self.assertEqual((status, body), (200, b"i-0123456789abcdef0"))
        status, _, body = self.get("/latest/meta-data/instance-id", "A" * 56)
        self.assertEqual(status, 401)
        self.assertEqual(body.decode(), ERROR_PAGE.format("401 - Unauthorized"))

    def test_listings_have_ec2_format(self):
        token = get_token(self.url)
        _, _, body = self.get("/latest/", token)
        self.assertEqual(body, b"dynamic\nmeta-data\nuser-data")
        _, _, body = self.get("/latest/meta-data/", token)
        entries = body.decode().split("\n")
        self.assertEqual(entries, sorted(entries))
        for e in ["ami-id", "block-device-mapping/", "instance-id", "local-ipv4", "mac",
                  "network/", "placement/", "services/", "tags/", "public-ipv4"]:
            self.assertIn(e, entries)
        self.assertNotIn("iam/", entries)  # no instance profile
        self.assertFalse(body.endswith(b"\n"))
        _, _, body = self.get("/latest/meta-data/placement/", token)
        self.assertEqual(body, b"availability-zone\navailability-zone-id\nregion")
        _, _, body = self.get("/", token)
        versions = body.decode().split("\n")
        self.assertEqual((versions[0], versions[-1]), ("1.0", "latest"))

    def test_slash_tolerance_and_doubled_slashes(self):
        token = get_token(self.url)
        listing = self.get("/latest/meta-data/placement/", token)[2]
        self.assertEqual(self.get("/latest/meta-data/placement", token)[2], listing)
        self.assertEqual(self.get("//latest//meta-data/placement/", token)[2], listing)
        az = self.get("/latest/meta-data/placement/availability-zone/", token)
        self.assertEqual(az[:1] + (az[2],), (200, b"eu-west-1a"))
        self.assertEqual(self.get("/2021-03-23/meta-data/placement/region", token)[2],
                         b"eu-west-1")

    def test_network_interface_subtree_is_consistent(self):
        token = get_token(self.url)
        mac = self.get("/latest/meta-data/mac", token)[2].decode()
        self.assertEqual(self.get("/latest/meta-data/network/interfaces/macs/", token)[2],
                         (mac + "/").encode())
        base = f"/latest/meta-data/network/interfaces/macs/{mac}/"
        self.assertEqual(self.get(base + "local-ipv4s", token)[2], b"172.31.1.10")
        self.assertEqual(self.get(base + "mac", token)[2], mac.encode())
        self.assertEqual(self.get(base + "public-ipv4s", token)[2], b"3.84.12.34")
        self.assertEqual(self.get("/latest/meta-data/local-hostname", token)[2],
                         b"ip-172-31-1-10.eu-west-1.compute.internal")

    def test_not_found_is_404_with_the_ec2_page(self):
        for path in ["/latest/meta-data/nope", "/latest/meta-data/../user-data",
                     "/latest/meta-data/%2e%2e/user-data", "/nonsense/", "/latest/meta-data/iam/"]:
            status, hdrs, body = self.get(path, None, )
            self.assertEqual(status, 404, path)
            self.assertEqual(body.decode(), ERROR_PAGE.format("404 - Not Found"))
            self.assertEqual(hdrs["server"], "EC2ws")

    def test_user_data_and_tags(self):
        self.assertEqual(self.get("/latest/user-data")[2], b"#!/bin/sh\necho hello")
        self.assertEqual(self.get("/latest/meta-data/tags/instance")[2], b"Name\nTeam")
        self.assertEqual(self.get("/latest/meta-data/tags/instance/Team")[2], b"platform")

    def test_head_has_headers_and_no_body(self):
        out = raw_request("127.0.0.1", self.daemon.port,
                          b"HEAD /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 200"), out)
        self.assertIn(b"Content-Length: 19", out)
        self.assertTrue(out.endswith(b"\r\n\r\n"), out)

    def test_http10_and_pipelined_requests(self):
        out = raw_request("127.0.0.1", self.daemon.port,
                          b"GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.0 200") or out.startswith(b"HTTP/1.1 200"), out)
        self.assertTrue(out.endswith(b"i-0123456789abcdef0"), out)
        one = b"GET /latest/meta-data/instance-type HTTP/1.1\r\nHost: x\r\n\r\n"
        last = b"GET /latest/meta-data/region HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        out = raw_request("127.0.0.1", self.daemon.port, one * 3 + last)
        self.assertEqual(out.count(b"HTTP/1.1 200"), 3, out)
        self.assertEqual(out.count(b"HTTP/1.1 404"), 1, out)
        self.assertEqual(out.count(b"t3.micro"), 3)

    def test_keep_alive_is_kept(self):
        cmd_url = self.url + "/latest/meta-data/instance-id"
        import subprocess
        out = subprocess.run(["curl", "-sv", "--noproxy", "*", cmd_url, cmd_url],
                             capture_output=True).stderr.decode()
        self.assertIn("Re-using existing connection", out)

    def test_hostile_input_gets_defined_answers(self):
        huge_header = b"GET /latest/meta-data/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"
        out = raw_request("127.0.0.1", self.daemon.port, huge_header)
        self.assertRegex(out[:12], rb"HTTP/1\.1 4\d\d")
        long_url = b"GET /" + b"a/" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        out = raw_request("127.0.0.1", self.daemon.port, long_url)
        self.assertRegex(out[:12], rb"HTTP/1\.1 4\d\d")
        out = raw_request("127.0.0.1", self.daemon.port, b"BREW /coffee HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")
        self.assertRegex(out[:12], rb"HTTP/1\.1 40[45]")
        # libmicrohttpd closes the connection on a request line it cannot parse.
        out = raw_request("127.0.0.1", self.daemon.port, b"\x00\xff garbage\r\n\r\n")
        self.assertTrue(out == b"" or out.startswith(b"HTTP/1.1 400"), out)
        # Still alive afterwards.
        self.assertEqual(self.get("/latest/meta-data/instance-id")[0], 200)

    def test_ipv6_listener_serves_the_same_instance(self):
        status, _, body = curl(self.daemon.url_for(6) + "/latest/meta-data/instance-id",
                               headers=[f"X-aws-ec2-metadata-token: {get_token(self.daemon.url_for(6))}"])
        self.assertEqual((status, body), (200, b"i-0123456789abcdef0"))


class RequiredModeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(config_yaml([instance_yaml(http_tokens="required")]))

    @classmethod
    def tearDownClass(cls):
        cls.daemon.close()

    def test_every_get_needs_a_token(self):
        for path in ["/latest/meta-data/instance-id", "/latest/meta-data/", "/latest/", "/"]:
            status, _, body = curl(self.daemon.url + path)
            self.assertEqual(status, 401, path)
            self.assertEqual(body.decode(), ERROR_PAGE.format("401 - Unauthorized"))
        token = get_token(self.daemon.url)
        status, _, body = curl(self.daemon.url + "/latest/meta-data/instance-id",
                               headers=[f"X-aws-ec2-metadata-token: {token}"])
        self.assertEqual((status, body), (200, b"i-0123456789abcdef0"))

    def test_tampered_token_is_401(self):
        token = get_token(self.daemon.url)
        flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
        status, _, _ = curl(self.daemon.url + "/latest/meta-data/instance-id",
                            headers=[f"X-aws-ec2-metadata-token: {flipped}"])
        self.assertEqual(status, 401)


if __name__ == "__main__":
    run_main()
