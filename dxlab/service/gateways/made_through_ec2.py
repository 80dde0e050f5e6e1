"""`dxlab vgw create` / `dxlab tgw create` and their /_dxlab routes: shortcuts that make a
virtual private or transit gateway (and the VPC behind a VGW) through EC2's own service
functions, so there is one record whichever API made it. Kept apart from the Direct
Connect side's gateway rules (virtual_gateways.py), which EC2 asks in turn."""

from __future__ import annotations

from typing import Any

from dxlab.domain import gateway, ids
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.service.context import Context
from dxlab.service.ec2 import shortcuts, transit_gateways, vpn_gateways
from dxlab.service.gateways.virtual_gateways import TGW_KIND, VGW_KIND, find_gateway, gateway_view
from dxlab.service.routes import route
from dxlab.store.repository import UnitOfWork


def _vpc(args: dict[str, Any], with_id: bool) -> tuple[list[str], str | None]:
    """The VPC CIDRs (and, for a VGW, the VPC id) of a request to the extension."""
    raw = args.get("vpcCidrs", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise ValidationError("vpcCidrs must be a list of CIDR blocks")
    cidrs = gateway.check_vpc_cidrs(raw)
    vpc = args.get("vpcId")
    if not with_id:
        return cidrs, None
    if vpc is not None and not (isinstance(vpc, str) and vpc.startswith("vpc-")):
        raise ValidationError(f"vpcId {vpc!r} is not a VPC id (vpc-...)")
    if vpc is not None and not cidrs:
        raise ValidationError("A VPC has at least one CIDR block: give vpcCidrs with vpcId")
    # virtualgateways.md: a VGW must be attached to a VPC to be associated; one with
    # CIDRs is attached (to the VPC named, or to a new one).
    return cidrs, vpc or (ids.vpc_id() if cidrs else None)


def _create(uow: UnitOfWork, ctx: Context, kind: str, args: dict[str, Any]) -> dict[str, Any]:
    what = "virtual private gateway" if kind == VGW_KIND else "transit gateway"
    asn = gateway.check_amazon_side_asn(args.get("amazonSideAsn", gateway.DEFAULT_AMAZON_ASN), what)
    cidrs, vpc = _vpc(args, with_id=kind == VGW_KIND)
    # One record whichever API makes it: the EC2 service functions make the gateway and,
    # for a VGW with CIDRs, the EC2 VPC it is attached to (service/ec2/shortcuts.py).
    if kind == VGW_KIND:
        rec = vpn_gateways.create(uow, ctx, asn)
        if vpc is not None:
            shortcuts.attach_to_cidrs(uow, ctx, rec, cidrs, vpc)
    else:
        rec = transit_gateways.create(uow, ctx, asn)
        rec.meta["vpcCidrs"] = cidrs
        uow.put(rec)
    return gateway_view(rec)


@route("POST", "/virtual-gateways/{gateway_id}/attach", write=True)
def attach_virtual_gateway(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Attach a VGW to a VPC (EC2's AttachVpnGateway): {vpcCidrs, vpcId?}."""
    rec = find_gateway(uow, ctx, args["gateway_id"])
    if rec.kind != VGW_KIND:
        raise ValidationError(f"{rec.id} is not a virtual private gateway")
    if rec.meta.get("vpcId"):
        raise Conflict(f"{rec.id} is already attached to {rec.meta['vpcId']}; detach it first")
    cidrs, vpc = _vpc(args, with_id=True)
    if not cidrs or vpc is None:
        raise ValidationError("Give the vpcCidrs of the VPC to attach to")
    shortcuts.attach_to_cidrs(uow, ctx, rec, cidrs, vpc)
    return gateway_view(rec)


def create_virtual_gateway(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """A VGW attached to a VPC with `vpcCidrs` (EC2's CreateVpnGateway + AttachVpnGateway)."""
    return _create(uow, ctx, VGW_KIND, args)


def create_transit_gateway(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """A transit gateway with the CIDRs of the VPCs attached to it."""
    return _create(uow, ctx, TGW_KIND, args)


route("POST", "/virtual-gateways", write=True)(create_virtual_gateway)
route("POST", "/transit-gateways", write=True)(create_transit_gateway)
