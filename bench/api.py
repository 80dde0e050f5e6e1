"""dxlab against moto's server: the same raw awsJson1.1 requests, side by side.

Both servers run as their own processes on 127.0.0.1 (free ports), started and stopped
here. Requests are built and "signed" once up front (dxlab's permissive auth accepts any
well-formed SigV4 header, moto accepts anything), then sent over a few persistent
keep-alive connections by a small asyncio client, so what is measured is the server,
not botocore. See bench/README.md for what each phase does and the last results.

    .venv/bin/python bench/api.py            # `make bench`
    .venv/bin/python bench/api.py --quick    # shorter phases, for a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dxlab.server import free_port  # noqa: E402

TARGET = "OvertureService"
DATE = "20260101"
# dxlab's permissive mode checks the header's form, not the signature (api/auth.py).
SIGNATURE = "0" * 64
LOCATIONS = ("EqDC2", "CSVA1")  # us-east-1's two locations in dxlab's catalog
PER_LOCATION = 10  # limits.md: active connections per location per account
# Accounts are 12-digit access key ids (dxlab) and x-moto-account-id (moto).
ACCOUNT_300 = "300000000300"
ACCOUNT_10K = "300000010000"
ACCOUNT_TAGS = "300000000007"
# CSVA1 has 3 devices x 48 ports: 14 accounts x 10 orders there fit, 16 would not.
ACCOUNTS_PER_ROUND = 14


# -- raw requests ------------------------------------------------------------------------
def raw_request(port: int, op: str, body: dict[str, Any], account: str) -> bytes:
    payload = orjson.dumps(body)
    head = (
        "POST / HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        f"X-Amz-Target: {TARGET}.{op}\r\n"
        f"X-Amz-Date: {DATE}T000000Z\r\n"
        f"X-Moto-Account-Id: {account}\r\n"
        f"Authorization: AWS4-HMAC-SHA256 Credential={account}/{DATE}/us-east-1/directconnect/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,"
        f" Signature={SIGNATURE}\r\n"
        f"Content-Length: {len(payload)}\r\n"
        "\r\n"
    )
    return head.encode() + payload


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    close = headers.get("connection", "").lower() == "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            parts.append(chunk[:-2])
        body = b"".join(parts)
    else:
        body, close = await reader.read(), True
    return status, body, close


async def send_all(
    port: int, requests: Sequence[bytes], concurrency: int, seconds: float, keep_bodies: bool = False
) -> list[Reply]:
    """Sends `requests` in order over `concurrency` keep-alive connections; stops early
    when `seconds` have passed. Returns one Reply per request sent, in request order."""
    replies: list[Reply | None] = [None] * len(requests)
    next_index = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while next_index < len(requests) and time.perf_counter() < deadline:
                i = next_index
                next_index += 1
                start = time.perf_counter()
                writer.write(requests[i])
                status, body, close = await _read_reply(reader)
                replies[i] = Reply(status, body if keep_bodies or status != 200 else b"", time.perf_counter() - start)
                if close:  # the server ended keep-alive: open a new connection
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return [r for r in replies if r is not None]


def run(port: int, requests: Sequence[bytes], concurrency: int, seconds: float, keep: bool = False) -> list[Reply]:
    return asyncio.run(send_all(port, requests, concurrency, seconds, keep))


# -- servers -----------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    argv: list[str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=0.5).read()
                return self
            except OSError as exc:  # a 404 from moto's root still means it is up
                if getattr(exc, "code", None):
                    return self
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# -- measurements ------------------------------------------------------------------------
@dataclass
class Result:
    operation: str
    server: str
    count: int
    errors: int
    seconds: float
    p50: float
    p99: float
    concurrency: int

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    operation: str, server: Server, requests: Sequence[bytes], concurrency: int, seconds: float
) -> Result:
    start = time.perf_counter()
    replies = run(server.port, requests, concurrency, seconds)
    elapsed = time.perf_counter() - start
    errors = [r for r in replies if r.status != 200]
    if errors:
        print(f"  {server.name} {operation}: {len(errors)} errors, first: {errors[0].status} {errors[0].body[:200]!r}")
    lat = [r.seconds * 1000 for r in replies]
    return Result(operation, server.name, len(replies), len(errors), elapsed,
                  percentile(lat, 0.50), percentile(lat, 0.99), concurrency)  # fmt: skip


def created_ids(replies: list[Reply]) -> list[str]:
    return [orjson.loads(r.body)["connectionId"] for r in replies if r.status == 200]


def create_requests(port: int, accounts: Sequence[str], prefix: str) -> list[bytes]:
    """PER_LOCATION orders per location per account: the most dxlab's quota allows."""
    out = []
    for account in accounts:
        for loc in LOCATIONS:
            for i in range(PER_LOCATION):
                body = {"location": loc, "bandwidth": "10Gbps", "connectionName": f"{prefix}-{loc}-{i}"}
                out.append(raw_request(port, "CreateConnection", body, account))
    return out


