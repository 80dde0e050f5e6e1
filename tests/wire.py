"""Raw wire access for the protocol tests: requests built, signed and parsed by botocore's
own serializers and parsers (the same code boto3 runs), sent with urllib3, so the test
sees every header and byte the server answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import botocore.session
import cbor2
import orjson
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.model import ServiceModel
from botocore.parsers import JSONParser, RpcV2CBORParser
from botocore.serialize import JSONSerializer, RpcV2CBORSerializer

REGION = "us-east-1"
CBOR_PREFIX = "/service/OvertureService/operation/"
NS = "com.amazonaws.directconnect#"  # rpc-v2-cbor error __type prefix
_http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=30))
_model: ServiceModel | None = None


def service_model() -> ServiceModel:
    global _model
    if _model is None:
        _model = botocore.session.get_session().get_service_model("directconnect")
    return _model


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)

    def cbor(self) -> Any:
        return cbor2.loads(self.body)

    def error(self) -> dict[str, Any]:
        """The error body, whichever protocol answered."""
        if self.headers.get("content-type") == "application/cbor":
            decoded: dict[str, Any] = cbor2.loads(self.body)
        else:
            decoded = orjson.loads(self.body)
        return decoded


def signed_headers(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    method: str = "POST",
    account: str = "123456789012",
) -> dict[str, str]:
    """`headers` plus the SigV4 ones botocore's signer adds (Authorization, X-Amz-Date...)."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials(account, "dxlab-test-secret"), "directconnect", REGION).add_auth(request)
    return dict(request.prepare().headers.items())


def send(
    endpoint: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    *,
    method: str = "POST",
    account: str = "123456789012",
    sign: bool = True,
) -> Answer:
    """Sends one request as a SigV4-signing client would (botocore's signer)."""
    url = endpoint + path
    if sign:
        headers = signed_headers(url, body, headers, method=method, account=account)
    response = _http.request(
        method, url, body=body if method not in ("GET", "HEAD") else None, headers=headers
    )
    return Answer(
        response.status, {k.lower(): v for k, v in response.headers.items()}, response.data
    )


def cbor_request(op_name: str, params: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
    """(path, body, headers) of `op_name` as botocore's RpcV2CBORSerializer writes it."""
    op = service_model().operation_model(op_name)
    req = RpcV2CBORSerializer().serialize_to_request(params, op)
    return req["url_path"], req["body"], dict(req["headers"])


def json_request(op_name: str, params: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
    """(path, body, headers) of `op_name` as botocore's awsJson1.1 serializer writes it."""
    op = service_model().operation_model(op_name)
    req = JSONSerializer().serialize_to_request(params, op)
    body = req["body"] if isinstance(req["body"], bytes) else req["body"].encode()
    return req["url_path"], body, dict(req["headers"])


def parse(op_name: str, answer: Answer) -> dict[str, Any]:
    """The answer as botocore reads it, with the parser of the protocol that answered."""
    cbor = answer.headers.get("content-type") == "application/cbor"
    return _parse(RpcV2CBORParser() if cbor else JSONParser(), op_name, answer)


def _parse(parser: Any, op_name: str, answer: Answer) -> dict[str, Any]:
    op = service_model().operation_model(op_name)
    shape = op.output_shape
    if answer.status >= 300:
        shape = None
    parsed: dict[str, Any] = parser.parse(
        {"status_code": answer.status, "headers": answer.headers, "body": answer.body}, shape
    )
    return parsed


def cbor_call(
    endpoint: str, op_name: str, params: dict[str, Any], account: str = "123456789012"
) -> tuple[Answer, dict[str, Any]]:
    """One rpc-v2-cbor call: botocore serializes, signs and parses it."""
    path, body, headers = cbor_request(op_name, params)
    answer = send(endpoint, path, body, headers, account=account)
    return answer, _parse(RpcV2CBORParser(), op_name, answer)


def json_call(
    endpoint: str, op_name: str, params: dict[str, Any], account: str = "123456789012"
) -> tuple[Answer, dict[str, Any]]:
    """One awsJson1.1 call: botocore serializes, signs and parses it."""
    path, body, headers = json_request(op_name, params)
    answer = send(endpoint, path, body, headers, account=account)
    return answer, _parse(JSONParser(), op_name, answer)


def json_headers(op_name: str) -> dict[str, str]:
    return {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"OvertureService.{op_name}",
    }


def cbor_headers() -> dict[str, str]:
    return {
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
        "smithy-protocol": "rpc-v2-cbor",
    }


def assert_aws_error(
    answer: Answer, status: int | None = None, code: str | None = None
) -> dict[str, Any]:
    """An error as AWS answers it: < 500, a request id, `__type` and `message`."""
    assert answer.status < 500, (answer.status, answer.body[:300])
    assert answer.status >= 400, (answer.status, answer.body[:300])
    assert answer.headers.get("x-amzn-requestid"), answer.headers
    assert b"Traceback" not in answer.body
    err = answer.error()
    assert set(err) == {"__type", "message"}, err
    assert isinstance(err["message"], str) and err["message"], err
    if answer.headers["content-type"] == "application/cbor":
        assert answer.headers.get("smithy-protocol") == "rpc-v2-cbor"
        assert err["__type"].startswith(NS), err
    else:
        assert answer.headers["content-type"] == "application/x-amz-json-1.1"
        assert "#" not in err["__type"], err
    if status is not None:
        assert answer.status == status, (answer.status, err)
    if code is not None:
        assert err["__type"].rsplit("#", 1)[-1] == code, err
    return err
