"""Authentication: `--auth strict` verifies SigV4 against keys registered with
`dxlab accounts add` and refuses as AWS does (HTTP 403, AWS's names and wording);
`--auth permissive` takes the account from the access key id."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import botocore.auth
import orjson
import pytest
import urllib3
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.aws_errors import error_of
from tests.conftest import ServerProcess

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
INVALID_TOKEN = "The security token included in the request is invalid."
_http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=30))


@dataclass(frozen=True)
class Keys:
    account: str
    access_key: str
    secret: str


def dxlab_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", *args], capture_output=True, text=True, timeout=30
    )


def register(
    db: str, account: str, access_key: str | None = None, secret: str | None = None
) -> Keys:
    """`dxlab accounts add` against the server's store, as a user would run it."""
    args = ["accounts", "add", account, "--db", db]
    if access_key:
        args += ["--access-key", access_key]
    if secret:
        args += ["--secret-key", secret]
    done = dxlab_cli(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return Keys(account, printed["AWS_ACCESS_KEY_ID"], printed["AWS_SECRET_ACCESS_KEY"])


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One strict server for the module; account 111111111111 registered before it starts."""
    db = f"sqlite:///{tmp_path_factory.mktemp('strict') / 'dxlab.db'}"
    register(db, "111111111111", "AKIAFIRSTACCOUNT0001", "first-secret")
    srv = ServerProcess(db, args=("--auth", "strict")).start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


@pytest.fixture
def keys(strict: ServerProcess, account: str) -> Keys:
    """A fresh account registered while the server runs (SQLite WAL lets the CLI write)."""
    return register(strict.db, account)


def client(server: ServerProcess, keys: Keys, **kwargs: Any) -> Any:
    return server.client(keys.account, access_key=keys.access_key, secret_key=keys.secret, **kwargs)


def names(dx: Any) -> list[str]:
    return [c["connectionName"] for c in dx.describe_connections()["connections"]]


# -- strict: the good request next to each bad one ------------------------------------


def test_signed_call_works_for_key_registered_before_start(strict: ServerProcess) -> None:
    first = Keys("111111111111", "AKIAFIRSTACCOUNT0001", "first-secret")
    conn = client(strict, first).create_connection(
        location="EqDC2", bandwidth="1Gbps", connectionName="a"
    )
    assert conn["ownerAccount"] == "111111111111"


def test_signed_call_works_for_key_registered_while_running(
    strict: ServerProcess, keys: Keys
) -> None:
    dx = client(strict, keys)
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="good")
    assert conn["ownerAccount"] == keys.account
    assert names(dx) == ["good"]


def test_wrong_secret_is_refused(strict: ServerProcess, keys: Keys) -> None:
    bad = Keys(keys.account, keys.access_key, keys.secret + "x")
    code, status, message = error_of(
        client(strict, bad).create_connection,
        location="EqDC2",
        bandwidth="1Gbps",
        connectionName="bad",
    )
    assert (code, status, message) == ("InvalidSignatureException", 403, SIGNATURE_MISMATCH)
    assert names(client(strict, keys)) == []


def test_unknown_access_key_is_refused(strict: ServerProcess, keys: Keys) -> None:
    stranger = Keys(keys.account, "AKIANOTREGISTERED999", keys.secret)
    code, status, message = error_of(
        client(strict, stranger).create_connection,
        location="EqDC2",
        bandwidth="1Gbps",
        connectionName="bad",
    )
    assert (code, status, message) == ("UnrecognizedClientException", 403, INVALID_TOKEN)
    assert names(client(strict, keys)) == []


def test_twelve_digit_key_is_not_an_account_in_strict_mode(
    strict: ServerProcess, keys: Keys
) -> None:
    code, status, _ = error_of(strict.client(keys.account).describe_connections)
    assert (code, status) == ("UnrecognizedClientException", 403)


def test_unsigned_request_is_refused(strict: ServerProcess, keys: Keys) -> None:
    anonymous = strict.client(config=Config(signature_version=UNSIGNED))
    code, status, message = error_of(
        anonymous.create_connection, location="EqDC2", bandwidth="1Gbps", connectionName="bad"
    )
    assert (code, status, message) == (
        "MissingAuthenticationTokenException",
        403,
        "Missing Authentication Token",
    )
    answer = _http.request(
        "POST",
        strict.endpoint + "/",
        body=b"{}",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "OvertureService.DescribeConnections",
        },
    )
    assert answer.status == 403
    assert orjson.loads(answer.data)["__type"] == "MissingAuthenticationTokenException"
    assert names(client(strict, keys)) == []


def shift_clock(minutes: int) -> Any:
    """botocore's signer reads the time from this one function."""
    real = botocore.auth.get_current_datetime
    return mock.patch.object(
        botocore.auth, "get_current_datetime", lambda: real() + datetime.timedelta(minutes=minutes)
    )


def test_expired_signature_is_refused(strict: ServerProcess, keys: Keys) -> None:
    dx = client(strict, keys)
    with shift_clock(-10):  # within AWS's 15 minutes: accepted
        dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="ten-minutes-late")
    with shift_clock(-20):
        code, status, message = error_of(
            dx.create_connection, location="EqDC2", bandwidth="1Gbps", connectionName="bad"
        )
    assert (code, status) == ("InvalidSignatureException", 403)
    found = re.fullmatch(
        r"Signature expired: (\S+) is now earlier than (\S+) \((\S+) - 15 min\.\)", message
    )
    assert found, message
    fmt = "%Y%m%dT%H%M%SZ"
    t_signed, t_earliest, t_now = (datetime.datetime.strptime(w, fmt) for w in found.groups())
    assert t_now - t_earliest == datetime.timedelta(minutes=15)
    assert abs((t_now - t_signed) - datetime.timedelta(minutes=20)) < datetime.timedelta(seconds=30)
    assert names(dx) == ["ten-minutes-late"]


