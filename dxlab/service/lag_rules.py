"""LAG membership rules shared by CreateConnection and the LAG operations (lags.md)."""

from __future__ import annotations

from dxlab.domain import quotas
from dxlab.domain.errors import LimitExceeded, ValidationError
from dxlab.domain.speeds import mbps
from dxlab.store.repository import Record, UnitOfWork


def lag_members(uow: UnitOfWork, lag_id: str) -> list[Record]:
    return [
        r for r in uow.list("connection", parent=lag_id)
        if r.doc.get("lagId") == lag_id and r.doc["connectionState"] not in ("deleted", "rejected")
    ]  # fmt: skip


def check_can_join_lag(uow: UnitOfWork, lag: Record, location: str, bandwidth: str) -> None:
    if lag.doc["lagState"] in ("deleted", "deleting"):
        raise ValidationError(f"LAG {lag.id} is in state {lag.doc['lagState']}")
    if lag.doc["location"] != location:
        raise ValidationError(f"LAG {lag.id} is at {lag.doc['location']}, not at {location}")
    # lags.md: all connections in a LAG use the same bandwidth.
    if lag.doc["connectionsBandwidth"] != bandwidth:
        raise ValidationError(
            f"LAG {lag.id} uses {lag.doc['connectionsBandwidth']} connections; {bandwidth} cannot join it"
        )
    limit = quotas.lag_connection_limit(mbps(bandwidth))
    if len(lag_members(uow, lag.id)) >= limit:
        raise LimitExceeded(f"LAG {lag.id} already has the maximum of {limit} connections")


def check_can_leave_lag(uow: UnitOfWork, lag_id: str, connection_id: str) -> None:
    lag = uow.get("lag", lag_id)
    if lag is None:
        return
    remaining = [r for r in lag_members(uow, lag_id) if r.id != connection_id]
    # delete-lag / deleteconnection.md: never below the LAG's minimum links.
    if len(remaining) < int(lag.doc.get("minimumLinks", 0)):
        raise ValidationError(
            f"Removing {connection_id} would take LAG {lag_id} below its minimum of"
            f" {lag.doc['minimumLinks']} operational connections"
        )
