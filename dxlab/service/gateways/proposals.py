"""Association proposals across accounts (multi-account-associate-vgw.md,
multi-account-associate-tgw.md, virtualgateways.md).

The owner of a VGW or TGW (account A) proposes to associate it with account B's Direct
Connect gateway, knowing its id and B's account id. B sees the proposal and accepts it
(optionally overriding the prefixes), which creates the association or changes the
prefixes of the existing one; A withdraws it, or B rejects it, by deleting it. A proposal
expires after 7 days; an accepted or deleted one stays visible for 3 days."""

from __future__ import annotations

import re
from typing import Any, cast

from dxlab.domain import gateway, ids
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    AcceptDirectConnectGatewayAssociationProposalRequest,
    AcceptDirectConnectGatewayAssociationProposalResult,
    CreateDirectConnectGatewayAssociationProposalRequest,
    CreateDirectConnectGatewayAssociationProposalResult,
    DeleteDirectConnectGatewayAssociationProposalRequest,
    DeleteDirectConnectGatewayAssociationProposalResult,
    DescribeDirectConnectGatewayAssociationProposalsRequest,
    DescribeDirectConnectGatewayAssociationProposalsResult,
    DirectConnectGatewayAssociationProposal,
)
from dxlab.domain.states import PROPOSAL, set_state
from dxlab.domain.states import DirectConnectGatewayAssociationProposalState as ProposalState
from dxlab.service.context import Context
from dxlab.service.gateways.associations import (
    as_association,
    associate,
    change_prefixes,
    live_associations,
)
from dxlab.service.gateways.dx_gateways import find_dx_gateway, require_usable
from dxlab.service.gateways.virtual_gateways import (
    PROPOSAL_KIND,
    associated_gateway,
    does_not_exist,
    find_gateway,
    listing,
)
from dxlab.service.registry import operation
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

EXPIRE = "gateway_proposal.expire"
PURGE = "gateway_proposal.purge"


@timer_action(EXPIRE)
def _expire(uow: UnitOfWork, ctx: Context, ref: str, payload: dict[str, Any]) -> None:
    rec = uow.get(PROPOSAL_KIND, ref)
    if rec is not None and rec.doc["proposalState"] == ProposalState.REQUESTED:
        close(uow, ctx, rec, ProposalState.DELETED)


@timer_action(PURGE)
def _purge(uow: UnitOfWork, ctx: Context, ref: str, payload: dict[str, Any]) -> None:
    if uow.get(PROPOSAL_KIND, ref) is not None:
        uow.delete(PROPOSAL_KIND, ref)


def close(uow: UnitOfWork, ctx: Context, rec: Record, state: ProposalState) -> None:
    """Accepted or deleted: no longer open, visible for 3 more days."""
    uow.cancel_timers(rec.id, EXPIRE)
    uow.cancel_timers(rec.id, PURGE)  # an accepted proposal deleted: 3 days from now
    set_state(rec.doc, PROPOSAL, state)
    uow.put(rec)
    uow.schedule(ctx.now() + gateway.PROPOSAL_AFTERLIFE, PURGE, rec.id, {})


def visible(rec: Record, account: str) -> bool:
    """The proposer and the Direct Connect gateway's owner see a proposal."""
    return account in (rec.account, rec.doc["directConnectGatewayOwnerAccount"])


def existing_association(uow: UnitOfWork, dxgw_id: str, gateway_id: str) -> Record | None:
    for a in live_associations(uow, dxgw_id):
        if a.doc["associatedGateway"]["id"] == gateway_id:
            return a
    return None


def allowed(rec: Record | None) -> list[str]:
    return [p["cidr"] for p in rec.doc["allowedPrefixesToDirectConnectGateway"]] if rec else []


def _proposal(doc: dict[str, Any]) -> DirectConnectGatewayAssociationProposal:
    """A stored proposal is the model's DirectConnectGatewayAssociationProposal."""
    return cast(DirectConnectGatewayAssociationProposal, doc)


