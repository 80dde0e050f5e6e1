"""Link aggregation groups: CreateLag, DescribeLags, UpdateLag, DeleteLag,
AssociateConnectionWithLag, DisassociateConnectionFromLag.

Guide: lags.md, create-lag.md, update-lag.md, delete-lag.md,
associate-connection-with-lag.md, disassociate-connection-from-lag.md; limits.md.
A LAG lives on one AWS device; its members are dedicated connections (or a partner's
interconnects) on that device, all of one bandwidth."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain import catalog, ids, quotas
from dxlab.domain import lag as rules
from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from dxlab.domain.macsec import apply_keys
from dxlab.domain.shapes import (
    AssociateConnectionWithLagRequest,
    Connection,
    CreateLagRequest,
    DeleteLagRequest,
    DescribeLagsRequest,
    DisassociateConnectionFromLagRequest,
    Lag,
    Lags,
    UpdateLagRequest,
)
from dxlab.domain.states import CONNECTION, LAG, ConnectionState, LagState, set_state
from dxlab.service.common import find, in_region, initial_tags, page
from dxlab.service.connections.dedicated import (
    check_bandwidth,
    new_connection_doc,
    require_location,
    start_provisioning,
)
from dxlab.service.connections.lag_placement import standalone_devices
from dxlab.service.connections.lag_rules import (
    as_connection,
    check_can_join_lag,
    check_can_leave_lag,
    lag_members,
    lag_view,
    member_state,
    refresh_lag,
    watch_members,
)
from dxlab.service.connections.placement import check_ports_left, place, ports_at
from dxlab.service.connections.port_orders import check_port_order
from dxlab.service.context import Context
from dxlab.service.partners.hosted_connections import move_hosted, vlan_scope
from dxlab.service.partners.interconnects import hosted_on, order_interconnect
from dxlab.service.registry import operation
from dxlab.service.virtual_interfaces.state import live_vifs_on
from dxlab.store.repository import Record, UnitOfWork


def member_find(uow: UnitOfWork, ctx: Context, connection_id: str) -> Record:
    """The caller's dedicated connection or interconnect (a dxcon id names either)."""
    rec = uow.get("connection", connection_id) or uow.get("interconnect", connection_id)
    if rec is None or rec.account != ctx.account or not in_region(rec, ctx):
        raise NotFound(f"Could not find Connection with ID {connection_id}")
    if "partnerAccount" in rec.meta:
        # lags.md: all connections must be dedicated connections.
        raise ValidationError(
            f"Connection {connection_id} is a hosted connection; a LAG bundles dedicated connections"
        )
    if member_state(rec) in CONNECTION.gone:
        raise Conflict(f"Connection {connection_id} is in state {member_state(rec)}")
    return rec


def lag_find(uow: UnitOfWork, ctx: Context, lag_id: str) -> Record:
    """The caller's LAG, which must not be deleted."""
    lag = find(uow, ctx, "lag", lag_id)
    if lag.doc["lagState"] in LAG.gone:
        raise Conflict(f"LAG {lag.id} is in state {lag.doc['lagState']}")
    return lag


def check_member(uow: UnitOfWork, rec: Record, lag: Record) -> None:
    """associate-connection-with-lag.md: same device, same bandwidth, room in the LAG."""
    macsec = bool(rec.doc.get("macSecCapable"))
    check_can_join_lag(
        uow, lag, rec.doc["location"], rec.doc["bandwidth"], kind=rec.kind, macsec=macsec
    )
    if rec.doc["awsDevice"] != lag.doc["awsDevice"]:
        raise ValidationError(
            f"Connection {rec.id} terminates on {rec.doc['awsDevice']} but LAG {lag.id} is on"
            f" {lag.doc['awsDevice']}; all connections of a LAG terminate on the same AWS device"
        )


def move_vifs(uow: UnitOfWork, vifs: list[Record], lag: Record) -> None:
    """The VIFs keep their VLANs, which must be free on the LAG (a VLAN is unique per
    connection or LAG, hosted connections' VLANs included)."""
    for vif in vifs:
        vlan = str(vif.doc["vlan"])
        if not uow.claim(vlan_scope(lag.id), vlan, vif.id):
            raise Conflict(
                f"VLAN {vlan} of virtual interface {vif.id} is already in use on LAG {lag.id}"
            )
        uow.release(vlan_scope(str(vif.parent)), vlan)
        vif.parent = lag.id
        vif.meta["connectionOwner"] = lag.account
        vif.doc["connectionId"] = lag.id
        uow.put(vif)


