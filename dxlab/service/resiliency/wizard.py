"""The connection wizard of the Resiliency Toolkit, as a service the CLI and the
console both call: plan, then order everything in one transaction (all or nothing),
never two connections of the order on one AWS device, all put into one resiliency group."""

from __future__ import annotations

from typing import Any

from dxlab.domain import catalog, ids, quotas
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import CreateConnectionRequest, CreateLagRequest, Lag, ResiliencyModel
from dxlab.domain.states import ORDER, OrderStatus, set_state
from dxlab.service.connections.dedicated import (
    PROVISION,
    check_bandwidth,
    create_connection,
    require_location,
)
from dxlab.service.connections.lags import create_lag
from dxlab.service.context import Context
from dxlab.service.resiliency import groups as resiliency_groups
from dxlab.service.routes import route
from dxlab.store.repository import Record, UnitOfWork
from dxlab.toolkit.plan import Plan, make_plan


def _plan(ctx: Context, args: dict[str, Any]) -> tuple[Plan, list[catalog.Location]]:
    locations = args.get("locations") or []
    if isinstance(locations, str):
        locations = [locations]
    if not isinstance(locations, list) or not all(isinstance(code, str) for code in locations):
        raise ValidationError(
            f"locations is a list of location codes (see DescribeLocations); got {locations!r}"
        )
    plan = make_plan(
        str(args.get("model", "")),
        str(args.get("bandwidth", "")),
        list(locations),
        _count(args.get("count", 1)),
        ctx.region,
    )
    # A connection is ordered in its location's Region (Colocation.md: each location is
    # associated with a Region): the plan offers and takes only the request's Region's.
    locs = [require_location(ctx, code) for code in dict.fromkeys(s.location for s in plan.slots)]
    for loc in locs:
        check_bandwidth(loc, plan.port_bandwidth)
        sub = _per_location(args, "subLocations", "subLocation", locs).get(loc.code)
        if sub and sub not in {s.name for s in loc.sub_locations}:
            raise ValidationError(f"Sub-location {sub!r} is not at {loc.code}")
    return plan, locs


def _count(value: Any) -> int:
    """Connections per location (the classic model): a whole number, at most the 10
    connections per location an account may have (limits.md)."""
    text = str(value).strip()
    limit = quotas.CONNECTIONS_PER_LOCATION
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= limit:
        raise ValidationError(
            f"count is the number of connections per location, a whole number from 1 to"
            f" {limit}; got {value!r}"
        )
    return int(text)


def _per_location(
    args: dict[str, Any], many: str, one: str, locs: list[catalog.Location]
) -> dict[str, str]:
    """resiliency_toolkit.md asks for a service provider and a sub-location per location
    ("First location service provider", "Second Sub location"): `many` lists them in
    the order of `locations`; the older single `one` applies to every location
    (provider) or to the first one (sub-location)."""
    listed = args.get(many)
    if listed is None:
        value = args.get(one)
        if not value:
            return {}
        return {loc.code: value for loc in (locs if one == "provider" else locs[:1])}
    if not isinstance(listed, list) or len(listed) > len(locs):
        raise ValidationError(f"{many} names at most one value per location ({len(locs)})")
    return {loc.code: str(v) for loc, v in zip(locs, listed, strict=False) if v}


def _unknown_providers(providers: dict[str, str], locs: list[catalog.Location]) -> list[str]:
    """resiliency_toolkit.md: a partner of the location is approved at once; "Other" (any
    other name) sends the order to AWS for review."""
    return [
        f"{providers[loc.code]!r} at {loc.code}"
        for loc in locs
        if loc.code in providers and providers[loc.code] not in loc.providers
    ]


def summary(plan: Plan) -> dict[str, Any]:
    return {
        "model": plan.model,
        "resiliencyModel": plan.resiliency_model,
        "sla": plan.sla,
        "region": plan.region,
        "bandwidth": plan.bandwidth,
        "portBandwidth": plan.port_bandwidth,
        "connectionsPerLag": plan.links if plan.uses_lags else None,
        "connections": plan.connection_count,
        "slots": [{"location": s.location, "name": s.name} for s in plan.slots],
        "portHourCostUsd": plan.hourly_cost,
        "monthlyPortCostUsd": plan.monthly_cost,
    }


