"""What is down right now: the one place that says it. Every reader (Describe*,
ListVirtualInterfaceRoutes, verify, reports, the analyzer's "now", the console, the lab)
gets it through the network snapshot (service/data_plane.py), never from flags copied
onto other records."""

from __future__ import annotations

from dxlab.domain.states import FailureStatus, TestStatus
from dxlab.routing.network import Failure, Outages, SessionKey
from dxlab.store.repository import Record, UnitOfWork

TEST_KIND = "failover_test"
FAILURE_KIND = "failure"


def running(uow: UnitOfWork, kind: str, account: str | None) -> list[Record]:
    """The injected failures (FAILURE_KIND) or failover tests (TEST_KIND) running now."""
    status = FailureStatus.ACTIVE if kind == FAILURE_KIND else TestStatus.IN_PROGRESS
    return [r for r in uow.list(kind, account=account) if r.doc.get("status") == status]


def current_outages(
    uow: UnitOfWork, account: str | None, foreign_links: dict[str, str] | None = None
) -> Outages:
    """What is down now in `account` (every account when None). `foreign_links` (link id
    -> its owner): the ports of other accounts this account's hosted VIFs ride on; a
    failure their owner injected takes them down here too, as that connection failing."""
    foreign = foreign_links or {}
    failed = [
        Failure(k, fid)
        for rec in running(uow, FAILURE_KIND, account)
        for k, fid in rec.meta.get("domains", [])
    ]
    for owner in sorted(set(foreign.values())):
        for rec in running(uow, FAILURE_KIND, owner):
            failed += [
                Failure("connection", c) for c in rec.doc.get("connections", []) if c in foreign
            ]
    testing: list[SessionKey] = [
        (str(rec.doc["virtualInterfaceId"]), family)
        for rec in running(uow, TEST_KIND, account)
        for family in rec.meta.get("families", [])
    ]
    return Outages(tuple(failed), tuple(testing))


def active_records(uow: UnitOfWork) -> dict[str, str]:
    """Failures and failover tests running now, in every account: record id -> account."""
    return {r.id: r.account for kind in (FAILURE_KIND, TEST_KIND) for r in running(uow, kind, None)}
