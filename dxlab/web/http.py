"""The HTTP/1.1 protocol uvicorn runs for dxlab, on httptools' parser, in place of
uvicorn's own. uvicorn still runs the server (sockets, lifespan, signals, graceful
shutdown, the Date header); this reads each request, runs the ASGI app and writes the
answer.

Why not uvicorn's protocol: per request it cost ~47 us of CPU and ~70 us of a sequential
client's round trip more than a protocol that only parses and answers (bench/README.md),
more than dxlab's whole answer to an empty DescribeConnections. dxlab needs less of it: a
request body read whole before the app runs (AWS request bodies are small: MAX_BODY), an
answer in one message (no streaming, no WebSocket), keep-alive and pipelining.

- The app runs at once, in the turn of the loop that read the request, as Python 3.12's
  eager tasks run: most answers (every read, a lone client's write) wait for nothing and
  need no task. One that waits (a batched write, the lab) goes on in a task from there.
- A request it cannot parse (a NUL byte in a header such as X-Amz-Target, a malformed
  length) is refused with an AWS error body and x-amzn-RequestId, like every other refusal.
- A body over MAX_BODY is not kept: the app is run as soon as it is known (the declared
  length, or a chunked body once it passes the limit) and refuses it (413). The rest of
  the body is read and dropped (up to MAX_DISCARD), so that a client still sending reads
  the 413 and not a reset, and the connection stays open, as with uvicorn.
- What uvicorn's protocol guards against is kept: pipelined answers in order, reading
  paused while the client does not read its answers (`pause_writing`) or too many
  requests wait, a graceful shutdown that answers what is owed with "connection: close",
  a 500 (and the connection closed) for a request the app fails to answer.
- The app's first step runs outside any task: `asyncio.current_task()` is None there,
  and `asyncio.timeout()` or a TaskGroup would refuse to run (dxlab uses neither).
- The app is told what is being served (`SERVING` in the scope: uvicorn's server state,
  its open connections and the requests waiting in tasks), so that the write of a lone
  client's request is not handed to the group commit's writer thread."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections import deque
from collections.abc import Coroutine, Generator, Iterable
from http import HTTPStatus
from typing import Any

import httptools

from dxlab.domain import ids
from dxlab.web import errors
from dxlab.web.app import MAX_BODY
from dxlab.web.errors import ProtocolError
from dxlab.web.responses import SERVING

log = logging.getLogger("dxlab.web.http")

STATUS_LINES = {s.value: b"HTTP/1.1 %d %s\r\n" % (s.value, s.phrase.encode()) for s in HTTPStatus}
# Requests read ahead of the one being answered (pipelining) before reading pauses.
MAX_QUEUED = 16
# After a body refused as too large, this much more of it is read and dropped, so that the
# client, still sending, reads the 413 instead of a reset; past it the connection is closed.
MAX_DISCARD = 64 * 1024 * 1024
# An answer's body above this is written after its head, not copied into one piece.
LARGE = 256 * 1024
# Answers that carry no body (RFC 9110 6.4.1).
NO_BODY = frozenset({204, 304})


class Exchange:
    """One request and its answer: what the app's receive() and send() act on."""

    __slots__ = ("protocol", "body", "head_only", "keep_alive", "status", "headers", "answered")

    def __init__(
        self, protocol: DxlabHttpProtocol, body: bytes, head_only: bool, keep_alive: bool
    ) -> None:
        self.protocol = protocol
        self.body: bytes | None = body  # until the app has read it
        self.head_only = head_only  # a HEAD request: the answer's head only
        self.keep_alive = keep_alive
        self.status = 0
        self.headers: Any = ()
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
        if kind == "http.response.start" and not self.status:
            self.status = int(message["status"])
            self.headers = message.get("headers", ())
        elif kind == "http.response.body" and self.status and not self.answered:
            if message.get("more_body"):
                raise RuntimeError("dxlab's HTTP protocol answers in one message")
            body = message.get("body", b"")
            with_body = not self.head_only and self.status not in NO_BODY
            # A large body is not copied into one piece: a 10,000-connection answer is ~5 MB.
            apart = with_body and len(body) > LARGE
            data, self.keep_alive = encode(
                self.status,
                self.protocol.state.default_headers,
                self.headers,
                body,
                keep_alive=self.keep_alive,
                with_body=with_body and not apart,
            )
            self.protocol.answer(self, data, body if apart else b"")
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r}")


