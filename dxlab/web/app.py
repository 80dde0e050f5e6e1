"""The ASGI app: both wire protocols of the model, the /_dxlab extension routes and the
console, on one port. Every response carries x-amzn-RequestId; no request, however
malformed, gets a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import cbor2
import orjson

from dxlab.domain.errors import DxlabError, ProtocolError
from dxlab.service.clock import TestClock
from dxlab.service.context import Context, Settings
from dxlab.store.repository import Store
from dxlab.web import errors
from dxlab.web.aws import sts
from dxlab.web.aws.auth import KeyLookup, SignedRequest, authenticate
from dxlab.web.aws.dispatch import Dispatcher
from dxlab.web.aws.model import TARGET_PREFIX
from dxlab.web.aws.serialize import encode_cbor, encode_json

log = logging.getLogger("dxlab.web.aws")

MAX_BODY = 1024 * 1024  # bytes; larger requests are refused before parsing
CBOR_PREFIX = f"/service/{TARGET_PREFIX}/operation/"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    pass


class DxlabApp:
    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.dispatcher = Dispatcher(store)
        self.test_clock = TestClock.load(store) if self.settings.test_clock else None
        self._ticker: asyncio.Task[None] | None = None
        from dxlab.web.extension import ExtensionRoutes

        self.extension = ExtensionRoutes(self)

    # -- plumbing -------------------------------------------------------------------
    def key_lookup(self) -> KeyLookup:
        from dxlab.service.accounts import lookup_key

        def lookup(access_key: str) -> tuple[str, str] | None:
            with self.store.read() as uow:
                return lookup_key(uow, access_key)

        return lookup

    def context(self, account: str, request_id: str) -> Context:
        if self.test_clock is None:
            return Context(account=account, settings=self.settings, request_id=request_id)
        # --test-clock: time.time() + the offset tests move forward (service/clock.py).
        return Context(account=account, settings=self.settings, clock=self.test_clock.now,
                       request_id=request_id, extras={"test_clock": self.test_clock})  # fmt: skip

    async def _tick(self) -> None:
        """Fires due timers when no request comes to do it (provisioning, test expiry)."""
        while True:
            await asyncio.sleep(0.25)
            try:
                self.dispatcher.fire_timers(self.context("000000000000", "timer"))
            except Exception:  # noqa: BLE001 - a timer must never stop the ticker
                log.exception("timer failed")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request_id = str(uuid.uuid4())
        path = scope.get("path", "/")
        try:
            _check_length(scope)
            body = await _read_body(receive)
        except Disconnected:
            return  # the client is gone: a cut-off request is never acted on
        except TooLarge:
            await _refuse_too_large(path, send, request_id)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if path.startswith(CBOR_PREFIX):
            await self._cbor(scope, headers, body, send, request_id, unquote(path[len(CBOR_PREFIX):]))
        elif path.startswith("/_dxlab/"):
            await self.extension.handle(scope, headers, body, send, request_id)
        elif path.startswith("/console"):
            from dxlab.web.console import serve_console

            await serve_console(self, scope, send, request_id, headers, body)
        elif scope["method"] == "POST" and path == "/" and sts.is_sts_request(headers, body):
            await self._sts(scope, headers, body, send, request_id)
        elif scope["method"] == "POST" and path == "/":
            await self._json(scope, headers, body, send, request_id)
        elif scope["method"] in ("GET", "HEAD") and path == "/" and "x-amz-target" not in headers:
            text = b"dxlab: AWS Direct Connect on one machine. POST awsJson1.1 requests to /.\n"
            await _respond(send, 200, text, "text/plain", request_id)
        else:
            await _not_an_api_request(scope["method"], path, headers, send, request_id)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._ticker = asyncio.create_task(self._tick())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._ticker:
                    self._ticker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._ticker
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _account(self, scope: Scope, headers: dict[str, str], body: bytes, service: str = "directconnect") -> str:
        request = SignedRequest(
            method=scope["method"],
            path=scope.get("raw_path", b"/").decode("latin-1").split("?", 1)[0] or "/",
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
        )
        return authenticate(request, self.settings.auth, self.key_lookup(), time.time(), self.settings.region, service)

    async def _sts(
        self, scope: Scope, headers: dict[str, str], body: bytes, send: Send, request_id: str
    ) -> None:
        """STS GetCallerIdentity (see `dxlab.web.aws.sts`), for tools that ask it first."""
        try:
            action = sts.action_of(body)
            if action != "GetCallerIdentity":
                raise sts.unsupported(action)
            account = self._account(scope, headers, body, service="sts")  # signed for STS, not DX
            status, payload = 200, sts.caller_identity(account, request_id)
        except DxlabError as err:
            status, payload = sts.error(err, request_id)
        except Exception:  # noqa: BLE001 - never a traceback on the wire
            log.exception("unexpected error in %s", request_id)
            status, payload = sts.error(errors.server_error(), request_id)
        await _respond(send, status, payload, sts.CONTENT_TYPE, request_id)

    async def _json(
        self, scope: Scope, headers: dict[str, str], body: bytes, send: Send, request_id: str
    ) -> None:
        ctype = "application/x-amz-json-1.1"
        try:
            target = headers.get("x-amz-target", "")
            prefix, _, op_name = target.partition(".")
            if prefix != TARGET_PREFIX or not op_name:
                raise ProtocolError(
                    f"Unknown or missing X-Amz-Target: {target!r}",
                    aws_code="UnknownOperationException",
                )
            self.dispatcher.input_shape(op_name)  # an unknown operation is named before auth
            account = self._account(scope, headers, body)
            try:
                decoded = orjson.loads(body) if body.strip() else {}
            except orjson.JSONDecodeError as exc:
                raise ProtocolError(f"Request body is not valid JSON: {exc}") from None
            result = await self.dispatcher.call_async(op_name, decoded, "json", self.context(account, request_id))
            await _respond(send, 200, encode_json(result), ctype, request_id)
        except DxlabError as err:
            status, payload = errors.json_error(err)
            await _respond(send, status, payload, ctype, request_id)
        except Exception:  # noqa: BLE001 - never a traceback on the wire
            log.exception("unexpected error in %s", request_id)
            status, payload = errors.json_error(errors.server_error())
            await _respond(send, status, payload, ctype, request_id)

    async def _cbor(
        self,
        scope: Scope,
        headers: dict[str, str],
        body: bytes,
        send: Send,
        request_id: str,
        op_name: str,
    ) -> None:
        ctype = "application/cbor"
        extra = [(b"smithy-protocol", b"rpc-v2-cbor")]
        try:
            if scope["method"] != "POST":
                raise ProtocolError("rpc-v2-cbor requests must be POST")
            protocol = headers.get("smithy-protocol")
            if protocol != "rpc-v2-cbor":
                said = "is missing" if protocol is None else f"is {protocol!r}"
                raise ProtocolError(f"Header smithy-protocol {said}; it must be rpc-v2-cbor")
            self.dispatcher.input_shape(op_name)  # an unknown operation is named before auth
            account = self._account(scope, headers, body)
            decoded = _decode_cbor(body)
            result = await self.dispatcher.call_async(op_name, decoded, "cbor", self.context(account, request_id))
            payload = encode_cbor(self.dispatcher.output_shape(op_name), result)
            await _respond(send, 200, payload, ctype, request_id, extra)
        except DxlabError as err:
            status, payload = errors.cbor_error(err)
            await _respond(send, status, payload, ctype, request_id, extra)
        except Exception:  # noqa: BLE001
            log.exception("unexpected error in %s", request_id)
            status, payload = errors.cbor_error(errors.server_error())
            await _respond(send, status, payload, ctype, request_id, extra)


def _decode_cbor(body: bytes) -> Any:
    """One CBOR data item and nothing after it (smithy-rpc-v2-cbor request body)."""
    if not body:
        return {}
    stream = io.BytesIO(body)
    try:
        decoded = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # noqa: BLE001 - cbor2 raises several kinds
        raise ProtocolError(f"Request body is not valid CBOR: {exc}") from None
    if stream.tell() != len(body):
        raise ProtocolError(
            f"Request body is not valid CBOR: {len(body) - stream.tell()} bytes after the data item"
        )
    return decoded


async def _not_an_api_request(
    method: str, path: str, headers: dict[str, str], send: Send, request_id: str
) -> None:
    """A client that reached the wrong method or path still gets an AWS error body."""
    err = ProtocolError(
        f"{method} {path} is not an AWS Direct Connect request:"
        " awsJson1.1 requests are POST /, rpc-v2-cbor requests POST"
        f" {CBOR_PREFIX}<Operation>",
        "UnknownOperationException",
        404 if path != "/" else 405,
    )
    if headers.get("smithy-protocol") == "rpc-v2-cbor":  # e.g. another service's name
        extra = [(b"smithy-protocol", b"rpc-v2-cbor")]
        status, payload = errors.cbor_error(err)
        await _respond(send, status, payload, "application/cbor", request_id, extra)
    else:
        status, payload = errors.json_error(err)
        await _respond(send, status, payload, "application/x-amz-json-1.1", request_id)


async def _refuse_too_large(path: str, send: Send, request_id: str) -> None:
    """413 in the protocol the client spoke."""
    err = ProtocolError(
        f"Request body too large (more than {MAX_BODY} bytes)", "RequestEntityTooLargeException", 413
    )
    if path.startswith(CBOR_PREFIX):
        status, payload = errors.cbor_error(err)
        extra = [(b"smithy-protocol", b"rpc-v2-cbor")]
        await _respond(send, status, payload, "application/cbor", request_id, extra)
    else:
        status, payload = errors.json_error(err)
        await _respond(send, status, payload, "application/x-amz-json-1.1", request_id)


def _check_length(scope: Scope) -> None:
    """Refuses a declared oversized body before reading any of it."""
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                return  # the HTTP server has already refused a malformed length
            if declared > MAX_BODY:
                raise TooLarge


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    request_id: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["DxlabApp"]
