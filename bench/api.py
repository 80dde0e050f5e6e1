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
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rawclient import Reply, Server, floor_server, raw_request, run  # noqa: E402

LOCATIONS = ("EqDC2", "CSVA1")  # two us-east-1 locations of dxlab's catalog: 192 and 144 ports
PER_LOCATION = 10  # limits.md: active connections per location per account
# Accounts are 12-digit access key ids (dxlab) and x-moto-account-id (moto).
ACCOUNT_300 = "300000000300"
ACCOUNT_10K = "300000010000"
ACCOUNT_TAGS = "300000000007"
# CSVA1 has 3 devices x 48 ports: 14 accounts x 10 orders there fit, 16 would not.
ACCOUNTS_PER_ROUND = 14


# -- measurements ------------------------------------------------------------------------
def cpu_seconds(server: Server) -> float:
    """User + system CPU of the server process so far (all its threads), from /proc."""
    assert server.proc is not None
    try:
        fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """One operation on one server, added up over the slices it was measured in."""

    operation: str
    server: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # ms
    errors: int = 0
    seconds: float = 0.0  # wall time of the timed requests
    cpu: float = 0.0  # the server's CPU seconds meanwhile

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.count if self.count else float("nan")

    def timed(
        self,
        server: Server,
        requests: Sequence[bytes],
        seconds: float,
        keep: bool = False,
        every: int = 1,
    ) -> list[Reply]:
        """Sends `requests`; the latency of every `every`-th one is recorded (the others
        only set the scene, e.g. a write before each read)."""
        cpu, start = cpu_seconds(server), time.perf_counter()
        replies = run(server.port, requests, self.concurrency, seconds, keep)
        self.seconds += time.perf_counter() - start
        self.cpu += cpu_seconds(server) - cpu
        bad = [r for r in replies if r.status != 200]
        if bad and not self.errors:
            print(
                f"  {server.name} {self.operation}: {len(bad)} errors, first: {bad[0].status} {bad[0].body[:200]!r}"
            )
        self.errors += len(bad)
        self.latencies += [r.seconds * 1000 for r in replies[every - 1 :: every]]
        return replies


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    operation: str,
    servers: Sequence[Server],
    build: Callable[[Server], list[bytes]],
    concurrency: int,
    seconds: float,
    slices: int = 4,
    every: int = 1,
) -> list[Tally]:
    """The same requests to each server, in slices taken in turn (dxlab, moto, dxlab, ...)
    so that both see the same background load of the machine; each server's slices
    together take at most `seconds`."""
    tallies = [Tally(operation, s.name, concurrency) for s in servers]
    requests = [build(s) for s in servers]
    for i in range(slices):
        for server, tally, reqs in zip(servers, tallies, requests, strict=True):
            per = len(reqs) // every
            chunk = reqs[every * (i * per // slices) : every * ((i + 1) * per // slices)]
            if chunk and tally.seconds < seconds:
                tally.timed(server, chunk, seconds - tally.seconds, every=every)
    return tallies


def created_ids(replies: list[Reply]) -> list[str]:
    return [orjson.loads(r.body)["connectionId"] for r in replies if r.status == 200]


def create_requests(port: int, accounts: Sequence[str], prefix: str) -> list[bytes]:
    """PER_LOCATION orders per location per account: the most dxlab's quota allows."""
    out = []
    for account in accounts:
        for loc in LOCATIONS:
            for i in range(PER_LOCATION):
                body = {
                    "location": loc,
                    "bandwidth": "10Gbps",
                    "connectionName": f"{prefix}-{loc}-{i}",
                }
                out.append(raw_request(port, "CreateConnection", body, account))
    return out


def bench_create(
    servers: Sequence[Server], total: int, concurrency: int, seconds: float, first_digit: int = 4
) -> list[Tally]:
    """CreateConnection in rounds of 14 fresh accounts x 20 orders (280 ports of the
    region's 336), the servers taking turns; each round's connections are deleted,
    untimed, before the next round so that ports are free again."""
    tallies = [Tally("CreateConnection", s.name, concurrency) for s in servers]
    run_id = f"{os.getpid() % 1000:03d}"
    for round_no in range(1000):
        accounts = [
            f"{first_digit}{run_id}{round_no:06d}{a:02d}" for a in range(ACCOUNTS_PER_ROUND)
        ]
        for server, tally in zip(servers, tallies, strict=True):
            if tally.count >= total or tally.seconds >= seconds:
                continue
            reqs = create_requests(server.port, accounts, "bench")[: total - tally.count]
            replies = tally.timed(server, reqs, seconds - tally.seconds, keep=True)
            deletes = []
            for req, reply in zip(reqs, replies, strict=False):
                if reply.status == 200:
                    account = req.split(b"X-Moto-Account-Id: ", 1)[1].split(b"\r\n", 1)[0].decode()
                    body = {"connectionId": orjson.loads(reply.body)["connectionId"]}
                    deletes.append(raw_request(server.port, "DeleteConnection", body, account))
            run(server.port, deletes, concurrency, 60)
        if all(t.count >= total or t.seconds >= seconds for t in tallies):
            break
    return tallies


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
        raw_request(
            server.port,
            "CreateConnection",
            {"location": LOCATIONS[i % 2], "bandwidth": "10Gbps", "connectionName": f"fill-{i}"},
            account,
        )
        for i in range(n)
    ]
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
    return [
        raw_request(port, "DescribeTags", {"resourceArns": [arns[i % len(arns)]]}, account)
        for i in range(n)
    ]


def commit_latency(directory: Path, n: int = 200) -> tuple[float, float]:
    """p50 and p99 ms of a durable SQLite commit (WAL, synchronous=FULL) on this disk now:
    the floor under every write either server could acknowledge durably."""
    import sqlite3

    path = directory / "fsync-probe.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (a INTEGER)")
    times = []
    for i in range(n):
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", (i,))
        db.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    db.close()
    return percentile(times, 0.5), percentile(times, 0.99)


