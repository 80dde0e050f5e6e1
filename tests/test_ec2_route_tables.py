"""The VPC's main route table, static routes and VGW route propagation (VPC user guide,
"Route tables", "Route propagation")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ec2_support import ec2, error_of, vpc_with_subnet


@pytest.fixture
def client(server: Any, account: str) -> Any:
    return ec2(server, account)


def _main_table(client: Any, vpc: str) -> dict[str, Any]:
    filters = [
        {"Name": "vpc-id", "Values": [vpc]},
        {"Name": "association.main", "Values": ["true"]},
    ]
    (table,) = client.describe_route_tables(Filters=filters)["RouteTables"]
    return table  # type: ignore[no-any-return]


def _attached_vgw(client: Any, vpc: str) -> str:
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"][
        "VpnGatewayId"
    ]
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    return vgw  # type: ignore[no-any-return]


def test_static_route_to_the_vgw(client: Any) -> None:
    vpc, _ = vpc_with_subnet(client)
    vgw = _attached_vgw(client, vpc)
    rtb = _main_table(client, vpc)["RouteTableId"]
    assert (
        client.create_route(RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16", GatewayId=vgw)[
            "Return"
        ]
        is True
    )
    routes = _main_table(client, vpc)["Routes"]
    assert {
        "DestinationCidrBlock": "10.1.0.0/16",
        "GatewayId": vgw,
        "Origin": "CreateRoute",
        "State": "active",
    } in routes
    code, status, _ = error_of(
        client.create_route, RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16", GatewayId=vgw
    )
    assert (code, status) == ("RouteAlreadyExists", 400)
    client.delete_route(RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16")
    assert [r["GatewayId"] for r in _main_table(client, vpc)["Routes"]] == ["local"]
    code, _, message = error_of(
        client.delete_route, RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16"
    )
    assert code == "InvalidRoute.NotFound" and rtb in message


@pytest.mark.parametrize(
    ("dest", "target", "code"),
    [
        ("10.1.0.0/16", "other-vgw", "InvalidParameterValue"),  # a VGW of another VPC
        ("10.1.0.0/16", "vgw-0123456789abcdef0", "InvalidGatewayID.NotFound"),
        ("10.0.5.0/24", "vgw", "InvalidParameterValue"),  # inside the VPC's own block
        ("10.1.0.0/33", "vgw", "InvalidParameterValue"),
    ],
)
def test_bad_route_is_refused_and_table_unchanged(
    client: Any, dest: str, target: str, code: str
) -> None:
    vpc, _ = vpc_with_subnet(client)
    vgw = _attached_vgw(client, vpc)
    other_vpc = client.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    other_vgw = _attached_vgw(client, other_vpc)
    gateway = {"vgw": vgw, "other-vgw": other_vgw}.get(target, target)
    before = _main_table(client, vpc)
    got, status, _ = error_of(
        client.create_route,
        RouteTableId=before["RouteTableId"],
        DestinationCidrBlock=dest,
        GatewayId=gateway,
    )
    assert (got, status) == (code, 400)
    assert _main_table(client, vpc) == before


def test_local_route_cannot_be_deleted(client: Any) -> None:
    vpc, _ = vpc_with_subnet(client)
    table = _main_table(client, vpc)
    code, _, message = error_of(
        client.delete_route, RouteTableId=table["RouteTableId"], DestinationCidrBlock="10.0.0.0/16"
    )
    assert code == "InvalidParameterValue" and "local route" in message
    assert _main_table(client, vpc) == table


def test_vgw_route_propagation(client: Any) -> None:
    vpc, _ = vpc_with_subnet(client)
    rtb = _main_table(client, vpc)["RouteTableId"]
    lone = client.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    code, status, message = error_of(
        client.enable_vgw_route_propagation, RouteTableId=rtb, GatewayId=lone
    )
    assert (code, status) == ("Gateway.NotAttached", 400) and vpc in message
    assert _main_table(client, vpc)["PropagatingVgws"] == []
    vgw = _attached_vgw(client, vpc)
    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert _main_table(client, vpc)["PropagatingVgws"] == [{"GatewayId": vgw}]
    client.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert _main_table(client, vpc)["PropagatingVgws"] == []
    client.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    client.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)  # a detached VGW propagates nothing
    assert _main_table(client, vpc)["PropagatingVgws"] == []
    assert (
        error_of(client.describe_route_tables, RouteTableIds=["rtb-0123456789abcdef0"])[0]
        == "InvalidRouteTableID.NotFound"
    )
