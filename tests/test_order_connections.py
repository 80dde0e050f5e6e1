"""Step 2 of maximum_resiliency.md: order dedicated connections."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws_errors import error_of


def test_create_connection_answers_like_aws(dx: Any, account: str) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="dc-1")
    assert conn["connectionId"].startswith("dxcon-") and len(conn["connectionId"]) == 14
    assert conn["connectionState"] == "requested"
    assert conn["ownerAccount"] == account
    assert conn["awsDevice"].startswith("EqDC2-")
    listed = dx.describe_connections()["connections"]
    assert [c["connectionId"] for c in listed] == [conn["connectionId"]]
    assert listed[0]["connectionState"] == "available"  # instant provisioning


def test_connections_spread_over_distinct_devices(dx: Any) -> None:
    devices = {
        dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName=f"c{i}")[
            "awsDevice"
        ]
        for i in range(4)
    }
    assert len(devices) == 4


@pytest.mark.parametrize("bandwidth", ["7Gbps", "10gbps", "50Mbps", "1G"])
def test_bad_bandwidth_is_refused_and_nothing_changes(dx: Any, bandwidth: str) -> None:
    code, status, message = error_of(
        dx.create_connection, location="EqDC2", bandwidth=bandwidth, connectionName="x"
    )
    assert (code, status) == ("DirectConnectClientException", 400)
    assert bandwidth in message
    assert dx.describe_connections()["connections"] == []


def test_unknown_location_is_refused(dx: Any) -> None:
    code, status, message = error_of(
        dx.create_connection, location="XYZ1", bandwidth="1Gbps", connectionName="x"
    )
    assert (code, status) == ("DirectConnectClientException", 400)
    assert "XYZ1" in message
    assert dx.describe_connections()["connections"] == []


def test_other_accounts_connections_are_invisible(server: Any, dx: Any) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="mine")
    other = server.client("999999999999")
    code, status, message = error_of(other.describe_connections, connectionId=conn["connectionId"])
    assert (code, status) == ("DirectConnectClientException", 400)
    assert f"Could not find Connection with ID {conn['connectionId']}" == message


def test_connection_quota_per_location(dx: Any) -> None:
    for i in range(10):
        dx.create_connection(location="CSVA1", bandwidth="1Gbps", connectionName=f"q{i}")
    code, status, message = error_of(
        dx.create_connection, location="CSVA1", bandwidth="1Gbps", connectionName="q10"
    )
    assert (code, status) == ("DirectConnectClientException", 400)
    assert "limit" in message.lower()
    assert len(dx.describe_connections()["connections"]) == 10


def test_update_and_delete(dx: Any) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="old")
    cid = conn["connectionId"]
    assert dx.update_connection(connectionId=cid, connectionName="new")["connectionName"] == "new"
    assert dx.delete_connection(connectionId=cid)["connectionState"] == "deleted"
    code, _, _ = error_of(dx.update_connection, connectionId=cid, connectionName="again")
    assert code == "DirectConnectClientException"
