"""The console's only way to the data: the same API operations (through the dispatcher,
so input validation and output are exactly what boto3 gets) and the same /_dxlab routes
the CLI calls, both on the service bus. No store access and no logic of its own."""

from __future__ import annotations

from typing import Any

from dxlab.domain.errors import NotFound
from dxlab.service import routes
from dxlab.service.context import Context
from dxlab.web.host import WebHost


class Backend:
    def __init__(self, host: WebHost, account: str, request_id: str, region: str = "") -> None:
        self.host = host
        self.account = account
        # The Region chosen in the console's top bar: every operation is asked of that
        # Region's endpoint, as the AWS console does ("" is the server's --region).
        self.ctx: Context = host.context(account, request_id, region)
        self.region = self.ctx.region

    def op(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """An API operation, as a client in this account would call it."""
        return self.host.dispatcher.call(name, body or {}, "json", self.ctx)

    def check(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """Validates a request of an API operation as the dispatcher would (the model's
        constraints, with the API's messages) without running it: the wizard checks its
        tags before the review page, where nothing is ordered yet."""
        from dxlab.web.aws.validate import parse_input

        parse_input(self.host.dispatcher.input_shape(name), body, "json")
        return {}

    def items(
        self, name: str, key: str, body: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
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

    def owned_ports(self) -> set[str]:
        """The IDs of this account's connections and LAGs."""
        return {
            *(c["connectionId"] for c in self.items("DescribeConnections", "connections")),
            *(g["lagId"] for g in self.items("DescribeLags", "lags")),
        }

    def route(self, method: str, path: str, args: dict[str, Any] | None = None) -> Any:
        """A /_dxlab route (path without the /_dxlab prefix), as the CLI calls it."""
        found = routes.match(self.host.bus.handlers.routes, method, "/_dxlab" + path)
        if found is None:
            raise NotFound(f"No dxlab route {method} /_dxlab{path}")
        route, params = found
        return self.host.bus.handle(
            route.handler, self.ctx, {**(args or {}), **params}, write=route.write
        )
