"""VPCs (Amazon VPC user guide, "VPC CIDR blocks"): an IPv4 block of /16 to /28, an
optional Amazon-provided IPv6 /56, the main route table and the default security group
made with it; DeleteVpc refuses while subnets, gateways or other groups still use it.
Also the two account-wide questions tools ask first: zones and account attributes."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2 import route_tables, security_groups
from dxlab.service.ec2.common import (
    SECURITY_GROUP,
    SUBNET,
    TGW,
    TGW_ATTACHMENT,
    VGW,
    VPC,
    availability_zones,
    filtered,
    find,
    mine,
    new_id,
    one,
    selected,
    tags_on_create,
    with_tags,
)
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import Record, UnitOfWork

# ModifyVpcAttribute / DescribeVpcAttribute: the attribute, its member name and default.
ATTRIBUTES = {
    "enableDnsSupport": ("EnableDnsSupport", True),
    "enableDnsHostnames": ("EnableDnsHostnames", False),
    "enableNetworkAddressUsageMetrics": ("EnableNetworkAddressUsageMetrics", False),
}


def ipv4_block(text: Any, parameter: str = "cidrBlock") -> ipaddress.IPv4Network:
    """A CIDR as EC2 takes it: host bits are dropped ("we modify it to its canonical form")."""
    try:
        net = ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        raise invalid(
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid CIDR block."
        ) from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise invalid(
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid IPv4 CIDR block."
        )
    return net


def create_vpc(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any], vpc_id: str | None = None
) -> Record:
    """The service function behind CreateVpc (and, with the id it already gave out, the
    `dxlab vgw` / topology `vpcs:` shortcut)."""
    if "CidrBlock" not in req:
        raise Ec2Error(
            "MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided."
        )
    net = ipv4_block(req["CidrBlock"])
    # VPC user guide: "The allowed block size is between a /16 netmask and /28 netmask."
    if not 16 <= net.prefixlen <= 28:
        raise Ec2Error("InvalidVpc.Range", f"The CIDR '{req['CidrBlock']}' is invalid.")
    tags = tags_on_create(req, "vpc")
    tenancy = req.get("InstanceTenancy", "default")
    if tenancy not in ("default", "dedicated"):
        raise invalid(f"Value ({tenancy}) for parameter instanceTenancy is invalid.")
    vpc_id = vpc_id or new_id("vpc")
    doc: dict[str, Any] = {
        "VpcId": vpc_id,
        "OwnerId": ctx.account,
        "InstanceTenancy": tenancy,
        "CidrBlock": str(net),
        "CidrBlockAssociationSet": [
            {
                "AssociationId": new_id("vpc-cidr-assoc"),
                "CidrBlock": str(net),
                "CidrBlockState": {"State": "associated"},
            }
        ],
        "DhcpOptionsId": "default",
        "IsDefault": False,
        "State": "available",
    }
    ipv6 = _ipv6_block(uow, ctx, req, vpc_id)
    if ipv6:
        doc["Ipv6CidrBlockAssociationSet"] = [
            {
                "AssociationId": new_id("vpc-cidr-assoc"),
                "Ipv6CidrBlock": ipv6,
                "Ipv6CidrBlockState": {"State": "associated"},
                "NetworkBorderGroup": ctx.region,
                "Ipv6Pool": req.get("Ipv6Pool", "Amazon"),
            }
        ]
    if tags:
        doc["Tags"] = tags
    attrs = {name: default for name, (_, default) in ATTRIBUTES.items()}
    rec = Record(
        VPC,
        vpc_id,
        ctx.account,
        doc,
        {"region": ctx.region, "attributes": attrs},
        created=ctx.now(),
    )
    uow.put(rec)
    route_tables.create_main(uow, ctx, rec)
    security_groups.create_default(uow, ctx, rec)
    return rec


def _ipv6_block(uow: UnitOfWork, ctx: Context, req: dict[str, Any], vpc_id: str) -> str | None:
    asked = req.get("Ipv6CidrBlock")
    if asked is not None:
        try:
            net = ipaddress.ip_network(asked, strict=True)
        except ValueError:
            raise invalid(f"Value ({asked}) for parameter ipv6CidrBlock is invalid.") from None
        if not isinstance(net, ipaddress.IPv6Network) or net.prefixlen != 56:
            raise invalid(
                f"Value ({asked}) for parameter ipv6CidrBlock is invalid. The IPv6 CIDR block of a VPC is a /56."
            )
        if not uow.claim("ec2-ipv6", str(net), vpc_id):
            raise Ec2Error("InvalidVpc.Range", f"The IPv6 CIDR block {net} is already in use.")
        return str(net)
    if not req.get("AmazonProvidedIpv6CidrBlock"):
        return None
    for _ in range(16):  # an Amazon-provided /56 from Amazon's pool, unique on this server
        block = f"2600:1f18:{secrets.token_hex(2)}:{secrets.token_hex(1)}00::/56"
        if uow.claim("ec2-ipv6", str(ipaddress.ip_network(block)), vpc_id):
            return str(ipaddress.ip_network(block))
    raise Ec2Error("InsufficientCidrBlocks", "No IPv6 CIDR block is left in Amazon's pool")


def add_blocks(uow: UnitOfWork, vpc: Record, cidrs: list[str]) -> None:
    """More CIDR blocks for a VPC (what AssociateVpcCidrBlock does), with their local
    routes in the main route table."""
    rtb = next((r for r in uow.list("ec2_route_table", parent=vpc.id)), None)
    for cidr in cidrs:
        v6 = ":" in cidr
        key, member = (
            ("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock")
            if v6
            else ("CidrBlockAssociationSet", "CidrBlock")
        )
        state = "Ipv6CidrBlockState" if v6 else "CidrBlockState"
        vpc.doc.setdefault(key, []).append(
            {
                "AssociationId": new_id("vpc-cidr-assoc"),
                member: cidr,
                state: {"State": "associated"},
            }
        )
        if rtb is not None:
            dest = "DestinationIpv6CidrBlock" if v6 else "DestinationCidrBlock"
            rtb.doc["Routes"].append(
                {dest: cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}
            )
    uow.put(vpc)
    if rtb is not None:
        uow.put(rtb)


# Amazon VPC quotas: "IPv4 CIDR blocks per VPC" and "IPv6 CIDR blocks per VPC", 5 each.
MAX_BLOCKS = 5


@ec2_operation("AssociateVpcCidrBlock", write=True)
def associate_vpc_cidr_block(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """One more block for a VPC: an IPv4 one, or an IPv6 /56 (Amazon-provided, or the one
    given). The gateway in front of the VPC advertises it from now on (cidrs_of)."""
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    v6 = bool(req.get("AmazonProvidedIpv6CidrBlock")) or "Ipv6CidrBlock" in req
    if v6 == ("CidrBlock" in req):
        raise Ec2Error(
            "InvalidParameterCombination" if v6 else "MissingParameter",
            "Give exactly one of cidrBlock, amazonProvidedIpv6CidrBlock and ipv6CidrBlock",
        )
    key = "Ipv6CidrBlockAssociationSet" if v6 else "CidrBlockAssociationSet"
    if len(vpc.doc.get(key, [])) >= MAX_BLOCKS:
        raise Ec2Error(
            "CidrLimitExceeded",
            f"This network '{vpc.id}' has met its maximum number of allowed CIDRs: {MAX_BLOCKS}",
        )
    if v6:
        if req.get("Ipv6CidrBlock") in [a["Ipv6CidrBlock"] for a in vpc.doc.get(key, [])]:
            raise Ec2Error(
                "InvalidVpc.Range", f"The IPv6 CIDR block {req['Ipv6CidrBlock']} is already in use."
            )
        block = _ipv6_block(uow, ctx, req, vpc.id) or ""
    else:
        net = ipv4_block(req["CidrBlock"])
        if not 16 <= net.prefixlen <= 28:
            raise Ec2Error("InvalidVpc.Range", f"The CIDR '{req['CidrBlock']}' is invalid.")
        for a in vpc.doc["CidrBlockAssociationSet"]:
            if net.overlaps(ipaddress.ip_network(a["CidrBlock"])):
                raise Ec2Error(
                    "InvalidVpc.Range",
                    f"The CIDR '{net}' conflicts with the VPC's CIDR block {a['CidrBlock']}",
                )
        block = str(net)
    add_blocks(uow, vpc, [block])
    association = vpc.doc[key][-1]
    if v6:
        association.update(NetworkBorderGroup=ctx.region, Ipv6Pool=req.get("Ipv6Pool", "Amazon"))
        uow.put(vpc)
    _gateways_follow(uow, ctx, vpc)
    member = "Ipv6CidrBlockAssociation" if v6 else "CidrBlockAssociation"
    return {"VpcId": vpc.id, member: association}


def _gateways_follow(uow: UnitOfWork, ctx: Context, vpc: Record) -> None:
    """The VGW attached to the VPC, and the TGWs it is attached to, advertise its new block."""
    for g in mine(uow, ctx, VGW):
        if g.meta.get("vpcId") == vpc.id:
            g.meta["vpcCidrs"] = list(dict.fromkeys([*g.meta.get("vpcCidrs", []), *cidrs_of(vpc)]))
            uow.put(g)
    for a in mine(uow, ctx, TGW_ATTACHMENT):
        if a.doc["VpcId"] == vpc.id and a.doc["State"] in ("pending", "available"):
            tgw = uow.get(TGW, a.doc["TransitGatewayId"])
            if tgw is not None:
                tgw.meta["vpcCidrs"] = list(
                    dict.fromkeys([*tgw.meta.get("vpcCidrs", []), *cidrs_of(vpc)])
                )
                uow.put(tgw)


def cidrs_of(vpc: Record) -> list[str]:
    """The VPC's IPv4 and IPv6 blocks: what a gateway in front of it advertises."""
    v4 = [a["CidrBlock"] for a in vpc.doc.get("CidrBlockAssociationSet", [])]
    v6 = [a["Ipv6CidrBlock"] for a in vpc.doc.get("Ipv6CidrBlockAssociationSet", [])]
    return v4 + v6


