"""`--auth strict` with the real clients: the server verifies SigV4 as each of them signs
it: botocore over rpc-v2-cbor, the AWS CLI, and the JavaScript SDK (a signer written
independently of botocore's) over both protocols. A wrong secret is refused as AWS
refuses it, in the protocol the client spoke."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.test_auth import Keys, register
from tests.test_awscli import aws
from tests.test_js_sdk import node_project, run_js  # noqa: F401  (node_project is a fixture)
from tests.wire import assert_aws_error, cbor_call

# The test helpers sign with this secret; a key registered with it is "ours".
SECRET = "dxlab-test-secret"
MISMATCH = "The request signature we calculated does not match the signature you provided."


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = f"sqlite:///{tmp_path_factory.mktemp('strict-clients') / 'dxlab.db'}"
    srv = ServerProcess(db, args=("--auth", "strict")).start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


_key_seq = iter(range(1, 1000))


@pytest.fixture
def ours(strict: ServerProcess, account: str) -> Keys:
    """A key registered for a fresh account, with the secret the helpers sign with."""
    return register(strict.db, account, f"AKIADXLABCLIENT{next(_key_seq):05d}", SECRET)


@pytest.fixture
def theirs(strict: ServerProcess, account: str) -> Keys:
    """A key whose secret the helpers do not know: their signatures cannot match."""
    return register(
        strict.db, account, f"AKIADXLABOTHERS{next(_key_seq):05d}", "someone-elses-secret"
    )


def test_botocore_cbor_is_verified(strict: ServerProcess, ours: Keys, theirs: Keys) -> None:
    order = {"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "strict-cbor"}
    answer, conn = cbor_call(strict.endpoint, "CreateConnection", order, ours.access_key)
    assert answer.status == 200, answer.body[:300]
    assert conn["ownerAccount"] == ours.account
    answer, parsed = cbor_call(strict.endpoint, "CreateConnection", order, theirs.access_key)
    err = assert_aws_error(answer, 403, "InvalidSignatureException")
    assert err["message"].startswith(MISMATCH)
    assert parsed["Error"]["Code"] == "InvalidSignatureException"
    _, listed = cbor_call(strict.endpoint, "DescribeConnections", {}, ours.access_key)
    assert [c["connectionName"] for c in listed["connections"]] == ["strict-cbor"]


def test_aws_cli_is_verified(strict: ServerProcess, ours: Keys, theirs: Keys) -> None:
    code, out, err = aws(
        strict,
        ours.access_key,
        "create-connection",
        "--location",
        "EqDC2",
        "--bandwidth",
        "1Gbps",
        "--connection-name",
        "strict-cli",
    )
    assert code == 0, err
    assert out["ownerAccount"] == ours.account
    code, out, err = aws(strict, theirs.access_key, "describe-connections")
    assert code in (254, 255) and out is None
    assert "An error occurred (InvalidSignatureException)" in err and MISMATCH in err, err


@pytest.mark.usefixtures("node_project")
@pytest.mark.parametrize("wire", ["json", "cbor"])
def test_js_sdk_is_verified(strict: ServerProcess, ours: Keys, theirs: Keys, wire: str) -> None:
    report: dict[str, Any] = run_js(strict, ours.access_key, wire)
    assert report["created"]["ownerAccount"] == ours.account
    assert report["described"]["connectionId"] == report["created"]["connectionId"]
    assert report["error"]["name"] == "DirectConnectClientException"  # signed fine, then not found
    refused = run_js(strict, theirs.access_key, wire, expect_failure=True)
    assert refused["name"] == "InvalidSignatureException", refused
    assert refused["status"] == 403
    assert refused["message"].startswith(MISMATCH)
