"""Step 5 of maximum_resiliency.md on real packets, with the AWS side made through EC2:
the lab enforces the instance's security groups (nftables, per source) and its route
table (VGW route propagation) live, as EC2 calls change them, and at every step the sim
says what the lab does (DESIGN: "the sim must predict the lab").

The walk is the guide's, through boto3: a VPC and subnet, a VGW with its own ASN,
attached, route propagation on, a security group with inbound ICMP from the data
centers, an instance, the VGW behind a Direct Connect gateway, a private VIF per
connection. Then: the ICMP rule revoked (ping fails), a rule for another source only
(still fails), a rule for one data center (that one answers), propagation off ("route
table rtb-... has no route to ...: VGW route propagation is off"), a static route for one
data center and its deletion, propagation on."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.service.context import Context
from dxlab.service.customer.verify import verify_route
from dxlab.service.resiliency.analysis import analysis
from dxlab.store import open_store
from tests.ec2_support import ec2_walk_through
from tests.lab_support import LabServer, running_lab, wait_for

pytestmark = pytest.mark.lab

ACCOUNT = "520987654321"
# The data centers' own prefixes in tests/scenario.py's topology (their addresses are
# the first host of each: 10.1.0.1, 10.2.0.1).
DC1, DC2 = "10.1.0.0/16", "10.2.0.0/16"
INSTANCE = "10.100.1.10"
CONVERGE_S = 90.0  # generous: the machine is shared, and the lab re-plans on each write
NO_ICMP = f"the security group of {INSTANCE} does not allow inbound ICMP"

Answers = dict[str, tuple[bool, str]]


def icmp_from(*cidrs: str) -> dict[str, Any]:
    return {
        "IpProtocol": "icmp",
        "FromPort": -1,
        "ToPort": -1,
        "IpRanges": [{"CidrIp": c} for c in cidrs],
    }


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def walk(lab_server: LabServer) -> dict[str, Any]:
    server = lab_server.server
    dx = server.client(ACCOUNT)
    return ec2_walk_through(
        server, dx, ACCOUNT, icmp_from(DC1, DC2), "ami-0abcdef1234567890", INSTANCE
    )


def analysis_now(now: dict[str, Any]) -> dict[tuple[str, str], tuple[bool, str]]:
    """The analysis's "now" between the data centers and the VPC (routing alone: a
    security group is no part of it, the route table is)."""
    return {
        (p["site"], p["to"]): (p["reachable"], p["reason"])
        for p in now["pairs"]
        if p["kind"] == "vpc"
    }


def answers(result: dict[str, Any]) -> Answers:
    """Per data center: does ping get answers, and why not."""
    return {
        p["site"]: (p["reachable"] and p["ping"]["received"] > 0, p["reason"])
        for p in result["pairs"]
    }


def lab_answers(lab: LabServer) -> Answers:
    """What a user of the lab server is told, over the wire: real ping and traceroute."""
    return answers(ext(lab.server.endpoint, "GET", "/verify", {"count": 2}, account=ACCOUNT))


def sim_answers(lab: LabServer) -> Answers:
    """The same handler on the same database, read through the routing model (SimPlane)."""
    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            return answers(verify_route(uow, Context(account=ACCOUNT), {"count": 2}))
    finally:
        store.close()


def settles(lab: LabServer, want: Answers, what: str) -> None:
    """The lab comes to `want` (the lab re-plans after each EC2 write), and the sim says the
    same of the same database at that moment; so do their analyses of "now"."""
    deadline = time.monotonic() + CONVERGE_S
    got, sim = lab_answers(lab), sim_answers(lab)
    while (got != want or sim != want) and time.monotonic() < deadline:
        time.sleep(0.5)
        got, sim = lab_answers(lab), sim_answers(lab)
    assert got == sim == want, f"{what}:\n lab:  {got}\n sim:  {sim}\n want: {want}"
    lab_now = analysis_now(ext(lab.server.endpoint, "GET", "/analyze", account=ACCOUNT)["now"])
    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            sim_now = analysis_now(analysis(uow, Context(account=ACCOUNT))["now"])
    finally:
        store.close()
    assert lab_now == sim_now, f"{what}: the analyses disagree (lab, sim): {lab_now}, {sim_now}"
    # Where the route table is what fails, the analysis says so as verify does.
    for site, (_, reason) in want.items():
        if reason.startswith("route table"):
            assert (False, reason) in lab_now.values(), (site, lab_now)


def cli_verify(lab: LabServer) -> tuple[int, dict[str, Any]]:
    """`dxlab verify --json`, as a user runs it against the lab server."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", "verify", "--json", "--count", "2"]
        + ["--endpoint", lab.server.endpoint],
        capture_output=True,
        text=True,
        env={**lab.env(), "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "x"},
        timeout=60,
    )
    return done.returncode, json.loads(done.stdout)


