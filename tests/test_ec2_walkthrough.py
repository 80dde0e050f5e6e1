"""Steps 3 and 5 of maximum_resiliency.md with the AWS side made through EC2, as the
guide words them: "the virtual private gateway for your VPC" (with the Amazon-side ASN
chosen when it was created) behind a Direct Connect gateway, private VIFs to it, and
"launch an EC2 instance into the VPC that is attached to your virtual private gateway",
whose security group permits inbound ICMP; "get its private IPv4 address"."""

from __future__ import annotations

from typing import Any

from tests.ec2_support import ec2, error_of, main_route_table, vpc_with_subnet
from tests.vif_support import connection, dx_gateway, refused


def test_step_3_with_an_ec2_virtual_private_gateway(server: Any, dx: Any, account: str) -> None:
    client = ec2(server, account)
    vpc, subnet = vpc_with_subnet(client, "10.100.0.0/16", "10.100.1.0/24")
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"][
        "VpnGatewayId"
    ]
    con_a, con_b = connection(dx, "dc-a"), connection(dx, "dc-b", location="CSVA1")
    # Not attached to a VPC, the VGW cannot be associated with a Direct Connect gateway.
    dxgw = dx_gateway(dx, asn=64512)
    refused(
        dx.create_direct_connect_gateway_association,
        "attached",
        directConnectGatewayId=dxgw,
        gatewayId=vgw,
    )
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    rtb = main_route_table(client, vpc)
    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    # A private VIF straight to the VGW: its session uses the VGW's own ASN.
    direct = dx.create_private_virtual_interface(
        connectionId=con_a,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "to-vgw",
            "vlan": 101,
            "asn": 65000,
            "virtualGatewayId": vgw,
        },
    )
    assert direct["virtualGatewayId"] == vgw and direct["amazonSideAsn"] == 65010
    dx.delete_virtual_interface(virtualInterfaceId=direct["virtualInterfaceId"])
    # The maximum resiliency shape: the VGW behind a Direct Connect gateway, a VIF per connection.
    assoc = dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw, gatewayId=vgw
    )["directConnectGatewayAssociation"]
    assert assoc["associatedGateway"] == {
        "id": vgw,
        "type": "virtualPrivateGateway",
        "ownerAccount": account,
        "region": "us-east-1",
    }
    assert assoc["allowedPrefixesToDirectConnectGateway"] == [{"cidr": "10.100.0.0/16"}]
    for i, con in enumerate((con_a, con_b)):
        vif = dx.create_private_virtual_interface(
            connectionId=con,
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"vif-{i}",
                "vlan": 201 + i,
                "asn": 65000,
                "directConnectGatewayId": dxgw,
            },
        )
        assert vif["directConnectGatewayId"] == dxgw
    # While Direct Connect uses it, EC2 cannot delete it (nor the VPC behind it).
    assert error_of(client.delete_vpn_gateway, VpnGatewayId=vgw)[0] == "IncorrectState"
    assert error_of(client.delete_vpc, VpcId=vpc)[0] == "DependencyViolation"
    assert dx.describe_virtual_gateways()["virtualGateways"] == [
        {"virtualGatewayId": vgw, "virtualGatewayState": "available"}
    ]

    # Step 5: the instance in the VPC, its group permitting inbound ICMP, its private IPv4 address.
    sg = client.create_security_group(
        GroupName="ping", Description="ICMP from the data centers", VpcId=vpc
    )["GroupId"]
    client.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            }
        ],
    )
    iid = client.run_instances(
        ImageId="ami-0abcdef1234567890",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
    )["Instances"][0]["InstanceId"]
    (instance,) = client.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"]
    assert instance["State"]["Name"] == "running" and instance["PrivateIpAddress"] == "10.100.1.4"