def test_signature_from_the_future_is_refused(strict: ServerProcess, keys: Keys) -> None:
    dx = client(strict, keys)
    with shift_clock(20):
        code, status, message = error_of(dx.describe_connections)
    assert (code, status) == ("InvalidSignatureException", 403)
    assert message.startswith("Signature not yet current: ") and message.endswith(" + 15 min.)"), (
        message
    )


def test_credential_scoped_to_an_unknown_region_is_refused(
    strict: ServerProcess, keys: Keys
) -> None:
    # One port serves every Region (the scope picks it), so only a Region AWS does not
    # have is refused.
    code, status, message = error_of(
        client(strict, keys, region="xx-nowhere-1").describe_connections
    )
    assert (code, status) == ("InvalidSignatureException", 403)
    assert message == "Credential should be scoped to a valid region, not 'xx-nowhere-1'."


def test_credential_scope_picks_the_region_in_strict_mode(
    strict: ServerProcess, keys: Keys
) -> None:
    west = client(strict, keys, region="eu-west-1")
    made = west.create_connection(location="EqLD5", bandwidth="1Gbps", connectionName="in-ireland")
    assert made["region"] == "eu-west-1"
    assert [c["connectionId"] for c in west.describe_connections()["connections"]] == [
        made["connectionId"]
    ]
    assert all(
        c["region"] == "us-east-1"
        for c in client(strict, keys).describe_connections()["connections"]
    )


# -- strict: requests signed by hand, so the test can get one detail wrong ------------


def signed(
    server: ServerProcess,
    keys: Keys,
    *,
    service: str = "directconnect",
    omit: str | None = None,
    tamper: Callable[[dict[str, str]], None] | None = None,
    body: bytes = b"{}",
) -> tuple[int, dict[str, Any]]:
    """DescribeConnections over awsJson1.1, signed by botocore's signer (leaving header
    `omit` out of the signature), then optionally tampered with before it is sent."""

    class Signer(SigV4Auth):
        def headers_to_sign(self, request: AWSRequest) -> Any:
            found = super().headers_to_sign(request)
            if omit:
                del found[omit]
            return found

    url = server.endpoint + "/"
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "OvertureService.DescribeConnections",
    }
    request = AWSRequest(method="POST", url=url, data=b"{}", headers=headers)
    Signer(Credentials(keys.access_key, keys.secret), service, "us-east-1").add_auth(request)
    sent = {k: v for k, v in request.prepare().headers.items() if k.lower() != "content-length"}
    if tamper:
        tamper(sent)
    answer = _http.request("POST", url, body=body, headers=sent)
    return answer.status, orjson.loads(answer.data)


