"""Subnets (VPC user guide, "Subnet CIDR blocks"): a /16 to /28 block inside one of the
VPC's blocks, overlapping no other subnet of the VPC, in one Availability Zone; AWS keeps
the first four addresses and the last one of each subnet. Dual stack ("Add IPv6 support
for your VPC"): a subnet may have one IPv6 /64 from its VPC's IPv6 block, given at
CreateSubnet or by AssociateSubnetCidrBlock; instances take their IPv6 addresses from it."""

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


def ip6_scope(subnet_id: str) -> str:
    """The claim scope of a subnet's IPv6 addresses (kept apart: they do not count against
    AvailableIpAddressCount, which is IPv4's)."""
    return f"ec2-ip6:{subnet_id}"


def ipv6_block(subnet: Record) -> str | None:
    """The subnet's associated IPv6 /64, if it has one."""
    return next(
        (
            a["Ipv6CidrBlock"]
            for a in subnet.doc.get("Ipv6CidrBlockAssociationSet", [])
            if a["Ipv6CidrBlockState"]["State"] == "associated"
        ),
        None,
    )


def _ipv6_association(
    uow: UnitOfWork, ctx: Context, vpc: Record, text: Any, subnet_id: str | None
) -> dict[str, Any]:
    """A SubnetIpv6CidrBlockAssociation for `text`: a /64 inside one of the VPC's IPv6
    blocks, overlapping no other subnet's (VPC user guide, "Subnet sizing for IPv6": "the
    size of the subnet's IPv6 CIDR block is fixed at /64")."""
    try:
        net = ipaddress.ip_network(str(text), strict=True)
    except ValueError:
        net = None
    if not isinstance(net, ipaddress.IPv6Network) or net.prefixlen != 64:
        raise invalid(
            f"invalid value for parameter ipv6-cidr-block: {text} (a subnet's IPv6 CIDR block is a /64)"
        )
    blocks = [
        ipaddress.ip_network(a["Ipv6CidrBlock"])
        for a in vpc.doc.get("Ipv6CidrBlockAssociationSet", [])
    ]
    if not blocks:
        raise Ec2Error(
            "InvalidSubnet.Range",
            f"The IPv6 CIDR '{net}' is invalid: VPC {vpc.id} has no IPv6 CIDR block",
        )
    if not any(net.subnet_of(b) for b in blocks):  # type: ignore[arg-type]
        raise Ec2Error(
            "InvalidSubnet.Range",
            f"The IPv6 CIDR '{net}' is not within the IPv6 CIDR blocks of VPC {vpc.id}",
        )
    for other in mine(uow, ctx, SUBNET):
        theirs = ipv6_block(other)
        if other.doc["VpcId"] == vpc.id and other.id != subnet_id and theirs:
            if net.overlaps(ipaddress.ip_network(theirs)):
                raise Ec2Error(
                    "InvalidSubnet.Conflict", f"The CIDR '{net}' conflicts with another subnet"
                )
    return {
        "AssociationId": new_id("subnet-cidr-assoc"),
        "Ipv6CidrBlock": str(net),
        "Ipv6CidrBlockState": {"State": "associated"},
        "Ipv6AddressAttribute": "public",
        "IpSource": "amazon",
    }


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
    ipv6 = (
        [_ipv6_association(uow, ctx, vpc, req["Ipv6CidrBlock"], None)]
        if "Ipv6CidrBlock" in req
        else []
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
        "Ipv6CidrBlockAssociationSet": ipv6,
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
    "ipv6-cidr-block-association.ipv6-cidr-block": lambda r: [
        a["Ipv6CidrBlock"] for a in r.doc.get("Ipv6CidrBlockAssociationSet", [])
    ],
}


@ec2_operation("DescribeSubnets")
def describe_subnets(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = filtered(selected(uow, ctx, "subnet", req.get("SubnetIds")), req.get("Filters"), _FIELDS)
    return {"Subnets": [view(uow, r) for r in recs]}


@ec2_operation("AssociateSubnetCidrBlock", write=True)
def associate_subnet_cidr_block(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> dict[str, Any]:
    rec = find(uow, ctx, "subnet", req["SubnetId"])
    if "Ipv6CidrBlock" not in req:
        raise Ec2Error("MissingParameter", "The request must contain the parameter ipv6CidrBlock")
    if ipv6_block(rec):
        # A subnet has at most one IPv6 CIDR block (VPC user guide, "Subnet CIDR blocks").
        raise Ec2Error(
            "InvalidSubnet.Conflict",
            f"The subnet '{rec.id}' already has an IPv6 CIDR block: {ipv6_block(rec)}",
        )
    vpc = find(uow, ctx, "vpc", rec.doc["VpcId"])
    association = _ipv6_association(uow, ctx, vpc, req["Ipv6CidrBlock"], rec.id)
    rec.doc.setdefault("Ipv6CidrBlockAssociationSet", []).append(association)
    uow.put(rec)
    return {"SubnetId": rec.id, "Ipv6CidrBlockAssociation": association}


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
