"""Virtual private gateways as EC2 serves them (CreateVpnGateway, AttachVpnGateway, ...).

A VGW is ONE record, shared with Direct Connect (service/gateways.py): its document is
Direct Connect's VirtualGateway, its meta the EC2 facts (Amazon-side ASN, the VPC it is
attached to and that VPC's CIDRs, tags). So a VGW made here is the one
DescribeVirtualGateways lists, a private VIF can use and a Direct Connect gateway can be
associated with (virtualgateways.md), and `dxlab vgw create` calls `create` below."""

from __future__ import annotations

from typing import Any

from dxlab.domain import gateway, ids
from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.domain.states import GATEWAY_VGW, set_state
from dxlab.domain.statuses import GatewayState
from dxlab.service.context import Context
from dxlab.service.ec2 import route_tables
from dxlab.service.ec2.common import VGW, filtered, find, mine, tags_of, tags_on_create
from dxlab.service.ec2.registry import ec2_operation
from dxlab.service.ec2.vpcs import cidrs_of
from dxlab.store.repository import Record, UnitOfWork


def create(
    uow: UnitOfWork,
    ctx: Context,
    asn: Any = gateway.DEFAULT_AMAZON_ASN,
    tags: list[dict[str, str]] | None = None,
) -> Record:
    """A new, detached VGW. virtualgateways.md: the Amazon-side ASN is chosen when the VGW
    is made (a private ASN; 64512 by default) and cannot change."""
    asn = gateway.check_amazon_side_asn(asn, "virtual private gateway")
    gid = ids.virtual_gateway_id()
    doc: dict[str, Any] = {"virtualGatewayId": gid}
    set_state(doc, GATEWAY_VGW, GatewayState.AVAILABLE)
    meta: dict[str, Any] = {
        "amazonSideAsn": asn,
        "vpcCidrs": [],
        "region": ctx.region,
        "vpcId": None,
    }
    if tags:
        meta["tags"] = tags
    rec = Record(VGW, gid, ctx.account, doc, meta, created=ctx.now())
    uow.put(rec)
    return rec


def attach(uow: UnitOfWork, ctx: Context, vgw: Record, vpc: Record) -> None:
    """AttachVpnGateway: the VPC's CIDRs go behind the VGW (what it advertises over
    Direct Connect). A VPC has one VGW, a VGW one VPC."""
    if vgw.doc["virtualGatewayState"] != GatewayState.AVAILABLE:
        raise Ec2Error(
            "IncorrectState",
            f"The VPN gateway {vgw.id} is in the {vgw.doc['virtualGatewayState']} state.",
        )
    if vgw.meta.get("vpcId"):
        raise Ec2Error(
            "VpnGatewayAttachmentLimitExceeded",
            f"The VPN gateway {vgw.id} is already attached to {vgw.meta['vpcId']}; detach it first.",
        )
    other = next((g.id for g in mine(uow, ctx, VGW) if g.meta.get("vpcId") == vpc.id), None)
    if other:
        raise Ec2Error(
            "VpnGatewayAttachmentLimitExceeded",
            f"The VPC {vpc.id} already has the VPN gateway {other} attached.",
        )
    vgw.meta.update(vpcId=vpc.id, vpcCidrs=cidrs_of(vpc))
    uow.put(vgw)


def view(rec: Record) -> dict[str, Any]:
    """The model's VpnGateway for the shared record."""
    out: dict[str, Any] = {
        "VpnGatewayId": rec.id,
        "State": rec.doc["virtualGatewayState"],
        "Type": "ipsec.1",
        "AmazonSideAsn": rec.meta.get("amazonSideAsn", gateway.DEFAULT_AMAZON_ASN),
        "VpcAttachments": [{"VpcId": rec.meta["vpcId"], "State": "attached"}]
        if rec.meta.get("vpcId")
        else [],
    }
    if tags_of(rec):
        out["Tags"] = tags_of(rec)
    return out


@ec2_operation("CreateVpnGateway", write=True)
def create_vpn_gateway(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    if req["Type"] != "ipsec.1":
        raise invalid(f"Value ({req['Type']}) for parameter type is invalid. Valid value: ipsec.1")
    rec = create(
        uow,
        ctx,
        req.get("AmazonSideAsn", gateway.DEFAULT_AMAZON_ASN),
        tags_on_create(req, "vpn-gateway"),
    )
    return {"VpnGateway": view(rec)}


@ec2_operation("AttachVpnGateway", write=True)
def attach_vpn_gateway(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    vgw = find(uow, ctx, "vgw", req["VpnGatewayId"])
    attach(uow, ctx, vgw, vpc)
    return {"VpcAttachment": {"VpcId": vpc.id, "State": "attaching"}}


@ec2_operation("DetachVpnGateway", write=True)
def detach_vpn_gateway(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    from dxlab.service.gateways.associations import detach_virtual_gateway

    vgw = find(uow, ctx, "vgw", req["VpnGatewayId"])
    # The attachment first: once the VPC is gone, so is the attachment (Terraform detaches
    # a VGW whose VPC it has just deleted and expects exactly this answer).
    if vgw.meta.get("vpcId") != req["VpcId"]:
        raise Ec2Error(
            "InvalidVpnGatewayAttachment.NotFound",
            f"The attachment with vpn gateway ID '{vgw.id}' and vpc ID '{req['VpcId']}' does not exist",
        )
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    # virtualgateways.md: detaching also disassociates it from a Direct Connect gateway.
    detach_virtual_gateway(uow, ctx, {"gateway_id": vgw.id})
    route_tables.stop_propagation_of(uow, ctx, vgw.id, vpc.id)
    return {}


@ec2_operation("DeleteVpnGateway", write=True)
def delete_vpn_gateway(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    from dxlab.service.gateways.virtual_gateways import delete_gateway

    vgw = find(uow, ctx, "vgw", req["VpnGatewayId"])
    if vgw.meta.get("vpcId"):
        raise Ec2Error(
            "IncorrectState", f"{vgw.id} is currently attached to the Vpc: {vgw.meta['vpcId']}"
        )
    delete_gateway(uow, ctx, VGW, vgw.id)  # refuses while Direct Connect still uses it
    return {}


_FIELDS = {
    "vpn-gateway-id": lambda r: [r.id],
    "state": lambda r: [r.doc["virtualGatewayState"]],
    "type": lambda r: ["ipsec.1"],
    "amazon-side-asn": lambda r: [r.meta.get("amazonSideAsn")],
    "attachment.vpc-id": lambda r: [r.meta["vpcId"]] if r.meta.get("vpcId") else [],
    "attachment.state": lambda r: ["attached"] if r.meta.get("vpcId") else [],
}


@ec2_operation("DescribeVpnGateways")
def describe_vpn_gateways(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    wanted = req.get("VpnGatewayIds")
    recs = (
        [find(uow, ctx, "vgw", g) for g in dict.fromkeys(wanted)] if wanted else mine(uow, ctx, VGW)
    )
    return {"VpnGateways": [view(r) for r in filtered(recs, req.get("Filters"), _FIELDS)]}
