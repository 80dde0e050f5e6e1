"""Hosted virtual interfaces across accounts (WorkingWithVirtualInterfaces.md "Hosted
virtual interfaces", accepthostedvirtualinterface.md): the connection's owner allocates,
the other account confirms onto its own gateway, or declines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.vif_support import connection, dx_gateway, refused, vif, vifs, wait_state

OWNER = "444455556666"


@pytest.fixture
def owner(server: Any) -> Any:
    return server.client(OWNER)


def allocation(vlan: int = 600, **extra: Any) -> dict[str, Any]:
    return {"virtualInterfaceName": f"hosted-{vlan}", "vlan": vlan, "asn": 65200, **extra}


def test_hosted_private_vif_confirmed_by_its_owner(dx: Any, owner: Any, account: str) -> None:
    cid = connection(dx)
    made = dx.allocate_private_virtual_interface(
        connectionId=cid,
        ownerAccount=OWNER,
        newPrivateVirtualInterfaceAllocation=allocation(mtu=9001),
    )
    vid = made["virtualInterfaceId"]
    assert (made["ownerAccount"], made["virtualInterfaceState"]) == (OWNER, "confirming")
    assert (made["directConnectGatewayId"], made["virtualGatewayId"]) == ("", "")
    # Both accounts see it: the owner, and the owner of the connection it rides on.
    assert vif(owner, vid)["virtualInterfaceState"] == "confirming"
    assert [v["virtualInterfaceId"] for v in vifs(dx, connectionId=cid)] == [vid]
    theirs = dx_gateway(owner, asn=65300)
    refused(
        owner.confirm_private_virtual_interface,
        "does not exist",
        virtualInterfaceId=vid,
        directConnectGatewayId=dx_gateway(dx),
    )  # the partner's gateway is not the owner's
    refused(
        dx.confirm_private_virtual_interface,
        f"The virtual interface {vid} does not exist",
        virtualInterfaceId=vid,
        directConnectGatewayId=theirs,
    )  # only the owner confirms
    refused(owner.confirm_public_virtual_interface, "private", virtualInterfaceId=vid)
    assert vif(owner, vid)["virtualInterfaceState"] == "confirming"
    out = owner.confirm_private_virtual_interface(
        virtualInterfaceId=vid, directConnectGatewayId=theirs
    )
    assert out["virtualInterfaceState"] == "pending"
    up = wait_state(owner, vid, "available")
    assert (up["directConnectGatewayId"], up["amazonSideAsn"], up["mtu"]) == (theirs, 65300, 9001)
    refused(
        owner.confirm_private_virtual_interface,
        "ConfirmPrivateVirtualInterface failed",
        "available",
        virtualInterfaceId=vid,
        directConnectGatewayId=theirs,
    )
    # accepthostedvirtualinterface.md: the connection's owner downloads the router configuration.
    assert (
        "65200" in dx.describe_router_configuration(virtualInterfaceId=vid)["customerRouterConfig"]
    )
    refused(owner.describe_router_configuration, "owner of its connection", virtualInterfaceId=vid)
    # The hosted VIF still counts on the partner's connection: its VLAN is taken.
    refused(
        dx.create_private_virtual_interface,
        "VLAN 600",
        connectionId=cid,
        newPrivateVirtualInterface={**allocation(), "directConnectGatewayId": dx_gateway(dx)},
    )


def test_the_owner_declines_and_the_vif_is_rejected(dx: Any, owner: Any) -> None:
    cid = connection(dx)
    made = dx.allocate_transit_virtual_interface(
        connectionId=cid, ownerAccount=OWNER, newTransitVirtualInterfaceAllocation=allocation(601)
    )["virtualInterface"]
    assert (
        owner.delete_virtual_interface(virtualInterfaceId=made["virtualInterfaceId"])[
            "virtualInterfaceState"
        ]
        == "rejected"
    )
    assert vif(dx, made["virtualInterfaceId"])["virtualInterfaceState"] == "rejected"
    refused(
        owner.confirm_transit_virtual_interface,
        "rejected",
        virtualInterfaceId=made["virtualInterfaceId"],
        directConnectGatewayId=dx_gateway(owner),
    )
    # The allocating account withdraws another one: deleted, not rejected.
    again = dx.allocate_private_virtual_interface(
        connectionId=cid, ownerAccount=OWNER, newPrivateVirtualInterfaceAllocation=allocation(601)
    )
    assert (
        dx.delete_virtual_interface(virtualInterfaceId=again["virtualInterfaceId"])[
            "virtualInterfaceState"
        ]
        == "deleting"
    )
    assert vif(owner, again["virtualInterfaceId"])["virtualInterfaceState"] == "deleted"


def test_hosted_transit_and_public_vifs(dx: Any, owner: Any, server: Any) -> None:
    cid = connection(dx)
    transit = dx.allocate_transit_virtual_interface(
        connectionId=cid, ownerAccount=OWNER, newTransitVirtualInterfaceAllocation=allocation(602)
    )["virtualInterface"]
    gw = dx_gateway(owner, asn=65301)
    assert (
        owner.confirm_transit_virtual_interface(
            virtualInterfaceId=transit["virtualInterfaceId"], directConnectGatewayId=gw
        )["virtualInterfaceState"]
        == "pending"
    )
    assert wait_state(owner, transit["virtualInterfaceId"], "available")["amazonSideAsn"] == 65301
    public = dx.allocate_public_virtual_interface(
        connectionId=cid,
        ownerAccount=OWNER,
        newPublicVirtualInterfaceAllocation=allocation(
            603,
            amazonAddress="45.62.0.1/30",
            customerAddress="45.62.0.2/30",
            routeFilterPrefixes=[{"cidr": "45.62.8.0/24"}],
        ),
    )
    assert public["virtualInterfaceState"] == "confirming"
    # Confirmed, a public VIF's prefixes still go through AWS's review.
    assert (
        owner.confirm_public_virtual_interface(virtualInterfaceId=public["virtualInterfaceId"])[
            "virtualInterfaceState"
        ]
        == "verifying"
    )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"ownerAccount": "12345"}, ["ownerAccount", "12345"]),
        ({"newPrivateVirtualInterfaceAllocation": allocation(vlan=0)}, ["VLAN 0"]),
        ({"newPrivateVirtualInterfaceAllocation": allocation(mtu=8500)}, ["MTU 8500"]),
        ({"connectionId": "dxcon-00000000"}, ["Could not find Connection with ID dxcon-00000000"]),
    ],
)
def test_bad_allocation_is_refused_and_nothing_changes(
    dx: Any, owner: Any, kwargs: dict[str, Any], words: list[str]
) -> None:
    cid = connection(dx)
    call = {
        "connectionId": cid,
        "ownerAccount": OWNER,
        "newPrivateVirtualInterfaceAllocation": allocation(),
        **kwargs,
    }
    before = vifs(owner)
    refused(dx.allocate_private_virtual_interface, *words, **call)
    assert vifs(dx) == [] and vifs(owner) == before


def test_a_hosted_connection_carries_one_vif_on_its_vlan(
    server: Any, dx: Any, account: str
) -> None:
    """The partner's interconnect carries a hosted connection for the customer; the
    customer creates one VIF on it, with the VLAN the partner assigned."""
    partner = server.client("777788889999")
    ic = partner.create_interconnect(interconnectName="ic", bandwidth="10Gbps", location="EqDC2")[
        "interconnectId"
    ]
    hosted = partner.allocate_hosted_connection(
        connectionId=ic, ownerAccount=account, bandwidth="1Gbps", connectionName="hosted", vlan=1234
    )
    hid = hosted["connectionId"]
    dx.confirm_connection(connectionId=hid)
    gw = dx_gateway(dx)
    spec = {"virtualInterfaceName": "on-hosted", "asn": 65000, "directConnectGatewayId": gw}
    refused(
        dx.create_private_virtual_interface,
        "VLAN 99",
        "1234",
        connectionId=hid,
        newPrivateVirtualInterface={**spec, "vlan": 99},
    )
    made = dx.create_private_virtual_interface(
        connectionId=hid, newPrivateVirtualInterface={**spec, "vlan": 1234}
    )
    assert made["connectionId"] == hid
    refused(
        dx.create_transit_virtual_interface,
        hid,
        "one virtual interface",
        connectionId=hid,
        newTransitVirtualInterface={
            **spec,
            "vlan": 1234,
            "directConnectGatewayId": dx_gateway(dx, name="t"),
        },
    )
    refused(
        dx.associate_virtual_interface,
        "hosted connection",
        virtualInterfaceId=made["virtualInterfaceId"],
        connectionId=connection(dx),
    )
    assert len(vifs(dx)) == 1


def test_a_partner_allocates_on_its_interconnect_sharing_the_vlans(
    server: Any, account: str
) -> None:
    """An interconnect is one VLAN trunk: its hosted connections and the hosted VIFs a
    partner allocates on it draw on the same VLANs."""
    partner = server.client("777788880000")
    ic = partner.create_interconnect(interconnectName="ic", bandwidth="10Gbps", location="EqDC2")[
        "interconnectId"
    ]
    partner.allocate_hosted_connection(
        connectionId=ic, ownerAccount=account, bandwidth="1Gbps", connectionName="hosted", vlan=2000
    )
    refused(
        partner.allocate_private_virtual_interface,
        "VLAN 2000",
        connectionId=ic,
        ownerAccount=account,
        newPrivateVirtualInterfaceAllocation=allocation(2000),
    )
    made = partner.allocate_private_virtual_interface(
        connectionId=ic, ownerAccount=account, newPrivateVirtualInterfaceAllocation=allocation(2001)
    )
    assert (made["connectionId"], made["ownerAccount"], made["virtualInterfaceState"]) == (
        ic,
        account,
        "confirming",
    )
