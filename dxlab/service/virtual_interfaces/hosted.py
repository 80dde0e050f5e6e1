"""Hosted virtual interfaces: created by the owner of a connection for another account,
which accepts (Confirm*VirtualInterface) or declines (deletes it while `confirming`:
`rejected`). WorkingWithVirtualInterfaces.md "Hosted virtual interfaces",
createhostedvirtualinterface.md, accepthostedvirtualinterface.md."""

from __future__ import annotations

import re
from typing import Any

from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.states import BGP_PEER, VIF, BGPPeerState, VirtualInterfaceState, set_state
from dxlab.service.context import Context
from dxlab.service.registry import Handler, operation
from dxlab.service.virtual_interfaces.gateways import attach
from dxlab.service.virtual_interfaces.interfaces import creator
from dxlab.service.virtual_interfaces.lifecycle import schedule_provisioning
from dxlab.service.virtual_interfaces.state import find_vif
from dxlab.store.repository import UnitOfWork


def _owner(ctx: Context, req: dict[str, Any]) -> str:
    owner = req.get("ownerAccount")
    if not isinstance(owner, str) or not re.fullmatch(r"\d{12}", owner):
        raise ValidationError(f"ownerAccount {owner!r} is not an AWS account ID (12 digits)")
    return owner


allocate_private_virtual_interface = operation("AllocatePrivateVirtualInterface", write=True)(
    creator(rules.PRIVATE, "newPrivateVirtualInterfaceAllocation", _owner, hosted=True)
)
allocate_public_virtual_interface = operation("AllocatePublicVirtualInterface", write=True)(
    creator(rules.PUBLIC, "newPublicVirtualInterfaceAllocation", _owner, hosted=True)
)
allocate_transit_virtual_interface = operation("AllocateTransitVirtualInterface", write=True)(
    creator(rules.TRANSIT, "newTransitVirtualInterfaceAllocation", _owner, hosted=True)
)


def _confirm(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any], vif_type: str, op: str
) -> dict[str, Any]:
    rec = find_vif(uow, ctx, req["virtualInterfaceId"], owner_only=True)
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
    return {"virtualInterfaceState": rec.doc["virtualInterfaceState"]}


def _confirmer(vif_type: str) -> Handler:
    """Confirm{Private,Public,Transit}VirtualInterface."""
    op = f"Confirm{vif_type.capitalize()}VirtualInterface"

    def handler(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
        return _confirm(uow, ctx, req, vif_type, op)

    return operation(op, write=True)(handler)


confirm_private_virtual_interface = _confirmer(rules.PRIVATE)
confirm_public_virtual_interface = _confirmer(rules.PUBLIC)
confirm_transit_virtual_interface = _confirmer(rules.TRANSIT)
