"""Associations of Direct Connect gateways with virtual private gateways and transit
gateways, and their allowed prefixes (virtualgateways.md, direct-connect-transit-gateways.md,
allowed-to-prefixes.md, limits.md).

An association is stored under its Direct Connect gateway (parent) in the gateway
owner's account; the VGW/TGW owner, when another account (an accepted proposal), sees
it too. States: associating -> associated, updating -> associated, disassociating ->
disassociated, moved by durable timers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from dxlab.domain import gateway, ids
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    CreateDirectConnectGatewayAssociationRequest,
    CreateDirectConnectGatewayAssociationResult,
    DeleteDirectConnectGatewayAssociationRequest,
    DeleteDirectConnectGatewayAssociationResult,
    DescribeDirectConnectGatewayAssociationsRequest,
    DescribeDirectConnectGatewayAssociationsResult,
    DirectConnectGatewayAssociation,
    UpdateDirectConnectGatewayAssociationRequest,
    UpdateDirectConnectGatewayAssociationResult,
)
from dxlab.domain.states import ASSOCIATION, DirectConnectGatewayAssociationState, set_state
from dxlab.service.context import Context
from dxlab.service.gateways.dx_gateways import (
    find_dx_gateway,
    require_usable,
    schedule_state,
)
from dxlab.service.gateways.virtual_gateways import (
    ASSOCIATION_KIND,
    associated_gateway,
    does_not_exist,
    find_gateway,
    listing,
    live_associations_of_gateway,
    live_vifs,
)
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

STATE = "gateway_association.state"
A = DirectConnectGatewayAssociationState
# The transitions a timer completes (the others are the operations').
_NEXT = {
    (A.ASSOCIATING, A.ASSOCIATED),
    (A.UPDATING, A.ASSOCIATED),
    (A.DISASSOCIATING, A.DISASSOCIATED),
}


@timer_action(STATE)
def _reach_state(uow: UnitOfWork, ctx: Context, ref: str, payload: dict[str, Any]) -> None:
    rec = uow.get(ASSOCIATION_KIND, ref)
    if rec is not None and (rec.doc["associationState"], payload["to"]) in _NEXT:
        set_state(rec.doc, ASSOCIATION, A(payload["to"]))
        uow.put(rec)


def move(
    uow: UnitOfWork,
    ctx: Context,
    rec: Record,
    now: DirectConnectGatewayAssociationState,
    then: DirectConnectGatewayAssociationState,
) -> None:
    """Put the association in state `now`; it reaches `then` by a durable timer."""
    uow.cancel_timers(rec.id, STATE)
    set_state(rec.doc, ASSOCIATION, now)
    uow.put(rec)
    schedule_state(uow, ctx, rec.id, STATE, then)


def visible(rec: Record, account: str) -> bool:
    return account in (rec.account, rec.doc["associatedGateway"]["ownerAccount"])


def live_associations(uow: UnitOfWork, dx_gateway_id: str) -> list[Record]:
    return [
        a
        for a in uow.list(ASSOCIATION_KIND, parent=dx_gateway_id)
        if a.doc["associationState"] in ASSOCIATION.live
    ]


def _summary(uow: UnitOfWork, rec: Record) -> dict[str, Any]:
    """What the domain rules need to know of an existing association."""
    gw = rec.doc["associatedGateway"]
    kind = "virtual_gateway" if gw["type"] == gateway.VGW else "transit_gateway"
    behind = uow.get(kind, gw["id"])
    return {
        "type": gw["type"],
        "id": gw["id"],
        "allowed": [p["cidr"] for p in rec.doc["allowedPrefixesToDirectConnectGateway"]],
        "vpcCidrs": behind.meta.get("vpcCidrs", []) if behind else [],
    }


def associate(
    uow: UnitOfWork, ctx: Context, dxgw: Record, gw: Record, prefixes: list[str]
) -> Record:
    """Create the association after every rule of the guide (also used when a proposal
    is accepted: the rules are the same)."""
    require_usable(dxgw)
    gw_type = associated_gateway(gw)["type"]
    others = [_summary(uow, a) for a in live_associations(uow, dxgw.id)]
    gateway.check_can_associate(
        gw_type,
        gw.id,
        gw.meta["amazonSideAsn"],
        dxgw.doc,
        prefixes,
        gw.meta.get("vpcCidrs", []),
        others,
        [
            v.doc.get("virtualInterfaceType", "")
            for v in live_vifs(uow, "directConnectGatewayId", dxgw.id)
        ],
        len(live_associations_of_gateway(uow, gw.id)),
    )
    aid = ids.gateway_id()
    doc: dict[str, Any] = {
        "directConnectGatewayId": dxgw.id,
        "directConnectGatewayOwnerAccount": dxgw.account,
    }
    set_state(doc, ASSOCIATION, A.ASSOCIATING)
    doc |= {
        "associatedGateway": associated_gateway(gw),
        "associationId": aid,
        "allowedPrefixesToDirectConnectGateway": gateway.as_prefix_list(prefixes),
    }
    if gw_type == gateway.VGW:  # the model's older members, for VGWs only
        doc.update(
            virtualGatewayId=gw.id,
            virtualGatewayRegion=gw.meta["region"],
            virtualGatewayOwnerAccount=gw.account,
        )
    rec = Record(
        ASSOCIATION_KIND, aid, dxgw.account, doc, {"gatewayOwner": gw.account}, dxgw.id, ctx.now()
    )
    uow.put(rec)
    schedule_state(uow, ctx, aid, STATE, A.ASSOCIATED)
    return rec


def change_prefixes(uow: UnitOfWork, ctx: Context, rec: Record, prefixes: list[str]) -> None:
    """New allowed prefixes for a live association (UpdateDirectConnectGatewayAssociation,
    or an accepted proposal for an existing association)."""
    if rec.doc["associationState"] != A.ASSOCIATED:
        raise Conflict(
            f"Association {rec.id} is in state {rec.doc['associationState']}; wait until it is associated"
        )
    others = [_summary(uow, a) for a in live_associations(uow, rec.parent or "") if a.id != rec.id]
    gateway.check_prefixes_fit(
        rec.doc["associatedGateway"]["type"], prefixes, rec.parent or "", others
    )
    rec.doc["allowedPrefixesToDirectConnectGateway"] = gateway.as_prefix_list(prefixes)
    # allowed-to-prefixes.md: "During updates the status changes from associated to updating."
    move(uow, ctx, rec, A.UPDATING, A.ASSOCIATED)


def as_association(doc: dict[str, Any]) -> DirectConnectGatewayAssociation:
    """A stored association is the model's DirectConnectGatewayAssociation (checked in the tests)."""
    return cast(DirectConnectGatewayAssociation, doc)


