"""Step 3 of maximum_resiliency.md, private virtual interfaces: to a Direct Connect
gateway or a virtual private gateway, with every rule of the guide's table; each bad
input next to the good one, answered as AWS answers it, with nothing changed. The server
has a test clock: outages and provisioning end when a test moves time, not after a sleep."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.failover_support import advance, clock_server  # noqa: F401  (`server`, with a test clock)
from tests.test_awscli import aws
from tests.vif_support import (
    connection,
    dx_gateway,
    private_vif,
    refused,
    vif,
    vifs,
    virtual_gateway,
    wait_state,
)


def test_private_vif_to_a_direct_connect_gateway(dx: Any, account: str) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx, asn=64600)
    made = private_vif(dx, cid, gw, vlan=101, tags=[{"key": "env", "value": "prod"}])
    assert re.fullmatch(r"dxvif-[a-z0-9]{8}", made["virtualInterfaceId"])
    assert made["virtualInterfaceState"] == "pending"
    assert (made["ownerAccount"], made["connectionId"], made["vlan"]) == (account, cid, 101)
    assert (made["asn"], made["asnLong"], made["amazonSideAsn"]) == (65000, 65000, 64600)
    assert made["directConnectGatewayId"] == gw and made["mtu"] == 1500
    # FIDELITY.md: a /30 of 169.254.0.0/16, .1 Amazon, .2 the customer; AWS's key format.
    amazon, customer = made["amazonAddress"], made["customerAddress"]
    assert re.fullmatch(r"169\.254\.\d+\.\d+/30", amazon), amazon
    assert int(amazon.split(".")[3].split("/")[0]) % 4 == 1
    assert int(customer.split(".")[3].split("/")[0]) == int(amazon.split(".")[3].split("/")[0]) + 1
    assert re.fullmatch(r"0x[A-Za-z0-9._]{22}", made["authKey"])
    assert "<vlan>101</vlan>" in made["customerRouterConfig"]
    (peer,) = made["bgpPeers"]
    assert peer["bgpPeerId"].startswith("dxpeer-") and peer["addressFamily"] == "ipv4"
    # Once provisioned the VIF is up, and so is its BGP session (the connection is available).
    now = wait_state(dx, made["virtualInterfaceId"], "available")
    assert now["bgpPeers"][0]["bgpPeerState"] == "available"
    assert now["bgpPeers"][0]["bgpStatus"] == "up"
    assert [v["virtualInterfaceId"] for v in vifs(dx, connectionId=cid)] == [
        made["virtualInterfaceId"]
    ]
    assert now["tags"] == [{"key": "env", "value": "prod"}]


def test_private_vif_to_a_virtual_private_gateway_takes_its_asn(
    dx: Any, server: Any, account: str
) -> None:
    cid = connection(dx)
    vgw = virtual_gateway(server, account, asn=64777)
    made = private_vif(dx, cid, vgw, vlan=200, authKey="my-own-md5-key", asnLong=4_200_000_001)
    assert made["virtualGatewayId"] == vgw and made["amazonSideAsn"] == 64777
    assert made["authKey"] == "my-own-md5-key"
    # The model: asnLong wins over asn; a 4-byte ASN reads 0 in the legacy member.
    assert (made["asn"], made["asnLong"]) == (0, 4_200_000_001)


def test_with_the_aws_cli(server: Any, account: str, dx: Any) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx)
    spec = f'{{"virtualInterfaceName":"cli","vlan":42,"asn":65010,"directConnectGatewayId":"{gw}"}}'
    code, out, err = aws(
        server,
        account,
        "create-private-virtual-interface",
        "--connection-id",
        cid,
        "--new-private-virtual-interface",
        spec,
    )
    assert code == 0, err
    assert out["vlan"] == 42 and out["virtualInterfaceState"] == "pending"
    assert vifs(dx, connectionId=cid)[0]["virtualInterfaceState"] == "available"
    code, out, err = aws(
        server,
        account,
        "create-private-virtual-interface",
        "--connection-id",
        cid,
        "--new-private-virtual-interface",
        spec,
    )
    assert code == 255 and "DirectConnectClientException" in err and "VLAN 42" in err


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"vlan": 0}, ["VLAN 0", "4094"]),
        ({"vlan": 4095}, ["VLAN 4095", "4094"]),
        ({"asn": 0}, ["BGP ASN 0", "greater than or equal to 1"]),
        ({"asn": 2_147_483_647}, ["2147483647", "asnLong"]),
        ({"asnLong": 4_294_967_295}, ["4294967295", "4294967294"]),
        ({"mtu": 8500}, ["MTU 8500", "1500 or 9001"]),
        ({"mtu": 1400}, ["MTU 1400"]),
        ({"authKey": "short"}, ["authentication key", "6 to 80"]),
        ({"authKey": "k" * 81}, ["authentication key", "81"]),
        ({"virtualInterfaceName": "n" * 101}, ["virtualInterfaceName", "100"]),
        ({"amazonAddress": "192.168.1.1/30"}, ["customerAddress is missing"]),
        ({"amazonAddress": "192.168.1.1/30", "customerAddress": "192.168.2.2/30"}, ["same subnet"]),
        ({"amazonAddress": "192.168.1.1/30", "customerAddress": "192.168.1.1/30"}, ["distinct"]),
        (
            {"amazonAddress": "192.168.1.0/30", "customerAddress": "192.168.1.2/30"},
            ["192.168.1.0", "network address"],
        ),
        (
            {"amazonAddress": "192.168.1.1/30", "customerAddress": "192.168.1.3/30"},
            ["192.168.1.3", "broadcast"],
        ),
        ({"amazonAddress": "192.168.1.1/32", "customerAddress": "192.168.1.1/32"}, ["distinct"]),
        ({"amazonAddress": "192.168.1.1", "customerAddress": "192.168.1.2"}, ["prefix length"]),
        ({"amazonAddress": "banana/30", "customerAddress": "192.168.1.2/30"}, ["banana"]),
        (
            {
                "addressFamily": "ipv6",
                "amazonAddress": "2600::1/125",
                "customerAddress": "2600::2/125",
            },
            ["IPv6"],
        ),
        ({"rateLimit": "7.5Gbps"}, ["7.5Gbps"]),
        ({"rateLimit": "20Gbps"}, ["20Gbps", "exceeds"]),
        ({"addressFamily": "ipv5"}, ["ipv5"]),
    ],
)
def test_bad_private_vif_is_refused_and_nothing_changes(
    dx: Any, change: dict[str, Any], words: list[str]
) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx)
    spec = {
        "virtualInterfaceName": "bad",
        "vlan": 10,
        "asn": 65000,
        "directConnectGatewayId": gw,
        **change,
    }
    refused(
        dx.create_private_virtual_interface,
        *words,
        connectionId=cid,
        newPrivateVirtualInterface=spec,
    )
    assert vifs(dx) == []


def test_gateway_rules(dx: Any, server: Any, account: str) -> None:
    cid = connection(dx)
    gw, vgw = dx_gateway(dx), virtual_gateway(server, account)
    base = {"virtualInterfaceName": "g", "vlan": 10, "asn": 65000}
    create = dx.create_private_virtual_interface
    refused(
        create,
        "virtualGatewayId or directConnectGatewayId",
        connectionId=cid,
        newPrivateVirtualInterface=base,
    )
    refused(
        create,
        "not both",
        connectionId=cid,
        newPrivateVirtualInterface={**base, "virtualGatewayId": vgw, "directConnectGatewayId": gw},
    )
    missing = "6a3e2f4c-0000-4000-8000-000000000000"
    refused(
        create,
        f"The Direct Connect Gateway {missing} does not exist",
        connectionId=cid,
        newPrivateVirtualInterface={**base, "directConnectGatewayId": missing},
    )
    other = server.client("210987654321")
    theirs = virtual_gateway(server, "210987654321")
    refused(
        create,
        f"The VirtualGateway {theirs} does not exist",
        connectionId=cid,
        newPrivateVirtualInterface={**base, "virtualGatewayId": theirs},
    )
    refused(
        other.create_private_virtual_interface,
        f"Could not find Connection with ID {cid}",
        connectionId=cid,
        newPrivateVirtualInterface={**base, "virtualGatewayId": theirs},
    )
    refused(
        create,
        "Could not find Connection with ID dxcon-zzzzzzzz",
        connectionId="dxcon-zzzzzzzz",
        newPrivateVirtualInterface={**base, "directConnectGatewayId": gw},
    )
    refused(
        create,
        "SiteLink",
        connectionId=cid,
        newPrivateVirtualInterface={**base, "virtualGatewayId": vgw, "enableSiteLink": True},
    )
    assert vifs(dx) == []
    made = private_vif(dx, cid, gw, vlan=10, enableSiteLink=True)
    assert made["siteLinkEnabled"] is True


def test_vlan_is_unique_per_connection_and_freed_by_delete(dx: Any) -> None:
    cid, other = connection(dx, "a"), connection(dx, "b")
    gw = dx_gateway(dx)
    first = private_vif(dx, cid, gw, vlan=300)
    refused(
        dx.create_private_virtual_interface,
        "VLAN 300",
        cid,
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "dup",
            "vlan": 300,
            "asn": 1,
            "directConnectGatewayId": gw,
        },
    )
    assert len(vifs(dx)) == 1
    private_vif(dx, other, gw, vlan=300)  # another connection: its own VLAN space
    assert (
        dx.delete_virtual_interface(virtualInterfaceId=first["virtualInterfaceId"])[
            "virtualInterfaceState"
        ]
        == "deleting"
    )
    gone = vif(dx, first["virtualInterfaceId"])  # deleted VIFs stay visible (15 minutes)
    assert gone["virtualInterfaceState"] == "deleted"
    assert gone["bgpPeers"][0]["bgpPeerState"] == "deleted"
    refused(
        dx.delete_virtual_interface,
        "already deleted",
        virtualInterfaceId=first["virtualInterfaceId"],
    )
    again = private_vif(dx, cid, gw, vlan=300)
    assert again["virtualInterfaceId"] != first["virtualInterfaceId"]


def test_own_peer_addresses(dx: Any) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx)
    made = private_vif(
        dx, cid, gw, vlan=11, amazonAddress="192.168.10.1/30", customerAddress="192.168.10.2/30"
    )
    assert (made["amazonAddress"], made["customerAddress"]) == (
        "192.168.10.1/30",
        "192.168.10.2/30",
    )
    # RFC 3021: both addresses of a /31 are usable.
    private_vif(dx, cid, gw, vlan=12, amazonAddress="10.9.0.0/31", customerAddress="10.9.0.1/31")
    refused(
        dx.create_private_virtual_interface,
        "192.168.10.2",
        "already used",
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "x",
            "vlan": 13,
            "asn": 65000,
            "directConnectGatewayId": gw,
            "amazonAddress": "192.168.10.2/30",
            "customerAddress": "192.168.10.1/30",
        },
    )
    assert len(vifs(dx)) == 2
    # The refusal came after VLAN 13 was claimed: the claim was rolled back with the rest.
    assert private_vif(dx, cid, gw, vlan=13)["vlan"] == 13


def test_auto_assigned_blocks_never_overlap(dx: Any) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx)
    blocks = {private_vif(dx, cid, gw, vlan=500 + i)["amazonAddress"] for i in range(12)}
    assert len(blocks) == 12


def test_connection_and_gateway_quotas(dx: Any) -> None:
    cid = connection(dx)
    gw_a, gw_b = dx_gateway(dx, name="a"), dx_gateway(dx, name="b")
    for vlan in range(1, 31):
        private_vif(dx, cid, gw_a, vlan=vlan)
    # limits.md: 30 private or transit VIFs per Direct Connect gateway.
    spec = {"virtualInterfaceName": "q", "vlan": 31, "asn": 65000, "directConnectGatewayId": gw_a}
    refused(
        dx.create_private_virtual_interface,
        gw_a,
        "30",
        connectionId=cid,
        newPrivateVirtualInterface=spec,
    )
    for vlan in range(31, 51):
        private_vif(dx, cid, gw_b, vlan=vlan)
    # limits.md: 50 private or public VIFs per dedicated connection.
    spec = {"virtualInterfaceName": "q", "vlan": 51, "asn": 65000, "directConnectGatewayId": gw_b}
    refused(
        dx.create_private_virtual_interface,
        cid,
        "50",
        connectionId=cid,
        newPrivateVirtualInterface=spec,
    )
    assert len(vifs(dx)) == 50


def test_delete_connection_waits_for_its_vifs(dx: Any) -> None:
    cid = connection(dx)
    made = private_vif(dx, cid, dx_gateway(dx))
    refused(dx.delete_connection, "virtual interface", connectionId=cid)
    dx.delete_virtual_interface(virtualInterfaceId=made["virtualInterfaceId"])
    assert dx.delete_connection(connectionId=cid)["connectionState"] == "deleted"


def test_vif_is_down_until_its_connection_is_up(make_server: Any) -> None:
    server = make_server("--provisioning", "manual")
    dx = server.client("123456789012")
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="m")[
        "connectionId"
    ]
    made = private_vif(dx, cid, dx_gateway(dx))
    down = wait_state(dx, made["virtualInterfaceId"], "down")
    assert down["bgpPeers"][0]["bgpStatus"] == "down"
    from dxlab.cli.client import ext

    ext(server.endpoint, "POST", f"/cross-connect/{cid}", account="123456789012")
    up = wait_state(dx, made["virtualInterfaceId"], "available")
    assert up["bgpPeers"][0]["bgpStatus"] == "up"


def test_jumbo_frames_take_the_connection_down_briefly(server: ServerProcess, dx: Any) -> None:
    cid = connection(dx)
    gw = dx_gateway(dx)
    a, b = private_vif(dx, cid, gw, vlan=1), private_vif(dx, cid, gw, vlan=2)
    wait_state(dx, a["virtualInterfaceId"], "available")
    # Every capture of the real service shows ports jumbo frame capable at MTU 1500; the
    # first jumbo VIF still updates the connection (the outage below).
    assert dx.describe_connections(connectionId=cid)["connections"][0]["jumboFrameCapable"] is True
    refused(
        dx.update_virtual_interface_attributes,
        "MTU 8500",
        virtualInterfaceId=a["virtualInterfaceId"],
        mtu=8500,
    )
    assert vif(dx, a["virtualInterfaceId"])["mtu"] == 1500
    changed = dx.update_virtual_interface_attributes(
        virtualInterfaceId=a["virtualInterfaceId"], mtu=9001
    )
    # set-jumbo-frames-vif.md: the connection is updated and every VIF on it loses
    # connectivity; the changed one is pending until the update is complete.
    assert (changed["mtu"], changed["virtualInterfaceState"], changed["jumboFrameCapable"]) == (
        9001,
        "pending",
        True,
    )
    assert vif(dx, b["virtualInterfaceId"])["virtualInterfaceState"] == "down"
    assert dx.describe_connections(connectionId=cid)["connections"][0]["jumboFrameCapable"] is True
    advance(server, 1.1)  # beyond the outage (1 s in instant mode)
    assert wait_state(dx, b["virtualInterfaceId"], "available")["jumboFrameCapable"] is True
    assert wait_state(dx, a["virtualInterfaceId"], "available")["mtu"] == 9001
    renamed = dx.update_virtual_interface_attributes(
        virtualInterfaceId=b["virtualInterfaceId"], virtualInterfaceName="new"
    )
    assert (
        renamed["virtualInterfaceName"] == "new" and renamed["virtualInterfaceState"] == "available"
    )


def test_associate_moves_a_vif_to_another_connection(dx: Any) -> None:
    one, two = connection(dx, "one"), connection(dx, "two")
    gw = dx_gateway(dx)
    moving = private_vif(dx, one, gw, vlan=7)
    blocker = private_vif(dx, two, gw, vlan=8)
    refused(
        dx.associate_virtual_interface,
        "already on",
        virtualInterfaceId=moving["virtualInterfaceId"],
        connectionId=one,
    )
    dx.delete_virtual_interface(virtualInterfaceId=blocker["virtualInterfaceId"])
    private_vif(dx, two, gw, vlan=7)
    refused(
        dx.associate_virtual_interface,
        "VLAN 7",
        two,
        virtualInterfaceId=moving["virtualInterfaceId"],
        connectionId=two,
    )
    three = connection(dx, "three")
    moved = dx.associate_virtual_interface(
        virtualInterfaceId=moving["virtualInterfaceId"], connectionId=three
    )
    assert moved["connectionId"] == three and moved["vlan"] == 7
    assert wait_state(dx, moving["virtualInterfaceId"], "available")["connectionId"] == three
    assert [v["virtualInterfaceId"] for v in vifs(dx, connectionId=one)] == []
    # The VLAN is free again on the connection it left.
    private_vif(dx, one, gw, vlan=7)
    jumbo = private_vif(dx, one, gw, vlan=9, mtu=9001)
    # set-jumbo-frames-vif.md: a jumbo VIF moves only to a jumbo frame capable connection,
    # which every new port is (as the real service reports them).
    four = connection(dx, "four")
    assert dx.describe_connections(connectionId=four)["connections"][0]["jumboFrameCapable"] is True
    moved = dx.associate_virtual_interface(
        virtualInterfaceId=jumbo["virtualInterfaceId"], connectionId=four
    )
    assert (moved["connectionId"], moved["mtu"]) == (four, 9001)
    # The answer shows the old BGP peer on its way out and its successor (the capture).
    assert [p["bgpPeerState"] for p in moved["bgpPeers"]] == ["deleting", "pending"]
    assert len(vif(dx, jumbo["virtualInterfaceId"])["bgpPeers"]) == 1


def test_private_vif_on_a_lag(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="lag"
    )
    gw, other = dx_gateway(dx), dx_gateway(dx, name="other")
    made = private_vif(dx, lag["lagId"], gw, vlan=1, rateLimit="20Gbps")
    assert made["connectionId"] == lag["lagId"] and made["rateLimit"] == "20Gbps"
    assert (
        vifs(dx, connectionId=lag["lagId"])[0]["virtualInterfaceId"] == made["virtualInterfaceId"]
    )
    for vlan in range(2, 51):
        private_vif(dx, lag["lagId"], gw if vlan <= 30 else other, vlan=vlan)
    # limits.md: 50 virtual interfaces per LAG.
    refused(
        dx.create_private_virtual_interface,
        lag["lagId"],
        "50",
        connectionId=lag["lagId"],
        newPrivateVirtualInterface={
            "virtualInterfaceName": "q",
            "vlan": 51,
            "asn": 65000,
            "directConnectGatewayId": dx_gateway(dx, name="third"),
        },
    )
    assert len(vifs(dx, connectionId=lag["lagId"])) == 50


def test_vifs_and_their_vlans_survive_a_kill_9(make_server: Any, tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'vifs.db'}"
    first = make_server(db=db)
    dx = first.client("123456789012")
    cid, gw = connection(dx), dx_gateway(dx)
    made = private_vif(dx, cid, gw, vlan=42)
    first.kill9()
    dx = make_server(db=db).client("123456789012")
    again = wait_state(dx, made["virtualInterfaceId"], "available")
    assert (again["vlan"], again["amazonAddress"]) == (42, made["amazonAddress"])
    refused(
        dx.create_private_virtual_interface,
        "VLAN 42",
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "x",
            "vlan": 42,
            "asn": 65000,
            "directConnectGatewayId": gw,
        },
    )


def test_changes_to_gone_or_foreign_vifs_are_refused(server: Any, dx: Any) -> None:
    cid, gw = connection(dx), dx_gateway(dx)
    made = private_vif(dx, cid, gw, vlan=5)
    vid = made["virtualInterfaceId"]
    stranger = server.client("864297531086")
    theirs = connection(stranger, "theirs")
    refused(
        stranger.update_virtual_interface_attributes,
        f"The virtual interface {vid} does not exist",
        virtualInterfaceId=vid,
        virtualInterfaceName="mine-now",
    )
    refused(
        dx.associate_virtual_interface,
        f"Could not find Connection with ID {theirs}",
        virtualInterfaceId=vid,
        connectionId=theirs,
    )
    refused(
        stranger.delete_virtual_interface,
        f"The virtual interface {vid} does not exist",
        virtualInterfaceId=vid,
    )
    assert vif(dx, vid)["virtualInterfaceName"] == made["virtualInterfaceName"]
    dx.delete_virtual_interface(virtualInterfaceId=vid)
    refused(
        dx.update_virtual_interface_attributes,
        "deleted",
        virtualInterfaceId=vid,
        virtualInterfaceName="late",
    )
    refused(
        dx.associate_virtual_interface,
        "deleted",
        virtualInterfaceId=vid,
        connectionId=connection(dx, "other"),
    )
    refused(
        dx.create_bgp_peer, "deleted", virtualInterfaceId=vid, newBGPPeer={"addressFamily": "ipv6"}
    )


def test_realistic_mode_takes_its_time(make_server: Any) -> None:
    """--provisioning realistic: a new VIF stays pending for a while (120 s of the test clock)."""
    from dxlab.cli.client import ext

    server = make_server("--provisioning", "realistic", "--test-clock")
    dx = server.client("123456789012")
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="r")[
        "connectionId"
    ]
    ext(
        server.endpoint, "POST", f"/cross-connect/{cid}", account="123456789012"
    )  # skip the 72 hours
    made = private_vif(dx, cid, dx_gateway(dx))
    assert vif(dx, made["virtualInterfaceId"])["virtualInterfaceState"] == "pending"
    advance(
        server, 100
    )  # (the server's clock also runs on in real time: a margin for a slow machine)
    assert vif(dx, made["virtualInterfaceId"])["virtualInterfaceState"] == "pending"  # 120 s
    advance(server, 20)
    wait_state(dx, made["virtualInterfaceId"], "available")
