"""An answer leaves as one write: status line, headers and body together (uvicorn writes
the head and the body apart, which made a small answer two TCP segments). Driven through
the protocol uvicorn runs for dxlab, with the real app, over a transport that records
each write; a HEAD answer, `Expect: 100-continue` and a closing connection still work."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from dxlab.bootstrap import bootstrap
from dxlab.service.context import Settings
from dxlab.web.http import AwsErrorHttpToolsProtocol
from dxlab.web.responses import Request

DESCRIBE = (
    b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.1\r\n"
    b"x-amz-target: OvertureService.DescribeConnections\r\n"
    b"x-amz-date: 20260101T000000Z\r\n"
    b"authorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/"
    b"directconnect/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target,"
    b" Signature=" + b"0" * 64 + b"\r\n"
)


class Recorded(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 4566)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


@pytest.fixture
def app(tmp_path: Path) -> Any:
    dx = bootstrap(f"sqlite:///{tmp_path / 'http.db'}", Settings())
    yield dx.app
    dx.close()


async def exchange(app: Any, *chunks: bytes) -> Recorded:
    """Feeds the request bytes (a chunk a turn of the loop) and waits for the answer."""
    config = Config(app, lifespan="off", access_log=False, log_level="warning")
    transport = Recorded()
    protocol = AwsErrorHttpToolsProtocol(config, ServerState(), {}, asyncio.get_running_loop())
    protocol.connection_made(transport)
    for chunk in chunks:
        protocol.data_received(chunk)
        for _ in range(20):
            await asyncio.sleep(0)
    for _ in range(500):
        if protocol.cycle is not None and protocol.cycle.response_complete:
            break
        await asyncio.sleep(0.01)
    return transport


def status_and_body(data: bytes) -> tuple[bytes, bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


def test_an_answer_is_one_write(app: Any) -> None:
    request = DESCRIBE + b"content-length: 2\r\n\r\n{}"
    t = asyncio.run(exchange(app, request))
    assert len(t.writes) == 1, t.writes
    status, body = status_and_body(t.writes[0])
    assert status == b"HTTP/1.1 200 OK" and body == b'{"connections":[]}'
    assert b"x-amzn-requestid: " in t.writes[0] and not t.closed


def test_an_error_answer_is_one_write_too(app: Any) -> None:
    request = DESCRIBE + b"content-length: 1\r\n\r\n{"
    t = asyncio.run(exchange(app, request))
    assert len(t.writes) == 1
    status, body = status_and_body(t.writes[0])
    assert status == b"HTTP/1.1 400 Bad Request" and b"SerializationException" in body


def test_a_head_answer_without_a_body_still_goes_out(app: Any) -> None:
    t = asyncio.run(exchange(app, b"HEAD / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"))
    assert len(t.writes) == 1
    status, body = status_and_body(t.writes[0])
    assert status == b"HTTP/1.1 200 OK" and body == b""


def test_100_continue_goes_before_the_body_and_the_answer_after(app: Any) -> None:
    head = DESCRIBE + b"content-length: 2\r\nexpect: 100-continue\r\n\r\n"
    t = asyncio.run(exchange(app, head, b"{}"))
    assert t.writes[0] == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert len(t.writes) == 2
    assert status_and_body(t.writes[1]) == (b"HTTP/1.1 200 OK", b'{"connections":[]}')


def test_a_closing_connection_gets_the_whole_answer_then_closes(app: Any) -> None:
    request = DESCRIBE + b"connection: close\r\ncontent-length: 2\r\n\r\n{}"
    t = asyncio.run(exchange(app, request))
    assert len(t.writes) == 1 and t.closed
    assert status_and_body(t.writes[0]) == (b"HTTP/1.1 200 OK", b'{"connections":[]}')


def test_the_app_is_told_whether_a_request_is_served_alone(app: Any) -> None:
    """What decides that a write is written at once rather than batched (group_commit.py):
    a request read while no other is being served is alone; two read together are not."""
    seen: list[bool] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(Request(scope, {}, b"", "id").alone)
        await app(scope, receive, send)

    async def two_clients() -> None:
        loop = asyncio.get_running_loop()
        config = Config(recording, lifespan="off", access_log=False, log_level="warning")
        state = ServerState()
        request = DESCRIBE + b"content-length: 2\r\n\r\n{}"
        one = AwsErrorHttpToolsProtocol(config, state, {}, loop)
        one.connection_made(Recorded())
        one.data_received(request)  # alone
        for _ in range(50):
            await asyncio.sleep(0)
        both = [AwsErrorHttpToolsProtocol(config, state, {}, loop) for _ in range(2)]
        for p in both:  # read in the same turn of the loop, served after it
            p.connection_made(Recorded())
            p.data_received(request)
        for _ in range(50):
            await asyncio.sleep(0)

    asyncio.run(two_clients())
    assert seen == [True, False, False]
