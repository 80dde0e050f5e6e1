"""Dedicated connections: ordering, describing, updating, deleting, provisioning.

Guide: dedicated_connection.md, WorkingWithConnections.md, updateconnection.md,
deleteconnection.md; quotas from limits.md.

The operations take and return the model's shapes (domain/shapes.py, generated): the
codec has validated the input against the model before a handler runs, and a stored
connection document is the model's Connection (checked against the model in the tests,
DXLAB_CHECK_OUTPUT), so `_connection` only tells the type checker so."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain import catalog, ids
from dxlab.domain.connection import provisioning_steps
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    BillingMode,
    Connection,
    Connections,
    CreateConnectionRequest,
    DeleteConnectionRequest,
    DescribeConnectionsRequest,
    UpdateConnectionRequest,
    UpdateConnectionsBillingModeRequest,
    UpdateConnectionsBillingModeResponse,
)
from dxlab.domain.speeds import DEDICATED_BANDWIDTHS, MACSEC_BANDWIDTHS
from dxlab.domain.states import CONNECTION, VIF, ConnectionState, set_state
from dxlab.service.common import find, find_port, in_region, initial_tags, page
from dxlab.service.connections.lag_placement import lag_devices_with_room
from dxlab.service.connections.lag_rules import member_changed
from dxlab.service.connections.placement import (
    check_ports_left,
    new_port_fields,
    place,
    ports_at,
    release_port,
)
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

PROVISION = "connection.provision"


def require_location(ctx: Context, code: str) -> catalog.Location:
    loc = catalog.location(code)
    if loc is None or loc.region != ctx.region:
        # Each location belongs to one Region's endpoint: name the one that has it.
        where = f" (it is in {loc.region}: order it there)" if loc is not None else ""
        raise ValidationError(
            f"Location {code!r} is not a Direct Connect location in {ctx.region}{where};"
            " see DescribeLocations for the codes"
        )
    return loc


def check_provider(loc: catalog.Location, provider: str | None) -> None:
    """A provider named for a port (CreateConnection) or its LOA-CFA (DescribeLoa) is one
    that serves the location."""
    if provider is not None and provider not in loc.providers:
        shown = (
            provider if len(provider) <= 64 else f"{provider[:60]}... ({len(provider)} characters)"
        )
        raise ValidationError(f"Provider {shown!r} is not available at location {loc.code}")


def check_bandwidth(loc: catalog.Location, bandwidth: str) -> None:
    speed = DEDICATED_BANDWIDTHS.get(bandwidth)
    if speed is None:
        raise ValidationError(
            f"Bandwidth {bandwidth!r} is not valid for a dedicated connection;"
            f" choose one of {', '.join(DEDICATED_BANDWIDTHS)}"
        )
    if speed not in loc.port_speeds:
        raise ValidationError(f"Bandwidth {bandwidth} is not available at location {loc.code}")


def new_connection_doc(
    ctx: Context,
    connection_id: str,
    name: str,
    loc: catalog.Location,
    device: catalog.Device,
    bandwidth: str,
    state: ConnectionState,
    **extra: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ownerAccount": ctx.account,
        "connectionId": connection_id,
        "connectionName": name,
    }
    set_state(doc, CONNECTION, state)
    doc.update(new_port_fields(ctx.region, loc, device, bandwidth))
    doc.update({k: v for k, v in extra.items() if v is not None})
    return doc


def _connection(doc: dict[str, Any]) -> Connection:
    return cast(Connection, doc)


@operation("CreateConnection", write=True)
def create_connection(
    uow: UnitOfWork,
    ctx: Context,
    req: CreateConnectionRequest,
    avoid_devices: frozenset[str] = frozenset(),
    sub_location: str | None = None,
    held: bool = False,
) -> Connection:
    """`sub_location`: the floor or meet-me room the wizard's order asks for; `held`: the
    order waits for AWS's review, so provisioning starts only when it is approved (neither
    is an API member)."""
    loc = require_location(ctx, req["location"])
    bandwidth = req["bandwidth"]
    check_bandwidth(loc, bandwidth)
    provider = req.get("providerName")
    check_provider(loc, provider)
    billing = req.get("billingMode", "PayAsYouGo")
    if billing not in loc.billing_modes:
        raise ValidationError(f"Billing mode {billing} is not available at location {loc.code}")
    macsec = bool(req.get("requestMACSec"))
    if macsec and (
        bandwidth not in MACSEC_BANDWIDTHS
        or DEDICATED_BANDWIDTHS[bandwidth] not in loc.macsec_port_speeds
    ):
        raise ValidationError(f"MACsec is not available for {bandwidth} connections at {loc.code}")
    tags = initial_tags(req)
    ports_here = ports_at(uow, ctx.account, loc.code)  # listed once: for the quota and placement
    check_ports_left(ports_here, loc.code)
    connection_id = ids.connection_id()
    on_device = None
    lag_id = req.get("lagId")
    if lag_id is not None:
        from dxlab.service.connections.lag_rules import check_can_join_lag

        lag = find(uow, ctx, "lag", lag_id)
        check_can_join_lag(uow, lag, loc.code, bandwidth, macsec=macsec)
        on_device = lag.doc["awsDevice"]
        prefer: frozenset[str] = frozenset()
    else:
        prefer = lag_devices_with_room(uow, ctx.account, loc.code, bandwidth)
    device, port = place(
        uow,
        loc,
        ctx.account,
        connection_id,
        on_device=on_device,
        avoid_devices=avoid_devices,
        prefer_devices=prefer,
        ports_here=ports_here,
        sub_location=sub_location,
    )
    doc = new_connection_doc(
        ctx,
        connection_id,
        req["connectionName"],
        loc,
        device,
        bandwidth,
        ConnectionState.REQUESTED,
        lagId=lag_id,
        providerName=provider,
        billingMode=billing,
        macSecCapable=macsec,
        tags=tags,
    )
    meta = {"port": port, "subLocation": device.sub_location, "crossConnect": False}
    if lag_id is not None:
        from dxlab.service.connections.lag_rules import adopt_new_member

        adopt_new_member(uow, ctx, lag, doc)
    answer = dict(doc)  # as ordered: requested (what AWS answers), before any step is taken
    rec = Record(
        "connection", connection_id, ctx.account, doc, meta, parent=lag_id, created=ctx.now()
    )
    if held:
        uow.put(rec)
    else:
        start_provisioning(uow, ctx, rec)
    return _connection(answer)


def start_provisioning(uow: UnitOfWork, ctx: Context, rec: Record, *, at_once: bool = True) -> None:
    """Stores a new connection and starts its provisioning. `at_once`: the steps due now
    (instant provisioning) are taken in this write, before the record is stored: what a
    timer due now would do in the same transaction, without writing and deleting it.
    Otherwise (and for the first step that waits) a durable timer."""
    steps = provisioning_steps(ctx.settings.provisioning, ctx.settings.realistic_factor)
    if at_once:
        _advance(uow, ctx, rec, steps)
    else:
        uow.put(rec)
        _schedule(uow, ctx, rec.id, steps)


def _advance(uow: UnitOfWork, ctx: Context, rec: Record, steps: list[Any]) -> None:
    """Takes the leading steps that are due (a delay of 0) on the record, stores it, and
    schedules the first step that waits as a durable timer."""
    taken = 0
    while taken < len(steps) and steps[taken][1] <= 0:
        _provision(rec, steps[taken][0], ctx)
        taken += 1
    uow.put(rec)
    if taken:
        member_changed(uow, rec.doc)
    _schedule(uow, ctx, rec.id, steps[taken:])


def _schedule(uow: UnitOfWork, ctx: Context, connection_id: str, steps: list[Any]) -> None:
    """The first of `steps` (step, delay after the previous one) as a timer carrying the rest."""
    if steps:
        (step, delay), rest = steps[0], steps[1:]
        uow.schedule(ctx.now() + delay, PROVISION, connection_id, {"step": step, "rest": rest})


def _provision(rec: Record, step: str, ctx: Context) -> None:
    if step == "loa":
        rec.doc.setdefault("loaIssueTime", ctx.now())
    elif (
        step == ConnectionState.PENDING and rec.doc["connectionState"] == ConnectionState.REQUESTED
    ):
        set_state(rec.doc, CONNECTION, ConnectionState.PENDING)
        rec.meta["crossConnect"] = True
    elif (
        step == ConnectionState.AVAILABLE and rec.doc["connectionState"] == ConnectionState.PENDING
    ):
        set_state(rec.doc, CONNECTION, ConnectionState.AVAILABLE)


@timer_action(PROVISION)
def provision_step(
    uow: UnitOfWork, ctx: Context, connection_id: str, payload: dict[str, Any]
) -> None:
    rec = uow.get("connection", connection_id)
    if rec is None or rec.doc["connectionState"] in CONNECTION.gone:
        return
    # The timer's own step is due now; those after it that are due at once (instant
    # provisioning) are taken with it: the same states, one write instead of three.
    _advance(uow, ctx, rec, [(payload["step"], 0.0), *(payload.get("rest") or [])])


@route("POST", "/cross-connect/{connection_id}", write=True)
def complete_cross_connect(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """What the colocation partner does with the LOA-CFA: the cross-connect is patched,
    the port comes up (`dxlab cross-connect ID`, for `--provisioning manual`)."""
    rec = find(uow, ctx, "connection", args["connection_id"])
    check_not_held(rec, "its cross-connect can be completed")
    state = rec.doc["connectionState"]
    if state not in (ConnectionState.REQUESTED, ConnectionState.PENDING):
        raise Conflict(
            f"Connection {rec.id} is in state {state}; its cross-connect is already complete"
        )
    uow.cancel_timers(rec.id, PROVISION)
    rec.doc.setdefault("loaIssueTime", ctx.now())
    set_state(rec.doc, CONNECTION, ConnectionState.PENDING)
    rec.meta["crossConnect"] = True
    uow.put(rec)
    member_changed(uow, rec.doc)
    uow.schedule(
        ctx.now(), PROVISION, rec.id, {"step": ConnectionState.AVAILABLE.value, "rest": []}
    )
    return rec.doc


@route("GET", "/connections/{connection_id}/placement")
def placement(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Where a connection landed: location, sub-location, device and port."""
    rec = find_port(uow, ctx, args["connection_id"])
    return {
        "connectionId": rec.id,
        "location": rec.doc["location"],
        "subLocation": rec.meta.get("subLocation"),
        "awsDevice": rec.doc["awsDevice"],
        "awsDeviceV2": rec.doc.get("awsDeviceV2"),
        "awsLogicalDeviceId": rec.doc.get("awsLogicalDeviceId"),
        "port": rec.meta.get("port"),
        "crossConnect": rec.meta.get("crossConnect", False),
    }


