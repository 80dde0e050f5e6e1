"""Interconnects: a Direct Connect Partner's ports, on which it allocates hosted
connections for its customers (CreateInterconnect, DescribeInterconnects,
DeleteInterconnect; hosted_connection.md and the model's operation documentation)."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain import catalog, ids
from dxlab.domain.connection import provisioning_steps
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.macsec import apply_keys
from dxlab.domain.shapes import (
    CreateInterconnectRequest,
    DeleteInterconnectRequest,
    DeleteInterconnectResponse,
    DescribeInterconnectsRequest,
    Interconnect,
    Interconnects,
)
from dxlab.domain.speeds import DEDICATED_BANDWIDTHS, INTERCONNECT_BANDWIDTHS
from dxlab.domain.states import (
    CONNECTION,
    INTERCONNECT,
    ConnectionState,
    InterconnectState,
    LagState,
    set_state,
)
from dxlab.service.common import find, initial_tags, page
from dxlab.service.connections.dedicated import require_location
from dxlab.service.connections.lag_rules import (
    check_can_join_lag,
    check_can_leave_lag,
    lag_view,
    refresh_lag,
)
from dxlab.service.connections.placement import (
    check_ports_left,
    new_port_fields,
    place,
    ports_at,
    release_port,
)
from dxlab.service.connections.port_orders import check_port_order
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

PROVISION = "interconnect.provision"


def check_interconnect_bandwidth(loc: catalog.Location, bandwidth: str) -> None:
    if bandwidth not in INTERCONNECT_BANDWIDTHS:
        raise ValidationError(
            f"Bandwidth {bandwidth!r} is not valid for an interconnect; choose one of {', '.join(INTERCONNECT_BANDWIDTHS)}"
        )
    if DEDICATED_BANDWIDTHS[bandwidth] not in loc.port_speeds:
        raise ValidationError(f"Bandwidth {bandwidth} is not available at location {loc.code}")


def hosted_on(uow: UnitOfWork, parent_id: str, *, live: bool = False) -> list[Record]:
    """Hosted connections allocated on an interconnect or LAG, oldest first."""
    recs = [r for r in uow.list("connection", parent=parent_id) if "partnerAccount" in r.meta]
    if live:
        recs = [r for r in recs if r.doc["connectionState"] not in CONNECTION.gone]
    return sorted(recs, key=lambda r: r.created)


def parent_available(uow: UnitOfWork, parent_id: str | None) -> bool:
    """Whether the interconnect or LAG under a hosted connection is up."""
    if parent_id and parent_id.startswith("dxlag-"):
        lag = uow.get("lag", parent_id)
        return lag is not None and lag_view(uow, lag)["lagState"] == LagState.AVAILABLE
    rec = uow.get("interconnect", parent_id) if parent_id else None
    return rec is not None and rec.doc["interconnectState"] == InterconnectState.AVAILABLE


def activate_waiting(uow: UnitOfWork, parent_id: str) -> None:
    """Confirmed hosted connections come up once the port under them does."""
    for hosted in hosted_on(uow, parent_id, live=True):
        if hosted.doc["connectionState"] == ConnectionState.PENDING:
            set_state(hosted.doc, CONNECTION, ConnectionState.AVAILABLE)
            uow.put(hosted)


def order_interconnect(
    uow: UnitOfWork,
    ctx: Context,
    loc: catalog.Location,
    name: str,
    bandwidth: str,
    *,
    lag: Record | None = None,
    on_device: str | None = None,
    provider: str | None = None,
    macsec: bool = False,
    tags: list[dict[str, str]] | None = None,
) -> Record:
    """A new interconnect port, placed like a dedicated connection, provisioned the same way."""
    interconnect_id = ids.connection_id()
    device, port = place(uow, loc, ctx.account, interconnect_id, on_device=on_device)
    doc: dict[str, Any] = {
        "interconnectId": interconnect_id,
        "interconnectName": name,
    }
    set_state(doc, INTERCONNECT, InterconnectState.REQUESTED)
    doc.update(new_port_fields(ctx.region, loc, device, bandwidth))
    doc.update(macSecCapable=macsec, tags=tags or [])
    if provider is not None:
        doc["providerName"] = provider
    if lag is not None:
        doc["lagId"] = lag.id
        # lags.md, MACsec considerations: a member uses the LAG's keys and mode.
        if macsec:
            doc["encryptionMode"] = lag.doc.get("encryptionMode", "no_encrypt")
            apply_keys(doc, lag.doc.get("macSecKeys", []))
    meta = {"port": port, "subLocation": device.sub_location, "crossConnect": False}
    rec = Record(
        "interconnect",
        interconnect_id,
        ctx.account,
        doc,
        meta,
        parent=lag.id if lag else None,
        created=ctx.now(),
    )
    uow.put(rec)
    steps = provisioning_steps(ctx.settings.provisioning, ctx.settings.realistic_factor)
    if steps:
        uow.schedule(
            ctx.now() + steps[0][1],
            PROVISION,
            interconnect_id,
            {"step": steps[0][0], "rest": steps[1:]},
        )
    return rec


def _interconnect(doc: dict[str, Any]) -> Interconnect:
    """A stored interconnect document is the model's Interconnect (checked in the tests)."""
    return cast(Interconnect, doc)


