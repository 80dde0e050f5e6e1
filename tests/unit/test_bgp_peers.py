"""BGP peers of a virtual interface (add-peer-to-vif.md) in milliseconds: one IPv4 and one
IPv6 session per VIF, Amazon's addresses for IPv6, the last peer stays; each bad peer
refused with nothing changed."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from dxlab.domain.errors import Conflict, NotFound, ValidationError
from tests.unit.service import Service


@pytest.fixture
def private(dx: Service) -> dict[str, Any]:
    return dx.vif(dx.private_vif(dx.connection(), dx.dx_gateway())["virtualInterfaceId"])


def test_dual_stack_then_back_to_one_peer(dx: Service, private: dict[str, Any]) -> None:
    vid = private["virtualInterfaceId"]
    out = dx.call(
        "CreateBGPPeer", virtualInterfaceId=vid, newBGPPeer={"addressFamily": "ipv6", "asn": 65000}
    )
    peers = {p["addressFamily"]: p for p in out["virtualInterface"]["bgpPeers"]}
    v6 = peers["ipv6"]
    amazon, customer = (
        ipaddress.ip_interface(v6["amazonAddress"]),
        ipaddress.ip_interface(v6["customerAddress"]),
    )
    assert (
        amazon.network.prefixlen == 125
        and amazon.network == customer.network
        and amazon.ip != customer.ip
    )
    dx.refused(
        Conflict,
        "already has an ipv6 BGP peer",
        "CreateBGPPeer",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv6", "asn": 65000},
    )
    dx.refused(
        Conflict,
        "already has an ipv4 BGP peer",
        "CreateBGPPeer",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv4", "asn": 65000},
    )
    dx.call("DeleteBGPPeer", virtualInterfaceId=vid, bgpPeerId=peers["ipv4"]["bgpPeerId"])
    assert [p["addressFamily"] for p in dx.vif(vid)["bgpPeers"]] == ["ipv6"]
    dx.refused(
        Conflict,
        "The last BGP Peer on a Virtual Interface cannot be deleted",
        "DeleteBGPPeer",
        virtualInterfaceId=vid,
        bgpPeerId=v6["bgpPeerId"],
    )


@pytest.mark.parametrize(
    ("peer", "words"),
    [
        (
            {
                "addressFamily": "ipv6",
                "amazonAddress": "2600:9000::1/125",
                "customerAddress": "2600:9000::2/125",
            },
            ("IPv6",),
        ),
        ({"addressFamily": "ipv6", "asn": 0}, ("BGP ASN 0",)),
        ({"addressFamily": "ipv6", "authKey": "12345"}, ("authentication key",)),
        ({"addressFamily": "ipx"}, ("ipx",)),
    ],
)
def test_a_bad_peer_is_refused(
    dx: Service, private: dict[str, Any], peer: dict[str, Any], words: tuple[str, ...]
) -> None:
    dx.refused(
        ValidationError,
        words,
        "CreateBGPPeer",
        virtualInterfaceId=private["virtualInterfaceId"],
        newBGPPeer=peer,
    )


def test_peers_of_unknown_or_foreign_vifs(dx: Service, private: dict[str, Any]) -> None:
    vid = private["virtualInterfaceId"]
    dx.refused(
        NotFound,
        "The virtual interface dxvif-00000000 does not exist",
        "CreateBGPPeer",
        virtualInterfaceId="dxvif-00000000",
        newBGPPeer={"addressFamily": "ipv6"},
    )
    dx.refused(
        NotFound,
        f"The virtual interface {vid} does not exist",
        "CreateBGPPeer",
        "135791357913",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv6"},
    )
    dx.refused(
        NotFound,
        "Could not find BGP peer",
        "DeleteBGPPeer",
        virtualInterfaceId=vid,
        asn=65000,
        customerAddress="10.9.9.9/30",
    )
