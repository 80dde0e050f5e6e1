"""Direct Connect gateways: create, describe, rename, delete, and the virtual interfaces
attached to them (direct-connect-gateways-intro.md, limits.md).

A Direct Connect gateway is global: it has no Region and every Region's endpoint shows it.
A new one is available at once (as the real service answers); deleting -> deleted is a
durable timer."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain import gateway, ids, quotas
from dxlab.domain.errors import Conflict, LimitExceeded, ValidationError
from dxlab.domain.shapes import (
    CreateDirectConnectGatewayRequest,
    CreateDirectConnectGatewayResult,
    DeleteDirectConnectGatewayRequest,
    DeleteDirectConnectGatewayResult,
    DescribeDirectConnectGatewayAttachmentsRequest,
    DescribeDirectConnectGatewayAttachmentsResult,
    DescribeDirectConnectGatewaysRequest,
    DescribeDirectConnectGatewaysResult,
    DirectConnectGateway,
    UpdateDirectConnectGatewayRequest,
    UpdateDirectConnectGatewayResponse,
)
from dxlab.domain.states import (
    ASSOCIATION,
    DX_GATEWAY,
    PROPOSAL,
    DirectConnectGatewayAssociationProposalState,
    DirectConnectGatewayState,
    attachment_state,
    set_state,
)
from dxlab.service.common import initial_tags
from dxlab.service.context import Context
from dxlab.service.gateways.virtual_gateways import (
    ASSOCIATION_KIND,
    PROPOSAL_KIND,
    does_not_exist,
    listing,
    live_vifs,
)
from dxlab.service.registry import operation
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

KIND = "dx_gateway"
STATE = "dx_gateway.state"


def find_dx_gateway(
    uow: UnitOfWork, ctx: Context, gateway_id: str, owner: str | None = None
) -> Record:
    """The Direct Connect gateway of `owner` (the caller by default) that is not deleted;
    another account's answers exactly as a missing one."""
    rec = uow.get(KIND, gateway_id)
    if (
        rec is None
        or rec.account != (owner or ctx.account)
        or rec.doc["directConnectGatewayState"] == DirectConnectGatewayState.DELETED
    ):
        raise does_not_exist("Direct Connect Gateway", gateway_id)
    return rec


def require_usable(rec: Record) -> None:
    state = rec.doc["directConnectGatewayState"]
    if state not in DX_GATEWAY.live:
        raise Conflict(f"Direct Connect gateway {rec.id} is in state {state}")


def schedule_state(uow: UnitOfWork, ctx: Context, ref: str, action: str, target: str) -> None:
    """`target` is reached by a durable timer (a state of DX_GATEWAY or ASSOCIATION)."""
    delay = gateway.transition_delay(
        target, ctx.settings.provisioning, ctx.settings.realistic_factor
    )
    uow.schedule(ctx.now() + delay, action, ref, {"to": str(target)})


# The transitions a timer completes (the others are the operations').
_TIMED = {
    (DirectConnectGatewayState.PENDING, DirectConnectGatewayState.AVAILABLE),
    (DirectConnectGatewayState.DELETING, DirectConnectGatewayState.DELETED),
}


@timer_action(STATE)
def _reach_state(uow: UnitOfWork, ctx: Context, ref: str, payload: dict[str, Any]) -> None:
    rec = uow.get(KIND, ref)
    if rec is None:
        return
    current, target = rec.doc["directConnectGatewayState"], payload["to"]
    if (current, target) in _TIMED:
        set_state(rec.doc, DX_GATEWAY, DirectConnectGatewayState(target))
        uow.put(rec)


def live_gateway_count(uow: UnitOfWork, account: str) -> int:
    return sum(
        1
        for r in uow.list(KIND, account=account)
        if r.doc["directConnectGatewayState"] != DirectConnectGatewayState.DELETED
    )


def _gateway(doc: dict[str, Any]) -> DirectConnectGateway:
    """A stored gateway document is the model's DirectConnectGateway (checked in the tests)."""
    return cast(DirectConnectGateway, doc)


@operation("CreateDirectConnectGateway", write=True)
def create_dx_gateway(
    uow: UnitOfWork, ctx: Context, req: CreateDirectConnectGatewayRequest
) -> CreateDirectConnectGatewayResult:
    name = req["directConnectGatewayName"]
    if not name.strip():
        raise ValidationError("directConnectGatewayName must not be empty")
    asn = gateway.check_amazon_side_asn(req.get("amazonSideAsn", gateway.DEFAULT_AMAZON_ASN))
    tags = initial_tags(req)
    if live_gateway_count(uow, ctx.account) >= quotas.DX_GATEWAYS_PER_ACCOUNT:
        raise LimitExceeded(
            f"Direct Connect gateway limit exceeded: at most {quotas.DX_GATEWAYS_PER_ACCOUNT} per account"
        )
    gid = ids.gateway_id()
    doc: dict[str, Any] = {
        "directConnectGatewayId": gid,
        "directConnectGatewayName": name,
        "amazonSideAsn": asn,
        "ownerAccount": ctx.account,
    }
    # The create-direct-connect-gateway capture: a new gateway is `available` at once (it
    # is a logical resource; nothing is provisioned).
    set_state(doc, DX_GATEWAY, DirectConnectGatewayState.AVAILABLE)
    doc["tags"] = tags
    uow.put(Record(KIND, gid, ctx.account, doc, created=ctx.now()))
    return {"directConnectGateway": _gateway(doc)}


