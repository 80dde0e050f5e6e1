"""Server CPU per request of this checkout beside other checkouts of dxlab (the old main,
main before a change) and the floor, in interleaved slices, so that all see the same
background load: on a shared machine the CPU per request moves far less than req/s.

    .venv/bin/python bench/compare.py --other old=../old-main --call-log-off
    .venv/bin/python bench/compare.py --phases create --rounds 4

Phases: an empty DescribeConnections from one sequential client (with the floor: a bare
uvicorn app answering a constant body; and the raw floor: httptools on uvloop with no ASGI
server), DescribeTags from 4 clients, CreateConnection from
one sequential client (rounds of 280 orders in fresh accounts, deleted after each round,
untimed). `--call-log-off`: this checkout once more with `dxlab.api.calls` at WARNING, to
show what the per-call log line costs."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import (  # noqa: E402
    ACCOUNTS_PER_ROUND,
    cpu_seconds,
    create_requests,
    describe_tag_requests,
)
from bench.rawclient import (  # noqa: E402
    Server,
    floor_server,
    raw_floor_server,
    raw_request,
    run,
)

QUIET = "import logging; logging.getLogger('dxlab.api.calls').setLevel(logging.WARNING)"


def server(name: str, checkout: Path, tmp: Path, quiet: bool = False) -> Server:
    # The old layout's CLI is dxlab.cli, the new one's dxlab.cli.main.
    module = "dxlab.cli.main" if (checkout / "dxlab/cli/main.py").exists() else "dxlab.cli"
    serve = ["serve", "--port", "{port}", "--db", f"sqlite:///{tmp / name}.db"]
    if quiet:
        code = f"{QUIET}; import sys, runpy; sys.argv[0] = 'dxlab'; runpy.run_module('{module}', run_name='__main__')"
        argv = [sys.executable, "-c", code, *serve]
    else:
        argv = [sys.executable, "-m", module, *serve]
    return Server(name, argv, tmp / f"{name}.log", cwd=checkout)


Tally = dict[str, list[float]]  # server -> [requests, seconds, cpu seconds, errors]


def timed(s: Server, requests: list[bytes], concurrency: int, tally: Tally) -> None:
    cpu, started = cpu_seconds(s), time.perf_counter()
    replies = run(s.port, requests, concurrency, 120)
    t = tally.setdefault(s.name, [0, 0.0, 0.0, 0])
    t[0] += len(replies)
    t[1] += time.perf_counter() - started
    t[2] += cpu_seconds(s) - cpu
    t[3] += sum(r.status != 200 for r in replies)


def report(phase: str, tally: Tally) -> None:
    for name, (n, seconds, cpu, errors) in tally.items():
        print(
            f"{phase:28s} {name:12s} {n / seconds:8.0f}/s  cpu {cpu / n * 1e6:7.1f} us/req"
            f"  errors {int(errors)}",
            flush=True,
        )


def describe_empty(servers: list[Server], floors: list[Server], rounds: int) -> None:
    tally: Tally = {}
    for s in [*servers, *floors]:  # warm up
        run(s.port, [raw_request(s.port, "DescribeConnections", {}, "300000000001")] * 300, 1, 10)
    for _ in range(rounds):
        for s in [*servers, *floors]:
            timed(
                s, [raw_request(s.port, "DescribeConnections", {}, "300000000001")] * 2000, 1, tally
            )
    report("DescribeConnections, empty", tally)
    rate = {name: t[0] / t[1] for name, t in tally.items()}
    for s in servers:
        print(f"  {s.name}: {rate[s.name] / rate['floor'] * 100:.0f} % of the floor")


def describe_tags(servers: list[Server], rounds: int) -> None:
    arns = {}
    for s in servers:
        body = {"location": "EqDC2", "bandwidth": "10Gbps"}
        made = [
            raw_request(
                s.port, "CreateConnection", {**body, "connectionName": f"t{i}"}, "300000000007"
            )
            for i in range(10)
        ]
        arns[s.name] = [
            orjson.loads(r.body)["connectionId"] for r in run(s.port, made, 1, 30, keep=True)
        ]
    tally: Tally = {}
    for _ in range(rounds):
        for s in servers:
            timed(s, describe_tag_requests(s.port, "300000000007", arns[s.name], 3000), 4, tally)
    report("DescribeTags, 4 clients", tally)


def create(servers: list[Server], rounds: int) -> None:
    tally: Tally = {}
    for r in range(rounds):
        for s in servers:
            # 12 digits in any round
            accounts = [f"5{r:05d}{a:06d}" for a in range(ACCOUNTS_PER_ROUND)]
            timed(s, create_requests(s.port, accounts, f"r{r}"), 1, tally)
            for account in accounts:  # the ports are free again for the next round (untimed)
                listed = run(
                    s.port,
                    [raw_request(s.port, "DescribeConnections", {}, account)],
                    1,
                    10,
                    keep=True,
                )
                ids = [c["connectionId"] for c in orjson.loads(listed[0].body)["connections"]]
                deletes = [
                    raw_request(s.port, "DeleteConnection", {"connectionId": i}, account)
                    for i in ids
                ]
                run(s.port, deletes, 4, 30)
    report("CreateConnection, 1 client", tally)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--other", action="append", default=[], help="NAME=PATH of another checkout"
    )
    parser.add_argument(
        "--call-log-off", action="store_true", help="this checkout without the call log too"
    )
    parser.add_argument("--phases", default="describe,tags,create")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="dxlab-compare-"))
    servers: list[Server] = [server("this", ROOT, tmp)]
    servers += [server(n, Path(p), tmp) for n, p in (o.split("=", 1) for o in args.other)]
    if args.call_log_off:
        servers.append(server("call-log-off", ROOT, tmp, quiet=True))
    floors = [floor_server(tmp), raw_floor_server(tmp)]
    phases: dict[str, Callable[[], None]] = {
        "describe": lambda: describe_empty(servers, floors, args.rounds),
        "tags": lambda: describe_tags(servers, args.rounds),
        "create": lambda: create(servers, args.rounds),
    }
    try:
        for s in [*servers, *floors]:
            s.start()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        for name in args.phases.split(","):
            phases[name]()
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        for s in [*servers, *floors]:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
