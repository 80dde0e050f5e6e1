"""Hosted virtual interfaces: created by the owner of a connection for another account,
which accepts (Confirm*VirtualInterface) or declines (deletes it while `confirming`:
`rejected`). WorkingWithVirtualInterfaces.md "Hosted virtual interfaces",
createhostedvirtualinterface.md, accepthostedvirtualinterface.md."""

from __future__ import annotations

import re
from typing import Any

from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.vif_gateways import attach
from dxlab.service.vif_lifecycle import schedule_provisioning
from dxlab.service.vif_state import find_vif
from dxlab.service.vifs import _spec, build_vif, start
from dxlab.store.repository import UnitOfWork


def _owner(req: dict[str, Any]) -> str:
    owner = req.get("ownerAccount")
    if not isinstance(owner, str) or not re.fullmatch(r"\d{12}", owner):
        raise ValidationError(f"ownerAccount {owner!r} is not an AWS account ID (12 digits)")
    return owner


def _allocate(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any], vif_type: str, member: str
) -> dict[str, Any]:
    spec = _spec(req, member)
    rec = build_vif(uow, ctx, vif_type, req["connectionId"], spec, owner=_owner(req), hosted=True)
    return start(uow, ctx, rec)


@operation("AllocatePrivateVirtualInterface", write=True)
def allocate_private(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _allocate(uow, ctx, req, rules.PRIVATE, "newPrivateVirtualInterfaceAllocation")


@operation("AllocatePublicVirtualInterface", write=True)
def allocate_public(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _allocate(uow, ctx, req, rules.PUBLIC, "newPublicVirtualInterfaceAllocation")


@operation("AllocateTransitVirtualInterface", write=True)
def allocate_transit(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {
        "virtualInterface": _allocate(
            uow, ctx, req, rules.TRANSIT, "newTransitVirtualInterfaceAllocation"
        )
    }


def _confirm(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any], vif_type: str, op: str
) -> dict[str, Any]:
    rec = find_vif(uow, ctx, req["virtualInterfaceId"], owner_only=True)
    state = rec.doc["virtualInterfaceState"]
    if state != "confirming":
        raise Conflict(f"{op} failed. {rec.id} is in state {state}")
    if rec.doc["virtualInterfaceType"] != vif_type:
        raise ValidationError(
            f"{rec.id} is a {rec.doc['virtualInterfaceType']} virtual interface; {op} confirms {vif_type} ones"
        )
    if vif_type == rules.PUBLIC:
        # A public VIF's prefixes are reviewed once its owner accepts it.
        rec.doc["virtualInterfaceState"] = "verifying"
        for peer in rec.doc["bgpPeers"]:
            peer["bgpPeerState"] = "verifying"
        from dxlab.service.vifs_public import approve_if_owned

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
        rec.doc["virtualInterfaceState"] = "pending"
    uow.put(rec)
    if rec.doc["virtualInterfaceState"] == "pending":
        schedule_provisioning(uow, ctx, rec.id)
    return {"virtualInterfaceState": rec.doc["virtualInterfaceState"]}


@operation("ConfirmPrivateVirtualInterface", write=True)
def confirm_private(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _confirm(uow, ctx, req, rules.PRIVATE, "ConfirmPrivateVirtualInterface")


@operation("ConfirmPublicVirtualInterface", write=True)
def confirm_public(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _confirm(uow, ctx, req, rules.PUBLIC, "ConfirmPublicVirtualInterface")


@operation("ConfirmTransitVirtualInterface", write=True)
def confirm_transit(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _confirm(uow, ctx, req, rules.TRANSIT, "ConfirmTransitVirtualInterface")