def attach(uow: UnitOfWork, rec: Record, lag: Record) -> None:
    """Make a connection or interconnect a member of the LAG."""
    old = rec.doc.get("lagId")
    if old:
        check_can_leave_lag(uow, old, rec.id)
    # associate-connection-with-lag.md: its virtual interfaces move to the LAG with it.
    vifs = live_vifs_on(uow, rec.id)
    if vifs and len(vifs) + len(live_vifs_on(uow, lag.id)) > quotas.VIFS_PER_LAG:
        raise LimitExceeded(
            f"LAG {lag.id} can have at most {quotas.VIFS_PER_LAG} virtual interfaces;"
            f" {rec.id} would bring {len(vifs)} more"
        )
    move_vifs(uow, vifs, lag)
    if vifs and rec.doc.get("jumboFrameCapable"):
        lag.doc["jumboFrameCapable"] = True  # set-jumbo-frames-vif.md: its jumbo VIFs came along
        uow.put(lag)
    if rec.kind == "interconnect":
        # The model: an interconnect's hosted connections move to the LAG too.
        view = lag_view(uow, lag)
        for hosted in hosted_on(uow, rec.id, live=True):
            move_hosted(uow, hosted, lag, view)
    rec.doc["lagId"] = lag.id
    rec.parent = lag.id
    # lags.md, MACsec considerations: the connection's own keys are disassociated and
    # the LAG's keys (and encryption mode) apply to it.
    if lag.doc.get("macSecCapable"):
        rec.doc["encryptionMode"] = lag.doc["encryptionMode"]
    apply_keys(rec.doc, lag.doc.get("macSecKeys", []))
    uow.put(rec)
    if old:
        refresh_lag(uow, old)


def detach(uow: UnitOfWork, rec: Record) -> None:
    """A member becomes standalone; its virtual interfaces stay with the LAG
    (disassociate-connection-from-lag.md) and so do the LAG's MACsec keys."""
    rec.doc.pop("lagId", None)
    rec.parent = None
    apply_keys(rec.doc, [])
    uow.put(rec)


def order_connection(
    uow: UnitOfWork,
    ctx: Context,
    loc: catalog.Location,
    lag: Record,
    name: str,
    on_device: str | None,
    req: CreateLagRequest,
    tags: list[dict[str, str]],
) -> Record:
    """One new dedicated connection of a LAG, on the LAG's device."""
    connection_id = ids.connection_id()
    # A new LAG's first connection goes where the account's standalone connections of this
    # location and speed are, so they can join it (lag_placement).
    prefer = (
        frozenset()
        if on_device
        else standalone_devices(uow, ctx.account, loc.code, req["connectionsBandwidth"])
    )
    device, port = place(
        uow, loc, ctx.account, connection_id, on_device=on_device, prefer_devices=prefer
    )
    doc = new_connection_doc(
        ctx,
        connection_id,
        name,
        loc,
        device,
        req["connectionsBandwidth"],
        ConnectionState.REQUESTED,
        lagId=lag.id,
        providerName=req.get("providerName"),
        billingMode=req.get("billingMode", "PayAsYouGo"),
        macSecCapable=bool(req.get("requestMACSec")),
        tags=tags,
    )
    meta = {"port": port, "subLocation": device.sub_location, "crossConnect": False}
    rec = Record(
        "connection", connection_id, ctx.account, doc, meta, parent=lag.id, created=ctx.now()
    )
    # As timers, not at once: CreateLag answers with its members as ordered (requested).
    start_provisioning(uow, ctx, rec, at_once=False)
    return rec


def new_lag_doc(
    ctx: Context, lag_id: str, req: CreateLagRequest, tags: list[dict[str, str]]
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "connectionsBandwidth": req["connectionsBandwidth"],
        "numberOfConnections": 0,
        "lagId": lag_id,
        "ownerAccount": ctx.account,
        "lagName": req["lagName"],
    }
    set_state(doc, LAG, LagState.PENDING)  # the create-lag capture
    doc |= {
        "location": req["location"],
        "region": ctx.region,
        "minimumLinks": 0,  # lags.md: new LAGs have this attribute set to 0
        "connections": [],
        "allowsHostedConnections": False,
        "jumboFrameCapable": True,  # as every capture of the real service shows
        "hasLogicalRedundancy": "unknown",
        "tags": tags,
        "macSecCapable": bool(req.get("requestMACSec")),
        "encryptionMode": "no_encrypt",
        "macSecKeys": [],
        "billingMode": req.get("billingMode", "PayAsYouGo"),
    }
    if req.get("providerName") is not None:
        doc["providerName"] = req["providerName"]
    return doc


