"""TagResource, UntagResource, DescribeTags (using-tags.md).

Taggable: connections, interconnects, LAGs, virtual interfaces, Direct Connect gateways
and resiliency groups, each named by its ARN."""

from __future__ import annotations

from dxlab.domain import ids
from dxlab.domain.errors import NotFound, ValidationError
from dxlab.domain.shapes import (
    DescribeTagsRequest,
    DescribeTagsResponse,
    ResourceTag,
    TagResourceRequest,
    TagResourceResponse,
    UntagResourceRequest,
    UntagResourceResponse,
)
from dxlab.domain.tags import merge, remove
from dxlab.service.common import in_region
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.store.repository import Record, UnitOfWork

# ARN resource type -> store kinds it may name (a dxcon ARN names a connection or an
# interconnect).
_KINDS = {
    "dxcon": ("connection", "interconnect"),
    "dxlag": ("lag",),
    "dxvif": ("virtual_interface",),
    "dx-gateway": ("dx_gateway",),
    "dx-resiliency-group": ("resiliency_group",),
}


def resolve(uow: UnitOfWork, ctx: Context, arn: str) -> Record:
    parsed = ids.parse_arn(arn)
    if parsed is None or parsed[2] not in _KINDS:
        raise ValidationError(f"Invalid ARN: {arn}")
    region, account, kind, rid = parsed
    for store_kind in _KINDS[kind]:
        rec = uow.get(store_kind, rid)
        if rec is not None and rec.account == ctx.account and account == ctx.account:
            # The ARN names the resource's home: its Region for a regional resource,
            # tagged through that Region's endpoint (common.in_region, as every lookup);
            # none for a global one (a Direct Connect gateway, a resiliency group).
            if region != rec.doc.get("region", "") or not in_region(rec, ctx):
                break
            return rec
    raise NotFound(f"Could not find resource {arn}")


@operation("TagResource", write=True)
def tag_resource(uow: UnitOfWork, ctx: Context, req: TagResourceRequest) -> TagResourceResponse:
    rec = resolve(uow, ctx, req["resourceArn"])
    rec.doc["tags"] = merge(rec.doc.get("tags", []), req["tags"])
    uow.put(rec)
    return {}


@operation("UntagResource", write=True)
def untag_resource(
    uow: UnitOfWork, ctx: Context, req: UntagResourceRequest
) -> UntagResourceResponse:
    rec = resolve(uow, ctx, req["resourceArn"])
    rec.doc["tags"] = remove(rec.doc.get("tags", []), req["tagKeys"])
    uow.put(rec)
    return {}


@operation("DescribeTags")
def describe_tags(uow: UnitOfWork, ctx: Context, req: DescribeTagsRequest) -> DescribeTagsResponse:
    out: list[ResourceTag] = []
    for arn in req["resourceArns"]:
        rec = resolve(uow, ctx, arn)
        out.append({"resourceArn": arn, "tags": rec.doc.get("tags", [])})
    return {"resourceTags": out}
