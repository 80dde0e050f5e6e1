"""What the apps mounted on the port are given by the root app: the service bus (every
transaction), the AWS dispatcher (the console calls the same operations as boto3), and
who is asking (SigV4 as `--auth` says, keys looked up through the bus)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from dxlab.service.accounts import lookup_key
from dxlab.service.bus import Bus
from dxlab.service.context import Context, Settings
from dxlab.web.aws.auth import (
    Caller,
    KeyLookup,
    SignedRequest,
    check_single_authorization,
    identify,
)
from dxlab.web.aws.dispatch import Dispatcher
from dxlab.web.responses import Request


@dataclass
class WebHost:
    bus: Bus
    dispatcher: Dispatcher = field(init=False)

    def __post_init__(self) -> None:
        self.dispatcher = Dispatcher(self.bus)
        self._lookup = self.key_lookup()

    @property
    def settings(self) -> Settings:
        return self.bus.settings

    def context(self, account: str, request_id: str, region: str = "") -> Context:
        """`region`: the request's (its credential scope's); "" means the server's."""
        return self.bus.context(account, request_id, region)

    def key_lookup(self) -> KeyLookup:
        def lookup(access_key: str) -> tuple[str, str] | None:
            return self.bus.read(lambda uow: lookup_key(uow, access_key))

        return lookup

    def caller(self, request: Request, service: str = "directconnect") -> Caller:
        """The account and Region a SigV4-signed request acts for (AuthError when refused)."""
        scope = request.scope
        if len(scope["headers"]) != len(request.headers):  # a header name came twice
            check_single_authorization(scope["headers"])
        signed = SignedRequest(
            method=request.method,
            path=scope.get("raw_path", b"/").decode("latin-1").split("?", 1)[0] or "/",
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=request.headers,
            body=request.body,
        )
        return identify(signed, self.settings.auth, self._lookup, time.time(), service=service)