def gateway_id_of(req: Mapping[str, Any]) -> str | None:
    gid, legacy = req.get("gatewayId"), req.get("virtualGatewayId")
    if gid and legacy and gid != legacy:
        raise ValidationError(
            f"gatewayId {gid} and virtualGatewayId {legacy} name different gateways; give one"
        )
    return gid or legacy


@operation("CreateDirectConnectGatewayAssociation", write=True)
def create_association(
    uow: UnitOfWork, ctx: Context, req: CreateDirectConnectGatewayAssociationRequest
) -> CreateDirectConnectGatewayAssociationResult:
    dxgw = find_dx_gateway(uow, ctx, req["directConnectGatewayId"])
    gid = gateway_id_of(req)
    if not gid:
        raise ValidationError(
            "gatewayId is required: the virtual private gateway or transit gateway to associate"
        )
    gw = find_gateway(uow, ctx, gid)
    gw_type = associated_gateway(gw)["type"]
    prefixes = gateway.default_allowed_prefixes(
        gw_type,
        gateway.prefixes_from(req.get("addAllowedPrefixesToDirectConnectGateway")),
        gw.meta["vpcCidrs"],
    )
    rec = associate(uow, ctx, dxgw, gw, prefixes)
    return {"directConnectGatewayAssociation": as_association(rec.doc)}


def find_association(uow: UnitOfWork, ctx: Context, association_id: str) -> Record:
    rec = uow.get(ASSOCIATION_KIND, association_id)
    if rec is None or not visible(rec, ctx.account):
        raise does_not_exist("Direct Connect Gateway Association", association_id)
    return rec


