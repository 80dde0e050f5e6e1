"""The AWS endpoint: both wire protocols of the Direct Connect model (awsJson1.1 at POST /,
smithy-rpc-v2-cbor at /service/OvertureService/operation/<Operation>), EC2's query
protocol (a form-encoded POST / signed for ec2, see ec2_endpoint.py) and STS
GetCallerIdentity, which tools such as Terraform ask first. Every answer, however
malformed the request, is an AWS error body in the protocol the client spoke."""

from __future__ import annotations

import io
import logging
from typing import Any
from urllib.parse import unquote

import cbor2
import orjson

from dxlab.domain.errors import DxlabError
from dxlab.web import calllog, errors
from dxlab.web.aws import ec2_endpoint, ec2_query, ec2_xml, sts
from dxlab.web.aws.model import TARGET_PREFIX
from dxlab.web.aws.serialize import encode_cbor, encode_json
from dxlab.web.errors import ProtocolError
from dxlab.web.host import WebHost
from dxlab.web.responses import Request, Send, respond

log = logging.getLogger("dxlab.web.aws")

CBOR_PREFIX = f"/service/{TARGET_PREFIX}/operation/"


class AwsApp:
    def __init__(self, host: WebHost) -> None:
        self.host = host
        self.dispatcher = host.dispatcher

    async def __call__(self, request: Request, send: Send) -> None:
        scope, headers, body, request_id, path = (
            request.scope,
            request.headers,
            request.body,
            request.request_id,
            request.path,
        )
        if path.startswith(CBOR_PREFIX):
            await self._cbor(request, send, unquote(path[len(CBOR_PREFIX) :]))
        elif scope["method"] == "POST" and path == "/" and ec2_query.is_ec2_request(headers, body):
            status, payload = await ec2_endpoint.call(self.host, request)
            await respond(send, status, payload, ec2_xml.CONTENT_TYPE, request_id)
        elif scope["method"] == "POST" and path == "/" and sts.is_sts_request(headers, body):
            await self._sts(request, send)
        elif scope["method"] == "POST" and path == "/":
            await self._json(request, send)
        elif scope["method"] in ("GET", "HEAD") and path == "/" and "x-amz-target" not in headers:
            text = b"dxlab: AWS Direct Connect on one machine. POST awsJson1.1 requests to /.\n"
            await respond(send, 200, text, "text/plain", request_id)
        else:
            await _not_an_api_request(scope["method"], path, headers, send, request_id)

    async def _sts(self, request: Request, send: Send) -> None:
        body, request_id = request.body, request.request_id
        """STS GetCallerIdentity (see `dxlab.web.aws.sts`), for tools that ask it first."""
        call = calllog.start()
        try:
            action = sts.action_of(body)
            call.operation = action or "-"
            if action != "GetCallerIdentity":
                raise sts.unsupported(action)
            caller = self.host.caller(request, service="sts")  # signed for STS, not DX
            call.account, call.region = caller.account, caller.region or self.host.settings.region
            status, payload = 200, sts.caller_identity(caller.account, request_id)
            call.failed(200, "-")
        except DxlabError as err:
            status, payload = sts.error(err, request_id)
            call.failed(status, err.aws_code)
        except Exception:  # noqa: BLE001 - never a traceback on the wire
            log.exception("unexpected error in %s", request_id)
            failure = errors.server_error()
            status, payload = sts.error(failure, request_id)
            call.failed(status, failure.aws_code)
        finally:
            call.done()
        await respond(send, status, payload, sts.CONTENT_TYPE, request_id)

    async def _json(self, request: Request, send: Send) -> None:
        headers, body, request_id = request.headers, request.body, request.request_id
        ctype = "application/x-amz-json-1.1"
        call = calllog.start()
        try:
            target = headers.get("x-amz-target", "")
            prefix, _, op_name = target.partition(".")
            call.operation = op_name or target or "-"
            if prefix != TARGET_PREFIX or not op_name:
                raise ProtocolError(
                    f"Unknown or missing X-Amz-Target: {target!r}",
                    aws_code="UnknownOperationException",
                )
            self.dispatcher.input_shape(op_name)  # an unknown operation is named before auth
            caller = self.host.caller(request)
            call.account, call.region = caller.account, caller.region or self.host.settings.region
            try:
                decoded = orjson.loads(body) if body.strip() else {}
            except orjson.JSONDecodeError as exc:
                raise ProtocolError(f"Request body is not valid JSON: {exc}") from None
            ctx = self.host.context(caller.account, request_id, caller.region)
            result = await self.dispatcher.call_async(
                op_name, decoded, "json", ctx, alone=request.alone
            )
            call.failed(200, "-")
            await respond(send, 200, encode_json(result), ctype, request_id)
        except DxlabError as err:
            status, payload = errors.json_error(err)
            call.failed(status, err.aws_code)
            await respond(send, status, payload, ctype, request_id)
        except Exception:  # noqa: BLE001 - never a traceback on the wire
            log.exception("unexpected error in %s", request_id)
            status, payload = errors.json_error(errors.server_error())
            call.failed(status, "DirectConnectServerException")
            await respond(send, status, payload, ctype, request_id)
        finally:
            call.done()

    async def _cbor(self, request: Request, send: Send, op_name: str) -> None:
        scope, headers, body, request_id = (
            request.scope,
            request.headers,
            request.body,
            request.request_id,
        )
        ctype = "application/cbor"
        extra = [(b"smithy-protocol", b"rpc-v2-cbor")]
        call = calllog.start()
        call.operation = op_name or "-"
        try:
            if scope["method"] != "POST":
                raise ProtocolError("rpc-v2-cbor requests must be POST")
            protocol = headers.get("smithy-protocol")
            if protocol != "rpc-v2-cbor":
                said = "is missing" if protocol is None else f"is {protocol!r}"
                raise ProtocolError(f"Header smithy-protocol {said}; it must be rpc-v2-cbor")
            self.dispatcher.input_shape(op_name)  # an unknown operation is named before auth
            caller = self.host.caller(request)
            call.account, call.region = caller.account, caller.region or self.host.settings.region
            decoded = _decode_cbor(body)
            ctx = self.host.context(caller.account, request_id, caller.region)
            result = await self.dispatcher.call_async(
                op_name, decoded, "cbor", ctx, alone=request.alone
            )
            payload = encode_cbor(self.dispatcher.output_shape(op_name), result)
            call.failed(200, "-")
            await respond(send, 200, payload, ctype, request_id, extra)
        except DxlabError as err:
            status, payload = errors.cbor_error(err)
            call.failed(status, err.aws_code)
            await respond(send, status, payload, ctype, request_id, extra)
        except Exception:  # noqa: BLE001
            log.exception("unexpected error in %s", request_id)
            status, payload = errors.cbor_error(errors.server_error())
            call.failed(status, "DirectConnectServerException")
            await respond(send, status, payload, ctype, request_id, extra)
        finally:
            call.done()


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
        await respond(send, status, payload, "application/cbor", request_id, extra)
    else:
        status, payload = errors.json_error(err)
        await respond(send, status, payload, "application/x-amz-json-1.1", request_id)
