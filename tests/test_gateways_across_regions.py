"""A Direct Connect gateway is global (direct-connect-gateways-intro.md): it associates
with VGWs and transit gateways of other Regions than the one it was made in, and takes
VIFs from every Region. EC2's gateways are regional: the association is asked in the
gateway's own Region, as the real service resolves it there."""

from __future__ import annotations

from typing import Any

import boto3

from tests.aws_errors import error_of
from tests.conftest import ServerProcess


def _ec2(server: ServerProcess, account: str, region: str) -> Any:
    return boto3.client(
        "ec2",
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="x",
    )


def test_a_transit_gateway_of_another_region_associates_and_takes_a_transit_vif(
    server: ServerProcess, account: str
) -> None:
    east = server.client(account)
    gid = east.create_direct_connect_gateway(
        directConnectGatewayName="global", amazonSideAsn=64512
    )["directConnectGateway"]["directConnectGatewayId"]
    # A transit gateway of ap-southeast-2, made through EC2 as users make it.
    sydney_ec2 = _ec2(server, account, "ap-southeast-2")
    tgw = sydney_ec2.create_transit_gateway(Options={"AmazonSideAsn": 64600})["TransitGateway"][
        "TransitGatewayId"
    ]
    # Asked in another Region, EC2's regional gateway is not there; nothing is made.
    code, status, message = error_of(
        east.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.60.0.0/16"}],
    )
    assert (code, status) == ("DirectConnectClientException", 400) and tgw in message
    assert (
        east.describe_direct_connect_gateway_associations(directConnectGatewayId=gid)[
            "directConnectGatewayAssociations"
        ]
        == []
    )
    sydney = server.client(account, region="ap-southeast-2")
    made = sydney.create_direct_connect_gateway_association(
        directConnectGatewayId=gid,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.60.0.0/16"}],
    )["directConnectGatewayAssociation"]
    assert made["associatedGateway"] == {
        "id": tgw,
        "type": "transitGateway",
        "ownerAccount": account,
        "region": "ap-southeast-2",
    }
    # Every Region sees the global gateway's association.
    for dx in (east, server.client(account, region="eu-central-1")):
        [seen] = dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gid)[
            "directConnectGatewayAssociations"
        ]
        assert seen["associationId"] == made["associationId"]
        assert seen["associatedGateway"]["region"] == "ap-southeast-2"
    # A transit VIF of a third Region attaches to the same gateway.
    west = server.client(account, region="us-west-2")
    cid = west.create_connection(location="EqSe2-EQ", bandwidth="10Gbps", connectionName="west")[
        "connectionId"
    ]
    vif = west.create_transit_virtual_interface(
        connectionId=cid,
        newTransitVirtualInterface={
            "virtualInterfaceName": "to-sydney",
            "vlan": 300,
            "asn": 65000,
            "directConnectGatewayId": gid,
        },
    )["virtualInterface"]
    assert vif["region"] == "us-west-2"
    [attachment] = east.describe_direct_connect_gateway_attachments(directConnectGatewayId=gid)[
        "directConnectGatewayAttachments"
    ]
    assert (attachment["virtualInterfaceId"], attachment["virtualInterfaceRegion"]) == (
        vif["virtualInterfaceId"],
        "us-west-2",
    )


def test_an_arn_names_the_resources_home(server: ServerProcess, account: str) -> None:
    """A global gateway's ARN has no Region and works through every Region's endpoint; a
    connection's names its Region. An ARN with another home names nothing (it was taken
    in us-east-1 only, for a gateway, and without a Region for a connection anywhere)."""
    east, west = server.client(account), server.client(account, region="eu-west-1")
    gid = east.create_direct_connect_gateway(directConnectGatewayName="g")["directConnectGateway"][
        "directConnectGatewayId"
    ]
    tags = [{"key": "env", "value": "lab"}]
    east.tag_resource(resourceArn=f"arn:aws:directconnect::{account}:dx-gateway/{gid}", tags=tags)
    for dx in (east, west):
        arn = f"arn:aws:directconnect::{account}:dx-gateway/{gid}"
        assert dx.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == tags
        regional = f"arn:aws:directconnect:us-east-1:{account}:dx-gateway/{gid}"
        code, status, message = error_of(dx.describe_tags, resourceArns=[regional])
        assert (code, status) == ("DirectConnectClientException", 400)
        assert message == f"Could not find resource {regional}"
    cid = west.create_connection(location="EqLD5", bandwidth="1Gbps", connectionName="c")[
        "connectionId"
    ]
    assert (
        west.describe_tags(resourceArns=[f"arn:aws:directconnect:eu-west-1:{account}:dxcon/{cid}"])[
            "resourceTags"
        ][0]["tags"]
        == []
    )
    for dx in (east, west):
        no_region = f"arn:aws:directconnect::{account}:dxcon/{cid}"
        assert error_of(dx.tag_resource, resourceArn=no_region, tags=tags)[2] == (
            f"Could not find resource {no_region}"
        )
    assert west.describe_connections(connectionId=cid)["connections"][0]["tags"] == []