@operation("CreateDirectConnectGatewayAssociationProposal", write=True)
def create_proposal(
    uow: UnitOfWork, ctx: Context, req: CreateDirectConnectGatewayAssociationProposalRequest
) -> CreateDirectConnectGatewayAssociationProposalResult:
    owner, dxgw_id = req["directConnectGatewayOwnerAccount"], req["directConnectGatewayId"]
    if not re.fullmatch(r"\d{12}", owner):
        raise ValidationError(
            f"directConnectGatewayOwnerAccount {owner!r} is not a 12-digit account id"
        )
    gw = find_gateway(uow, ctx, req["gatewayId"])
    dxgw = find_dx_gateway(uow, ctx, dxgw_id, owner=owner)
    require_usable(dxgw)
    if owner == ctx.account:
        raise ValidationError(
            f"Direct Connect gateway {dxgw_id} is in your own account;"
            " use CreateDirectConnectGatewayAssociation instead of a proposal"
        )
    gw_view = associated_gateway(gw)
    if gw_view["type"] == gateway.VGW and not gw.meta.get("vpcCidrs"):
        # multi-account-associate-vgw.md: "The virtual private gateway must be attached to a VPC".
        raise ValidationError(
            f"Virtual private gateway {gw.id} is not attached to a VPC; attach it first"
        )
    for p in uow.list(PROPOSAL_KIND, parent=dxgw_id):
        if (
            p.doc["associatedGateway"]["id"] == gw.id
            and p.doc["proposalState"] == ProposalState.REQUESTED
        ):
            raise Conflict(
                f"Proposal {p.id} to associate {gw.id} with Direct Connect gateway {dxgw_id} is still pending;"
                " delete it before proposing again"
            )
    add = gateway.prefixes_from(req.get("addAllowedPrefixesToDirectConnectGateway"))
    remove = gateway.prefixes_from(req.get("removeAllowedPrefixesToDirectConnectGateway"))
    current = existing_association(uow, dxgw_id, gw.id)
    if current is None:
        start = gateway.default_allowed_prefixes(gw_view["type"], add, gw.meta["vpcCidrs"])
        requested = gateway.apply_prefix_changes([], start, remove)
    else:
        # multi-account-associate-vgw.md: the gateway owner updates prefixes by proposing
        # again. A proposal of the prefixes already allowed is accepted too (the service
        # does; Terraform proposes again when it replaces an accepted proposal).
        requested = gateway.apply_prefix_changes(allowed(current), add, remove)
    gateway.check_prefix_count(gw_view["type"], requested)
    pid = ids.gateway_id()
    doc: dict[str, Any] = {
        "proposalId": pid,
        "directConnectGatewayId": dxgw_id,
        "directConnectGatewayOwnerAccount": owner,
    }
    set_state(doc, PROPOSAL, ProposalState.REQUESTED)
    doc |= {
        "associatedGateway": gw_view,
        "existingAllowedPrefixesToDirectConnectGateway": gateway.as_prefix_list(allowed(current)),
        "requestedAllowedPrefixesToDirectConnectGateway": gateway.as_prefix_list(requested),
    }
    uow.put(Record(PROPOSAL_KIND, pid, ctx.account, doc, {}, dxgw_id, ctx.now()))
    uow.schedule(ctx.now() + gateway.PROPOSAL_LIFETIME, EXPIRE, pid, {})
    return {"directConnectGatewayAssociationProposal": _proposal(doc)}


def find_proposal(uow: UnitOfWork, ctx: Context, proposal_id: str) -> Record:
    rec = uow.get(PROPOSAL_KIND, proposal_id)
    if rec is None or not visible(rec, ctx.account):
        raise does_not_exist("Direct Connect Gateway Association Proposal", proposal_id)
    return rec


