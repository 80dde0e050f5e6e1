"""The console's only way to the data: the same API operations (through the dispatcher,
so input validation and output are exactly what boto3 gets) and the same /_dxlab routes
the CLI calls. No store access and no logic of its own (DESIGN: console calls service)."""

from __future__ import annotations

from typing import Any

from dxlab.domain.errors import NotFound
from dxlab.service import routes
from dxlab.service.context import Context


class Backend:
    def __init__(self, app: Any, account: str, request_id: str) -> None:
        self.app = app
        self.account = account
        self.ctx: Context = app.context(account, request_id)

    def op(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """An API operation, as a client in this account would call it."""
        return self.app.dispatcher.call(name, body or {}, "json", self.ctx)

    def items(self, name: str, key: str, body: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every page of a listing operation."""
        out: list[dict[str, Any]] = []
        request = dict(body or {})
        for _ in range(1000):  # bounded: 1000 pages
            page = self.op(name, request)
            out += page.get(key, [])
            if not page.get("nextToken"):
                break
            request["nextToken"] = page["nextToken"]
        return out

    def route(self, method: str, path: str, args: dict[str, Any] | None = None) -> Any:
        """A /_dxlab route (path without the /_dxlab prefix), as the CLI calls it."""
        found = routes.match(method, "/_dxlab" + path)
        if found is None:
            raise NotFound(f"No dxlab route {method} /_dxlab{path}")
        route, params = found
        self.app.dispatcher.fire_timers(self.ctx)
        opener = self.app.store.write if route.write else self.app.store.read
        with opener() as uow:
            return route.handler(uow, self.ctx, {**(args or {}), **params})
