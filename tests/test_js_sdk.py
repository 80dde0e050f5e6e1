"""The AWS SDK for JavaScript v3 (`@aws-sdk/client-direct-connect`, pinned in
tests/js/package.json) against a real server process, over both protocols of the model:
awsJson1.1 (the SDK's default) and smithy-rpc-v2-cbor (the SDK's own CBOR protocol)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).parent / "js"
CBOR_PATH = "/service/OvertureService/operation/"


@pytest.fixture(scope="module")
def node_project() -> Path:
    """tests/js with its node_modules, installed from the lockfile when missing.
    Node and npm are required: without them this fails rather than skips."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, (
        "node and npm are needed for the JavaScript SDK test (apt-get install nodejs npm)"
    )
    if not (JS / "node_modules" / "@aws-sdk" / "client-direct-connect").is_dir():
        done = subprocess.run(
            [npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return JS


def run_js(
    server: Any, account: str, wire: str, endpoint_env: bool = False, expect_failure: bool = False
) -> dict[str, Any]:
    """Runs dx.mjs as `account` (the access key id); its report, or with `expect_failure`
    the error of the first call that failed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        NODE_NO_WARNINGS="1",  # the SDK's notice about future Node versions
    )
    args = ["node", str(JS / "dx.mjs"), wire]
    if endpoint_env:
        env["AWS_ENDPOINT_URL_DIRECT_CONNECT"] = server.endpoint
    else:
        args.append(server.endpoint)
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == (2 if expect_failure else 0), done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report["failure"] if expect_failure else report


def check_report(report: dict[str, Any], account: str, server: Any) -> None:
    assert "EqDC2" in report["locationCodes"]
    created = report["created"]
    assert created["connectionId"].startswith("dxcon-")
    assert (created["connectionState"], created["ownerAccount"]) == ("requested", account)
    assert created["$metadata"]["httpStatusCode"] == 200
    assert report["createdRequestId"]  # read from x-amzn-RequestId
    described = report["described"]
    assert described["connectionId"] == created["connectionId"]
    assert described["bandwidth"] == "10Gbps" and described["location"] == "EqDC2"
    assert report["loaIssueTimeIsDate"] is True
    # The same connection, as boto3 sees it.
    [by_boto] = server.client(account).describe_connections()["connections"]
    assert by_boto["connectionId"] == created["connectionId"]
    assert abs(by_boto["loaIssueTime"].timestamp() - report["loaIssueTime"]) < 0.002
    assert report["error"] == {
        "name": "DirectConnectClientException",
        "message": "Could not find Connection with ID dxcon-nope1234",
        "fault": "client",
        "status": 400,
        "requestId": report["error"]["requestId"],
    }
    assert report["error"]["requestId"]
    wire = report["wire"]
    assert [len(page) for page in report["gatewayPages"]] == [2, 1]
    assert sorted(sum(report["gatewayPages"], [])) == [f"js-{wire}-{n}" for n in (1, 2, 3)]


def test_js_sdk_over_aws_json(node_project: Path, server: Any, account: str) -> None:
    report = run_js(server, account, "json")
    assert {r["path"] for r in report["requests"]} == {"/"}
    assert report["requests"][1] == {
        "path": "/",
        "target": "OvertureService.CreateConnection",
        "smithyProtocol": None,
        "contentType": "application/x-amz-json-1.1",
    }
    check_report(report, account, server)


def test_js_sdk_over_rpc_v2_cbor(node_project: Path, server: Any, account: str) -> None:
    report = run_js(server, account, "cbor")
    assert [r["path"] for r in report["requests"]][:4] == [
        CBOR_PATH + "DescribeLocations",
        CBOR_PATH + "CreateConnection",
        CBOR_PATH + "DescribeConnections",
        CBOR_PATH + "DescribeConnections",
    ]
    assert all(r["path"].startswith(CBOR_PATH) for r in report["requests"])
    assert {r["smithyProtocol"] for r in report["requests"]} == {"rpc-v2-cbor"}
    assert report["requests"][1]["contentType"] == "application/cbor"
    check_report(report, account, server)


def test_js_sdk_endpoint_from_environment(node_project: Path, server: Any, account: str) -> None:
    report = run_js(server, account, "json", endpoint_env=True)
    check_report(report, account, server)
