"""Failover on real packets (maximum_resiliency.md steps 4): a BGP failover test disables
AWS's side of a session, an injected failure cuts the fiber behind the cross-connect (a
connection), every link of a device, or of a location; probe traffic at 10 ms from each
data center to the VPC instance measures the outage, and the report gives it per pair.
The maximum resiliency model keeps every pair; a weak design (one location) loses it, and
the report says so."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.lab.model import Endpoint, LabSession
from dxlab.lab.state import protocols
from tests.lab_support import LabServer, running_lab, wait_for
from tests.scenario import Scenario, maximum

STRONG, WEAK = "510987654321", "610987654321"
RESTORATION_WAIT = 3.6  # the lab watches traffic for 3 s after a failure or test ends


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


def ready(
    lab: LabServer, account: str, model: str, locations: tuple[str, ...] = ("EqDC2", "CSVA1")
) -> tuple[Scenario, Any]:
    dx = lab.server.client(account)
    scenario = maximum(lab.server, dx, account, model=model, locations=locations)  # type: ignore[arg-type]
    plan = lab.plan(account)
    from dxlab.lab.probes import ping

    for (acct, _site), src in plan.sites.items():
        dst = plan.vpcs[(acct, "prod")]

        def answers(s: Endpoint = src, d: Endpoint = dst) -> bool:
            return ping(lab.host, s.ns, s.address, d.address, 1, 0.01)[1] == 1

        wait_for(answers, 10, "reachable")
    return scenario, dx


def session_state(lab: LabServer, s: LabSession) -> str:
    p = protocols(lab.host, lab.state, s.device_ns).get(s.protocol)
    return "missing" if p is None else "established" if p.established else p.state


@pytest.fixture(scope="module")
def strong(lab_server: LabServer) -> tuple[Scenario, Any]:
    return ready(lab_server, STRONG, "maximum")


def settled_report(lab: LabServer, path: str, account: str, since: float) -> dict[str, Any]:
    """The report once the lab's watch after the end (`since`) is over: every pair has its
    restoration measured and the restoration probes have stopped counting. Polled (bounded),
    not read once after a fixed sleep: on a loaded machine the lab's loop may start the
    restoration probes late."""
    time.sleep(max(0.0, since + RESTORATION_WAIT - time.monotonic()))
    previous: list[Any] = []

    def finished() -> dict[str, Any] | None:
        report = ext(lab.server.endpoint, "GET", path, account=account)
        counts = [(p.get("restoration") or {}).get("packetsSent") for p in report["pairs"]]
        done = bool(counts) and None not in counts and counts == previous
        previous[:] = counts
        return report if done else None

    report: dict[str, Any] = wait_for(finished, 30, f"{path}: restoration measured", step=0.5)
    return report


def check_kept(report: dict[str, Any], bound_ms: float) -> None:
    assert report["dataPlane"] == "lab"
    assert report["lost"] == [] and report["verdict"].startswith(
        "every pair that had a path kept one"
    ), str(report["pairs"])
    assert {(p["site"], p["vpc"]) for p in report["pairs"]} == {("dc1", "prod"), ("dc2", "prod")}
    for p in report["pairs"]:
        assert p["packetsSent"] > 50 and p["recovered"] is True, str(p)
        assert p["outage_ms"] <= bound_ms, str(p)
        assert (
            p["restoration"]["recovered"] is True and p["restoration"]["outage_ms"] <= bound_ms
        ), str(p)


def test_bgp_failover_test_on_each_vif_keeps_every_pair(
    lab_server: LabServer, strong: tuple[Scenario, Any]
) -> None:
    scenario, dx = strong
    plan = lab_server.plan(STRONG)
    for vif in scenario.vifs:
        s = plan.session(vif)
        test = dx.start_bgp_failover_test(virtualInterfaceId=vif, testDurationInMinutes=1)[
            "virtualInterfaceTest"
        ]
        # AWS's side of the session is held down (BIRD's protocol disabled), the customer's follows.
        wait_for(lambda s=s: session_state(lab_server, s) == "down", 3, f"{vif} down for the test")  # type: ignore[misc]
        time.sleep(1.0)
        dx.stop_bgp_failover_test(virtualInterfaceId=vif)
        stopped = time.monotonic()
        wait_for(lambda s=s: session_state(lab_server, s) == "established", 10, f"{vif} back")  # type: ignore[misc]
        report = settled_report(
            lab_server, f"/failover-tests/{test['testId']}/report", STRONG, stopped
        )
        check_kept(report, 200)  # maximum_resiliency.md: a BGP failover test; the bench target


@pytest.mark.parametrize("kind", ["connection", "device", "location"])
def test_failures_keep_every_pair(
    lab_server: LabServer, strong: tuple[Scenario, Any], kind: str
) -> None:
    scenario, dx = strong
    conn = dx.describe_connections(connectionId=scenario.connections[0])["connections"][0]
    target = {
        "connection": conn["connectionId"],
        "device": conn["awsDeviceV2"],
        "location": conn["location"],
    }[kind]
    failure = ext(
        lab_server.server.endpoint,
        "POST",
        "/failures",
        {"kind": kind, "id": target, "minutes": 5},
        account=STRONG,
    )
    # The cross-connect's port toward AWS goes dark; the customer's router keeps its carrier.
    plan = lab_server.plan(STRONG)
    far = [p for c in failure["connections"] for p in plan.far_ports.get(c, ())]
    assert far, failure
    wait_for(
        lambda: all(
            "state DOWN" in lab_server.in_ns(ns, "ip", "link", "show", "dev", port).stdout
            for ns, port in far
        ),
        3,
        "the far ports down",
    )
    s = plan.session(scenario.vifs[0])
    assert (
        "NO-CARRIER"
        not in lab_server.in_ns(s.router_ns, "ip", "link", "show", "dev", s.interface).stdout
    )
    time.sleep(2.0)  # beyond BFD's 900 ms
    ext(lab_server.server.endpoint, "DELETE", f"/failures/{failure['failureId']}", account=STRONG)
    restored = time.monotonic()
    wait_for(
        lambda: all(
            p["bgpStatus"] == "up"
            for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
            for p in v["bgpPeers"]
        ),
        15,
        "every session back",
    )
    report = settled_report(
        lab_server, f"/failures/{failure['failureId']}/report", STRONG, restored
    )
    check_kept(
        report, 1500
    )  # BFD's 900 ms detection plus convergence, with room for a loaded machine


def test_a_weak_design_reports_the_loss(lab_server: LabServer) -> None:
    scenario, dx = ready(lab_server, WEAK, "dev-test", ("EqDC2",))
    location = dx.describe_connections()["connections"][0]["location"]
    failure = ext(
        lab_server.server.endpoint,
        "POST",
        "/failures",
        {"kind": "location", "id": location, "minutes": 5},
        account=WEAK,
    )
    time.sleep(2.5)

    def lost_a_while() -> dict[str, Any] | None:
        # The probes start when the lab's loop sees the failure (later on a loaded
        # machine): poll, bounded, until they have measured more than a second of loss.
        report = ext(
            lab_server.server.endpoint,
            "GET",
            f"/failures/{failure['failureId']}/report",
            account=WEAK,
        )
        measured = report["pairs"][0] if report["pairs"] else {}  # the sim's until then
        long_enough = (
            measured.get("packetsLost", 0) > 100 and (measured.get("outage_ms") or 0) >= 1000
        )
        return report if report["dataPlane"] == "lab" and long_enough else None

    report = wait_for(lost_a_while, 15, "more than a second of loss measured", step=0.5)
    assert report["dataPlane"] == "lab"
    pair = report["pairs"][0]
    assert pair["recovered"] is False and pair["during"] is False, pair
    assert pair["packetsLost"] > 100 and pair["outage_ms"] >= 1000, pair
    assert report["lost"] == [f"{pair['site']} <-> prod"], report
    ext(lab_server.server.endpoint, "DELETE", f"/failures/{failure['failureId']}", account=WEAK)
