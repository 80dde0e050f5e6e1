"""The AWS CLI (awscli from PyPI, installed in the venv) against a real server process:
the commands of the guide's walk-throughs, answered as AWS answers them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cbor_model import write_cbor_only_model

AWS = Path(sys.executable).parent / "aws"
REGION = "us-east-1"


def aws(
    server: Any, account: str, *args: str, endpoint_env: bool = False, data_path: Path | None = None
) -> tuple[int, Any, str]:
    """Runs `aws directconnect ARGS --output json`; returns (exit code, parsed stdout, stderr)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") or k == "AWS_EC2_METADATA_DISABLED"
    }
    env.update(
        AWS_ACCESS_KEY_ID=account,  # a 12-digit key id selects the account
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_DEFAULT_REGION=REGION,
        # Keep a developer's ~/.aws out of the test.
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    cmd = [str(AWS), "directconnect", *args, "--output", "json"]
    if data_path:
        env["AWS_DATA_PATH"] = str(data_path)  # botocore models read before its own
    if endpoint_env:
        env["AWS_ENDPOINT_URL_DIRECT_CONNECT"] = server.endpoint
    else:
        cmd += ["--endpoint-url", server.endpoint]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    out = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, out, done.stderr


def ok(server: Any, account: str, *args: str, **kwargs: Any) -> Any:
    code, out, err = aws(server, account, *args, **kwargs)
    assert code == 0, err
    return out


def test_aws_cli_is_installed() -> None:
    assert AWS.exists(), f"{AWS} is missing: install the test extras (awscli)"


def test_describe_locations(server: Any, account: str) -> None:
    out = ok(server, account, "describe-locations")
    eq = next(loc for loc in out["locations"] if loc["locationCode"] == "EqDC2")
    assert eq["region"] == REGION
    assert "10G" in eq["availablePortSpeeds"]


def test_connection_lifecycle(server: Any, account: str) -> None:
    conn = ok(
        server,
        account,
        "create-connection",
        "--location",
        "EqDC2",
        "--bandwidth",
        "10Gbps",
        "--connection-name",
        "cli-1",
    )
    cid = conn["connectionId"]
    assert cid.startswith("dxcon-") and conn["connectionState"] == "requested"
    assert conn["ownerAccount"] == account

    listed = ok(server, account, "describe-connections")["connections"]
    assert [c["connectionId"] for c in listed] == [cid]
    one = ok(server, account, "describe-connections", "--connection-id", cid)["connections"][0]
    assert one["connectionName"] == "cli-1" and one["bandwidth"] == "10Gbps"

    arn = f"arn:aws:directconnect:{REGION}:{account}:dxcon/{cid}"
    assert (
        ok(
            server,
            account,
            "tag-resource",
            "--resource-arn",
            arn,
            "--tags",
            "key=team,value=netops",
        )
        is None
    )  # empty output prints nothing
    tags = ok(server, account, "describe-tags", "--resource-arns", arn)["resourceTags"]
    assert tags == [{"resourceArn": arn, "tags": [{"key": "team", "value": "netops"}]}]

    renamed = ok(
        server, account, "update-connection", "--connection-id", cid, "--connection-name", "cli-2"
    )
    assert renamed["connectionName"] == "cli-2"

    deleted = ok(server, account, "delete-connection", "--connection-id", cid)
    assert deleted["connectionState"] == "deleted"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("describe-connections", "--connection-id", "dxcon-nope1234"),
            "Could not find Connection with ID dxcon-nope1234",
        ),
        (
            (
                "create-connection",
                "--location",
                "EqDC2",
                "--bandwidth",
                "7Gbps",
                "--connection-name",
                "x",
            ),
            "7Gbps",
        ),
    ],
)
def test_error_exit_code_and_message(
    server: Any, account: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = aws(server, account, *args)
    assert code in (254, 255), (code, err)
    assert out is None
    assert "An error occurred (DirectConnectClientException)" in err, err
    assert message in err, err
    assert ok(server, account, "describe-connections")["connections"] == []


def test_endpoint_from_environment(server: Any, account: str) -> None:
    conn = ok(
        server,
        account,
        "create-connection",
        "--location",
        "EqDC2",
        "--bandwidth",
        "1Gbps",
        "--connection-name",
        "by-env",
        endpoint_env=True,
    )
    listed = ok(server, account, "describe-connections", endpoint_env=True)["connections"]
    assert [c["connectionId"] for c in listed] == [conn["connectionId"]]
    code, _, err = aws(
        server,
        account,
        "describe-connections",
        "--connection-id",
        "dxcon-nope1234",
        endpoint_env=True,
    )
    assert code in (254, 255) and "Could not find Connection with ID dxcon-nope1234" in err


def test_cli_paginates_with_the_servers_next_token(server: Any, account: str) -> None:
    # paginators-1.json: the CLI follows nextToken itself for the gateway listings.
    names = [f"gw-{i}" for i in range(5)]
    dx = server.client(account)  # boto3 makes them: quicker than five CLI processes
    for name in names:
        dx.create_direct_connect_gateway(directConnectGatewayName=name)
    everything = ok(server, account, "describe-direct-connect-gateways", "--page-size", "2")
    assert (
        sorted(g["directConnectGatewayName"] for g in everything["directConnectGateways"]) == names
    )
    assert "NextToken" not in everything
    first = ok(
        server, account, "describe-direct-connect-gateways", "--page-size", "2", "--max-items", "3"
    )
    assert len(first["directConnectGateways"]) == 3 and first["NextToken"]
    rest = ok(
        server,
        account,
        "describe-direct-connect-gateways",
        "--page-size",
        "2",
        "--starting-token",
        first["NextToken"],
    )
    seen = first["directConnectGateways"] + rest["directConnectGateways"]
    assert sorted(g["directConnectGatewayName"] for g in seen) == names


def test_cli_over_rpc_v2_cbor(server: Any, account: str, tmp_path: Path) -> None:
    # AWS CLI v2 puts rpc-v2-cbor first; v1 does when the model offers nothing else.
    cbor = write_cbor_only_model(tmp_path)
    conn = ok(
        server,
        account,
        "create-connection",
        "--location",
        "EqDC2",
        "--bandwidth",
        "1Gbps",
        "--connection-name",
        "cli-cbor",
        data_path=cbor,
    )
    [listed] = ok(server, account, "describe-connections", data_path=cbor)["connections"]
    assert listed["connectionId"] == conn["connectionId"]
    assert listed["loaIssueTime"]  # a CBOR tag-1 timestamp, printed by the CLI
    code, _, err = aws(
        server,
        account,
        "describe-connections",
        "--connection-id",
        "dxcon-nope1234",
        "--debug",
        data_path=cbor,
    )
    assert code in (254, 255)
    assert "An error occurred (DirectConnectClientException)" in err
    assert "Could not find Connection with ID dxcon-nope1234" in err
    assert "/service/OvertureService/operation/DescribeConnections" in err  # the CBOR path


def test_associate_and_disassociate_connection_with_lag_examples(server: Any, account: str) -> None:
    """The AWS CLI's own examples (awscli/examples/directconnect/associate-connection-with-lag.rst,
    disassociate-connection-from-lag.rst): a LAG and a connection ordered at one location
    and speed, then associated and disassociated (lag_placement puts them on one device)."""
    lag = ok(
        server,
        account,
        "create-lag",
        "--location",
        "EqDC2",
        "--number-of-connections",
        "1",
        "--connections-bandwidth",
        "1Gbps",
        "--lag-name",
        "1GBLag",
    )
    conn = ok(
        server,
        account,
        "create-connection",
        "--location",
        "EqDC2",
        "--bandwidth",
        "1Gbps",
        "--connection-name",
        "Con2ForLag",
    )
    captured = {
        "ownerAccount",
        "connectionId",
        "lagId",
        "connectionState",
        "bandwidth",
        "location",
        "connectionName",
        "region",
    }
    joined = ok(
        server,
        account,
        "associate-connection-with-lag",
        "--lag-id",
        lag["lagId"],
        "--connection-id",
        conn["connectionId"],
    )
    assert captured <= set(joined)
    assert (joined["lagId"], joined["connectionName"], joined["bandwidth"]) == (
        lag["lagId"],
        "Con2ForLag",
        "1Gbps",
    )
    left = ok(
        server,
        account,
        "disassociate-connection-from-lag",
        "--lag-id",
        lag["lagId"],
        "--connection-id",
        conn["connectionId"],
    )
    assert captured - {"lagId"} <= set(left) and "lagId" not in left
    assert (
        ok(server, account, "describe-lags", "--lag-id", lag["lagId"])["lags"][0][
            "numberOfConnections"
        ]
        == 1
    )