def bench_create(server: Server, total: int, concurrency: int, seconds: float, run_id: str) -> Result:
    """CreateConnection in rounds of 14 fresh accounts x 20 orders (280 ports of the
    region's 336); the round's connections are deleted, untimed, before the next round so
    that ports are free again. Only the creates are timed."""
    lat: list[float] = []
    count = errors = 0
    busy = 0.0
    round_no = 0
    deadline = time.perf_counter() + seconds
    while count < total and time.perf_counter() < deadline:
        accounts = [f"4{run_id}{round_no:06d}{a:02d}"[-12:] for a in range(ACCOUNTS_PER_ROUND)]
        round_no += 1
        reqs = create_requests(server.port, accounts, "bench")[: total - count]
        start = time.perf_counter()
        replies = run(server.port, reqs, concurrency, deadline - start, keep=True)
        busy += time.perf_counter() - start
        count += len(replies)
        bad = [r for r in replies if r.status != 200]
        if bad and not errors:
            print(f"  {server.name} CreateConnection: {bad[0].status} {bad[0].body[:200]!r}")
        errors += len(bad)
        lat += [r.seconds * 1000 for r in replies]
        deletes = []
        for req, reply in zip(reqs, replies, strict=False):
            if reply.status == 200:
                account = req.split(b"X-Moto-Account-Id: ", 1)[1].split(b"\r\n", 1)[0].decode()
                body = {"connectionId": orjson.loads(reply.body)["connectionId"]}
                deletes.append(raw_request(server.port, "DeleteConnection", body, account))
        run(server.port, deletes, concurrency, 60)
    return Result("CreateConnection", server.name, count, errors, busy,
                  percentile(lat, 0.50), percentile(lat, 0.99), concurrency)  # fmt: skip


def describe_requests(port: int, account: str, n: int) -> list[bytes]:
    return [raw_request(port, "DescribeConnections", {}, account)] * n


def check_count(server: Server, account: str, expected: int) -> int:
    reply = run(server.port, describe_requests(server.port, account, 1), 1, 120, keep=True)[0]
    got = len(orjson.loads(reply.body).get("connections", [])) if reply.status == 200 else -1
    if got != expected:
        print(f"  {server.name}: account {account} has {got} connections, expected {expected}")
    return got


def fill_moto(server: Server, account: str, n: int, seconds: float) -> int:
    """moto has no quota: n CreateConnection calls in one account, bounded in time."""
    reqs = [
        raw_request(server.port, "CreateConnection",
                    {"location": LOCATIONS[i % 2], "bandwidth": "10Gbps", "connectionName": f"fill-{i}"}, account)
        for i in range(n)
    ]  # fmt: skip
    replies = run(server.port, reqs, 8, seconds)
    return sum(1 for r in replies if r.status == 200)


def tag_requests(port: int, account: str, ids: list[str], n: int) -> list[bytes]:
    out = []
    for i in range(n):
        arn = f"arn:aws:directconnect:us-east-1:{account}:dxcon/{ids[i % len(ids)]}"
        body = {"resourceArn": arn, "tags": [{"key": f"k{i % 20}", "value": str(i)}]}
        out.append(raw_request(port, "TagResource", body, account))
    return out


def describe_tag_requests(port: int, account: str, ids: list[str], n: int) -> list[bytes]:
    arns = [f"arn:aws:directconnect:us-east-1:{account}:dxcon/{cid}" for cid in ids]
    return [raw_request(port, "DescribeTags", {"resourceArns": [arns[i % len(arns)]]}, account) for i in range(n)]


def seed_dxlab(db_path: Path, counts: dict[str, int]) -> None:
    """Puts `n` available connections into each account, straight into the store, before
    the server starts. The API cannot: limits.md allows 10 live connections per location
    per account and us-east-1 has two locations. The documents come from the service's
    own `new_connection_doc`; ports are not claimed (they would exceed the catalog's 336)."""
    from dxlab.domain import catalog, ids
    from dxlab.service.connections import new_connection_doc
    from dxlab.service.context import Context
    from dxlab.store import Record, open_store

    store = open_store(f"sqlite:///{db_path}")
    now = time.time()
    try:
        with store.write() as uow:
            for account, n in counts.items():
                ctx = Context(account=account)
                for i in range(n):
                    loc = catalog.location(LOCATIONS[i % 2])
                    assert loc is not None
                    device = loc.devices[i % len(loc.devices)]
                    cid = ids.connection_id()
                    doc = new_connection_doc(
                        ctx, cid, f"seed-{i}", loc, device, "10Gbps", "available",
                        loaIssueTime=now, billingMode="PayAsYouGo",
                    )  # fmt: skip
                    meta = {"port": None, "subLocation": device.sub_location, "crossConnect": True}
                    uow.put(Record("connection", cid, account, doc, meta, created=now + i * 1e-6))
    finally:
        store.close()


