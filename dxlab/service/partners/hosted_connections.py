"""Hosted connections: a partner allocates them on its interconnect or LAG of
interconnects for a customer account, which confirms them (hosted_connection.md).

A hosted connection is stored as a `connection` owned by the customer (so the customer
sees it in DescribeConnections and manages it like any connection); its record's parent
is the interconnect or LAG and `meta["partnerAccount"]` names the partner, which sees it
through DescribeHostedConnections."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain import catalog, ids, quotas
from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from dxlab.domain.hosted import (
    activation_delay,
    check_hosted_bandwidth,
    check_owner_account,
)
from dxlab.domain.shapes import (
    AllocateConnectionOnInterconnectRequest,
    AllocateHostedConnectionRequest,
    AssociateHostedConnectionRequest,
    ConfirmConnectionRequest,
    ConfirmConnectionResponse,
    Connection,
    Connections,
    DescribeConnectionsOnInterconnectRequest,
    DescribeHostedConnectionsRequest,
)
from dxlab.domain.speeds import mbps
from dxlab.domain.states import CONNECTION, ConnectionState, set_state
from dxlab.domain.vif import check_vlan
from dxlab.service.common import find, in_region, initial_tags, page
from dxlab.service.connections.dedicated import new_connection_doc
from dxlab.service.connections.lag_rules import lag_view
from dxlab.service.context import Context
from dxlab.service.partners.interconnects import hosted_on, parent_available
from dxlab.service.registry import operation
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

ACTIVATE = "hosted_connection.activate"


def vlan_scope(parent_id: str) -> str:
    # A VLAN is unique on the interconnect (or LAG) that carries the hosted connections.
    return f"vlan:{parent_id}"


def hosting_parent(uow: UnitOfWork, ctx: Context, parent_id: str) -> tuple[Record, dict[str, Any]]:
    """The caller's interconnect or LAG of interconnects, with its current document."""
    if parent_id.startswith("dxlag-"):
        lag = find(uow, ctx, "lag", parent_id)
        view = lag_view(uow, lag)
        if not view["allowsHostedConnections"]:
            raise ValidationError(
                f"LAG {lag.id} is not a LAG of interconnects and cannot host connections"
            )
        state = view["lagState"]
    else:
        lag = find(uow, ctx, "interconnect", parent_id)
        view = lag.doc
        state = view["interconnectState"]
    if state in CONNECTION.gone:
        raise Conflict(f"{parent_id} is in state {state} and cannot host connections")
    return lag, view


def capacity_mbps(parent: Record, view: dict[str, Any]) -> int:
    if parent.kind == "lag":
        return mbps(view["connectionsBandwidth"]) * max(int(view["numberOfConnections"]), 1)
    return mbps(view["bandwidth"])


def partner_find(uow: UnitOfWork, ctx: Context, connection_id: str) -> Record:
    """A hosted connection as its partner sees it (`common.find` knows only owners)."""
    rec = uow.get("connection", connection_id)
    if rec is None or rec.meta.get("partnerAccount") != ctx.account or not in_region(rec, ctx):
        raise NotFound(f"Could not find Connection with ID {connection_id}")
    return rec


def parent_device(view: dict[str, Any]) -> tuple[catalog.Location, catalog.Device]:
    loc = catalog.location(view["location"])
    assert loc is not None  # a stored port is always at a catalog location
    device = next(d for d in loc.devices if d.aws_device == view["awsDevice"])
    return loc, device


