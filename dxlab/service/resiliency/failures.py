"""Injected failures, beyond AWS's BGP failover test: an AWS device, a connection (a fiber
cut), a whole location, a customer router or a data center goes down for some minutes —
exactly the failures the maximum resiliency model promises to survive
(maximum_resiliency.md), and beyond them every location of a Region at once — and comes
back by itself (a durable timer) or with `dxlab restore`.

While a failure is active, each connection or LAG it takes down shows `down` (stored, so
every Describe* agrees), and the VIFs on it follow from the data plane: the failure's
record is an outage of the network snapshot (resiliency/outages.py).
Several failures may hold one connection down; it comes back when the last one ends."""

from __future__ import annotations

from typing import Any

from dxlab.domain import catalog
from dxlab.domain import failover as rules
from dxlab.domain.errors import Conflict, NotFound, ValidationError
from dxlab.domain.states import (
    CONNECTION,
    FAILURE,
    LAG,
    ConnectionState,
    FailureStatus,
    Lifecycle,
    set_state,
)
from dxlab.routing.network import Failure
from dxlab.service.connections.dedicated import require_location
from dxlab.service.context import Context
from dxlab.service.resiliency.outages import FAILURE_KIND
from dxlab.service.resiliency.reports import comparison
from dxlab.service.routes import route
from dxlab.service.snapshot import load_topology, network_snapshot
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

EXPIRE = "failure.expire"
LINK: dict[str, Lifecycle[Any]] = {"connection": CONNECTION, "lag": LAG}

Target = tuple[list[Record], list[tuple[str, str]], list[str]]  # links, routing domains, dead sites


def _links(uow: UnitOfWork, account: str) -> list[Record]:
    """The account's connections and LAGs that still exist."""
    return [
        rec
        for kind, lifecycle in LINK.items()
        for rec in uow.list(kind, account=account)
        if rec.doc.get(lifecycle.field) not in lifecycle.gone
    ]


def _device(rec: Record) -> str:
    """The device name the routing model uses for a link (snapshot.build_network)."""
    return str(rec.doc.get("awsDeviceV2") or rec.doc.get("awsDevice") or "")


def _target(uow: UnitOfWork, ctx: Context, kind: str, target: str) -> Target:
    links = _links(uow, ctx.account)
    if kind == "device":
        hit = [r for r in links if target in (r.doc.get("awsDevice"), r.doc.get("awsDeviceV2"))]
        if not hit:
            raise NotFound(f"No connection or LAG of this account is on AWS device {target}")
        return hit, sorted({("device", _device(r)) for r in hit}), []
    if kind == "connection":
        hit = [r for r in links if r.id == target]
        if not hit:
            raise NotFound(
                f"Could not find {'Lag' if target.startswith('dxlag-') else 'Connection'} with ID {target}"
            )
        return hit, [("connection", target)], []
    if kind == "location":
        require_location(ctx, target)
        return [r for r in links if r.doc.get("location") == target], [("location", target)], []
    if kind == "region":  # every location of the Region, whichever Region the request is for
        codes = sorted(loc.code for loc in catalog.locations_in(target))
        if not codes:
            known = ", ".join(catalog.regions())
            raise ValidationError(
                f"{target!r} is not an AWS Region with Direct Connect locations; use one of: {known}"
            )
        hit = [r for r in links if r.doc.get("location") in codes]
        return hit, [("location", code) for code in codes], []
    topology, resolved = load_topology(uow, ctx.account)
    if not topology.routers:
        raise ValidationError(
            f"No customer topology is loaded, so there is no {kind} {target!r}; PUT /_dxlab/topology first"
        )
    if kind == "router":
        if target not in topology.routers_by_name:
            raise NotFound(
                f"No customer router {target!r} in the topology (routers: {', '.join(topology.routers_by_name)})"
            )
        routers, dead = {target}, []
    else:
        if target not in topology.sites:
            raise NotFound(
                f"No data center {target!r} in the topology (sites: {', '.join(topology.sites)})"
            )
        routers, dead = {r.name for r in topology.routers if r.site == target}, [target]
    patched = {
        link for link, router in resolved.get("routerOfLink", {}).items() if router in routers
    }
    return [r for r in links if r.id in patched], [(kind, target)], dead


def _with_members(uow: UnitOfWork, links: list[Record]) -> list[Record]:
    """A LAG that goes down takes its member connections with it."""
    out = {r.id: r for r in links}
    for rec in links:
        if rec.kind == "lag":
            for member in uow.list("connection", parent=rec.id):
                if member.doc.get("connectionState") not in CONNECTION.gone:
                    out.setdefault(member.id, member)
    return list(out.values())