def test_hand_signed_request_is_accepted(strict: ServerProcess, keys: Keys) -> None:
    status, doc = signed(strict, keys)
    assert (status, doc) == (200, {"connections": []})


def test_tampered_body_is_refused(strict: ServerProcess, keys: Keys) -> None:
    status, doc = signed(strict, keys, body=b'{"connectionId": "dxcon-fgabcdef"}')
    assert (status, doc["__type"], doc["message"]) == (
        403,
        "InvalidSignatureException",
        SIGNATURE_MISMATCH,
    )


def test_credential_scoped_to_another_service_is_refused(strict: ServerProcess, keys: Keys) -> None:
    status, doc = signed(strict, keys, service="ec2")
    assert (status, doc["__type"]) == (403, "InvalidSignatureException")
    assert doc["message"] == "Credential should be scoped to correct service: 'directconnect'."


def test_scope_date_must_match_x_amz_date(strict: ServerProcess, keys: Keys) -> None:
    def other_day(headers: dict[str, str]) -> None:
        day = headers["X-Amz-Date"][:8]
        yesterday = (
            datetime.datetime.strptime(day, "%Y%m%d") - datetime.timedelta(days=1)
        ).strftime("%Y%m%d")
        headers["Authorization"] = headers["Authorization"].replace(f"/{day}/", f"/{yesterday}/")

    captured: dict[str, str] = {}

    def tamper(headers: dict[str, str]) -> None:
        other_day(headers)
        captured.update(headers)

    status, doc = signed(strict, keys, tamper=tamper)
    day, stamp = captured["X-Amz-Date"][:8], captured["X-Amz-Date"]
    yesterday = captured["Authorization"].split("/")[1]
    assert (status, doc["__type"]) == (403, "InvalidSignatureException")
    assert doc["message"] == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP:"
        f" '{yesterday}' != '{day}', from '{stamp}'."
    )


def test_host_and_date_must_be_signed(strict: ServerProcess, keys: Keys) -> None:
    status, doc = signed(strict, keys, omit="host")
    assert (status, doc["__type"]) == (403, "InvalidSignatureException")
    assert (
        doc["message"]
        == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    )
    status, doc = signed(strict, keys, omit="x-amz-date")
    assert (status, doc["__type"]) == (403, "InvalidSignatureException")
    assert doc["message"] == "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."


def test_extension_routes_need_a_signature_too(
    strict: ServerProcess, keys: Keys, monkeypatch: Any
) -> None:
    unsigned = _http.request("GET", strict.endpoint + "/_dxlab/locations")
    assert unsigned.status == 403
    assert orjson.loads(unsigned.data)["__type"] == "MissingAuthenticationTokenException"
    from dxlab.cli.client import ExtensionError, ext

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys.secret)
    assert ext(strict.endpoint, "GET", "/locations")["locations"]
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    with pytest.raises(ExtensionError) as info:
        ext(strict.endpoint, "GET", "/locations")
    assert (info.value.aws_code, info.value.status) == ("InvalidSignatureException", 403)


def test_accounts_route_is_gone(strict: ServerProcess, keys: Keys, monkeypatch: Any) -> None:
    """Keys are registered only from the machine that holds the store."""
    from dxlab.cli.client import ExtensionError, ext

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys.secret)
    with pytest.raises(ExtensionError) as info:
        ext(strict.endpoint, "POST", "/accounts", {"account": "222222222222"})
    assert info.value.message == "No dxlab route POST /_dxlab/accounts"
    assert "222222222222" not in dxlab_cli("accounts", "list", "--db", strict.db).stdout


