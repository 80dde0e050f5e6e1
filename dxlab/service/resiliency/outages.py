"""What is down right now: the one place that says it. Every reader (Describe*,
ListVirtualInterfaceRoutes, verify, reports, the analyzer's "now", the console, the lab)
gets it through the network snapshot (service/data_plane.py), never from flags copied
onto other records."""

from __future__ import annotations

from dataclasses import dataclass

from dxlab.domain import failover as rules
from dxlab.routing.network import Failure
from dxlab.store.repository import UnitOfWork

TEST_KIND = "failover_test"
FAILURE_KIND = "failure"

SessionKey = tuple[str, str]  # (VIF id, address family)


@dataclass(frozen=True)
class Outages:
    """The failure domains of every active injected failure, the (VIF, family) sessions
    of every BGP failover test in progress, the data centers that are down, and the ids
    of the records that hold them (the lab watches those with probe traffic)."""

    failed: tuple[Failure, ...] = ()
    testing: tuple[SessionKey, ...] = ()
    dead_sites: tuple[str, ...] = ()
    records: tuple[str, ...] = ()


NONE = Outages()


def current_outages(uow: UnitOfWork, account: str | None) -> Outages:
    """What is down now in `account` (every account when None)."""
    failed: list[Failure] = []
    dead: list[str] = []
    records: list[str] = []
    for rec in uow.list(FAILURE_KIND, account=account):
        if rec.doc.get("status") == rules.ACTIVE:
            failed += [Failure(kind, fid) for kind, fid in rec.meta.get("domains", [])]
            dead += rec.meta.get("deadSites", [])
            records.append(rec.id)
    testing: list[SessionKey] = []
    for rec in uow.list(TEST_KIND, account=account):
        if rec.doc.get("status") == rules.IN_PROGRESS:
            vif_id = str(rec.doc["virtualInterfaceId"])
            testing += [(vif_id, family) for family in rec.meta.get("families", [])]
            records.append(rec.id)
    return Outages(tuple(failed), tuple(testing), tuple(dead), tuple(records))


def active_records(uow: UnitOfWork) -> dict[str, str]:
    """Failures and failover tests running now, in every account: record id -> account."""
    out = {}
    for kind, status in ((FAILURE_KIND, rules.ACTIVE), (TEST_KIND, rules.IN_PROGRESS)):
        out.update({r.id: r.account for r in uow.list(kind) if r.doc.get("status") == status})
    return out