@operation("DescribeDirectConnectGatewayAssociationProposals")
def describe_proposals(
    uow: UnitOfWork, ctx: Context, req: DescribeDirectConnectGatewayAssociationProposalsRequest
) -> DescribeDirectConnectGatewayAssociationProposalsResult:
    pid, dxgw_id, gw_id = (
        req.get("proposalId"),
        req.get("directConnectGatewayId"),
        req.get("associatedGatewayId"),
    )
    if pid:  # an unknown id answers an empty list, as the other gateway Describes
        found = uow.get(PROPOSAL_KIND, pid)
        records = [found] if found is not None and visible(found, ctx.account) else []
    else:
        records = [p for p in uow.list(PROPOSAL_KIND) if visible(p, ctx.account)]
    if dxgw_id:
        records = [p for p in records if p.parent == dxgw_id]
    if gw_id:
        records = [p for p in records if p.doc["associatedGateway"]["id"] == gw_id]
    answer = listing("directConnectGatewayAssociationProposals", [p.doc for p in records], req)
    return cast(DescribeDirectConnectGatewayAssociationProposalsResult, answer)


@operation("AcceptDirectConnectGatewayAssociationProposal", write=True)
def accept_proposal(
    uow: UnitOfWork, ctx: Context, req: AcceptDirectConnectGatewayAssociationProposalRequest
) -> AcceptDirectConnectGatewayAssociationProposalResult:
    dxgw = find_dx_gateway(uow, ctx, req["directConnectGatewayId"])
    rec = find_proposal(uow, ctx, req["proposalId"])
    if rec.parent != dxgw.id:
        raise ValidationError(f"Proposal {rec.id} is not for Direct Connect gateway {dxgw.id}")
    gw_owner = rec.doc["associatedGateway"]["ownerAccount"]
    if req["associatedGatewayOwnerAccount"] != gw_owner:
        raise ValidationError(
            f"Proposal {rec.id} was made by account {gw_owner}, not {req['associatedGatewayOwnerAccount']}"
        )
    state = rec.doc["proposalState"]
    if state != ProposalState.REQUESTED:
        raise Conflict(f"Proposal {rec.id} is in state {state} and cannot be accepted")
    # The proposed gateway is EC2's and regional: accepted through its Region's endpoint.
    gw = find_gateway(uow, ctx, rec.doc["associatedGateway"]["id"], owner=gw_owner)
    override = gateway.prefixes_from(req.get("overrideAllowedPrefixesToDirectConnectGateway"))
    prefixes = override or [
        p["cidr"] for p in rec.doc["requestedAllowedPrefixesToDirectConnectGateway"]
    ]
    current = existing_association(uow, dxgw.id, gw.id)
    if current is None:
        assoc = associate(uow, ctx, dxgw, gw, prefixes)
    else:
        change_prefixes(uow, ctx, current, prefixes)
        assoc = current
    # The proposal keeps what was requested and shows what is now allowed, so an override
    # by the accepter is visible to the proposer (and to Terraform's diff) as on AWS.
    rec.doc["existingAllowedPrefixesToDirectConnectGateway"] = gateway.as_prefix_list(
        allowed(assoc)
    )
    close(uow, ctx, rec, ProposalState.ACCEPTED)
    return {"directConnectGatewayAssociation": as_association(assoc.doc)}


@operation("DeleteDirectConnectGatewayAssociationProposal", write=True)
def delete_proposal(
    uow: UnitOfWork, ctx: Context, req: DeleteDirectConnectGatewayAssociationProposalRequest
) -> DeleteDirectConnectGatewayAssociationProposalResult:
    rec = find_proposal(uow, ctx, req["proposalId"])
    state = rec.doc["proposalState"]
    if state == ProposalState.DELETED:
        raise Conflict(f"Proposal {rec.id} is already deleted")
    # A pending proposal is withdrawn or rejected; an accepted one is deleted too, as the
    # service does, and its association stays (disassociating is a separate call).
    close(uow, ctx, rec, ProposalState.DELETED)
    return {"directConnectGatewayAssociationProposal": _proposal(rec.doc)}
