"""dxlab's own extension routes under /_dxlab/ (things the AWS API has no call for:
completing a cross-connect, approving prefixes, gateways that belong to EC2...).

Same shape as operations: a function of (unit of work, context, params) -> dict, marked
with @route and collected into service/operations.py's table."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dxlab.service.context import Context
from dxlab.store.repository import UnitOfWork

RouteHandler = Callable[[UnitOfWork, Context, dict[str, Any]], Any]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: RouteHandler
    write: bool


MARK = "dxlab_route"


def route(method: str, path: str, *, write: bool = False) -> Callable[[RouteHandler], RouteHandler]:
    """Mark `fn` as the handler of `path` (with `{name}` placeholders) under /_dxlab."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    pattern = re.compile(f"^/_dxlab{regex}$")

    def mark(fn: RouteHandler) -> RouteHandler:
        setattr(fn, MARK, Route(method, pattern, fn, write))
        return fn

    return mark


def marked(fn: object) -> Route | None:
    found = getattr(fn, MARK, None)
    return found if isinstance(found, Route) else None


def match(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for r in routes:
        m = r.pattern.match(path)
        if m and r.method == method:
            return r, m.groupdict()
    return None
