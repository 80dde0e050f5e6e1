"""The floor of bench/api.py: a bare ASGI app on the same uvicorn (httptools, uvloop)
answering every request with a constant empty DescribeConnections body. Whatever dxlab
does per request (auth, codec, store, snapshot) is measured against what no server on
this stack can beat.

    python -m uvicorn bench.floor:app --port N --http httptools --loop uvloop

And below it (bench/compare.py's "raw" floor): no ASGI server at all, an asyncio protocol
on uvloop that parses with httptools and writes the same constant answer: what uvicorn's
own HTTP protocol costs per request is the difference between the two.

    python -m bench.floor --port N
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import httptools

BODY = b'{"connections":[]}'
HEADERS = [
    (b"content-type", b"application/x-amz-json-1.1"),
    (b"content-length", str(len(BODY)).encode()),
    (b"x-amzn-requestid", b"00000000-0000-0000-0000-000000000000"),
]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


ANSWER = (
    (b"HTTP/1.1 200 OK\r\n" + b"".join(name + b": " + value + b"\r\n" for name, value in HEADERS))
    + b"\r\n"
    + BODY
)


class RawFloor(asyncio.Protocol):
    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        self.transport.write(ANSWER)


async def serve_raw(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(RawFloor, "127.0.0.1", port)
    await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    parser = argparse.ArgumentParser(description="the raw floor: httptools on uvloop")
    parser.add_argument("--port", type=int, required=True)
    uvloop.install()
    asyncio.run(serve_raw(parser.parse_args().port))
