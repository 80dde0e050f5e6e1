"""Faults of the lab itself: every probe `ping` is reaped (no zombie under the server after a
failover test and a verify); a daemon that dies, BIRD or any FRR daemon a router runs, is
brought back, and `dxlab lab status` and the server's log name it, when, and what it said;
a router runs only the FRR daemons its configuration needs."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.lab.daemons import program_pids
from dxlab.lab.model import Lab
from dxlab.lab.state import frr_peer_states, protocols
from tests.lab_support import LabServer, running_lab, wait_for
from tests.scenario import Scenario, maximum

pytestmark = pytest.mark.lab
ACCOUNT = "710987654321"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> tuple[Scenario, Any, Lab]:
    dx = lab_server.server.client(ACCOUNT)
    scenario = maximum(lab_server.server, dx, ACCOUNT)
    plan = lab_server.plan(ACCOUNT)
    for s in plan.sessions:
        wait_for(lambda s=s: established(lab_server, s.device_ns, s.protocol), 20, f"{s.vif_id} up")  # type: ignore[misc]
    return scenario, dx, plan


def established(lab: LabServer, ns: str, protocol: str) -> bool:
    p = protocols(lab.host, lab.state, ns).get(protocol)
    return bool(p and p.established)


def children(pid: int) -> dict[int, tuple[str, str]]:
    """pid -> (state, command) of each child of `pid`."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            out[int(stat.parent.name)] = (fields[0], command)
    return out


def zombies(lab: LabServer) -> dict[int, tuple[str, str]]:
    assert lab.server.proc is not None
    return {p: c for p, c in children(lab.server.proc.pid).items() if c[0] == "Z"}


def test_no_zombie_after_a_failover_test_and_a_verify(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    s = plan.session(scenario.vifs[0])
    dx.start_bgp_failover_test(virtualInterfaceId=scenario.vifs[0], testDurationInMinutes=1)
    wait_for(
        lambda: not established(lab_server, s.device_ns, s.protocol), 5, "the tested session down"
    )
    # Probe traffic runs from each data center for as long as the test does.
    assert lab_server.server.proc is not None
    wait_for(
        lambda: any(c[1] == "ping" for c in children(lab_server.server.proc.pid).values()),
        5,
        "probe pings",
    )
    time.sleep(1.0)
    dx.stop_bgp_failover_test(virtualInterfaceId=scenario.vifs[0])
    wait_for(lambda: established(lab_server, s.device_ns, s.protocol), 15, "the session back")
    result = ext(lab_server.server.endpoint, "GET", "/verify?count=2", account=ACCOUNT)
    assert result["reachable"] is True, result
    # The probes watch restoration for 3 s after the test ends; then none is left, not even a zombie.
    wait_for(
        lambda: not any(c[1] == "ping" for c in children(lab_server.server.proc.pid).values()),
        10,
        "every probe ended",
    )
    assert zombies(lab_server) == {}


def router_back(lab: LabServer, s: Any, old: dict[str, int]) -> bool:
    now = program_pids(s.router_ns, "frr", lab.state)
    return (
        set(now) == set(old)
        and all(now[p] != old[p] and lab.host.alive(now[p]) for p in now)
        and frr_peer_states(lab.host, s.router_ns).get(s.amazon_ip) == "Established"
        and established(lab, s.device_ns, s.protocol)
    )


@pytest.mark.parametrize(
    ("program", "sig"),
    [("bgpd", signal.SIGSEGV), ("zebra", signal.SIGKILL), ("bfdd", signal.SIGKILL)],
)
def test_an_frr_daemon_that_dies_is_brought_back_and_named(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab], program: str, sig: int
) -> None:
    scenario, dx, plan = built
    s = plan.session(scenario.vifs[1])
    old = program_pids(s.router_ns, "frr", lab_server.state)
    assert set(old) == {"zebra", "bfdd", "bgpd"}, old  # BFD on: bfdd; no static routes: no staticd
    killed = time.time()
    lab_server.host.kill(old[program], sig)
    wait_for(
        lambda: router_back(lab_server, s, old), 30, f"{s.router} back after its {program} died"
    )
    status = lab_server.cli("lab", "status")
    assert status.returncode == 0, status.stderr
    journal = status.stdout.split("Lab events", 1)[-1]
    line = f"{program} (pid {old[program]}) in {s.router_ns}"
    assert line in journal.replace("\n", " ") or _in_table(journal, program, str(old[program])), (
        status.stdout
    )
    assert "daemon died" in journal
    if sig == signal.SIGSEGV:
        assert "Received signal 11" in journal, journal  # the daemon's own words
    log = Path(str(lab_server.server.log)).read_text(errors="replace")
    assert f"lab daemon died: {line} is not running" in log, log[-2000:]
    assert time.time() - killed < 30


def _in_table(text: str, *words: str) -> bool:
    """rich may fold a long cell over lines: every word on one of the table's rows."""
    return all(w in text for w in words)


def test_a_bird_that_dies_is_named_too(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    s = plan.session(scenario.vifs[2])
    old = program_pids(s.device_ns, "bird", lab_server.state)["bird"]
    lab_server.host.kill(old, signal.SIGKILL)
    wait_for(
        lambda: established(lab_server, s.device_ns, s.protocol), 30, "BIRD back with its session"
    )
    assert program_pids(s.device_ns, "bird", lab_server.state)["bird"] != old
    log = Path(str(lab_server.server.log)).read_text(errors="replace")
    assert f"lab daemon died: bird (pid {old}) in {s.device_ns} is not running" in log, log[-2000:]


def test_a_router_without_bfd_runs_no_bfdd(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    text = scenario.topology.replace("      dc1-r1:\n", "      dc1-r1:\n        bfd: false\n", 1)
    assert text != scenario.topology, scenario.topology
    ext(lab_server.server.endpoint, "PUT", "/topology", {"yaml": text}, account=ACCOUNT)
    try:
        ns = next(s.router_ns for s in plan.sessions if s.router == "dc1-r1")
        wait_for(
            lambda: set(program_pids(ns, "frr", lab_server.state)) == {"zebra", "bgpd"},
            20,
            "dc1-r1 without bfdd",
        )
        s = next(s for s in plan.sessions if s.router == "dc1-r1")
        wait_for(
            lambda: frr_peer_states(lab_server.host, ns).get(s.amazon_ip) == "Established",
            20,
            "its session up",
        )
    finally:
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": scenario.topology},
            account=ACCOUNT,
        )
