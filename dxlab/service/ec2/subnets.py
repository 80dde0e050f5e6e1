"""Subnets (VPC user guide, "Subnet CIDR blocks"): a /16 to /28 block inside one of the
VPC's blocks, overlapping no other subnet of the VPC, in one Availability Zone; AWS keeps
the first four addresses and the last one of each subnet."""

from __future__ import annotations

import ipaddress
from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2.common import (
    INSTANCE,
    SUBNET,
    availability_zones,
    filtered,
    find,
    mine,
    new_id,
    selected,
    tags_on_create,
    with_tags,
)
from dxlab.service.ec2.registry import ec2_operation
from dxlab.service.ec2.vpcs import ipv4_block
from dxlab.store.repository import Record, UnitOfWork

RESERVED = 5  # the network address, the VPC router, DNS, one for future use, broadcast


def usable_hosts(cidr: str) -> list[str]:
    """The addresses an instance can have: all but the first four and the last."""
    net = ipaddress.ip_network(cidr)
    first, last = int(net.network_address) + 4, int(net.broadcast_address) - 1
    return [str(ipaddress.ip_address(n)) for n in range(first, last + 1)]


def ip_scope(subnet_id: str) -> str:
    """The claim scope of a subnet's private addresses (one owner per address)."""
    return f"ec2-ip:{subnet_id}"


def _available(uow: UnitOfWork, rec: Record) -> int:
    size = ipaddress.ip_network(rec.doc["CidrBlock"]).num_addresses
    return size - RESERVED - len(uow.claimed(ip_scope(rec.id)))


def view(uow: UnitOfWork, rec: Record) -> dict[str, Any]:
    return with_tags({**rec.doc, "AvailableIpAddressCount": _available(uow, rec)}, rec)


@ec2_operation("CreateSubnet", write=True)
def create_subnet(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    if "CidrBlock" not in req:
        raise Ec2Error("MissingParameter", "The request must contain the parameter cidrBlock")
    net = ipv4_block(req["CidrBlock"])
    if not 16 <= net.prefixlen <= 28:
        raise Ec2Error("InvalidSubnet.Range", f"The CIDR '{req['CidrBlock']}' is invalid.")
    blocks = [ipaddress.ip_network(a["CidrBlock"]) for a in vpc.doc["CidrBlockAssociationSet"]]
    if not any(net.subnet_of(b) for b in blocks):  # type: ignore[arg-type]
        raise Ec2Error("InvalidSubnet.Range", f"The CIDR '{net}' is invalid.")
    for other in mine(uow, ctx, SUBNET):
        if other.doc["VpcId"] == vpc.id and net.overlaps(
            ipaddress.ip_network(other.doc["CidrBlock"])
        ):
            raise Ec2Error(
                "InvalidSubnet.Conflict", f"The CIDR '{net}' conflicts with another subnet"
            )
    zones = availability_zones(ctx.region)
    zone = req.get("AvailabilityZone")
    zone_id = req.get("AvailabilityZoneId")
    match = (
        [z for z in zones if z[0] == zone or z[1] == zone_id] if (zone or zone_id) else zones[:1]
    )
    if not match:
        names = ", ".join(z[0] for z in zones)
        raise invalid(
            f"Value ({zone or zone_id}) for parameter availabilityZone is invalid. "
            f"Subnets can currently only be created in the following availability zones: {names}."
        )
    subnet_id = new_id("subnet")
    doc: dict[str, Any] = {
        "SubnetId": subnet_id,
        "VpcId": vpc.id,
        "CidrBlock": str(net),
        "State": "available",
        "AvailabilityZone": match[0][0],
        "AvailabilityZoneId": match[0][1],
        "OwnerId": ctx.account,
        "DefaultForAz": False,
        "MapPublicIpOnLaunch": False,
        "AssignIpv6AddressOnCreation": False,
        "Ipv6CidrBlockAssociationSet": [],
        "Ipv6Native": False,
        "SubnetArn": f"arn:aws:ec2:{ctx.region}:{ctx.account}:subnet/{subnet_id}",
        "PrivateDnsNameOptionsOnLaunch": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
    }
    tags = tags_on_create(req, "subnet")
    if tags:
        doc["Tags"] = tags
    rec = Record(
        SUBNET,
        subnet_id,
        ctx.account,
        doc,
        {"region": ctx.region},
        parent=vpc.id,
        created=ctx.now(),
    )
    uow.put(rec)
    return {"Subnet": view(uow, rec)}


_FIELDS = {
    "subnet-id": lambda r: [r.id],
    "vpc-id": lambda r: [r.doc["VpcId"]],
    "cidr-block": lambda r: [r.doc["CidrBlock"]],
    "cidr": lambda r: [r.doc["CidrBlock"]],
    "availability-zone": lambda r: [r.doc["AvailabilityZone"]],
    "availability-zone-id": lambda r: [r.doc["AvailabilityZoneId"]],
    "state": lambda r: [r.doc["State"]],
    "owner-id": lambda r: [r.account],
    "default-for-az": lambda r: ["false"],
}


@ec2_operation("DescribeSubnets")
def describe_subnets(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = filtered(selected(uow, ctx, "subnet", req.get("SubnetIds")), req.get("Filters"), _FIELDS)
    return {"Subnets": [view(uow, r) for r in recs]}


@ec2_operation("DeleteSubnet", write=True)
def delete_subnet(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rec = find(uow, ctx, "subnet", req["SubnetId"])
    from dxlab.service.ec2.transit_gateways import subnets_in_use

    users = [
        i.id
        for i in mine(uow, ctx, INSTANCE)
        if i.doc.get("SubnetId") == rec.id and i.doc["State"]["Name"] != "terminated"
    ]
    if users or rec.id in subnets_in_use(uow, ctx):
        raise Ec2Error(
            "DependencyViolation", f"The subnet '{rec.id}' has dependencies and cannot be deleted."
        )
    uow.delete(SUBNET, rec.id)
    return {}
