"""The ASGI app on the one port: it reads each request once, gives it an x-amzn-RequestId,
and hands it to the app mounted at its path, side by side as Starlette mounts apps: the
/_dxlab extension routes, the console, and the AWS endpoint (both wire protocols of the
model and STS) for everything else. No request, however malformed, gets a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from dxlab.domain import ids
from dxlab.service.bus import Bus
from dxlab.service.context import Settings
from dxlab.web import errors
from dxlab.web.aws.app import CBOR_PREFIX, AwsApp
from dxlab.web.console import ConsoleApp
from dxlab.web.extension import ExtensionApp
from dxlab.web.host import WebHost
from dxlab.web.responses import Receive, Request, Scope, Send, respond

log = logging.getLogger("dxlab.web")

MAX_BODY = 1024 * 1024  # bytes; larger requests are refused before parsing
Mounted = Callable[[Request, Send], Awaitable[None]]


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    pass


MOTO_RESET = "/moto-api/reset"


class DxlabApp:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.host = WebHost(bus)
        self.aws = AwsApp(self.host)
        # Path prefix -> app, first match wins; the AWS endpoint takes the rest.
        self.mounts: list[tuple[str, Mounted]] = [
            ("/_dxlab/", ExtensionApp(self.host)),
            ("/console", ConsoleApp(self.host)),
        ]
        self._ticker: asyncio.Task[None] | None = None

    @property
    def settings(self) -> Settings:
        return self.bus.settings

    async def _tick(self) -> None:
        """Fires due timers when no request comes to do it (provisioning, test expiry)."""
        while True:
            await asyncio.sleep(0.25)
            try:
                self.bus.tick()
            except Exception:  # noqa: BLE001 - a timer must never stop the ticker
                log.exception("timer failed")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request_id = ids.request_id()
        path = scope.get("path", "/")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            _check_length(scope, headers)
            body = await _read_body(receive)
        except Disconnected:
            return  # the client is gone: a cut-off request is never acted on
        except TooLarge:
            await _refuse_too_large(path, send, request_id)
            return
        if path == MOTO_RESET and scope["method"] == "POST":
            # moto's server-mode reset, so suites written for moto run unchanged.
            scope = {**scope, "path": "/_dxlab/reset"}
            path = scope["path"]
        request = Request(scope, headers, body, request_id)
        app: Mounted = next((a for prefix, a in self.mounts if path.startswith(prefix)), self.aws)
        await app(request, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._ticker = asyncio.create_task(self._tick())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._ticker:
                    self._ticker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._ticker
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _refuse_too_large(path: str, send: Send, request_id: str) -> None:
    """413 in the protocol the client spoke."""
    from dxlab.web.errors import ProtocolError

    err = ProtocolError(
        f"Request body too large (more than {MAX_BODY} bytes)",
        "RequestEntityTooLargeException",
        413,
    )
    if path.startswith(CBOR_PREFIX):
        status, payload = errors.cbor_error(err)
        extra = [(b"smithy-protocol", b"rpc-v2-cbor")]
        await respond(send, status, payload, "application/cbor", request_id, extra)
    else:
        status, payload = errors.json_error(err)
        await respond(send, status, payload, "application/x-amz-json-1.1", request_id)


def _check_length(scope: Scope, headers: dict[str, str]) -> None:
    """Refuses a declared oversized body before reading any of it. `headers`: the request's,
    by lower-case name; when a name came twice, every Content-Length is looked at."""
    if len(headers) == len(scope["headers"]):
        lengths = [headers["content-length"]] if "content-length" in headers else []
    else:
        lengths = [
            v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"content-length"
        ]
    for value in lengths:
        try:
            declared = int(value)
        except ValueError:
            return  # the HTTP server has already refused a malformed length
        if declared > MAX_BODY:
            raise TooLarge


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


__all__ = ["DxlabApp"]
