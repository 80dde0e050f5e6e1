"""CreateTags, DeleteTags, DescribeTags over every EC2 resource dxlab serves. Every
resource named must exist before anything changes (one call, one outcome)."""

from __future__ import annotations

from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2.common import RESOURCES, find, merge_tags, mine, prefix_of, set_tags, tags_of
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import Record, UnitOfWork


def _resources(uow: UnitOfWork, ctx: Context, resource_ids: list[str]) -> list[Record]:
    out = []
    for rid in dict.fromkeys(resource_ids):
        prefix = prefix_of(rid)
        if prefix not in RESOURCES:
            raise Ec2Error("InvalidID", f"The ID '{rid}' is not valid")
        out.append(find(uow, ctx, prefix, rid))
    return out


@ec2_operation("CreateTags", write=True)
def create_tags(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = _resources(uow, ctx, req["Resources"])
    for rec in recs:
        set_tags(rec, merge_tags(tags_of(rec), req["Tags"]))
    for rec in recs:
        uow.put(rec)
    return {}


@ec2_operation("DeleteTags", write=True)
def delete_tags(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = _resources(uow, ctx, req["Resources"])
    wanted = req.get("Tags")
    for rec in recs:
        if wanted is None:  # no Tag.N: every tag of the resource
            kept = []
        else:
            # A tag given with a value is deleted only when the value matches.
            kept = [
                t
                for t in tags_of(rec)
                if not any(
                    w.get("Key") == t["Key"] and ("Value" not in w or w["Value"] == t["Value"])
                    for w in wanted
                )
            ]
        set_tags(rec, kept)
        uow.put(rec)
    return {}


_FILTERS = {
    "resource-id": "ResourceId",
    "resource-type": "ResourceType",
    "key": "Key",
    "value": "Value",
}


@ec2_operation("DescribeTags")
def describe_tags(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    out = []
    for kind, resource_type, _, _ in RESOURCES.values():
        for rec in mine(uow, ctx, kind):
            out += [
                {
                    "ResourceId": rec.id,
                    "ResourceType": resource_type,
                    "Key": t["Key"],
                    "Value": t["Value"],
                }
                for t in tags_of(rec)
            ]
    for f in req.get("Filters", []):
        member = _FILTERS.get(f.get("Name", ""))
        if member is None:
            raise invalid(f"The filter '{f.get('Name')}' is invalid")
        out = [d for d in out if d[member] in f.get("Values", [])]
    return {"Tags": out}
