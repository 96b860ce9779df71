"""Operating imdsd: config checking, reload, graceful stop, systemd notify, logs, key files."""

import json
import os
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from harness import IMDSD_BIN, Daemon, config_yaml, curl, get_token, instance_yaml, run_main


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


class CliTest(unittest.TestCase):
    def run_imdsd(self, *args):
        return subprocess.run([IMDSD_BIN, *args], capture_output=True, timeout=30)

    def test_version_and_help(self):
        out = self.run_imdsd("--version")
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout.decode(), r"^imdsd \d+\.\d+\.\d+")
        out = self.run_imdsd("--help")
        self.assertEqual(out.returncode, 0)
        for flag in ["--config", "--listen", "--state-dir", "--log-level", "--check-config"]:
            self.assertIn(flag, out.stdout.decode())
        self.assertNotEqual(self.run_imdsd("--no-such-flag").returncode, 0)

    def test_check_config_prints_file_line_reason_for_each_problem(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.yaml")
            with open(path, "w") as f:
                f.write("instances:\n"
                        "  - name: a\n"
                        "    match: [127.0.0.1/33]\n"
                        "    instance_id: i-xyz\n"
                        "    metadata_options:\n"
                        "      http_tokens: sometimes\n")
            out = self.run_imdsd("--check-config", path)
            self.assertNotEqual(out.returncode, 0)
            err = out.stderr.decode()
            self.assertIn(f"{path}:3:", err)
            self.assertIn(f"{path}:4:", err)
            self.assertIn(f"{path}:6:", err)
            good = os.path.join(d, "good.yaml")
            with open(good, "w") as f:
                f.write(config_yaml([instance_yaml()]))
            self.assertEqual(self.run_imdsd("--check-config", good).returncode, 0)

    def test_example_config_is_valid(self):
        example = os.path.join(os.path.dirname(__file__), "..", "..", "config", "example.yaml")
        out = self.run_imdsd("--check-config", example)
        self.assertEqual(out.returncode, 0, out.stderr.decode())

    def test_bad_config_refuses_to_start(self):
        d = Daemon("instances: []\n", expect_start=False)
        try:
            self.assertNotEqual(d.proc.wait(10), 0)
            self.assertIn("imdsd.yaml:1:", d.log_text())
        finally:
            d.close()


class ReloadTest(unittest.TestCase):
    def test_sighup_applies_a_good_config_and_keeps_on_a_bad_one(self):
        with Daemon(config_yaml([instance_yaml()])) as d:
            url = d.url + "/latest/meta-data/instance-id"
            self.assertEqual(curl(url)[2], b"i-0123456789abcdef0")
            token = get_token(d.url)
            d.write_config(config_yaml([instance_yaml(instance_id="i-0fedcba9876543210")]))
            d.signal(signal.SIGHUP)
            self.assertTrue(wait_for(lambda: curl(url)[2] == b"i-0fedcba9876543210"),
                            d.log_text())
            # The old token was bound to the old instance id.
            self.assertEqual(curl(url, headers=[f"X-aws-ec2-metadata-token: {token}"])[0], 401)
            d.write_config("instances:\n  - name: x\n    match: [not-a-cidr]\n")
            d.signal(signal.SIGHUP)
            self.assertTrue(wait_for(lambda: "keeping the running configuration" in d.log_text()),
                            d.log_text())
            self.assertIn("imdsd.yaml:3:", d.log_text())
            self.assertEqual(curl(url)[2], b"i-0fedcba9876543210")
            self.assertIsNone(d.proc.poll())

    def test_sigterm_stops_cleanly(self):
        d = Daemon(config_yaml([instance_yaml()]))
        try:
            self.assertEqual(d.stop(), 0)
        finally:
            d.close()


class NotifyTest(unittest.TestCase):
    def test_reports_ready_reloading_stopping_to_systemd(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "notify.sock")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.bind(path)
            sock.settimeout(10)
            d = Daemon(config_yaml([instance_yaml()]), env={"NOTIFY_SOCKET": path})
            try:
                messages = []

                def receive_until(word):
                    while not any(word in m for m in messages):
                        messages.append(sock.recv(4096).decode())

                receive_until("READY=1")
                d.signal(signal.SIGHUP)
                receive_until("RELOADING=1")
                d.stop()
                receive_until("STOPPING=1")
                joined = "\n".join(messages)
                self.assertLess(joined.index("READY=1"), joined.index("RELOADING=1"))
            finally:
                d.close()
                sock.close()


class LogTest(unittest.TestCase):
    def test_tokens_never_reach_the_log_and_access_log_has_fields(self):
        with Daemon(config_yaml([instance_yaml(http_tokens="required")])) as d:
            token = get_token(d.url)
            curl(d.url + "/latest/meta-data/instance-id",
                 headers=[f"X-aws-ec2-metadata-token: {token}"])
            bad = token[:-4] + "AAA="
            curl(d.url + "/latest/meta-data/instance-id",
                 headers=[f"X-aws-ec2-metadata-token: {bad}"])
            d.stop()
            log = d.log_text()
            self.assertNotIn(token, log)
            self.assertNotIn(token[:20], log)
            self.assertNotIn(bad[:20], log)
            self.assertIn("/latest/meta-data/instance-id", log)
            self.assertIn("401", log)
            with open(os.path.join(d.dir, "state", "token.key"), "rb") as f:
                key = f.read()
            self.assertNotIn(key.hex(), log)

    def test_json_log_format_is_one_object_per_line(self):
        config = config_yaml([instance_yaml()]).replace("level: debug",
                                                        "level: info\n  format: json")
        with Daemon(config) as d:
            curl(d.url + "/latest/meta-data/instance-id")
            d.stop()
            lines = [l for l in d.log_text().splitlines() if l.startswith("{")]
            self.assertGreater(len(lines), 1)
            for line in lines:
                obj = json.loads(line)
                self.assertIn("level", obj)


class StateDirTest(unittest.TestCase):
    def test_key_files_are_private_and_world_readable_keys_are_refused(self):
        d = Daemon(config_yaml([instance_yaml()]))
        state = os.path.join(d.dir, "state")
        try:
            d.stop()
            for name in ["token.key", "identity-key.pem"]:
                mode = stat.S_IMODE(os.stat(os.path.join(state, name)).st_mode)
                self.assertEqual(mode, 0o600, name)
            os.chmod(os.path.join(state, "token.key"), 0o644)
            out = subprocess.run([IMDSD_BIN, "--config", d.config_path], capture_output=True,
                                 timeout=30)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("token.key", out.stdout.decode() + out.stderr.decode())
        finally:
            d.close()

    def test_tokens_survive_a_restart(self):
        d = Daemon(config_yaml([instance_yaml(http_tokens="required")]))
        try:
            token = get_token(d.url)
            self.assertEqual(d.stop(), 0)
            # Same config, same state directory, a new process.
            ready = os.path.join(d.dir, "ready2")
            proc = subprocess.Popen([IMDSD_BIN, "--config", d.config_path, "--ready-file", ready],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                self.assertTrue(wait_for(lambda: os.path.exists(ready)))
                with open(ready) as f:
                    url = "http://" + f.read().split()[0]
                status, _, body = curl(url + "/latest/meta-data/instance-id",
                                       headers=[f"X-aws-ec2-metadata-token: {token}"])
                self.assertEqual((status, body), (200, b"i-0123456789abcdef0"))
            finally:
                proc.terminate()
                proc.wait(10)
        finally:
            d.close()


if __name__ == "__main__":
    run_main()
