"""Resiliency groups: Create/Get/List/Update/Delete, and associating connections
(atomically: all or nothing). Beyond AWS: /_dxlab/resiliency-groups/{id}/compliance
tells whether the group's connections meet the intended model, and which rule fails."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain import ids
from dxlab.domain.errors import Conflict, NotFound, ValidationError
from dxlab.domain.resiliency import SLA, broken_rules
from dxlab.domain.shapes import (
    AssociateConnectionsToResiliencyGroupRequest,
    AssociateConnectionsToResiliencyGroupResult,
    CreateResiliencyGroupRequest,
    CreateResiliencyGroupResult,
    DeleteResiliencyGroupRequest,
    DeleteResiliencyGroupResult,
    DisassociateConnectionsFromResiliencyGroupRequest,
    DisassociateConnectionsFromResiliencyGroupResult,
    GetResiliencyGroupRequest,
    GetResiliencyGroupResult,
    ListResiliencyGroupAssociationsRequest,
    ListResiliencyGroupAssociationsResult,
    ListResiliencyGroupsRequest,
    ListResiliencyGroupsResult,
    ResiliencyGroup,
    ResiliencyGroupAssociation,
    ResiliencyGroupSummary,
    UpdateResiliencyGroupRequest,
    UpdateResiliencyGroupResult,
)
from dxlab.domain.states import (
    CONNECTION,
    RESILIENCY_GROUP,
    RESILIENCY_GROUP_ASSOCIATION,
    ResiliencyGroupAssociationState,
    ResiliencyGroupState,
    set_state,
)
from dxlab.service.common import find, initial_tags, page
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

SETTLE = "resiliency_group.settle"


def _group(doc: dict[str, Any]) -> ResiliencyGroup:
    """A stored group is the model's ResiliencyGroup (checked against the model in the tests)."""
    return cast(ResiliencyGroup, doc)


def _member(doc: dict[str, Any]) -> ResiliencyGroupAssociation:
    return cast(ResiliencyGroupAssociation, doc)


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "tags"}


def _replayed(uow: UnitOfWork, ctx: Context, op: str, token: str | None) -> str | None:
    """The result id of an earlier call with this clientToken (idempotency), if any."""
    if token is None:
        return None
    held = uow.claimed(f"token:{ctx.account}:{op}").get(token)
    return held


def _connection(uow: UnitOfWork, ctx: Context, identifier: str) -> Record:
    cid = identifier
    if identifier.startswith("arn:"):
        parsed = ids.parse_arn(identifier)
        if parsed is None or parsed[2] != "dxcon":
            raise ValidationError(f"{identifier} is not a connection ARN")
        cid = parsed[3]
    rec = find(uow, ctx, "connection", cid)
    if rec.doc["connectionState"] in CONNECTION.gone:
        raise Conflict(f"Connection {cid} is in state {rec.doc['connectionState']}")
    return rec


def _association(ctx: Context, rg_id: str, conn: Record) -> dict[str, Any]:
    doc = {
        "resiliencyGroupId": rg_id,
        "connectionArn": ids.arn(conn.doc["region"], conn.account, conn.id),
    }
    set_state(doc, RESILIENCY_GROUP_ASSOCIATION, ResiliencyGroupAssociationState.ASSOCIATING)
    return doc


@operation("CreateResiliencyGroup", write=True)
def create(
    uow: UnitOfWork, ctx: Context, req: CreateResiliencyGroupRequest
) -> CreateResiliencyGroupResult:
    earlier = _replayed(uow, ctx, "create", req.get("clientToken"))
    if earlier:
        rec = find(uow, ctx, "resiliency_group", earlier)
        if (rec.doc["resiliencyGroupName"], rec.meta["intendedResiliencyModel"]) != (
            req["resiliencyGroupName"],
            req["intendedResiliencyModel"],
        ):
            raise ValidationError(
                f"clientToken {req['clientToken']!r} was used for resiliency group {earlier} with other parameters"
            )
        return {"resiliencyGroup": _group(rec.doc)}
    tags = initial_tags(req)
    rg_id = ids.resiliency_group_id()
    doc: dict[str, Any] = {
        "resiliencyGroupId": rg_id,
        "resiliencyGroupArn": ids.arn(ctx.region, ctx.account, rg_id),
        "resiliencyGroupName": req["resiliencyGroupName"],
        "resiliencyGroupType": "Managed",
        "ownerAccount": ctx.account,
    }
    set_state(doc, RESILIENCY_GROUP, ResiliencyGroupState.PENDING)
    doc["tags"] = tags
    meta = {"intendedResiliencyModel": req["intendedResiliencyModel"]}
    uow.put(Record("resiliency_group", rg_id, ctx.account, doc, meta, created=ctx.now()))
    if req.get("clientToken"):
        uow.claim(f"token:{ctx.account}:create", req["clientToken"], rg_id)
    uow.schedule(ctx.now(), SETTLE, rg_id, {})
    return {"resiliencyGroup": _group(doc)}


