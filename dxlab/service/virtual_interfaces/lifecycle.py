"""Scheduled changes of virtual interfaces (durable timers, service/timers.py):
provisioning (`pending` -> up), the jumbo frame outage and its end, deletion and the
purge of deleted VIFs 15 minutes later (DescribeVirtualInterfaces: "Virtual interfaces
deleted fewer than 15 minutes before you make the request are also returned")."""

from __future__ import annotations

from typing import Any

from dxlab.domain.states import (
    BGP_PEER,
    BGP_STATUS,
    VIF,
    BGPPeerState,
    BGPStatus,
    VirtualInterfaceState,
    set_state,
)
from dxlab.service.context import Context, Settings
from dxlab.service.timers import timer_action
from dxlab.service.virtual_interfaces.state import KIND, live_vifs_on
from dxlab.store.repository import Record, UnitOfWork

PROVISION = "vif.provision"
PEER_PROVISION = "vif.peer-provision"
JUMBO_RESTORE = "vif.jumbo-restore"
DELETE = "vif.delete"
PURGE = "vif.purge"

# A new VIF takes a couple of minutes on AWS before BGP can come up.
REALISTIC_PROVISION_SECONDS = 120.0
# set-jumbo-frames-vif.md: "disrupts network connectivity for all virtual interfaces
# associated with the connection for up to 30 seconds". In `instant` mode the outage is
# kept short (but visible), so automation is not slowed down.
JUMBO_OUTAGE_SECONDS = 30.0
JUMBO_OUTAGE_INSTANT = 1.0
DELETED_VISIBLE_SECONDS = 15 * 60.0
# The states a provisioning step, a jumbo frame or an MTU change act on.
_UP_OR_COMING_UP = frozenset(
    {VirtualInterfaceState.PENDING, VirtualInterfaceState.AVAILABLE, VirtualInterfaceState.DOWN}
)


def provision_delay(settings: Settings) -> float:
    return (
        REALISTIC_PROVISION_SECONDS * settings.realistic_factor
        if settings.provisioning == "realistic"
        else 0.0
    )


def jumbo_outage(settings: Settings) -> float:
    if settings.provisioning == "instant":
        return JUMBO_OUTAGE_INSTANT
    factor = settings.realistic_factor if settings.provisioning == "realistic" else 1.0
    return JUMBO_OUTAGE_SECONDS * factor


def schedule_provisioning(uow: UnitOfWork, ctx: Context, vif_id: str) -> None:
    uow.schedule(ctx.now() + provision_delay(ctx.settings), PROVISION, vif_id, {})


def bring_up(uow: UnitOfWork, ctx: Context, rec: Record) -> None:
    """pending -> available (stored); the data plane then shows available or down."""
    rec.meta.pop("outage", None)
    if rec.doc["virtualInterfaceState"] in _UP_OR_COMING_UP:
        set_state(rec.doc, VIF, VirtualInterfaceState.AVAILABLE)
        for peer in rec.doc.get("bgpPeers", []):
            if peer["bgpPeerState"] == BGPPeerState.PENDING:
                set_state(peer, BGP_PEER, BGPPeerState.AVAILABLE)
    uow.put(rec)


def schedule_peer_provisioning(uow: UnitOfWork, ctx: Context, vif_id: str) -> None:
    uow.schedule(ctx.now() + provision_delay(ctx.settings), PEER_PROVISION, vif_id, {})


@timer_action(PEER_PROVISION)
def provision_peers(uow: UnitOfWork, ctx: Context, vif_id: str, payload: dict[str, Any]) -> None:
    """A BGP peer added to a provisioned VIF: `pending` -> `available` (create-bgp-peer
    capture); a VIF still provisioning takes its peers up with it (bring_up)."""
    rec = uow.get(KIND, vif_id)
    provisioned = (VirtualInterfaceState.AVAILABLE, VirtualInterfaceState.DOWN, VirtualInterfaceState.TESTING)
    if rec is None or rec.doc["virtualInterfaceState"] not in provisioned:
        return
    for peer in rec.doc.get("bgpPeers", []):
        if peer["bgpPeerState"] == BGPPeerState.PENDING:
            set_state(peer, BGP_PEER, BGPPeerState.AVAILABLE)
    uow.put(rec)


@timer_action(PROVISION)
def provision(uow: UnitOfWork, ctx: Context, vif_id: str, payload: dict[str, Any]) -> None:
    rec = uow.get(KIND, vif_id)
    if (
        rec is None
        or rec.doc["virtualInterfaceState"] != VirtualInterfaceState.PENDING
        or rec.meta.get("outage")
    ):
        return  # deleted meanwhile, or waiting for the end of a jumbo frame outage
    bring_up(uow, ctx, rec)


