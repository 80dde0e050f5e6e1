"""A transit gateway's default route table, as far as tools read it: each TGW has one
(its Options' AssociationDefaultRouteTableId), every VPC attachment is associated with
it and propagates into it (the defaults `enable`). The Terraform AWS provider reads these
after creating an aws_ec2_transit_gateway_vpc_attachment."""

from __future__ import annotations

from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2.common import TGW, TGW_ATTACHMENT, mine
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import Record, UnitOfWork

LIVE = ("pending", "available", "modifying")


def _tables(uow: UnitOfWork, ctx: Context) -> dict[str, Record]:
    """Default route table id -> its transit gateway."""
    return {
        t.meta["options"]["AssociationDefaultRouteTableId"]: t
        for t in mine(uow, ctx, TGW)
        if t.meta.get("options")
    }


def _table(uow: UnitOfWork, ctx: Context, table_id: str) -> Record:
    tgw = _tables(uow, ctx).get(table_id)
    if tgw is None:
        raise Ec2Error(
            "InvalidRouteTableID.NotFound",
            f"Transit Gateway Route Table {table_id} was deleted or does not exist.",
        )
    return tgw


def _entries(
    uow: UnitOfWork, ctx: Context, tgw: Record, req: dict[str, Any], state: str
) -> list[dict[str, Any]]:
    out = [
        {
            "TransitGatewayAttachmentId": a.id,
            "ResourceId": a.doc["VpcId"],
            "ResourceType": "vpc",
            "State": state,
        }
        for a in mine(uow, ctx, TGW_ATTACHMENT)
        if a.doc["TransitGatewayId"] == tgw.id and a.doc["State"] in LIVE
    ]
    keys = {
        "transit-gateway-attachment-id": "TransitGatewayAttachmentId",
        "resource-id": "ResourceId",
        "resource-type": "ResourceType",
    }
    for f in req.get("Filters", []):
        key = keys.get(f.get("Name", ""))
        if key is None:
            raise invalid(f"The filter '{f.get('Name')}' is invalid")
        out = [e for e in out if e[key] in f.get("Values", [])]
    return out


@ec2_operation("GetTransitGatewayRouteTableAssociations")
def associations(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    tgw = _table(uow, ctx, req["TransitGatewayRouteTableId"])
    return {"Associations": _entries(uow, ctx, tgw, req, "associated")}


@ec2_operation("GetTransitGatewayRouteTablePropagations")
def propagations(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    tgw = _table(uow, ctx, req["TransitGatewayRouteTableId"])
    return {"TransitGatewayRouteTablePropagations": _entries(uow, ctx, tgw, req, "enabled")}


@ec2_operation("DescribeTransitGatewayRouteTables")
def describe_route_tables(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    tables = _tables(uow, ctx)
    wanted = req.get("TransitGatewayRouteTableIds")
    for table_id in wanted or []:
        _table(uow, ctx, table_id)
    out = [
        {
            "TransitGatewayRouteTableId": rid,
            "TransitGatewayId": t.id,
            "State": "available",
            "DefaultAssociationRouteTable": True,
            "DefaultPropagationRouteTable": True,
            "CreationTime": t.created,
        }
        for rid, t in tables.items()
        if not wanted or rid in wanted
    ]
    for f in req.get("Filters", []):
        key = {
            "transit-gateway-id": "TransitGatewayId",
            "transit-gateway-route-table-id": "TransitGatewayRouteTableId",
            "state": "State",
        }.get(f.get("Name", ""))
        if key is None:
            raise invalid(f"The filter '{f.get('Name')}' is invalid")
        out = [t for t in out if t[key] in f.get("Values", [])]
    return {"TransitGatewayRouteTables": out}