def test_security_groups_and_route_propagation_on_real_packets(
    lab_server: LabServer, walk: dict[str, Any]
) -> None:
    client, sg, rtb, vgw = walk["client"], walk["sg"], walk["rtb"], walk["vgw"]
    settles(lab_server, {"dc1": (True, ""), "dc2": (True, "")}, "inbound ICMP from both")
    vpc_ns = lab_server.plan(ACCOUNT).vpcs[(ACCOUNT, walk["vpc"])].ns

    def ruleset() -> str:
        return lab_server.in_ns(vpc_ns, "nft", "list", "ruleset").stdout

    # The rule revoked: the instance's nftables drop the echo, ping fails live.
    client.revoke_security_group_ingress(GroupId=sg, IpPermissions=[icmp_from(DC1, DC2)])
    settles(lab_server, {"dc1": (False, NO_ICMP), "dc2": (False, NO_ICMP)}, "no ICMP rule")
    assert "icmp" not in ruleset()

    # Inbound ICMP from another source only: the data centers are still kept out.
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[icmp_from("192.168.0.0/16")])
    settles(lab_server, {"dc1": (False, NO_ICMP), "dc2": (False, NO_ICMP)}, "ICMP from elsewhere")
    # (the answers were already these: wait for the rule set itself to say the new rule)
    wait_for(lambda: "ip saddr 192.168.0.0/16" in ruleset(), 30, "the rule for 192.168.0.0/16")
    settles(lab_server, {"dc1": (False, NO_ICMP), "dc2": (False, NO_ICMP)}, "ICMP from elsewhere")

    # One data center's CIDR: that data center answers, the other does not.
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[icmp_from(DC1)])
    settles(lab_server, {"dc1": (True, ""), "dc2": (False, NO_ICMP)}, "ICMP from dc1 only")
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[icmp_from(DC2)])
    settles(lab_server, {"dc1": (True, ""), "dc2": (True, "")}, "ICMP from both again")

    # VGW route propagation off: the VPC's route table (the instance's namespace) has no
    # route back to the data centers; the sim, the verify route and `dxlab verify` say which.
    client.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    gap = f"route table {rtb} has no route to {{}}: VGW route propagation is off"
    settles(
        lab_server,
        {"dc1": (False, gap.format(DC1)), "dc2": (False, gap.format(DC2))},
        "propagation off",
    )
    wait_for(
        lambda: not lab_server.in_ns(vpc_ns, "ip", "route", "show", "default").stdout.strip(),
        10,
        "the instance's default route removed",
    )
    code, result = cli_verify(lab_server)
    assert code == 1 and result["dataPlane"] == "lab", result
    assert {p["site"]: p["reason"] for p in result["pairs"]} == {
        "dc1": gap.format(DC1),
        "dc2": gap.format(DC2),
    }

    # A static route to the VGW for dc1's prefix brings dc1 back; deleting it takes it away.
    client.create_route(RouteTableId=rtb, DestinationCidrBlock=DC1, GatewayId=vgw)
    settles(lab_server, {"dc1": (True, ""), "dc2": (False, gap.format(DC2))}, "a static route")
    client.delete_route(RouteTableId=rtb, DestinationCidrBlock=DC1)
    settles(
        lab_server,
        {"dc1": (False, gap.format(DC1)), "dc2": (False, gap.format(DC2))},
        "the static route deleted",
    )

    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    settles(lab_server, {"dc1": (True, ""), "dc2": (True, "")}, "propagation on again")
    code, result = cli_verify(lab_server)
    assert code == 0 and all(p["ping"]["received"] == 2 for p in result["pairs"]), result
