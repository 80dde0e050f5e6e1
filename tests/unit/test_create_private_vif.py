"""Step 3 of maximum_resiliency.md in milliseconds: private virtual interfaces and every
rule of the guide's table (WorkingWithVirtualInterfaces.md, create-vif.md,
set-jumbo-frames-vif.md, limits.md): each bad input raises its named error and changes
nothing; the good one next to it works."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from tests.unit.service import ACCOUNT, Service

OTHER = "999988887777"


def spec(gw: str, vlan: int = 10, **change: Any) -> dict[str, Any]:
    key = "virtualGatewayId" if gw.startswith("vgw-") else "directConnectGatewayId"
    return {"virtualInterfaceName": "v", "vlan": vlan, "asn": 65000, key: gw, **change}


def vif_ids(dx: Service, account: str | None = None) -> list[str]:
    return [
        v["virtualInterfaceId"]
        for v in dx.call("DescribeVirtualInterfaces", account)["virtualInterfaces"]
    ]


def test_a_private_vif_comes_up_with_its_bgp_session(dx: Service) -> None:
    cid, gw = dx.connection(), dx.dx_gateway(asn=64600)
    made = dx.private_vif(cid, gw, vlan=101, tags=[{"key": "env", "value": "prod"}])
    assert made["virtualInterfaceState"] == "pending"
    assert (made["ownerAccount"], made["connectionId"], made["vlan"]) == (ACCOUNT, cid, 101)
    assert (made["asn"], made["asnLong"], made["amazonSideAsn"], made["mtu"]) == (
        65000,
        65000,
        64600,
        1500,
    )
    now = dx.vif(made["virtualInterfaceId"])
    assert now["virtualInterfaceState"] == "available" and now["tags"] == [
        {"key": "env", "value": "prod"}
    ]
    assert (now["bgpPeers"][0]["bgpPeerState"], now["bgpPeers"][0]["bgpStatus"]) == (
        "available",
        "up",
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"vlan": 0}, ("VLAN 0", "4094")),
        ({"vlan": 4095}, ("VLAN 4095", "4094")),
        ({"asn": 0}, ("BGP ASN 0", "greater than or equal to 1")),
        ({"asn": 2_147_483_647}, ("2147483647", "asnLong")),
        ({"asnLong": 4_294_967_295}, ("4294967295", "4294967294")),
        ({"mtu": 8500}, ("MTU 8500", "1500 or 9001")),
        ({"mtu": 1400}, ("MTU 1400",)),
        ({"authKey": "short"}, ("authentication key", "6 to 80")),
        ({"authKey": "k" * 81}, ("authentication key", "81")),
        ({"virtualInterfaceName": "n" * 101}, ("virtualInterfaceName", "100")),
        ({"amazonAddress": "192.168.1.1/30"}, ("customerAddress is missing",)),
        (
            {"amazonAddress": "192.168.1.1/30", "customerAddress": "192.168.2.2/30"},
            ("same subnet",),
        ),
        ({"amazonAddress": "192.168.1.1/30", "customerAddress": "192.168.1.1/30"}, ("distinct",)),
        (
            {"amazonAddress": "192.168.1.0/30", "customerAddress": "192.168.1.2/30"},
            ("192.168.1.0", "network address"),
        ),
        (
            {"amazonAddress": "192.168.1.1/30", "customerAddress": "192.168.1.3/30"},
            ("192.168.1.3", "broadcast"),
        ),
        ({"amazonAddress": "192.168.1.1", "customerAddress": "192.168.1.2"}, ("prefix length",)),
        ({"amazonAddress": "banana/30", "customerAddress": "192.168.1.2/30"}, ("banana",)),
        (
            {
                "addressFamily": "ipv6",
                "amazonAddress": "2600::1/125",
                "customerAddress": "2600::2/125",
            },
            ("IPv6",),
        ),
        ({"addressFamily": "ipv5"}, ("ipv5",)),
        ({"rateLimit": "7.5Gbps"}, ("7.5Gbps",)),
        ({"rateLimit": "20Gbps"}, ("20Gbps", "exceeds")),
    ],
)
def test_a_bad_private_vif_is_refused(
    dx: Service, change: dict[str, Any], words: tuple[str, ...]
) -> None:
    cid, gw = dx.connection(), dx.dx_gateway()
    dx.refused(
        ValidationError,
        words,
        "CreatePrivateVirtualInterface",
        connectionId=cid,
        newPrivateVirtualInterface=spec(gw, **change),
    )
    assert vif_ids(dx) == []


def test_the_asn_ranges(dx: Service) -> None:
    cid, gw = dx.connection(), dx.dx_gateway()
    # The model: asnLong wins over asn; a 4-byte ASN reads 0 in the legacy member.
    four = dx.private_vif(cid, gw, vlan=1, asnLong=4_200_000_001)
    assert (four["asn"], four["asnLong"]) == (0, 4_200_000_001)
    top = dx.private_vif(cid, gw, vlan=2, asn=2_147_483_646)
    assert top["asnLong"] == 2_147_483_646
    edge = dx.private_vif(cid, gw, vlan=3, asnLong=4_294_967_294)
    assert edge["asnLong"] == 4_294_967_294


def test_the_gateway_rules(dx: Service) -> None:
    cid, gw, vgw = dx.connection(), dx.dx_gateway(), dx.virtual_gateway()
    base = {"virtualInterfaceName": "g", "vlan": 10, "asn": 65000}
    create = "CreatePrivateVirtualInterface"
    dx.refused(
        ValidationError,
        "virtualGatewayId or directConnectGatewayId",
        create,
        connectionId=cid,
        newPrivateVirtualInterface=base,
    )
    dx.refused(
        ValidationError,
        "not both",
        create,
        connectionId=cid,
        newPrivateVirtualInterface={**base, "virtualGatewayId": vgw, "directConnectGatewayId": gw},
    )
    missing = "6a3e2f4c-0000-4000-8000-000000000000"
    dx.refused(
        NotFound,
        f"The Direct Connect Gateway {missing} does not exist",
        create,
        connectionId=cid,
        newPrivateVirtualInterface=spec(missing),
    )
    theirs = dx.virtual_gateway(account=OTHER)
    dx.refused(
        NotFound,
        f"The VirtualGateway {theirs} does not exist",
        create,
        connectionId=cid,
        newPrivateVirtualInterface=spec(theirs),
    )
    dx.refused(
        NotFound,
        f"Could not find Connection with ID {cid}",
        create,
        OTHER,
        connectionId=cid,
        newPrivateVirtualInterface=spec(theirs),
    )
    dx.refused(
        ValidationError,
        "SiteLink",
        create,
        connectionId=cid,
        newPrivateVirtualInterface=spec(vgw, enableSiteLink=True),
    )
    assert dx.private_vif(cid, gw, vlan=10, enableSiteLink=True)["siteLinkEnabled"] is True
    assert dx.private_vif(cid, vgw, vlan=11)["amazonSideAsn"] == 64513  # the VGW's ASN


def test_a_vlan_is_unique_per_connection_and_freed_by_delete(dx: Service) -> None:
    cid, other, gw = dx.connection("a"), dx.connection("b"), dx.dx_gateway()
    first = dx.private_vif(cid, gw, vlan=300)
    dx.refused(
        Conflict,
        ("VLAN 300", cid),
        "CreatePrivateVirtualInterface",
        connectionId=cid,
        newPrivateVirtualInterface=spec(gw, 300, asn=1),
    )
    dx.private_vif(other, gw, vlan=300)  # another connection: its own VLAN space
    deleted = dx.call("DeleteVirtualInterface", virtualInterfaceId=first["virtualInterfaceId"])
    assert deleted["virtualInterfaceState"] == "deleting"
    assert dx.vif(first["virtualInterfaceId"])["virtualInterfaceState"] == "deleted"
    dx.refused(
        Conflict,
        "already deleted",
        "DeleteVirtualInterface",
        virtualInterfaceId=first["virtualInterfaceId"],
    )
    assert dx.private_vif(cid, gw, vlan=300)["virtualInterfaceId"] != first["virtualInterfaceId"]


def test_deleted_vifs_stay_visible_for_15_minutes(dx: Service) -> None:
    # DescribeVirtualInterfaces: "deleted fewer than 15 minutes before ... are also returned".
    made = dx.private_vif(dx.connection(), dx.dx_gateway())
    dx.call("DeleteVirtualInterface", virtualInterfaceId=made["virtualInterfaceId"])
    dx.advance(15 * 60 - 1)
    assert dx.vif(made["virtualInterfaceId"])["virtualInterfaceState"] == "deleted"
    dx.advance(1)
    assert vif_ids(dx) == []


def test_own_peer_addresses_are_not_used_twice(dx: Service) -> None:
    cid, gw = dx.connection(), dx.dx_gateway()
    made = dx.private_vif(
        cid, gw, vlan=11, amazonAddress="192.168.10.1/30", customerAddress="192.168.10.2/30"
    )
    assert (made["amazonAddress"], made["customerAddress"]) == (
        "192.168.10.1/30",
        "192.168.10.2/30",
    )
    dx.private_vif(
        cid, gw, vlan=12, amazonAddress="10.9.0.0/31", customerAddress="10.9.0.1/31"
    )  # RFC 3021
    dx.refused(
        Conflict,
        ("192.168.10.2", "already used"),
        "CreatePrivateVirtualInterface",
        connectionId=cid,
        newPrivateVirtualInterface=spec(
            gw, 13, amazonAddress="192.168.10.2/30", customerAddress="192.168.10.1/30"
        ),
    )
    # The refusal came after VLAN 13 was claimed: the claim was rolled back with the rest.
    assert dx.private_vif(cid, gw, vlan=13)["vlan"] == 13


def test_vif_quotas_per_gateway_and_connection(dx: Service) -> None:
    cid = dx.connection()
    gw_a, gw_b = dx.dx_gateway(name="a"), dx.dx_gateway(name="b")
    for vlan in range(1, 31):
        dx.private_vif(cid, gw_a, vlan=vlan)
    # limits.md: 30 private or transit VIFs per Direct Connect gateway.
    dx.refused(
        LimitExceeded,
        (gw_a, "30"),
        "CreatePrivateVirtualInterface",
        connectionId=cid,
        newPrivateVirtualInterface=spec(gw_a, 31),
    )
    for vlan in range(31, 51):
        dx.private_vif(cid, gw_b, vlan=vlan)
    # limits.md: 50 private or public VIFs per dedicated connection.
    dx.refused(
        LimitExceeded,
        (cid, "50"),
        "CreatePrivateVirtualInterface",
        connectionId=cid,
        newPrivateVirtualInterface=spec(gw_b, 51),
    )
    assert len(vif_ids(dx)) == 50


def test_jumbo_frames_take_the_connection_down_briefly(dx: Service) -> None:
    # set-jumbo-frames-vif.md: the connection is updated and every VIF on it loses
    # connectivity; the changed one is pending until the update is complete.
    cid, gw = dx.connection(), dx.dx_gateway()
    a, b = dx.private_vif(cid, gw, vlan=1), dx.private_vif(cid, gw, vlan=2)
    dx.refused(
        ValidationError,
        "MTU 8500",
        "UpdateVirtualInterfaceAttributes",
        virtualInterfaceId=a["virtualInterfaceId"],
        mtu=8500,
    )
    changed = dx.call(
        "UpdateVirtualInterfaceAttributes", virtualInterfaceId=a["virtualInterfaceId"], mtu=9001
    )
    assert (changed["mtu"], changed["virtualInterfaceState"], changed["jumboFrameCapable"]) == (
        9001,
        "pending",
        True,
    )
    assert dx.vif(b["virtualInterfaceId"])["virtualInterfaceState"] == "down"
    assert (
        dx.call("DescribeConnections", connectionId=cid)["connections"][0]["jumboFrameCapable"]
        is True
    )
    dx.advance(0.9)  # the outage lasts 1 s in instant mode
    assert dx.vif(b["virtualInterfaceId"])["virtualInterfaceState"] == "down"
    dx.advance(0.1)
    assert dx.vif(b["virtualInterfaceId"])["jumboFrameCapable"] is True
    assert dx.vif(b["virtualInterfaceId"])["virtualInterfaceState"] == "available"
    assert dx.vif(a["virtualInterfaceId"])["mtu"] == 9001


def test_the_jumbo_outage_lasts_30_seconds_outside_instant_mode(make_dx: Any) -> None:
    dx = make_dx(provisioning="manual")
    cid, gw = dx.connection(), dx.dx_gateway()
    dx.ext("POST", f"/cross-connect/{cid}")
    a = dx.private_vif(cid, gw, vlan=1)
    dx.call(
        "UpdateVirtualInterfaceAttributes", virtualInterfaceId=a["virtualInterfaceId"], mtu=9001
    )
    dx.advance(29)
    assert dx.vif(a["virtualInterfaceId"])["virtualInterfaceState"] == "pending"
    dx.advance(1)
    assert dx.vif(a["virtualInterfaceId"])["virtualInterfaceState"] == "available"


def test_changes_to_another_accounts_vif_are_refused(dx: Service) -> None:
    vid = dx.private_vif(dx.connection(), dx.dx_gateway())["virtualInterfaceId"]
    dx.refused(NotFound, vid, "DeleteVirtualInterface", OTHER, virtualInterfaceId=vid)
    dx.refused(
        NotFound, vid, "UpdateVirtualInterfaceAttributes", OTHER, virtualInterfaceId=vid, mtu=9001
    )
    assert vif_ids(dx, OTHER) == []
