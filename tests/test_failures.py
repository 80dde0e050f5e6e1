"""Failures beyond AWS's failover test (maximum_resiliency.md promises to survive them): an
AWS device, a connection (fiber cut), a location, a customer router and a data center go
down; DescribeConnections and DescribeVirtualInterfaces show it, the report says which
data center <-> VPC pairs kept a path and over which VIFs, and everything comes back when
the failure is restored or its time is up. A weak design (two connections in one
location) loses its pairs to a location failure."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.domain.topology import Advertisement
from dxlab.routing.network import Failure
from dxlab.service.resiliency.outages import Outages
from dxlab.service.resiliency.reports import comparison
from dxlab.service.snapshot import sim_snapshot
from tests.conftest import ServerProcess
from tests.failover_support import advance, clock_server, connection_states, vif_states  # noqa: F401
from tests.gateway_support import assert_client_error, ext_error_of
from tests.networks import DEV_TEST, HIGH, MAXIMUM, build
from tests.scenario import Scenario, maximum

UP = ("available", ["up"])
DOWN = ("down", ["down"])


@pytest.fixture
def lab(server: ServerProcess, dx: Any, account: str) -> Scenario:
    return maximum(server, dx, account)


def fail(
    server: ServerProcess, account: str, kind: str, target: str, minutes: int = 30
) -> dict[str, Any]:
    return dict(
        ext(
            server.endpoint,
            "POST",
            "/failures",
            {"kind": kind, "id": target, "minutes": minutes},
            account=account,
        )
    )


def restore(server: ServerProcess, account: str, failure_id: str) -> dict[str, Any]:
    return dict(ext(server.endpoint, "DELETE", f"/failures/{failure_id}", account=account))


def report(server: ServerProcess, account: str, failure_id: str) -> dict[str, Any]:
    return dict(ext(server.endpoint, "GET", f"/failures/{failure_id}/report", account=account))


def pairs(rep: dict[str, Any]) -> dict[str, tuple[bool, bool, list[str]]]:
    return {p["site"]: (p["before"], p["during"], p["via"]) for p in rep["pairs"]}


def connection(dx: Any, cid: str) -> dict[str, Any]:
    return dict(dx.describe_connections(connectionId=cid)["connections"][0])


# The report's comparison on the routing model alone (tests/networks.py), no server.


def snapshot(
    net: Any, failed: list[Failure], testing: list[tuple[str, str]], **extra: Any
) -> dict[str, Any]:
    return comparison(sim_snapshot(net, Outages(tuple(failed), tuple(testing))), **extra)


def test_snapshot_of_a_location_failure_on_the_maximum_model() -> None:
    snap = snapshot(build(MAXIMUM), [], [], also_failed=[Failure("location", "EqDC2")])
    assert snap["affectedVirtualInterfaces"] == ["dxvif-00000001", "dxvif-00000002"]
    assert [(p["site"], p["before"], p["during"]) for p in snap["pairs"]] == [
        ("dc1", True, True),
        ("dc2", True, True),
    ]
    assert all(set(p["via"]) <= {"dxvif-00000003", "dxvif-00000004"} for p in snap["pairs"])
    assert snap["prefixes"]["nonRedundant"] == []
    assert snap["routes"]["during"]["dxvif-00000001"]["accepted"] == []


def test_snapshot_finds_the_prefix_learned_over_the_tested_vif_only() -> None:
    own_only = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    snap = snapshot(
        build(HIGH, adverts=own_only), [], [], also_testing=[("dxvif-00000001", "ipv4")]
    )
    assert [e["prefix"] for e in snap["prefixes"]["nonRedundant"]] == ["10.1.0.0/16"]
    assert snap["prefixes"]["redundant"] == []
    # dc1's traffic still leaves over the WAN, but AWS has no route back to dc1's prefix.
    dc1 = next(p for p in snap["pairs"] if p["site"] == "dc1")
    assert dc1["before"] and not dc1["during"] and "no route back" in dc1["reason"]


def test_snapshot_of_a_data_center_failure_and_of_what_was_down_already() -> None:
    snap = snapshot(
        build(DEV_TEST), [], [], also_failed=[Failure("site", "dc1")], dead_sites=["dc1"]
    )
    assert [(p["site"], p["during"], p["reason"]) for p in snap["pairs"]] == [
        ("dc1", False, "data center dc1 is down")
    ]
    # A connection already down before the test is not the test's doing.
    snap = snapshot(
        build(MAXIMUM),
        [Failure("connection", "dxcon-aaaaaaa1")],
        [],
        also_testing=[("dxvif-00000002", "ipv4")],
    )
    assert snap["affectedVirtualInterfaces"] == ["dxvif-00000002"]
    assert snap["routes"]["before"]["dxvif-00000001"]["sessions"][0]["up"] is False


def test_a_device_failure_takes_its_connection_down_and_the_others_carry_the_traffic(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    c0 = connection(dx, lab.connections[0])
    f = fail(server, account, "device", c0["awsDevice"])
    assert (
        f["status"] == "active" and f["connections"] == [c0["connectionId"]] and f["minutes"] == 30
    )
    assert connection_states(dx, lab.connections) == ["down", "available", "available", "available"]
    assert vif_states(dx, lab.vifs) == [DOWN, UP, UP, UP]
    assert dx.list_virtual_interface_routes(virtualInterfaceId=lab.vifs[0])["routes"] == []
    rep = report(server, account, f["failureId"])
    assert rep["kind"] == "device-failure" and rep["target"] == {
        "kind": "device",
        "id": c0["awsDevice"],
    }
    assert rep["lost"] == [] and rep["affectedVirtualInterfaces"] == [lab.vifs[0]]
    for before, during, via in pairs(rep).values():
        assert before and during and via and lab.vifs[0] not in via
    assert {e["prefix"] for e in rep["prefixes"]["redundant"]} == {"10.1.0.0/16", "10.2.0.0/16"}
    assert rep["prefixes"]["nonRedundant"] == []
    assert "device" in rep["routes"]["during"][lab.vifs[0]]["sessions"][0]["reason"]
    # The failover test refuses a VIF that is down.
    with pytest.raises(Exception, match="only an available"):
        dx.start_bgp_failover_test(virtualInterfaceId=lab.vifs[0])
    ended = restore(server, account, f["failureId"])
    assert ended["status"] == "restored"
    assert connection_states(dx, lab.connections) == ["available"] * 4
    assert vif_states(dx, lab.vifs) == [UP] * 4
    assert report(server, account, f["failureId"])["status"] == "restored"
    # The device by its awsDeviceV2 name does the same.
    f2 = fail(server, account, "device", c0["awsDeviceV2"])
    assert f2["connections"] == [c0["connectionId"]]
    restore(server, account, f2["failureId"])


def test_a_fiber_cut_ends_by_itself_when_its_time_is_up(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    f = fail(server, account, "connection", lab.connections[1], minutes=2)
    assert connection_states(dx, lab.connections) == ["available", "down", "available", "available"]
    assert vif_states(dx, lab.vifs) == [UP, DOWN, UP, UP]
    rep = report(server, account, f["failureId"])
    assert rep["lost"] == [] and rep["affectedVirtualInterfaces"] == [lab.vifs[1]]
    advance(server, 119)
    assert connection_states(dx, lab.connections)[1] == "down"
    advance(server, 2)
    listed = ext(server.endpoint, "GET", "/failures", account=account)["failures"]
    assert [(x["failureId"], x["status"]) for x in listed] == [(f["failureId"], "expired")]
    assert listed[0]["endTime"] - listed[0]["startTime"] == pytest.approx(120, abs=0.01)
    assert connection_states(dx, lab.connections) == ["available"] * 4
    assert vif_states(dx, lab.vifs) == [UP] * 4
    assert report(server, account, f["failureId"])["durationMs"] == pytest.approx(120_000, abs=10)


def test_a_location_failure_keeps_every_pair_over_the_other_location(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    at = [connection(dx, c)["location"] for c in lab.connections]
    assert at == ["EqDC2", "EqDC2", "CSVA1", "CSVA1"]
    f = fail(server, account, "location", "EqDC2")
    assert sorted(f["connections"]) == sorted(lab.connections[:2])
    assert connection_states(dx, lab.connections) == ["down", "down", "available", "available"]
    assert vif_states(dx, lab.vifs) == [DOWN, DOWN, UP, UP]
    rep = report(server, account, f["failureId"])
    assert rep["lost"] == [] and rep["affectedVirtualInterfaces"] == sorted(lab.vifs[:2])
    # dc1's routers sit on the EqDC2 connections: its traffic now goes over the WAN and CSVA1.
    assert pairs(rep)["dc1"] == (True, True, sorted(lab.vifs[2:]))
    assert pairs(rep)["dc2"] == (True, True, sorted(lab.vifs[2:]))
    assert all(p["outage_ms"] == 0 for p in rep["pairs"])
    restore(server, account, f["failureId"])
    assert vif_states(dx, lab.vifs) == [UP] * 4


def test_a_router_failure_and_a_data_center_failure(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    r = fail(server, account, "router", "dc2-r1")
    assert r["connections"] == [lab.connections[2]]
    assert connection_states(dx, lab.connections) == ["available", "available", "down", "available"]
    assert vif_states(dx, lab.vifs) == [UP, UP, DOWN, UP]
    rep = report(server, account, r["failureId"])
    assert rep["lost"] == [] and pairs(rep)["dc2"] == (True, True, [lab.vifs[3]])
    assert "router dc2-r1" in rep["routes"]["during"][lab.vifs[2]]["sessions"][0]["reason"]

    s = fail(server, account, "site", "dc2")
    assert s["connections"] == lab.connections[2:]  # both hold dc2-r1's connection down
    assert connection_states(dx, lab.connections) == ["available", "available", "down", "down"]
    rep = report(server, account, s["failureId"])
    # The data center itself is gone: its pair is lost; dc1 keeps its own VIFs.
    assert rep["lost"] == ["dc2 <-> prod"]
    assert pairs(rep)["dc1"] == (True, True, sorted(lab.vifs[:2]))
    dc2 = next(p for p in rep["pairs"] if p["site"] == "dc2")
    assert (
        dc2["during"] is False
        and dc2["via"] == []
        and dc2["outage_ms"] >= 0
        and "dc2" in dc2["reason"]
    )
    assert rep["affectedVirtualInterfaces"] == [lab.vifs[3]]

    # Two failures hold dc2-r1's connection: it comes back when the last one ends.
    restore(server, account, r["failureId"])
    assert connection_states(dx, lab.connections) == ["available", "available", "down", "down"]
    advance(server, 2)
    assert report(server, account, s["failureId"])["pairs"][1]["outage_ms"] >= 2000
    restore(server, account, s["failureId"])
    assert connection_states(dx, lab.connections) == ["available"] * 4
    assert vif_states(dx, lab.vifs) == [UP] * 4


def test_two_connections_in_one_location_lose_their_pairs_to_a_location_failure(
    server: ServerProcess, dx: Any, account: str
) -> None:
    weak = maximum(server, dx, account, model="dev-test", locations=("EqDC2",))  # type: ignore[arg-type]
    assert len(weak.connections) == 2
    f = fail(server, account, "location", "EqDC2")
    rep = report(server, account, f["failureId"])
    assert rep["lost"] == ["dc1 <-> prod"]
    assert pairs(rep) == {"dc1": (True, False, [])}
    assert rep["pairs"][0]["reason"].startswith("no BGP session is up")
    # Each prefix was learned over these two VIFs only.
    assert {e["prefix"] for e in rep["prefixes"]["nonRedundant"]} == {"10.1.0.0/16", "10.2.0.0/16"}
    assert rep["prefixes"]["redundant"] == []
    assert "lost" in rep["verdict"]
    restore(server, account, f["failureId"])


def test_bad_failures_are_refused_and_change_nothing(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    def refused(body: dict[str, Any], *words: str) -> None:
        assert_client_error(ext_error_of(server, account, "POST", "/failures", body), *words)

    refused({"kind": "rack", "id": "x"}, "rack", "device, connection, location, router, site")
    refused({"kind": "device", "id": "EqDC2-nosuchdev"}, "EqDC2-nosuchdev")
    refused({"kind": "connection", "id": "dxcon-zzzzzzzz"}, "dxcon-zzzzzzzz")
    refused({"kind": "location", "id": "XYZ99"}, "XYZ99", "not a Direct Connect location")
    refused({"kind": "router", "id": "dc9-r1"}, "dc9-r1", "dc1-r1")
    refused({"kind": "site", "id": "dc9"}, "dc9", "dc1, dc2")
    refused({"kind": "site"}, "id is required")
    for minutes in (0, 4321):
        refused({"kind": "site", "id": "dc1", "minutes": minutes}, "minutes", "4,320", str(minutes))
    # Another account's connection is not found; an account without a topology has no routers.
    other = "271828182845"
    assert_client_error(
        ext_error_of(
            server, other, "POST", "/failures", {"kind": "connection", "id": lab.connections[0]}
        ),
        lab.connections[0],
    )
    assert_client_error(
        ext_error_of(server, other, "POST", "/failures", {"kind": "router", "id": "dc1-r1"}),
        "No customer topology",
    )
    assert ext(server.endpoint, "GET", "/failures", account=account)["failures"] == []
    assert connection_states(dx, lab.connections) == ["available"] * 4

    f = fail(server, account, "site", "dc1", minutes=4320)
    refused({"kind": "site", "id": "dc1"}, "already down", f["failureId"])
    assert_client_error(
        ext_error_of(server, other, "DELETE", f"/failures/{f['failureId']}"), f["failureId"]
    )
    assert_client_error(
        ext_error_of(server, other, "GET", f"/failures/{f['failureId']}/report"), f["failureId"]
    )
    restore(server, account, f["failureId"])
    assert_client_error(
        ext_error_of(server, account, "DELETE", f"/failures/{f['failureId']}"),
        "already ended",
        "restored",
    )
    assert_client_error(
        ext_error_of(server, account, "DELETE", "/failures/dxfail-zzzzzzzz"), "dxfail-zzzzzzzz"
    )
    assert [
        x["status"] for x in ext(server.endpoint, "GET", "/failures", account=account)["failures"]
    ] == ["restored"]
