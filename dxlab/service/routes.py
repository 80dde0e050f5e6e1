"""dxlab's own extension routes under /_dxlab/ (things the AWS API has no call for:
completing a cross-connect, approving prefixes, gateways that belong to EC2...).

Same shape as operations: a function of (unit of work, context, params) -> dict."""

from __future__ import annotations

import re
from collections.abc import Callable
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


ROUTES: list[Route] = []


def route(method: str, path: str, *, write: bool = False) -> Callable[[RouteHandler], RouteHandler]:
    """Register `path` (with `{name}` placeholders) under /_dxlab."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    pattern = re.compile(f"^/_dxlab{regex}$")

    def register(fn: RouteHandler) -> RouteHandler:
        ROUTES.append(Route(method, pattern, fn, write))
        return fn

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for r in ROUTES:
        m = r.pattern.match(path)
        if m and r.method == method:
            return r, m.groupdict()
    return None
