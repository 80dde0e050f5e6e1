"""Dual stack with the AWS side made through EC2, on real packets (issue 13's "VPCs with an
IPv6 CIDR are reachable by ping -6 / traceroute -6", with issue 11's EC2 calls): a VPC
with an Amazon-provided IPv6 /56, a subnet with a /64 of it, an instance with an IPv4
and an IPv6 address in a group that lets ICMP and ICMPv6 in from the data center, a VGW
with its own ASN, attached, route propagation on, and a private VIF with an IPv4 and an
IPv6 BGP peer (CreateBGPPeer, addressFamily ipv6).

`dxlab verify --ipv6` pings and traces the instance's IPv6 address across the VIF's IPv6
session; the ICMPv6 rule revoked, ping -6 fails while IPv4 still answers; VGW route
propagation off, neither family routes back, and a static IPv6 route brings IPv6 back
alone. At each step the sim, on the same database, says what the lab does."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.service.context import Context
from dxlab.service.customer.verify import verify_route
from dxlab.store import open_store
from tests.ec2_support import ec2, main_route_table
from tests.lab_support import LabServer, running_lab
from tests.vif_support import connection

pytestmark = pytest.mark.lab

ACCOUNT = "560987654321"
DC4, DC6 = "10.1.0.0/16", "2a02:1388:100::/48"  # the data center's own prefixes
SOURCE6 = "2a02:1388:100::1"  # the first host of its IPv6 prefix: ping -6's source
INSTANCE = "10.100.1.10"
CONVERGE_S = 90.0  # generous: the machine is shared, and the lab re-plans on each write
NO_ICMP = f"the security group of {INSTANCE} does not allow inbound ICMP"

TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
          - {{prefix: {dc4}}}
          - {{prefix: '{dc6}'}}
"""

# Per family, the data center's answer: (ping answered, why not).
Answers = dict[str, tuple[bool, str]]


def icmp(cidr4: str) -> dict[str, Any]:
    return {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": cidr4}]}


def icmpv6(cidr6: str, protocol: str = "icmpv6") -> dict[str, Any]:
    return {
        "IpProtocol": protocol,
        "FromPort": -1,
        "ToPort": -1,
        "Ipv6Ranges": [{"CidrIpv6": cidr6}],
    }


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def walk(lab_server: LabServer) -> dict[str, Any]:
    server = lab_server.server
    dx = server.client(ACCOUNT)
    client = ec2(server, ACCOUNT)
    vpc = client.create_vpc(CidrBlock="10.100.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block6 = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    subnet6 = str(next(ipaddress.ip_network(block6).subnets(new_prefix=64)))
    subnet = client.create_subnet(
        VpcId=vpc["VpcId"], CidrBlock="10.100.1.0/24", Ipv6CidrBlock=subnet6
    )["Subnet"]["SubnetId"]
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"][
        "VpnGatewayId"
    ]
    client.attach_vpn_gateway(VpcId=vpc["VpcId"], VpnGatewayId=vgw)
    rtb = main_route_table(client, vpc["VpcId"])
    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    sg = client.create_security_group(
        GroupName="ping", Description="ICMP and ICMPv6 from the data center", VpcId=vpc["VpcId"]
    )["GroupId"]
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[icmp(DC4), icmpv6(DC6)])
    instance6 = str(ipaddress.ip_network(subnet6).network_address + 0x10)
    client.run_instances(
        ImageId="ami-0abcdef1234567890",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        PrivateIpAddress=INSTANCE,
        Ipv6Addresses=[{"Ipv6Address": instance6}],
    )
    cid = connection(dx, location="EqDC2")
    vif = dx.create_private_virtual_interface(
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "dual",
            "vlan": 140,
            "asn": 65000,
            "virtualGatewayId": vgw,
        },
    )["virtualInterfaceId"]
    dx.create_bgp_peer(virtualInterfaceId=vif, newBGPPeer={"addressFamily": "ipv6", "asn": 65000})
    ext(
        server.endpoint,
        "PUT",
        "/topology",
        {"yaml": TOPOLOGY.format(cid=cid, dc4=DC4, dc6=DC6)},
        account=ACCOUNT,
    )
    return {
        "client": client,
        "dx": dx,
        "vpc": vpc["VpcId"],
        "vgw": vgw,
        "rtb": rtb,
        "sg": sg,
        "cid": cid,
        "vif": vif,
        "instance6": instance6,
    }


def answers(v4: dict[str, Any], v6: dict[str, Any]) -> Answers:
    return {
        family: (r["reachable"] and r["ping"]["received"] > 0, r["reason"])
        for family, r in (("ipv4", v4), ("ipv6", v6))
    }


def lab_verify(lab: LabServer, family: str) -> dict[str, Any]:
    """What a user of the lab server is told, over the wire: real ping and traceroute."""
    args: dict[str, Any] = {"count": 2, **({"ipv6": "true"} if family == "ipv6" else {})}
    return ext(lab.server.endpoint, "GET", "/verify", args, account=ACCOUNT)  # type: ignore[no-any-return]


