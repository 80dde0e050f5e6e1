"""Adding and deleting BGP peers (add-peer-to-vif.md): one session per address family,
IPv6 addresses always Amazon's /125, never the last peer."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from tests.vif_support import connection, dx_gateway, private_vif, refused, vif, wait_state


@pytest.fixture
def private(dx: Any) -> dict[str, Any]:
    made = private_vif(dx, connection(dx), dx_gateway(dx), vlan=700)
    return wait_state(dx, made["virtualInterfaceId"], "available")


def test_dual_stack_then_back_to_one_peer(dx: Any, private: dict[str, Any]) -> None:
    vid = private["virtualInterfaceId"]
    out = dx.create_bgp_peer(
        virtualInterfaceId=vid, newBGPPeer={"addressFamily": "ipv6", "asn": 65000}
    )
    peers = {p["addressFamily"]: p for p in out["virtualInterface"]["bgpPeers"]}
    assert set(peers) == {"ipv4", "ipv6"}
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
    # The create-bgp-peer capture: the new peer is `pending` (and down) in the answer...
    assert v6["authKey"].startswith("0x") and (v6["bgpPeerState"], v6["bgpStatus"]) == (
        "pending",
        "down",
    )
    # ...then provisioned (instant here).
    now = next(p for p in vif(dx, vid)["bgpPeers"] if p["addressFamily"] == "ipv6")
    assert (now["bgpPeerState"], now["bgpStatus"]) == ("available", "up")
    # add-peer-to-vif.md: a single IPv4 and a single IPv6 session per VIF.
    refused(
        dx.create_bgp_peer,
        "already has an ipv6 BGP peer",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv6", "asn": 65000},
    )
    refused(
        dx.create_bgp_peer,
        "already has an ipv4 BGP peer",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv4", "asn": 65000},
    )
    assert len(vif(dx, vid)["bgpPeers"]) == 2
    gone = dx.delete_bgp_peer(virtualInterfaceId=vid, bgpPeerId=peers["ipv4"]["bgpPeerId"])
    states = {p["bgpPeerId"]: p["bgpPeerState"] for p in gone["virtualInterface"]["bgpPeers"]}
    assert states[peers["ipv4"]["bgpPeerId"]] == "deleting"
    left = vif(dx, vid)
    assert [p["addressFamily"] for p in left["bgpPeers"]] == ["ipv6"]
    assert left["addressFamily"] == "ipv6" and left["amazonAddress"] == v6["amazonAddress"]
    refused(
        dx.delete_bgp_peer,
        "The last BGP Peer on a Virtual Interface cannot be deleted",
        virtualInterfaceId=vid,
        bgpPeerId=v6["bgpPeerId"],
    )
    # The IPv4 session can come back, with an address block of its own.
    back = dx.create_bgp_peer(
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv4", "asn": 65000, "authKey": "another-key"},
    )
    v4 = next(p for p in back["virtualInterface"]["bgpPeers"] if p["addressFamily"] == "ipv4")
    assert v4["authKey"] == "another-key" and v4["amazonAddress"].startswith("169.254.")


def test_delete_by_asn_and_customer_address(dx: Any, private: dict[str, Any]) -> None:
    vid = private["virtualInterfaceId"]
    dx.create_bgp_peer(virtualInterfaceId=vid, newBGPPeer={"addressFamily": "ipv6", "asn": 65000})
    refused(
        dx.delete_bgp_peer,
        "Could not find BGP peer",
        virtualInterfaceId=vid,
        asn=65000,
        customerAddress="10.9.9.9/30",
    )
    dx.delete_bgp_peer(
        virtualInterfaceId=vid, asn=65000, customerAddress=private["customerAddress"]
    )
    assert [p["addressFamily"] for p in vif(dx, vid)["bgpPeers"]] == ["ipv6"]


@pytest.mark.parametrize(
    ("peer", "words"),
    [
        (
            {
                "addressFamily": "ipv6",
                "amazonAddress": "2600:9000::1/125",
                "customerAddress": "2600:9000::2/125",
            },
            ["IPv6"],
        ),
        ({"addressFamily": "ipv6", "asn": 0}, ["BGP ASN 0"]),
        ({"addressFamily": "ipv6", "authKey": "12345"}, ["authentication key"]),
        ({"addressFamily": "ipx"}, ["ipx"]),
    ],
)
def test_bad_peer_is_refused_and_nothing_changes(
    dx: Any, private: dict[str, Any], peer: dict[str, Any], words: list[str]
) -> None:
    refused(
        dx.create_bgp_peer,
        *words,
        virtualInterfaceId=private["virtualInterfaceId"],
        newBGPPeer=peer,
    )
    assert len(vif(dx, private["virtualInterfaceId"])["bgpPeers"]) == 1


def test_peers_of_unknown_or_foreign_vifs(server: Any, dx: Any, private: dict[str, Any]) -> None:
    vid = private["virtualInterfaceId"]
    refused(
        dx.create_bgp_peer,
        "The virtual interface dxvif-00000000 does not exist",
        virtualInterfaceId="dxvif-00000000",
        newBGPPeer={"addressFamily": "ipv6"},
    )
    stranger = server.client("135791357913")
    refused(
        stranger.create_bgp_peer,
        f"The virtual interface {vid} does not exist",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv6"},
    )
    refused(
        stranger.delete_bgp_peer,
        f"The virtual interface {vid} does not exist",
        virtualInterfaceId=vid,
        bgpPeerId=private["bgpPeers"][0]["bgpPeerId"],
    )
    assert len(vif(dx, vid)["bgpPeers"]) == 1


def test_public_vif_peers_use_its_asn_or_a_private_one(dx: Any) -> None:
    cid = connection(dx)
    spec = {
        "virtualInterfaceName": "pub",
        "vlan": 9,
        "asn": 16509,
        "amazonAddress": "45.63.0.1/30",
        "customerAddress": "45.63.0.2/30",
        "routeFilterPrefixes": [{"cidr": "45.63.4.0/24"}],
    }
    vid = dx.create_public_virtual_interface(connectionId=cid, newPublicVirtualInterface=spec)[
        "virtualInterfaceId"
    ]
    refused(
        dx.create_bgp_peer,
        "BGP ASN 3356",
        "private ASN",
        virtualInterfaceId=vid,
        newBGPPeer={"addressFamily": "ipv6", "asn": 3356},
    )
    out = dx.create_bgp_peer(
        virtualInterfaceId=vid, newBGPPeer={"addressFamily": "ipv6", "asn": 64999}
    )
    v6 = next(p for p in out["virtualInterface"]["bgpPeers"] if p["addressFamily"] == "ipv6")
    assert v6["bgpPeerState"] == "verifying"  # the VIF's prefixes are still under review