def visible_connections(uow: UnitOfWork, ctx: Context) -> list[dict[str, Any]]:
    """Read-only documents: in a read transaction they are shared with the store's cache."""
    region = ctx.region
    return [d for d in uow.docs("connection", account=ctx.account) if d.get("region") == region]


@operation("DescribeConnections")
def describe_connections(
    uow: UnitOfWork, ctx: Context, req: DescribeConnectionsRequest
) -> Connections:
    connection_id = req.get("connectionId")
    if connection_id is not None:
        return {"connections": [_connection(find(uow, ctx, "connection", connection_id).doc)]}
    items, token = page(visible_connections(uow, ctx), req.get("maxResults"), req.get("nextToken"))
    # The list as it is (a cast per document was a call per connection: ~1 ms at 10,000).
    out: Connections = {"connections": cast(list[Connection], items)}
    if token:
        out["nextToken"] = token
    return out


@operation("UpdateConnection", write=True)
def update_connection(uow: UnitOfWork, ctx: Context, req: UpdateConnectionRequest) -> Connection:
    rec = find(uow, ctx, "connection", req["connectionId"])
    if rec.doc["connectionState"] in CONNECTION.gone:
        raise Conflict(
            f"Connection {rec.id} is in state {rec.doc['connectionState']} and cannot be updated"
        )
    if "connectionName" in req:
        rec.doc["connectionName"] = req["connectionName"]
    mode = req.get("encryptionMode")
    if mode is not None:
        # updateconnection.md: should_encrypt, must_encrypt, no_encrypt, on MACsec ports only.
        if mode not in ("should_encrypt", "must_encrypt", "no_encrypt"):
            raise ValidationError(
                f"Encryption mode {mode!r} is not valid; use should_encrypt, must_encrypt or no_encrypt"
            )
        if not rec.doc.get("macSecCapable"):
            raise ValidationError(f"Connection {rec.id} does not support MACsec encryption")
        if rec.doc.get("lagId"):
            raise ValidationError(
                f"Connection {rec.id} is a member of LAG {rec.doc['lagId']}; set the encryption mode on the LAG"
            )
        rec.doc["encryptionMode"] = mode
    uow.put(rec)
    return _connection(rec.doc)


