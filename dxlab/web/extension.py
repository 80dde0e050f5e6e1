"""Serves the /_dxlab/ extension routes as plain JSON (errors in AWS's JSON shape)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson

from dxlab.domain.errors import DxlabError, NotFound, ProtocolError
from dxlab.service import routes
from dxlab.web import errors
from dxlab.web.aws.auth import DEFAULT_ACCOUNT, SignedRequest, authenticate

if TYPE_CHECKING:
    from dxlab.web.app import DxlabApp

log = logging.getLogger("dxlab.web.aws")


class ExtensionRoutes:
    def __init__(self, app: DxlabApp) -> None:
        self.app = app

    def account(self, scope: dict[str, Any], headers: dict[str, str], body: bytes) -> str:
        # The console and curl may call without SigV4 in permissive mode.
        if "authorization" not in headers and self.app.settings.auth != "strict":
            return headers.get("x-dxlab-account", DEFAULT_ACCOUNT)
        raw_path = scope.get("raw_path") or scope.get("path", "/").encode()
        request = SignedRequest(
            scope["method"], raw_path.decode("latin-1"), scope.get("query_string", b"").decode(), headers, body
        )
        settings = self.app.settings
        return authenticate(request, settings.auth, self.app.key_lookup(), time.time(), settings.region)

    async def handle(
        self, scope: dict[str, Any], headers: dict[str, str], body: bytes, send: Any, request_id: str
    ) -> None:
        from dxlab.web.app import _respond

        ctype = "application/json"
        try:
            found = routes.match(scope["method"], scope["path"])
            if found is None:
                raise NotFound(f"No dxlab route {scope['method']} {scope['path']}")
            route, params = found
            account = self.account(scope, headers, body)
            query = dict(parse_qsl(scope.get("query_string", b"").decode()))
            try:
                payload = orjson.loads(body) if body.strip() else {}
            except orjson.JSONDecodeError as exc:
                raise ProtocolError(f"Request body is not valid JSON: {exc}") from None
            if not isinstance(payload, dict):
                raise ProtocolError("Request body must be a JSON object")
            args = {**query, **payload, **params}
            ctx = self.app.context(account, request_id)
            self.app.dispatcher.fire_timers(ctx)
            opener = self.app.store.write if route.write else self.app.store.read
            with opener() as uow:
                result = route.handler(uow, ctx, args)
            if isinstance(result, (bytes, bytearray)):
                await _respond(send, 200, bytes(result), "application/octet-stream", request_id)
                return
            await _respond(send, 200, orjson.dumps(result), ctype, request_id)
        except DxlabError as err:
            status, payload_bytes = errors.json_error(err)
            await _respond(send, status, payload_bytes, ctype, request_id)
        except Exception:  # noqa: BLE001
            log.exception("unexpected error in %s", request_id)
            status, payload_bytes = errors.json_error(errors.server_error())
            await _respond(send, status, payload_bytes, ctype, request_id)