def sim_verify(lab: LabServer, family: str) -> dict[str, Any]:
    """The same handler on the same database, read through the routing model (SimPlane)."""
    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            args: dict[str, Any] = {"count": 2, **({"ipv6": "true"} if family == "ipv6" else {})}
            return verify_route(uow, Context(account=ACCOUNT), args)
    finally:
        store.close()


def settles(lab: LabServer, want: Answers, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The lab comes to `want` in both families (it re-plans after each EC2 write), and the
    sim says the same of the same database at that moment. The last IPv6 answers of both."""
    deadline = time.monotonic() + CONVERGE_S
    while True:
        lab6, sim6 = lab_verify(lab, "ipv6"), sim_verify(lab, "ipv6")
        got = answers(lab_verify(lab, "ipv4"), lab6)
        sim = answers(sim_verify(lab, "ipv4"), sim6)
        if (got == want and sim == want) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert got == sim == want, f"{what}:\n lab:  {got}\n sim:  {sim}\n want: {want}"
    assert (lab6["dataPlane"], sim6["dataPlane"]) == ("lab", "sim")
    return lab6, sim6


def cli_verify6(lab: LabServer) -> tuple[int, dict[str, Any]]:
    """`dxlab verify --ipv6 --json`, as a user runs it against the lab server."""
    done = subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", "verify", "--ipv6", "--json", "--count", "2"]
        + ["--endpoint", lab.server.endpoint],
        capture_output=True,
        text=True,
        env={**lab.env(), "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "x"},
        timeout=90,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_ping6_to_an_ec2_instance_follows_its_security_group_and_route_table(
    lab_server: LabServer, walk: dict[str, Any]
) -> None:
    client, sg, rtb, vgw = walk["client"], walk["sg"], walk["rtb"], walk["vgw"]
    instance6 = walk["instance6"]
    lab6, sim6 = settles(lab_server, {"ipv4": (True, ""), "ipv6": (True, "")}, "both rules")

    # ping -6 and traceroute -6 from the data center to the instance's IPv6 address,
    # across the VIF's IPv6 session (its Amazon /125 address is the Direct Connect hop).
    code, result = cli_verify6(lab_server)
    assert code == 0 and result["dataPlane"] == "lab" and result["family"] == "ipv6", result
    assert (result["source"], result["destination"]) == (SOURCE6, instance6)
    assert result["ping"]["received"] == 2
    peer6 = next(
        p
        for p in walk["dx"].describe_virtual_interfaces(virtualInterfaceId=walk["vif"])[
            "virtualInterfaces"
        ][0]["bgpPeers"]
        if p["addressFamily"] == "ipv6"
    )
    hops = result["hops"]
    assert hops[0]["resource"] == "customer router dc1-r1 (dc1)", hops
    dx_hop = next(h for h in hops if h["resource"].startswith(walk["vif"]))
    assert dx_hop["address"] == peer6["amazonAddress"].split("/")[0]
    assert f"on {walk['cid']}" in dx_hop["resource"]
    assert hops[-1] == {"address": instance6, "resource": f"instance {instance6} in {walk['vpc']}"}
    # The sim's trace names the same resources, hop by hop.
    assert [h["resource"] for h in sim6["hops"]] == [h["resource"] for h in lab6["hops"]]

    # The ICMPv6 rule revoked: the instance's nftables drop the echo, ping -6 fails;
    # IPv4's rule still lets ping in.
    client.revoke_security_group_ingress(GroupId=sg, IpPermissions=[icmpv6(DC6)])
    settles(lab_server, {"ipv4": (True, ""), "ipv6": (False, NO_ICMP)}, "no ICMPv6 rule")
    code, result = cli_verify6(lab_server)
    assert code == 1 and result["reason"] == NO_ICMP and result["ping"]["received"] == 0, result

    # ICMPv6 back, given by protocol number (58 is icmpv6).
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[icmpv6(DC6, "58")])
    settles(lab_server, {"ipv4": (True, ""), "ipv6": (True, "")}, "ICMPv6 by number")

    # VGW route propagation off: the route table has no route back in either family.
    client.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    gap = f"route table {rtb} has no route to {{}}: VGW route propagation is off"
    settles(
        lab_server,
        {"ipv4": (False, gap.format(DC4)), "ipv6": (False, gap.format(DC6))},
        "propagation off",
    )
    # A static IPv6 route to the VGW brings IPv6 back alone.
    client.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock=DC6, GatewayId=vgw)
    settles(
        lab_server,
        {"ipv4": (False, gap.format(DC4)), "ipv6": (True, "")},
        "a static IPv6 route",
    )
    client.delete_route(RouteTableId=rtb, DestinationIpv6CidrBlock=DC6)
    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    settles(lab_server, {"ipv4": (True, ""), "ipv6": (True, "")}, "propagation on again")
