"""Helpers every resource family uses: finding a resource the caller may see,
paging, tags on create."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dxlab.domain import quotas
from dxlab.domain.errors import NotFound
from dxlab.domain.tags import check_tags
from dxlab.service.context import Context
from dxlab.store.repository import Record, UnitOfWork

# What the guide calls each kind in its "Could not find ..." messages.
KIND_NAMES = {
    "connection": "Connection",
    "lag": "Lag",
    "interconnect": "Interconnect",
    "virtual_interface": "Virtual Interface",
    "dx_gateway": "Direct Connect Gateway",
    "resiliency_group": "Resiliency Group",
}


def in_region(rec: Record, ctx: Context) -> bool:
    """Whether the request's Region sees the record: connections, LAGs, interconnects and
    VIFs belong to one Region (each Region is its own endpoint on AWS); Direct Connect
    gateways and resiliency groups carry no Region and are seen from every one."""
    region = rec.doc.get("region")
    return region is None or rec.kind in GLOBAL_KINDS or region == ctx.region


# Direct Connect gateways are global (direct-connect-gateways-intro.md); so are resiliency
# groups (their ARNs have no Region).
GLOBAL_KINDS = frozenset({"dx_gateway", "resiliency_group"})


def find(uow: UnitOfWork, ctx: Context, kind: str, resource_id: str) -> Record:
    """The resource if it exists, the caller owns it and it is in the request's Region;
    else AWS's not-found error.

    Another account's or Region's resource answers exactly like a missing one (no
    existence leak)."""
    rec = uow.get(kind, resource_id)
    if rec is None or rec.account != ctx.account or not in_region(rec, ctx):
        raise NotFound(f"Could not find {KIND_NAMES.get(kind, kind)} with ID {resource_id}")
    return rec


def find_port(uow: UnitOfWork, ctx: Context, resource_id: str) -> Record:
    """A connection or an interconnect (both dxcon- ids) the caller owns, in its Region."""
    for kind in ("connection", "interconnect"):
        rec = uow.get(kind, resource_id)
        if rec is not None and rec.account == ctx.account and in_region(rec, ctx):
            return rec
    raise NotFound(f"Could not find Connection with ID {resource_id}")


def page(
    items: list[Any], max_results: int | None, next_token: str | None
) -> tuple[list[Any], str | None]:
    """Offset paging; maxResults above 100 is treated as 100 (FIDELITY.md)."""
    if max_results is None:
        return items, None
    size = max(1, min(max_results, quotas.MAX_RESULTS))
    start = int(next_token) if next_token and next_token.isdigit() else 0
    chunk = items[start : start + size]
    more = start + size < len(items)
    return chunk, str(start + size) if more else None


def initial_tags(request: Mapping[str, Any]) -> list[dict[str, str]]:
    tags = request.get("tags")
    if tags is None:
        return []
    check_tags(tags)
    return [{"key": t["key"], "value": t.get("value", "")} for t in tags]