@ec2_operation("CreateVpc", write=True)
def create_vpc_op(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rec = create_vpc(uow, ctx, req)
    return {"Vpc": rec.doc}


_FIELDS = {
    "vpc-id": lambda r: [r.id],
    "cidr": lambda r: [r.doc["CidrBlock"]],
    "cidr-block-association.cidr-block": lambda r: [
        a["CidrBlock"] for a in r.doc["CidrBlockAssociationSet"]
    ],
    "ipv6-cidr-block-association.ipv6-cidr-block": lambda r: [
        a["Ipv6CidrBlock"] for a in r.doc.get("Ipv6CidrBlockAssociationSet", [])
    ],
    "state": lambda r: [r.doc["State"]],
    "is-default": lambda r: ["false"],
    "owner-id": lambda r: [r.account],
    "dhcp-options-id": lambda r: one(r.doc.get("DhcpOptionsId")),
}


@ec2_operation("DescribeVpcs")
def describe_vpcs(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = filtered(selected(uow, ctx, "vpc", req.get("VpcIds")), req.get("Filters"), _FIELDS)
    return {"Vpcs": [with_tags(r.doc, r) for r in recs]}


def _attribute(name: Any) -> tuple[str, bool]:
    if name not in ATTRIBUTES:
        raise invalid(f"Value ({name}) for parameter attribute is invalid. Unknown attribute.")
    return ATTRIBUTES[name]


@ec2_operation("DescribeVpcAttribute")
def describe_vpc_attribute(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    member, default = _attribute(req["Attribute"])
    value = vpc.meta.get("attributes", {}).get(req["Attribute"], default)
    return {"VpcId": vpc.id, member: {"Value": value}}


@ec2_operation("ModifyVpcAttribute", write=True)
def modify_vpc_attribute(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    given = [(name, member) for name, (member, _) in ATTRIBUTES.items() if member in req]
    if len(given) != 1:
        # EC2 takes one attribute per call.
        raise Ec2Error(
            "InvalidParameterCombination", "Exactly one attribute must be modified per request"
        )
    name, member = given[0]
    value = req[member].get("Value")
    if value is None:
        raise Ec2Error("MissingParameter", f"The request must contain the parameter {member}.Value")
    attrs = vpc.meta.setdefault("attributes", {})
    if name == "enableDnsHostnames" and value and not attrs.get("enableDnsSupport", True):
        # VPC user guide, DNS attributes: hostnames need DNS resolution on.
        raise invalid("enableDnsHostnames cannot be true while enableDnsSupport is false")
    if name == "enableDnsSupport" and not value and attrs.get("enableDnsHostnames"):
        raise invalid("enableDnsSupport cannot be false while enableDnsHostnames is true")
    attrs[name] = value
    uow.put(vpc)
    return {}


@ec2_operation("DeleteVpc", write=True)
def delete_vpc(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    # DeleteVpc (API reference): detach or delete every gateway and resource first; the
    # default security group and the main route table go with the VPC.
    blockers: list[str] = [r.id for r in mine(uow, ctx, SUBNET) if r.doc["VpcId"] == vpc.id]
    blockers += [r.id for r in mine(uow, ctx, VGW) if r.meta.get("vpcId") == vpc.id]
    blockers += [
        r.id
        for r in mine(uow, ctx, TGW_ATTACHMENT)
        if r.doc["VpcId"] == vpc.id and r.doc["State"] not in ("deleted", "deleting")
    ]
    blockers += [
        r.id
        for r in mine(uow, ctx, SECURITY_GROUP)
        if r.doc["VpcId"] == vpc.id and r.doc["GroupName"] != "default"
    ]
    if blockers:
        raise Ec2Error(
            "DependencyViolation",
            f"The vpc '{vpc.id}' has dependencies and cannot be deleted: {', '.join(blockers)}.",
        )
    route_tables.delete_all_of(uow, ctx, vpc.id)
    security_groups.delete_all_of(uow, ctx, vpc.id)
    for a in vpc.doc.get("Ipv6CidrBlockAssociationSet", []):
        uow.release("ec2-ipv6", a["Ipv6CidrBlock"])
    uow.delete(VPC, vpc.id)
    return {}


@ec2_operation("DescribeAvailabilityZones")
def describe_availability_zones(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> dict[str, Any]:
    zones = [
        {
            "ZoneName": name,
            "ZoneId": zone_id,
            "State": "available",
            "RegionName": ctx.region,
            "ZoneType": "availability-zone",
            "OptInStatus": "opt-in-not-required",
            "GroupName": ctx.region,
            "NetworkBorderGroup": ctx.region,
            "Messages": [],
        }
        for name, zone_id in availability_zones(ctx.region)
    ]
    names, ids = req.get("ZoneNames"), req.get("ZoneIds")
    for wanted, key in ((names, "ZoneName"), (ids, "ZoneId")):
        for w in wanted or []:
            if w not in {z[key] for z in zones}:
                raise invalid(f"The zone '{w}' does not exist.")
        if wanted:
            zones = [z for z in zones if z[key] in wanted]
    for f in req.get("Filters", []):
        field = {
            "zone-name": "ZoneName",
            "zone-id": "ZoneId",
            "state": "State",
            "region-name": "RegionName",
            "zone-type": "ZoneType",
            "opt-in-status": "OptInStatus",
            "group-name": "GroupName",
        }.get(f.get("Name", ""))
        if field is None:
            raise invalid(f"The filter '{f.get('Name')}' is invalid")
        zones = [z for z in zones if z[field] in f.get("Values", [])]
    return {"AvailabilityZones": zones}


_ACCOUNT_ATTRIBUTES = {
    "supported-platforms": ["VPC"],
    "default-vpc": ["none"],  # dxlab makes no default VPC: RunInstances needs a subnet
    "max-instances": ["20"],
    "vpc-max-security-groups-per-interface": ["5"],
    "max-elastic-ips": ["5"],
    "vpc-max-elastic-ips": ["5"],
}


@ec2_operation("DescribeAccountAttributes")
def describe_account_attributes(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> dict[str, Any]:
    names = req.get("AttributeNames") or list(_ACCOUNT_ATTRIBUTES)
    for n in names:
        if n not in _ACCOUNT_ATTRIBUTES:
            raise invalid(f"Value ({n}) for parameter attributeName is invalid.")
    return {
        "AccountAttributes": [
            {
                "AttributeName": n,
                "AttributeValues": [{"AttributeValue": v} for v in _ACCOUNT_ATTRIBUTES[n]],
            }
            for n in names
        ]
    }