# What a group's SETTLE timer completes (the operations start each transition).
_SETTLES_TO = {
    ResiliencyGroupState.PENDING: ResiliencyGroupState.AVAILABLE,
    ResiliencyGroupState.DELETING: ResiliencyGroupState.DELETED,
}


@timer_action(SETTLE)
def settle(uow: UnitOfWork, ctx: Context, rg_id: str, payload: dict[str, Any]) -> None:
    """pending -> available, deleting -> deleted; associations settle with the group."""
    rec = uow.get("resiliency_group", rg_id)
    if rec is None:
        return
    settled = _SETTLES_TO.get(rec.doc["state"])
    if settled is not None:
        set_state(rec.doc, RESILIENCY_GROUP, settled)
    uow.put(rec)
    for assoc in uow.list("rg_association", parent=rg_id):
        state = assoc.doc["state"]
        if state == ResiliencyGroupAssociationState.ASSOCIATING:
            set_state(
                assoc.doc, RESILIENCY_GROUP_ASSOCIATION, ResiliencyGroupAssociationState.ASSOCIATED
            )
            uow.put(assoc)
        elif state == ResiliencyGroupAssociationState.DISASSOCIATING:
            uow.delete("rg_association", assoc.id)
            uow.release(f"rg-member:{assoc.meta['connectionId']}", assoc.meta["connectionId"])


def _live_group(uow: UnitOfWork, ctx: Context, rg_id: str) -> Record:
    rec = find(uow, ctx, "resiliency_group", rg_id)
    if rec.doc["state"] in RESILIENCY_GROUP.gone:
        raise Conflict(f"Resiliency group {rg_id} is in state {rec.doc['state']}")
    return rec


@operation("AssociateConnectionsToResiliencyGroup", write=True)
def associate(
    uow: UnitOfWork, ctx: Context, req: AssociateConnectionsToResiliencyGroupRequest
) -> AssociateConnectionsToResiliencyGroupResult:
    group = _live_group(uow, ctx, req["resiliencyGroupId"])
    conns = [_connection(uow, ctx, i) for i in req["connectionIdentifiers"]]
    if len({c.id for c in conns}) != len(conns):
        raise ValidationError("The same connection is listed more than once")
    for conn in conns:  # check every connection before changing anything: atomic
        holder = uow.claimed(f"rg-member:{conn.id}").get(conn.id)
        if holder and holder != group.id:
            raise Conflict(f"Connection {conn.id} already belongs to resiliency group {holder}")
    out = []
    for conn in conns:
        uow.claim(f"rg-member:{conn.id}", conn.id, group.id)
        assoc_id = f"{group.id}:{conn.id}"
        existing = uow.get("rg_association", assoc_id)
        if existing is None or existing.doc["state"] != ResiliencyGroupAssociationState.ASSOCIATED:
            doc = _association(ctx, group.id, conn)
            uow.put(
                Record(
                    "rg_association",
                    assoc_id,
                    ctx.account,
                    doc,
                    {"connectionId": conn.id},
                    group.id,
                    ctx.now(),
                )
            )
            out.append(doc)
        else:
            out.append(existing.doc)
    uow.schedule(ctx.now(), SETTLE, group.id, {})
    return {"resiliencyGroupAssociations": [_member(d) for d in out]}


@operation("DisassociateConnectionsFromResiliencyGroup", write=True)
def disassociate(
    uow: UnitOfWork, ctx: Context, req: DisassociateConnectionsFromResiliencyGroupRequest
) -> DisassociateConnectionsFromResiliencyGroupResult:
    group = _live_group(uow, ctx, req["resiliencyGroupId"])
    records = []
    for identifier in req["connectionIdentifiers"]:
        cid = identifier.rsplit("/", 1)[-1]
        assoc = uow.get("rg_association", f"{group.id}:{cid}")
        if assoc is None or assoc.account != ctx.account:
            raise NotFound(f"Connection {cid} is not associated with resiliency group {group.id}")
        records.append(assoc)
    for assoc in records:
        set_state(
            assoc.doc, RESILIENCY_GROUP_ASSOCIATION, ResiliencyGroupAssociationState.DISASSOCIATING
        )
        uow.put(assoc)
    uow.schedule(ctx.now(), SETTLE, group.id, {})
    return {"resiliencyGroupAssociations": [_member(a.doc) for a in records]}


