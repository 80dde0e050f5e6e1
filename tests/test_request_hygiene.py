"""Bad input and odd signing, from a fuzzing run over every operation: each refused with
an AWS error body (exception name, status, a clear message), nothing changed; and the
presigned (query-string) SigV4 the real service accepts, accepted."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import urllib3
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.aws_errors import error_of
from tests.conftest import ServerProcess
from tests.test_auth import Keys, register

_http = urllib3.PoolManager(retries=False, timeout=10)
TARGET = "OvertureService.DescribeConnections"


def presigned(
    endpoint: str, access_key: str, secret: str, expires: int = 300
) -> tuple[str, dict[str, str]]:
    """A POST DescribeConnections signed in its query string (botocore's SigV4QueryAuth)."""
    request = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=b"",
        headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"},
    )
    SigV4QueryAuth(
        Credentials(access_key, secret), "directconnect", "us-east-1", expires=expires
    ).add_auth(request)
    return request.url, dict(request.headers.items())


def post(
    url: str, headers: dict[str, str] | list[tuple[str, str]], body: bytes = b""
) -> tuple[int, dict[str, Any]]:
    answer = _http.request("POST", url, body=body, headers=headers)
    return answer.status, orjson.loads(answer.data)


# -- presigned SigV4 -------------------------------------------------------------------


def test_presigned_request_is_accepted_in_permissive_mode(
    server: ServerProcess, account: str
) -> None:
    server.client(account).create_connection(
        location="EqDC2", bandwidth="1Gbps", connectionName="p"
    )
    url, headers = presigned(server.endpoint, account, "anything")
    status, body = post(url, headers)
    assert status == 200 and [c["connectionName"] for c in body["connections"]] == ["p"]


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = f"sqlite:///{tmp_path_factory.mktemp('strict') / 'dxlab.db'}"
    srv = ServerProcess(db, args=("--auth", "strict")).start()
    yield srv
    srv.stop()


def test_presigned_request_is_verified_in_strict_mode(strict: ServerProcess, account: str) -> None:
    keys: Keys = register(strict.db, account)
    url, headers = presigned(strict.endpoint, keys.access_key, keys.secret)
    status, body = post(url, headers)
    assert (status, body) == (200, {"connections": []})
    # The wrong secret, and a tampered query, are refused as AWS refuses them.
    url, headers = presigned(strict.endpoint, keys.access_key, "not-the-secret")
    assert post(url, headers)[1]["__type"] == "InvalidSignatureException"
    url, headers = presigned(strict.endpoint, keys.access_key, keys.secret)
    status, body = post(url.replace("X-Amz-Expires=300", "X-Amz-Expires=301"), headers)
    assert (status, body["__type"]) == (403, "InvalidSignatureException")


def test_presigned_and_header_together_are_refused(server: ServerProcess, account: str) -> None:
    url, headers = presigned(server.endpoint, account, "x")
    headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/directconnect/aws4_request, SignedHeaders=host, Signature="
        + "0" * 64
    )
    status, body = post(url, headers)
    assert (status, body["__type"]) == (
        403,
        "InvalidSignatureException",
    ) and "one authentication method" in body["message"]


# -- two Authorization headers --------------------------------------------------------


def _signed_headers(endpoint: str, account: str) -> dict[str, str]:
    request = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=b"{}",
        headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"},
    )
    SigV4Auth(Credentials(account, "x"), "directconnect", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_two_authorization_headers_are_refused(server: ServerProcess, account: str) -> None:
    good = _signed_headers(server.endpoint, account)
    other = _signed_headers(server.endpoint, "210987654321")
    assert post(server.endpoint + "/", good, b"{}")[0] == 200
    pairs = [*good.items(), ("Authorization", other["Authorization"])]
    status, body = post(server.endpoint + "/", pairs, b"{}")
    assert (status, body["__type"]) == (403, "IncompleteSignatureException")
    assert "more than one Authorization header" in body["message"]


# -- a NUL byte in X-Amz-Target -------------------------------------------------------


def test_nul_in_a_header_gets_an_aws_error_body(server: ServerProcess) -> None:
    host, port = server.endpoint.removeprefix("http://").split(":")
    raw = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: OvertureService.Describe\x00Connections\r\n"
        b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"
    )
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert b"x-amzn-requestid: " in head.lower() and b"application/x-amz-json-1.1" in head
    error = orjson.loads(body)
    assert error["__type"] == "SerializationException" and "not valid HTTP" in error["message"]


# -- an LOA for a provider name the letter cannot carry -------------------------------


@pytest.mark.parametrize("operation", ["describe_loa", "describe_connection_loa"])
def test_loa_for_a_very_long_provider_name_is_a_clear_400(
    server: ServerProcess, account: str, operation: str
) -> None:
    dx = server.client(account)
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="loa")[
        "connectionId"
    ]
    long_name = "P" * 2156
    code, status, message = error_of(
        getattr(dx, operation), connectionId=cid, providerName=long_name
    )
    assert (code, status) == ("DirectConnectClientException", 400)
    assert "is not available at location EqDC2" in message and "2156 characters" in message
    # CreateConnection answers the same value the same way.
    assert (
        error_of(
            dx.create_connection,
            location="EqDC2",
            bandwidth="1Gbps",
            connectionName="x",
            providerName=long_name,
        )[2]
        == message
    )
    assert getattr(dx, operation)(connectionId=cid, providerName="Zayo")  # a provider of EqDC2
    assert not Path(server.log or "").exists() or "Traceback" not in Path(server.log).read_text()  # type: ignore[arg-type]


def test_loa_for_a_very_long_resource_name_is_a_letter(server: ServerProcess, account: str) -> None:
    """The model sets no maximum on a connection's, LAG's or interconnect's name: whatever
    name CreateConnection took, its LOA-CFA renders (the name is printed cut, with its
    length), never a 500."""
    dx = server.client(account)
    name = "N" * 5000
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName=name)[
        "connectionId"
    ]
    lag = dx.create_lag(
        location="EqDC2", numberOfConnections=1, connectionsBandwidth="1Gbps", lagName="é" * 60000
    )["lagId"]
    interconnect = dx.create_interconnect(
        interconnectName="W " * 3000, bandwidth="10Gbps", location="EqDC2"
    )["interconnectId"]
    letters = [
        dx.describe_loa(connectionId=cid)["loaContent"],
        dx.describe_connection_loa(connectionId=cid)["loa"]["loaContent"],
        dx.describe_loa(connectionId=lag)["loaContent"],
        dx.describe_interconnect_loa(interconnectId=interconnect)["loa"]["loaContent"],
    ]
    assert all(pdf.startswith(b"%PDF-") for pdf in letters)
    assert "Traceback" not in Path(server.log or "").read_text()
