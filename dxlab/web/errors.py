"""The one place where a named dxlab error becomes AWS's error on the wire: the HTTP
status of each kind of error, and the errors only the wire can cause (a request that
cannot be read, a signature refused)."""

from __future__ import annotations

import cbor2
import orjson

from dxlab.domain.errors import AccessDenied, DxlabError
from dxlab.web.aws.model import CBOR_ERROR_NAMESPACE

# Every client error of the Direct Connect model is a 400 (DirectConnectClientException
# and its peers); what the wire adds has its own status.
STATUS: dict[type[DxlabError], int] = {AccessDenied: 403}
CLIENT_ERROR = 400


class WireError(DxlabError):
    """An error of the request itself, with the status the wire answers."""

    def __init__(self, message: str, aws_code: str, status: int) -> None:
        super().__init__(message)
        self.aws_code = aws_code
        self.status = status


class ProtocolError(WireError):
    """The request could not be read at all (bad JSON/CBOR, unknown operation)."""

    def __init__(self, message: str, aws_code: str = "SerializationException", status: int = 400):
        super().__init__(message, aws_code, status)


class AuthError(WireError):
    """Refused by SigV4 authentication."""

    def __init__(self, message: str, aws_code: str, status: int = 403) -> None:
        super().__init__(message, aws_code, status)


def status_of(error: DxlabError) -> int:
    if isinstance(error, WireError):
        return error.status
    return next((STATUS[k] for k in type(error).__mro__ if k in STATUS), CLIENT_ERROR)


def json_error(error: DxlabError) -> tuple[int, bytes]:
    return status_of(error), orjson.dumps({"__type": error.aws_code, "message": error.message})


def cbor_error(error: DxlabError) -> tuple[int, bytes]:
    body = {"__type": f"{CBOR_ERROR_NAMESPACE}#{error.aws_code}", "message": error.message}
    return status_of(error), cbor2.dumps(body)


def server_error() -> DxlabError:
    return WireError(
        "An internal error occurred in dxlab; see the server log.",
        "DirectConnectServerException",
        500,
    )