# -- strict: each account sees only its own resources ---------------------------------


def test_accounts_are_isolated(strict: ServerProcess, keys: Keys) -> None:
    other_keys = register(strict.db, str(int(keys.account) + 1))
    mine, theirs = client(strict, keys), client(strict, other_keys)
    conn = mine.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="mine")
    cid = conn["connectionId"]
    assert names(theirs) == []
    for call, kwargs in [
        (theirs.describe_connections, {"connectionId": cid}),
        (theirs.update_connection, {"connectionId": cid, "connectionName": "stolen"}),
        (theirs.delete_connection, {"connectionId": cid}),
    ]:
        code, status, message = error_of(call, **kwargs)
        assert (code, status, message) == (
            "DirectConnectClientException",
            400,
            f"Could not find Connection with ID {cid}",
        )
    assert mine.describe_connections(connectionId=cid)["connections"][0]["connectionName"] == "mine"
    assert (
        mine.describe_connections(connectionId=cid)["connections"][0]["connectionState"]
        == "available"
    )


# -- the accounts CLI -----------------------------------------------------------------


def test_accounts_cli(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'dxlab.db'}"
    generated = register(db, "333333333333")
    assert generated.access_key.startswith("AKIA") and len(generated.access_key) == 20
    assert len(generated.secret) == 40
    register(db, "333333333333", "AKIACHOSENBYUSER0001", "chosen")
    listing = dxlab_cli("accounts", "list", "--db", db).stdout
    assert generated.access_key in listing and "AKIACHOSENBYUSER0001" in listing
    assert generated.secret not in listing and "chosen" not in listing
    for bad, expected in [
        (["12345"], "Account id '12345' must be 12 digits"),
        (["444444444444", "--access-key", "short"], "Access key id 'short' must be 16 to 128"),
        (
            ["444444444444", "--access-key", "AKIACHOSENBYUSER0001"],
            "already registered for account 333333333333",
        ),
    ]:
        done = dxlab_cli("accounts", "add", *bad, "--db", db)
        assert done.returncode == 1 and expected in done.stdout, done.stdout
    assert "444444444444" not in dxlab_cli("accounts", "list", "--db", db).stdout


# -- permissive: any well-formed signature; the key id picks the account --------------


def test_permissive_mode_selects_account_from_key(make_server: Any) -> None:
    srv = make_server()
    by_id = srv.client("210987654321", secret_key="anything")
    assert (
        by_id.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="a")[
            "ownerAccount"
        ]
        == "210987654321"
    )
    other = srv.client(access_key="AKIAIOSFODNN7EXAMPLE", secret_key="whatever")
    assert (
        other.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="b")[
            "ownerAccount"
        ]
        == "123456789012"
    )
    assert names(by_id) == ["a"] and names(other) == ["b"]
    with shift_clock(-60):  # permissive mode does not check the clock either
        assert names(by_id) == ["a"]
    anonymous = srv.client(config=Config(signature_version=UNSIGNED))
    code, status, _ = error_of(anonymous.describe_connections)
    assert (code, status) == ("MissingAuthenticationTokenException", 403)


def test_aws_cli_in_strict_mode(strict: ServerProcess, keys: Keys) -> None:
    def aws(secret: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": str(Path(sys.executable).parent),
            "HOME": str(Path(strict.db.removeprefix("sqlite:///")).parent),
            "AWS_ACCESS_KEY_ID": keys.access_key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_DIRECT_CONNECT": strict.endpoint,
        }
        aws_cli = str(Path(sys.executable).parent / "aws")
        return subprocess.run(
            [aws_cli, "directconnect", *args], env=env, capture_output=True, text=True, timeout=60
        )

    done = aws(
        keys.secret,
        "create-connection",
        "--location",
        "EqDC2",
        "--bandwidth",
        "1Gbps",
        "--connection-name",
        "cli",
        "--query",
        "ownerAccount",
        "--output",
        "text",
    )
    assert (done.returncode, done.stdout.strip()) == (0, keys.account), done.stderr
    refused = aws("wrong", "describe-connections")
    assert refused.returncode in (254, 255)  # AWS CLI v2 and v1 exit codes for a service error
    assert (
        f"(InvalidSignatureException) when calling the DescribeConnections operation: {SIGNATURE_MISMATCH}"
        in refused.stderr
    )


