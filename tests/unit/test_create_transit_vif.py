"""Transit virtual interfaces (direct-connect-transit-gateways.md, limits.md) in
milliseconds: always to a Direct Connect gateway, MTU 1500 or 8500, 4 per dedicated
connection, never on a gateway that serves private VIFs."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from tests.unit.service import Service


def transit(gw: str | None, vlan: int = 400, **extra: Any) -> dict[str, Any]:
    spec = {"virtualInterfaceName": f"transit-{vlan}", "vlan": vlan, "asn": 65100, **extra}
    if gw:
        spec["directConnectGatewayId"] = gw
    return spec


def create(dx: Service, cid: str, spec: dict[str, Any]) -> dict[str, Any]:
    return dict(
        dx.call("CreateTransitVirtualInterface", connectionId=cid, newTransitVirtualInterface=spec)[
            "virtualInterface"
        ]
    )


def test_a_jumbo_transit_vif_makes_its_connection_jumbo_capable(dx: Service) -> None:
    cid, gw = dx.connection(), dx.dx_gateway(asn=64700)
    made = create(dx, cid, transit(gw, mtu=8500))
    assert (made["virtualInterfaceType"], made["amazonSideAsn"], made["mtu"]) == (
        "transit",
        64700,
        8500,
    )
    assert made["virtualInterfaceState"] == "pending"
    assert (
        dx.call("DescribeConnections", connectionId=cid)["connections"][0]["jumboFrameCapable"]
        is True
    )
    dx.advance(1)  # the jumbo frame outage
    up = dx.vif(made["virtualInterfaceId"])
    assert up["bgpPeers"][0]["bgpStatus"] == "up" and up["jumboFrameCapable"] is True


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"mtu": 9001}, ("MTU 9001", "1500 or 8500")),
        ({"directConnectGatewayId": None}, ("directConnectGatewayId", "transit")),
        ({"vlan": 5000}, ("VLAN 5000",)),
        ({"asnLong": 0}, ("BGP ASN 0",)),
    ],
)
def test_a_bad_transit_vif_is_refused(
    dx: Service, change: dict[str, Any], words: tuple[str, ...]
) -> None:
    cid = dx.connection()
    spec = {k: v for k, v in {**transit(dx.dx_gateway()), **change}.items() if v is not None}
    dx.refused(
        ValidationError,
        words,
        "CreateTransitVirtualInterface",
        connectionId=cid,
        newTransitVirtualInterface=spec,
    )


def test_a_transit_vif_needs_a_direct_connect_gateway_not_a_vgw(dx: Service) -> None:
    vgw = dx.virtual_gateway()
    dx.refused(
        NotFound,
        f"The Direct Connect Gateway {vgw} does not exist",
        "CreateTransitVirtualInterface",
        connectionId=dx.connection(),
        newTransitVirtualInterface=transit(vgw),
    )


def test_four_transit_vifs_per_connection(dx: Service) -> None:
    cid, gw = dx.connection(), dx.dx_gateway()
    for vlan in range(1, 5):
        create(dx, cid, transit(gw, vlan))
    dx.refused(
        LimitExceeded,
        (cid, "4 transit"),
        "CreateTransitVirtualInterface",
        connectionId=cid,
        newTransitVirtualInterface=transit(gw, 5),
    )
    # Private VIFs count separately (limits.md: 50 private/public and the transit ones).
    dx.private_vif(cid, dx.dx_gateway(name="private"), vlan=6)


def test_a_gateway_serves_private_or_transit_vifs_not_both(dx: Service) -> None:
    cid = dx.connection()
    private_gw, transit_gw = dx.dx_gateway(name="p"), dx.dx_gateway(name="t")
    dx.private_vif(cid, private_gw, vlan=1)
    create(dx, cid, transit(transit_gw, 2))
    dx.refused(
        Conflict,
        (private_gw, "private virtual interfaces"),
        "CreateTransitVirtualInterface",
        connectionId=cid,
        newTransitVirtualInterface=transit(private_gw, 3),
    )
    dx.refused(
        Conflict,
        (transit_gw, "transit virtual interfaces"),
        "CreatePrivateVirtualInterface",
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "p",
            "vlan": 4,
            "asn": 65000,
            "directConnectGatewayId": transit_gw,
        },
    )
