"""What dxlab's HTTP protocol (web/http.py) tells the app: whether a request is served
alone, which decides whether its write is written at once or batched (group_commit.py).
Driven through the protocol uvicorn runs for dxlab, with the real app, over transports
that record what is written."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from dxlab.bootstrap import bootstrap
from dxlab.service.context import Settings
from dxlab.web.http import DxlabHttpProtocol
from dxlab.web.responses import Request
from tests.http_support import Recorded

DESCRIBE = (
    b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.1\r\n"
    b"x-amz-target: OvertureService.DescribeConnections\r\n"
    b"x-amz-date: 20260101T000000Z\r\n"
    b"authorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/"
    b"directconnect/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target,"
    b" Signature=" + b"0" * 64 + b"\r\n"
)


@pytest.fixture
def app(tmp_path: Path) -> Any:
    dx = bootstrap(f"sqlite:///{tmp_path / 'http.db'}", Settings())
    yield dx.app
    dx.close()


def test_the_app_is_told_whether_a_request_is_served_alone(app: Any) -> None:
    """What decides that a write is written at once rather than batched (group_commit.py):
    one client on one connection is alone, request after request; once another client is
    connected, even idle, or two requests are read together, a request is not."""
    seen: list[bool] = []
    transports: list[Recorded] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(Request(scope, {}, b"", "id").alone)
        await app(scope, receive, send)

    async def clients() -> None:
        loop = asyncio.get_running_loop()
        config = Config(recording, lifespan="off", access_log=False, log_level="warning")
        state = ServerState()
        request = DESCRIBE + b"content-length: 2\r\n\r\n{}"

        def connect() -> DxlabHttpProtocol:
            protocol = DxlabHttpProtocol(config, state, {}, loop)
            transports.append(Recorded())
            protocol.connection_made(transports[-1])
            return protocol

        async def turns() -> None:
            for _ in range(50):
                await asyncio.sleep(0)

        one = connect()
        for _ in range(2):  # one client, one request after the other: alone
            one.data_received(request)
            await turns()
        idle = connect()  # a second client connects and sends nothing: not alone any more
        one.data_received(request)
        await turns()
        one.connection_lost(None)
        idle.connection_lost(None)
        both = [connect(), connect()]  # two requests read in the same turn of the loop
        for p in both:
            p.data_received(request)
        await turns()

    asyncio.run(clients())
    assert seen == [True, True, False, False, False]
    answered = [t for t in transports if t.writes]
    assert len(answered) == 3  # the first connection (three answers) and the last two
    for t in answered:
        assert b"".join(t.writes).startswith(b"HTTP/1.1 200 OK\r\n")
