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


def find(uow: UnitOfWork, ctx: Context, kind: str, resource_id: str) -> Record:
    """The resource if it exists and the caller owns it; else AWS's not-found error.

    Another account's resource answers exactly like a missing one (no existence leak)."""
    rec = uow.get(kind, resource_id)
    if rec is None or rec.account != ctx.account:
        raise NotFound(f"Could not find {KIND_NAMES.get(kind, kind)} with ID {resource_id}")
    return rec


def find_port(uow: UnitOfWork, ctx: Context, resource_id: str) -> Record:
    """A connection or an interconnect (both dxcon- ids) the caller owns."""
    for kind in ("connection", "interconnect"):
        rec = uow.get(kind, resource_id)
        if rec is not None and rec.account == ctx.account:
            return rec
    raise NotFound(f"Could not find Connection with ID {resource_id}")


def page(items: list[Any], max_results: int | None, next_token: str | None) -> tuple[list[Any], str | None]:
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