def allocate(
    uow: UnitOfWork,
    ctx: Context,
    req: AllocateHostedConnectionRequest | AllocateConnectionOnInterconnectRequest,
    parent_id: str,
) -> Connection:
    parent, view = hosting_parent(uow, ctx, parent_id)
    owner = req["ownerAccount"]
    check_owner_account(owner)
    check_hosted_bandwidth(req["bandwidth"], capacity_mbps(parent, view), parent.id)
    vlan = req["vlan"]
    check_vlan(vlan)
    if len(hosted_on(uow, parent.id, live=True)) >= quotas.HOSTED_CONNECTIONS_PER_INTERCONNECT:
        raise LimitExceeded(
            f"{parent.id} already hosts the maximum of {quotas.HOSTED_CONNECTIONS_PER_INTERCONNECT} connections"
        )
    tags = initial_tags(req)
    connection_id = ids.connection_id()
    if not uow.claim(vlan_scope(parent.id), str(vlan), connection_id):
        raise Conflict(f"VLAN {vlan} is already in use on {parent.id}")
    loc, device = parent_device(view)
    doc = new_connection_doc(
        ctx,
        connection_id,
        req["connectionName"],
        loc,
        device,
        req["bandwidth"],
        ConnectionState.ORDERING,  # hosted_connection.md: the customer must accept it first
        vlan=vlan,
        # The partner's name, as the captures show it ("TIVIT"): the provider the partner's
        # interconnect or LAG was ordered for, else the partner's account.
        partnerName=view.get("providerName") or ctx.account,
        # The associate-hosted-connection capture: a hosted connection on a LAG names it.
        lagId=parent.id if parent.kind == "lag" else None,
        partnerInterconnectMacSecCapable=bool(view.get("macSecCapable")),
        tags=tags,
    )
    doc["ownerAccount"] = owner
    meta = {"partnerAccount": ctx.account, "hosted": True, "subLocation": device.sub_location}
    uow.put(
        Record("connection", connection_id, owner, doc, meta, parent=parent.id, created=ctx.now())
    )
    return _connection(doc)


def _connection(doc: dict[str, Any]) -> Connection:
    """A stored connection document is the model's Connection (checked in the tests)."""
    return cast(Connection, doc)


def interconnect_only(interconnect_id: str) -> str:
    """The deprecated interconnect operations name an interconnect, never a LAG."""
    if interconnect_id.startswith("dxlag-"):
        raise NotFound(f"Could not find Interconnect with ID {interconnect_id}")
    return interconnect_id


@operation("AllocateHostedConnection", write=True)
def allocate_hosted_connection(
    uow: UnitOfWork, ctx: Context, req: AllocateHostedConnectionRequest
) -> Connection:
    return allocate(uow, ctx, req, req["connectionId"])


@operation("AllocateConnectionOnInterconnect", write=True)
def allocate_connection_on_interconnect(
    uow: UnitOfWork, ctx: Context, req: AllocateConnectionOnInterconnectRequest
) -> Connection:
    # Deprecated twin of AllocateHostedConnection, on an interconnect only.
    return allocate(uow, ctx, req, interconnect_only(req["interconnectId"]))


def hosted_listing(uow: UnitOfWork, ctx: Context, parent_id: str) -> list[Connection]:
    kind = "lag" if parent_id.startswith("dxlag-") else "interconnect"
    parent = find(uow, ctx, kind, parent_id)
    mine = [r for r in hosted_on(uow, parent.id) if r.meta["partnerAccount"] == ctx.account]
    return [_connection(r.doc) for r in mine]


def hosted_or_listing(uow: UnitOfWork, ctx: Context, connection_id: str) -> list[Connection]:
    """DescribeHostedConnections names an interconnect or LAG, whose hosted connections it
    lists, or one hosted connection of the caller's, which it answers alone: the Terraform
    AWS provider reads `aws_dx_hosted_connection` that way, and treats `Could not find
    Connection with ID` as the connection being gone."""
    if connection_id.startswith("dxlag-"):
        return hosted_listing(uow, ctx, connection_id)
    hosted = uow.get("connection", connection_id)
    if hosted is not None and hosted.meta.get("partnerAccount") == ctx.account:
        return [_connection(partner_find(uow, ctx, connection_id).doc)]  # in its Region only
    parent = uow.get("interconnect", connection_id)
    if parent is None or parent.account != ctx.account:
        raise NotFound(f"Could not find Connection with ID {connection_id}")
    return hosted_listing(uow, ctx, connection_id)


