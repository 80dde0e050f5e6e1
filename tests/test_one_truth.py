"""One truth about the network: every reader (DescribeVirtualInterfaces, the routes, verify,
the failover report, the analysis's "now", the console) gives the same answer, because
they all read one snapshot through one data plane. Each test is a contradiction dxlab
used to show."""

from __future__ import annotations

import urllib.request
from typing import Any

import yaml

from dxlab.cli.client import ext
from dxlab.domain.topology import Advertisement
from dxlab.routing.network import Failure
from dxlab.toolkit.analyzer import analyze
from tests.conftest import ServerProcess
from tests.networks import DEV_TEST, DXGW, VGW, build
from tests.scenario import maximum

TOO_MANY = [{"prefix": f"10.50.{i}.0/24"} for i in range(101)]  # limits.md: 100 per session


def describe(dx: Any, vif_id: str) -> tuple[str, list[str]]:
    vif = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]
    return vif["virtualInterfaceState"], [p["bgpStatus"] for p in vif["bgpPeers"]]


def routes(dx: Any, vif_id: str) -> list[dict[str, Any]]:
    return list(dx.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"])


def page(server: ServerProcess, path: str) -> str:
    with urllib.request.urlopen(server.endpoint + path, timeout=10) as answer:
        return str(answer.read().decode())


def now_pairs(server: ServerProcess, account: str) -> dict[tuple[str, str], dict[str, Any]]:
    result = ext(server.endpoint, "GET", "/analyze", account=account)
    return {(p["site"], p["to"]): p for p in result["now"]["pairs"]}


def test_a_session_over_the_prefix_limit_is_down_in_describe_as_in_the_routes(
    server: ServerProcess, dx: Any, account: str
) -> None:
    lab = maximum(server, dx, account)
    data = yaml.safe_load(lab.topology)
    data["sites"]["dc1"]["routers"]["dc1-r1"]["advertise"] = TOO_MANY
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml.safe_dump(data)}, account=account)
    over = lab.vifs[0]
    assert describe(dx, over) == ("down", ["down"])
    assert routes(dx, over) == []
    result = ext(server.endpoint, "GET", "/analyze", account=account)
    down = {d["virtualInterfaceId"]: d["reason"] for d in result["now"]["sessions_down"]}
    assert down[over].startswith("idle: 101 prefixes exceed the limit of 100")
    # The others are untouched, in every reader.
    assert all(describe(dx, v) == ("available", ["up"]) for v in lab.vifs[1:])
    assert all(routes(dx, v) for v in lab.vifs[1:])


def test_a_failover_test_on_the_only_vif_to_a_vpc_is_a_loss_in_every_reader(
    server: ServerProcess, dx: Any, account: str
) -> None:
    lab = maximum(server, dx, account, model="dev-test", locations=("EqDC2",))
    # Only the first router is patched: its VIF is the one path to the VPC.
    data = yaml.safe_load(lab.topology)
    data["sites"] = {"dc1": {"routers": {"dc1-r1": data["sites"]["dc1"]["routers"]["dc1-r1"]}}}
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml.safe_dump(data)}, account=account)
    only = lab.vifs[0]
    assert now_pairs(server, account)[("dc1", "prod")]["reachable"] is True
    test = dx.start_bgp_failover_test(virtualInterfaceId=only, testDurationInMinutes=5)[
        "virtualInterfaceTest"
    ]
    assert describe(dx, only) == ("testing", ["down"])
    assert routes(dx, only) == []
    pair = now_pairs(server, account)[("dc1", "prod")]
    assert pair["reachable"] is False and only not in pair["forward"]
    verified = ext(
        server.endpoint,
        "GET",
        "/verify",
        {"site": "dc1", "vpc": "prod", "count": 2},
        account=account,
    )
    assert verified["reachable"] is False and verified["ping"]["received"] == 0
    report = ext(
        server.endpoint, "GET", f"/failover-tests/{test['testId']}/report", account=account
    )
    assert report["lost"] == ["dc1 <-> prod"]
    dx.stop_bgp_failover_test(virtualInterfaceId=only)
    assert describe(dx, only) == ("available", ["up"])
    assert now_pairs(server, account)[("dc1", "prod")]["reachable"] is True