def seed_dxlab(db_path: Path, counts: dict[str, int]) -> None:
    """Puts `n` available connections into each account, straight into the store, before
    the server starts. The API cannot: limits.md allows 10 live connections per location
    per account, and the catalog has a few locations per Region. The documents come from
    the service's own `new_connection_doc`; ports are not claimed (there are not 10,000)."""
    from dxlab.domain import catalog, ids
    from dxlab.domain.shapes import ConnectionState
    from dxlab.domain.states import CONNECTION, set_state
    from dxlab.service.connections.dedicated import new_connection_doc
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
                        ctx,
                        cid,
                        f"seed-{i}",
                        loc,
                        device,
                        "10Gbps",
                        ConnectionState.REQUESTED,
                        loaIssueTime=now,
                        billingMode="PayAsYouGo",
                    )
                    for step in (
                        ConnectionState.PENDING,
                        ConnectionState.AVAILABLE,
                    ):  # as provisioning moves it
                        set_state(doc, CONNECTION, step)
                    meta = {"port": None, "subLocation": device.sub_location, "crossConnect": True}
                    uow.put(Record("connection", cid, account, doc, meta, created=now + i * 1e-6))
    finally:
        store.close()


# -- report ------------------------------------------------------------------------------
@dataclass
class Row:
    dxlab: Tally
    moto: Tally | None = None
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


def row(tallies: Sequence[Tally], p99_target_ms: float | None = None) -> Row:
    return Row(tallies[0], tallies[1] if len(tallies) > 1 else None, p99_target_ms)


def print_table(rows: list[Row]) -> None:
    head = (
        "operation",
        "server",
        "conc",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p99 ms",
        "cpu ms/req",
        "dxlab/moto",
        "target",
        "met?",
    )
    lines = [head]
    for row in rows:
        target, met = row.checks()
        for res in (row.dxlab, row.moto):
            if res is None:
                continue
            mine = res is row.dxlab
            ratio = f"{row.ratio:.2f}x" if mine and row.ratio is not None else ""
            lines.append(
                (
                    res.operation,
                    res.server,
                    str(res.concurrency),
                    str(res.count),
                    str(res.errors),
                    f"{res.rate:.0f}",
                    f"{res.p50:.1f}",
                    f"{res.p99:.1f}",
                    f"{res.cpu_ms:.2f}",
                    ratio,
                    target if mine else "",
                    ("yes" if met else "NO") if mine else "",
                )
            )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


# -- main --------------------------------------------------------------------------------
def phase(title: str) -> Callable[[str], None]:
    print(f"\n== {title}", flush=True)
    return lambda msg: print(f"  {msg}", flush=True)


def first_id(server: Server, account: str) -> str:
    reply = run(server.port, describe_requests(server.port, account, 1), 1, 120, keep=True)[0]
    return str(orjson.loads(reply.body)["connections"][0]["connectionId"])