@operation("DeleteConnection", write=True)
def delete_connection(uow: UnitOfWork, ctx: Context, req: DeleteConnectionRequest) -> Connection:
    rec = uow.get("connection", req["connectionId"])
    if rec is not None and rec.meta.get("partnerAccount") == ctx.account and in_region(rec, ctx):
        pass  # the partner that allocated a hosted connection may delete it too
    else:
        rec = find(uow, ctx, "connection", req["connectionId"])
    state = rec.doc["connectionState"]
    if state in (ConnectionState.DELETED, ConnectionState.DELETING):
        raise Conflict(f"Connection {rec.id} is already {state}")
    # deleteconnection.md: only when no virtual interfaces are attached.
    vifs = [
        v
        for v in uow.list("virtual_interface", parent=rec.id)
        if v.doc.get("virtualInterfaceState") in VIF.live
    ]
    if vifs:
        raise Conflict(
            f"Connection {rec.id} has {len(vifs)} virtual interface(s); delete them before the connection"
        )
    lag_id = rec.doc.get("lagId")
    if lag_id and "partnerAccount" not in rec.meta:  # a hosted connection is no member
        from dxlab.service.connections.lag_rules import check_can_leave_lag

        check_can_leave_lag(uow, lag_id, rec.id)
    # hosted_connection.md: an owner who deletes an unconfirmed hosted connection rejects it.
    set_state(
        rec.doc,
        CONNECTION,
        ConnectionState.REJECTED if state == ConnectionState.ORDERING else ConnectionState.DELETED,
    )
    uow.cancel_timers(rec.id)
    release_port(uow, rec.id)
    uow.put(rec)
    member_changed(uow, rec.doc)
    return _connection(rec.doc)