@operation("DescribeHostedConnections")
def describe_hosted_connections(
    uow: UnitOfWork, ctx: Context, req: DescribeHostedConnectionsRequest
) -> Connections:
    items, token = page(
        hosted_or_listing(uow, ctx, req["connectionId"]),
        req.get("maxResults"),
        req.get("nextToken"),
    )
    out: Connections = {"connections": items}
    if token:
        out["nextToken"] = token
    return out


@operation("DescribeConnectionsOnInterconnect")
def describe_connections_on_interconnect(
    uow: UnitOfWork, ctx: Context, req: DescribeConnectionsOnInterconnectRequest
) -> Connections:
    # Deprecated twin of DescribeHostedConnections, on an interconnect only.
    return {"connections": hosted_listing(uow, ctx, interconnect_only(req["interconnectId"]))}


def move_hosted(uow: UnitOfWork, rec: Record, parent: Record, view: dict[str, Any]) -> None:
    """Re-home a hosted connection (and with it its virtual interfaces) on another
    interconnect or LAG of the same partner, keeping its VLAN (AssociateHostedConnection)."""
    if view["location"] != rec.doc["location"]:
        raise ValidationError(
            f"{parent.id} is at {view['location']}; {rec.id} is at {rec.doc['location']}"
        )
    check_hosted_bandwidth(rec.doc["bandwidth"], capacity_mbps(parent, view), parent.id)
    vlan = str(rec.doc["vlan"])
    if not uow.claim(vlan_scope(parent.id), vlan, rec.id):
        raise Conflict(f"VLAN {vlan} of {rec.id} is already in use on {parent.id}")
    if rec.parent:
        uow.release(vlan_scope(rec.parent), vlan)
    _, device = parent_device(view)
    rec.parent = parent.id
    rec.doc.update(
        awsDevice=device.aws_device,
        awsDeviceV2=device.aws_device_v2,
        awsLogicalDeviceId=device.logical_device_id,
    )
    if parent.kind == "lag":
        rec.doc["lagId"] = parent.id  # associate-hosted-connection capture
    else:
        rec.doc.pop("lagId", None)
    rec.meta["subLocation"] = device.sub_location
    uow.put(rec)


@operation("AssociateHostedConnection", write=True)
def associate_hosted_connection(
    uow: UnitOfWork, ctx: Context, req: AssociateHostedConnectionRequest
) -> Connection:
    rec = partner_find(uow, ctx, req["connectionId"])
    if rec.doc["connectionState"] in CONNECTION.gone:
        raise Conflict(f"Connection {rec.id} is in state {rec.doc['connectionState']}")
    parent, view = hosting_parent(uow, ctx, req["parentConnectionId"])
    if rec.parent == parent.id:
        raise Conflict(f"Connection {rec.id} is already hosted on {parent.id}")
    move_hosted(uow, rec, parent, view)
    return _connection(rec.doc)


@operation("ConfirmConnection", write=True)
def confirm_connection(
    uow: UnitOfWork, ctx: Context, req: ConfirmConnectionRequest
) -> ConfirmConnectionResponse:
    rec = find(uow, ctx, "connection", req["connectionId"])
    state = rec.doc["connectionState"]
    if state != ConnectionState.ORDERING:
        raise Conflict(f"ConfirmConnection failed. {rec.id} is in state {state}")
    set_state(rec.doc, CONNECTION, ConnectionState.PENDING)
    uow.put(rec)
    delay = activation_delay(ctx.settings.provisioning, ctx.settings.realistic_factor)
    uow.schedule(ctx.now() + delay, ACTIVATE, rec.id, {})
    return {"connectionState": rec.doc["connectionState"]}


@timer_action(ACTIVATE)
def activate(uow: UnitOfWork, ctx: Context, connection_id: str, payload: dict[str, Any]) -> None:
    rec = uow.get("connection", connection_id)
    # It comes up with its partner's port; if that is not up yet, it waits for it.
    if (
        rec is not None
        and rec.doc["connectionState"] == ConnectionState.PENDING
        and parent_available(uow, rec.parent)
    ):
        set_state(rec.doc, CONNECTION, ConnectionState.AVAILABLE)
        uow.put(rec)
