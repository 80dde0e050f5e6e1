"""For users' own test suites: emptying a running server between tests (moto's
`POST /moto-api/reset` and dxlab's `POST /_dxlab/reset`), only on a server started for
tests; the shared-server fixture of `dxlab.testing`; one log line per API call."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import urllib3
from botocore.exceptions import ClientError

from dxlab.cli.client import ExtensionError, ext
from dxlab.testing import DxlabServer, dxlab_server
from tests.databases import KINDS, database

_http = urllib3.PoolManager(retries=False, timeout=10)


@pytest.fixture(params=KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def test_moto_reset_empties_every_account_in_milliseconds(make_server: Any, db_url: str) -> None:
    server = make_server("--allow-reset", db=db_url)
    for account in ("111111111111", "222222222222"):
        dx = server.client(account)
        dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="c")
        dx.create_direct_connect_gateway(directConnectGatewayName="g")
    started = time.perf_counter()
    answer = _http.request(
        "POST", server.endpoint + "/moto-api/reset"
    )  # unsigned, as moto's users call it
    elapsed = time.perf_counter() - started
    assert answer.status == 200 and answer.json()["status"] == "ok", answer.data
    assert elapsed < 0.5, elapsed  # milliseconds in practice; bounded loosely for a busy machine
    for account in ("111111111111", "222222222222"):
        dx = server.client(account)
        assert dx.describe_connections()["connections"] == []
        assert dx.describe_direct_connect_gateways()["directConnectGateways"] == []
    # The store works on: the same VLANs, ports and names can be had again.
    assert server.client("111111111111").create_connection(
        location="EqDC2", bandwidth="1Gbps", connectionName="c"
    )
    assert ext(server.endpoint, "POST", "/reset", account="111111111111")["status"] == "ok"


@pytest.mark.parametrize(
    ("args", "words"),
    [((), "--allow-reset"), (("--allow-reset", "--auth", "strict"), "--auth strict")],
)
def test_reset_is_refused_unless_the_server_was_started_for_it(
    make_server: Any, args: tuple[str, ...], words: str
) -> None:
    server = make_server(*args)
    for path in ("/moto-api/reset", "/_dxlab/reset"):
        answer = _http.request("POST", server.endpoint + path)
        error = answer.json()
        assert (answer.status, error["__type"]) == (403, "AccessDeniedException"), error
        assert words in error["message"]


def test_refused_reset_changes_nothing(make_server: Any) -> None:
    server = make_server()
    dx = server.client("111111111111")
    dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="kept")
    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, "POST", "/reset", account="111111111111")
    assert info.value.status == 403
    assert [c["connectionName"] for c in dx.describe_connections()["connections"]] == ["kept"]


def test_shared_fixture_starts_each_test_empty(dxlab_shared: DxlabServer) -> None:
    import boto3

    dx = boto3.client("directconnect")  # the environment points at the shared server
    assert dx.describe_connections()["connections"] == []
    dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="left-behind")


def test_shared_fixture_again_empty(dxlab_shared: DxlabServer) -> None:
    import boto3

    assert boto3.client("directconnect").describe_connections()["connections"] == []


def test_testing_helpers_vgw_tgw_and_clock() -> None:
    with dxlab_server(patch_env=False) as server:
        vgw, tgw = server.vgw("10.0.0.0/16", asn=65010), server.tgw("10.1.0.0/16", asn=65020)
        assert vgw.startswith("vgw-") and tgw.startswith("tgw-")
        got = server.client.describe_virtual_gateways()["virtualGateways"]
        assert [g["virtualGatewayId"] for g in got] == [vgw]
        before = server.ext("GET", "/clock")["now"]
        moved = server.advance_clock(3 * 3600)
        assert moved["now"] - before >= 3 * 3600


def test_each_api_call_is_logged(make_server: Any) -> None:
    server = make_server()
    dx = server.client("333333333333", region="eu-west-1")
    dx.describe_locations()
    with pytest.raises(Exception):  # noqa: B017 - any client error
        dx.describe_connections(connectionId="dxcon-nothere1")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = server.log.read_text() if server.log else ""
        if "DescribeConnections" in text:
            break
        time.sleep(0.05)
    lines = [line for line in text.splitlines() if "dxlab.api.calls" in line]
    ok = next(line for line in lines if "DescribeLocations" in line)
    assert (
        "INFO" in ok
        and "333333333333 eu-west-1 DescribeLocations 200 - " in ok
        and ok.endswith(" ms")
    )
    bad = next(line for line in lines if "DescribeConnections" in line)
    assert "333333333333 eu-west-1 DescribeConnections 400 DirectConnectClientException " in bad


def test_ec2_and_sts_calls_are_logged_too(make_server: Any) -> None:
    """EC2 (VPCs, gateways) and STS GetCallerIdentity share the port: their calls are API
    calls a user reads in the same log."""
    server = make_server()
    keys = {
        "endpoint_url": server.endpoint,
        "region_name": "ap-southeast-2",
        "aws_access_key_id": "444444444444",
        "aws_secret_access_key": "x",
    }
    ec2, sts = boto3.client("ec2", **keys), boto3.client("sts", **keys)
    ec2.create_vpc(CidrBlock="10.7.0.0/16")
    with pytest.raises(ClientError):
        ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
    assert sts.get_caller_identity()["Account"] == "444444444444"
    deadline = time.monotonic() + 5
    lines: list[str] = []
    while time.monotonic() < deadline:
        text = server.log.read_text() if server.log else ""
        lines = [line for line in text.splitlines() if "dxlab.api.calls" in line]
        if any("GetCallerIdentity" in line for line in lines):
            break
        time.sleep(0.05)
    made = next(line for line in lines if "CreateVpc" in line)
    assert "INFO" in made and "444444444444 ap-southeast-2 CreateVpc 200 - " in made
    assert made.endswith(" ms")
    missing = next(line for line in lines if "DescribeVpcs" in line)
    assert "444444444444 ap-southeast-2 DescribeVpcs 400 InvalidVpcID.NotFound " in missing
    who = next(line for line in lines if "GetCallerIdentity" in line)
    assert "444444444444 ap-southeast-2 GetCallerIdentity 200 - " in who


def test_reset_on_the_memory_store() -> None:
    with dxlab_server(store="memory", patch_env=False) as server:
        server.client.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="c")
        server.vgw("10.0.0.0/16")
        assert server.reset()["removed"] >= 2
        assert server.client.describe_connections()["connections"] == []
        assert server.client.describe_virtual_gateways()["virtualGateways"] == []
        assert server.client.create_connection(
            location="EqDC2", bandwidth="1Gbps", connectionName="again"
        )
