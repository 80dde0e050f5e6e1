"""Transit gateways and their VPC attachments as EC2 serves them. Like a VGW, a TGW is
ONE record shared with Direct Connect (service/gateways.py): the CIDRs of the VPCs
attached to it are what a transit VIF's Direct Connect gateway can allow
(direct-connect-transit-gateways.md), and the Direct Connect gateway's own attachment
shows in DescribeTransitGatewayAttachments, as on AWS."""

from __future__ import annotations

import hashlib
from typing import Any

from dxlab.domain import gateway, ids
from dxlab.domain.ec2_errors import Ec2Error, invalid, not_found
from dxlab.domain.states import GATEWAY_TGW, DirectConnectGatewayAssociationState, set_state
from dxlab.domain.statuses import GatewayState
from dxlab.service.context import Context
from dxlab.service.ec2.common import (
    TGW,
    TGW_ATTACHMENT,
    filtered,
    find,
    mine,
    new_id,
    tags_of,
    tags_on_create,
    with_tags,
)
from dxlab.service.ec2.registry import ec2_operation
from dxlab.service.ec2.vpcs import cidrs_of
from dxlab.store.repository import Record, UnitOfWork

LIVE = ("pending", "available", "modifying")
_OPTION_DEFAULTS = {
    "AutoAcceptSharedAttachments": "disable",
    "DefaultRouteTableAssociation": "enable",
    "DefaultRouteTablePropagation": "enable",
    "VpnEcmpSupport": "enable",
    "DnsSupport": "enable",
    "SecurityGroupReferencingSupport": "disable",
    "MulticastSupport": "disable",
}


def create(
    uow: UnitOfWork,
    ctx: Context,
    asn: Any = gateway.DEFAULT_AMAZON_ASN,
    tags: list[dict[str, str]] | None = None,
    description: str = "",
    options: dict[str, Any] | None = None,
) -> Record:
    asn = gateway.check_amazon_side_asn(asn, "transit gateway")
    gid = ids.transit_gateway_id()
    doc: dict[str, Any] = {"transitGatewayId": gid, "amazonSideAsn": asn}
    set_state(doc, GATEWAY_TGW, GatewayState.AVAILABLE)
    rtb = new_id("tgw-rtb")
    chosen = {k: (options or {}).get(k, v) for k, v in _OPTION_DEFAULTS.items()}
    meta: dict[str, Any] = {
        "amazonSideAsn": asn,
        "vpcCidrs": [],
        "region": ctx.region,
        "description": description,
        "options": {
            "AmazonSideAsn": asn,
            **chosen,
            "AssociationDefaultRouteTableId": rtb,
            "PropagationDefaultRouteTableId": rtb,
        },
    }
    if tags:
        meta["tags"] = tags
    rec = Record(TGW, gid, ctx.account, doc, meta, created=ctx.now())
    uow.put(rec)
    return rec


def view(rec: Record, state: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "TransitGatewayId": rec.id,
        "TransitGatewayArn": f"arn:aws:ec2:{rec.meta['region']}:{rec.account}:transit-gateway/{rec.id}",
        "State": state or rec.doc["transitGatewayState"],
        "OwnerId": rec.account,
        "Description": rec.meta.get("description", ""),
        "CreationTime": rec.created,
        "Options": rec.meta.get("options")
        or {"AmazonSideAsn": rec.meta["amazonSideAsn"], **_OPTION_DEFAULTS},
    }
    if tags_of(rec):
        out["Tags"] = tags_of(rec)
    return out


