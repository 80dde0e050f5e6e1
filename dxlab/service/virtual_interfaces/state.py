"""Where a virtual interface stands: its parent (connection, LAG or interconnect), who
may see it, and the state and BGP status it shows. Up or down is the data plane's word,
read from the network snapshot (service/snapshot.py), so Describe*, the routes, verify and
the analyzer can never disagree."""

from __future__ import annotations

import copy
from typing import Any, cast

from dxlab.domain.errors import NotFound
from dxlab.domain.shapes import VirtualInterface
from dxlab.domain.states import (
    BGP_STATUS,
    VIF,
    VIF_DATA_PLANE,
    BGPPeerState,
    BGPStatus,
    ConnectionState,
    VirtualInterfaceState,
    set_state,
)
from dxlab.service.common import in_region
from dxlab.service.context import Context
from dxlab.service.snapshot import NetworkSnapshot, link_kind, network_snapshot
from dxlab.store.repository import Record, UnitOfWork

KIND = "virtual_interface"
# A VIF whose BGP sessions show up or down as the snapshot has them (a failover test
# holds the tested ones down in the snapshot); in any other state every session is down.
_SESSIONS_SHOWN = frozenset({VirtualInterfaceState.AVAILABLE, VirtualInterfaceState.TESTING})
PARENT_STATE_FIELD = {
    "connection": "connectionState",
    "lag": "lagState",
    "interconnect": "interconnectState",
}


def parent_of(uow: UnitOfWork, parent_id: str | None) -> Record | None:
    """The connection, LAG or interconnect a VIF (or a request) names."""
    if not parent_id:
        return None
    for kind in link_kind(parent_id):
        rec = uow.get(kind, parent_id)
        if rec is not None:
            return rec
    return None


def parent_state(parent: Record) -> str:
    return str(parent.doc.get(PARENT_STATE_FIELD[parent.kind], ConnectionState.UNKNOWN.value))


def visible_to(rec: Record, account: str) -> bool:
    """The VIF's owner sees it, and so does the owner of the connection it rides on
    (a hosted VIF is listed for both accounts)."""
    return rec.account == account or rec.meta.get("connectionOwner") == account


def vif_not_found(vif_id: str) -> NotFound:
    # Tools match on "does not exist" to tell a gone VIF (Terraform's DX VIF resources).
    return NotFound(f"The virtual interface {vif_id} does not exist.")


def find_vif(uow: UnitOfWork, ctx: Context, vif_id: str, *, owner_only: bool = False) -> Record:
    """The VIF if the caller may see it in the request's Region: a VIF belongs to its
    connection's Region (common.in_region), so another Region's endpoint answers as for a
    missing one, as DescribeConnections and the Region's VIF list do."""
    rec = uow.get(KIND, vif_id)
    if (
        rec is None
        or not (rec.account == ctx.account if owner_only else visible_to(rec, ctx.account))
        or not in_region(rec, ctx)
    ):
        raise vif_not_found(vif_id)
    return rec


def live_state(snap: NetworkSnapshot, rec: Record) -> VirtualInterfaceState:
    """The state a VIF shows now: `available` and `down` follow the data plane, except
    during an outage dxlab itself causes (a jumbo frame update, a migration)."""
    state = VirtualInterfaceState(rec.doc["virtualInterfaceState"])
    if state in VIF_DATA_PLANE and not rec.meta.get("outage"):
        up = snap.vif_up(rec.id)
        return VirtualInterfaceState.AVAILABLE if up else VirtualInterfaceState.DOWN
    return state


def view(
    uow: UnitOfWork, ctx: Context, rec: Record, snap: NetworkSnapshot | None = None
) -> dict[str, Any]:
    """The VirtualInterface as Describe* shows it now (the stored doc is not changed).
    `snap` is the owner's snapshot when the caller has one (a listing builds it once);
    without one, a snapshot of this VIF alone (not of the whole account)."""
    from dxlab.domain.router_templates import logical_connection_xml

    if (
        snap is None
        or snap.account != rec.account
        or (snap.scoped and rec.id not in snap.network.vifs)
    ):
        snap = network_snapshot(uow, ctx, rec.account, vif_ids=(rec.id,))
    doc = copy.deepcopy(rec.doc)
    state = live_state(snap, rec)
    set_state(doc, VIF, state)
    for peer in doc.get("bgpPeers", []):
        session = snap.session(rec.id, peer["addressFamily"])
        up = session is not None and session.up and peer["bgpPeerState"] == BGPPeerState.AVAILABLE
        up = up and state in _SESSIONS_SHOWN
        set_state(peer, BGP_STATUS, BGPStatus.UP if up else BGPStatus.DOWN)
    doc["customerRouterConfig"] = logical_connection_xml(doc)
    return doc


def as_vif(doc: dict[str, Any]) -> VirtualInterface:
    """A VIF as `view` shows it is the model's VirtualInterface: the stored document
    is built with the model's member names (interfaces.build_vif)."""
    return cast(VirtualInterface, doc)


def views(uow: UnitOfWork, ctx: Context, records: list[Record]) -> list[dict[str, Any]]:
    """Many VIFs as Describe* shows them, with one snapshot per owning account."""
    snaps: dict[str, NetworkSnapshot] = {}
    out = []
    for rec in records:
        if rec.account not in snaps:
            snaps[rec.account] = network_snapshot(uow, ctx, rec.account)
        out.append(view(uow, ctx, rec, snaps[rec.account]))
    return out


def save(uow: UnitOfWork, ctx: Context, rec: Record) -> dict[str, Any]:
    """Store the VIF's lifecycle document and return it as Describe* shows it now. What
    the data plane says (up or down, BGP status) is never stored: every reader takes it
    from the snapshot, so no stored copy can go stale."""
    uow.put(rec)
    return view(uow, ctx, rec)


def live_vifs_on(uow: UnitOfWork, parent_id: str) -> list[Record]:
    return [
        v for v in uow.list(KIND, parent=parent_id) if v.doc["virtualInterfaceState"] in VIF.live
    ]
