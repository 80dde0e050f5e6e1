"""Dual stack through EC2 in the fast tier (VPC user guide, "Add IPv6 support for your
VPC"): a VPC's IPv6 /56, a subnet's /64 of it, an instance's IPv6 addresses from its
subnet, each refusal with EC2's code and nothing changed; and the sim's `verify --ipv6`
of such a VPC: its security group's ICMPv6 rules and its route table (propagation, IPv6
static routes) decide, as tests/test_lab_ec2_dualstack.py holds on real packets."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.service.context import Context
from dxlab.service.ec2.network import ec2_vpcs
from tests.unit.service import Service
from tests.unit.test_ec2 import ec2

DC6 = "2a02:1388:100::/48"
TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
          - {{prefix: 10.1.0.0/16}}
          - {{prefix: '{dc6}'}}
"""


def dual_vpc(dx: Service) -> dict[str, str]:
    """A VPC with an Amazon-provided /56 and a subnet with its first /64."""
    vpc = ec2(dx, "CreateVpc", CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    first, second = list(ipaddress.ip_network(block).subnets(new_prefix=64))[:2]
    subnet = ec2(
        dx, "CreateSubnet", VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", Ipv6CidrBlock=str(first)
    )["Subnet"]
    plain = ec2(dx, "CreateSubnet", VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]
    return {
        "vpc": vpc["VpcId"],
        "block": block,
        "subnet": subnet["SubnetId"],
        "subnet6": str(first),
        "other6": str(second),
        "plain": plain["SubnetId"],
    }


def test_a_vpc_its_subnet_and_an_instance_in_both_families(dx: Service) -> None:
    ids = dual_vpc(dx)
    block = ipaddress.ip_network(ids["block"])
    assert block.prefixlen == 56
    subnet = ec2(dx, "DescribeSubnets", SubnetIds=[ids["subnet"]])["Subnets"][0]
    assert [
        (a["Ipv6CidrBlock"], a["Ipv6CidrBlockState"]["State"])
        for a in subnet["Ipv6CidrBlockAssociationSet"]
    ] == [(ids["subnet6"], "associated")]
    found = ec2(
        dx,
        "DescribeSubnets",
        Filters=[
            {"Name": "ipv6-cidr-block-association.ipv6-cidr-block", "Values": [ids["subnet6"]]}
        ],
    )["Subnets"]
    assert [s["SubnetId"] for s in found] == [ids["subnet"]]
    # Two addresses each, the next free ones after the four AWS keeps.
    made = ec2(
        dx,
        "RunInstances",
        ImageId="ami-1",
        MinCount=2,
        MaxCount=2,
        SubnetId=ids["subnet"],
        Ipv6AddressCount=2,
    )["Instances"]
    net = ipaddress.ip_network(ids["subnet6"])
    want = [str(net.network_address + n) for n in (4, 5, 6, 7)]
    assert [
        [a["Ipv6Address"] for a in i["NetworkInterfaces"][0]["Ipv6Addresses"]] for i in made
    ] == [
        want[:2],
        want[2:],
    ]
    assert [i["Ipv6Address"] for i in made] == [want[0], want[2]]
    first = made[0]["InstanceId"]
    shown = ec2(dx, "DescribeInstances", InstanceIds=[first])["Reservations"][0]["Instances"][0]
    assert shown["Ipv6Address"] == want[0]
    by_address = ec2(
        dx,
        "DescribeInstances",
        Filters=[{"Name": "network-interface.ipv6-addresses.ipv6-address", "Values": [want[3]]}],
    )["Reservations"]
    assert [i["InstanceId"] for r in by_address for i in r["Instances"]] == [made[1]["InstanceId"]]
    eni = ec2(
        dx,
        "DescribeNetworkInterfaces",
        Filters=[{"Name": "attachment.instance-id", "Values": [first]}],
    )["NetworkInterfaces"][0]
    assert [a["Ipv6Address"] for a in eni["Ipv6Addresses"]] == want[:2]
    # The one asked for; terminated, its addresses are free again.
    asked = str(net.network_address + 0x10)
    one = ec2(
        dx,
        "RunInstances",
        ImageId="ami-1",
        MinCount=1,
        MaxCount=1,
        SubnetId=ids["subnet"],
        Ipv6Addresses=[{"Ipv6Address": asked}],
    )["Instances"][0]
    assert one["Ipv6Address"] == asked
    ec2(dx, "TerminateInstances", InstanceIds=[one["InstanceId"]])
    dx.advance(3600)
    again = ec2(
        dx,
        "RunInstances",
        ImageId="ami-1",
        MinCount=1,
        MaxCount=1,
        SubnetId=ids["subnet"],
        Ipv6Addresses=[{"Ipv6Address": asked}],
    )["Instances"][0]
    assert again["Ipv6Address"] == asked
    # An instance without IPv6 has none.
    plain = ec2(dx, "RunInstances", ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=ids["plain"])
    assert "Ipv6Address" not in plain["Instances"][0]
    assert plain["Instances"][0]["NetworkInterfaces"][0]["Ipv6Addresses"] == []


def test_ipv6_blocks_associated_later(dx: Service) -> None:
    vpc = ec2(dx, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2(dx, "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    vgw = ec2(dx, "CreateVpnGateway", Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2(dx, "AttachVpnGateway", VpcId=vpc, VpnGatewayId=vgw)
    made = ec2(dx, "AssociateVpcCidrBlock", VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    block = made["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"]
    assert made["VpcId"] == vpc and ipaddress.ip_network(block).prefixlen == 56
    shown = ec2(dx, "DescribeVpcs", VpcIds=[vpc])["Vpcs"][0]
    assert [a["Ipv6CidrBlock"] for a in shown["Ipv6CidrBlockAssociationSet"]] == [block]
    routes = ec2(dx, "DescribeRouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"
    ][0]["Routes"]
    assert {"DestinationIpv6CidrBlock": block, "GatewayId": "local"}.items() <= next(
        r for r in routes if r.get("DestinationIpv6CidrBlock") == block
    ).items()
    # The attached VGW advertises the new block too (what Direct Connect carries).
    with dx.bus.store.read() as uow:
        assert block in uow.get("virtual_gateway", vgw).meta["vpcCidrs"]  # type: ignore[union-attr]
    subnet6 = str(next(ipaddress.ip_network(block).subnets(new_prefix=64)))
    assoc = ec2(dx, "AssociateSubnetCidrBlock", SubnetId=subnet, Ipv6CidrBlock=subnet6)
    assert (assoc["SubnetId"], assoc["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"]) == (
        subnet,
        subnet6,
    )
    one = ec2(
        dx,
        "RunInstances",
        ImageId="ami-1",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        Ipv6AddressCount=1,
    )["Instances"][0]
    assert ipaddress.ip_address(one["Ipv6Address"]) in ipaddress.ip_network(subnet6)


def _run(subnet: str, **extra: Any) -> dict[str, Any]:
    return {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet, **extra}


# Each refusal with EC2's code ("subnet", "subnet6", "other6", "plain", "vpc", "block" are
# dual_vpc's; "in-use" the address a first instance holds; "outside" a /64 of no VPC).
@pytest.mark.parametrize(
    ("action", "args", "code"),
    [
        ("CreateSubnet", {"VpcId": "vpc", "CidrBlock": "10.0.3.0/24", "Ipv6CidrBlock": "block"}, "InvalidParameterValue"),  # a /56, not a /64
        ("CreateSubnet", {"VpcId": "vpc", "CidrBlock": "10.0.3.0/24", "Ipv6CidrBlock": "outside"}, "InvalidSubnet.Range"),
        ("CreateSubnet", {"VpcId": "vpc", "CidrBlock": "10.0.3.0/24", "Ipv6CidrBlock": "subnet6"}, "InvalidSubnet.Conflict"),
        ("CreateSubnet", {"VpcId": "vpc4", "CidrBlock": "10.5.1.0/24", "Ipv6CidrBlock": "other6"}, "InvalidSubnet.Range"),  # no IPv6 block
        ("AssociateSubnetCidrBlock", {"SubnetId": "subnet", "Ipv6CidrBlock": "other6"}, "InvalidSubnet.Conflict"),  # has one
        ("AssociateSubnetCidrBlock", {"SubnetId": "plain", "Ipv6CidrBlock": "subnet6"}, "InvalidSubnet.Conflict"),
        ("AssociateSubnetCidrBlock", {"SubnetId": "plain", "Ipv6CidrBlock": "outside"}, "InvalidSubnet.Range"),
        ("RunInstances", _run("plain", Ipv6AddressCount=1), "InvalidParameterValue"),  # no /64
        ("RunInstances", _run("subnet", Ipv6AddressCount=7), "InvalidParameterValue"),  # 6 an interface
        ("RunInstances", _run("subnet", Ipv6Addresses=[{"Ipv6Address": "outside-address"}]), "InvalidParameterValue"),
        ("RunInstances", _run("subnet", Ipv6Addresses=[{"Ipv6Address": "reserved-address"}]), "InvalidParameterValue"),
        ("RunInstances", _run("subnet", Ipv6Addresses=[{"Ipv6Address": "not-an-address"}]), "InvalidParameterValue"),
        ("RunInstances", _run("subnet", Ipv6Addresses=[{"Ipv6Address": "in-use"}]), "InvalidIPAddress.InUse"),
        ("RunInstances", _run("subnet", Ipv6AddressCount=1, Ipv6Addresses=[{"Ipv6Address": "free-address"}]), "InvalidParameterCombination"),
        ("RunInstances", {**_run("subnet", Ipv6Addresses=[{"Ipv6Address": "free-address"}]), "MaxCount": 2}, "InvalidParameterCombination"),
        ("AssociateVpcCidrBlock", {"VpcId": "vpc"}, "MissingParameter"),
        ("AssociateVpcCidrBlock", {"VpcId": "vpc", "CidrBlock": "10.9.0.0/16", "AmazonProvidedIpv6CidrBlock": True}, "InvalidParameterCombination"),
        ("AssociateVpcCidrBlock", {"VpcId": "vpc", "Ipv6CidrBlock": "subnet6"}, "InvalidParameterValue"),  # not a /56
        ("AssociateVpcCidrBlock", {"VpcId": "vpc", "Ipv6CidrBlock": "block"}, "InvalidVpc.Range"),  # its own
        ("AssociateVpcCidrBlock", {"VpcId": "vpc4", "Ipv6CidrBlock": "block"}, "InvalidVpc.Range"),  # another's
        ("AssociateVpcCidrBlock", {"VpcId": "vpc", "CidrBlock": "10.0.128.0/17"}, "InvalidVpc.Range"),  # overlaps
    ],
)  # fmt: skip
def test_bad_ipv6_input_is_refused_and_changes_nothing(
    dx: Service, action: str, args: dict[str, Any], code: str
) -> None:
    ids = dual_vpc(dx)
    ids["vpc4"] = ec2(dx, "CreateVpc", CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    net = ipaddress.ip_network(ids["subnet6"])
    ids["outside"] = "2001:db8:1:2::/64"
    ids["outside-address"] = "2001:db8:1:2::10"
    ids["reserved-address"] = str(net.network_address + 1)  # the VPC router's
    ids["free-address"] = str(net.network_address + 0x20)
    ids["in-use"] = str(net.network_address + 0x10)
    ec2(dx, "RunInstances", **_run(ids["subnet"], Ipv6Addresses=[{"Ipv6Address": ids["in-use"]}]))

    def resolve(value: Any) -> Any:
        if isinstance(value, str):
            return ids.get(value, value)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    before = dx.tables()
    with pytest.raises(Ec2Error) as info:
        ec2(dx, action, **resolve(args))
    assert info.value.aws_code == code, info.value.message
    assert dx.tables() == before


def _verify6(dx: Service, **args: Any) -> tuple[bool, str]:
    got = dx.ext("GET", "/verify", count=2, ipv6="true", **args)
    return got["reachable"], got["reason"]


def _verify4(dx: Service) -> tuple[bool, str]:
    got = dx.ext("GET", "/verify", count=2)
    return got["reachable"], got["reason"]


def test_the_sim_pings_the_instance_over_ipv6_as_its_group_and_route_table_say(
    dx: Service,
) -> None:
    ids = dual_vpc(dx)
    vpc = ids["vpc"]
    vgw = ec2(dx, "CreateVpnGateway", Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"][
        "VpnGatewayId"
    ]
    ec2(dx, "AttachVpnGateway", VpcId=vpc, VpnGatewayId=vgw)
    rtb = ec2(dx, "DescribeRouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"
    ][0]["RouteTableId"]
    ec2(dx, "EnableVgwRoutePropagation", RouteTableId=rtb, GatewayId=vgw)
    sg = ec2(dx, "CreateSecurityGroup", GroupName="ping", Description="d", VpcId=vpc)["GroupId"]
    icmpv6 = {
        "IpProtocol": "icmpv6",
        "FromPort": -1,
        "ToPort": -1,
        "Ipv6Ranges": [{"CidrIpv6": DC6}],
    }
    icmp = {
        "IpProtocol": "icmp",
        "FromPort": -1,
        "ToPort": -1,
        "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
    }
    ec2(dx, "AuthorizeSecurityGroupIngress", GroupId=sg, IpPermissions=[icmp, icmpv6])
    instance6 = str(ipaddress.ip_network(ids["subnet6"]).network_address + 0x10)
    ec2(
        dx,
        "RunInstances",
        **_run(
            ids["subnet"],
            SecurityGroupIds=[sg],
            PrivateIpAddress="10.0.1.10",
            Ipv6Addresses=[{"Ipv6Address": instance6}],
        ),
    )
    dx.advance(60)
    cid = dx.connection()
    vif = dx.private_vif(cid, vgw)["virtualInterfaceId"]
    dx.call(
        "CreateBGPPeer", virtualInterfaceId=vif, newBGPPeer={"addressFamily": "ipv6", "asn": 65000}
    )
    dx.ext("PUT", "/topology", yaml=TOPOLOGY.format(cid=cid, dc6=DC6))
    dx.advance(60)
    with dx.bus.store.read() as uow:
        [routed] = ec2_vpcs(uow, Context(account=dx.account))
    assert (routed.name, routed.ipv6_cidr, routed.ipv6_instance) == (vpc, ids["block"], instance6)

    got = dx.ext("GET", "/verify", count=2, ipv6="true")
    assert (got["family"], got["source"], got["destination"]) == (
        "ipv6",
        "2a02:1388:100::1",
        instance6,
    )
    assert (got["reachable"], got["hops"][-1]["resource"]) == (
        True,
        f"instance {instance6} in {vpc}",
    )

    no_icmp = "the security group of 10.0.1.10 does not allow inbound ICMP"
    ec2(dx, "RevokeSecurityGroupIngress", GroupId=sg, IpPermissions=[icmpv6])
    assert (_verify6(dx), _verify4(dx)) == ((False, no_icmp), (True, ""))
    ec2(
        dx,
        "AuthorizeSecurityGroupIngress",
        GroupId=sg,
        IpPermissions=[{**icmpv6, "IpProtocol": "58"}],
    )
    assert _verify6(dx) == (True, "")

    ec2(dx, "DisableVgwRoutePropagation", RouteTableId=rtb, GatewayId=vgw)
    gap = f"route table {rtb} has no route to {{}}: VGW route propagation is off"
    assert (_verify6(dx), _verify4(dx)) == (
        (False, gap.format(DC6)),
        (False, gap.format("10.1.0.0/16")),
    )
    ec2(dx, "CreateRoute", RouteTableId=rtb, DestinationIpv6CidrBlock=DC6, GatewayId=vgw)
    assert (_verify6(dx), _verify4(dx)) == ((True, ""), (False, gap.format("10.1.0.0/16")))