def write_then_describe(server: Server, account: str, cid: str, n: int) -> list[bytes]:
    """A TagResource on one of the account's connections before each DescribeConnections:
    every describe reads a store that has just changed (no cached answer)."""
    return [
        req
        for i in range(n)
        for req in (
            tag_requests(server.port, account, [cid], i + 1)[-1],
            raw_request(server.port, "DescribeConnections", {}, account),
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="time bound of each phase, per server"
    )
    parser.add_argument(
        "--concurrency", type=int, default=4, help="keep-alive connections per phase"
    )
    parser.add_argument(
        "--wide", type=int, default=16, help="connections of a second CreateConnection phase"
    )
    parser.add_argument("--quick", action="store_true", help="smaller counts (smoke run)")
    parser.add_argument("--big", type=int, default=10_000, help="connections in the large account")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs, db)"
    )
    args = parser.parse_args(argv)
    n = 300 if args.quick else 3000
    seconds = min(args.seconds, 3.0) if args.quick else args.seconds
    conc = args.concurrency
    tmp = Path(tempfile.mkdtemp(prefix="dxlab-bench-"))
    rows: list[Row] = []
    db = tmp / "bench.db"
    say = phase(f"seeding dxlab's store: {ACCOUNT_300}: 300, {ACCOUNT_10K}: {args.big} connections")
    t = time.perf_counter()
    seed_dxlab(db, {ACCOUNT_300: 300, ACCOUNT_10K: args.big})
    say(f"{time.perf_counter() - t:.1f} s")
    dx = Server(
        "dxlab",
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "serve",
            "--port",
            "{port}",
            "--db",
            f"sqlite:///{db}",
        ],
        tmp / "dxlab.log",
    )
    moto = Server(
        "moto",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "{port}"],
        tmp / "moto.log",
    )
    servers = (dx, moto)
    floor = floor_server(tmp)
    try:
        dx.start()
        moto.start()
        for s in servers:  # warm up: imports, first model load, first connections
            run(s.port, describe_requests(s.port, "300000000001", 50), conc, 10)

        say = phase("this machine")
        say(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs;"
            " durable SQLite commit p50 %.2f ms, p99 %.2f ms" % commit_latency(tmp)
        )

        say = phase("the floor: an empty DescribeConnections, one sequential keep-alive client")
        floor.start()
        run(floor.port, describe_requests(floor.port, "300000000001", 50), 1, 10)
        empty = measure(
            "DescribeConnections (empty)",
            [dx, floor],
            lambda s: describe_requests(s.port, "300000000002", n),
            1,
            seconds,
        )
        floor.stop()
        say(
            f"dxlab {empty[0].rate:.0f}/s, a bare uvicorn app with a constant body {empty[1].rate:.0f}/s:"
            f" dxlab reaches {100 * empty[0].rate / empty[1].rate:.0f} % of the floor (issue 9 measured 74 %)"
        )

        phase(
            f"CreateConnection (1 sequential client, up to {n} requests or {seconds:g} s per server)"
        )
        rows.append(row(bench_create(servers, n, 1, seconds, first_digit=6)))
        phase(
            f"CreateConnection ({conc} connections, up to {n} requests or {seconds:g} s per server)"
        )
        rows.append(row(bench_create(servers, n, conc, seconds)))
        if args.wide > conc:  # durable writes scale with concurrent callers (group commit)
            phase(f"CreateConnection again with {args.wide} connections")
            rows.append(row(bench_create(servers, n, args.wide, seconds, first_digit=5)))

        say = phase("DescribeConnections, 300 connections in the account")
        say(f"moto: filled {fill_moto(moto, ACCOUNT_300, 300, 60)}")
        for s in servers:
            check_count(s, ACCOUNT_300, 300)
        rows.append(
            row(
                measure(
                    "DescribeConnections (300)",
                    servers,
                    lambda s: describe_requests(s.port, ACCOUNT_300, n),
                    conc,
                    seconds,
                )
            )
        )

        say = phase(f"DescribeConnections, {args.big} connections in the account (one client)")
        t = time.perf_counter()
        filled = fill_moto(moto, ACCOUNT_10K, args.big, 60)
        say(f"moto: filled {filled} in {time.perf_counter() - t:.1f} s")
        big_servers = [s for s in servers if check_count(s, ACCOUNT_10K, args.big) == args.big]
        big = f"DescribeConnections ({args.big})"
        rows.append(
            row(
                measure(
                    big,
                    big_servers,
                    lambda s: describe_requests(s.port, ACCOUNT_10K, 200),
                    1,
                    seconds,
                ),
                50.0,
            )
        )
        ids = {s.name: first_id(s, ACCOUNT_10K) for s in big_servers}
        rows.append(
            row(
                measure(
                    big + " after a write",
                    big_servers,
                    lambda s: write_then_describe(s, ACCOUNT_10K, ids[s.name], 100),
                    1,
                    seconds,
                    every=2,
                ),
                50.0,
            )
        )

        phase("TagResource / DescribeTags on 10 connections")
        tagged = {}
        for s in servers:
            setup = create_requests(s.port, [ACCOUNT_TAGS], "tagged")[::2]
            tagged[s.name] = created_ids(run(s.port, setup, 1, 30, keep=True))
        builders: list[tuple[str, Callable[[int, str, list[str], int], list[bytes]]]] = [
            ("TagResource", tag_requests),
            ("DescribeTags", describe_tag_requests),
        ]
        for op, build in builders:
            rows.append(
                row(
                    measure(
                        op,
                        servers,
                        lambda s, b=build: b(s.port, ACCOUNT_TAGS, tagged[s.name], n),  # type: ignore[misc]
                        conc,
                        seconds,
                    )
                )
            )
        say = phase("this machine, after")
        say(
            f"load average {os.getloadavg()[0]:.1f}; durable SQLite commit p50 %.2f ms, p99 %.2f ms"
            % commit_latency(tmp)
        )
    finally:
        dx.stop()
        moto.stop()
        floor.stop()
        if args.keep:
            print(f"\nlogs and database kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print_table(rows)
    return 0 if all(row.checks()[1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
