"""The two wire protocols of the model, spoken byte for byte: smithy-rpc-v2-cbor as
botocore's own RpcV2CBORSerializer/RpcV2CBORParser write and read it, and awsJson1.1;
then every kind of malformed request a client or a fuzzer can send. None may get a 500
or a traceback: each gets an AWS-shaped error and a request id."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import cbor2
import orjson
import pytest
import urllib3

from tests.wire import (
    CBOR_PREFIX,
    Answer,
    assert_aws_error,
    cbor_call,
    cbor_headers,
    json_call,
    json_headers,
    send,
    signed_headers,
)

ORDER = {"location": "EqDC2", "bandwidth": "10Gbps", "connectionName": "dc-cbor"}


def connections(endpoint: str, account: str) -> list[dict[str, Any]]:
    answer, parsed = json_call(endpoint, "DescribeConnections", {}, account)
    assert answer.status == 200
    return parsed["connections"]  # type: ignore[no-any-return]


# -- smithy-rpc-v2-cbor, as botocore writes and reads it -------------------------------


def test_cbor_create_connection(server: Any, account: str) -> None:
    answer, conn = cbor_call(server.endpoint, "CreateConnection", ORDER, account)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/cbor"
    assert answer.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert answer.headers["x-amzn-requestid"] == conn["ResponseMetadata"]["RequestId"]
    assert conn["connectionId"].startswith("dxcon-")
    assert (conn["connectionState"], conn["ownerAccount"]) == ("requested", account)
    assert conn["bandwidth"] == "10Gbps" and conn["location"] == "EqDC2"


def test_cbor_timestamps_are_tag_1_and_parse_into_datetimes(server: Any, account: str) -> None:
    before = dt.datetime.now(dt.UTC)
    cbor_call(server.endpoint, "CreateConnection", ORDER, account)
    answer, parsed = cbor_call(server.endpoint, "DescribeConnections", {}, account)
    assert answer.status == 200
    [conn] = parsed["connections"]
    issued = conn["loaIssueTime"]
    assert isinstance(issued, dt.datetime)  # botocore's RpcV2CBORParser made it one
    assert (
        before - dt.timedelta(seconds=5)
        <= issued
        <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    )
    # On the wire: text key "loaIssueTime" then tag 1 (0xc1), epoch seconds.
    key = cbor2.dumps("loaIssueTime")
    at = answer.body.index(key) + len(key)
    assert answer.body[at] == 0xC1, answer.body[at : at + 10].hex()


def test_cbor_and_json_give_the_same_answer(server: Any, account: str) -> None:
    cbor_call(server.endpoint, "CreateConnection", ORDER, account)
    _, by_cbor = cbor_call(server.endpoint, "DescribeConnections", {}, account)
    _, by_json = json_call(server.endpoint, "DescribeConnections", {}, account)
    assert by_cbor["connections"] == by_json["connections"]


def test_blobs_are_bytes_in_cbor_and_base64_in_json(server: Any, account: str) -> None:
    _, conn = cbor_call(server.endpoint, "CreateConnection", ORDER, account)
    request = {"connectionId": conn["connectionId"]}
    answer, by_cbor = cbor_call(server.endpoint, "DescribeConnectionLoa", request, account)
    assert answer.status == 200, answer.body[:300]
    raw = answer.cbor()["loa"]["loaContent"]
    assert isinstance(raw, bytes) and raw.startswith(b"%PDF")  # CBOR byte string, not base64 text
    json_answer, by_json = json_call(server.endpoint, "DescribeConnectionLoa", request, account)
    assert json_answer.json()["loa"]["loaContent"].startswith("JVBER")  # base64 of "%PDF"
    assert by_cbor["loa"]["loaContent"].startswith(b"%PDF")
    assert by_json["loa"]["loaContent"].startswith(b"%PDF")


def _indefinite_text(text: str) -> bytes:
    """A CBOR text string sent in two chunks (indefinite length, RFC 8949 3.2.3)."""
    half = len(text) // 2
    return b"\x7f" + cbor2.dumps(text[:half]) + cbor2.dumps(text[half:]) + b"\xff"


def test_cbor_indefinite_lengths_are_accepted(server: Any, account: str) -> None:
    # Streaming CBOR encoders write maps and strings of unknown length: RPCv2 allows it.
    body = b"\xbf" + b"".join(_indefinite_text(k) + _indefinite_text(v) for k, v in ORDER.items())
    body += (
        _indefinite_text("tags")
        + b"\x9f"
        + b"\xbf"
        + _indefinite_text("key")
        + _indefinite_text("team")
    )
    body += b"\xff\xff\xff"  # ends the tag's map, the tags list, the request map
    answer = send(server.endpoint, CREATE, body, cbor_headers(), account=account)
    assert answer.status == 200, answer.body[:300]
    created = answer.cbor()
    assert created["connectionName"] == ORDER["connectionName"]
    assert [t["key"] for t in created["tags"]] == ["team"]


def test_cbor_describe_locations(server: Any, account: str) -> None:
    answer, parsed = cbor_call(server.endpoint, "DescribeLocations", {}, account)
    assert answer.status == 200
    codes = {loc["locationCode"] for loc in parsed["locations"]}
    assert "EqDC2" in codes
    eq = next(loc for loc in parsed["locations"] if loc["locationCode"] == "EqDC2")
    assert eq["region"] == "us-east-1" and "10G" in eq["availablePortSpeeds"]
    _, by_json = json_call(server.endpoint, "DescribeLocations", {}, account)
    assert parsed["locations"] == by_json["locations"]


def test_cbor_error_is_a_namespaced_cbor_body(server: Any, account: str) -> None:
    answer, parsed = cbor_call(
        server.endpoint, "DescribeConnections", {"connectionId": "dxcon-nope1234"}, account
    )
    err = assert_aws_error(answer, 400)
    assert err == {
        "__type": "com.amazonaws.directconnect#DirectConnectClientException",
        "message": "Could not find Connection with ID dxcon-nope1234",
    }
    assert answer.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert parsed["Error"] == {
        "Code": "DirectConnectClientException",
        "Message": "Could not find Connection with ID dxcon-nope1234",
    }


def test_cbor_validation_error_names_member_and_rule(server: Any, account: str) -> None:
    answer, parsed = cbor_call(
        server.endpoint,
        "TagResource",
        {"resourceArn": "arn:x", "tags": [{"key": "a" * 129}]},
        account,
    )
    assert_aws_error(answer, 400, "DirectConnectClientException")
    assert parsed["Error"]["Message"] == (
        "1 validation error detected: Value '" + "a" * 61 + "...' at 'tags.1.member.key' failed to"
        " satisfy constraint: Member must have length less than or equal to 128"
    )


@pytest.mark.parametrize("wire", ["json", "cbor"])
def test_modeled_exceptions_keep_their_names(server: Any, account: str, wire: str) -> None:
    call = json_call if wire == "json" else cbor_call
    _, conn = call(server.endpoint, "CreateConnection", ORDER, account)
    arn = f"arn:aws:directconnect:us-east-1:{account}:dxcon/{conn['connectionId']}"
    twice = [{"key": "team", "value": "a"}, {"key": "team", "value": "b"}]
    answer, parsed = call(
        server.endpoint, "TagResource", {"resourceArn": arn, "tags": twice}, account
    )
    assert_aws_error(answer, 400, "DuplicateTagKeysException")
    assert parsed["Error"]["Code"] == "DuplicateTagKeysException"
    many = [{"key": f"k{i}", "value": "v"} for i in range(51)]
    answer, parsed = call(
        server.endpoint, "TagResource", {"resourceArn": arn, "tags": many}, account
    )
    assert_aws_error(answer, 400, "TooManyTagsException")
    # boto3 raises the modeled exception class for them.
    dx = server.client(account)
    with pytest.raises(dx.exceptions.DuplicateTagKeysException):
        dx.tag_resource(resourceArn=arn, tags=twice)


# -- validation messages name the member and the rule ----------------------------------


@pytest.mark.parametrize("wire", ["json", "cbor"])
def test_constraint_messages_name_member_and_rule(server: Any, account: str, wire: str) -> None:
    call = json_call if wire == "json" else cbor_call
    answer, parsed = call(
        server.endpoint,
        "CreateResiliencyGroup",
        {"resiliencyGroupName": "bad name!", "intendedResiliencyModel": "maximum"},
        account,
    )
    assert_aws_error(answer, 400, "DirectConnectClientException")
    message = parsed["Error"]["Message"]
    assert message.startswith("2 validation errors detected: "), message
    assert (
        "Value 'bad name!' at 'resiliencyGroupName' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-]+$"
    ) in message
    assert (
        "Value 'maximum' at 'intendedResiliencyModel' failed to satisfy constraint:"
        " Member must satisfy enum value set: [maximum-resiliency, high-resiliency, basic-resiliency]"
    ) in message


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        ("team", True),
        ("cost center:a/b=c+d-e@f", True),
        ("équipe 1", True),
        ("a\u3000b", True),
        ("team\n", False),
        ("a\tb", False),
        ("a!", False),
    ],
)
def test_patterns_read_as_aws_reads_them(
    server: Any, account: str, key: str, accepted: bool
) -> None:
    # Tag keys: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$ - letters, separators (not tabs or
    # newlines), numbers; "$" is the end of the input, not "before a final newline".
    _, conn = json_call(server.endpoint, "CreateConnection", ORDER, account)
    arn = f"arn:aws:directconnect:us-east-1:{account}:dxcon/{conn['connectionId']}"
    answer, parsed = json_call(
        server.endpoint, "TagResource", {"resourceArn": arn, "tags": [{"key": key}]}, account
    )
    if accepted:
        assert answer.status == 200, answer.body
    else:
        assert_aws_error(answer, 400, "DirectConnectClientException")
        assert (
            "at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern"
            in parsed["Error"]["Message"]
        )


def test_enum_and_required_messages(server: Any, account: str) -> None:
    answer, parsed = json_call(
        server.endpoint,
        "CreateConnection",
        {"location": "EqDC2", "bandwidth": "1Gbps", "billingMode": "Monthly"},
        account,
    )
    assert_aws_error(answer, 400, "DirectConnectClientException")
    message = parsed["Error"]["Message"]
    assert (
        "Value null at 'connectionName' failed to satisfy constraint: Member must not be null"
        in message
    )
    assert (
        "Value 'Monthly' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PayAsYouGo"
        in message
    )
    assert connections(server.endpoint, account) == []


@pytest.mark.parametrize(
    ("body", "member", "expected"),
    [
        ({"maxResults": "5"}, "maxResults", "an Integer"),
        ({"maxResults": 1.5}, "maxResults", "an Integer"),
        ({"maxResults": True}, "maxResults", "an Integer"),
        ({"maxResults": 2**40}, "maxResults", "an Integer"),
        ({"connectionId": 5}, "connectionId", "a String"),
        ({"connectionId": ["dxcon-1"]}, "connectionId", "a String"),
        ({"connectionId": {"a": 1}}, "connectionId", "a String"),
    ],
)
def test_wrong_types_name_the_member(
    server: Any, account: str, body: dict[str, Any], member: str, expected: str
) -> None:
    for answer in (
        send(
            server.endpoint,
            "/",
            orjson.dumps(body),
            json_headers("DescribeConnections"),
            account=account,
        ),
        send(
            server.endpoint,
            CBOR_PREFIX + "DescribeConnections",
            cbor2.dumps(body),
            cbor_headers(),
            account=account,
        ),
    ):
        err = assert_aws_error(answer, 400, "SerializationException")
        assert f"at '{member}' cannot be converted to {expected}" in err["message"], err


@pytest.mark.parametrize("encode", [orjson.dumps, cbor2.dumps])
def test_null_list_member_and_json_words_in_messages(
    server: Any, account: str, encode: Any
) -> None:
    def answer(op_name: str, body: dict[str, Any]) -> Answer:
        if encode is orjson.dumps:
            return send(server.endpoint, "/", encode(body), json_headers(op_name), account=account)
        return send(
            server.endpoint, CBOR_PREFIX + op_name, encode(body), cbor_headers(), account=account
        )

    err = assert_aws_error(
        answer("DescribeTags", {"resourceArns": ["arn:x", None]}),
        400,
        "DirectConnectClientException",
    )
    assert err["message"] == (
        "1 validation error detected: Value null at 'resourceArns.2.member'"
        " failed to satisfy constraint: Member must not be null"
    )
    err = assert_aws_error(
        answer("DescribeConnections", {"maxResults": True}), 400, "SerializationException"
    )
    assert err["message"] == "Value true at 'maxResults' cannot be converted to an Integer"


@pytest.mark.parametrize("encode", [orjson.dumps, cbor2.dumps])
def test_nul_character_is_refused(server: Any, account: str, encode: Any) -> None:
    # PostgreSQL text cannot hold U+0000: refused by the codec, so both stores agree.
    body = {**GOOD, "connectionName": "dc\x001"}
    if encode is orjson.dumps:
        answer = send(server.endpoint, "/", encode(body), J, account=account)
    else:
        answer = send(server.endpoint, CREATE, encode(body), C, account=account)
    err = assert_aws_error(answer, 400, "DirectConnectClientException")
    assert err["message"] == (
        "1 validation error detected: Value 'dc\\u00001' at 'connectionName' failed to satisfy"
        " constraint: Member must not contain the NUL character (U+0000)"
    )
    assert connections(server.endpoint, account) == []


def test_wrong_type_deep_in_a_list(server: Any, account: str) -> None:
    body = {"resourceArn": "arn:x", "tags": [{"key": "ok"}, {"key": 7}]}
    answer = send(
        server.endpoint, "/", orjson.dumps(body), json_headers("TagResource"), account=account
    )
    err = assert_aws_error(answer, 400, "SerializationException")
    assert "at 'tags.2.member.key' cannot be converted to a String" in err["message"]


# -- malformed requests: never a 500 ---------------------------------------------------

CREATE = CBOR_PREFIX + "CreateConnection"
GOOD = {"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "x"}
J = json_headers("CreateConnection")
C = cbor_headers()


def _nested_json(depth: int) -> bytes:
    return b'{"location":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


MALFORMED: dict[str, tuple[str, str, bytes, dict[str, str], str]] = {
    # name: (method, path, body, headers, expected __type)
    "bad json": ("POST", "/", b"{nope", J, "SerializationException"),
    "json array": ("POST", "/", b"[1, 2]", J, "SerializationException"),
    "json number": ("POST", "/", b"42", J, "SerializationException"),
    "json string": ("POST", "/", b'"EqDC2"', J, "SerializationException"),
    "json array, no-input op": (
        "POST",
        "/",
        b"[]",
        json_headers("DescribeLocations"),
        "SerializationException",
    ),
    "json after json": ("POST", "/", b"{} {}", J, "SerializationException"),
    "json nested 5000 deep": ("POST", "/", _nested_json(5000), J, "SerializationException"),
    "json list nested 5000 deep": (
        "POST",
        "/",
        b'{"tags":' + b"[" * 5000 + b"]" * 5000 + b"}",
        J,
        "SerializationException",
    ),
    "json invalid utf-8": (
        "POST",
        "/",
        b'{"location":"\xff\xfe","bandwidth":"1Gbps","connectionName":"x"}',
        J,
        "SerializationException",
    ),
    "json lone surrogate": (
        "POST",
        "/",
        b'{"location":"\\ud800","bandwidth":"1Gbps","connectionName":"x"}',
        J,
        "SerializationException",
    ),
    "json integer over 64 bits": (
        "POST",
        "/",
        b'{"maxResults": 123456789012345678901234567890}',
        json_headers("DescribeConnections"),
        "SerializationException",
    ),
    "json null members": (
        "POST",
        "/",
        b'{"location":null,"bandwidth":null,"connectionName":null}',
        J,
        "DirectConnectClientException",
    ),
    "json body null": ("POST", "/", b"null", J, "DirectConnectClientException"),
    "unknown target": (
        "POST",
        "/",
        b"{}",
        json_headers("CreateConnections"),
        "UnknownOperationException",
    ),
    "missing target": (
        "POST",
        "/",
        b"{}",
        {"Content-Type": "application/x-amz-json-1.1"},
        "UnknownOperationException",
    ),
    "other service's target": (
        "POST",
        "/",
        b"{}",
        {"X-Amz-Target": "DynamoDB_20120810.ListTables"},
        "UnknownOperationException",
    ),
    "target without operation": (
        "POST",
        "/",
        b"{}",
        {"X-Amz-Target": "OvertureService."},
        "UnknownOperationException",
    ),
    "GET with a target": ("GET", "/", b"", J, "UnknownOperationException"),
    "PUT": ("PUT", "/", b"{}", J, "UnknownOperationException"),
    "DELETE": ("DELETE", "/", b"", J, "UnknownOperationException"),
    "POST elsewhere": ("POST", "/2012-10-25/connections", b"{}", J, "UnknownOperationException"),
    "bad cbor": ("POST", CREATE, b"\xff\xff\x00", C, "SerializationException"),
    "truncated cbor": ("POST", CREATE, cbor2.dumps(GOOD)[:-3], C, "SerializationException"),
    "cbor then garbage": (
        "POST",
        CREATE,
        cbor2.dumps(GOOD) + b"\x00junk",
        C,
        "SerializationException",
    ),
    "cbor array": ("POST", CREATE, cbor2.dumps([GOOD]), C, "SerializationException"),
    "cbor text": ("POST", CREATE, cbor2.dumps("EqDC2"), C, "SerializationException"),
    "cbor unknown tag": (
        "POST",
        CREATE,
        cbor2.dumps(cbor2.CBORTag(9999, GOOD)),
        C,
        "SerializationException",
    ),
    "cbor bytes for a string": (
        "POST",
        CREATE,
        cbor2.dumps({**GOOD, "location": b"EqDC2"}),
        C,
        "SerializationException",
    ),
    "cbor NaN for a string": (
        "POST",
        CREATE,
        cbor2.dumps({**GOOD, "location": float("nan")}),
        C,
        "SerializationException",
    ),
    "cbor undefined": (
        "POST",
        CREATE,
        cbor2.dumps({**GOOD, "location": cbor2.undefined}),
        C,
        "SerializationException",
    ),
    "cbor invalid utf-8": (
        "POST",
        CREATE,
        b"\xa1\x68location\x62\xff\xfe",
        C,
        "SerializationException",
    ),
    "cbor nested 100000 deep": (
        "POST",
        CREATE,
        b"\x81" * 100_000 + b"\x01",
        C,
        "SerializationException",
    ),
    "cbor indefinite maps": ("POST", CREATE, b"\xbf" * 50_000, C, "SerializationException"),
    "cbor huge declared array": (
        "POST",
        CREATE,
        b"\x9b" + b"\xff" * 8,
        C,
        "SerializationException",
    ),
    "cbor huge declared string": (
        "POST",
        CREATE,
        b"\x7b\x00\x00\x00\xff\xff\xff\xff\xff",
        C,
        "SerializationException",
    ),
    "cbor bignum for an integer": (
        "POST",
        CBOR_PREFIX + "DescribeConnections",
        cbor2.dumps({"maxResults": 10**6000}),
        C,
        "SerializationException",
    ),
    "cbor bignum for a string": (
        "POST",
        CBOR_PREFIX + "DescribeConnections",
        cbor2.dumps({"connectionId": 10**6000}),
        C,
        "SerializationException",
    ),
    "cbor bad regex tag": (
        "POST",
        CBOR_PREFIX + "DescribeConnections",
        cbor2.dumps({"connectionId": cbor2.CBORTag(35, "(a")}),
        C,
        "SerializationException",
    ),
    "cbor self-referencing list": (
        "POST",
        CBOR_PREFIX + "DescribeTags",
        b"\xa1\x6cresourceArns\xd8\x1c\x81\xd8\x1d\x00",
        C,
        "SerializationException",
    ),
    "cbor null members": (
        "POST",
        CREATE,
        cbor2.dumps(dict.fromkeys(GOOD)),
        C,
        "DirectConnectClientException",
    ),
    "cbor unknown operation": (
        "POST",
        CBOR_PREFIX + "CreateConnections",
        cbor2.dumps({}),
        C,
        "UnknownOperationException",
    ),
    "cbor no operation": ("POST", CBOR_PREFIX, cbor2.dumps({}), C, "UnknownOperationException"),
    "cbor without smithy-protocol": (
        "POST",
        CREATE,
        cbor2.dumps(GOOD),
        {"Content-Type": "application/cbor"},
        "SerializationException",
    ),
    "cbor with another smithy-protocol": (
        "POST",
        CREATE,
        cbor2.dumps(GOOD),
        {**C, "smithy-protocol": "rpc-v2-json"},
        "SerializationException",
    ),
    "cbor to another service": (
        "POST",
        "/service/DynamoDB_20120810/operation/ListTables",
        cbor2.dumps({}),
        C,
        "UnknownOperationException",
    ),
    "cbor GET": ("GET", CREATE, b"", C, "SerializationException"),
    "cbor PUT": ("PUT", CREATE, cbor2.dumps(GOOD), C, "SerializationException"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_request_gets_an_aws_error(server: Any, account: str, name: str) -> None:
    method, path, body, headers, code = MALFORMED[name]
    answer = send(server.endpoint, path, body, headers, method=method, account=account)
    assert_aws_error(answer, code=code)
    assert connections(server.endpoint, account) == []  # and nothing was created


@pytest.mark.parametrize("path", ["/", CREATE])
def test_two_megabyte_body_is_refused_unread(server: Any, account: str, path: str) -> None:
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    answer = send(server.endpoint, path, body, J if path == "/" else C, account=account)
    err = assert_aws_error(answer, 413, "RequestEntityTooLargeException")
    assert "too large" in err["message"]
    # The server is still there and answers the next request on a fresh connection.
    assert connections(server.endpoint, account) == []


def test_two_megabyte_chunked_body_is_refused(server: Any, account: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"{"
        for _ in range(64):
            yield b" " * 32768
        yield b"}"

    signed = signed_headers(server.endpoint + "/", b"", J, account=account)
    headers = {k: v for k, v in signed.items() if k.lower() != "content-length"}
    response = urllib3.PoolManager(retries=False).request(
        "POST", server.endpoint + "/", body=chunks(), headers=headers, chunked=True
    )
    answer = Answer(
        response.status, {k.lower(): v for k, v in response.headers.items()}, response.data
    )
    assert_aws_error(answer, 413, "RequestEntityTooLargeException")


def test_request_cut_off_by_the_client_is_not_acted_on(server: Any, account: str) -> None:
    body = orjson.dumps(GOOD)  # a whole, valid CreateConnection ...
    signed = signed_headers(server.endpoint + "/", body, J, account=account)
    head = "".join(f"{k}: {v}\r\n" for k, v in signed.items() if k.lower() != "content-length")
    host, port = server.endpoint.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        # ... announced as longer than it is, then the client goes away.
        sock.sendall(
            f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body) + 10}\r\n{head}\r\n".encode()
            + body
        )
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(5)
        assert sock.recv(65536) == b""  # no answer: the request never completed
    assert connections(server.endpoint, account) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(40),  # a TLS hello to a plain port
    ],
)
def test_malformed_http_is_refused_and_the_server_carries_on(
    server: Any, account: str, raw: bytes
) -> None:
    # HTTP the server cannot parse never reaches the API; uvicorn refuses it itself.
    host, port = server.endpoint.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(raw)
        status_line = sock.recv(65536).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 4"), status_line
    assert connections(server.endpoint, account) == []


@pytest.mark.parametrize(
    ("path", "headers"), [("/", json_headers("Nope")), (CBOR_PREFIX + "Nope", C)]
)
def test_unknown_operation_is_named_before_credentials_are_asked_for(
    server: Any, path: str, headers: dict[str, str]
) -> None:
    answer = send(server.endpoint, path, b"", headers, sign=False)
    assert_aws_error(answer, 400, "UnknownOperationException")


@pytest.mark.parametrize("path", ["/", CREATE])
def test_unsigned_request_is_refused_in_the_protocol_spoken(server: Any, path: str) -> None:
    answer = send(
        server.endpoint,
        path,
        b"{}" if path == "/" else cbor2.dumps(GOOD),
        J if path == "/" else C,
        sign=False,
    )
    assert_aws_error(answer, 403, "MissingAuthenticationTokenException")


def test_no_traceback_in_server_log(server: Any) -> None:
    assert server.server_errors() == ""
