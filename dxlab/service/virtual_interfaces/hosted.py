"""Hosted virtual interfaces: created by the owner of a connection for another account,
which accepts (Confirm*VirtualInterface) or declines (deletes it while `confirming`:
`rejected`). WorkingWithVirtualInterfaces.md "Hosted virtual interfaces",
createhostedvirtualinterface.md, accepthostedvirtualinterface.md."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    AllocatePrivateVirtualInterfaceRequest,
    AllocatePublicVirtualInterfaceRequest,
    AllocateTransitVirtualInterfaceRequest,
    AllocateTransitVirtualInterfaceResult,
    ConfirmPrivateVirtualInterfaceRequest,
    ConfirmPrivateVirtualInterfaceResponse,
    ConfirmPublicVirtualInterfaceRequest,
    ConfirmPublicVirtualInterfaceResponse,
    ConfirmTransitVirtualInterfaceRequest,
    ConfirmTransitVirtualInterfaceResponse,
    VirtualInterface,
)
from dxlab.domain.states import BGP_PEER, VIF, BGPPeerState, VirtualInterfaceState, set_state
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.virtual_interfaces.gateways import attach
from dxlab.service.virtual_interfaces.interfaces import create_vif, spec_of
from dxlab.service.virtual_interfaces.lifecycle import schedule_provisioning
from dxlab.service.virtual_interfaces.state import find_vif
from dxlab.store.repository import UnitOfWork


def _owner(owner: object) -> str:
    if not isinstance(owner, str) or not re.fullmatch(r"\d{12}", owner):
        raise ValidationError(f"ownerAccount {owner!r} is not an AWS account ID (12 digits)")
    return owner


@operation("AllocatePrivateVirtualInterface", write=True)
def allocate_private_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: AllocatePrivateVirtualInterfaceRequest
) -> VirtualInterface:
    member = "newPrivateVirtualInterfaceAllocation"
    spec = spec_of(req.get(member), member)
    owner = _owner(req.get("ownerAccount"))
    return create_vif(uow, ctx, rules.PRIVATE, req["connectionId"], spec, owner=owner, hosted=True)


@operation("AllocatePublicVirtualInterface", write=True)
def allocate_public_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: AllocatePublicVirtualInterfaceRequest
) -> VirtualInterface:
    member = "newPublicVirtualInterfaceAllocation"
    spec = spec_of(req.get(member), member)
    owner = _owner(req.get("ownerAccount"))
    return create_vif(uow, ctx, rules.PUBLIC, req["connectionId"], spec, owner=owner, hosted=True)


@operation("AllocateTransitVirtualInterface", write=True)
def allocate_transit_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: AllocateTransitVirtualInterfaceRequest
) -> AllocateTransitVirtualInterfaceResult:
    member = "newTransitVirtualInterfaceAllocation"
    spec = spec_of(req.get(member), member)
    owner = _owner(req.get("ownerAccount"))
    # The model wraps a transit VIF in a result shape (Create/AllocateTransit...Result).
    vif = create_vif(uow, ctx, rules.TRANSIT, req["connectionId"], spec, owner=owner, hosted=True)
    return {"virtualInterface": vif}


def _confirm(
    uow: UnitOfWork, ctx: Context, req: Mapping[str, object], vif_type: str, op: str
) -> VirtualInterfaceState:
    """Confirm{Private,Public,Transit}VirtualInterface: the VIF's state once accepted.
    `req` is read as a mapping: a gateway member the operation's shape lacks is refused
    by `attach`, as before (a transit VIF takes no virtual private gateway)."""
    rec = find_vif(uow, ctx, str(req["virtualInterfaceId"]), owner_only=True)
    state = rec.doc["virtualInterfaceState"]
    if state != VirtualInterfaceState.CONFIRMING:
        raise Conflict(f"{op} failed. {rec.id} is in state {state}")
    if rec.doc["virtualInterfaceType"] != vif_type:
        raise ValidationError(
            f"{rec.id} is a {rec.doc['virtualInterfaceType']} virtual interface; {op} confirms {vif_type} ones"
        )
    if vif_type == rules.PUBLIC:
        # A public VIF's prefixes are reviewed once its owner accepts it.
        set_state(rec.doc, VIF, VirtualInterfaceState.VERIFYING)
        for peer in rec.doc["bgpPeers"]:
            set_state(peer, BGP_PEER, BGPPeerState.VERIFYING)
        from dxlab.service.virtual_interfaces.public import approve_if_owned

        approve_if_owned(uow, ctx, rec)
    else:
        fields, amazon_asn = attach(
            uow,
            ctx,
            rec.account,
            vif_type,
            rec.id,
            req.get("virtualGatewayId"),
            req.get("directConnectGatewayId"),
        )
        rec.doc.update(fields)
        rec.doc["amazonSideAsn"] = amazon_asn
        set_state(rec.doc, VIF, VirtualInterfaceState.PENDING)
    uow.put(rec)
    if rec.doc["virtualInterfaceState"] == VirtualInterfaceState.PENDING:
        schedule_provisioning(uow, ctx, rec.id)
    return VirtualInterfaceState(rec.doc["virtualInterfaceState"])


@operation("ConfirmPrivateVirtualInterface", write=True)
def confirm_private_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: ConfirmPrivateVirtualInterfaceRequest
) -> ConfirmPrivateVirtualInterfaceResponse:
    state = _confirm(uow, ctx, req, rules.PRIVATE, "ConfirmPrivateVirtualInterface")
    return {"virtualInterfaceState": state}


@operation("ConfirmPublicVirtualInterface", write=True)
def confirm_public_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: ConfirmPublicVirtualInterfaceRequest
) -> ConfirmPublicVirtualInterfaceResponse:
    state = _confirm(uow, ctx, req, rules.PUBLIC, "ConfirmPublicVirtualInterface")
    return {"virtualInterfaceState": state}


@operation("ConfirmTransitVirtualInterface", write=True)
def confirm_transit_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: ConfirmTransitVirtualInterfaceRequest
) -> ConfirmTransitVirtualInterfaceResponse:
    state = _confirm(uow, ctx, req, rules.TRANSIT, "ConfirmTransitVirtualInterface")
    return {"virtualInterfaceState": state}