def check_existing(existing: Record, location: str, bandwidth: str, macsec: bool) -> None:
    """create-lag.md: an existing connection joins only a LAG of its location and speed."""
    if existing.doc["location"] != location or existing.doc["bandwidth"] != bandwidth:
        raise ValidationError(
            f"Connection {existing.id} is a {existing.doc['bandwidth']} connection at"
            f" {existing.doc['location']}; the LAG is for {bandwidth} connections at {location}"
        )
    if macsec and not existing.doc.get("macSecCapable"):
        raise ValidationError(
            f"Connection {existing.id} does not support MACsec; the LAG requests MACsec"
        )


def order_members(
    uow: UnitOfWork,
    ctx: Context,
    loc: catalog.Location,
    lag: Record,
    count: int,
    req: CreateLagRequest,
    existing: Record | None,
) -> Record | None:
    """The LAG's new connections (interconnects for a partner's LAG), all on one device:
    the existing connection's, or the first new one's (lags.md). Returns the first."""
    tags = initial_tags({"tags": req.get("childConnectionTags")})
    on_device = existing.doc["awsDevice"] if existing else None
    first = None
    for i in range(count):
        name = f"Requested Connection {i + 1} for Lag {lag.id}"
        if existing is not None and existing.kind == "interconnect":
            rec = order_interconnect(
                uow,
                ctx,
                loc,
                name,
                req["connectionsBandwidth"],
                lag=lag,
                on_device=on_device,
                provider=req.get("providerName"),
                macsec=bool(req.get("requestMACSec")),
                tags=tags,
            )
        else:
            rec = order_connection(uow, ctx, loc, lag, name, on_device, req, tags)
        on_device = rec.doc["awsDevice"]
        first = first or rec
    return first


def _lag(doc: dict[str, Any]) -> Lag:
    """A LAG's view is the model's Lag (checked against the model in the tests)."""
    return cast(Lag, doc)


@operation("CreateLag", write=True)
def create_lag(uow: UnitOfWork, ctx: Context, req: CreateLagRequest) -> Lag:
    loc = require_location(ctx, req["location"])
    bandwidth = req["connectionsBandwidth"]
    # lags.md: every member is a dedicated connection of one of the dedicated speeds.
    check_bandwidth(loc, bandwidth)
    macsec = bool(req.get("requestMACSec"))
    check_port_order(loc, bandwidth, req.get("providerName"), req.get("billingMode"), macsec)
    tags = initial_tags(req)
    total = req["numberOfConnections"]
    existing = None
    if req.get("connectionId") is not None:
        existing = member_find(uow, ctx, req["connectionId"])
        check_existing(existing, loc.code, bandwidth, macsec)
        # create-lag.md: the existing connection counts towards numberOfConnections.
        total = max(total, 1)
    rules.check_member_count(total, bandwidth)
    lags = [r for r in uow.list("lag", account=ctx.account) if r.doc["region"] == ctx.region]
    if sum(1 for r in lags if r.doc["lagState"] not in LAG.gone) >= quotas.LAGS_PER_REGION:
        raise LimitExceeded(
            f"LAG limit exceeded: at most {quotas.LAGS_PER_REGION} LAGs per Region ({ctx.region})"
        )
    new = total - (1 if existing else 0)
    # create-lag.md: not if the new connections exceed the connection limit.
    if new:
        check_ports_left(ports_at(uow, ctx.account, loc.code), loc.code, new)
    lag_id = ids.lag_id()
    lag = Record("lag", lag_id, ctx.account, new_lag_doc(ctx, lag_id, req, tags), created=ctx.now())
    first = order_members(uow, ctx, loc, lag, new, req, existing) or existing
    assert first is not None  # total >= 1
    for key in ("awsDevice", "awsDeviceV2", "awsLogicalDeviceId"):
        lag.doc[key] = first.doc[key]
    uow.put(lag)
    if existing is not None:
        attach(uow, existing, lag)
    if new and (existing is None or existing.kind == "connection"):
        watch_members(uow, ctx, lag.id)
    made = dict(refresh_lag(uow, lag.id) or lag.doc)  # the answer's copy
    if made["lagState"] == LagState.DOWN and new:
        # The create-lag capture: the answer shows the new LAG `pending`; DescribeLags then
        # shows it `down` while its connections are `requested`.
        set_state(made, LAG, LagState.PENDING)
    return _lag(made)