@operation("UpdateConnectionsBillingMode", write=True)
def update_billing_mode(
    uow: UnitOfWork, ctx: Context, req: UpdateConnectionsBillingModeRequest
) -> UpdateConnectionsBillingModeResponse:
    mode = req["billingMode"]
    records = [find(uow, ctx, "connection", cid) for cid in req["connectionIds"]]
    for rec in records:  # validate all first: the call changes all or nothing
        loc = catalog.location(rec.doc["location"])
        if loc is None or mode not in loc.billing_modes:
            raise ValidationError(
                f"Billing mode {mode} is not available at location {rec.doc['location']}"
            )
        if rec.doc["connectionState"] in CONNECTION.gone:
            raise Conflict(f"Connection {rec.id} is in state {rec.doc['connectionState']}")
    for rec in records:
        rec.doc["billingMode"] = mode
        uow.put(rec)
    # The model's response names the mode with BillingMode, a superset of the request's.
    return {"billingMode": BillingMode(mode), "connections": [_connection(r.doc) for r in records]}


def check_not_held(rec: Record, what: str) -> None:
    """resiliency_toolkit.md: an order with an unknown partner waits for AWS's review."""
    order = rec.meta.get("heldForReview")
    if order:
        raise Conflict(
            f"Connection {rec.id} belongs to order {order}, which is pending AWS review; {what}"
            f" once the order is approved (dxlab orders approve {order})"
        )
