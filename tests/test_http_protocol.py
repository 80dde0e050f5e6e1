"""dxlab's HTTP/1.1 protocol (web/http.py). Over a real socket to a real server: what
clients rely on beyond one request and its answer (keep-alive, pipelining, HTTP/1.0,
Connection: close, Expect: 100-continue, HEAD, a chunked body). Driven directly, with a
transport that records: what no client shows (the idle timeout, an answer that waits in
a task, an app that fails, a cancelled task)."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import orjson
import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from dxlab.web.http import DxlabHttpProtocol
from tests.http_support import Recorded
from tests.wire import json_headers, signed_headers


def _request(
    endpoint: str, op: str, params: dict[str, Any], account: str, **extra: str
) -> tuple[str, bytes, dict[str, str]]:
    body = orjson.dumps(params)
    headers = signed_headers(endpoint + "/", body, json_headers(op), account=account)
    return "POST / HTTP/1.1", body, {**headers, **extra}


def _raw(line: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"{line}\r\n{head}\r\n".encode() + body


def _connect(endpoint: str) -> socket.socket:
    host, port = endpoint.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


class Reader:
    """Reads answers off a socket as an HTTP/1.1 client would (Content-Length bodies)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        self.buffer += data
        return bool(data)

    def answer(self, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), f"connection closed; read {self.buffer!r}"
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines)}
        length = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            assert self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def closed(self) -> bool:
        """True when the server closes the connection (nothing more comes)."""
        return self.buffer == b"" and not self._fill()


def test_pipelined_requests_are_answered_in_order(server: Any, account: str) -> None:
    """Three requests in one write: each is acted on and answered in turn (the describe
    sees the first order and not the third)."""
    order = {"location": "EqDC2", "bandwidth": "1Gbps"}
    requests = [
        _request(
            server.endpoint, "CreateConnection", {**order, "connectionName": "first"}, account
        ),
        _request(server.endpoint, "DescribeConnections", {}, account),
        _request(
            server.endpoint, "CreateConnection", {**order, "connectionName": "third"}, account
        ),
    ]
    with _connect(server.endpoint) as sock:
        sock.sendall(b"".join(_raw(*r) for r in requests))
        reader = Reader(sock)
        answers = [reader.answer() for _ in requests]
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert orjson.loads(answers[0][2])["connectionName"] == "first"
    listed = orjson.loads(answers[1][2])["connections"]
    assert [c["connectionName"] for c in listed] == ["first"]
    assert orjson.loads(answers[2][2])["connectionName"] == "third"
    ids = {a[1]["x-amzn-requestid"] for a in answers}
    assert len(ids) == 3  # each answer its own request id


def test_one_connection_carries_request_after_request(server: Any, account: str) -> None:
    with _connect(server.endpoint) as sock:
        reader = Reader(sock)
        for _ in range(20):
            sock.sendall(_raw(*_request(server.endpoint, "DescribeConnections", {}, account)))
            status, headers, body = reader.answer()
            assert status == 200 and orjson.loads(body) == {"connections": []}
            assert "connection" not in headers  # kept alive


@pytest.mark.parametrize("how", ["HTTP/1.0", "Connection: close"])
def test_the_connection_is_closed_after_the_answer_when_asked(
    server: Any, account: str, how: str
) -> None:
    line, body, headers = _request(server.endpoint, "DescribeConnections", {}, account)
    if how == "HTTP/1.0":
        line = "POST / HTTP/1.0"
    else:
        headers["Connection"] = "close"
    second = _raw(*_request(server.endpoint, "DescribeConnections", {}, account))
    with _connect(server.endpoint) as sock:
        sock.sendall(_raw(line, body, headers) + second)  # the second is never answered
        reader = Reader(sock)
        status, answer_headers, _ = reader.answer()
        assert status == 200
        assert answer_headers["connection"] == "close"
        assert reader.closed()