# -- report ------------------------------------------------------------------------------
@dataclass
class Row:
    dxlab: Result
    moto: Result | None
    p99_target_ms: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.dxlab.rate / self.moto.rate if self.moto and self.moto.rate else None

    def checks(self) -> tuple[str, bool]:
        parts, ok = ["3x moto"], self.ratio is not None and self.ratio >= 3.0
        if self.p99_target_ms is not None:
            parts.append(f"p99<{self.p99_target_ms:g}ms")
            ok = ok and self.dxlab.p99 < self.p99_target_ms
        return ", ".join(parts), ok and self.dxlab.errors == 0


def print_table(rows: list[Row]) -> None:
    head = ("operation", "server", "conc", "requests", "errors", "req/s", "p50 ms", "p99 ms", "dxlab/moto",
            "target", "met?")  # fmt: skip
    lines = [head]
    for row in rows:
        target, met = row.checks()
        for res in (row.dxlab, row.moto):
            if res is None:
                continue
            mine = res is row.dxlab
            ratio = f"{row.ratio:.1f}x" if mine and row.ratio is not None else ""
            lines.append((
                res.operation, res.server, str(res.concurrency), str(res.count), str(res.errors),
                f"{res.rate:.0f}", f"{res.p50:.1f}", f"{res.p99:.1f}", ratio,
                target if mine else "", ("yes" if met else "NO") if mine else "",
            ))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


# -- main --------------------------------------------------------------------------------
def phase(title: str) -> Callable[[str], None]:
    print(f"\n== {title}", flush=True)
    return lambda msg: print(f"  {msg}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="time bound of each phase")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections per phase")
    parser.add_argument("--quick", action="store_true", help="smaller counts (smoke run)")
    parser.add_argument("--big", type=int, default=10_000, help="connections in the large account")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, db)")
    args = parser.parse_args(argv)
    n = 300 if args.quick else 3000
    seconds = min(args.seconds, 3.0) if args.quick else args.seconds
    conc = args.concurrency
    tmp = Path(tempfile.mkdtemp(prefix="dxlab-bench-"))
    run_id = f"{os.getpid() % 1000:03d}"
    rows: list[Row] = []
    db = tmp / "bench.db"
    say = phase(f"seeding dxlab's store: {ACCOUNT_300}: 300, {ACCOUNT_10K}: {args.big} connections")
    t = time.perf_counter()
    seed_dxlab(db, {ACCOUNT_300: 300, ACCOUNT_10K: args.big})
    say(f"{time.perf_counter() - t:.1f} s")
    dx = Server("dxlab", [sys.executable, "-m", "dxlab.cli", "serve", "--port", "{port}", "--db", f"sqlite:///{db}"],
                tmp / "dxlab.log")  # fmt: skip
    moto = Server("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "{port}"], tmp / "moto.log")
    try:
        dx.start()
        moto.start()
        for s in (dx, moto):  # warm up: imports, first model load, first connections
            run(s.port, describe_requests(s.port, "300000000001", 50), conc, 10)

        say = phase("CreateConnection")
        results = [bench_create(s, n, conc, seconds, run_id) for s in (dx, moto)]
        rows.append(Row(results[0], results[1]))
        say(f"dxlab {results[0].rate:.0f}/s, moto {results[1].rate:.0f}/s")

        say = phase("DescribeConnections, 300 connections in the account")
        say(f"moto: filled {fill_moto(moto, ACCOUNT_300, 300, 60)}")
        for s in (dx, moto):
            check_count(s, ACCOUNT_300, 300)
        results = [measure("DescribeConnections (300)", s, describe_requests(s.port, ACCOUNT_300, n), conc, seconds)
                   for s in (dx, moto)]  # fmt: skip
        rows.append(Row(results[0], results[1]))

        say = phase(f"DescribeConnections, {args.big} connections in the account (one client)")
        t = time.perf_counter()
        filled = fill_moto(moto, ACCOUNT_10K, args.big, 60)
        say(f"moto: filled {filled} in {time.perf_counter() - t:.1f} s")
        check_count(dx, ACCOUNT_10K, args.big)
        big = f"DescribeConnections ({args.big})"
        res_dx = measure(big, dx, describe_requests(dx.port, ACCOUNT_10K, 200), 1, seconds)
        res_moto = None
        if filled == args.big and check_count(moto, ACCOUNT_10K, args.big) == args.big:
            res_moto = measure(big, moto, describe_requests(moto.port, ACCOUNT_10K, 200), 1, seconds)
        rows.append(Row(res_dx, res_moto, p99_target_ms=50.0))

        say = phase("TagResource / DescribeTags on 10 connections")
        tagged = {}
        for s in (dx, moto):
            setup = create_requests(s.port, [ACCOUNT_TAGS], "tagged")[::2]
            tagged[s.name] = created_ids(run(s.port, setup, 1, 30, keep=True))
        for op, build in (("TagResource", tag_requests), ("DescribeTags", describe_tag_requests)):
            results = [measure(op, s, build(s.port, ACCOUNT_TAGS, tagged[s.name], n), conc, seconds)
                       for s in (dx, moto)]  # fmt: skip
            rows.append(Row(results[0], results[1]))
    finally:
        dx.stop()
        moto.stop()
        if args.keep:
            print(f"\nlogs and database kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print_table(rows)
    return 0 if all(row.checks()[1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