# -- the verifier on its own: AWS's published SigV4 test vectors and the clock edges --


def vanilla(
    query: str = "", stamp: str = "20150830T123600Z", signature: str = ""
) -> tuple[Any, Any]:
    from dxlab.web.aws.signing import Credential, SignedRequest

    request = SignedRequest(
        "GET", "/", query, {"host": "example.amazonaws.com", "x-amz-date": stamp}, b""
    )
    cred = Credential(
        "AKIDEXAMPLE", stamp[:8], "us-east-1", "service", ("host", "x-amz-date"), signature
    )
    return request, cred


@pytest.mark.parametrize(
    ("query", "expected"),
    [  # get-vanilla and get-vanilla-query-order-key-case of AWS's SigV4 test suite
        ("", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        (
            "Param2=value2&Param1=value1",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ),
    ],
)
def test_signer_matches_aws_test_vectors(query: str, expected: str) -> None:
    from dxlab.web.aws.sigv4 import canonical_request, signature

    request, cred = vanilla(query)
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    assert (
        signature(secret, cred, "20150830T123600Z", canonical_request(request, cred.signed_headers))
        == expected
    )


def at(stamp: str) -> float:
    return (
        datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC).timestamp()
    )


def test_clock_edges_and_wording() -> None:
    from dxlab.web.aws import sigv4
    from dxlab.web.errors import AuthError

    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    request, cred = vanilla(stamp="20260101T000000Z")
    cred = dataclasses.replace(
        cred,
        signature=sigv4.signature(
            secret, cred, "20260101T000000Z", sigv4.canonical_request(request, cred.signed_headers)
        ),
    )
    lookup = {"AKIDEXAMPLE": (secret, "444455556666")}.get
    verify = functools.partial(sigv4.verify, request, cred, lookup, region="us-east-1")
    verify_service = functools.partial(sigv4.verify, request, cred, lookup)
    with mock.patch.object(sigv4, "SERVICE", "service"):
        assert verify(at("20260101T001500Z")) == "444455556666"  # 15 minutes late: still good
        assert verify(at("20251231T234500Z")) == "444455556666"  # 15 minutes early: still good
        with pytest.raises(AuthError) as late:
            verify(at("20260101T002000Z"))
        assert (late.value.aws_code, late.value.status, late.value.message) == (
            "InvalidSignatureException",
            403,
            "Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T002000Z - 15 min.)",
        )
        with pytest.raises(AuthError) as early:
            verify(at("20251231T234000Z"))
        assert early.value.message == (
            "Signature not yet current: 20260101T000000Z is still later than 20251231T235500Z"
            " (20251231T234000Z + 15 min.)"
        )
        with pytest.raises(AuthError) as unknown:
            sigv4.verify(request, cred, lambda key: None, at("20260101T000000Z"))
        assert (unknown.value.aws_code, unknown.value.message) == (
            "UnrecognizedClientException",
            INVALID_TOKEN,
        )
    with pytest.raises(AuthError) as wrong_service:
        verify_service(at("20260101T000000Z"))
    assert (
        wrong_service.value.message
        == "Credential should be scoped to correct service: 'directconnect'."
    )


def test_strict_sts_caller_identity_for_terraform(strict: ServerProcess, keys: Keys) -> None:
    """Terraform asks STS who it is before anything else; in strict mode that request is
    signed for the sts service, and verified as such."""
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=strict.endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys.access_key,
        aws_secret_access_key=keys.secret,
    )
    assert sts.get_caller_identity()["Account"] == keys.account
    wrong = boto3.client(
        "sts",
        endpoint_url=strict.endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys.access_key,
        aws_secret_access_key="not-the-secret",
    )
    with pytest.raises(ClientError) as info:
        wrong.get_caller_identity()
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
