"""The HTTP/1.1 protocol uvicorn runs for dxlab, on httptools' parser, in place of
uvicorn's own. uvicorn still runs the server (sockets, lifespan, signals, graceful
shutdown, the Date header); this reads each request, runs the ASGI app and writes the
answer.

Why not uvicorn's protocol: per request it cost ~47 us of CPU and ~65 us of a sequential
client's round trip more than a protocol that only parses and answers (bench/README.md),
more than dxlab's whole answer to an empty DescribeConnections. dxlab needs less of it: a
request body read whole before the app runs (AWS request bodies are small: MAX_BODY), an
answer in one message (no streaming, no WebSocket), keep-alive and pipelining.

- The app runs at once, in the turn of the loop that read the request, as Python 3.12's
  eager tasks run: most answers (every read, a lone client's write) wait for nothing and
  need no task. One that waits (a batched write, the lab) goes on in a task from there.
- A request it cannot parse (a NUL byte in a header such as X-Amz-Target, a malformed
  length) is refused with an AWS error body and x-amzn-RequestId, like every other refusal.
- A body over MAX_BODY is not read: the app is run as soon as it is known (the declared
  length, or a chunked body once it passes the limit) and refuses it (413), and the
  connection is closed.
- The app is told what is being served (`SERVING` in the scope: uvicorn's server state,
  its open connections and the requests waiting in tasks), so that the write of a lone
  client's request is not handed to the group commit's writer thread."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
import uuid
from collections import deque
from collections.abc import Coroutine, Generator
from http import HTTPStatus
from typing import Any

import httptools

from dxlab.web import errors
from dxlab.web.app import MAX_BODY
from dxlab.web.errors import ProtocolError
from dxlab.web.responses import SERVING

log = logging.getLogger("dxlab.web.http")

STATUS_LINES = {s.value: b"HTTP/1.1 %d %s\r\n" % (s.value, s.phrase.encode()) for s in HTTPStatus}
# Requests read ahead of the one being answered (pipelining) before reading pauses.
MAX_QUEUED = 16


class Exchange:
    """One request and its answer: what the app's receive() and send() act on."""

    __slots__ = ("protocol", "body", "head_only", "keep_alive", "head", "answered")

    def __init__(
        self, protocol: DxlabHttpProtocol, body: bytes, head_only: bool, keep_alive: bool
    ) -> None:
        self.protocol = protocol
        self.body: bytes | None = body  # until the app has read it
        self.head_only = head_only  # a HEAD request: the answer's head only
        self.keep_alive = keep_alive
        self.head: list[bytes] | None = None
        self.answered = False

    async def receive(self) -> dict[str, Any]:
        if self.body is not None:
            body, self.body = self.body, None
            return {"type": "http.request", "body": body, "more_body": False}
        # As uvicorn: once the body is read, the next message is the end of the exchange.
        if not self.answered and not self.protocol.lost:
            waiter = self.protocol.loop.create_future()
            self.protocol.waiters.append(waiter)
            await waiter
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start" and self.head is None:
            status = int(message["status"])
            head = [STATUS_LINES.get(status) or b"HTTP/1.1 %d \r\n" % status]
            for name, value in self.protocol.state.default_headers:
                head += [name, b": ", value, b"\r\n"]
            for name, value in message.get("headers", ()):
                head += [name, b": ", value, b"\r\n"]
            if not self.keep_alive:
                head.append(b"connection: close\r\n")
            head.append(b"\r\n")
            self.head = head
        elif kind == "http.response.body" and self.head is not None and not self.answered:
            if message.get("more_body"):
                raise RuntimeError("dxlab's HTTP protocol answers in one message")
            body = b"" if self.head_only else message.get("body", b"")
            self.protocol.answer(self, b"".join(self.head) + body)
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r}")


