"""boto3's ec2 client against a dxlab server, and what a failing EC2 call answered."""

from __future__ import annotations

from typing import Any

import boto3

from tests.aws_errors import error_of

__all__ = ["ec2", "error_of", "main_route_table", "vpc_with_subnet"]


def ec2(server: Any, account: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        "ec2",
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id=account,  # a 12-digit key id selects the account
        aws_secret_access_key="dxlab-test-secret",
    )


def main_route_table(client: Any, vpc: str) -> str:
    """The route table of a VPC made by CreateVpc (its main one, the only one it has)."""
    return str(
        client.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][
            0
        ]["RouteTableId"]
    )


def vpc_with_subnet(
    client: Any, cidr: str = "10.0.0.0/16", subnet: str = "10.0.1.0/24"
) -> tuple[str, str]:
    vpc = client.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    sub = client.create_subnet(VpcId=vpc, CidrBlock=subnet)["Subnet"]["SubnetId"]
    return vpc, sub


def ec2_walk_through(
    server: Any, dx: Any, account: str, ingress: dict[str, Any], image: str, address: str
) -> dict[str, Any]:
    """The guide's steps 3 and 5 through EC2 (maximum_resiliency.md): four connections in two
    locations from the wizard, a VPC with its VGW (its own ASN) behind a Direct Connect
    gateway, a VIF per connection, the customer side without `vpcs:`, a security group with
    `ingress`, an instance at `address`, and VGW route propagation on."""
    import yaml

    from dxlab.cli.client import ext
    from tests.scenario import TOPOLOGY, _wait_available

    order = ext(
        server.endpoint,
        "POST",
        "/wizard/order",
        {"model": "maximum", "bandwidth": "10Gbps", "locations": ["EqDC2", "CSVA1"]},
        account=account,
    )
    conns = order["connectionIds"]
    client = ec2(server, account)
    vpc, subnet = vpc_with_subnet(client, "10.100.0.0/16", "10.100.1.0/24")
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"][
        "VpnGatewayId"
    ]
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    rtb = main_route_table(client, vpc)
    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    sg = client.create_security_group(
        GroupName="ping", Description="ICMP from the data centers", VpcId=vpc
    )["GroupId"]
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[ingress])
    instance = client.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        PrivateIpAddress=address,
    )["Instances"][0]
    dxgw = dx.create_direct_connect_gateway(directConnectGatewayName="dxgw", amazonSideAsn=64512)[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    dx.create_direct_connect_gateway_association(directConnectGatewayId=dxgw, gatewayId=vgw)
    vifs = [
        dx.create_private_virtual_interface(
            connectionId=cid,
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"vif-{i}",
                "vlan": 101 + i,
                "asn": 65000,
                "directConnectGatewayId": dxgw,
            },
        )["virtualInterfaceId"]
        for i, cid in enumerate(conns)
    ]
    data = yaml.safe_load(
        TOPOLOGY.format(c0=conns[0], c1=conns[1], c2=conns[2], c3=conns[3], vgw=vgw, icmp="true")
    )
    del data["vpcs"]  # the AWS side comes from EC2
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml.safe_dump(data)}, account=account)
    _wait_available(dx, vifs)
    return {
        "client": client,
        "vpc": vpc,
        "vgw": vgw,
        "rtb": rtb,
        "sg": sg,
        "instance": instance["InstanceId"],
    }
