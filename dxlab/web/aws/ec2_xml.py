"""EC2's response side of the `ec2` query protocol, generic over botocore's ec2 model:
the XML that botocore's `EC2QueryParser` reads (parsers.py), written as LocalStack's
`EC2ResponseSerializer` writes it.

`<CreateVpcResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>..
</requestId><vpc>..</vpc></CreateVpcResponse>`: members by their `locationName`, list
items as `<item>` (the list member's locationName), booleans as `true`/`false`,
timestamps in ISO 8601. Errors: `<Response><Errors><Error><Code>..</Code><Message>..
</Message></Error></Errors><RequestID>..</RequestID></Response>`."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from xml.sax.saxutils import escape

from dxlab.domain.errors import DxlabError
from dxlab.web import errors
from dxlab.web.aws.ec2_model import XML_NAMESPACE, output_shape, shapes

CONTENT_TYPE = "text/xml;charset=UTF-8"
# dxlab's own tests: a handler's answer must use the model's member names only.
CHECK_OUTPUT = os.environ.get("DXLAB_CHECK_OUTPUT") == "1"


def response(action: str, result: dict[str, Any], request_id: str) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{XML_NAMESPACE}">']
    parts.append(f"<requestId>{escape(request_id)}</requestId>")
    shape = output_shape(action)
    if shape is not None:
        _members(parts, shapes()[shape], result)
    else:
        # Actions without an output shape (CreateTags, DeleteVpc) answer <return>true</return>.
        parts.append("<return>true</return>")
    parts.append(f"</{action}Response>")
    return "".join(parts).encode()


def _members(parts: list[str], shape: dict[str, Any], value: dict[str, Any]) -> None:
    members = shape.get("members", {})
    if CHECK_OUTPUT and not set(value) <= set(members):
        raise AssertionError(
            f"members {sorted(set(value) - set(members))} are not in the model's shape"
        )
    for name, member in members.items():
        if name not in value or value[name] is None:
            continue
        tag = member.get("locationName", name)
        _element(parts, tag, member["shape"], value[name])


def _element(parts: list[str], tag: str, shape_name: str, value: Any) -> None:
    shape = shapes()[shape_name]
    kind = shape["type"]
    if kind == "structure":
        parts.append(f"<{tag}>")
        _members(parts, shape, value)
        parts.append(f"</{tag}>")
    elif kind == "list":
        item = shape["member"].get("locationName", "member")
        parts.append(f"<{tag}>")
        for v in value:
            _element(parts, item, shape["member"]["shape"], v)
        parts.append(f"</{tag}>")
    elif kind == "map":
        parts.append(f"<{tag}>")
        for k, v in value.items():
            parts.append(f"<entry><key>{escape(str(k))}</key>")
            _element(parts, "value", shape["value"]["shape"], v)
            parts.append("</entry>")
        parts.append(f"</{tag}>")
    else:
        parts.append(f"<{tag}>{escape(_scalar(kind, value))}</{tag}>")


def _scalar(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        when = (
            value
            if isinstance(value, dt.datetime)
            else dt.datetime.fromtimestamp(float(value), dt.UTC)
        )
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return str(value)


def code_and_status(err: DxlabError) -> tuple[str, int]:
    """EC2's error code and HTTP status for an error: 400 for a client's, 500
    (InternalError) for ours."""
    code, status = _AUTH.get(err.aws_code, (ec2_code(err), 0))
    status = status or _STATUS.get(code) or errors.status_of(err)
    if err.aws_code == "InvalidSignatureException" and err.message.startswith("Signature expired"):
        code, status = "RequestExpired", 400
    return code, status


def error(err: DxlabError, request_id: str) -> tuple[int, bytes]:
    """EC2's error body, with the code and status of `code_and_status`."""
    code, status = code_and_status(err)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{escape(code)}</Code>"
        f"<Message>{escape(err.message)}</Message></Error></Errors>"
        f"<RequestID>{escape(request_id)}</RequestID></Response>"
    )
    return status, body.encode()


# EC2's codes whose status is not 400 (a dry run that would have succeeded).
_STATUS = {"DryRunOperation": 412}
# SigV4 refusals (web/aws/sigv4.py) as EC2 names them ("Common client error codes").
_AUTH = {
    "UnrecognizedClientException": ("AuthFailure", 401),
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "IncompleteSignatureException": ("IncompleteSignature", 400),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 401),
}


# Errors raised by code that Direct Connect shares with EC2 (the gateway rules, auth)
# carry Direct Connect's code; EC2 names them by kind.
_BY_KIND = {
    "ValidationError": "InvalidParameterValue",
    "NotFound": "InvalidParameterValue",
    "Conflict": "IncorrectState",
    "LimitExceeded": "ResourceLimitExceeded",
    "NotSupported": "UnsupportedOperation",
    "ProtocolError": "InvalidParameterValue",
}


def ec2_code(err: DxlabError) -> str:
    if err.aws_code == "DirectConnectServerException":
        return "InternalError"
    if err.aws_code != "DirectConnectClientException":
        return err.aws_code
    return _BY_KIND.get(type(err).__name__, "InvalidParameterValue")
