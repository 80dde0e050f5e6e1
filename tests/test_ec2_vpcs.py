"""VPCs and subnets through boto3's ec2 client (VPC user guide, "VPC CIDR blocks",
"Subnet CIDR blocks"): each bad input next to the good one, with EC2's code and nothing
changed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.ec2_support import ec2, error_of, vpc_with_subnet


@pytest.fixture
def client(server: Any, account: str) -> Any:
    return ec2(server, account)


def test_create_vpc_with_amazon_ipv6_block_main_table_and_default_group(client: Any) -> None:
    vpc = client.create_vpc(
        CidrBlock="10.0.0.5/16",
        AmazonProvidedIpv6CidrBlock=True,
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "prod"}]}],
    )["Vpc"]
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", vpc["VpcId"])
    assert vpc["CidrBlock"] == "10.0.0.0/16"  # EC2 keeps the canonical form
    assert vpc["State"] == "available" and vpc["IsDefault"] is False
    assert vpc["Tags"] == [{"Key": "Name", "Value": "prod"}]
    v6 = vpc["Ipv6CidrBlockAssociationSet"][0]
    assert re.fullmatch(r"2600:1f18:[0-9a-f]{1,4}:[0-9a-f]{0,2}00::/56", v6["Ipv6CidrBlock"])
    assert v6["Ipv6CidrBlockState"]["State"] == "associated"
    tables = client.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "RouteTables"
    ]
    assert len(tables) == 1 and tables[0]["Associations"][0]["Main"] is True
    assert {
        r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock")
        for r in tables[0]["Routes"]
    } == {"10.0.0.0/16", v6["Ipv6CidrBlock"]}
    groups = client.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    )["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    assert (
        client.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["prod"]}])["Vpcs"][0]["VpcId"]
        == vpc["VpcId"]
    )
    assert client.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.9.*"]}])["Vpcs"] == []


def test_create_vpc_with_an_ipv6_block_of_its_own(client: Any) -> None:
    vpc = client.create_vpc(
        CidrBlock="10.1.0.0/16", Ipv6CidrBlock="2600:1f18:aaaa:bb00::/56", Ipv6Pool="ipv6pool-ec2-1"
    )["Vpc"]
    assert vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == "2600:1f18:aaaa:bb00::/56"
    code, status, _ = error_of(
        client.create_vpc, CidrBlock="10.2.0.0/16", Ipv6CidrBlock="2600:1f18:aaaa:bb00::/56"
    )
    assert (code, status) == ("InvalidVpc.Range", 400)
    code, _, _ = error_of(
        client.create_vpc, CidrBlock="10.2.0.0/16", Ipv6CidrBlock="2600:1f18:aaaa::/48"
    )
    assert code == "InvalidParameterValue"
    assert len(client.describe_vpcs()["Vpcs"]) == 1


@pytest.mark.parametrize(
    ("cidr", "code"),
    [
        ("10.0.0.0/8", "InvalidVpc.Range"),
        ("10.0.0.0/29", "InvalidVpc.Range"),
        ("10.0.0.0/33", "InvalidParameterValue"),
        ("not-a-cidr", "InvalidParameterValue"),
        ("2600::/56", "InvalidParameterValue"),
    ],
)
def test_bad_vpc_cidr_is_refused_and_nothing_made(client: Any, cidr: str, code: str) -> None:
    got, status, message = error_of(client.create_vpc, CidrBlock=cidr)
    assert (got, status) == (code, 400) and cidr in message
    assert client.describe_vpcs()["Vpcs"] == []
    assert client.describe_route_tables()["RouteTables"] == []
    assert client.describe_security_groups()["SecurityGroups"] == []


def test_vpc_attributes(client: Any) -> None:
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert client.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")[
        "EnableDnsSupport"
    ] == {"Value": True}
    assert client.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"
    ] == {"Value": False}
    client.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert client.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"
    ] == {"Value": True}
    code, _, _ = error_of(
        client.modify_vpc_attribute,
        VpcId=vpc,
        EnableDnsHostnames={"Value": False},
        EnableDnsSupport={"Value": False},
    )
    assert code == "InvalidParameterCombination"
    code, _, _ = error_of(client.modify_vpc_attribute, VpcId=vpc, EnableDnsSupport={"Value": False})
    assert code == "InvalidParameterValue"  # hostnames need DNS resolution
    assert client.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")[
        "EnableDnsSupport"
    ] == {"Value": True}
    code, _, _ = error_of(
        client.describe_vpc_attribute, VpcId="vpc-0123456789abcdef0", Attribute="enableDnsSupport"
    )
    assert code == "InvalidVpcID.NotFound"


def test_delete_vpc_waits_for_its_subnets(client: Any) -> None:
    vpc, subnet = vpc_with_subnet(client)
    code, status, message = error_of(client.delete_vpc, VpcId=vpc)
    assert (code, status) == ("DependencyViolation", 400) and subnet in message
    assert [v["VpcId"] for v in client.describe_vpcs()["Vpcs"]] == [vpc]
    client.delete_subnet(SubnetId=subnet)
    client.delete_vpc(VpcId=vpc)
    assert client.describe_vpcs()["Vpcs"] == []
    assert client.describe_route_tables()["RouteTables"] == []  # the main table went with it
    assert client.describe_security_groups()["SecurityGroups"] == []
    code, _, message = error_of(client.delete_vpc, VpcId=vpc)
    assert code == "InvalidVpcID.NotFound" and f"The vpc ID '{vpc}' does not exist" in message
    assert error_of(client.delete_vpc, VpcId="subnet-1")[0] == "InvalidVpcID.Malformed"


def test_subnets(client: Any) -> None:
    vpc, subnet = vpc_with_subnet(client)
    got = client.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
    assert got["CidrBlock"] == "10.0.1.0/24" and got["VpcId"] == vpc
    assert got["AvailableIpAddressCount"] == 251  # AWS keeps 5 addresses of each subnet
    assert got["AvailabilityZone"] == "us-east-1a"
    other = client.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")[
        "Subnet"
    ]
    assert other["AvailabilityZoneId"] == "use1-az2"
    assert [
        s["SubnetId"]
        for s in client.describe_subnets(
            Filters=[{"Name": "availability-zone", "Values": ["us-east-1b"]}]
        )["Subnets"]
    ] == [other["SubnetId"]]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"CidrBlock": "10.1.0.0/24"}, "InvalidSubnet.Range"),  # outside the VPC
        ({"CidrBlock": "10.0.0.0/15"}, "InvalidSubnet.Range"),
        ({"CidrBlock": "10.0.1.128/25"}, "InvalidSubnet.Conflict"),  # overlaps 10.0.1.0/24
        ({"CidrBlock": "10.0.3.0/29"}, "InvalidSubnet.Range"),
        ({"CidrBlock": "10.0.3.0/24", "AvailabilityZone": "eu-west-1a"}, "InvalidParameterValue"),
        ({"CidrBlock": "10.0.3.0/24", "VpcId": "vpc-0123456789abcdef0"}, "InvalidVpcID.NotFound"),
    ],
)
def test_bad_subnet_is_refused_and_nothing_made(
    client: Any, kwargs: dict[str, Any], code: str
) -> None:
    vpc, subnet = vpc_with_subnet(client)
    got, status, _ = error_of(client.create_subnet, **{"VpcId": vpc, **kwargs})
    assert (got, status) == (code, 400)
    assert [s["SubnetId"] for s in client.describe_subnets()["Subnets"]] == [subnet]


def test_zones_and_account_attributes(client: Any) -> None:
    zones = client.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert all(z["State"] == "available" and z["RegionName"] == "us-east-1" for z in zones)
    assert (
        error_of(client.describe_availability_zones, ZoneNames=["us-west-2a"])[0]
        == "InvalidParameterValue"
    )
    attrs = {
        a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
        for a in client.describe_account_attributes()["AccountAttributes"]
    }
    assert attrs["supported-platforms"] == ["VPC"] and attrs["default-vpc"] == ["none"]


def test_accounts_do_not_see_each_other(server: Any, client: Any) -> None:
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    stranger = ec2(server, "999999999997")
    assert stranger.describe_vpcs()["Vpcs"] == []
    assert error_of(stranger.delete_vpc, VpcId=vpc)[0] == "InvalidVpcID.NotFound"
