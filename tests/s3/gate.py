#!/usr/bin/python3
"""A strict signature gate in front of s3rver, for the S3 remote scenarios.

s3rver is no oracle for signing: it cannot be trusted to refuse a request
signed with the wrong key. This proxy recomputes every request's AWS
Signature V4 with an independent implementation (botocore's signer, from
Debian's python3-botocore) and answers S3's error XML, as S3 would, when:
  - the access key is unknown (403 InvalidAccessKeyId);
  - host, x-amz-date or x-amz-content-sha256 is not signed (403 AccessDenied);
  - the body's SHA-256 differs from x-amz-content-sha256 (400 XAmzContentSHA256Mismatch);
  - the signature differs (403 SignatureDoesNotMatch);
  - the region is not the gate's (400 AuthorizationHeaderMalformed);
  - x-amz-date is more than 15 minutes off (403 RequestTimeTooSkewed).
Everything else is forwarded to s3rver unchanged. Every rejection is logged,
one line each, to --rejections; tests assert the file stays empty.

Fault injection (--fault KIND:N, applied to every Nth forwarded request):
  drop      cut the connection in the middle of the response body
  error500  answer 500 InternalError without forwarding
  slowdown  answer 503 SlowDown without forwarding
  stall     say nothing for --stall seconds, then close the connection
Each request is served at most once by a fault, so retries get through.
Stops by itself after --lifetime seconds.
"""
import argparse
import datetime
import hashlib
import http.client
import http.server
import re
import sys
import threading
import time
import urllib.parse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SECRETS = {"S3RVER": "S3RVER"}  # s3rver accepts only this key id; its secret
AUTH_RE = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


def error_xml(code, message):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f'<Message>{message}</Message></Error>').encode()


class Gate(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counter = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def reject(self, status, code, message):
        with open(self.server.opts.rejections, "a") as log:
            log.write(f"{self.command} {self.path} {status} {code}: {message}\n")
        self.reply(status, error_xml(code, message))

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def check(self, body):
        opts = self.server.opts
        auth = self.headers.get("Authorization", "")
        m = AUTH_RE.match(auth)
        if not m:
            return self.reject(403, "AccessDenied", "missing or malformed Authorization header")
        key, date, region, service, signed, signature = m.groups()
        if key not in SECRETS:
            return self.reject(403, "InvalidAccessKeyId", f"The AWS Access Key Id {key} does not exist")
        signed_names = signed.split(";")
        for required in ("host", "x-amz-date", "x-amz-content-sha256"):
            if required not in signed_names:
                return self.reject(403, "AccessDenied", f"{required} is not signed")
        if region != opts.region:
            return self.reject(400, "AuthorizationHeaderMalformed",
                               f"the region '{region}' is wrong; expecting '{opts.region}'")
        amz_date = self.headers.get("x-amz-date", "")
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            return self.reject(403, "AccessDenied", "bad x-amz-date")
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
            return self.reject(403, "RequestTimeTooSkewed",
                               "The difference between the request time and the current time is too large.")
        payload = self.headers.get("x-amz-content-sha256", "")
        if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
            return self.reject(400, "XAmzContentSHA256Mismatch",
                               "The provided 'x-amz-content-sha256' header does not match what was computed.")
        # Recompute with botocore, from the signed headers only.
        headers = {name: self.headers.get(name, "") for name in signed_names}
        url = f"http://{self.headers.get('host')}{self.path}"
        req = AWSRequest(method=self.command, url=url, headers=headers, data=body)
        req.context["timestamp"] = amz_date
        signer = S3SigV4Auth(Credentials(key, SECRETS[key]), service, region)
        canonical = signer.canonical_request(req)
        expected = signer.signature(signer.string_to_sign(req, canonical), req)
        if expected != signature:
            return self.reject(403, "SignatureDoesNotMatch",
                               "The request signature we calculated does not match the signature you provided.")
        return True

    faulted = set()

    def fault(self, body):
        opts = self.server.opts
        if not opts.fault:
            return None
        kind, n = opts.fault.split(":")
        # The same request (method, path, body) is faulted at most once, so a retry gets through.
        key = (self.command, self.path, hashlib.sha256(body).hexdigest())
        with Gate.lock:
            Gate.counter += 1
            hit = Gate.counter % int(n) == 0 and key not in Gate.faulted
            if hit:
                Gate.faulted.add(key)
        return kind if hit else None

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        if self.check(body) is not True:
            return
        kind = self.fault(body)
        with open(self.server.opts.requests, "a") as log:
            log.write(f"{self.command} {self.path}{' FAULT ' + kind if kind else ''}\n")
        if kind == "error500":
            return self.reply(500, error_xml("InternalError", "injected fault"))
        if kind == "slowdown":
            return self.reply(503, error_xml("SlowDown", "Please reduce your request rate."))
        if kind == "stall":
            time.sleep(self.server.opts.stall)
            self.close_connection = True
            return
        conn = http.client.HTTPConnection(self.server.opts.upstream_host, self.server.opts.upstream_port, timeout=60)
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() not in ("connection", "expect"):
                conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length", "keep-alive", "date", "server"):
                self.send_header(k, v)
        # A HEAD answer has no body but tells the object's length.
        length = resp.getheader("Content-Length", "0") if self.command == "HEAD" else str(len(data))
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command == "HEAD":
            return
        if kind == "drop" and len(data) > 1:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream", required=True, help="host:port of s3rver")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--rejections", required=True)
    p.add_argument("--requests", required=True)
    p.add_argument("--fault", default="")
    p.add_argument("--stall", type=float, default=5.0)
    p.add_argument("--lifetime", type=int, default=900)
    opts = p.parse_args()
    opts.upstream_host, port = opts.upstream.rsplit(":", 1)
    opts.upstream_port = int(port)
    open(opts.rejections, "a").close()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", opts.port), Gate)
    server.opts = opts
    threading.Timer(opts.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
