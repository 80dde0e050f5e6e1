"""Virtual private gateways and transit gateways made through EC2 are THE gateways
Direct Connect uses (virtualgateways.md, direct-connect-transit-gateways.md): one record,
whichever API made it. Tags over every EC2 resource."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ec2_support import ec2, error_of, vpc_with_subnet
from tests.gateway_support import dxgw

DXLAB = Path(sys.executable).parent / "dxlab"


@pytest.fixture
def client(server: Any, account: str) -> Any:
    return ec2(server, account)


def test_vgw_lifecycle_and_its_direct_connect_view(client: Any, dx: Any) -> None:
    made = client.create_vpn_gateway(
        Type="ipsec.1",
        AmazonSideAsn=65010,
        TagSpecifications=[
            {"ResourceType": "vpn-gateway", "Tags": [{"Key": "Name", "Value": "dx"}]}
        ],
    )["VpnGateway"]
    vgw = made["VpnGatewayId"]
    assert re.fullmatch(r"vgw-[0-9a-f]{17}", vgw)
    assert (made["State"], made["AmazonSideAsn"], made["VpcAttachments"]) == (
        "available",
        65010,
        [],
    )
    assert dx.describe_virtual_gateways()["virtualGateways"] == [
        {"virtualGatewayId": vgw, "virtualGatewayState": "available"}
    ]
    vpc, _ = vpc_with_subnet(client)
    assert client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)["VpcAttachment"]["VpcId"] == vpc
    (described,) = client.describe_vpn_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}]
    )["VpnGateways"]
    assert described["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]
    assert described["Tags"] == [{"Key": "Name", "Value": "dx"}]
    code, status, message = error_of(client.delete_vpn_gateway, VpnGatewayId=vgw)
    assert (code, status) == ("IncorrectState", 400) and vpc in message
    assert error_of(client.delete_vpc, VpcId=vpc)[0] == "DependencyViolation"
    client.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert (
        client.describe_vpn_gateways(VpnGatewayIds=[vgw])["VpnGateways"][0]["VpcAttachments"] == []
    )
    code, _, _ = error_of(client.detach_vpn_gateway, VpcId=vpc, VpnGatewayId=vgw)
    assert code == "InvalidVpnGatewayAttachment.NotFound"
    client.delete_vpn_gateway(VpnGatewayId=vgw)
    assert client.describe_vpn_gateways()["VpnGateways"] == []
    assert dx.describe_virtual_gateways()["virtualGateways"] == []
    assert (
        error_of(client.describe_vpn_gateways, VpnGatewayIds=[vgw])[0]
        == "InvalidVpnGatewayID.NotFound"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"Type": "ipsec.1", "AmazonSideAsn": 65535}, "InvalidParameterValue"),
        ({"Type": "ipsec.1", "AmazonSideAsn": 7224}, "InvalidParameterValue"),
        ({"Type": "ipsec.2"}, "InvalidParameterValue"),
        (
            {
                "Type": "ipsec.1",
                "TagSpecifications": [
                    {"ResourceType": "vpc", "Tags": [{"Key": "k", "Value": "v"}]}
                ],
            },
            "InvalidParameterValue",
        ),
    ],
)
def test_bad_vgw_is_refused_and_nothing_made(
    client: Any, dx: Any, kwargs: dict[str, Any], code: str
) -> None:
    assert error_of(client.create_vpn_gateway, **kwargs)[:2] == (code, 400)
    assert client.describe_vpn_gateways()["VpnGateways"] == []
    assert dx.describe_virtual_gateways()["virtualGateways"] == []


def test_one_vgw_per_vpc_and_one_vpc_per_vgw(client: Any) -> None:
    vpc, _ = vpc_with_subnet(client)
    other = client.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    vgw = client.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    second = client.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    before = client.describe_vpn_gateways()["VpnGateways"]
    assert (
        error_of(client.attach_vpn_gateway, VpcId=other, VpnGatewayId=vgw)[0]
        == "VpnGatewayAttachmentLimitExceeded"
    )
    assert (
        error_of(client.attach_vpn_gateway, VpcId=vpc, VpnGatewayId=second)[0]
        == "VpnGatewayAttachmentLimitExceeded"
    )
    assert (
        error_of(client.attach_vpn_gateway, VpcId="vpc-0123456789abcdef0", VpnGatewayId=second)[0]
        == "InvalidVpcID.NotFound"
    )
    assert client.describe_vpn_gateways()["VpnGateways"] == before


def test_ec2_vgw_behind_a_direct_connect_gateway(client: Any, dx: Any) -> None:
    vpc, _ = vpc_with_subnet(client, "10.20.0.0/16", "10.20.1.0/24")
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65020)["VpnGateway"][
        "VpnGatewayId"
    ]
    gid = dxgw(dx)
    # virtualgateways.md: a VGW must be attached to a VPC to be associated.
    assert (
        error_of(
            dx.create_direct_connect_gateway_association, directConnectGatewayId=gid, gatewayId=vgw
        )[0]
        == "DirectConnectClientException"
    )
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    made = dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=vgw)[
        "directConnectGatewayAssociation"
    ]
    assert made["associatedGateway"]["id"] == vgw
    # The allowed prefixes default to the VPC's CIDR, as AttachVpnGateway put it behind the VGW.
    assert made["allowedPrefixesToDirectConnectGateway"] == [{"cidr": "10.20.0.0/16"}]
    code, _, _ = error_of(client.delete_vpn_gateway, VpnGatewayId=vgw)
    assert code == "IncorrectState"
    # virtualgateways.md: detaching also disassociates it from the Direct Connect gateway.
    client.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    left = dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gid)[
        "directConnectGatewayAssociations"
    ]
    assert all(a["associationState"] in ("disassociating", "disassociated") for a in left)


def test_dxlab_vgw_create_is_a_shortcut_over_ec2(server: Any, client: Any, account: str) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "x",
        "COLUMNS": "200",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        [
            str(DXLAB),
            "vgw",
            "create",
            "--endpoint",
            server.endpoint,
            "--asn",
            "65030",
            "--vpc-cidr",
            "10.30.0.0/16",
            "--vpc-cidr",
            "10.31.0.0/16",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (vgw,) = client.describe_vpn_gateways()["VpnGateways"]
    assert vgw["AmazonSideAsn"] == 65030 and vgw["VpnGatewayId"] in done.stdout
    (vpc,) = client.describe_vpcs()["Vpcs"]
    assert vpc["CidrBlock"] == "10.30.0.0/16"
    assert [a["CidrBlock"] for a in vpc["CidrBlockAssociationSet"]] == [
        "10.30.0.0/16",
        "10.31.0.0/16",
    ]
    assert vgw["VpcAttachments"] == [{"VpcId": vpc["VpcId"], "State": "attached"}]
    assert [g["GroupName"] for g in client.describe_security_groups()["SecurityGroups"]] == [
        "default"
    ]


def test_transit_gateway_and_its_vpc_attachments(client: Any) -> None:
    tgw = client.create_transit_gateway(Description="core", Options={"AmazonSideAsn": 64600})[
        "TransitGateway"
    ]
    tid = tgw["TransitGatewayId"]
    assert re.fullmatch(r"tgw-[0-9a-f]{17}", tid) and tgw["Options"]["AmazonSideAsn"] == 64600
    assert (
        client.describe_transit_gateways(TransitGatewayIds=[tid])["TransitGateways"][0]["State"]
        == "available"
    )
    vpc, subnet = vpc_with_subnet(client)
    second_in_zone = client.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    code, _, _ = error_of(
        client.create_transit_gateway_vpc_attachment,
        TransitGatewayId=tid,
        VpcId=vpc,
        SubnetIds=[subnet, second_in_zone],
    )
    assert code == "DuplicateSubnetsInSameZone"
    assert client.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"] == []
    att = client.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tid, VpcId=vpc, SubnetIds=[subnet]
    )["TransitGatewayVpcAttachment"]
    aid = att["TransitGatewayAttachmentId"]
    assert re.fullmatch(r"tgw-attach-[0-9a-f]{17}", aid) and att["SubnetIds"] == [subnet]
    assert (
        error_of(
            client.create_transit_gateway_vpc_attachment,
            TransitGatewayId=tid,
            VpcId=vpc,
            SubnetIds=[subnet],
        )[0]
        == "DuplicateTransitGatewayAttachment"
    )
    (listed,) = client.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["vpc"]}]
    )["TransitGatewayAttachments"]
    assert (listed["ResourceId"], listed["State"]) == (vpc, "available")
    assert error_of(client.delete_transit_gateway, TransitGatewayId=tid)[0] == "IncorrectState"
    assert error_of(client.delete_subnet, SubnetId=subnet)[0] == "DependencyViolation"
    assert error_of(client.delete_vpc, VpcId=vpc)[0] == "DependencyViolation"
    assert (
        client.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=aid)[
            "TransitGatewayVpcAttachment"
        ]["State"]
        == "deleting"
    )
    assert (
        client.delete_transit_gateway(TransitGatewayId=tid)["TransitGateway"]["State"] == "deleting"
    )
    assert client.describe_transit_gateways()["TransitGateways"] == []
    code, _, message = error_of(client.describe_transit_gateways, TransitGatewayIds=[tid])
    assert code == "InvalidTransitGatewayID.NotFound" and tid in message
    assert (
        error_of(client.create_transit_gateway, Options={"AmazonSideAsn": 100})[0]
        == "InvalidParameterValue"
    )
    assert client.describe_transit_gateways()["TransitGateways"] == []


def test_tgw_behind_a_direct_connect_gateway_shows_its_attachment(client: Any, dx: Any) -> None:
    tid = client.create_transit_gateway(Options={"AmazonSideAsn": 64601})["TransitGateway"][
        "TransitGatewayId"
    ]
    vpc, subnet = vpc_with_subnet(client, "10.40.0.0/16", "10.40.1.0/24")
    client.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tid, VpcId=vpc, SubnetIds=[subnet]
    )
    gid = dxgw(dx, "transit", asn=64700)
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=gid,
        gatewayId=tid,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.40.0.0/16"}],
    )
    found = client.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["direct-connect-gateway"]}]
    )
    (att,) = found["TransitGatewayAttachments"]
    assert (att["TransitGatewayId"], att["ResourceId"], att["State"]) == (tid, gid, "available")


def test_tags(client: Any) -> None:
    vpc, subnet = vpc_with_subnet(client)
    vgw = client.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    client.create_tags(
        Resources=[vpc, subnet, vgw],
        Tags=[{"Key": "env", "Value": "lab"}, {"Key": "team", "Value": "net"}],
    )
    found = client.describe_tags(Filters=[{"Name": "key", "Values": ["env"]}])["Tags"]
    assert {(t["ResourceId"], t["ResourceType"]) for t in found} == {
        (vpc, "vpc"),
        (subnet, "subnet"),
        (vgw, "vpn-gateway"),
    }
    assert (
        client.describe_subnets(Filters=[{"Name": "tag:team", "Values": ["net"]}])["Subnets"][0][
            "SubnetId"
        ]
        == subnet
    )
    client.delete_tags(
        Resources=[vpc], Tags=[{"Key": "env", "Value": "other"}]
    )  # a value that does not match
    client.delete_tags(Resources=[vpc], Tags=[{"Key": "team"}])
    assert client.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == [{"Key": "env", "Value": "lab"}]
    before = client.describe_tags()["Tags"]
    code, status, _ = error_of(
        client.create_tags,
        Resources=[vpc, "vpc-0123456789abcdef0"],
        Tags=[{"Key": "x", "Value": "y"}],
    )
    assert (code, status) == ("InvalidVpcID.NotFound", 400)
    assert (
        error_of(client.create_tags, Resources=["ami-1"], Tags=[{"Key": "x", "Value": "y"}])[0]
        == "InvalidID"
    )
    assert (
        error_of(client.create_tags, Resources=[vpc], Tags=[{"Key": "aws:x", "Value": "y"}])[0]
        == "InvalidParameterValue"
    )
    assert client.describe_tags()["Tags"] == before


def test_the_transit_gateways_default_route_table(client: Any) -> None:
    tgw = client.create_transit_gateway()["TransitGateway"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    vpc, subnet = vpc_with_subnet(client)
    aid = client.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[subnet]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    (listed,) = client.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
    assert (listed["TransitGatewayRouteTableId"], listed["DefaultAssociationRouteTable"]) == (
        table,
        True,
    )
    assoc = client.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)[
        "Associations"
    ]
    assert assoc == [
        {
            "TransitGatewayAttachmentId": aid,
            "ResourceId": vpc,
            "ResourceType": "vpc",
            "State": "associated",
        }
    ]
    props = client.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)
    assert [p["State"] for p in props["TransitGatewayRouteTablePropagations"]] == ["enabled"]
    code, _, _ = error_of(
        client.get_transit_gateway_route_table_associations,
        TransitGatewayRouteTableId="tgw-rtb-0123456789abcdef0",
    )
    assert code == "InvalidRouteTableID.NotFound"
