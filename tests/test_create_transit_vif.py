"""Step 3 for transit virtual interfaces (direct-connect-transit-gateways.md): always to
a Direct Connect gateway, MTU 1500 or 8500, at most 4 per dedicated connection, and
never on a gateway that serves private VIFs. The server has a test clock: the jumbo frame
outage ends when the test moves time."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.conftest import ServerProcess
from tests.failover_support import advance, clock_server  # noqa: F401  (`server`, with a test clock)
from tests.vif_support import (
    connection,
    dx_gateway,
    private_vif,
    refused,
    vifs,
    virtual_gateway,
    wait_state,
)


def transit_spec(gw: str | None, vlan: int = 400, **extra: Any) -> dict[str, Any]:
    spec = {"virtualInterfaceName": f"transit-{vlan}", "vlan": vlan, "asn": 65100, **extra}
    if gw:
        spec["directConnectGatewayId"] = gw
    return spec


def test_transit_vif_to_a_direct_connect_gateway(
    server: ServerProcess, dx: Any, account: str
) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx, asn=64700)
    out = dx.create_transit_virtual_interface(
        connectionId=cid, newTransitVirtualInterface=transit_spec(gw, mtu=8500)
    )
    made = out["virtualInterface"]
    assert made["virtualInterfaceType"] == "transit" and made["ownerAccount"] == account
    assert (made["directConnectGatewayId"], made["amazonSideAsn"], made["mtu"]) == (gw, 64700, 8500)
    assert made["virtualInterfaceState"] == "pending"
    # A jumbo MTU on a connection that was not yet jumbo frame capable makes it so.
    assert dx.describe_connections(connectionId=cid)["connections"][0]["jumboFrameCapable"] is True
    advance(server, 1.1)  # the jumbo frame outage (1 s in instant mode) is over
    up = wait_state(dx, made["virtualInterfaceId"], "available", timeout=5)
    assert up["bgpPeers"][0]["bgpStatus"] == "up" and up["jumboFrameCapable"] is True


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"mtu": 9001}, ["MTU 9001", "1500 or 8500"]),
        ({"directConnectGatewayId": None}, ["directConnectGatewayId", "transit"]),
        ({"vlan": 5000}, ["VLAN 5000"]),
        ({"asnLong": 0}, ["BGP ASN 0"]),
    ],
)
def test_bad_transit_vif_is_refused_and_nothing_changes(
    dx: Any, change: dict[str, Any], words: list[str]
) -> None:
    cid = connection(dx)
    spec = {k: v for k, v in {**transit_spec(dx_gateway(dx)), **change}.items() if v is not None}
    refused(
        dx.create_transit_virtual_interface,
        *words,
        connectionId=cid,
        newTransitVirtualInterface=spec,
    )
    assert vifs(dx) == []


def test_transit_vif_needs_a_direct_connect_gateway_not_a_vgw(
    dx: Any, server: Any, account: str
) -> None:
    cid = connection(dx)
    vgw = virtual_gateway(server, account)
    refused(
        dx.create_transit_virtual_interface,
        f"The Direct Connect Gateway {vgw} does not exist",
        connectionId=cid,
        newTransitVirtualInterface=transit_spec(vgw),
    )
    assert vifs(dx) == []


def test_four_transit_vifs_per_connection(dx: Any) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx)
    for vlan in range(1, 5):
        dx.create_transit_virtual_interface(
            connectionId=cid, newTransitVirtualInterface=transit_spec(gw, vlan)
        )
    refused(
        dx.create_transit_virtual_interface,
        cid,
        "4 transit",
        connectionId=cid,
        newTransitVirtualInterface=transit_spec(gw, 5),
    )
    assert len(vifs(dx)) == 4
    # Private VIFs count separately (limits.md: 50 private/public and the transit ones).
    private_vif(dx, cid, dx_gateway(dx, name="private"), vlan=6)


def test_a_gateway_serves_private_or_transit_vifs_not_both(dx: Any) -> None:
    cid = connection(dx)
    private_gw, transit_gw = dx_gateway(dx, name="p"), dx_gateway(dx, name="t")
    private_vif(dx, cid, private_gw, vlan=1)
    dx.create_transit_virtual_interface(
        connectionId=cid, newTransitVirtualInterface=transit_spec(transit_gw, 2)
    )
    refused(
        dx.create_transit_virtual_interface,
        private_gw,
        "private virtual interfaces",
        connectionId=cid,
        newTransitVirtualInterface=transit_spec(private_gw, 3),
    )
    refused(
        dx.create_private_virtual_interface,
        transit_gw,
        "transit virtual interfaces",
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "p",
            "vlan": 4,
            "asn": 65000,
            "directConnectGatewayId": transit_gw,
        },
    )
    assert len(vifs(dx)) == 2


def test_gateway_associations_decide_the_vif_type(dx: Any, server: Any, account: str) -> None:
    """direct-connect-transit-gateways.md: a Direct Connect gateway associated with a
    transit gateway takes transit VIFs; one associated with a VGW, private VIFs."""
    cid = connection(dx)
    to_tgw, to_vgw = (
        dx_gateway(dx, name="tgw-side", asn=64512),
        dx_gateway(dx, name="vgw-side", asn=64512),
    )
    tgw = ext(
        server.endpoint,
        "POST",
        "/transit-gateways",
        {"amazonSideAsn": 65010, "vpcCidrs": ["10.1.0.0/16"]},
        account=account,
    )["transitGatewayId"]
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=to_tgw,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.1.0.0/16"}],
    )
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=to_vgw,
        gatewayId=virtual_gateway(server, account, cidr="10.2.0.0/16"),
    )
    refused(
        dx.create_private_virtual_interface,
        to_tgw,
        "transit gateway",
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "p",
            "vlan": 1,
            "asn": 65000,
            "directConnectGatewayId": to_tgw,
        },
    )
    refused(
        dx.create_transit_virtual_interface,
        to_vgw,
        "virtual private gateway",
        connectionId=cid,
        newTransitVirtualInterface=transit_spec(to_vgw, 2),
    )
    assert vifs(dx) == []
    private_vif(dx, cid, to_vgw, vlan=3)
    dx.create_transit_virtual_interface(
        connectionId=cid, newTransitVirtualInterface=transit_spec(to_tgw, 4)
    )