@route("POST", "/virtual-gateways/{gateway_id}/detach", write=True)
def detach_virtual_gateway(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Detach a VGW from its VPC (EC2's DetachVpnGateway). virtualgateways.md: "Detaching a
    virtual private gateway from a VPC also disassociates the virtual private gateway from
    a Direct Connect gateway." """
    vgw = find_gateway(uow, ctx, args["gateway_id"])
    if vgw.kind != "virtual_gateway" or not vgw.meta.get("vpcId"):
        raise Conflict(f"{vgw.id} is not a virtual private gateway attached to a VPC")
    for assoc in live_associations_of_gateway(uow, vgw.id):
        if assoc.doc["associationState"] != A.DISASSOCIATING:
            move(uow, ctx, assoc, A.DISASSOCIATING, A.DISASSOCIATED)
    vgw.meta.update(vpcCidrs=[], vpcId=None)
    uow.put(vgw)
    return {"virtualGatewayId": vgw.id, "vpcId": None, "vpcCidrs": []}


@operation("DescribeDirectConnectGatewayAssociations")
def describe_associations(
    uow: UnitOfWork, ctx: Context, req: DescribeDirectConnectGatewayAssociationsRequest
) -> DescribeDirectConnectGatewayAssociationsResult:
    aid, dxgw_id = req.get("associationId"), req.get("directConnectGatewayId")
    gw_id = req.get("associatedGatewayId") or req.get("virtualGatewayId")
    if not (aid or dxgw_id or gw_id):
        raise ValidationError(
            "Specify an associationId, a directConnectGatewayId, an associatedGatewayId or a virtualGatewayId"
        )
    # Unknown ids answer an empty list (Terraform's waiters read that as "gone").
    if aid:
        found = uow.get(ASSOCIATION_KIND, aid)
        records = [found] if found is not None and visible(found, ctx.account) else []
    elif dxgw_id:
        records = [a for a in uow.list(ASSOCIATION_KIND, parent=dxgw_id) if visible(a, ctx.account)]
    else:
        records = [a for a in uow.list(ASSOCIATION_KIND) if visible(a, ctx.account)]
    if dxgw_id:
        records = [a for a in records if a.parent == dxgw_id]
    if gw_id:
        records = [a for a in records if a.doc["associatedGateway"]["id"] == gw_id]
    if not aid:  # a finished disassociation shows only to who asks for it by id
        records = [a for a in records if a.doc["associationState"] != A.DISASSOCIATED]
    answer = listing("directConnectGatewayAssociations", [a.doc for a in records], req)
    return cast(DescribeDirectConnectGatewayAssociationsResult, answer)


@operation("UpdateDirectConnectGatewayAssociation", write=True)
def update_association(
    uow: UnitOfWork, ctx: Context, req: UpdateDirectConnectGatewayAssociationRequest
) -> UpdateDirectConnectGatewayAssociationResult:
    aid = req.get("associationId")
    if not aid:
        raise ValidationError("associationId is required")
    rec = find_association(uow, ctx, aid)
    if rec.account != ctx.account:
        # multi-account-associate-vgw.md: the gateway's owner changes prefixes by a new proposal.
        raise ValidationError(
            f"Only the owner of Direct Connect gateway {rec.parent} can update association {aid};"
            " create an association proposal to request other prefixes"
        )
    add = gateway.prefixes_from(req.get("addAllowedPrefixesToDirectConnectGateway"))
    remove = gateway.prefixes_from(req.get("removeAllowedPrefixesToDirectConnectGateway"))
    if not add and not remove:
        raise ValidationError(
            "Give addAllowedPrefixesToDirectConnectGateway or removeAllowedPrefixesToDirectConnectGateway"
        )
    current = [p["cidr"] for p in rec.doc["allowedPrefixesToDirectConnectGateway"]]
    change_prefixes(uow, ctx, rec, gateway.apply_prefix_changes(current, add, remove))
    return {"directConnectGatewayAssociation": as_association(rec.doc)}


@operation("DeleteDirectConnectGatewayAssociation", write=True)
def delete_association(
    uow: UnitOfWork, ctx: Context, req: DeleteDirectConnectGatewayAssociationRequest
) -> DeleteDirectConnectGatewayAssociationResult:
    aid, dxgw_id, vgw_id = (
        req.get("associationId"),
        req.get("directConnectGatewayId"),
        req.get("virtualGatewayId"),
    )
    if aid:
        rec = find_association(uow, ctx, aid)
    elif dxgw_id and vgw_id:
        found = [
            a
            for a in live_associations(uow, dxgw_id)
            if a.doc["associatedGateway"]["id"] == vgw_id and visible(a, ctx.account)
        ]
        if not found:
            raise does_not_exist(
                "Direct Connect Gateway Association of", f"{vgw_id} with {dxgw_id}"
            )
        rec = found[0]
    else:
        raise ValidationError(
            "Specify the associationId, or both directConnectGatewayId and virtualGatewayId"
        )
    state = rec.doc["associationState"]
    if state in ASSOCIATION.gone:
        raise Conflict(f"Association {rec.id} is already {state}")
    move(uow, ctx, rec, A.DISASSOCIATING, A.DISASSOCIATED)
    return {"directConnectGatewayAssociation": as_association(rec.doc)}
