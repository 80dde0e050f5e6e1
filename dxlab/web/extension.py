"""Serves the /_dxlab/ extension routes as plain JSON (errors in AWS's JSON shape), each
handler run on the service bus like an API operation."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

import orjson

from dxlab.domain.errors import DxlabError, NotFound
from dxlab.service import routes
from dxlab.service.reset import check_allowed
from dxlab.web import errors
from dxlab.web.aws.auth import DEFAULT_ACCOUNT, Caller
from dxlab.web.errors import ProtocolError
from dxlab.web.host import WebHost
from dxlab.web.responses import Request, Send, respond

log = logging.getLogger("dxlab.web.extension")
JSON = "application/json"


class ExtensionApp:
    def __init__(self, host: WebHost) -> None:
        self.host = host

    def caller(self, request: Request) -> Caller:
        # The console and curl may call without SigV4 in permissive mode (X-Dxlab-Account,
        # X-Dxlab-Region name who and where; the server's --region by default).
        signed = "authorization" in request.headers or "X-Amz-Signature=" in request.scope.get(
            "query_string", b""
        ).decode("latin-1")
        if not signed and self.host.settings.auth != "strict":
            headers = request.headers
            return Caller(
                headers.get("x-dxlab-account", DEFAULT_ACCOUNT), headers.get("x-dxlab-region", "")
            )
        return self.host.caller(request)

    async def __call__(self, request: Request, send: Send) -> None:
        scope, request_id = request.scope, request.request_id
        try:
            found = routes.match(self.host.bus.handlers.routes, request.method, request.path)
            if found is None:
                raise NotFound(f"No dxlab route {request.method} {request.path}")
            route, params = found
            if request.path == "/_dxlab/reset":
                # Refused before credentials are asked for: on a server not started for
                # tests (or a strict one) the answer is why, whoever asks.
                check_allowed(self.host.context(DEFAULT_ACCOUNT, request_id))
            caller = self.caller(request)
            query = dict(parse_qsl(scope.get("query_string", b"").decode()))
            try:
                payload = orjson.loads(request.body) if request.body.strip() else {}
            except orjson.JSONDecodeError as exc:
                raise ProtocolError(f"Request body is not valid JSON: {exc}") from None
            if not isinstance(payload, dict):
                raise ProtocolError("Request body must be a JSON object")
            ctx = self.host.context(caller.account, request_id, caller.region)
            result = self.host.bus.handle(
                route.handler, ctx, {**query, **payload, **params}, write=route.write
            )
            if isinstance(result, (bytes, bytearray)):
                await respond(send, 200, bytes(result), "application/octet-stream", request_id)
                return
            await respond(send, 200, orjson.dumps(result), JSON, request_id)
        except DxlabError as err:
            status, body = errors.json_error(err)
            await respond(send, status, body, JSON, request_id)
        except Exception:  # noqa: BLE001
            log.exception("unexpected error in %s", request_id)
            status, body = errors.json_error(errors.server_error())
            await respond(send, status, body, JSON, request_id)
