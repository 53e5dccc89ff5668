#!/usr/bin/python3
"""Checks that the signature gate refuses what it must, so that "the gate
rejected nothing" means something: a body that does not match its signed
SHA-256, a request that does not sign x-amz-content-sha256, a wrong secret.
Usage: gate_selftest.py PORT BUCKET"""
import hashlib
import http.client
import sys

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

port, bucket = int(sys.argv[1]), sys.argv[2]
host = f"127.0.0.1:{port}"


def send(method, path, body, signer_cls=S3SigV4Auth, secret="S3RVER", tamper=None, add_after=None):
    req = AWSRequest(method=method, url=f"http://{host}{path}", data=body,
                     headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()} if signer_cls is S3SigV4Auth else {})
    signer_cls(Credentials("S3RVER", secret), "s3", "us-east-1").add_auth(req)
    headers = dict(req.headers.items())
    if add_after:
        headers.update(add_after)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=tamper if tamper is not None else body, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read().decode(errors="replace")


def expect(what, got, status, code):
    ok = got[0] == status and (code is None or f"<Code>{code}</Code>" in got[1])
    print(f"{'ok' if ok else 'FAIL'}: {what}: {got[0]} {got[1][:120]!r}")
    return ok


good = b"signed body"
results = [
    expect("a correctly signed PUT passes", send("PUT", f"/{bucket}/selftest/good", good), 200, None),
    expect("a body that differs from its signed SHA-256",
           send("PUT", f"/{bucket}/selftest/tampered", good, tamper=b"other body!"), 400, "XAmzContentSHA256Mismatch"),
    expect("x-amz-content-sha256 not signed",
           send("PUT", f"/{bucket}/selftest/unsigned", good, signer_cls=SigV4Auth,
                add_after={"x-amz-content-sha256": hashlib.sha256(good).hexdigest()}), 403, "AccessDenied"),
    expect("a wrong secret", send("PUT", f"/{bucket}/selftest/wrong", good, secret="not-the-secret"), 403,
           "SignatureDoesNotMatch"),
]
sys.exit(0 if all(results) else 1)
