"""A small real HTTP proxy on 127.0.0.1 in front of dxlab servers that play an account,
to make it behave as a real account can: refuse a call (AccessDeniedException), throttle
(ThrottlingException), page every listing (maxResults forced small), and answer each
region from its own server (routing on the SigV4 credential scope's region)."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/")


@dataclass
class Behaviour:
    upstream: dict[str, str]  # region -> endpoint URL
    deny: set[str] = field(default_factory=set)  # operations answered AccessDeniedException
    throttle: dict[str, int] = field(
        default_factory=dict
    )  # operation -> how many first calls are throttled
    page_size: int | None = None  # forces maxResults on every call that sends it
    closed_regions: set[str] = field(default_factory=set)  # regions the account has not enabled
    calls: list[tuple[str, str]] = field(default_factory=list)  # (operation, region) seen
    answered: Counter[str] = field(default_factory=Counter)


def _error(handler: BaseHTTPRequestHandler, code: str, message: str) -> None:
    body = json.dumps({"__type": code, "message": message}).encode()
    handler.send_response(400)
    handler.send_header("Content-Type", "application/x-amz-json-1.1")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("x-amzn-RequestId", "proxy-0000")
    handler.end_headers()
    handler.wfile.write(body)


def _handler(behaviour: Behaviour, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = self.headers.get("X-Amz-Target")
            # Direct Connect speaks awsJson1.1 (X-Amz-Target); STS the query protocol (Action=).
            operation = (
                target.rpartition(".")[2]
                if target
                else dict(parse_qsl(body.decode())).get("Action", "")
            )
            found = SCOPE.search(self.headers.get("Authorization", ""))
            region = found["region"] if found else ""
            with lock:
                behaviour.calls.append((operation, region))
                seen = sum(1 for op, _ in behaviour.calls if op == operation)
            if region in behaviour.closed_regions:
                _error(
                    self,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid.",
                )
                return
            if operation in behaviour.deny:
                _error(
                    self,
                    "AccessDeniedException",
                    f"User: arn:aws:iam::123456789012:user/reader is not authorized to perform: directconnect:{operation}",
                )
                return
            if seen <= behaviour.throttle.get(operation, 0):
                _error(self, "ThrottlingException", "Rate exceeded")
                return
            if behaviour.page_size is not None and target and body:
                request = json.loads(body)
                if "maxResults" in request:
                    request["maxResults"] = behaviour.page_size
                    body = json.dumps(
                        request
                    ).encode()  # permissive auth does not verify the signature
            upstream = behaviour.upstream.get(region) or next(iter(behaviour.upstream.values()))
            headers = {
                k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
            }
            forwarded = urllib.request.Request(
                upstream + self.path, data=body, headers=headers, method="POST"
            )
            try:
                with urllib.request.urlopen(forwarded, timeout=30) as answer:  # noqa: S310 - 127.0.0.1 only
                    status, data, ctype = (
                        answer.status,
                        answer.read(),
                        answer.headers.get("Content-Type", ""),
                    )
            except urllib.error.HTTPError as exc:
                status, data, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
            with lock:
                behaviour.answered[operation] += 1
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def proxy(behaviour: Behaviour) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour, threading.Lock()))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
