"""Step 3 for transit virtual interfaces (direct-connect-transit-gateways.md): always to
a Direct Connect gateway, MTU 1500 or 8500, at most 4 per dedicated connection, and
never on a gateway that serves private VIFs. The server has a test clock: the jumbo frame
outage ends when the test moves time."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.conftest import ServerProcess
from tests.ec2_support import ec2, vpc_with_subnet
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


# limits.md: "Number of prefixes per AWS Transit Gateway from AWS to on-premise on a transit
# virtual interface: 200 combined total for IPv4 and IPv6". What AWS advertises for a transit
# gateway is its association's allowed prefixes (allowed-to-prefixes.md), so the limit holds
# on them, however they are set.
V4 = [f"10.{i // 256}.{i % 256}.0/24" for i in range(150)]
V6 = [str(ipaddress.ip_network(f"2001:db8:{i:x}::/48")) for i in range(51)]


def cidrs(*items: str) -> list[dict[str, str]]:
    return [{"cidr": c} for c in items]


def ec2_transit_gateway(server: ServerProcess, account: str) -> str:
    """A transit gateway made as users make it: EC2's CreateTransitGateway, a VPC attached."""
    client = ec2(server, account)
    tgw = client.create_transit_gateway(Options={"AmazonSideAsn": 65010})["TransitGateway"][
        "TransitGatewayId"
    ]
    vpc, subnet = vpc_with_subnet(client, "10.0.0.0/16", "10.0.1.0/24")
    client.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
    )
    return str(tgw)


def allowed_of(dx: Any, gw: str) -> list[list[str]]:
    return [
        [p["cidr"] for p in a["allowedPrefixesToDirectConnectGateway"]]
        for a in dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gw)[
            "directConnectGatewayAssociations"
        ]
    ]


def test_a_transit_gateway_association_allows_at_most_200_prefixes(
    server: ServerProcess, dx: Any, account: str
) -> None:
    tgw = ec2_transit_gateway(server, account)
    gw = dx_gateway(dx, asn=64700)
    # 150 IPv4 and 51 IPv6: 201 together, one over; nothing is associated.
    refused(
        dx.create_direct_connect_gateway_association,
        "at most 200 prefixes",
        "IPv4 and IPv6 combined",
        "201 were given",
        directConnectGatewayId=gw,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=cidrs(*V4, *V6),
    )
    assert allowed_of(dx, gw) == []
    # The limit itself is allowed.
    made = dx.create_direct_connect_gateway_association(
        directConnectGatewayId=gw,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=cidrs(*V4, *V6[:50]),
    )["directConnectGatewayAssociation"]
    assert allowed_of(dx, gw) == [[*V4, *V6[:50]]]
    # One more on an update is refused and changes nothing; one for one is fine.
    refused(
        dx.update_direct_connect_gateway_association,
        "at most 200 prefixes",
        "201 were given",
        associationId=made["associationId"],
        addAllowedPrefixesToDirectConnectGateway=cidrs(V6[50]),
    )
    assert allowed_of(dx, gw) == [[*V4, *V6[:50]]]
    dx.update_direct_connect_gateway_association(
        associationId=made["associationId"],
        addAllowedPrefixesToDirectConnectGateway=cidrs(V6[50]),
        removeAllowedPrefixesToDirectConnectGateway=cidrs(V6[0]),
    )
    assert allowed_of(dx, gw) == [[*V4, *V6[1:]]]


def test_a_proposal_for_a_transit_gateway_allows_at_most_200_prefixes(
    server: ServerProcess, account: str
) -> None:
    """multi-account-associate-tgw.md: the transit gateway's owner proposes the prefixes;
    over the limit the proposal is refused, and so is an acceptance that overrides the
    proposed prefixes with more than 200."""
    owner = str(int(account) + 1)  # the Direct Connect gateway's account
    proposer, accepter = server.client(account), server.client(owner)
    tgw = ec2_transit_gateway(server, account)
    gw = dx_gateway(accepter, asn=64700)
    propose = proposer.create_direct_connect_gateway_association_proposal
    refused(
        propose,
        "at most 200 prefixes",
        "201 were given",
        directConnectGatewayId=gw,
        directConnectGatewayOwnerAccount=owner,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=cidrs(*V4, *V6),
    )
    listed = accepter.describe_direct_connect_gateway_association_proposals(
        directConnectGatewayId=gw
    )["directConnectGatewayAssociationProposals"]
    assert listed == []
    proposal = propose(
        directConnectGatewayId=gw,
        directConnectGatewayOwnerAccount=owner,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=cidrs("10.0.0.0/16"),
    )["directConnectGatewayAssociationProposal"]
    refused(
        accepter.accept_direct_connect_gateway_association_proposal,
        "at most 200 prefixes",
        "201 were given",
        directConnectGatewayId=gw,
        proposalId=proposal["proposalId"],
        associatedGatewayOwnerAccount=account,
        overrideAllowedPrefixesToDirectConnectGateway=cidrs(*V4, *V6),
    )
    assert allowed_of(accepter, gw) == []
    state = accepter.describe_direct_connect_gateway_association_proposals(
        proposalId=proposal["proposalId"]
    )["directConnectGatewayAssociationProposals"][0]["proposalState"]
    assert state == "requested"
