"""Which gateway a private or transit VIF attaches to, and the rules of attaching
(WorkingWithVirtualInterfaces.md, virtualgateways.md, direct-connect-transit-gateways.md,
limits.md). The gateways themselves belong to service/gateways/virtual_gateways.py; this module only
reads them. The Amazon-side ASN of the BGP session comes from the gateway."""

from __future__ import annotations

from typing import Any

from dxlab.domain import quotas
from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, LimitExceeded, ValidationError
from dxlab.domain.states import ASSOCIATION, VIF, GatewayState
from dxlab.service.context import Context
from dxlab.service.gateways.dx_gateways import find_dx_gateway, require_usable
from dxlab.service.gateways.virtual_gateways import find_gateway
from dxlab.store.repository import Record, UnitOfWork

VGW_KIND = "virtual_gateway"
ASSOCIATION_KIND = "gateway_association"


def vifs_on_gateway(uow: UnitOfWork, dxgw_id: str, exclude: str | None = None) -> list[Record]:
    return [
        v
        for v in uow.list("virtual_interface")
        if v.doc.get("directConnectGatewayId") == dxgw_id
        and v.id != exclude
        and v.doc["virtualInterfaceState"] in VIF.live
    ]


def _association_types(uow: UnitOfWork, dxgw_id: str) -> set[str]:
    return {
        str(a.doc.get("associatedGateway", {}).get("type"))
        for a in uow.list(ASSOCIATION_KIND)
        if a.doc.get("directConnectGatewayId") == dxgw_id
        and a.doc.get("associationState") in ASSOCIATION.live
    }


def _dx_gateway(
    uow: UnitOfWork, ctx: Context, owner: str, dxgw_id: str, vif_type: str, vif_id: str
) -> Record:
    gw = find_dx_gateway(uow, ctx, dxgw_id, owner=owner)
    require_usable(gw)
    others = vifs_on_gateway(uow, dxgw_id, exclude=vif_id)
    # direct-connect-transit-gateways.md: a Direct Connect gateway serves either private
    # VIFs with virtual private gateways, or transit VIFs with transit gateways.
    other_type = rules.TRANSIT if vif_type == rules.PRIVATE else rules.PRIVATE
    if any(v.doc["virtualInterfaceType"] == other_type for v in others):
        raise Conflict(
            f"Direct Connect gateway {dxgw_id} has {other_type} virtual interfaces attached;"
            f" a {vif_type} virtual interface cannot be attached to it"
        )
    banned = "transitGateway" if vif_type == rules.PRIVATE else "virtualPrivateGateway"
    if banned in _association_types(uow, dxgw_id):
        what = "a transit gateway" if vif_type == rules.PRIVATE else "a virtual private gateway"
        raise Conflict(
            f"Direct Connect gateway {dxgw_id} is associated with {what}; a {vif_type} virtual"
            " interface cannot be attached to it"
        )
    # limits.md: 30 private or transit VIFs per Direct Connect gateway.
    if len(others) >= quotas.VIFS_PER_DX_GATEWAY:
        raise LimitExceeded(
            f"Direct Connect gateway {dxgw_id} already has {quotas.VIFS_PER_DX_GATEWAY} virtual"
            " interfaces, the maximum"
        )
    return gw


def _virtual_gateway(uow: UnitOfWork, ctx: Context, owner: str, vgw_id: str) -> Record:
    # maximum_resiliency.md: a virtual private gateway connects a VPC "in the same
    # Region"; find_gateway only finds the Region's own.
    vgw = find_gateway(uow, ctx, vgw_id, owner=owner)
    if vgw.kind != VGW_KIND:
        raise ValidationError(
            f"{vgw_id} is a transit gateway; a private virtual interface attaches to a virtual private gateway"
        )
    if vgw.doc.get("virtualGatewayState") != GatewayState.AVAILABLE:
        raise Conflict(
            f"Virtual private gateway {vgw_id} is in state {vgw.doc.get('virtualGatewayState')}"
        )
    return vgw


def attach(
    uow: UnitOfWork, ctx: Context, owner: str, vif_type: str, vif_id: str, vgw_id: Any, dxgw_id: Any
) -> tuple[dict[str, str], int]:
    """The doc fields naming the gateway, and the Amazon-side ASN it gives the session."""
    if vif_type == rules.TRANSIT:
        if vgw_id:
            raise ValidationError(
                "A transit virtual interface attaches to a Direct Connect gateway, not a virtual private gateway"
            )
        if not dxgw_id:
            raise ValidationError(
                "directConnectGatewayId is required for a transit virtual interface"
            )
    if vgw_id and dxgw_id:
        raise ValidationError("Give virtualGatewayId or directConnectGatewayId, not both")
    if not vgw_id and not dxgw_id:
        raise ValidationError(
            "A private virtual interface needs a gateway: give virtualGatewayId or directConnectGatewayId"
        )
    if dxgw_id:
        gw = _dx_gateway(uow, ctx, owner, str(dxgw_id), vif_type, vif_id)
        return {"directConnectGatewayId": gw.id}, int(gw.doc.get("amazonSideAsn", 64512))
    vgw = _virtual_gateway(uow, ctx, owner, str(vgw_id))
    return {"virtualGatewayId": vgw.id}, int(vgw.meta.get("amazonSideAsn", 64512))


def check_site_link(vif_type: str, doc: dict[str, Any], enable: Any) -> bool:
    """WorkingWithVirtualInterfaces.md, SiteLink: transit VIFs and private VIFs on a
    Direct Connect gateway; not public VIFs, not private VIFs on a virtual private gateway."""
    if not enable:
        return False
    if vif_type == rules.PUBLIC:
        raise ValidationError("SiteLink is not supported on public virtual interfaces")
    if doc.get("virtualGatewayId"):
        raise ValidationError(
            "SiteLink is not supported on a private virtual interface attached to a virtual private gateway"
        )
    return True
