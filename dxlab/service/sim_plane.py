"""The simulated data plane's BGP probe: a VIF's session is up when its connection is up
and patched (vif_state.simulated_session_up), no injected failure holds that connection
down, no failover test holds the VIF, and — once the account has loaded a customer
topology — a customer router of that topology is patched to the connection (a session
needs a router at the other end).

Registered at import, so the whole service asks this probe; the lab's real data plane
replaces it with its own (vif_state.use_data_plane)."""

from __future__ import annotations

from dxlab.service.snapshot import TOPOLOGY_KIND
from dxlab.service.virtual_interfaces.state import parent_of, simulated_session_up, use_data_plane
from dxlab.store.repository import Record, UnitOfWork


def sim_session_up(uow: UnitOfWork, vif: Record) -> bool:
    if vif.meta.get("failoverTest") or not simulated_session_up(uow, vif):
        return False
    parent = parent_of(uow, vif.parent)
    if parent is None or parent.meta.get("failures"):
        return False
    # The customer side is the port owner's (a hosted VIF's owner does not patch the port).
    topology = uow.get(TOPOLOGY_KIND, parent.account)
    return topology is None or parent.id in topology.doc.get("routerOfLink", {})


use_data_plane(sim_session_up)
