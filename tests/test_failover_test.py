"""Step 4 of the maximum resiliency walk-through (resiliency_failover.md): a BGP failover
test on each of the four VIFs, through boto3 and the AWS CLI, against a real server
process with a test clock (time moves forward instead of tests sleeping). Each bad input
is refused with DirectConnectClientException, HTTP 400 and a message, and changes nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ExtensionError, ext
from tests.conftest import ServerProcess
from tests.failover_support import advance, clock_server  # noqa: F401  (`server`, with a test clock)
from tests.scenario import Scenario, maximum
from tests.test_awscli import aws, ok
from tests.vif_support import refused, vif


@pytest.fixture
def lab(server: ServerProcess, dx: Any, account: str) -> Scenario:
    return maximum(server, dx, account)


def history(dx: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return list(dx.list_virtual_interface_test_history(**kwargs)["virtualInterfaceTestHistory"])


def report(server: ServerProcess, account: str, test_id: str) -> dict[str, Any]:
    return dict(ext(server.endpoint, "GET", f"/failover-tests/{test_id}/report", account=account))


def peers_status(doc: dict[str, Any]) -> list[str]:
    return [p["bgpStatus"] for p in doc["bgpPeers"]]


def test_a_failover_test_on_each_vif_keeps_every_pair_reachable(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    for vif_id in lab.vifs:
        others = [v for v in lab.vifs if v != vif_id]
        test = dx.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=30)[
            "virtualInterfaceTest"
        ]
        assert test["status"] == "in progress"
        assert uuid.UUID(test["testId"])
        assert test["ownerAccount"] == account and test["testDurationInMinutes"] == 30
        assert (test["endTime"] - test["startTime"]).total_seconds() == pytest.approx(1800, abs=1)
        peer_ids = [p["bgpPeerId"] for p in vif(dx, vif_id)["bgpPeers"]]
        assert test["bgpPeers"] == peer_ids
        # The VIF shows `testing` with its sessions down; the redundant VIFs stay up.
        assert vif(dx, vif_id)["virtualInterfaceState"] == "testing"
        assert peers_status(vif(dx, vif_id)) == ["down"]
        assert {vif(dx, v)["virtualInterfaceState"] for v in others} == {"available"}
        # ListVirtualInterfaceRoutes: nothing is learned over a session that is down.
        assert dx.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"] == []

        rep = report(server, account, test["testId"])
        assert rep["virtualInterfaceId"] == vif_id and rep["status"] == "in progress"
        assert rep["lost"] == [] and rep["affectedVirtualInterfaces"] == [vif_id]
        assert {(p["site"], p["vpc"]) for p in rep["pairs"]} == {("dc1", "prod"), ("dc2", "prod")}
        for pair in rep["pairs"]:
            assert pair["before"] and pair["during"] and pair["outage_ms"] == 0, pair
            assert pair["via"] and vif_id not in pair["via"] and set(pair["via"]) <= set(others), (
                pair
            )
            assert vif_id in pair["via_before"] or pair["via_before"]
        # Both data centers' prefixes were learned over the tested VIF and over the others too.
        assert rep["prefixes"]["nonRedundant"] == []
        assert {e["prefix"] for e in rep["prefixes"]["redundant"]} == {"10.1.0.0/16", "10.2.0.0/16"}
        for entry in rep["prefixes"]["redundant"]:
            assert vif_id in entry["before"] and vif_id not in entry["during"] and entry["during"]
        before, during = rep["routes"]["before"][vif_id], rep["routes"]["during"][vif_id]
        assert before["accepted"] == ["10.1.0.0/16", "10.2.0.0/16"] and before["advertised"] == [
            "10.100.0.0/16"
        ]
        assert during["accepted"] == [] and during["sessions"][0]["up"] is False
        assert "failover test" in during["sessions"][0]["reason"]

        stopped = dx.stop_bgp_failover_test(virtualInterfaceId=vif_id)["virtualInterfaceTest"]
        assert stopped["testId"] == test["testId"] and stopped["status"] == "cancelled"
        assert stopped["endTime"] < test["endTime"]
        back = vif(dx, vif_id)
        assert back["virtualInterfaceState"] == "available" and peers_status(back) == ["up"]
        # The report stays what it was, now with the test's status.
        assert report(server, account, test["testId"])["status"] == "cancelled"
        assert report(server, account, test["testId"])["pairs"][0]["via"] == rep["pairs"][0]["via"]
    tests = history(dx)
    assert [t["status"] for t in tests] == ["cancelled"] * 4
    assert [t["virtualInterfaceId"] for t in tests] == list(reversed(lab.vifs))  # newest first


def test_the_test_ends_by_itself_when_its_time_is_up(
    server: ServerProcess, dx: Any, lab: Scenario
) -> None:
    vif_id = lab.vifs[0]
    test = dx.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=5)[
        "virtualInterfaceTest"
    ]
    advance(server, 290)
    assert history(dx, testId=test["testId"])[0]["status"] == "in progress"
    assert vif(dx, vif_id)["virtualInterfaceState"] == "testing"
    advance(server, 15)
    done = history(dx, testId=test["testId"])[0]
    assert done["status"] == "completed"
    assert (done["endTime"] - done["startTime"]).total_seconds() == pytest.approx(300, abs=0.01)
    assert vif(dx, vif_id)["virtualInterfaceState"] == "available"
    assert peers_status(vif(dx, vif_id)) == ["up"]
    # The default duration is 180 minutes (resiliency_failover.md).
    test = dx.start_bgp_failover_test(virtualInterfaceId=vif_id)["virtualInterfaceTest"]
    assert test["testDurationInMinutes"] == 180
    advance(server, 180 * 60 - 5)
    assert history(dx, testId=test["testId"])[0]["status"] == "in progress"
    advance(server, 5)
    assert history(dx, testId=test["testId"])[0]["status"] == "completed"


def test_bad_input_is_refused_and_changes_nothing(
    server: ServerProcess, dx: Any, account: str, lab: Scenario
) -> None:
    vif_id = lab.vifs[1]
    peer = vif(dx, vif_id)["bgpPeers"][0]["bgpPeerId"]
    for minutes in (0, 4321, -5):
        msg = refused(
            dx.start_bgp_failover_test,
            "testDurationInMinutes",
            "4,320",
            virtualInterfaceId=vif_id,
            testDurationInMinutes=minutes,
        )
        assert str(minutes) in msg
    refused(
        dx.start_bgp_failover_test,
        "dxpeer-zzzzzzzz",
        "not a BGP peer",
        vif_id,
        virtualInterfaceId=vif_id,
        bgpPeers=[peer, "dxpeer-zzzzzzzz"],
    )
    refused(dx.start_bgp_failover_test, "dxvif-zzzzzzzz", virtualInterfaceId="dxvif-zzzzzzzz")
    # Only the owner may test its VIF; another account is told it does not exist.
    other = server.client("210987654321")
    refused(other.start_bgp_failover_test, "does not exist", vif_id, virtualInterfaceId=vif_id)
    refused(other.list_virtual_interface_test_history, vif_id, virtualInterfaceId=vif_id)
    refused(dx.list_virtual_interface_test_history, "status", status="running")
    refused(dx.stop_bgp_failover_test, "No failover test is in progress", virtualInterfaceId=vif_id)
    assert history(dx) == [] and vif(dx, vif_id)["virtualInterfaceState"] == "available"

    # The good ones next to them: 1 and 4,320 minutes, one chosen peer.
    test = dx.start_bgp_failover_test(
        virtualInterfaceId=vif_id, bgpPeers=[peer], testDurationInMinutes=4320
    )
    assert test["virtualInterfaceTest"]["bgpPeers"] == [peer]
    # A second test on a VIF already testing.
    refused(
        dx.start_bgp_failover_test,
        "already being tested",
        test["virtualInterfaceTest"]["testId"],
        virtualInterfaceId=vif_id,
        testDurationInMinutes=1,
    )
    refused(other.stop_bgp_failover_test, "does not exist", virtualInterfaceId=vif_id)
    assert [t["status"] for t in history(dx)] == ["in progress"]
    dx.stop_bgp_failover_test(virtualInterfaceId=vif_id)
    assert (
        dx.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=1)[
            "virtualInterfaceTest"
        ]["testDurationInMinutes"]
        == 1
    )
    dx.stop_bgp_failover_test(virtualInterfaceId=vif_id)

    # A VIF that is not available (its connection is down) cannot be tested.
    failure = ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "connection", "id": lab.connections[2], "minutes": 10},
        account=account,
    )
    down = lab.vifs[2]
    assert vif(dx, down)["virtualInterfaceState"] == "down"
    refused(
        dx.start_bgp_failover_test, down, "is down", "only an available", virtualInterfaceId=down
    )
    assert history(dx, virtualInterfaceId=down) == []
    ext(server.endpoint, "DELETE", f"/failures/{failure['failureId']}", account=account)
    assert (
        dx.start_bgp_failover_test(virtualInterfaceId=down)["virtualInterfaceTest"]["status"]
        == "in progress"
    )
    dx.stop_bgp_failover_test(virtualInterfaceId=down)


def test_history_filters_and_pages(server: ServerProcess, dx: Any, lab: Scenario) -> None:
    a, b = lab.vifs[0], lab.vifs[3]
    peer_a = vif(dx, a)["bgpPeers"][0]["bgpPeerId"]
    first = dx.start_bgp_failover_test(virtualInterfaceId=a, testDurationInMinutes=1)[
        "virtualInterfaceTest"
    ]
    advance(server, 61)
    second = dx.start_bgp_failover_test(virtualInterfaceId=a)["virtualInterfaceTest"]
    dx.stop_bgp_failover_test(virtualInterfaceId=a)
    third = dx.start_bgp_failover_test(virtualInterfaceId=b)["virtualInterfaceTest"]
    assert [t["testId"] for t in history(dx)] == [
        third["testId"],
        second["testId"],
        first["testId"],
    ]
    assert [t["testId"] for t in history(dx, virtualInterfaceId=a)] == [
        second["testId"],
        first["testId"],
    ]
    assert [t["status"] for t in history(dx, virtualInterfaceId=a)] == ["cancelled", "completed"]
    assert [t["testId"] for t in history(dx, status="completed")] == [first["testId"]]
    assert [t["testId"] for t in history(dx, status="in progress")] == [third["testId"]]
    assert [t["testId"] for t in history(dx, bgpPeers=[peer_a])] == [
        second["testId"],
        first["testId"],
    ]
    assert [t["testId"] for t in history(dx, testId=second["testId"])] == [second["testId"]]
    page1 = dx.list_virtual_interface_test_history(maxResults=2)
    page2 = dx.list_virtual_interface_test_history(maxResults=2, nextToken=page1["nextToken"])
    assert [
        t["testId"]
        for t in page1["virtualInterfaceTestHistory"] + page2["virtualInterfaceTestHistory"]
    ] == [third["testId"], second["testId"], first["testId"]]
    assert "nextToken" not in page2
    dx.stop_bgp_failover_test(virtualInterfaceId=b)


def test_deleting_the_vif_fails_its_test(server: ServerProcess, dx: Any, lab: Scenario) -> None:
    vif_id = lab.vifs[2]
    test = dx.start_bgp_failover_test(virtualInterfaceId=vif_id)["virtualInterfaceTest"]
    dx.delete_virtual_interface(virtualInterfaceId=vif_id)
    advance(server, 11)  # a running test checks on its VIF every 10 s
    assert history(dx, testId=test["testId"])[0]["status"] == "failed"
    assert vif(dx, vif_id)["virtualInterfaceState"] == "deleted"


def test_aws_cli(server: ServerProcess, account: str, lab: Scenario) -> None:
    vif_id = lab.vifs[3]
    started = ok(
        server,
        account,
        "start-bgp-failover-test",
        "--virtual-interface-id",
        vif_id,
        "--test-duration-in-minutes",
        "60",
    )["virtualInterfaceTest"]
    assert started["status"] == "in progress" and started["testDurationInMinutes"] == 60
    listed = ok(
        server, account, "list-virtual-interface-test-history", "--virtual-interface-id", vif_id
    )
    assert [t["testId"] for t in listed["virtualInterfaceTestHistory"]] == [started["testId"]]
    code, _, err = aws(server, account, "start-bgp-failover-test", "--virtual-interface-id", vif_id)
    assert code != 0 and "DirectConnectClientException" in err and "already being tested" in err
    stopped = ok(server, account, "stop-bgp-failover-test", "--virtual-interface-id", vif_id)[
        "virtualInterfaceTest"
    ]
    assert stopped["status"] == "cancelled"


def test_the_clock_route_exists_only_with_the_flag(make_server: Any, tmp_path: Path) -> None:
    plain = make_server()
    with pytest.raises(ExtensionError) as info:
        ext(plain.endpoint, "POST", "/clock/advance", {"seconds": 60})
    assert (info.value.aws_code, info.value.status) == ("DirectConnectClientException", 400)
    assert "--test-clock" in info.value.message


def test_a_test_expires_after_a_restart(make_server: Any, tmp_path: Path) -> None:
    srv = make_server("--test-clock", db=f"sqlite:///{tmp_path / 'restart.db'}")
    account = "314159265358"
    dx = srv.client(account)
    lab = maximum(srv, dx, account)
    test = dx.start_bgp_failover_test(virtualInterfaceId=lab.vifs[0], testDurationInMinutes=10)[
        "virtualInterfaceTest"
    ]
    advance(srv, 120)
    srv.kill9()
    srv.start()
    dx = srv.client(account)
    # The clock kept its offset: the test is still running, two minutes in.
    assert history(dx)[0]["status"] == "in progress"
    assert vif(dx, lab.vifs[0])["virtualInterfaceState"] == "testing"
    advance(srv, 8 * 60 + 1)
    done = history(dx)[0]
    assert done["status"] == "completed" and done["testId"] == test["testId"]
    assert vif(dx, lab.vifs[0])["virtualInterfaceState"] == "available"