@ec2_operation("CreateTransitGateway", write=True)
def create_transit_gateway(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    options = dict(req.get("Options", {}))
    for name, value in options.items():
        if name in _OPTION_DEFAULTS and value not in ("enable", "disable"):
            raise invalid(
                f"Value ({value}) for parameter {name} is invalid. Use enable or disable."
            )
    rec = create(
        uow,
        ctx,
        options.get("AmazonSideAsn", gateway.DEFAULT_AMAZON_ASN),
        tags_on_create(req, "transit-gateway"),
        req.get("Description", ""),
        options,
    )
    return {"TransitGateway": view(rec)}


_TGW_FIELDS = {
    "transit-gateway-id": lambda r: [r.id],
    "state": lambda r: [r.doc["transitGatewayState"]],
    "owner-id": lambda r: [r.account],
    "options.amazon-side-asn": lambda r: [r.meta["amazonSideAsn"]],
}


@ec2_operation("DescribeTransitGateways")
def describe_transit_gateways(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    wanted = req.get("TransitGatewayIds")
    recs = [_tgw(uow, ctx, g) for g in dict.fromkeys(wanted)] if wanted else mine(uow, ctx, TGW)
    return {"TransitGateways": [view(r) for r in filtered(recs, req.get("Filters"), _TGW_FIELDS)]}


def _tgw(uow: UnitOfWork, ctx: Context, tgw_id: str) -> Record:
    try:
        return find(uow, ctx, "tgw", tgw_id)
    except Ec2Error:
        # EC2's wording for transit gateways.
        raise Ec2Error(
            "InvalidTransitGatewayID.NotFound",
            f"Transit Gateway {tgw_id} was deleted or does not exist.",
        ) from None


def _live_attachments(uow: UnitOfWork, ctx: Context, tgw_id: str) -> list[Record]:
    return [
        a
        for a in mine(uow, ctx, TGW_ATTACHMENT)
        if a.doc["TransitGatewayId"] == tgw_id and a.doc["State"] in LIVE
    ]


@ec2_operation("DeleteTransitGateway", write=True)
def delete_transit_gateway(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    from dxlab.service.gateways.virtual_gateways import delete_gateway

    tgw = _tgw(uow, ctx, req["TransitGatewayId"])
    live = _live_attachments(uow, ctx, tgw.id)
    if live:
        raise Ec2Error(
            "IncorrectState",
            f"{tgw.id} has non-deleted Transit Gateway Attachments: {', '.join(a.id for a in live)}.",
        )
    delete_gateway(uow, ctx, TGW, tgw.id)  # refuses while a Direct Connect gateway is associated
    return {"TransitGateway": view(tgw, "deleting")}


@ec2_operation("CreateTransitGatewayVpcAttachment", write=True)
def create_vpc_attachment(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    tgw = _tgw(uow, ctx, req["TransitGatewayId"])
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    if not req["SubnetIds"]:
        raise Ec2Error("MissingParameter", "The request must contain the parameter SubnetIds")
    zones: set[str] = set()
    for subnet_id in req["SubnetIds"]:
        subnet = find(uow, ctx, "subnet", subnet_id)
        if subnet.doc["VpcId"] != vpc.id:
            raise invalid(f"Subnet {subnet.id} does not belong to {vpc.id}")
        if subnet.doc["AvailabilityZone"] in zones:
            # Transit gateway guide: one subnet per Availability Zone.
            raise Ec2Error(
                "DuplicateSubnetsInSameZone",
                f"Subnets in the same zone {subnet.doc['AvailabilityZone']} are not allowed.",
            )
        zones.add(subnet.doc["AvailabilityZone"])
    if any(a.doc["VpcId"] == vpc.id for a in _live_attachments(uow, ctx, tgw.id)):
        raise Ec2Error(
            "DuplicateTransitGatewayAttachment",
            f"{tgw.id} has non-deleted Transit Gateway Attachments with same VPC ID.",
        )
    attachment_id = new_id("tgw-attach")
    options = {
        "DnsSupport": "enable",
        "Ipv6Support": "disable",
        "ApplianceModeSupport": "disable",
        "SecurityGroupReferencingSupport": "enable",
        **req.get("Options", {}),
    }
    doc: dict[str, Any] = {
        "TransitGatewayAttachmentId": attachment_id,
        "TransitGatewayId": tgw.id,
        "VpcId": vpc.id,
        "VpcOwnerId": ctx.account,
        "State": "available",
        "SubnetIds": list(req["SubnetIds"]),
        "CreationTime": ctx.now(),
        "Options": options,
    }
    tags = tags_on_create(req, "transit-gateway-attachment")
    if tags:
        doc["Tags"] = tags
    uow.put(
        Record(
            TGW_ATTACHMENT,
            attachment_id,
            ctx.account,
            doc,
            {"region": ctx.region},
            parent=tgw.id,
            created=ctx.now(),
        )
    )
    tgw.meta["vpcCidrs"] = list(dict.fromkeys([*tgw.meta.get("vpcCidrs", []), *cidrs_of(vpc)]))
    uow.put(tgw)
    return {"TransitGatewayVpcAttachment": doc}


@ec2_operation("DeleteTransitGatewayVpcAttachment", write=True)
def delete_vpc_attachment(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    att = find(uow, ctx, "tgw-attach", req["TransitGatewayAttachmentId"])
    if att.doc["State"] not in LIVE:
        raise Ec2Error("IncorrectState", f"{att.id} is in invalid state {att.doc['State']}")
    att.doc["State"] = "deleted"
    uow.put(att)
    tgw = uow.get(TGW, att.doc["TransitGatewayId"])
    vpc = uow.get("ec2_vpc", att.doc["VpcId"])
    if tgw is not None and vpc is not None:
        gone = set(cidrs_of(vpc))
        tgw.meta["vpcCidrs"] = [c for c in tgw.meta.get("vpcCidrs", []) if c not in gone]
        uow.put(tgw)
    return {"TransitGatewayVpcAttachment": {**att.doc, "State": "deleting"}}


def _dx_attachments(uow: UnitOfWork, ctx: Context) -> list[dict[str, Any]]:
    """The attachment a Direct Connect gateway association makes on each of the caller's
    TGWs (resource type direct-connect-gateway), named from the association's id."""
    out = []
    mine_tgws = {t.id: t for t in mine(uow, ctx, TGW)}
    for a in uow.list("gateway_association"):
        gw = a.doc.get("associatedGateway", {})
        if gw.get("id") not in mine_tgws or a.doc.get("associationState") not in (
            DirectConnectGatewayAssociationState.ASSOCIATING,
            DirectConnectGatewayAssociationState.ASSOCIATED,
            DirectConnectGatewayAssociationState.UPDATING,
        ):
            continue
        digest = hashlib.sha256(a.id.encode()).hexdigest()[:17]
        out.append(
            {
                "TransitGatewayAttachmentId": f"tgw-attach-{digest}",
                "TransitGatewayId": gw["id"],
                "TransitGatewayOwnerId": ctx.account,
                "ResourceOwnerId": a.account,
                "ResourceType": "direct-connect-gateway",
                "ResourceId": a.doc["directConnectGatewayId"],
                "State": "available",
                "CreationTime": a.created,
                "Association": {
                    "TransitGatewayRouteTableId": mine_tgws[gw["id"]]
                    .meta.get("options", {})
                    .get("AssociationDefaultRouteTableId", ""),
                    "State": "associated",
                },
            }
        )
    return out


def _attachment_view(rec: Record, tgw_rtb: str) -> dict[str, Any]:
    d = rec.doc
    return with_tags(
        {
            "TransitGatewayAttachmentId": rec.id,
            "TransitGatewayId": d["TransitGatewayId"],
            "TransitGatewayOwnerId": rec.account,
            "ResourceOwnerId": rec.account,
            "ResourceType": "vpc",
            "ResourceId": d["VpcId"],
            "State": d["State"],
            "CreationTime": d["CreationTime"],
            "Association": {"TransitGatewayRouteTableId": tgw_rtb, "State": "associated"},
        },
        rec,
    )


_ATTACHMENT_FIELDS = {
    "transit-gateway-attachment-id": lambda a: [a["TransitGatewayAttachmentId"]],
    "transit-gateway-id": lambda a: [a["TransitGatewayId"]],
    "resource-type": lambda a: [a["ResourceType"]],
    "resource-id": lambda a: [a["ResourceId"]],
    "state": lambda a: [a["State"]],
    "vpc-id": lambda a: [a.get("VpcId") or a.get("ResourceId")],
}


def _filter_docs(
    docs: list[dict[str, Any]], filters: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    for f in filters or []:
        getter = _ATTACHMENT_FIELDS.get(f.get("Name", ""))
        if getter is None:
            raise invalid(f"The filter '{f.get('Name')}' is invalid")
        docs = [d for d in docs if any(str(v) in f.get("Values", []) for v in getter(d))]
    return docs


def _wanted(docs: list[dict[str, Any]], ids_: list[str] | None) -> list[dict[str, Any]]:
    if not ids_:
        return docs
    known = {d["TransitGatewayAttachmentId"] for d in docs}
    for i in ids_:
        if i not in known:
            raise not_found(
                "InvalidTransitGatewayAttachmentID.NotFound", "transit gateway attachment", i
            )
    return [d for d in docs if d["TransitGatewayAttachmentId"] in ids_]


@ec2_operation("DescribeTransitGatewayAttachments")
def describe_attachments(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rtbs = {
        t.id: t.meta.get("options", {}).get("AssociationDefaultRouteTableId", "")
        for t in uow.list(TGW)
    }
    docs = [
        _attachment_view(a, rtbs.get(a.doc["TransitGatewayId"], ""))
        for a in mine(uow, ctx, TGW_ATTACHMENT)
    ]
    docs += _dx_attachments(uow, ctx)
    docs = _wanted(docs, req.get("TransitGatewayAttachmentIds"))
    return {"TransitGatewayAttachments": _filter_docs(docs, req.get("Filters"))}


@ec2_operation("DescribeTransitGatewayVpcAttachments")
def describe_vpc_attachments(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    docs = [with_tags(a.doc, a) for a in mine(uow, ctx, TGW_ATTACHMENT)]
    docs = _wanted(docs, req.get("TransitGatewayAttachmentIds"))
    return {"TransitGatewayVpcAttachments": _filter_docs(docs, req.get("Filters"))}


def subnets_in_use(uow: UnitOfWork, ctx: Context) -> set[str]:
    return {
        s
        for a in mine(uow, ctx, TGW_ATTACHMENT)
        if a.doc["State"] in LIVE
        for s in a.doc["SubnetIds"]
    }