@operation("CreateInterconnect", write=True)
def create_interconnect(
    uow: UnitOfWork, ctx: Context, req: CreateInterconnectRequest
) -> Interconnect:
    loc = require_location(ctx, req["location"])
    bandwidth = req["bandwidth"]
    check_interconnect_bandwidth(loc, bandwidth)
    macsec = bool(req.get("requestMACSec"))
    check_port_order(loc, bandwidth, req.get("providerName"), None, macsec)
    tags = initial_tags(req)
    check_ports_left(ports_at(uow, ctx.account, loc.code), loc.code)
    lag = None
    if req.get("lagId") is not None:
        lag = find(uow, ctx, "lag", req["lagId"])
        check_can_join_lag(uow, lag, loc.code, bandwidth, kind="interconnect", macsec=macsec)
    rec = order_interconnect(
        uow,
        ctx,
        loc,
        req["interconnectName"],
        bandwidth,
        lag=lag,
        on_device=lag.doc["awsDevice"] if lag else None,
        provider=req.get("providerName"),
        macsec=macsec,
        tags=tags,
    )
    if lag is not None:
        refresh_lag(uow, lag.id)
    return _interconnect(rec.doc)


@timer_action(PROVISION)
def provision_step(
    uow: UnitOfWork, ctx: Context, interconnect_id: str, payload: dict[str, Any]
) -> None:
    rec = uow.get("interconnect", interconnect_id)
    if rec is None or rec.doc["interconnectState"] in CONNECTION.gone:
        return
    step, state = payload["step"], rec.doc["interconnectState"]
    if step == "loa":
        rec.doc.setdefault("loaIssueTime", ctx.now())
    elif step == InterconnectState.PENDING and state == InterconnectState.REQUESTED:
        set_state(rec.doc, INTERCONNECT, InterconnectState.PENDING)
        rec.meta["crossConnect"] = True
    elif step == InterconnectState.AVAILABLE and state == InterconnectState.PENDING:
        set_state(rec.doc, INTERCONNECT, InterconnectState.AVAILABLE)
    uow.put(rec)
    if rec.doc["interconnectState"] == InterconnectState.AVAILABLE:
        activate_waiting(uow, rec.id)
    lag = refresh_lag(uow, rec.doc["lagId"]) if rec.doc.get("lagId") else None
    if lag is not None and lag["lagState"] == LagState.AVAILABLE:
        activate_waiting(uow, lag["lagId"])
    rest = payload.get("rest") or []
    if rest:
        uow.schedule(
            ctx.now() + rest[0][1],
            PROVISION,
            interconnect_id,
            {"step": rest[0][0], "rest": rest[1:]},
        )


@route("POST", "/interconnects/{interconnect_id}/cross-connect", write=True)
def complete_cross_connect(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """The partner's cross-connect to its interconnect is patched (`--provisioning manual`)."""
    rec = find(uow, ctx, "interconnect", args["interconnect_id"])
    state = rec.doc["interconnectState"]
    if state not in (InterconnectState.REQUESTED, InterconnectState.PENDING):
        raise Conflict(
            f"Interconnect {rec.id} is in state {state}; its cross-connect is already complete"
        )
    uow.cancel_timers(rec.id, PROVISION)
    rec.doc.setdefault("loaIssueTime", ctx.now())
    set_state(rec.doc, INTERCONNECT, InterconnectState.PENDING)
    rec.meta["crossConnect"] = True
    uow.put(rec)
    uow.schedule(
        ctx.now(), PROVISION, rec.id, {"step": InterconnectState.AVAILABLE.value, "rest": []}
    )
    return rec.doc


@operation("DescribeInterconnects")
def describe_interconnects(
    uow: UnitOfWork, ctx: Context, req: DescribeInterconnectsRequest
) -> Interconnects:
    interconnect_id = req.get("interconnectId")
    if interconnect_id is not None:
        return {
            "interconnects": [_interconnect(find(uow, ctx, "interconnect", interconnect_id).doc)]
        }
    mine = sorted(
        (
            r
            for r in uow.list("interconnect", account=ctx.account)
            if r.doc.get("region") == ctx.region
        ),
        key=lambda r: r.created,
    )
    items, token = page([r.doc for r in mine], req.get("maxResults"), req.get("nextToken"))
    out: Interconnects = {"interconnects": cast(list[Interconnect], items)}
    if token:
        out["nextToken"] = token
    return out


@operation("DeleteInterconnect", write=True)
def delete_interconnect(
    uow: UnitOfWork, ctx: Context, req: DeleteInterconnectRequest
) -> DeleteInterconnectResponse:
    rec = find(uow, ctx, "interconnect", req["interconnectId"])
    state = rec.doc["interconnectState"]
    if state in CONNECTION.gone:
        raise Conflict(f"Interconnect {rec.id} is already {state}")
    hosted = hosted_on(uow, rec.id, live=True)
    if hosted:
        raise Conflict(
            f"Interconnect {rec.id} has {len(hosted)} hosted connection(s); delete them before the interconnect"
        )
    lag_id = rec.doc.get("lagId")
    if lag_id:
        check_can_leave_lag(uow, lag_id, rec.id)
    set_state(rec.doc, INTERCONNECT, InterconnectState.DELETED)
    uow.cancel_timers(rec.id)
    release_port(uow, rec.id)
    uow.put(rec)
    if lag_id:
        refresh_lag(uow, lag_id)
    return {"interconnectState": rec.doc["interconnectState"]}