@operation("DescribeLags")
def describe_lags(uow: UnitOfWork, ctx: Context, req: DescribeLagsRequest) -> Lags:
    lag_id = req.get("lagId")
    if lag_id is not None:
        return {"lags": [_lag(lag_view(uow, find(uow, ctx, "lag", lag_id)))]}
    mine = sorted(
        (r for r in uow.list("lag", account=ctx.account) if r.doc.get("region") == ctx.region),
        key=lambda r: r.created,
    )
    items, token = page(mine, req.get("maxResults"), req.get("nextToken"))
    out: Lags = {"lags": [_lag(lag_view(uow, r)) for r in items]}
    if token:
        out["nextToken"] = token
    return out


@operation("UpdateLag", write=True)
def update_lag(uow: UnitOfWork, ctx: Context, req: UpdateLagRequest) -> Lag:
    lag = lag_find(uow, ctx, req["lagId"])
    members = lag_members(uow, lag.id)
    if "minimumLinks" in req:
        rules.check_minimum_links(req["minimumLinks"], len(members))
    mode = req.get("encryptionMode")
    if mode is not None:
        rules.check_encryption_mode(mode)
        # update-lag.md: MACsec is only available on dedicated connections that support it.
        if not lag.doc.get("macSecCapable"):
            raise ValidationError(f"LAG {lag.id} does not support MACsec encryption")
    # Validated: now change, all or nothing.
    if "lagName" in req:
        lag.doc["lagName"] = req["lagName"]
    if "minimumLinks" in req:
        lag.doc["minimumLinks"] = req["minimumLinks"]
    if mode is not None:
        lag.doc["encryptionMode"] = mode
        # update-lag.md: AWS assigns the mode to each connection of the LAG.
        for rec in members:
            rec.doc["encryptionMode"] = mode
            uow.put(rec)
    uow.put(lag)
    return _lag(refresh_lag(uow, lag.id) or lag.doc)


@operation("DeleteLag", write=True)
def delete_lag(uow: UnitOfWork, ctx: Context, req: DeleteLagRequest) -> Lag:
    lag = lag_find(uow, ctx, req["lagId"])
    # delete-lag.md: not while virtual interfaces (or, per the model, hosted connections) use it.
    vifs = live_vifs_on(uow, lag.id)
    if vifs:
        raise Conflict(
            f"LAG {lag.id} has {len(vifs)} virtual interface(s); delete them or associate them"
            " with another LAG or connection first"
        )
    hosted = hosted_on(uow, lag.id, live=True)
    if hosted:
        raise Conflict(f"LAG {lag.id} has {len(hosted)} hosted connection(s); delete them first")
    # delete-lag.md: deleting a LAG does not delete its connections; they stand alone.
    for rec in lag_members(uow, lag.id):
        detach(uow, rec)
    set_state(lag.doc, LAG, LagState.DELETED)
    uow.put(lag)
    return _lag(refresh_lag(uow, lag.id) or lag.doc)


@operation("AssociateConnectionWithLag", write=True)
def associate_connection_with_lag(
    uow: UnitOfWork, ctx: Context, req: AssociateConnectionWithLagRequest
) -> Connection:
    rec = member_find(uow, ctx, req["connectionId"])
    lag = lag_find(uow, ctx, req["lagId"])
    if rec.doc.get("lagId") == lag.id:
        raise Conflict(f"Connection {rec.id} is already associated with LAG {lag.id}")
    check_member(uow, rec, lag)
    attach(uow, rec, lag)
    refresh_lag(uow, lag.id)
    return cast(Connection, as_connection(rec))


@operation("DisassociateConnectionFromLag", write=True)
def disassociate_connection_from_lag(
    uow: UnitOfWork, ctx: Context, req: DisassociateConnectionFromLagRequest
) -> Connection:
    rec = member_find(uow, ctx, req["connectionId"])
    lag = lag_find(uow, ctx, req["lagId"])
    if rec.doc.get("lagId") != lag.id:
        raise ValidationError(f"Connection {rec.id} is not associated with LAG {lag.id}")
    check_can_leave_lag(uow, lag.id, rec.id)
    detach(uow, rec)
    refresh_lag(uow, lag.id)
    return cast(Connection, as_connection(rec))
