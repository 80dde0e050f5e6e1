"""Virtual private gateways and transit gateways: EC2's resources, which dxlab does not
emulate, so it gives them a small extension (`/_dxlab/virtual-gateways`,
`/_dxlab/transit-gateways`, `dxlab vgw|tgw ...`) with what Direct Connect needs of them:
the Amazon-side ASN and the VPC CIDRs behind them. `DescribeVirtualGateways` lists the
caller's VGWs in the region (virtualgateways.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from dxlab.domain import gateway
from dxlab.domain.errors import Conflict, NotFound, ValidationError
from dxlab.domain.shapes import VirtualGateway, VirtualGateways
from dxlab.domain.states import (
    ASSOCIATION,
    GATEWAY,
    PROPOSAL,
    VIF,
    DirectConnectGatewayAssociationProposalState,
    GatewayState,
    set_state,
)
from dxlab.service.common import page
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.store.repository import Record, UnitOfWork

VGW_KIND = "virtual_gateway"
TGW_KIND = "transit_gateway"
ASSOCIATION_KIND = "gateway_association"
PROPOSAL_KIND = "gateway_proposal"

_KIND_OF_TYPE = {gateway.VGW: VGW_KIND, gateway.TGW: TGW_KIND}
# How the real service names them when one is missing: "The VirtualGateway vgw-... does
# not exist." (its answer to an AcceptDirectConnectGatewayAssociationProposal).
_NAMES = {VGW_KIND: "VirtualGateway", TGW_KIND: "TransitGateway"}


def does_not_exist(what: str, resource_id: str) -> NotFound:
    """AWS's not-found for the gateway family; tools match on "does not exist" (Terraform
    treats it as already deleted)."""
    return NotFound(f"The {what} {resource_id} does not exist.")


def type_of(gateway_id: str) -> str:
    """virtualPrivateGateway or transitGateway, from the id's prefix."""
    if gateway_id.startswith("vgw-"):
        return gateway.VGW
    if gateway_id.startswith("tgw-"):
        return gateway.TGW
    raise ValidationError(
        f"Gateway ID {gateway_id!r} is not a virtual private gateway (vgw-...) or a transit gateway (tgw-...)"
    )


def find_gateway(
    uow: UnitOfWork, ctx: Context, gateway_id: str, owner: str | None = None
) -> Record:
    """The VGW or TGW of `owner` (the caller by default). It is EC2's, so regional: it is
    found only through its own Region's endpoint, as on AWS (a Direct Connect gateway, being
    global, can still reach VGWs of every Region)."""
    kind = _KIND_OF_TYPE[type_of(gateway_id)]
    rec = uow.get(kind, gateway_id)
    if rec is None or rec.account != (owner or ctx.account) or rec.meta.get("region") != ctx.region:
        raise does_not_exist(_NAMES[kind], gateway_id)
    return rec


def associated_gateway(rec: Record) -> dict[str, Any]:
    """The model's AssociatedGateway for a VGW or TGW record."""
    return {
        "id": rec.id,
        "type": gateway.VGW if rec.kind == VGW_KIND else gateway.TGW,
        "ownerAccount": rec.account,
        "region": rec.meta["region"],
    }


def listing(key: str, items: list[Any], req: Mapping[str, Any]) -> dict[str, Any]:
    """A Describe* answer: one page of `items` under `key`, and nextToken when more follow."""
    chunk, token = page(items, req.get("maxResults"), req.get("nextToken"))
    out: dict[str, Any] = {key: chunk}
    if token:
        out["nextToken"] = token
    return out


def live_associations_of_gateway(uow: UnitOfWork, gateway_id: str) -> list[Record]:
    return [
        a
        for a in uow.list(ASSOCIATION_KIND)
        if a.doc["associatedGateway"]["id"] == gateway_id
        and a.doc["associationState"] in ASSOCIATION.live
    ]


def live_vifs(uow: UnitOfWork, field: str, value: str) -> list[Record]:
    """Virtual interfaces whose doc[field] is value and that still exist."""
    return [
        v
        for v in uow.list("virtual_interface")
        if v.doc.get(field) == value and v.doc.get("virtualInterfaceState") in VIF.live
    ]


def gateway_view(rec: Record) -> dict[str, Any]:
    """What the extension routes show: the API doc plus the EC2 facts behind it."""
    return {
        **rec.doc,
        "ownerAccount": rec.account,
        **{k: v for k, v in rec.meta.items() if v is not None},
    }


def delete_gateway(uow: UnitOfWork, ctx: Context, kind: str, gateway_id: str) -> dict[str, Any]:
    """Deletes a VGW or TGW that Direct Connect no longer uses (EC2's DeleteVpnGateway and
    DeleteTransitGateway ask here first), ending its open proposals."""
    rec = uow.get(kind, gateway_id)
    if rec is None or rec.account != ctx.account:
        raise does_not_exist(_NAMES[kind], gateway_id)
    if live_associations_of_gateway(uow, gateway_id):
        raise Conflict(
            f"{gateway_id} is associated with a Direct Connect gateway; disassociate it first"
        )
    if kind == VGW_KIND and live_vifs(uow, "virtualGatewayId", gateway_id):
        raise Conflict(f"{gateway_id} has virtual interfaces attached; delete them first")
    for p in uow.list(PROPOSAL_KIND, account=ctx.account):
        if (
            p.doc["associatedGateway"]["id"] == gateway_id
            and p.doc["proposalState"] in PROPOSAL.live
        ):
            set_state(p.doc, PROPOSAL, DirectConnectGatewayAssociationProposalState.DELETED)
            uow.put(p)
    uow.delete(kind, gateway_id)
    view = gateway_view(rec)
    set_state(view, GATEWAY[kind], GatewayState.DELETED)
    return view


def _mine(uow: UnitOfWork, ctx: Context, kind: str) -> list[Record]:
    """The caller's gateways of `kind` in this Region (EC2's gateways are regional)."""
    return [r for r in uow.list(kind, account=ctx.account) if r.meta.get("region") == ctx.region]


@route("GET", "/virtual-gateways")
def list_virtual_gateways(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return {"virtualGateways": [gateway_view(r) for r in _mine(uow, ctx, VGW_KIND)]}


@route("GET", "/transit-gateways")
def list_transit_gateways(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return {"transitGateways": [gateway_view(r) for r in _mine(uow, ctx, TGW_KIND)]}


@route("DELETE", "/virtual-gateways/{gateway_id}", write=True)
def delete_virtual_gateway(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return delete_gateway(uow, ctx, VGW_KIND, args["gateway_id"])


@route("DELETE", "/transit-gateways/{gateway_id}", write=True)
def delete_transit_gateway(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return delete_gateway(uow, ctx, TGW_KIND, args["gateway_id"])


@operation("DescribeVirtualGateways")
def describe_virtual_gateways(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> VirtualGateways:
    return {"virtualGateways": [cast(VirtualGateway, r.doc) for r in _mine(uow, ctx, VGW_KIND)]}
