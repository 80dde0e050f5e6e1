"""Changing a virtual interface: UpdateVirtualInterfaceAttributes (MTU, SiteLink, name,
rate limit; set-jumbo-frames-vif.md) and AssociateVirtualInterface (moving it to another
connection or LAG; migratevirtualinterface.md)."""

from __future__ import annotations

from dxlab.domain import ids
from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    AssociateVirtualInterfaceRequest,
    UpdateVirtualInterfaceAttributesRequest,
    VirtualInterface,
)
from dxlab.domain.speeds import RATE_LIMITS_MBPS
from dxlab.domain.states import (
    BGP_PEER,
    BGP_STATUS,
    VIF,
    BGPPeerState,
    BGPStatus,
    VirtualInterfaceState,
    set_state,
)
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.virtual_interfaces.bgp_peers import check_no_address_conflict, live_peers
from dxlab.service.virtual_interfaces.gateways import check_site_link
from dxlab.service.virtual_interfaces.interfaces import (
    check_parent_room,
    claim_vlan,
    is_hosted,
    owned_parent,
    parent_bandwidth_mbps,
)
from dxlab.service.virtual_interfaces.lifecycle import brief_outage, jumbo_configured, jumbo_upgrade
from dxlab.service.virtual_interfaces.state import as_vif, find_vif, parent_of, save
from dxlab.store.repository import Record, UnitOfWork


def _changeable(rec: Record) -> None:
    state = rec.doc["virtualInterfaceState"]
    if state in VIF.gone or state == VirtualInterfaceState.UNKNOWN:
        raise Conflict(f"Virtual interface {rec.id} is in state {state} and cannot be changed")


@operation("UpdateVirtualInterfaceAttributes", write=True)
def update_attributes(
    uow: UnitOfWork, ctx: Context, req: UpdateVirtualInterfaceAttributesRequest
) -> VirtualInterface:
    rec = find_vif(uow, ctx, req["virtualInterfaceId"], owner_only=True)
    _changeable(rec)
    vif_type = rec.doc["virtualInterfaceType"]
    parent = parent_of(uow, rec.parent)
    name = rules.check_name(req["virtualInterfaceName"]) if "virtualInterfaceName" in req else None
    mtu = rules.check_mtu(vif_type, req["mtu"]) if "mtu" in req else None
    site_link = (
        check_site_link(vif_type, rec.doc, req["enableSiteLink"])
        if "enableSiteLink" in req
        else None
    )
    rate = None
    if "rateLimit" in req and parent is not None:
        rate = rules.check_rate_limit(
            req["rateLimit"], parent_bandwidth_mbps(uow, parent), RATE_LIMITS_MBPS
        )
    for key in ("prefixPoolAllocatedCountIpv4", "prefixPoolAllocatedCountIpv6"):
        if key in req and vif_type == rules.PUBLIC:
            raise ValidationError(f"{key} does not apply to public virtual interfaces")
    if name is not None:
        rec.doc["virtualInterfaceName"] = name
    if site_link is not None:
        rec.doc["siteLinkEnabled"] = site_link
    if rate is not None:
        rec.doc["rateLimit"] = rate
    if "prefixPoolAllocatedCountIpv4" in req:
        rec.doc["prefixPoolAllocatedCountIpv4"] = req["prefixPoolAllocatedCountIpv4"]
    if "prefixPoolAllocatedCountIpv6" in req:
        rec.doc["prefixPoolAllocatedCountIpv6"] = req["prefixPoolAllocatedCountIpv6"]
    if mtu is not None and mtu != rec.doc["mtu"]:
        rec.doc["mtu"] = mtu
        if rules.is_jumbo(mtu) and parent is not None and not jumbo_configured(parent):
            jumbo_upgrade(uow, ctx, parent, rec)
        else:
            # set-jumbo-frames-vif.md: "The state of the virtual interface is pending
            # until the update is complete."
            brief_outage(uow, ctx, rec)
    return as_vif(save(uow, ctx, rec))