@operation("GetResiliencyGroup")
def get(uow: UnitOfWork, ctx: Context, req: GetResiliencyGroupRequest) -> GetResiliencyGroupResult:
    return {
        "resiliencyGroup": _group(find(uow, ctx, "resiliency_group", req["resiliencyGroupId"]).doc)
    }


@operation("ListResiliencyGroups")
def list_groups(
    uow: UnitOfWork, ctx: Context, req: ListResiliencyGroupsRequest
) -> ListResiliencyGroupsResult:
    items = [_summary(d) for d in uow.docs("resiliency_group", account=ctx.account)]
    chunk, token = page(items, req.get("maxResults"), req.get("nextToken"))
    out: ListResiliencyGroupsResult = {"items": [cast(ResiliencyGroupSummary, d) for d in chunk]}
    if token:
        out["nextToken"] = token
    return out


@operation("ListResiliencyGroupAssociations")
def list_associations(
    uow: UnitOfWork, ctx: Context, req: ListResiliencyGroupAssociationsRequest
) -> ListResiliencyGroupAssociationsResult:
    group = find(uow, ctx, "resiliency_group", req["resiliencyGroupId"])
    items = [a.doc for a in uow.list("rg_association", parent=group.id)]
    chunk, token = page(items, req.get("maxResults"), req.get("nextToken"))
    out: ListResiliencyGroupAssociationsResult = {"items": [_member(d) for d in chunk]}
    if token:
        out["nextToken"] = token
    return out


@operation("UpdateResiliencyGroup", write=True)
def update(
    uow: UnitOfWork, ctx: Context, req: UpdateResiliencyGroupRequest
) -> UpdateResiliencyGroupResult:
    group = _live_group(uow, ctx, req["resiliencyGroupId"])
    group.doc["resiliencyGroupName"] = req["resiliencyGroupName"]
    uow.put(group)
    return {"resiliencyGroup": _group(group.doc)}


@operation("DeleteResiliencyGroup", write=True)
def delete(
    uow: UnitOfWork, ctx: Context, req: DeleteResiliencyGroupRequest
) -> DeleteResiliencyGroupResult:
    group = _live_group(uow, ctx, req["resiliencyGroupId"])
    members = [
        a
        for a in uow.list("rg_association", parent=group.id)
        if a.doc["state"] != ResiliencyGroupAssociationState.DISASSOCIATED
    ]
    if members:
        raise Conflict(
            f"Resiliency group {group.id} still has {len(members)} associated connection(s); disassociate them first"
        )
    set_state(group.doc, RESILIENCY_GROUP, ResiliencyGroupState.DELETING)
    uow.put(group)
    uow.schedule(ctx.now(), SETTLE, group.id, {})
    return {"resiliencyGroup": _group(group.doc)}


# The same rules (domain/resiliency.broken_rules) decide the analyzer's SLA; it answers
# for the whole network as it is now, this for the group's layout as ordered.
COMPLIANCE_QUESTION = (
    "Do the group's connections, as ordered, follow the intended model's layout rules"
    " (resiliency_toolkit.md)? Failures now, routes and the customer side are not counted here:"
    " the analysis (dxlab analyze) judges those."
)


@route("GET", "/resiliency-groups/{group_id}/compliance")
def compliance(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Whether the group's connections meet its intended model, and which rules fail."""
    group = find(uow, ctx, "resiliency_group", args["group_id"])
    model = group.meta["intendedResiliencyModel"]
    conns = [
        c.doc
        for a in uow.list("rg_association", parent=group.id)
        if (c := uow.get("connection", a.meta["connectionId"])) is not None
    ]
    problems = broken_rules(model, conns)
    return {
        "question": COMPLIANCE_QUESTION,
        "resiliencyGroupId": group.id,
        "intendedResiliencyModel": model,
        "meetsModel": not problems,
        "sla": SLA[model] if not problems else "none",
        "brokenRules": problems,
        "connections": [c["connectionId"] for c in conns],
    }