def test_expect_100_continue(server: Any, account: str) -> None:
    """A client that waits for 100 Continue before it sends the body (curl does for large
    bodies) gets it at once, then the answer."""
    line, body, headers = _request(
        server.endpoint, "DescribeConnections", {}, account, Expect="100-continue"
    )
    with _connect(server.endpoint) as sock:
        sock.sendall(_raw(line, b"", headers))
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        status, _, answer = Reader(sock).answer()
    assert status == 200 and orjson.loads(answer) == {"connections": []}


def test_head_is_answered_with_the_head_only(server: Any, account: str) -> None:
    with _connect(server.endpoint) as sock:
        sock.sendall(b"HEAD / HTTP/1.1\r\nHost: dxlab\r\n\r\n")
        reader = Reader(sock)
        status, headers, _ = reader.answer(head_only=True)
        assert status == 200 and int(headers["content-length"]) > 0
        # No body followed: the next answer on the connection starts where the head ended.
        sock.sendall(_raw(*_request(server.endpoint, "DescribeConnections", {}, account)))
        status, _, body = reader.answer()
    assert status == 200 and orjson.loads(body) == {"connections": []}


def test_a_chunked_body_is_read_whole(server: Any, account: str) -> None:
    line, body, headers = _request(
        server.endpoint,
        "CreateConnection",
        {"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "chunked"},
        account,
    )
    headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
    headers["Transfer-Encoding"] = "chunked"
    half = len(body) // 2
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:half], body[half:]))
    with _connect(server.endpoint) as sock:
        sock.sendall(_raw(line, chunked + b"0\r\n\r\n", headers))
        status, _, answer = Reader(sock).answer()
    assert status == 200 and orjson.loads(answer)["connectionName"] == "chunked"


# -- driven directly ------------------------------------------------------------------------

GET = b"GET /x HTTP/1.1\r\nhost: dxlab\r\n\r\n"


def _drive(app: Any, steps: Any, *, keep_alive: float = 30.0) -> tuple[Recorded, ServerState]:
    """Runs `steps(protocol, state)` (a coroutine function) against one connection."""
    transport, state = Recorded(), ServerState()

    async def main() -> None:
        config = Config(
            app,
            lifespan="off",
            access_log=False,
            log_level="warning",
            timeout_keep_alive=keep_alive,
        )
        protocol = DxlabHttpProtocol(config, state, {}, asyncio.get_running_loop())
        protocol.connection_made(transport)
        await steps(protocol, state)

    asyncio.run(main())
    return transport, state


async def _answer(send: Any, body: bytes = b"ok") -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def test_an_answer_that_waits_goes_on_in_a_task() -> None:
    """The app runs at once; when it waits (a batched write), a task finishes it, and
    the requests read meanwhile on the connection wait their turn."""
    gate: list[asyncio.Future[None]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        if scope["path"] == "/wait":
            gate.append(asyncio.get_running_loop().create_future())
            await gate[0]
        await _answer(send, scope["path"].encode())

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET.replace(b"/x", b"/wait") + GET)
        assert len(state.tasks) == 1 and protocol.transport.writes == []  # type: ignore[union-attr]
        gate[0].set_result(None)
        for _ in range(10):
            await asyncio.sleep(0)
        assert not state.tasks

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.index(b"\r\n\r\n/wait") < written.index(b"\r\n\r\n/x")
    assert not transport.closed


def test_an_answer_with_nothing_to_wait_for_needs_no_task() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await _answer(send)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET)
        assert not state.tasks  # answered before data_received returned
        assert protocol.transport.writes  # type: ignore[union-attr]

    _drive(app, steps)


@pytest.mark.parametrize("waits", [False, True])
def test_an_app_that_fails_gets_an_aws_500_and_the_connection_closed(
    waits: bool, caplog: pytest.LogCaptureFixture
) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if waits:
            await asyncio.sleep(0.001)
        raise RuntimeError("boom")

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET)
        await asyncio.sleep(0.05)

    with caplog.at_level(logging.ERROR, logger="dxlab.web.http"):
        transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert b'"__type":"DirectConnectServerException"' in written
    assert transport.closed
    assert "the app failed" in caplog.text


