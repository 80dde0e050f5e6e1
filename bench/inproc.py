"""Per-call CPU of the API operations bench/api.py times, in-process: the ASGI app called
directly (no sockets, no uvicorn), its CPU read with `time.process_time()` (every thread
of the process: the group-commit writer included). On a shared machine this figure moves
far less than req/s does, so it is the one to compare two commits by.

    .venv/bin/python bench/inproc.py                  # this checkout
    PYTHONPATH=../other .venv/bin/python bench/inproc.py   # another checkout's dxlab
    .venv/bin/python bench/inproc.py --profile DescribeTags  # cProfile of one operation

Works with the old layout (`dxlab.api.app.DxlabApp(store, settings)`) too, so the old
main can be measured with the same requests."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

DATE = "20260101"
SIGNATURE = "0" * 64
TARGET = "OvertureService"
LOCATIONS = ("EqDC2", "CSVA1")
# One client connected, no request waiting in a task (dxlab's protocol runs a request
# outside tasks until it has to wait).
ONE_CLIENT = types.SimpleNamespace(connections=("client",), tasks=())


def make_app(db: str) -> tuple[Any, Callable[[], None]]:
    """The ASGI app on a SQLite store at `db` (durable writes, as `dxlab serve`)."""
    from dxlab.service.context import Settings

    try:
        from dxlab.bootstrap import bootstrap
    except ImportError:  # the layout before the composition root
        from dxlab.api.app import DxlabApp

        from dxlab.store import open_store

        store = open_store(db)
        return DxlabApp(store, Settings()), store.close
    dx = bootstrap(db, Settings())
    return dx.app, dx.close


def scope(op: str, account: str, body: bytes) -> dict[str, Any]:
    headers = [
        (b"host", b"127.0.0.1:1"),
        (b"content-type", b"application/x-amz-json-1.1"),
        (b"x-amz-target", f"{TARGET}.{op}".encode()),
        (b"x-amz-date", f"{DATE}T000000Z".encode()),
        (
            b"authorization",
            f"AWS4-HMAC-SHA256 Credential={account}/{DATE}/us-east-1/directconnect/"
            "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,"
            f" Signature={SIGNATURE}".encode(),
        ),
        (b"content-length", str(len(body)).encode()),
    ]
    return {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": headers,
        # As dxlab's HTTP protocol says of a request from one sequential client: one
        # connection, one request (dxlab.web.responses.SERVING; older checkouts ignore it).
        "dxlab.serving": ONE_CLIENT,
    }


async def call(app: Any, op: str, account: str, payload: dict[str, Any]) -> tuple[int, bytes]:
    body = orjson.dumps(payload)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope(op, account, body), receive, send)
    return sent[0]["status"], sent[1]["body"]


async def workload(
    app: Any, n: int, repeat: int
) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """The requests of each operation (built up front), and the state they need."""
    tags_account = "300000000007"
    ids = []
    for i in range(10):
        status, body = await call(
            app,
            "CreateConnection",
            tags_account,
            {"location": LOCATIONS[i % 2], "bandwidth": "10Gbps", "connectionName": f"t{i}"},
        )
        assert status == 200, body
        ids.append(orjson.loads(body)["connectionId"])
    arns = [f"arn:aws:directconnect:us-east-1:{tags_account}:dxcon/{c}" for c in ids]
    creates = []
    # CSVA1 has 144 ports (5 hold the tagged connections): a run orders at most 130 there
    # (deleted after it, untimed).
    for a in range(min(n, 260) * repeat // 20):
        account = f"4{a:011d}"
        for loc in LOCATIONS:
            for i in range(10):  # limits.md: 10 active connections per location per account
                body = {"location": loc, "bandwidth": "10Gbps", "connectionName": f"c-{loc}-{i}"}
                creates.append(("CreateConnection", account, body))
    return {
        "DescribeConnections (empty)": [("DescribeConnections", "300000000001", {})] * n,
        "DescribeConnections (10)": [("DescribeConnections", tags_account, {})] * n,
        "DescribeTags": [
            ("DescribeTags", tags_account, {"resourceArns": [arns[i % 10]]}) for i in range(n)
        ],
        "TagResource": [
            (
                "TagResource",
                tags_account,
                {"resourceArn": arns[i % 10], "tags": [{"key": f"k{i % 20}", "value": str(i)}]},
            )
            for i in range(n)
        ],
        "CreateConnection": creates,  # a fresh slice of n per run
    }


async def measure(app: Any, requests: list[tuple[str, str, dict[str, Any]]]) -> float:
    """CPU microseconds per call, one call at a time (one sequential client)."""
    for op, account, body in requests[:20]:  # warm caches
        await call(app, op, account, body)
    started = time.process_time()
    for op, account, body in requests[20:]:
        status, reply = await call(app, op, account, body)
        if status != 200:
            raise SystemExit(f"{op}: {status} {reply[:200]!r}")
    return (time.process_time() - started) / (len(requests) - 20) * 1e6


async def measure_then_delete(app: Any, requests: list[tuple[str, str, dict[str, Any]]]) -> float:
    us = await measure(app, requests)
    if requests[0][0] == "CreateConnection":  # the ports are free again for the next run
        for account in sorted({account for _, account, _ in requests}):
            _, body = await call(app, "DescribeConnections", account, {})
            for conn in orjson.loads(body)["connections"]:
                await call(app, "DeleteConnection", account, {"connectionId": conn["connectionId"]})
    return us


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, close = make_app(f"sqlite:///{Path(tmp) / 'inproc.db'}")
        try:
            work = await workload(app, args.n, args.repeat)
            for name, every in work.items():
                if name == "CreateConnection":  # fresh orders in each run
                    size = len(every) // args.repeat
                    runs = [every[r * size : (r + 1) * size] for r in range(args.repeat)]
                else:
                    runs = [every] * args.repeat
                if args.only and not name.startswith(args.only):
                    continue
                if args.profile and name.startswith(args.profile):
                    prof = cProfile.Profile()
                    prof.enable()
                    await measure_then_delete(app, runs[0])
                    prof.disable()
                    stats = pstats.Stats(prof).sort_stats(args.sort)
                    stats.print_stats(args.lines)
                else:
                    best = min([await measure_then_delete(app, run) for run in runs])
                    print(f"{name:32s} {best:8.1f} us/call (best of {args.repeat})", flush=True)
        finally:
            close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="calls per operation")
    parser.add_argument("--repeat", type=int, default=3, help="runs per operation (best kept)")
    parser.add_argument("--only", default="", help="operations whose name starts with this")
    parser.add_argument("--profile", default="", help="cProfile the operation named so")
    parser.add_argument("--sort", default="tottime", help="pstats sort key")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
