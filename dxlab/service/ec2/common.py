"""What every EC2 family shares: record kinds, ids in EC2's forms, finding a resource of
the caller in this Region with EC2's not-found codes, tags, and Describe* filters."""

from __future__ import annotations

import fnmatch
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid, not_found
from dxlab.service.context import Context
from dxlab.store.repository import Record, UnitOfWork

VPC = "ec2_vpc"
SUBNET = "ec2_subnet"
ROUTE_TABLE = "ec2_route_table"
SECURITY_GROUP = "ec2_security_group"
INSTANCE = "ec2_instance"
TGW_ATTACHMENT = "ec2_tgw_attachment"
# Shared with Direct Connect (service/gateways.py): one record per gateway, whichever API
# made it, so DescribeVirtualGateways and associations see what EC2 made.
VGW = "virtual_gateway"
TGW = "transit_gateway"

# id prefix -> (record kind, EC2's resource type for tags, not-found code, what it is)
RESOURCES: dict[str, tuple[str, str, str, str]] = {
    "vpc": (VPC, "vpc", "InvalidVpcID.NotFound", "vpc"),
    "subnet": (SUBNET, "subnet", "InvalidSubnetID.NotFound", "subnet"),
    "rtb": (ROUTE_TABLE, "route-table", "InvalidRouteTableID.NotFound", "routeTable"),
    "sg": (SECURITY_GROUP, "security-group", "InvalidGroup.NotFound", "security group"),
    "i": (INSTANCE, "instance", "InvalidInstanceID.NotFound", "instance"),
    "vgw": (VGW, "vpn-gateway", "InvalidVpnGatewayID.NotFound", "virtual private gateway"),
    "tgw": (TGW, "transit-gateway", "InvalidTransitGatewayID.NotFound", "transit gateway"),
    "tgw-attach": (
        TGW_ATTACHMENT,
        "transit-gateway-attachment",
        "InvalidTransitGatewayAttachmentID.NotFound",
        "transit gateway attachment",
    ),
}


def new_id(prefix: str) -> str:
    """EC2's long ids: the prefix and 17 hex characters."""
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


def prefix_of(resource_id: str) -> str:
    return "tgw-attach" if resource_id.startswith("tgw-attach-") else resource_id.split("-", 1)[0]


def in_region(rec: Record, ctx: Context) -> bool:
    return rec.account == ctx.account and rec.meta.get("region") == ctx.region


def find(uow: UnitOfWork, ctx: Context, prefix: str, resource_id: str) -> Record:
    """The caller's resource in this Region, or EC2's `Invalid...ID.NotFound`
    (`.Malformed` when the id is not of the kind asked for)."""
    kind, _, code, what = RESOURCES[prefix]
    if not isinstance(resource_id, str) or prefix_of(resource_id) != prefix:
        raise Ec2Error(
            code.replace(".NotFound", ".Malformed"),
            f'Invalid id: "{resource_id}" (expecting "{prefix}-...")',
        )
    rec = uow.get(kind, resource_id)
    if rec is None or not in_region(rec, ctx):
        raise not_found(code, what, resource_id)
    return rec


def mine(uow: UnitOfWork, ctx: Context, kind: str) -> list[Record]:
    return [r for r in uow.list(kind, account=ctx.account) if r.meta.get("region") == ctx.region]


def selected(uow: UnitOfWork, ctx: Context, prefix: str, wanted: list[str] | None) -> list[Record]:
    """The records a Describe* names by id (each must exist), else all of the caller's."""
    if wanted:
        return [find(uow, ctx, prefix, i) for i in dict.fromkeys(wanted)]
    return mine(uow, ctx, RESOURCES[prefix][0])


# -- tags --------------------------------------------------------------------------------
def tags_of(rec: Record) -> list[dict[str, str]]:
    """A gateway's doc is Direct Connect's shape, so its EC2 tags live in meta."""
    if rec.kind in (VGW, TGW):
        return list(rec.meta.get("tags", []))
    return list(rec.doc.get("Tags", []))


