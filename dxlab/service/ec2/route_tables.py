"""Route tables (VPC user guide, "Route tables"): the VPC's main table with its local
routes, static routes to a VGW, TGW or instance, and VGW route propagation, which decides
whether the VPC learns the on-premises prefixes its virtual private gateway receives
over Direct Connect ("Route propagation": the propagated routes appear in the table)."""

from __future__ import annotations

import ipaddress
from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid, not_found
from dxlab.service.context import Context
from dxlab.service.ec2.common import (
    ROUTE_TABLE,
    TGW_ATTACHMENT,
    VGW,
    filtered,
    find,
    mine,
    new_id,
    selected,
    with_tags,
)
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import Record, UnitOfWork

_TARGETS = ("GatewayId", "TransitGatewayId", "InstanceId")


def create_main(uow: UnitOfWork, ctx: Context, vpc: Record) -> Record:
    """The main route table a new VPC gets, with a local route per CIDR block."""
    rtb_id = new_id("rtb")
    routes: list[dict[str, Any]] = [
        {
            "DestinationCidrBlock": a["CidrBlock"],
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
        for a in vpc.doc["CidrBlockAssociationSet"]
    ]
    routes += [
        {
            "DestinationIpv6CidrBlock": a["Ipv6CidrBlock"],
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
        for a in vpc.doc.get("Ipv6CidrBlockAssociationSet", [])
    ]
    doc = {
        "RouteTableId": rtb_id,
        "VpcId": vpc.id,
        "OwnerId": ctx.account,
        "Routes": routes,
        "Associations": [
            {
                "Main": True,
                "RouteTableAssociationId": new_id("rtbassoc"),
                "RouteTableId": rtb_id,
                "AssociationState": {"State": "associated"},
            }
        ],
        "PropagatingVgws": [],
    }
    rec = Record(
        ROUTE_TABLE,
        rtb_id,
        ctx.account,
        doc,
        {"region": ctx.region},
        parent=vpc.id,
        created=ctx.now(),
    )
    uow.put(rec)
    return rec


def of_vpc(uow: UnitOfWork, ctx: Context, vpc_id: str) -> list[Record]:
    return [r for r in mine(uow, ctx, ROUTE_TABLE) if r.doc["VpcId"] == vpc_id]


def delete_all_of(uow: UnitOfWork, ctx: Context, vpc_id: str) -> None:
    for r in of_vpc(uow, ctx, vpc_id):
        uow.delete(ROUTE_TABLE, r.id)


def stop_propagation_of(uow: UnitOfWork, ctx: Context, vgw_id: str, vpc_id: str) -> None:
    """A VGW detached from its VPC propagates no more routes into its tables."""
    for r in of_vpc(uow, ctx, vpc_id):
        kept = [p for p in r.doc["PropagatingVgws"] if p["GatewayId"] != vgw_id]
        if kept != r.doc["PropagatingVgws"]:
            r.doc["PropagatingVgws"] = kept
            uow.put(r)


_FIELDS = {
    "route-table-id": lambda r: [r.id],
    "vpc-id": lambda r: [r.doc["VpcId"]],
    "owner-id": lambda r: [r.account],
    "association.main": lambda r: [
        str(a.get("Main", False)).lower() for a in r.doc["Associations"]
    ],
    "association.route-table-association-id": lambda r: [
        a["RouteTableAssociationId"] for a in r.doc["Associations"]
    ],
    "association.subnet-id": lambda r: [
        a["SubnetId"] for a in r.doc["Associations"] if "SubnetId" in a
    ],
    "route.destination-cidr-block": lambda r: [
        x.get("DestinationCidrBlock") for x in r.doc["Routes"]
    ],
    "route.gateway-id": lambda r: [x.get("GatewayId") for x in r.doc["Routes"]],
    "route.transit-gateway-id": lambda r: [x.get("TransitGatewayId") for x in r.doc["Routes"]],
    "route.origin": lambda r: [x["Origin"] for x in r.doc["Routes"]],
    "route.state": lambda r: [x["State"] for x in r.doc["Routes"]],
}


def _propagated(uow: UnitOfWork, ctx: Context, rtb: Record) -> list[dict[str, Any]]:
    """The routes VGW route propagation adds: the on-premises prefixes the VGW learns now
    over BGP sessions that are up (directly, or through a Direct Connect gateway), as the
    data plane in use sees them. A static route to the same prefix stays as it is."""
    vgws = propagating(rtb)
    if not vgws:
        return []
    from dxlab.service.snapshot import network_snapshot  # the snapshot reads EC2's VPCs too

    snap = network_snapshot(uow, ctx)
    seen = {
        r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock")
        for r in rtb.doc["Routes"]
    }
    out: list[dict[str, Any]] = []
    for vgw in vgws:
        for key in snap.paths.by_gateway.get(vgw, []):
            state = snap.sessions[key]
            for route in state.accepted if state.up else ():
                if route.cidr not in seen:
                    seen.add(route.cidr)
                    member = (
                        "DestinationIpv6CidrBlock" if ":" in route.cidr else "DestinationCidrBlock"
                    )
                    out.append(
                        {
                            member: route.cidr,
                            "GatewayId": vgw,
                            "Origin": "EnableVgwRoutePropagation",
                            "State": "active",
                        }
                    )
    return out


@ec2_operation("DescribeRouteTables")
def describe_route_tables(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = filtered(
        selected(uow, ctx, "rtb", req.get("RouteTableIds")), req.get("Filters"), _FIELDS
    )
    tables = []
    for r in recs:
        doc = with_tags(r.doc, r)
        learned = _propagated(uow, ctx, r)
        tables.append({**doc, "Routes": doc["Routes"] + learned} if learned else doc)
    return {"RouteTables": tables}


def _destination(req: dict[str, Any]) -> tuple[str, str]:
    """(member, normalized CIDR) of the route's destination."""
    given = [m for m in ("DestinationCidrBlock", "DestinationIpv6CidrBlock") if m in req]
    if len(given) != 1:
        raise Ec2Error(
            "InvalidParameterCombination",
            "Exactly one of destinationCidrBlock and destinationIpv6CidrBlock must be given",
        )
    member = given[0]
    try:
        net = ipaddress.ip_network(req[member], strict=False)
    except ValueError:
        raise invalid(
            f"Value ({req[member]}) for parameter {member[0].lower()}{member[1:]} is invalid."
        ) from None
    if (net.version == 6) != (member == "DestinationIpv6CidrBlock"):
        raise invalid(
            f"Value ({req[member]}) for parameter {member[0].lower()}{member[1:]} is invalid."
        )
    return member, str(net)


def _check_target(
    uow: UnitOfWork, ctx: Context, rtb: Record, req: dict[str, Any]
) -> tuple[str, str]:
    given = [m for m in _TARGETS if req.get(m)]
    if len(given) != 1:
        raise Ec2Error(
            "InvalidParameterCombination",
            "The request must contain exactly one of gatewayId, transitGatewayId or instanceId",
        )
    member, target = given[0], req[given[0]]
    vpc_id = rtb.doc["VpcId"]
    if member == "GatewayId":
        if not target.startswith("vgw-"):
            raise not_found("InvalidGatewayID.NotFound", "gateway", target)
        vgw = uow.get(VGW, target)
        if vgw is None or vgw.account != ctx.account or vgw.meta.get("region") != ctx.region:
            raise not_found("InvalidGatewayID.NotFound", "gateway", target)
        if vgw.meta.get("vpcId") != vpc_id:
            raise invalid(
                f"route table {rtb.id} and network gateway {target} belong to different networks"
            )
    elif member == "TransitGatewayId":
        find(uow, ctx, "tgw", target)
        attached = [
            a
            for a in mine(uow, ctx, TGW_ATTACHMENT)
            if a.doc["TransitGatewayId"] == target
            and a.doc["VpcId"] == vpc_id
            and a.doc["State"] in ("pending", "available")
        ]
        if not attached:
            raise invalid(
                f"route table {rtb.id} and transit gateway {target} belong to different networks"
            )
    else:
        inst = find(uow, ctx, "i", target)
        if inst.doc.get("VpcId") != vpc_id or inst.doc["State"]["Name"] in (
            "shutting-down",
            "terminated",
        ):
            raise invalid(
                f"route table {rtb.id} and instance {target} belong to different networks"
            )
    return member, target


@ec2_operation("CreateRoute", write=True)
def create_route(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rtb = find(uow, ctx, "rtb", req["RouteTableId"])
    member, dest = _destination(req)
    target_member, target = _check_target(uow, ctx, rtb, req)
    for route in rtb.doc["Routes"]:
        have = route.get(member)
        if have == dest:
            raise Ec2Error("RouteAlreadyExists", f"The route identified by {dest} already exists.")
        if (
            route.get("GatewayId") == "local"
            and have
            and ipaddress.ip_network(dest).subnet_of(ipaddress.ip_network(have))  # type: ignore[arg-type]
        ):
            raise invalid(
                f"The destination CIDR block {dest} is equal to or more specific than one of this VPC's CIDR blocks."
            )
    rtb.doc["Routes"].append(
        {member: dest, target_member: target, "Origin": "CreateRoute", "State": "active"}
    )
    uow.put(rtb)
    return {"Return": True}


@ec2_operation("DeleteRoute", write=True)
def delete_route(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rtb = find(uow, ctx, "rtb", req["RouteTableId"])
    member, dest = _destination(req)
    route = next((r for r in rtb.doc["Routes"] if r.get(member) == dest), None)
    if route is None:
        raise Ec2Error(
            "InvalidRoute.NotFound",
            f"no route with destination-cidr-block {dest} in route table {rtb.id}",
        )
    if route.get("GatewayId") == "local":
        raise invalid(f"cannot remove local route {dest} in route table {rtb.id}")
    rtb.doc["Routes"].remove(route)
    uow.put(rtb)
    return {}


def _vgw_and_table(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> tuple[Record, Record]:
    rtb = find(uow, ctx, "rtb", req["RouteTableId"])
    vgw = find(uow, ctx, "vgw", req["GatewayId"])
    return vgw, rtb


@ec2_operation("EnableVgwRoutePropagation", write=True)
def enable_propagation(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vgw, rtb = _vgw_and_table(uow, ctx, req)
    if vgw.meta.get("vpcId") != rtb.doc["VpcId"]:
        raise Ec2Error(
            "Gateway.NotAttached",
            f"resource {vgw.id} is not attached to network {rtb.doc['VpcId']}",
        )
    if vgw.id not in [p["GatewayId"] for p in rtb.doc["PropagatingVgws"]]:
        rtb.doc["PropagatingVgws"].append({"GatewayId": vgw.id})
        uow.put(rtb)
    return {}


@ec2_operation("DisableVgwRoutePropagation", write=True)
def disable_propagation(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vgw, rtb = _vgw_and_table(uow, ctx, req)
    rtb.doc["PropagatingVgws"] = [p for p in rtb.doc["PropagatingVgws"] if p["GatewayId"] != vgw.id]
    uow.put(rtb)
    return {}


def propagating(rtb: Record) -> list[str]:
    return [p["GatewayId"] for p in rtb.doc["PropagatingVgws"]]
