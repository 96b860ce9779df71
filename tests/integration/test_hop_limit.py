"""The token response leaves the socket with the configured IP TTL / hop limit, read off the
wire with a packet socket on loopback (needs root; skipped otherwise). The routed proof, where a
hop limit of 1 really stops a container one hop away, is in test_netns.py."""

import os
import socket
import struct
import threading
import time
import unittest

from harness import Daemon, config_yaml, instance_yaml, run_main

ETH_P_ALL = 0x0003


class Sniffer:
    """Records (ip_version, ttl_or_hop_limit, tcp_payload) of TCP segments from `port` on lo."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind(("lo", 0))
        self.sock.settimeout(0.2)
        self.packets = []
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while self.running:
            try:
                frame = self.sock.recv(65536)
            except socket.timeout:
                continue
            ethertype = struct.unpack("!H", frame[12:14])[0]
            ip = frame[14:]
            if ethertype == 0x0800 and ip[9] == 6:
                ihl = (ip[0] & 0x0F) * 4
                version, ttl, tcp = 4, ip[8], ip[ihl:]
            elif ethertype == 0x86DD and ip[6] == 6:
                version, ttl, tcp = 6, ip[7], ip[40:]
            else:
                continue
            if struct.unpack("!H", tcp[0:2])[0] != self.port:
                continue
            payload = tcp[(tcp[12] >> 4) * 4:]
            if payload:
                self.packets.append((version, ttl, payload))

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@unittest.skipUnless(os.geteuid() == 0, "needs root for a packet socket")
class HopLimitOnTheWireTest(unittest.TestCase):
    def exchange(self, family, host, port):
        """A token PUT then a GET on the same keep-alive connection."""
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect((host, port))
        s.sendall(b"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
                  b"X-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\n\r\n")
        first = s.recv(4096)
        s.sendall(b"GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\n\r\n")
        second = s.recv(4096)
        s.close()
        time.sleep(0.3)  # let the sniffer thread drain the socket
        return first, second

    def test_token_response_ttl_is_the_hop_limit_and_data_responses_are_not(self):
        config = config_yaml([instance_yaml(hop_limit=3)], listen='["127.0.0.1:0", "[::1]:0"]')
        with Daemon(config) as d:
            for family, host, endpoint in [(socket.AF_INET, "127.0.0.1", d.url_for(4)),
                                           (socket.AF_INET6, "::1", d.url_for(6))]:
                port = int(endpoint.rsplit(":", 1)[1])
                sniffer = Sniffer(port)
                try:
                    first, second = self.exchange(family, host, port)
                finally:
                    sniffer.close()
                self.assertTrue(first.startswith(b"HTTP/1.1 200"), first)
                self.assertTrue(second.startswith(b"HTTP/1.1 200"), second)
                version = 4 if family == socket.AF_INET else 6
                token_ttls = {ttl for v, ttl, p in sniffer.packets
                              if v == version and b"X-Aws-Ec2-Metadata-Token-Ttl-Seconds: 60" in p}
                data_ttls = {ttl for v, ttl, p in sniffer.packets
                             if v == version and b"i-0123456789abcdef0" in p}
                self.assertEqual(token_ttls, {3}, sniffer.packets)
                self.assertEqual(len(data_ttls), 1, sniffer.packets)
                self.assertNotIn(3, data_ttls)


if __name__ == "__main__":
    run_main()
