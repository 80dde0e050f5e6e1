"""Dual stack through boto3 on a real server, in EC2's own wire protocol: the VPC's
Amazon-provided IPv6 /56, a subnet's /64, an instance's IPv6 address where DescribeInstances
and DescribeNetworkInterfaces show it, a security group rule for ICMPv6, blocks associated
later; and bad input answered with EC2's error code (the fast tier, tests/unit/
test_ec2_dual_stack.py, holds every refusal)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from tests.ec2_support import ec2, error_of


@pytest.fixture
def client(server: Any, account: str) -> Any:
    return ec2(server, account)


def test_ipv6_fields_over_the_wire(client: Any) -> None:
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    [assoc] = vpc["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.ip_network(assoc["Ipv6CidrBlock"])
    assert block.prefixlen == 56 and assoc["Ipv6CidrBlockState"]["State"] == "associated"
    subnet6 = str(next(block.subnets(new_prefix=64)))
    subnet = client.create_subnet(
        VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", Ipv6CidrBlock=subnet6
    )["Subnet"]
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == subnet6
    sg = client.create_security_group(GroupName="ping6", Description="d", VpcId=vpc["VpcId"])[
        "GroupId"
    ]
    client.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "58",
                "FromPort": 128,
                "ToPort": 0,
                "Ipv6Ranges": [{"CidrIpv6": "2a02:1388:100::/48"}],
            }
        ],
    )
    [perm] = client.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"]
    assert (perm["IpProtocol"], perm["FromPort"], perm["Ipv6Ranges"]) == (
        "icmpv6",
        128,
        [{"CidrIpv6": "2a02:1388:100::/48"}],
    )
    made = client.run_instances(
        ImageId="ami-0abcdef1234567890",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet["SubnetId"],
        SecurityGroupIds=[sg],
        Ipv6AddressCount=1,
    )["Instances"][0]
    first = str(ipaddress.ip_network(subnet6).network_address + 4)
    shown = client.describe_instances(InstanceIds=[made["InstanceId"]])["Reservations"][0][
        "Instances"
    ][0]
    assert shown["Ipv6Address"] == first
    assert shown["NetworkInterfaces"][0]["Ipv6Addresses"] == [
        {"Ipv6Address": first, "IsPrimaryIpv6": False}
    ]
    eni = client.describe_network_interfaces(
        Filters=[{"Name": "attachment.instance-id", "Values": [made["InstanceId"]]}]
    )["NetworkInterfaces"][0]
    assert [a["Ipv6Address"] for a in eni["Ipv6Addresses"]] == [first]
    # Blocks associated later: a second /64 for a new subnet, through AssociateSubnetCidrBlock.
    later = client.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    second = str(list(block.subnets(new_prefix=64))[1])
    got = client.associate_subnet_cidr_block(SubnetId=later, Ipv6CidrBlock=second)
    assert got["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"] == second
    plain = client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    got = client.associate_vpc_cidr_block(VpcId=plain, AmazonProvidedIpv6CidrBlock=True)
    assert ipaddress.ip_network(got["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"]).prefixlen == 56


def test_bad_ipv6_input_gets_ec2_codes(client: Any) -> None:
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    subnet6 = next(block.subnets(new_prefix=64))
    subnet = client.create_subnet(
        VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", Ipv6CidrBlock=str(subnet6)
    )["Subnet"]["SubnetId"]
    plain = client.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    code, status, message = error_of(
        lambda: client.run_instances(
            ImageId="ami-1",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            Ipv6Addresses=[{"Ipv6Address": "2001:db8::10"}],
        )
    )
    assert (code, status) == ("InvalidParameterValue", 400) and "2001:db8::10" in message
    code, _, message = error_of(
        lambda: client.run_instances(
            ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=plain, Ipv6AddressCount=1
        )
    )
    assert code == "InvalidParameterValue" and "no IPv6 CIDR block" in message
    code, _, _ = error_of(
        lambda: client.create_subnet(
            VpcId=vpc["VpcId"], CidrBlock="10.0.3.0/24", Ipv6CidrBlock="2001:db8:1:2::/64"
        )
    )
    assert code == "InvalidSubnet.Range"
    # Nothing was made by the refused calls.
    assert client.describe_instances()["Reservations"] == []
    assert len(client.describe_subnets()["Subnets"]) == 2