def test_a_cancelled_task_is_cancelled_in_the_app_and_its_request_answered() -> None:
    """A task that finishes an answer passes cancellation (uvicorn's forced shutdown) on
    to the app, where it waits; the client gets a 500, not a connection left hanging."""
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        try:
            await asyncio.get_running_loop().create_future()
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET)
        [task] = state.tasks
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not protocol.queue

    transport, _ = _drive(app, steps)
    assert seen == ["cancelled"]
    assert b"".join(transport.writes).startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert transport.closed


def _gated(paths: list[str]) -> tuple[Any, list[asyncio.Future[None]]]:
    """An app that records the paths it serves and holds /wait until the gate opens."""
    gate: list[asyncio.Future[None]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        paths.append(scope["path"])
        if scope["path"] == "/wait":
            gate.append(asyncio.get_running_loop().create_future())
            await gate[0]
        await _answer(send, scope["path"].encode())

    return app, gate


async def _turns(n: int = 20) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


WAIT = GET.replace(b"/x", b"/wait")


def test_a_closing_request_that_waits_is_answered_and_what_follows_dropped() -> None:
    """Bytes after a request that closes the connection are not bad HTTP (as uvicorn
    reads them): the waiting request gets its answer, and the next is not acted on."""
    paths: list[str] = []
    app, gate = _gated(paths)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(WAIT.replace(b"\r\n\r\n", b"\r\nconnection: close\r\n\r\n") + GET)
        gate[0].set_result(None)
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.count(b"HTTP/1.1 ") == 1 and written.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"connection: close\r\n" in written and transport.closed
    assert paths == ["/wait"]


def test_bad_http_after_a_waiting_request_is_refused_after_its_answer() -> None:
    paths: list[str] = []
    app, gate = _gated(paths)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(WAIT + b"GARBAGE\r\n\r\n")
        assert not protocol.transport.writes  # type: ignore[union-attr]
        gate[0].set_result(None)
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.startswith(b"HTTP/1.1 200 OK\r\n")
    assert written.index(b"\r\n\r\n/wait") < written.index(b"HTTP/1.1 400 Bad Request")
    assert b"SerializationException" in written and transport.closed


def test_100_continue_comes_after_the_answers_owed_before_it() -> None:
    paths: list[str] = []
    app, gate = _gated(paths)
    expecting = (
        b"POST /y HTTP/1.1\r\nhost: dxlab\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n"
    )

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        transport = protocol.transport
        assert isinstance(transport, Recorded)
        protocol.data_received(WAIT + expecting)
        assert transport.writes == []  # the 100 is not written ahead of /wait's answer
        gate[0].set_result(None)
        await _turns()
        protocol.data_received(b"{}")
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    first = written.index(b"\r\n\r\n/wait")
    assert first < written.index(b"HTTP/1.1 100 Continue\r\n\r\n") < written.index(b"/y")
    assert paths == ["/wait", "/y"]


def test_a_request_queued_for_a_client_that_went_away_is_not_acted_on() -> None:
    paths: list[str] = []
    app, gate = _gated(paths)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(WAIT + GET)
        protocol.connection_lost(None)
        gate[0].set_result(None)
        await _turns()

    _drive(app, steps)
    assert paths == ["/wait"]


def test_no_request_is_started_while_the_client_does_not_read_its_answers() -> None:
    """Write back-pressure (uvicorn's flow control): while the transport says its buffer
    is full, requests wait and reading is paused."""
    paths: list[str] = []
    app, _ = _gated(paths)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        transport = protocol.transport
        assert isinstance(transport, Recorded)
        protocol.pause_writing()
        assert not transport.reading
        protocol.data_received(GET * 3)
        await _turns()
        assert paths == [] and transport.writes == []
        protocol.resume_writing()
        await _turns()
        assert transport.reading and paths == ["/x"] * 3

    transport, _ = _drive(app, steps)
    assert b"".join(transport.writes).count(b"HTTP/1.1 200 OK") == 3


def test_graceful_shutdown_answers_what_is_owed_saying_the_connection_closes() -> None:
    paths: list[str] = []
    app, gate = _gated(paths)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        transport = protocol.transport
        assert isinstance(transport, Recorded)
        protocol.data_received(WAIT)
        protocol.shutdown()
        assert not transport.closed
        gate[0].set_result(None)
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.startswith(b"HTTP/1.1 200 OK\r\n") and b"connection: close\r\n" in written
    assert transport.closed


def test_graceful_shutdown_finishes_a_request_being_read() -> None:
    paths: list[str] = []
    app, _ = _gated(paths)
    head = b"POST /y HTTP/1.1\r\nhost: dxlab\r\ncontent-length: 2\r\n\r\n"

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        transport = protocol.transport
        assert isinstance(transport, Recorded)
        protocol.data_received(head)
        protocol.shutdown()
        assert not transport.closed  # its body is still coming
        protocol.data_received(b"{}")
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert paths == ["/y"] and b"connection: close\r\n" in written and transport.closed


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout() -> None:
    """Idle is counted from the last answer: a connection answering stays open."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await asyncio.sleep(0.15)  # longer than the timeout: still answering
        await _answer(send)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        transport = protocol.transport
        assert isinstance(transport, Recorded)
        protocol.data_received(GET)
        await asyncio.sleep(0.2)
        assert transport.writes and not transport.closed  # answered, not cut off
        await asyncio.sleep(0.25)
        assert transport.closed  # then idle for longer than the timeout

    _drive(app, steps, keep_alive=0.1)


def test_reading_pauses_while_too_many_requests_wait() -> None:
    gate: list[asyncio.Future[None]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        if not gate:
            gate.append(asyncio.get_running_loop().create_future())
            await gate[0]
        await _answer(send)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        transport = protocol.transport
        assert isinstance(transport, Recorded)
        protocol.data_received(GET * 20)
        assert not transport.reading
        gate[0].set_result(None)
        for _ in range(100):
            await asyncio.sleep(0)
        assert transport.reading
        assert b"".join(transport.writes).count(b"HTTP/1.1 200 OK") == 20

    _drive(app, steps)


def test_an_app_that_yields_the_loop_once_goes_on_in_a_task() -> None:
    """asyncio.sleep(0) yields no future: the task's first step resumes the app."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await asyncio.sleep(0)
        await _answer(send)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET)
        assert len(state.tasks) == 1
        for _ in range(5):
            await asyncio.sleep(0)
        assert not state.tasks

    transport, _ = _drive(app, steps)
    assert b"".join(transport.writes).startswith(b"HTTP/1.1 200 OK\r\n")


