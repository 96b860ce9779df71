"""Regenerates the values in botocore_fixtures.h: signs an STS AssumeRole request (header
authentication) and presigns GetCallerIdentity with botocore, its clock fixed at
2026-01-01T00:00:00Z, and prints the requests with the canonical requests and strings to sign
botocore logged. Nothing is sent: the request is caught before it leaves.

Usage: python3 gen_botocore_fixtures.py
"""
import datetime
import json
import logging
from unittest import mock

import botocore.auth
import botocore.session

FIXED = datetime.datetime(2026, 1, 1, 0, 0, 0, tzinfo=datetime.timezone.utc)
SECRET = "stsFixtureSecretKey/0123456789abcdefABCDEF"
TOKEN = "FixtureSessionToken/with+plus="


class Caught(Exception):
    pass


def client(token):
    return botocore.session.get_session().create_client(
        "sts", region_name="us-east-1", endpoint_url="http://127.0.0.1:4567",
        aws_access_key_id="ASIAQEXAMPLEKEY12345" if token else "AKIAQEXAMPLEKEY12345",
        aws_secret_access_key=SECRET, aws_session_token=token)


def catch(request, **_):
    headers = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()]
    body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
    print(json.dumps({"method": request.method, "url": request.url, "headers": headers,
                      "body": body}, indent=1))
    raise Caught()


class Show(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if message.startswith(("CanonicalRequest", "StringToSign")):
            print(repr(message))


logging.getLogger("botocore.auth").setLevel(logging.DEBUG)
logging.getLogger("botocore.auth").addHandler(Show())
with mock.patch.object(botocore.auth, "get_current_datetime", lambda: FIXED):
    sts = client(TOKEN)
    sts.meta.events.register("before-send", catch)
    try:
        sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/demo",
                        RoleSessionName="fixture", DurationSeconds=900)
    except Caught:
        pass
    print(client(None).generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60,
                                              HttpMethod="GET"))
    print(client(TOKEN).generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=900,
                                               HttpMethod="GET"))
