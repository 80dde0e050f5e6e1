"""Where a virtual interface stands: its parent (connection, LAG or interconnect), who
may see it, and the state and BGP status the data plane gives it.

The data plane decides whether a BGP session is up. For now that is the simulated one
(`simulated_session_up`); the lab replaces it with `use_data_plane(probe)`, so the rest
of dxlab asks one function and never knows which plane answered."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from dxlab.domain.errors import NotFound
from dxlab.service.context import Context
from dxlab.store.repository import Record, UnitOfWork

KIND = "virtual_interface"
PARENT_STATE_FIELD = {
    "connection": "connectionState",
    "lag": "lagState",
    "interconnect": "interconnectState",
}

SessionProbe = Callable[[UnitOfWork, Record], bool]


def parent_of(uow: UnitOfWork, parent_id: str | None) -> Record | None:
    """The connection, LAG or interconnect a VIF (or a request) names."""
    if not parent_id:
        return None
    kinds = ("lag",) if parent_id.startswith("dxlag-") else ("connection", "interconnect")
    for kind in kinds:
        rec = uow.get(kind, parent_id)
        if rec is not None:
            return rec
    return None


def parent_state(parent: Record) -> str:
    return str(parent.doc.get(PARENT_STATE_FIELD[parent.kind], "unknown"))


def simulated_session_up(uow: UnitOfWork, vif: Record) -> bool:
    """The simulated data plane: a BGP session is up when the VIF's connection (or LAG)
    is available and its cross-connect patches a customer router."""
    parent = parent_of(uow, vif.parent)
    if parent is None or parent_state(parent) != "available":
        return False
    return bool(parent.meta.get("crossConnect", True))


_probe: list[SessionProbe] = [simulated_session_up]


def use_data_plane(probe: SessionProbe) -> None:
    """Make `probe` the source of BGP session state (the lab's real daemons)."""
    _probe[0] = probe


def session_up(uow: UnitOfWork, vif: Record) -> bool:
    return _probe[0](uow, vif)


def visible_to(rec: Record, account: str) -> bool:
    """The VIF's owner sees it, and so does the owner of the connection it rides on
    (a hosted VIF is listed for both accounts)."""
    return rec.account == account or rec.meta.get("connectionOwner") == account


def vif_not_found(vif_id: str) -> NotFound:
    # Tools match on "does not exist" to tell a gone VIF (Terraform's DX VIF resources).
    return NotFound(f"The virtual interface {vif_id} does not exist.")


def find_vif(uow: UnitOfWork, ctx: Context, vif_id: str, *, owner_only: bool = False) -> Record:
    rec = uow.get(KIND, vif_id)
    if rec is None or not (
        rec.account == ctx.account if owner_only else visible_to(rec, ctx.account)
    ):
        raise vif_not_found(vif_id)
    return rec


def live_state(uow: UnitOfWork, rec: Record) -> str:
    """The state a VIF shows now: `available` and `down` follow the data plane, except
    during an outage dxlab itself causes (a jumbo frame update, a migration)."""
    state = str(rec.doc["virtualInterfaceState"])
    if state in ("available", "down") and not rec.meta.get("outage"):
        return "available" if session_up(uow, rec) else "down"
    return state


def view(uow: UnitOfWork, rec: Record) -> dict[str, Any]:
    """The VirtualInterface as Describe* shows it now (the stored doc is not changed)."""
    from dxlab.domain.router_templates import logical_connection_xml

    doc = copy.deepcopy(rec.doc)
    state = live_state(uow, rec)
    doc["virtualInterfaceState"] = state
    for peer in doc.get("bgpPeers", []):
        if state == "testing":
            continue  # the failover test owns the peers' status while it runs
        peer["bgpStatus"] = (
            "up" if state == "available" and peer["bgpPeerState"] == "available" else "down"
        )
    doc["customerRouterConfig"] = logical_connection_xml(doc)
    return doc


def refresh(uow: UnitOfWork, rec: Record) -> dict[str, Any]:
    """Store what `view` computes (inside a write), and return it."""
    doc = view(uow, rec)
    rec.doc = doc
    uow.put(rec)
    return doc


def live_vifs_on(uow: UnitOfWork, parent_id: str) -> list[Record]:
    from dxlab.domain.vif import LIVE_STATES

    return [
        v for v in uow.list(KIND, parent=parent_id) if v.doc["virtualInterfaceState"] in LIVE_STATES
    ]
