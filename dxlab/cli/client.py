"""Clients the CLI and `dxlab.testing` use to talk to a running server: boto3 for the
API, and SigV4-signed JSON calls for the /_dxlab extension routes."""

from __future__ import annotations

import os
from typing import Any

import boto3
import orjson
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.session import get_session

from dxlab.domain.errors import DxlabError

_http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=2, read=120))


def _credentials() -> Credentials:
    creds = get_session().get_credentials()
    if creds is not None:
        return creds
    return Credentials("123456789012", "dxlab")


def default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def api(endpoint: str, **kwargs: Any) -> Any:
    """A boto3 Direct Connect client for `endpoint` (credentials from the usual variables,
    else the default dxlab account)."""
    creds = _credentials()
    return boto3.client(
        "directconnect",
        endpoint_url=endpoint,
        region_name=kwargs.pop("region_name", default_region()),
        aws_access_key_id=kwargs.pop("aws_access_key_id", creds.access_key),
        aws_secret_access_key=kwargs.pop("aws_secret_access_key", creds.secret_key),
        **kwargs,
    )


class ExtensionError(DxlabError):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.aws_code = code
        self.status = status


def ext(
    endpoint: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> Any:
    """Call a /_dxlab route, signed like any AWS request (as `account` when given: a
    12-digit access key id selects that account in permissive mode), for `region` (the
    credential scope names it; AWS_REGION / AWS_DEFAULT_REGION by default)."""
    url = endpoint.rstrip("/") + "/_dxlab" + path
    data = orjson.dumps(body) if body is not None else b""
    request = AWSRequest(
        method=method, url=url, data=data, headers={"content-type": "application/json"}
    )
    creds = Credentials(account, "dxlab") if account else _credentials()
    SigV4Auth(creds, "directconnect", region or default_region()).add_auth(request)
    response = _http.request(method, url, body=data or None, headers=dict(request.headers.items()))
    if response.status >= 400:
        try:
            err = orjson.loads(response.data)
        except orjson.JSONDecodeError:
            err = {
                "__type": str(response.status),
                "message": response.data.decode(errors="replace"),
            }
        raise ExtensionError(err.get("__type", "Error"), err.get("message", ""), response.status)
    if response.headers.get("content-type", "").startswith("application/json"):
        return orjson.loads(response.data)
    return response.data
