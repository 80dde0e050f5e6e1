"""The one place where a named dxlab error becomes AWS's error on the wire."""

from __future__ import annotations

import cbor2
import orjson

from dxlab.domain.errors import DxlabError
from dxlab.web.aws.model import CBOR_ERROR_NAMESPACE


def json_error(error: DxlabError) -> tuple[int, bytes]:
    return error.status, orjson.dumps({"__type": error.aws_code, "message": error.message})


def cbor_error(error: DxlabError) -> tuple[int, bytes]:
    body = {"__type": f"{CBOR_ERROR_NAMESPACE}#{error.aws_code}", "message": error.message}
    return error.status, cbor2.dumps(body)


def server_error() -> DxlabError:
    err = DxlabError("An internal error occurred in dxlab; see the server log.")
    err.aws_code = "DirectConnectServerException"
    err.status = 500
    return err