def encode(
    status: int,
    default_headers: Iterable[tuple[bytes, bytes]],
    headers: Iterable[tuple[bytes, bytes]],
    body: bytes,
    *,
    keep_alive: bool,
    with_body: bool,
) -> tuple[bytes, bool]:
    """An answer as written: status line, headers, and the body when `with_body`, in one
    piece; and whether the connection stays open (not if the headers say it closes)."""
    out = [STATUS_LINES.get(status) or b"HTTP/1.1 %d \r\n" % status]
    for name, value in default_headers:
        out += [name, b": ", value, b"\r\n"]
    length = False
    for name, value in headers:
        if name == b"content-length":
            length = True
        elif name == b"connection" and b"close" in value.lower():
            keep_alive = False
            continue  # said once, below
        out += [name, b": ", value, b"\r\n"]
    if not length and status not in NO_BODY:
        out.append(b"content-length: %d\r\n" % len(body))
    if not keep_alive:
        out.append(b"connection: close\r\n")
    out.append(b"\r\n")
    if with_body:
        out.append(body)
    return b"".join(out), keep_alive


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
        # As uvicorn: requests pipelined after one that closes the connection are read
        # (and dropped), not refused as bad HTTP while that one's answer is owed.
        self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
        self.transport: asyncio.Transport | None = None
        # The request being read.
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.size = 0
        self.declared = 0  # the Content-Length
        self.expect_continue = False
        self.in_message = False  # begun, not yet read whole
        self.refused = False  # run early, as too large: the rest of its body is dropped
        self.discarded = 0
        # Requests read and not yet answered, in order; the first is being answered once
        # `running`.
        self.queue: deque[tuple[dict[str, Any], Exchange]] = deque()
        self.running = False
        self.waiters: list[asyncio.Future[None]] = []  # receive() after the body
        self.continue_owed = False  # a 100 Continue, written once the answers ahead are
        self.refusal_owed: bytes | None = None  # a 400, likewise
        self.lost = False
        self.closing = False  # uvicorn's shutdown: close once nothing is owed
        self.no_more = False  # a request closes the connection: none after it is acted on
        self.write_paused = False
        self.reading_paused = False
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
            if not self.in_message or self.refused:  # the request itself was read
                self.no_more = True
                self._close_if_done()
            else:
                self.send_400_response("upgrading the connection is not supported")
        except httptools.HttpParserError as exc:
            # httptools reports what a callback raised as a parse error: an interrupt or
            # an exit raised while the app ran at once goes on up, as from a task.
            if isinstance(exc.__context__, (KeyboardInterrupt, SystemExit)):
                raise exc.__context__ from None
            self.send_400_response(str(exc) or "Invalid HTTP request received.")

    def send_400_response(self, msg: str) -> None:
        """Refuses what cannot be parsed, after the answers owed to the requests before it,
        and closes the connection."""
        status, body = errors.json_error(
            ProtocolError(f"The request is not valid HTTP: {msg}", "SerializationException", 400)
        )
        self.no_more = True
        self.in_message = False
        if self.queue:
            self.refusal_owed = self._refusal(status, body)
        elif self.transport is not None and not self.transport.is_closing():
            self.transport.write(self._refusal(status, body))
            self.transport.close()

    def pause_writing(self) -> None:
        """The client reads slower than it is answered: no request is started, and none
        read, until it has caught up."""
        self.write_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self.write_paused = False
        self._update_reading()
        if self.queue and not self.running:
            self.loop.call_soon(self._start)

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: the answers owed (and the request being read) are
        given, saying the connection closes, and then it is closed."""
        self.closing = True
        for _, exchange in self.queue:
            exchange.keep_alive = False
        self._close_if_done()

    def _close_if_done(self) -> None:
        if not self.queue and not self.in_message and self.transport is not None:
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

    def _update_reading(self) -> None:
        paused = self.write_paused or len(self.queue) > MAX_QUEUED
        transport = self.transport
        if paused != self.reading_paused and transport is not None and not transport.is_closing():
            self.reading_paused = paused
            if paused:
                transport.pause_reading()
            else:
                transport.resume_reading()

    # -- httptools' callbacks
    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = []
        self.body = []
        self.size = 0
        self.declared = 0
        self.expect_continue = False
        self.in_message = True
        self.refused = False
        self.discarded = 0

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
            self._read_whole(refused=True)
        elif self.expect_continue and self.parser.get_http_version() == "1.1":
            # (RFC 9110 10.1.1: an HTTP/1.0 client's expectation is ignored.)
            if self.queue:  # after the answers owed to the requests ahead of it
                self.continue_owed = True
            elif self.transport is not None and not self.transport.is_closing():
                if not self.no_more:
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        if self.refused:
            self.discarded += len(body)
            if self.discarded > MAX_DISCARD and self.transport is not None:
                self.transport.close()
            return
        # One byte over MAX_BODY is kept: the app refuses the request as too large (413).
        self.body.append(body[: MAX_BODY + 1 - self.size])
        self.size += len(body)
        if self.size > MAX_BODY:
            self._read_whole(refused=True)

    def on_message_complete(self) -> None:
        self.in_message = False
        if not self.refused:
            self._read_whole(refused=False)
        elif self.closing:
            self._close_if_done()

    def _read_whole(self, refused: bool) -> None:
        """The request is read (or, refused, as much of it as will be): queue it, and run
        it if it is first."""
        self.refused = refused
        self.continue_owed = False  # its body came (or it is refused): no 100 now
        if self.transport is None or self.transport.is_closing() or self.no_more:
            return  # after an answer that closes the connection, nothing more is acted on
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
        keep_alive = (
            version != "1.0"
            and parser.should_keep_alive()
            and not parser.should_upgrade()  # the protocol it asks for is not spoken
            and not self.closing
            # refused before its body, which a client expecting 100 Continue never sends
            and not (refused and self.expect_continue)
        )
        if not keep_alive:
            self.no_more = True
        exchange = Exchange(self, b"".join(self.body), method == "HEAD", keep_alive)
        self.queue.append((scope, exchange))
        if len(self.queue) == 1 and not self.write_paused:
            self._start()
        self._update_reading()

    # -- answering
    def _start(self) -> None:
        """Runs the app on the first request in the queue, at once: if it waits for
        nothing it is answered before this returns; if it waits, a task goes on from
        where it waits. Not for a client that has gone."""
        transport = self.transport
        if not self.queue or self.running or self.lost:
            return
        if transport is None or transport.is_closing():
            return
        self.running = True
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
        except GeneratorExit:  # the coroutine is being closed, not failing
            raise
        except BaseException as exc:
            # The app answers every error itself: this is a bug, or the task cancelled
            # (uvicorn's forced shutdown). Either way the request is not left unanswered.
            if not isinstance(exc, asyncio.CancelledError):
                log.exception("the app failed on %s %s", scope["method"], scope["path"])
            if not exchange.answered:
                exchange.keep_alive = False
                self.answer(exchange, self._server_error())
            if not isinstance(exc, Exception):
                raise
            return
        if not exchange.answered:
            log.error("no answer from the app to %s %s", scope["method"], scope["path"])
            exchange.keep_alive = False
            self.answer(exchange, self._server_error())

    def answer(self, exchange: Exchange, data: bytes, more: bytes = b"") -> None:
        """Writes the answer to the first request in the queue (`more`: its large body,
        written after `data`); the next starts in the next turn of the loop (never nested
        in this one's)."""
        exchange.answered = True
        self._wake()
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(data)
        if more:
            transport.write(more)
        self.state.total_requests += 1
        self.last_active = self.loop.time()
        self.queue.popleft()
        self.running = False
        if not exchange.keep_alive:
            transport.close()
            return
        if self.refusal_owed is not None and not self.queue:
            transport.write(self.refusal_owed)
            transport.close()
            return
        if self.continue_owed and not self.queue:
            self.continue_owed = False
            transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if self.closing:
            self._close_if_done()
        elif self.queue and not self.write_paused:
            self.loop.call_soon(self._start)
        self._update_reading()

    def _server_error(self) -> bytes:
        status, body = errors.json_error(errors.server_error())
        return self._refusal(status, body)

    def _refusal(self, status: int, body: bytes) -> bytes:
        """An AWS error answer the protocol makes itself, as the app makes its own."""
        headers = [
            (b"content-type", b"application/x-amz-json-1.1"),
            (b"x-amzn-requestid", ids.request_id().encode()),
        ]
        data, _ = encode(
            status, self.state.default_headers, headers, body, keep_alive=False, with_body=True
        )
        return data


class _Started(Coroutine[Any, Any, None]):
    """The rest of a coroutine already run up to its first wait, as a task runs it: the
    task's first step is given what it waits for (the future it yielded), and every
    later step and any cancellation is passed on to it, as `yield from` would."""

    def __init__(self, coro: Coroutine[Any, Any, None], waits_for: Any) -> None:
        self.coro = coro
        self.waits_for = waits_for
        self.__qualname__ = getattr(coro, "__qualname__", "request")  # the task's repr

    def send(self, value: Any) -> Any:
        if self.waits_for is not None:  # the task's first step
            waits_for, self.waits_for = self.waits_for, None
            return waits_for
        return self.coro.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        # Cancelled before its first step: what it waits for is cancelled too, as a task
        # cancels the future it waits on.
        if self.waits_for is not None and hasattr(self.waits_for, "cancel"):
            self.waits_for.cancel()
        self.waits_for = None
        if val is None and tb is None:
            return self.coro.throw(typ)
        return self.coro.throw(typ, val, tb)

    def close(self) -> None:
        self.coro.close()

    def __await__(self) -> Generator[Any, None, None]:
        raise TypeError("a task runs this; it is not awaited")
