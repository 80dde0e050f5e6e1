"""LAG membership rules shared by CreateConnection, CreateInterconnect and the LAG
operations (lags.md), and the LAG's view of its members.

A member is a dedicated connection or an interconnect whose `doc["lagId"]` names the LAG
(its record's parent is the LAG too). Hosted connections allocated on a LAG also have the
LAG as parent, and show its lagId as the real service does (the associate-hosted-connection
capture), but they ride on the LAG: they are not members of it (`is_hosted`)."""

from __future__ import annotations

from typing import Any

from dxlab.domain import lag as rules
from dxlab.domain.connection import provisioning_steps
from dxlab.domain.errors import LimitExceeded, ValidationError
from dxlab.domain.macsec import apply_keys
from dxlab.domain.states import CONNECTION, LAG, ConnectionState, set_state
from dxlab.service.context import Context
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

MEMBER_KINDS = ("connection", "interconnect")


def member_state(rec: Record) -> str:
    return str(
        rec.doc.get("interconnectState" if rec.kind == "interconnect" else "connectionState")
    )


def is_hosted(rec: Record) -> bool:
    """A hosted connection (a partner allocated it): never a LAG member."""
    return "partnerAccount" in rec.meta


def lag_members(uow: UnitOfWork, lag_id: str) -> list[Record]:
    return [
        r
        for kind in MEMBER_KINDS
        for r in uow.list(kind, parent=lag_id)
        if r.doc.get("lagId") == lag_id
        and member_state(r) not in CONNECTION.gone
        and not is_hosted(r)
    ]


def as_connection(rec: Record) -> dict[str, Any]:
    """A member as the model's Connection shape (the Lag's `connections` list)."""
    if rec.kind == "connection":
        return rec.doc
    d = rec.doc
    doc = {
        "ownerAccount": rec.account,
        "connectionId": d["interconnectId"],
        "connectionName": d["interconnectName"],
        "connectionState": d["interconnectState"],
    }
    doc.update({k: v for k, v in d.items() if not k.startswith("interconnect")})
    return doc


def lag_view(uow: UnitOfWork, lag: Record) -> dict[str, Any]:
    """The Lag document with its members, count and state as they are now: member
    connections change state on their own (provisioning, deletion), so the LAG's
    embedded list and lagState are derived, never trusted from the stored copy."""
    doc = dict(lag.doc)
    members = sorted(lag_members(uow, lag.id), key=lambda r: r.created)
    doc["connections"] = [as_connection(r) for r in members]
    doc["numberOfConnections"] = len(members)
    # lags.md: a LAG of interconnects can host connections (a partner's LAG).
    doc["allowsHostedConnections"] = any(r.kind == "interconnect" for r in members)
    if doc["lagState"] not in LAG.gone:
        derived = rules.lag_state(
            [member_state(r) for r in members], int(doc.get("minimumLinks", 0))
        )
        set_state(doc, LAG, derived)
    return doc


def refresh_lag(uow: UnitOfWork, lag_id: str) -> dict[str, Any] | None:
    """Store the LAG's derived fields after its members changed; returns its view."""
    lag = uow.get("lag", lag_id)
    if lag is None:
        return None
    lag.doc = lag_view(uow, lag)
    uow.put(lag)
    return lag.doc


def member_changed(uow: UnitOfWork, doc: dict[str, Any]) -> None:
    """Hook for whatever changes a connection's state (provisioning, cross-connect,
    deletion, a failure): the stored LAG it belongs to follows."""
    if doc.get("lagId"):
        refresh_lag(uow, doc["lagId"])


def adopt_new_member(uow: UnitOfWork, ctx: Context, lag: Record, doc: dict[str, Any]) -> None:
    """Hook for CreateConnection with a lagId: the new connection takes the LAG's MACsec
    keys and encryption mode (lags.md, MACsec considerations), and the stored LAG
    follows it while it provisions."""
    if lag.doc.get("macSecCapable") and doc.get("macSecCapable"):
        doc["encryptionMode"] = lag.doc.get("encryptionMode", "no_encrypt")
        apply_keys(doc, lag.doc.get("macSecKeys", []))
    watch_members(uow, ctx, lag.id)


WATCH = "lag.watch"
_PROVISIONING = (ConnectionState.REQUESTED, ConnectionState.PENDING)


def watch_members(uow: UnitOfWork, ctx: Context, lag_id: str) -> None:
    """Keep the stored LAG in step with new member connections while they provision
    (their timers belong to the connections module): re-derive it after each step, a
    bounded number of times. Readers that need it exact use `lag_view`."""
    steps = provisioning_steps(ctx.settings.provisioning, ctx.settings.realistic_factor)
    if len(steps) < 2:
        return  # manual provisioning: members wait for their cross-connect
    interval = min(delay for _, delay in steps[1:])
    total = sum(delay for _, delay in steps)
    rounds = 8 if interval <= 0 else int(total / interval) + 8
    uow.schedule(ctx.now() + steps[0][1], WATCH, lag_id, {"interval": interval, "left": rounds})


@timer_action(WATCH)
def watch_step(uow: UnitOfWork, ctx: Context, lag_id: str, payload: dict[str, Any]) -> None:
    doc = refresh_lag(uow, lag_id)
    if doc is None or payload["left"] <= 0:
        return
    if any(c["connectionState"] in _PROVISIONING for c in doc["connections"]):
        nxt = {"interval": payload["interval"], "left": payload["left"] - 1}
        uow.schedule(ctx.now() + payload["interval"], WATCH, lag_id, nxt)


def check_can_join_lag(
    uow: UnitOfWork,
    lag: Record,
    location: str,
    bandwidth: str,
    kind: str = "connection",
    macsec: bool | None = None,
) -> None:
    """Whether a connection (or interconnect) of this location and bandwidth, MACsec
    capable or not (None: not checked), may join the LAG."""
    if lag.doc["lagState"] in LAG.gone:
        raise ValidationError(f"LAG {lag.id} is in state {lag.doc['lagState']}")
    if lag.doc["location"] != location:
        raise ValidationError(f"LAG {lag.id} is at {lag.doc['location']}, not at {location}")
    # lags.md: all connections in a LAG use the same bandwidth.
    if lag.doc["connectionsBandwidth"] != bandwidth:
        raise ValidationError(
            f"LAG {lag.id} uses {lag.doc['connectionsBandwidth']} connections; {bandwidth} cannot join it"
        )
    # CreateLag (model): all connections of a MACsec LAG must support MACsec.
    if macsec is False and lag.doc.get("macSecCapable"):
        raise ValidationError(
            f"LAG {lag.id} supports MACsec; a connection without MACsec cannot join it"
        )
    members = lag_members(uow, lag.id)
    # A LAG bundles dedicated connections, or a partner's interconnects; never both.
    if any(r.kind != kind for r in members):
        other = "interconnects" if kind == "connection" else "dedicated connections"
        raise ValidationError(f"LAG {lag.id} is a LAG of {other}; a {kind} cannot join it")
    limit = rules.member_limit(bandwidth)
    if len(members) >= limit:
        raise LimitExceeded(f"LAG {lag.id} already has the maximum of {limit} connections")


def check_can_leave_lag(uow: UnitOfWork, lag_id: str, connection_id: str) -> None:
    lag = uow.get("lag", lag_id)
    if lag is None:
        return
    minimum = int(lag.doc.get("minimumLinks", 0))
    if rules.leaves_too_few(len(lag_members(uow, lag_id)), minimum):
        raise ValidationError(
            f"Removing {connection_id} would take LAG {lag_id} below its minimum of"
            f" {minimum} operational connections"
        )
