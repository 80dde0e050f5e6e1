"""What every app mounted on the port shares: the request as read once, and the one way
a response is sent (with x-amzn-RequestId, which AWS puts on every answer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Scope = dict[str, Any]
# The scope member in which dxlab's HTTP protocol (web/http.py) says what the server is
# serving now: uvicorn's server state, whose live sets `connections` (open client
# connections) and `tasks` (the requests that had to wait, finished in tasks: a request
# runs at once, outside them, and one connection has one request in flight at a time)
# `Request.alone` reads.
SERVING = "dxlab.serving"
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    scope: Scope
    headers: dict[str, str]  # lower-case names
    body: bytes
    request_id: str

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def path(self) -> str:
        return str(self.scope.get("path", "/"))

    @property
    def alone(self) -> bool:
        """One client, one request: no other connection is open and no other request is
        being served, so a write need not wait for others to batch with
        (service/group_commit.py). With several clients connected it is batched even when
        it came alone: while its fsync runs on the writer thread, the loop reads the next
        ones. False when the server does not say (an ASGI server other than dxlab's)."""
        serving = self.scope.get(SERVING)
        return serving is not None and len(serving.connections) <= 1 and not serving.tasks


async def respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    request_id: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