def jumbo_configured(parent: Record) -> bool:
    """Whether the connection (or LAG) was already updated for jumbo frames by a jumbo VIF
    on it (set-jumbo-frames-vif.md: the first one causes the update)."""
    return bool(parent.meta.get("jumboConfigured"))


def jumbo_upgrade(uow: UnitOfWork, ctx: Context, parent: Record, changed: Record) -> None:
    """set-jumbo-frames-vif.md: the connection (or LAG) is updated for jumbo frames, and
    every VIF on it loses connectivity for up to 30 seconds; the VIF being changed shows
    `pending` until the update is complete, the others `down`."""
    parent.doc["jumboFrameCapable"] = True
    parent.meta["jumboConfigured"] = True
    uow.put(parent)
    if parent.kind == "lag":
        from dxlab.service.connections.lag_rules import lag_members

        for member in lag_members(uow, parent.id):
            member.doc["jumboFrameCapable"] = True
            uow.put(member)
    for rec in [*(v for v in live_vifs_on(uow, parent.id) if v.id != changed.id), changed]:
        rec.doc["jumboFrameCapable"] = True
        if rec.doc["virtualInterfaceState"] in _UP_OR_COMING_UP:
            rec.meta["outage"] = True
            set_state(
                rec.doc,
                VIF,
                VirtualInterfaceState.PENDING if rec.id == changed.id else VirtualInterfaceState.DOWN,
            )
        if rec.id != changed.id:
            uow.put(rec)
    uow.schedule(ctx.now() + jumbo_outage(ctx.settings), JUMBO_RESTORE, parent.id, {})


def brief_outage(uow: UnitOfWork, ctx: Context, rec: Record) -> None:
    """A change that re-provisions one VIF (an MTU change, a migration): `pending`, then up."""
    if rec.doc["virtualInterfaceState"] in _UP_OR_COMING_UP:
        set_state(rec.doc, VIF, VirtualInterfaceState.PENDING)
        if not rec.meta.get("outage"):
            schedule_provisioning(uow, ctx, rec.id)


@timer_action(JUMBO_RESTORE)
def jumbo_restore(uow: UnitOfWork, ctx: Context, parent_id: str, payload: dict[str, Any]) -> None:
    for rec in live_vifs_on(uow, parent_id):
        if rec.meta.get("outage"):
            bring_up(uow, ctx, rec)


def start_delete(uow: UnitOfWork, ctx: Context, rec: Record) -> None:
    set_state(rec.doc, VIF, VirtualInterfaceState.DELETING)
    for peer in rec.doc.get("bgpPeers", []):
        set_state(peer, BGP_PEER, BGPPeerState.DELETING)
    rec.meta.pop("outage", None)
    uow.cancel_timers(rec.id)
    # The VLAN and the peer address blocks are free again at once (all claims are the VIF's).
    uow.release_owner(rec.id)
    uow.put(rec)
    uow.schedule(ctx.now(), DELETE, rec.id, {})


@timer_action(DELETE)
def finish_delete(uow: UnitOfWork, ctx: Context, vif_id: str, payload: dict[str, Any]) -> None:
    rec = uow.get(KIND, vif_id)
    if rec is None or rec.doc["virtualInterfaceState"] != VirtualInterfaceState.DELETING:
        return
    set_state(rec.doc, VIF, VirtualInterfaceState.DELETED)
    for peer in rec.doc.get("bgpPeers", []):
        set_state(peer, BGP_PEER, BGPPeerState.DELETED)
        set_state(peer, BGP_STATUS, BGPStatus.DOWN)
    uow.put(rec)
    uow.schedule(ctx.now() + DELETED_VISIBLE_SECONDS, PURGE, vif_id, {})


def finish_reject(uow: UnitOfWork, ctx: Context, rec: Record) -> None:
    """A VIF refused (a hosted VIF its owner declines, a public VIF whose prefixes are
    not approved): `rejected`, its VLAN and addresses free, gone after 15 minutes."""
    set_state(rec.doc, VIF, VirtualInterfaceState.REJECTED)
    for peer in rec.doc.get("bgpPeers", []):
        set_state(peer, BGP_PEER, BGPPeerState.DELETED)
        set_state(peer, BGP_STATUS, BGPStatus.DOWN)
    uow.cancel_timers(rec.id)
    uow.release_owner(rec.id)
    uow.put(rec)
    uow.schedule(ctx.now() + DELETED_VISIBLE_SECONDS, PURGE, rec.id, {})


@timer_action(PURGE)
def purge(uow: UnitOfWork, ctx: Context, vif_id: str, payload: dict[str, Any]) -> None:
    rec = uow.get(KIND, vif_id)
    if rec is not None and rec.doc["virtualInterfaceState"] not in VIF.live:
        uow.delete(KIND, vif_id)
