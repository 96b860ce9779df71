#!/usr/bin/env python3
"""Pre-signs STS requests for bench/sts.sh, so that wrk can replay them.

wrk cannot compute SigV4 signatures, and signing in its Lua script would measure the load
generator. A SigV4 signature stays valid for the server's clock-skew window (15 minutes for
STS) and carries no nonce, so requests signed just before a run can be sent again and again;
imdsd verifies every one in full (canonical request, key derivation cache, HMAC, session
token). Each request of the pool differs (AssumeRole: its session name), so the pool looks like
many clients.

  sts_presign.py SCENARIO HOST:PORT COUNT OUT
    SCENARIO: assume-role | caller-identity | caller-identity-session
    credentials from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for the
    session scenario, AWS_SESSION_TOKEN

OUT receives COUNT complete HTTP/1.1 requests, each followed by the separator line SEPARATOR,
the way botocore sends them (form-encoded POST, signed headers content-type;host;x-amz-date
[;x-amz-security-token]).
"""

import os
import sys
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SEPARATOR = b"\n--imdsd-bench-request--\n"
ROLE_ARN = "arn:aws:iam::111111111111:role/bench-target"


def params(scenario, i):
    if scenario == "assume-role":
        return {"Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": ROLE_ARN,
                "RoleSessionName": f"bench-{i}", "ExternalId": "bench-external-id"}
    return {"Action": "GetCallerIdentity", "Version": "2011-06-15"}


def raw_request(host, credentials, body):
    request = AWSRequest(method="POST", url=f"http://{host}/", data=body, headers={
        "Host": host, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
    lines = [f"POST / HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines += ["User-Agent: imdsd-bench/sts", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body.encode()


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    scenario, host, count, out = argv[1], argv[2], int(argv[3]), argv[4]
    if scenario not in ("assume-role", "caller-identity", "caller-identity-session"):
        sys.exit(f"unknown scenario {scenario}")
    token = os.environ.get("AWS_SESSION_TOKEN") if scenario.endswith("-session") else None
    credentials = Credentials(os.environ["AWS_ACCESS_KEY_ID"],
                              os.environ["AWS_SECRET_ACCESS_KEY"], token)
    with open(out, "wb") as f:
        for i in range(count):
            f.write(raw_request(host, credentials, urlencode(params(scenario, i))) + SEPARATOR)


if __name__ == "__main__":
    main(sys.argv)