def set_tags(rec: Record, tags: list[dict[str, str]]) -> None:
    if rec.kind in (VGW, TGW):
        rec.meta["tags"] = tags
    elif tags:
        rec.doc["Tags"] = tags
    else:
        rec.doc.pop("Tags", None)


def merge_tags(
    current: list[dict[str, str]], new: Iterable[dict[str, Any]]
) -> list[dict[str, str]]:
    by_key = {t["Key"]: t.get("Value", "") for t in current}
    for t in new:
        key = t.get("Key")
        if not key:
            raise invalid("Tag keys must not be empty")
        if len(key) > 128 or key.startswith("aws:"):
            raise invalid(
                f"Tag key {key!r} is not valid: at most 128 characters, not starting with 'aws:'"
            )
        if len(t.get("Value", "")) > 256:
            raise invalid(f"The value of tag {key!r} is longer than 256 characters")
        by_key[key] = t.get("Value", "")
    if len(by_key) > 50:
        raise Ec2Error("TagLimitExceeded", "The maximum number of tags per resource is 50")
    return [{"Key": k, "Value": v} for k, v in by_key.items()]


def tags_on_create(req: dict[str, Any], resource_type: str) -> list[dict[str, str]]:
    """TagSpecifications of a Create*: the ones for this resource type."""
    tags: list[dict[str, Any]] = []
    for spec in req.get("TagSpecifications", []):
        kind = spec.get("ResourceType")
        if kind != resource_type:
            raise invalid(f"'{kind}' is not a valid taggable resource type for this operation.")
        tags.extend(spec.get("Tags", []))
    return merge_tags([], tags)


# -- filters -----------------------------------------------------------------------------
Fields = Mapping[str, Callable[[Record], Iterable[Any]]]


def filtered(
    records: list[Record], filters: list[dict[str, Any]] | None, fields: Fields
) -> list[Record]:
    """Describe*'s Filter.N: every filter must match (any of its values); `tag:Key`,
    `tag-key` and `tag-value` work on every kind. Values may use * and ? wildcards."""
    out = records
    for f in filters or []:
        name, values = f.get("Name", ""), [str(v) for v in f.get("Values", [])]
        getter = _getter(name, fields)
        out = [r for r in out if any(_like(str(have), v) for have in getter(r) for v in values)]
    return out


def _getter(name: str, fields: Fields) -> Callable[[Record], Iterable[Any]]:
    if name.startswith("tag:"):
        key = name[4:]
        return lambda r: [t["Value"] for t in tags_of(r) if t["Key"] == key]
    if name == "tag-key":
        return lambda r: [t["Key"] for t in tags_of(r)]
    if name == "tag-value":
        return lambda r: [t["Value"] for t in tags_of(r)]
    if name not in fields:
        raise invalid(f"The filter '{name}' is invalid")
    return fields[name]


def _like(have: str, pattern: str) -> bool:
    if "*" not in pattern and "?" not in pattern:
        return have == pattern
    return fnmatch.fnmatchcase(have, pattern)


def one(value: Any) -> list[Any]:
    return [] if value is None else [value]


def with_tags(doc: dict[str, Any], rec: Record) -> dict[str, Any]:
    tags = tags_of(rec)
    return {**doc, "Tags": tags} if tags else doc


def dry_run(req: dict[str, Any]) -> None:
    """DryRun=true: EC2 checks the caller may act and answers DryRunOperation."""
    if req.get("DryRun"):
        raise Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")


def availability_zones(region: str) -> list[tuple[str, str]]:
    """(name, zone id) of the Region's zones: three, as dxlab's catalog has no more."""
    parts = region.split("-")
    short = parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]
    return [(f"{region}{letter}", f"{short}-az{n}") for n, letter in enumerate("abc", 1)]
