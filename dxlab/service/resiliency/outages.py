"""What is down right now: the one place that says it. Every reader (Describe*,
ListVirtualInterfaceRoutes, verify, reports, the analyzer's "now", the console, the lab)
gets it through the network snapshot (service/data_plane.py), never from flags copied
onto other records."""

from __future__ import annotations

from dxlab.domain.states import FailureStatus, TestStatus
from dxlab.routing.network import Failure, Outages, SessionKey
from dxlab.store.repository import UnitOfWork

TEST_KIND = "failover_test"
FAILURE_KIND = "failure"


def current_outages(
    uow: UnitOfWork, account: str | None, foreign_links: dict[str, str] | None = None
) -> Outages:
    """What is down now in `account` (every account when None). `foreign_links` (link id
    -> its owner): the ports of other accounts this account's hosted VIFs ride on; a
    failure their owner injected takes them down here too, as that connection failing."""
    failed: list[Failure] = []
    for rec in uow.list(FAILURE_KIND, account=account):
        if rec.doc.get("status") == FailureStatus.ACTIVE:
            failed += [Failure(kind, fid) for kind, fid in rec.meta.get("domains", [])]
    for owner in sorted(set((foreign_links or {}).values())):
        for rec in uow.list(FAILURE_KIND, account=owner):
            if rec.doc.get("status") == FailureStatus.ACTIVE:
                failed += [
                    Failure("connection", c)
                    for c in rec.doc.get("connections", [])
                    if c in (foreign_links or {})
                ]
    testing: list[SessionKey] = []
    for rec in uow.list(TEST_KIND, account=account):
        if rec.doc.get("status") == TestStatus.IN_PROGRESS:
            vif_id = str(rec.doc["virtualInterfaceId"])
            testing += [(vif_id, family) for family in rec.meta.get("families", [])]
    return Outages(tuple(failed), tuple(testing))


def active_records(uow: UnitOfWork) -> dict[str, str]:
    """Failures and failover tests running now, in every account: record id -> account."""
    out = {}
    running: tuple[tuple[str, str], ...] = (
        (FAILURE_KIND, FailureStatus.ACTIVE),
        (TEST_KIND, TestStatus.IN_PROGRESS),
    )
    for kind, status in running:
        out.update({r.id: r.account for r in uow.list(kind) if r.doc.get("status") == status})
    return out