def _take_down(uow: UnitOfWork, rec: Record, failure_id: str) -> bool:
    lifecycle = LINK[rec.kind]
    held = list(rec.meta.get("failures", []))
    if rec.doc[lifecycle.field] != ConnectionState.AVAILABLE and not held:
        return False  # not up (still being provisioned, or down for AWS's own reasons)
    if not held:
        rec.meta["stateBeforeFailure"] = rec.doc[lifecycle.field]
    rec.meta["failures"] = [*held, failure_id]
    set_state(rec.doc, lifecycle, lifecycle.states(ConnectionState.DOWN))
    uow.put(rec)
    return True


def _bring_back(uow: UnitOfWork, link_id: str, failure_id: str) -> None:
    rec = uow.get("lag" if link_id.startswith("dxlag-") else "connection", link_id)
    if rec is None or failure_id not in rec.meta.get("failures", []):
        return
    lifecycle = LINK[rec.kind]
    rec.meta["failures"] = [f for f in rec.meta["failures"] if f != failure_id]
    if not rec.meta["failures"]:
        del rec.meta["failures"]
        before = rec.meta.pop("stateBeforeFailure", ConnectionState.AVAILABLE)
        if rec.doc[lifecycle.field] == ConnectionState.DOWN:  # not deleted meanwhile
            set_state(rec.doc, lifecycle, lifecycle.states(before))
    uow.put(rec)


def start_failure(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    kind = rules.check_failure_kind(args.get("kind"))
    target = args.get("id")
    if not isinstance(target, str) or not target:
        raise ValidationError(f"id is required: the {kind} to take down")
    minutes = rules.check_minutes(args.get("minutes"), "minutes")
    links, domains, dead = _target(uow, ctx, kind, target)
    for rec in uow.list(FAILURE_KIND, account=ctx.account):
        if rec.doc["status"] == FailureStatus.ACTIVE and (rec.doc["kind"], rec.doc["id"]) == (
            kind,
            target,
        ):
            raise Conflict(f"{kind} {target} is already down ({rec.id}); restore it first")
    snap = comparison(
        network_snapshot(uow, ctx), also_failed=[Failure(k, i) for k, i in domains], dead_sites=dead
    )
    failure_id, now = rules.failure_id(), ctx.now()
    down = [r.id for r in _with_members(uow, links) if _take_down(uow, r, failure_id)]
    doc: dict[str, Any] = {
        "failureId": failure_id,
        "kind": kind,
        "id": target,
    }
    set_state(doc, FAILURE, FailureStatus.ACTIVE)
    doc |= {
        "ownerAccount": ctx.account,
        "minutes": minutes,
        "startTime": now,
        "endTime": now + minutes * 60.0,
        "connections": down,
    }
    meta = {"domains": [list(d) for d in domains], "deadSites": dead, "snapshot": snap}
    uow.put(Record(FAILURE_KIND, failure_id, ctx.account, doc, meta, created=now))
    uow.schedule(now + minutes * 60.0, EXPIRE, failure_id, {})
    return doc


def end_failure(uow: UnitOfWork, rec: Record, status: FailureStatus, now: float) -> None:
    for link_id in rec.doc.get("connections", []):
        _bring_back(uow, link_id, rec.id)
    set_state(rec.doc, FAILURE, status)
    rec.doc["endTime"] = now
    uow.cancel_timers(rec.id, EXPIRE)
    uow.put(rec)


@timer_action(EXPIRE)
def expire(uow: UnitOfWork, ctx: Context, failure_id: str, payload: dict[str, Any]) -> None:
    rec = uow.get(FAILURE_KIND, failure_id)
    if rec is not None and rec.doc["status"] == FailureStatus.ACTIVE:
        end_failure(uow, rec, FailureStatus.EXPIRED, min(ctx.now(), float(rec.doc["endTime"])))


def _find(uow: UnitOfWork, ctx: Context, failure_id: str) -> Record:
    rec = uow.get(FAILURE_KIND, failure_id)
    if rec is None or rec.account != ctx.account:
        raise NotFound(f"Could not find failure with ID {failure_id}")
    return rec


@route("POST", "/failures", write=True)
def post_failure(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return start_failure(uow, ctx, args)


@route("GET", "/failures")
def list_failures(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    docs = sorted(
        (r.doc for r in uow.list(FAILURE_KIND, account=ctx.account)), key=lambda d: d["startTime"]
    )
    if args.get("status"):
        docs = [d for d in docs if d["status"] == args["status"]]
    return {"failures": docs}


@route("GET", "/failures/{failure_id}")
def get_failure(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return _find(uow, ctx, args["failure_id"]).doc


@route("DELETE", "/failures/{failure_id}", write=True)
def restore(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    rec = _find(uow, ctx, args["failure_id"])
    if rec.doc["status"] != FailureStatus.ACTIVE:
        raise Conflict(f"Failure {rec.id} has already ended ({rec.doc['status']})")
    end_failure(uow, rec, FailureStatus.RESTORED, ctx.now())
    return rec.doc