class DxlabHttpProtocol(asyncio.Protocol):
    """One client connection. uvicorn makes one per connection, as it makes its own."""

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any] | None = None,
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if not config.loaded:
            config.load()
        self.app = config.loaded_app
        self.keep_alive_timeout = float(config.timeout_keep_alive)
        self.loop = _loop or asyncio.get_running_loop()
        self.state = server_state
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        # The request being read.
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.size = 0
        self.declared = 0  # the Content-Length
        self.expect_continue = False
        self.refused = False  # run early, as too large: its end is not waited for
        self.message_read = False
        # Requests read and not yet answered, in order; the first is being answered.
        self.queue: deque[tuple[dict[str, Any], Exchange]] = deque()
        self.waiters: list[asyncio.Future[None]] = []  # receive() after the body
        self.lost = False
        self.closing = False  # close once the queue is answered
        self.last_active = self.loop.time()
        self.idle_timer: asyncio.TimerHandle | None = None

    # -- the connection
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.state.connections.add(self)
        # One timer per connection, not per request: it looks at the last activity.
        self.idle_timer = self.loop.call_later(self.keep_alive_timeout, self._idle)

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        self.lost = True
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        self._wake()

    def data_received(self, data: bytes) -> None:
        self.last_active = self.loop.time()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # A whole request asking for an upgrade is answered as it is; the protocol it
            # asks for is not spoken, so the connection ends there.
            if self.message_read:
                self.closing = True
                if not self.queue and self.transport is not None:
                    self.transport.close()
            else:
                self.send_400_response("upgrading the connection is not supported")
        except httptools.HttpParserError as exc:
            self.send_400_response(str(exc) or "Invalid HTTP request received.")

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: close now if idle, else after the answers owed."""
        self.closing = True
        if not self.queue and self.transport is not None:
            self.transport.close()

    def _idle(self) -> None:
        """Closes a connection idle for the keep-alive timeout (uvicorn's --timeout-keep-alive)."""
        idle = self.loop.time() - self.last_active
        if self.queue:  # answering: idle from the answer on
            self.idle_timer = self.loop.call_later(self.keep_alive_timeout, self._idle)
        elif idle < self.keep_alive_timeout:
            self.idle_timer = self.loop.call_later(self.keep_alive_timeout - idle, self._idle)
        elif self.transport is not None:
            self.transport.close()

    def _wake(self) -> None:
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    # -- httptools' callbacks
    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = []
        self.body = []
        self.size = 0
        self.declared = 0
        self.expect_continue = False
        self.refused = False
        self.message_read = False

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        # llhttp keeps trailing whitespace, which RFC 9110 5.5 excludes from the value.
        value = value.rstrip(b" \t")
        if name == b"content-length" and value.isdigit():  # llhttp refuses any other
            self.declared = max(self.declared, int(value))
        elif name == b"expect" and value.lower() == b"100-continue":
            self.expect_continue = True
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.declared > MAX_BODY:  # refused from its declared length, unread
            self._read_whole(keep_alive=False)
        elif self.expect_continue and self.transport is not None:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        if self.refused:
            return
        # One byte over MAX_BODY is kept: the app refuses the request as too large (413).
        self.body.append(body[: MAX_BODY + 1 - self.size])
        self.size += len(body)
        if self.size > MAX_BODY:
            self._read_whole(keep_alive=False)

    def on_message_complete(self) -> None:
        if not self.refused:
            self._read_whole(keep_alive=True)

    def _read_whole(self, keep_alive: bool) -> None:
        """The request is read (or as much of it as will be): queue it, and run it if it
        is first."""
        self.refused = not keep_alive
        self.message_read = True
        if self.transport is None or self.transport.is_closing() or self.closing:
            return  # after a "connection: close" answer, nothing more is acted on
        parser = self.parser
        version = parser.get_http_version()
        method = parser.get_method().decode("ascii")
        url = httptools.parse_url(self.url)
        raw_path = url.path
        path = raw_path.decode("latin-1")
        if "%" in path:
            path = urllib.parse.unquote(path)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": version,
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": raw_path,
            "query_string": url.query or b"",
            "root_path": "",
            "headers": self.headers,
            SERVING: self.state,
        }
        keep_alive = keep_alive and version != "1.0" and parser.should_keep_alive()
        exchange = Exchange(self, b"".join(self.body), method == "HEAD", keep_alive)
        if not keep_alive:
            self.closing = True
        self.queue.append((scope, exchange))
        if len(self.queue) == 1:
            self._start()
        elif len(self.queue) > MAX_QUEUED and self.transport is not None:
            self.transport.pause_reading()

    # -- answering
    def _start(self) -> None:
        """Runs the app on the first request in the queue, at once: if it waits for
        nothing it is answered before this returns; if it waits, a task goes on from
        where it waits."""
        scope, exchange = self.queue[0]
        coro = self._run(scope, exchange)
        try:
            waits_for = coro.send(None)
        except StopIteration:
            return
        task = self.loop.create_task(_Started(coro, waits_for))
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)

    async def _run(self, scope: dict[str, Any], exchange: Exchange) -> None:
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Exception:  # noqa: BLE001 - the app answers every error itself: a bug
            log.exception("the app failed")
        if not exchange.answered:
            log.error("no answer from the app to %s %s", scope["method"], scope["path"])
            exchange.keep_alive = False
            self.answer(exchange, _server_error())

    def answer(self, exchange: Exchange, data: bytes) -> None:
        """Writes the answer to the first request in the queue; the next starts in the
        next turn of the loop (never nested in this one's)."""
        exchange.answered = True
        self._wake()
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(data)
        self.state.total_requests += 1
        self.last_active = self.loop.time()
        self.queue.popleft()
        if not exchange.keep_alive or (self.closing and not self.queue):
            transport.close()
        elif self.queue:
            if len(self.queue) == MAX_QUEUED:
                transport.resume_reading()
            self.loop.call_soon(self._start)

    def send_400_response(self, msg: str) -> None:
        status, body = errors.json_error(
            ProtocolError(f"The request is not valid HTTP: {msg}", "SerializationException", 400)
        )
        head = [STATUS_LINES[status]]
        for name, value in self.state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: application/x-amz-json-1.1\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"x-amzn-requestid: " + str(uuid.uuid4()).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(head))
            self.transport.close()


class _Started(Coroutine[Any, Any, None]):
    """The rest of a coroutine already run up to its first wait, as a task runs it: the
    task's first step is given what it waits for (the future it yielded), and every
    later step and any cancellation is passed on to it, as `yield from` would."""

    def __init__(self, coro: Coroutine[Any, Any, None], waits_for: Any) -> None:
        self.coro = coro
        self.waits_for = waits_for

    def send(self, value: Any) -> Any:
        if self.waits_for is not None:  # the task's first step
            waits_for, self.waits_for = self.waits_for, None
            return waits_for
        return self.coro.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        self.waits_for = None
        if val is None and tb is None:
            return self.coro.throw(typ)
        return self.coro.throw(typ, val, tb)

    def close(self) -> None:
        self.coro.close()

    def __await__(self) -> Generator[Any, None, None]:
        raise TypeError("a task runs this; it is not awaited")


def _server_error() -> bytes:
    status, body = errors.json_error(errors.server_error())
    head = b"content-type: application/x-amz-json-1.1\r\ncontent-length: %d\r\n" % len(body)
    return STATUS_LINES[status] + head + b"connection: close\r\n\r\n" + body