def test_the_group_compliance_and_the_analysis_say_which_question_each_answers(
    server: ServerProcess, dx: Any, account: str
) -> None:
    maximum(server, dx, account)
    ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "location", "id": "EqDC2", "minutes": 5},
        account=account,
    )
    group = dx.list_resiliency_groups()["items"][0]["resiliencyGroupId"]
    check = ext(server.endpoint, "GET", f"/resiliency-groups/{group}/compliance", account=account)
    result = ext(server.endpoint, "GET", "/analyze", account=account)
    # The group's layout still meets the model; the network as it is now does not.
    assert check["meetsModel"] is True and check["sla"] == "99.99%"
    assert result["sla"] == "none"
    assert "layout" in check["question"] and "as it stands" in result["question"]
    groups_page = page(server, f"/console/resiliency-groups?account={account}")
    analysis_page = page(server, f"/console/analysis?account={account}")
    assert "layout rules" in groups_page and "as it stands" in analysis_page


def test_without_a_vpc_a_single_location_is_a_single_point_of_failure() -> None:
    """Development and test: two connections in one location, no VPC described yet."""
    net = build(DEV_TEST)
    no_vpc = type(net)(
        net.region,
        net.links,
        net.vifs,
        net.gateways,
        net.associations,
        net.topology.__class__(
            net.topology.customer_asn,
            net.topology.sites,
            net.topology.routers,
            (),
            net.topology.wan,
        ),
        net.router_of_link,
        {},
    )
    result = analyze(no_vpc)
    spofs = {(s["kind"], s["id"]): s["lost"] for s in result.single_points_of_failure}
    assert spofs[("location", "EqDC2")] == [f"dc1 <-> {DXGW}", f"dc1 <-> {VGW}"]
    assert result.sla == "none"


def test_two_vifs_on_one_connection_are_a_single_point_of_failure() -> None:
    """Prowler counts two VIFs as redundancy; losing their one connection loses both."""
    net = build([DEV_TEST[0]], adverts={"dc1": [Advertisement("10.1.0.0/16")]})
    first = next(iter(net.vifs.values()))
    second = type(first)(
        **{
            **first.__dict__,
            "id": "dxvif-00000009",
            "vlan": 109,
            "sessions": (
                type(first.sessions[0])(
                    "dxvif-00000009", "ipv4", "dxpeer-9", "169.254.9.1/30", "169.254.9.2/30"
                ),
            ),
        }
    )
    net = type(net)(
        net.region,
        net.links,
        {**net.vifs, second.id: second},
        net.gateways,
        net.associations,
        net.topology.__class__(
            net.topology.customer_asn,
            net.topology.sites,
            net.topology.routers,
            (),
            net.topology.wan,
        ),
        net.router_of_link,
        {},
    )
    result = analyze(net)
    lost = {(s["kind"], s["id"]) for s in result.single_points_of_failure}
    assert ("connection", DEV_TEST[0][0]) in lost
    assert ("device", DEV_TEST[0][2]) in lost
    # The same analysis with the connection already down loses everything now.
    down = analyze(net, failed=[Failure("connection", DEV_TEST[0][0])])
    assert down.baseline_gateways == []


def test_a_lab_plane_stopped_in_this_process_changes_nothing_for_the_sim() -> None:
    """The lab used to swap a module global on start and put back a weaker sim probe on
    stop; now a plane is handed to one server and nothing else can see it."""
    from dxlab.lab.plane import LabPlane
    from dxlab.testing import dxlab_server

    LabPlane().stop(teardown=False)
    with dxlab_server(patch_env=False) as server:
        dx = server.client
        conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="c")[
            "connectionId"
        ]
        vgw = ext(
            server.endpoint_url, "POST", "/virtual-gateways", {"vpcCidrs": ["10.100.0.0/16"]}
        )["virtualGatewayId"]
        vif = dx.create_private_virtual_interface(
            connectionId=conn,
            newPrivateVirtualInterface={
                "virtualInterfaceName": "v",
                "vlan": 101,
                "asn": 65000,
                "virtualGatewayId": vgw,
            },
        )["virtualInterfaceId"]
        assert describe(dx, vif) == ("available", ["up"])
        dx.start_bgp_failover_test(virtualInterfaceId=vif, testDurationInMinutes=5)
        assert describe(dx, vif) == ("testing", ["down"])
