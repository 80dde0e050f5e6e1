"""What every app mounted on the port shares: the request as read once, and the one way
a response is sent (with x-amzn-RequestId, which AWS puts on every answer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Scope = dict[str, Any]
# The scope member in which dxlab's HTTP protocol (web/http.py) gives the requests the
# server is serving now: its live set of their tasks, this one's included.
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
        """No other request has been read and not yet answered, so a write need not wait
        for others to batch with (service/group_commit.py). False when the server does not
        say (an ASGI server other than dxlab's protocol)."""
        serving = self.scope.get(SERVING)
        return serving is not None and len(serving) <= 1


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