def test_a_request_asking_for_an_upgrade_is_answered_once_then_the_connection_ends(
    server: Any, account: str
) -> None:
    """curl --http2 asks for h2c this way: it gets its answer over HTTP/1.1, and no other."""
    with _connect(server.endpoint) as sock:
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: dxlab\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
        )
        reader = Reader(sock)
        status, _, _ = reader.answer()
        assert status == 200
        assert reader.closed()


def test_a_refused_body_is_read_to_its_end_and_the_413_reaches_a_client_still_sending(
    server: Any, account: str
) -> None:
    """A client that writes its whole body before it reads (as Node's http does) gets the
    413, not a reset, and the connection goes on."""
    line, _, headers = _request(server.endpoint, "DescribeConnections", {}, account)
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
    headers["Content-Length"] = str(len(body))
    with _connect(server.endpoint) as sock:
        sock.sendall(_raw(line, body, headers))
        reader = Reader(sock)
        status, _, answer = reader.answer()
        assert status == 413 and b"RequestEntityTooLargeException" in answer
        sock.sendall(_raw(*_request(server.endpoint, "DescribeConnections", {}, account)))
        status, _, answer = reader.answer()
    assert status == 200 and orjson.loads(answer) == {"connections": []}


def test_a_large_answer_is_written_whole() -> None:
    big = b"x" * (3 * 1024 * 1024)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await _answer(send, big)

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET)

    transport, _ = _drive(app, steps)
    head, body = b"".join(transport.writes).split(b"\r\n\r\n", 1)
    assert b"content-length: %d" % len(big) in head and body == big