@route("POST", "/wizard/plan")
def plan_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    plan, locs = _plan(ctx, args)
    providers = _per_location(args, "providers", "provider", locs)
    unknown = _unknown_providers(providers, locs)
    return {
        **summary(plan),
        "providers": providers,
        "subLocations": _per_location(args, "subLocations", "subLocation", locs),
        "review": "Not a Direct Connect partner: " + ", ".join(unknown) if unknown else "",
    }


@route("POST", "/wizard/connection", write=True)
def order_connection(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """One connection of a plan (`dxlab plan --to MODEL --place`): the wizard's placement,
    away from the AWS devices the plan names. CreateConnection alone lets AWS pick the
    device, which puts a connection beside the account's LAG of that speed."""
    for member in ("location", "bandwidth", "connectionName"):
        if not isinstance(args.get(member), str) or not args[member]:
            raise ValidationError(f"{member} is required")
    avoid = args.get("avoidDevices") or []
    if not isinstance(avoid, list) or not all(isinstance(d, str) for d in avoid):
        raise ValidationError("avoidDevices must be a list of AWS device names")
    req: CreateConnectionRequest = {
        "location": args["location"],
        "bandwidth": args["bandwidth"],
        "connectionName": args["connectionName"],
    }
    return dict(create_connection(uow, ctx, req, avoid_devices=frozenset(avoid)))


@route("POST", "/wizard/order", write=True)
def order(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    plan, locs = _plan(ctx, args)
    providers = _per_location(args, "providers", "provider", locs)
    subs = _per_location(args, "subLocations", "subLocation", locs)
    unknown = _unknown_providers(providers, locs)
    known = not unknown
    tags = args.get("tags") or []
    used: set[str] = set()
    connection_ids: list[str] = []
    lag_ids: list[str] = []
    for slot in plan.slots:
        if plan.uses_lags:
            provider = providers.get(slot.location)
            lag = _order_lag(
                uow, ctx, plan, slot.location, slot.name, provider if known else None, tags
            )
            lag_ids.append(lag["lagId"])
            members = [c["connectionId"] for c in lag.get("connections", [])]
            device = lag["awsDevice"]
        else:
            req: CreateConnectionRequest = {
                "location": slot.location,
                "bandwidth": plan.port_bandwidth,
                "connectionName": slot.name,
            }
            if slot.location in providers and known:
                req["providerName"] = providers[slot.location]
            if tags:
                req["tags"] = tags
            conn = create_connection(
                uow,
                ctx,
                req,
                avoid_devices=frozenset(used),
                sub_location=subs.get(slot.location),
                held=not known,
            )
            members = [conn["connectionId"]]
            device = conn["awsDevice"]
        if device in used:
            raise Conflict(f"Location {slot.location} has no free AWS device left for {slot.name}")
        used.add(device)
        connection_ids += members
    order_id = ids.order_id()
    if not known:
        for cid in connection_ids:  # held for review: no LOA, no cross-connect, no provisioning
            uow.cancel_timers(cid, PROVISION)  # a LAG's members were given their timers
            rec = uow.get("connection", cid)
            assert rec is not None
            rec.meta["heldForReview"] = order_id
            if rec.doc["location"] in providers:  # the "Other" partner, as the order named it
                rec.doc["providerName"] = providers[rec.doc["location"]]
            uow.put(rec)
    group = resiliency_groups.create(
        uow,
        ctx,
        {
            "resiliencyGroupName": f"{plan.slots[0].name.rsplit('-', 2)[0]}-{ctx.now():.0f}",
            "intendedResiliencyModel": ResiliencyModel(plan.resiliency_model),
        },
    )["resiliencyGroup"]
    resiliency_groups.associate(
        uow,
        ctx,
        {"resiliencyGroupId": group["resiliencyGroupId"], "connectionIdentifiers": connection_ids},
    )
    customer = _register_customer_side(
        uow,
        ctx,
        [(s.location, lid) for s, lid in zip(plan.slots, lag_ids or connection_ids, strict=True)],
    )
    order: dict[str, Any] = {}
    set_state(order, ORDER, OrderStatus.APPROVED if known else OrderStatus.PENDING_REVIEW)
    status = order["status"]
    provider = ", ".join(dict.fromkeys(providers.values()))
    order |= {
        "connections": connection_ids,
        "provider": provider,
        "review": "Not a Direct Connect partner: " + ", ".join(unknown) if unknown else "",
        "model": plan.model,
        "resiliencyGroupId": group["resiliencyGroupId"],
    }
    uow.put(Record("order", order_id, ctx.account, order, created=ctx.now()))
    return {
        **summary(plan),
        "orderId": order_id,
        "status": status,
        "provider": provider,
        "providers": providers,
        "subLocations": subs,
        "review": "Not a Direct Connect partner: " + ", ".join(unknown) if unknown else "",
        "connectionIds": connection_ids,
        "lagIds": lag_ids,
        "resiliencyGroupId": group["resiliencyGroupId"],
        "topology": customer,
    }


def _register_customer_side(uow: UnitOfWork, ctx: Context, slots: list[tuple[str, str]]) -> str:
    """Write the customer side for what was ordered (added to a loaded topology), and
    register it, so that VIFs created on these connections come up."""
    from dxlab.service.customer.topology import install
    from dxlab.service.snapshot import load_topology
    from dxlab.toolkit.customer_side import customer_side, to_yaml

    topology, _ = load_topology(uow, ctx.account)
    existing = _without_deleted_links(uow, ctx, topology.raw) if topology.sites else None
    text = to_yaml(customer_side(slots, existing))
    install(uow, ctx, text, "wizard")
    return text


def _without_deleted_links(uow: UnitOfWork, ctx: Context, raw: dict[str, Any]) -> dict[str, Any]:
    """The loaded topology without its routers' references to connections or LAGs that no
    longer exist (a router's cross-connect went with its deleted connection; the router
    stays, unpatched): else adding a new order's customer side, in this Region or
    another, would fail on a connection deleted since."""
    import copy

    from dxlab.service.customer.topology import live_links

    live, by_name = live_links(uow, ctx.account)
    data = copy.deepcopy(raw)
    for site in (data.get("sites") or {}).values():
        for router in ((site or {}).get("routers") or {}).values():
            if isinstance(router, dict) and isinstance(router.get("connections"), list):
                router["connections"] = [
                    c for c in router["connections"] if c in live or c in by_name
                ]
    return data


def _order_lag(
    uow: UnitOfWork,
    ctx: Context,
    plan: Plan,
    location: str,
    name: str,
    provider: str | None,
    tags: list[Any],
) -> Lag:
    req: CreateLagRequest = {
        "numberOfConnections": plan.links,
        "location": location,
        "connectionsBandwidth": plan.port_bandwidth,
        "lagName": name,
    }
    if provider:
        req["providerName"] = provider
    if tags:
        req["tags"] = tags
    return create_lag(uow, ctx, req)


@route("POST", "/orders/{order_id}/approve", write=True)
def approve(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """AWS's review of an order with an unknown partner: approve it, provisioning starts."""
    from dxlab.service.common import find
    from dxlab.service.connections.dedicated import start_provisioning

    rec = find(uow, ctx, "order", args["order_id"])
    if rec.doc["status"] != OrderStatus.PENDING_REVIEW:
        raise Conflict(f"Order {rec.id} is {rec.doc['status']}")
    for cid in rec.doc["connections"]:
        conn = uow.get("connection", cid)
        if conn is not None:
            conn.meta.pop("heldForReview", None)
            start_provisioning(uow, ctx, conn, at_once=False)
    set_state(rec.doc, ORDER, OrderStatus.APPROVED)
    uow.put(rec)
    return {"orderId": rec.id, **rec.doc}


@route("GET", "/orders")
def list_orders(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return {"orders": [{"orderId": r.id, **r.doc} for r in uow.list("order", account=ctx.account)]}