@operation("DescribeDirectConnectGateways")
def describe_dx_gateways(
    uow: UnitOfWork, ctx: Context, req: DescribeDirectConnectGatewaysRequest
) -> DescribeDirectConnectGatewaysResult:
    # DescribeDirectConnectGateways (model): "Deleted Direct Connect gateways are not
    # returned." An unknown id answers an empty list, not an error (what Terraform's
    # deletion waiter relies on).
    gid = req.get("directConnectGatewayId")
    docs = [
        r.doc
        for r in uow.list(KIND, account=ctx.account)
        if r.doc["directConnectGatewayState"] != DirectConnectGatewayState.DELETED
        and gid in (None, r.id)
    ]
    return cast(DescribeDirectConnectGatewaysResult, listing("directConnectGateways", docs, req))


@operation("UpdateDirectConnectGateway", write=True)
def update_dx_gateway(
    uow: UnitOfWork, ctx: Context, req: UpdateDirectConnectGatewayRequest
) -> UpdateDirectConnectGatewayResponse:
    rec = find_dx_gateway(uow, ctx, req["directConnectGatewayId"])
    require_usable(rec)
    name = req["newDirectConnectGatewayName"]
    if not name.strip():
        raise ValidationError("newDirectConnectGatewayName must not be empty")
    rec.doc["directConnectGatewayName"] = name
    uow.put(rec)
    return {"directConnectGateway": _gateway(rec.doc)}


@operation("DeleteDirectConnectGateway", write=True)
def delete_dx_gateway(
    uow: UnitOfWork, ctx: Context, req: DeleteDirectConnectGatewayRequest
) -> DeleteDirectConnectGatewayResult:
    rec = find_dx_gateway(uow, ctx, req["directConnectGatewayId"])
    require_usable(rec)
    # direct-connect-gateways-intro.md: first disassociate every gateway and delete the
    # attached virtual interfaces.
    vifs = live_vifs(uow, "directConnectGatewayId", rec.id)
    if vifs:
        raise Conflict(
            f"Direct Connect gateway {rec.id} has {len(vifs)} virtual interface(s) attached"
            f" ({', '.join(sorted(v.id for v in vifs))}); delete them first"
        )
    assocs = [
        a
        for a in uow.list(ASSOCIATION_KIND, parent=rec.id)
        if a.doc["associationState"] in ASSOCIATION.live
    ]
    if assocs:
        raise Conflict(
            f"Direct Connect gateway {rec.id} has {len(assocs)} gateway association(s)"
            f" ({', '.join(sorted(a.doc['associatedGateway']['id'] for a in assocs))}); disassociate them first"
        )
    # Pending proposals for a gateway that goes away can never be accepted.
    for p in uow.list(PROPOSAL_KIND):
        if p.parent == rec.id and p.doc["proposalState"] in PROPOSAL.live:
            set_state(p.doc, PROPOSAL, DirectConnectGatewayAssociationProposalState.DELETED)
            uow.put(p)
    uow.cancel_timers(rec.id, STATE)
    set_state(rec.doc, DX_GATEWAY, DirectConnectGatewayState.DELETING)
    uow.put(rec)
    schedule_state(uow, ctx, rec.id, STATE, DirectConnectGatewayState.DELETED)
    return {"directConnectGateway": _gateway(rec.doc)}


_ATTACHMENT_TYPE = {"private": "PrivateVirtualInterface", "transit": "TransitVirtualInterface"}


def attachment(vif: dict[str, Any]) -> dict[str, Any]:
    return {
        "directConnectGatewayId": vif["directConnectGatewayId"],
        "virtualInterfaceId": vif["virtualInterfaceId"],
        "virtualInterfaceRegion": vif.get("region", ""),
        "virtualInterfaceOwnerAccount": vif.get("ownerAccount", ""),
        # The attachment's state follows its VIF's (domain.states.ATTACHMENT).
        "attachmentState": attachment_state(vif.get("virtualInterfaceState", "")).value,
        "attachmentType": _ATTACHMENT_TYPE.get(
            vif.get("virtualInterfaceType", ""), "PrivateVirtualInterface"
        ),
    }


@operation("DescribeDirectConnectGatewayAttachments")
def describe_attachments(
    uow: UnitOfWork, ctx: Context, req: DescribeDirectConnectGatewayAttachmentsRequest
) -> DescribeDirectConnectGatewayAttachmentsResult:
    gid, vif_id = req.get("directConnectGatewayId"), req.get("virtualInterfaceId")
    if gid is None and vif_id is None:
        raise ValidationError("Specify a directConnectGatewayId, a virtualInterfaceId, or both")
    # Unknown or another account's ids answer an empty list, as the other gateway Describes.
    if gid is not None:
        gw = uow.get(KIND, gid)
        mine = gw is not None and gw.account == ctx.account
        vifs = [
            v.doc
            for v in uow.list("virtual_interface")
            if mine and v.doc.get("directConnectGatewayId") == gid
        ]
        if vif_id is not None:
            vifs = [v for v in vifs if v["virtualInterfaceId"] == vif_id]
    else:
        vif = uow.get("virtual_interface", str(vif_id))
        mine = vif is not None and ctx.account in (vif.account, vif.doc.get("ownerAccount"))
        vifs = (
            [vif.doc] if vif is not None and mine and vif.doc.get("directConnectGatewayId") else []
        )
    answer = listing("directConnectGatewayAttachments", [attachment(v) for v in vifs], req)
    return cast(DescribeDirectConnectGatewayAttachmentsResult, answer)
