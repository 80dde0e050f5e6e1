"""Step 4 of maximum_resiliency.md in milliseconds (resiliency_failover.md): a BGP failover
test on a VIF of the maximum resiliency model, its durations and its expiry by moving the
clock, and each bad input refused with nothing changed. Failures of a connection (the
toolkit's own what-ifs) end by themselves the same way."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain.errors import Conflict, NotFound, ValidationError
from tests.scenario import TOPOLOGY
from tests.unit.service import Service

MINUTE = 60.0


@pytest.fixture
def vifs(dx: Service) -> list[str]:
    """The guide's maximum resiliency model: 4 connections in 2 locations, a VIF on each
    to a Direct Connect gateway in front of a VGW, two data centers advertising."""
    order = dx.ext(
        "POST", "/wizard/order", model="maximum", bandwidth="10Gbps", locations=["EqDC2", "CSVA1"]
    )
    conns = order["connectionIds"]
    vgw = dx.virtual_gateway("10.100.0.0/16")
    gw = dx.dx_gateway()
    dx.call("CreateDirectConnectGatewayAssociation", directConnectGatewayId=gw, gatewayId=vgw)
    made = [
        dx.private_vif(cid, gw, vlan=101 + i)["virtualInterfaceId"] for i, cid in enumerate(conns)
    ]
    text = TOPOLOGY.format(c0=conns[0], c1=conns[1], c2=conns[2], c3=conns[3], vgw=vgw, icmp="true")
    dx.ext("PUT", "/topology", yaml=text)
    assert {dx.vif(v)["virtualInterfaceState"] for v in made} == {"available"}
    return made


def start(dx: Service, vif_id: str, **args: Any) -> dict[str, Any]:
    return dict(
        dx.call("StartBgpFailoverTest", virtualInterfaceId=vif_id, **args)["virtualInterfaceTest"]
    )


def history(dx: Service, **args: Any) -> list[dict[str, Any]]:
    return list(dx.call("ListVirtualInterfaceTestHistory", **args)["virtualInterfaceTestHistory"])


def status(dx: Service, vif_id: str) -> tuple[str, list[str]]:
    doc = dx.vif(vif_id)
    return doc["virtualInterfaceState"], [p["bgpStatus"] for p in doc["bgpPeers"]]


def test_a_test_takes_the_session_down_and_the_others_carry_the_traffic(
    dx: Service, vifs: list[str]
) -> None:
    test = start(dx, vifs[0], testDurationInMinutes=30)
    assert test["status"] == "in progress" and test["endTime"] - test["startTime"] == 30 * MINUTE
    assert status(dx, vifs[0]) == ("testing", ["down"])
    assert [status(dx, v) for v in vifs[1:]] == [("available", ["up"])] * 3
    assert dx.call("ListVirtualInterfaceRoutes", virtualInterfaceId=vifs[0])["routes"] == []
    report = dx.ext("GET", f"/failover-tests/{test['testId']}/report")
    assert report["lost"] == [] and {(p["site"], p["vpc"]) for p in report["pairs"]} == {
        ("dc1", "prod"),
        ("dc2", "prod"),
    }
    stopped = dx.call("StopBgpFailoverTest", virtualInterfaceId=vifs[0])["virtualInterfaceTest"]
    assert stopped["status"] == "cancelled" and stopped["endTime"] == dx.clock.t
    assert status(dx, vifs[0]) == ("available", ["up"])


def test_a_test_ends_by_itself_when_its_time_is_up(dx: Service, vifs: list[str]) -> None:
    test = start(dx, vifs[0], testDurationInMinutes=5)
    dx.advance(5 * MINUTE - 1)
    assert history(dx, testId=test["testId"])[0]["status"] == "in progress"
    assert status(dx, vifs[0]) == ("testing", ["down"])
    dx.advance(1)
    done = history(dx, testId=test["testId"])[0]
    assert done["status"] == "completed" and done["endTime"] - done["startTime"] == 5 * MINUTE
    assert status(dx, vifs[0]) == ("available", ["up"])


def test_the_default_is_180_minutes_and_the_longest_4320(dx: Service, vifs: list[str]) -> None:
    # resiliency_failover.md: 180 minutes unless said otherwise; at most 4,320 (3 days).
    test = start(dx, vifs[1])
    assert test["testDurationInMinutes"] == 180
    dx.advance(180 * MINUTE - 1)
    assert history(dx, testId=test["testId"])[0]["status"] == "in progress"
    dx.advance(1)
    assert history(dx, testId=test["testId"])[0]["status"] == "completed"
    long = start(dx, vifs[1], testDurationInMinutes=4320)
    assert long["endTime"] - long["startTime"] == 3 * 24 * 3600


@pytest.mark.parametrize("minutes", [0, 4321, -5])
def test_a_duration_out_of_range_is_refused(dx: Service, vifs: list[str], minutes: int) -> None:
    msg = dx.refused(
        ValidationError,
        ("testDurationInMinutes", "4,320"),
        "StartBgpFailoverTest",
        virtualInterfaceId=vifs[1],
        testDurationInMinutes=minutes,
    )
    assert str(minutes) in msg


def test_bad_tests_are_refused_and_change_nothing(dx: Service, vifs: list[str]) -> None:
    vif_id = vifs[1]
    peer = dx.vif(vif_id)["bgpPeers"][0]["bgpPeerId"]
    dx.refused(
        ValidationError,
        ("dxpeer-zzzzzzzz", "not a BGP peer", vif_id),
        "StartBgpFailoverTest",
        virtualInterfaceId=vif_id,
        bgpPeers=[peer, "dxpeer-zzzzzzzz"],
    )
    dx.refused(
        NotFound, "dxvif-zzzzzzzz", "StartBgpFailoverTest", virtualInterfaceId="dxvif-zzzzzzzz"
    )
    # Only the owner may test its VIF; another account is told it does not exist.
    dx.refused(
        NotFound,
        ("does not exist", vif_id),
        "StartBgpFailoverTest",
        "210987654321",
        virtualInterfaceId=vif_id,
    )
    dx.refused(
        NotFound,
        vif_id,
        "ListVirtualInterfaceTestHistory",
        "210987654321",
        virtualInterfaceId=vif_id,
    )
    dx.refused(ValidationError, "status", "ListVirtualInterfaceTestHistory", status="running")
    dx.refused(
        Conflict,
        "No failover test is in progress",
        "StopBgpFailoverTest",
        virtualInterfaceId=vif_id,
    )
    assert history(dx) == []
    test = start(dx, vif_id, bgpPeers=[peer], testDurationInMinutes=1)
    dx.refused(
        Conflict,
        ("already being tested", test["testId"]),
        "StartBgpFailoverTest",
        virtualInterfaceId=vif_id,
        testDurationInMinutes=1,
    )
    assert [t["status"] for t in history(dx)] == ["in progress"]


def test_a_vif_that_is_down_cannot_be_tested(dx: Service, vifs: list[str]) -> None:
    conn = dx.vif(vifs[2])["connectionId"]
    failure = dx.ext("POST", "/failures", kind="connection", id=conn, minutes=10)
    assert status(dx, vifs[2])[0] == "down"
    dx.refused(
        Conflict,
        (vifs[2], "is down", "only an available"),
        "StartBgpFailoverTest",
        virtualInterfaceId=vifs[2],
    )
    dx.ext_refused(
        Conflict, "already down", "POST", "/failures", kind="connection", id=conn, minutes=10
    )
    # The failure ends by itself after its minutes, and the VIF can be tested again.
    dx.advance(10 * MINUTE - 1)
    assert dx.ext("GET", f"/failures/{failure['failureId']}")["status"] == failure["status"]
    dx.advance(1)
    assert status(dx, vifs[2]) == ("available", ["up"])
    assert start(dx, vifs[2])["status"] == "in progress"


def test_deleting_the_vif_fails_its_test(dx: Service, vifs: list[str]) -> None:
    test = start(dx, vifs[2])
    dx.call("DeleteVirtualInterface", virtualInterfaceId=vifs[2])
    dx.advance(11)  # a running test checks on its VIF every 10 s
    assert history(dx, testId=test["testId"])[0]["status"] == "failed"


def test_history_is_newest_first_and_filters(dx: Service, vifs: list[str]) -> None:
    a, b = vifs[0], vifs[3]
    first = start(dx, a, testDurationInMinutes=1)
    dx.advance(61)
    second = start(dx, a)
    dx.advance(1)
    dx.call("StopBgpFailoverTest", virtualInterfaceId=a)
    third = start(dx, b)
    assert [t["testId"] for t in history(dx)] == [
        third["testId"],
        second["testId"],
        first["testId"],
    ]
    assert [t["status"] for t in history(dx, virtualInterfaceId=a)] == ["cancelled", "completed"]
    assert [t["testId"] for t in history(dx, status="completed")] == [first["testId"]]
    page1 = dx.call("ListVirtualInterfaceTestHistory", maxResults=2)
    page2 = dx.call("ListVirtualInterfaceTestHistory", maxResults=2, nextToken=page1["nextToken"])
    assert len(page1["virtualInterfaceTestHistory"]) == 2 and "nextToken" not in page2
