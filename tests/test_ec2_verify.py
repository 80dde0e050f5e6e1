"""Step 5 of maximum_resiliency.md with the VPC side made through EC2: `dxlab verify`
pings the running instance's private address; without VGW route propagation (and no
static route) or without an inbound ICMP rule it fails and says which, and the analyzer
sees the same (VPC user guide, "Route propagation"; "Security group rules")."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.cli.client import ExtensionError, ext
from tests.ec2_support import ec2_walk_through

ICMP = {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}


@pytest.fixture
def walk(server: Any, dx: Any, account: str) -> dict[str, Any]:
    """Four connections in two locations, an EC2 VPC with its VGW behind a Direct Connect
    gateway, a VIF per connection, the customer side (no `vpcs:`), an instance that
    answers ICMP from 10.0.0.0/8 and VGW route propagation on."""
    return ec2_walk_through(server, dx, account, ICMP, "ami-1", "10.100.1.10")


def _verify(server: Any, account: str) -> dict[str, dict[str, Any]]:
    result = ext(server.endpoint, "GET", "/verify", account=account)
    return {p["site"]: p for p in result["pairs"]}


def test_verify_pings_the_ec2_instance(server: Any, account: str, walk: dict[str, Any]) -> None:
    pairs = _verify(server, account)
    assert set(pairs) == {"dc1", "dc2"}
    for pair in pairs.values():
        assert pair["vpc"] == walk["vpc"] and pair["destination"] == "10.100.1.10"
        assert pair["reachable"] and pair["ping"] == {"sent": 5, "received": 5}, pair
        assert pair["hops"][-1]["address"] == "10.100.1.10"


def _propagated(client: Any, rtb: str) -> set[tuple[str, str]]:
    (table,) = client.describe_route_tables(RouteTableIds=[rtb])["RouteTables"]
    return {
        (r["DestinationCidrBlock"], r["GatewayId"])
        for r in table["Routes"]
        if r["Origin"] == "EnableVgwRoutePropagation"
    }


def test_propagation_off_says_which_route_is_missing(
    server: Any, account: str, walk: dict[str, Any]
) -> None:
    client = walk["client"]
    # With propagation on, the table holds what the VGW learns over the VIFs' BGP sessions.
    assert _propagated(client, walk["rtb"]) == {
        ("10.1.0.0/16", walk["vgw"]),
        ("10.2.0.0/16", walk["vgw"]),
    }
    client.disable_vgw_route_propagation(RouteTableId=walk["rtb"], GatewayId=walk["vgw"])
    assert _propagated(client, walk["rtb"]) == set()
    pairs = _verify(server, account)
    assert not pairs["dc1"]["reachable"] and pairs["dc1"]["ping"]["received"] == 0
    assert (
        pairs["dc1"]["reason"]
        == f"route table {walk['rtb']} has no route to 10.1.0.0/16: VGW route propagation is off"
    )
    assert (
        pairs["dc2"]["reason"]
        == f"route table {walk['rtb']} has no route to 10.2.0.0/16: VGW route propagation is off"
    )
    analysis = ext(server.endpoint, "GET", "/analyze", account=account)
    reasons = {b["reason"] for b in analysis["baseline"] if b["vpc"] == walk["vpc"]}
    assert any("VGW route propagation is off" in r for r in reasons), reasons
    # A static route to the VGW for one data center's prefix brings that one back.
    client.create_route(
        RouteTableId=walk["rtb"], DestinationCidrBlock="10.1.0.0/16", GatewayId=walk["vgw"]
    )
    pairs = _verify(server, account)
    assert pairs["dc1"]["reachable"] and not pairs["dc2"]["reachable"]
    client.enable_vgw_route_propagation(RouteTableId=walk["rtb"], GatewayId=walk["vgw"])
    assert all(p["reachable"] for p in _verify(server, account).values())


def test_no_inbound_icmp_rule_says_so(server: Any, account: str, walk: dict[str, Any]) -> None:
    walk["client"].revoke_security_group_ingress(GroupId=walk["sg"], IpPermissions=[ICMP])
    pairs = _verify(server, account)
    for pair in pairs.values():
        assert (
            not pair["reachable"]
            and pair["reason"] == "the security group of 10.100.1.10 does not allow inbound ICMP"
        )
    # A rule for one data center only: dc1's address (10.1.0.1) answers, dc2's does not.
    walk["client"].authorize_security_group_ingress(
        GroupId=walk["sg"],
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": 8,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            }
        ],
    )
    pairs = _verify(server, account)
    assert pairs["dc1"]["reachable"] and not pairs["dc2"]["reachable"]


def test_a_terminated_instance_is_not_pinged(
    server: Any, account: str, walk: dict[str, Any]
) -> None:
    walk["client"].terminate_instances(InstanceIds=[walk["instance"]])
    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, "GET", "/verify", account=account)
    assert "No VPC to ping" in info.value.message and info.value.status == 400


def test_a_ping_count_that_is_not_a_number_is_refused(
    server: Any, account: str, walk: dict[str, Any]
) -> None:
    """A word for `count` is the client's mistake (400, it was a 500 with a traceback);
    a number out of 1 to 100 is taken as the nearest."""
    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, "GET", "/verify", {"count": "five"}, account=account)
    assert info.value.status == 400 and "a whole number (1 to 100); got 'five'" in str(info.value)
    pairs = ext(server.endpoint, "GET", "/verify", {"count": "500"}, account=account)["pairs"]
    assert {p["ping"]["sent"] for p in pairs} == {100}