def test_an_upgrade_request_answered_from_a_task_still_ends_the_connection() -> None:
    paths: list[str] = []
    app, gate = _gated(paths)
    h2c = WAIT.replace(
        b"\r\n\r\n", b"\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\n\r\n"
    )

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(h2c)
        protocol.data_received(GET)
        gate[0].set_result(None)
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.count(b"HTTP/1.1 ") == 1 and b"connection: close\r\n" in written
    assert transport.closed and paths == ["/wait"]


def test_no_100_continue_once_the_body_has_come() -> None:
    """The client gave up waiting for the 100 and sent its body while an answer ahead was
    owed: the 100 is never written."""
    paths: list[str] = []
    app, gate = _gated(paths)
    expecting = (
        b"POST /y HTTP/1.1\r\nhost: dxlab\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n"
    )

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(WAIT + expecting)
        protocol.data_received(b"{}")
        gate[0].set_result(None)
        await _turns()
        protocol.data_received(GET)
        await _turns()

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert b"100 Continue" not in written and paths == ["/wait", "/y", "/x"]


def test_an_http_1_0_client_gets_no_100_continue() -> None:
    paths: list[str] = []
    app, _ = _gated(paths)
    request = b"POST /y HTTP/1.0\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n"

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(request)
        assert protocol.transport.writes == []  # type: ignore[union-attr]
        protocol.data_received(b"{}")

    transport, _ = _drive(app, steps)
    assert b"100 Continue" not in b"".join(transport.writes) and paths == ["/y"]


def test_a_body_refused_before_a_100_continue_closes_the_connection(server: Any) -> None:
    """The client never sends the body it was not invited to send: the connection is not
    kept waiting for it."""
    head = (
        "POST / HTTP/1.1\r\nHost: dxlab\r\nContent-Type: application/x-amz-json-1.1\r\n"
        "X-Amz-Target: OvertureService.DescribeConnections\r\n"
        f"Content-Length: {3 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n"
    )
    with _connect(server.endpoint) as sock:
        sock.sendall(head.encode())
        reader = Reader(sock)
        status, headers, body = reader.answer()
        assert status == 413 and b"RequestEntityTooLargeException" in body
        assert headers["connection"] == "close" and reader.closed()


def test_an_interrupt_in_the_app_goes_on_up() -> None:
    """What httptools reports as a callback's parse error is not turned into a 400 when it
    is an interrupt: it leaves data_received, as it would leave a task."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise KeyboardInterrupt

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        with pytest.raises(KeyboardInterrupt):
            protocol.data_received(GET)

    transport, _ = _drive(app, steps)
    assert b"400 Bad Request" not in b"".join(transport.writes)


def test_the_apps_own_connection_close_and_a_missing_length_are_honoured() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        headers = [(b"connection", b"close")] if scope["path"] == "/close" else []
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"abc"})

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET + GET.replace(b"/x", b"/close") + GET)

    transport, _ = _drive(app, steps)
    written = b"".join(transport.writes)
    assert written.count(b"HTTP/1.1 200 OK") == 2  # the third request is not acted on
    assert written.count(b"content-length: 3\r\n") == 2
    assert written.count(b"connection: close\r\n") == 1 and transport.closed


def test_a_task_cancelled_before_its_first_step_cancels_what_the_request_waits_for() -> None:
    waited: list[asyncio.Future[None]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        waited.append(asyncio.get_running_loop().create_future())
        await waited[0]

    async def steps(protocol: DxlabHttpProtocol, state: ServerState) -> None:
        protocol.data_received(GET)
        [task] = state.tasks
        task.cancel()  # before the task has taken a step
        with pytest.raises(asyncio.CancelledError):
            await task

    _drive(app, steps)
    assert waited[0].cancelled()
