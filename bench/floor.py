"""The floor of bench/api.py: a bare ASGI app on the same uvicorn (httptools, uvloop)
answering every request with a constant empty DescribeConnections body. Whatever dxlab
does per request (auth, codec, store, snapshot) is measured against what no server on
this stack can beat.

    python -m uvicorn bench.floor:app --port N --http httptools --loop uvloop
"""

from __future__ import annotations

from typing import Any

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