@operation("AssociateVirtualInterface", write=True)
def associate_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: AssociateVirtualInterfaceRequest
) -> VirtualInterface:
    """The model: the requester must own the VIF or its current connection, and must own
    the target connection or LAG; the target must have the VLAN and addresses free."""
    rec = find_vif(uow, ctx, req["virtualInterfaceId"])
    _changeable(rec)
    if rec.doc["virtualInterfaceState"] == VirtualInterfaceState.CONFIRMING:
        raise Conflict(f"Virtual interface {rec.id} is not confirmed yet by its owner")
    target = owned_parent(uow, ctx, req["connectionId"])
    if target.id == rec.parent:
        raise ValidationError(f"Virtual interface {rec.id} is already on {target.id}")
    current = parent_of(uow, rec.parent)
    if current is not None and is_hosted(uow, current):
        # The model: VIFs of a hosted connection move with it (AssociateHostedConnection).
        raise ValidationError(
            f"Virtual interface {rec.id} is on hosted connection {current.id}; move the hosted connection"
            " with AssociateHostedConnection instead"
        )
    if target.doc.get("region", ctx.region) != rec.doc["region"]:
        raise ValidationError(
            f"{target.id} is in another Region; a virtual interface cannot leave {rec.doc['region']}"
        )
    # set-jumbo-frames-vif.md: a jumbo VIF can only move to a jumbo frame capable connection or LAG.
    if rules.is_jumbo(rec.doc["mtu"]) and not target.doc.get("jumboFrameCapable"):
        raise ValidationError(
            f"Virtual interface {rec.id} uses MTU {rec.doc['mtu']}; {target.id} is not jumbo frame capable"
        )
    vlan = rec.doc["vlan"]
    check_parent_room(uow, target, rec.doc["virtualInterfaceType"], vlan, exclude=rec.id)
    mine = [
        p[k] for p in live_peers(rec.doc) for k in ("amazonAddress", "customerAddress") if p.get(k)
    ]
    check_no_address_conflict(uow, target.id, rec.id, mine)
    claim_vlan(uow, target.id, vlan, rec.id)
    uow.release(f"vlan:{rec.parent}", str(vlan))
    rec.parent = target.id
    rec.meta["connectionOwner"] = target.account
    rec.doc.update(
        connectionId=target.id,
        location=target.doc.get("location"),
        awsDeviceV2=target.doc.get("awsDeviceV2") or target.doc.get("awsDevice"),
        awsLogicalDeviceId=target.doc.get("awsLogicalDeviceId"),
        jumboFrameCapable=bool(target.doc.get("jumboFrameCapable")),
    )
    # The associate-virtual-interface capture: each BGP peer is replaced by a new one on the
    # new device (`pending`, same addresses and key) while the old one is `deleting`.
    leaving, successors = [], []
    for peer in rec.doc.get("bgpPeers", []):
        old = dict(peer)
        set_state(old, BGP_PEER, BGPPeerState.DELETING)
        set_state(old, BGP_STATUS, BGPStatus.DOWN)
        leaving.append(old)
        new = {k: v for k, v in peer.items() if k not in ("bgpPeerState", "bgpStatus")}
        new.update(
            bgpPeerId=ids.bgp_peer_id(),
            awsDeviceV2=rec.doc["awsDeviceV2"],
            awsLogicalDeviceId=rec.doc["awsLogicalDeviceId"],
        )
        was = BGPPeerState(peer["bgpPeerState"])
        set_state(new, BGP_PEER, BGPPeerState.PENDING if was == BGPPeerState.AVAILABLE else was)
        set_state(new, BGP_STATUS, BGPStatus.DOWN)
        successors.append(new)
    rec.doc["bgpPeers"] = successors
    # The model: "Connectivity to AWS is temporarily interrupted as the VIF is being migrated."
    brief_outage(uow, ctx, rec)
    out = as_vif(save(uow, ctx, rec))
    # The answer shows the old peers on their way out, as AWS does; the store has the new.
    return as_vif({**out, "bgpPeers": [*leaving, *out["bgpPeers"]]})
