"""Link aggregation groups (lags.md, create-lag.md, update-lag.md, delete-lag.md,
associate-connection-with-lag.md, disassociate-connection-from-lag.md; limits.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.domain.lag import lag_state, leaves_too_few
from tests.failover_support import advance
from tests.ports_support import error_of, refused


def lag_of(dx: Any, lag_id: str) -> dict[str, Any]:
    return dx.describe_lags(lagId=lag_id)["lags"][0]


def member_ids(lag: dict[str, Any]) -> list[str]:
    return [c["connectionId"] for c in lag["connections"]]


def test_create_lag_with_new_connections_answers_like_aws(dx: Any, account: str) -> None:
    lag = dx.create_lag(
        numberOfConnections=2,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="lag-1",
        tags=[{"key": "team", "value": "net"}],
        childConnectionTags=[{"key": "role", "value": "member"}],
    )
    assert lag["lagId"].startswith("dxlag-") and len(lag["lagId"]) == 14
    # The create-lag capture: a new LAG is `pending` in CreateLag's answer.
    assert (lag["lagState"], lag["numberOfConnections"], lag["minimumLinks"]) == ("pending", 2, 0)
    assert (lag["ownerAccount"], lag["region"], lag["location"]) == (account, "us-east-1", "EqDC2")
    assert lag["tags"] == [{"key": "team", "value": "net"}]
    # lags.md: every connection of the LAG terminates on the LAG's one AWS device.
    assert {c["awsDevice"] for c in lag["connections"]} == {lag["awsDevice"]}
    assert [c["connectionName"] for c in lag["connections"]] == [
        f"Requested Connection {i} for Lag {lag['lagId']}" for i in (1, 2)
    ]
    for conn in lag["connections"]:
        assert (conn["lagId"], conn["bandwidth"], conn["connectionState"]) == (
            lag["lagId"],
            "10Gbps",
            "requested",
        )
        assert conn["tags"] == [{"key": "role", "value": "member"}]
    # Instant provisioning: the members come up, and the LAG with them.
    described = lag_of(dx, lag["lagId"])
    assert described["lagState"] == "available"
    assert {c["connectionState"] for c in described["connections"]} == {"available"}
    conns = {c["connectionId"]: c for c in dx.describe_connections()["connections"]}
    assert set(conns) == set(member_ids(lag))
    assert {c["lagId"] for c in conns.values()} == {lag["lagId"]}
    arn = f"arn:aws:directconnect:us-east-1:{account}:dxlag/{lag['lagId']}"
    assert dx.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == lag["tags"]


def test_create_lag_from_an_existing_connection(dx: Any) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="old")
    lag = dx.create_lag(
        numberOfConnections=2,
        location="EqDC2",
        connectionsBandwidth="1Gbps",
        lagName="x",
        connectionId=conn["connectionId"],
    )
    # create-lag.md: the existing connection counts, the LAG takes its device.
    assert lag["numberOfConnections"] == 2
    assert conn["connectionId"] in member_ids(lag)
    assert lag["awsDevice"] == conn["awsDevice"]
    assert {c["awsDevice"] for c in lag["connections"]} == {conn["awsDevice"]}
    moved = dx.describe_connections(connectionId=conn["connectionId"])["connections"][0]
    assert moved["lagId"] == lag["lagId"]


BAD_CREATES = [
    ({"connectionsBandwidth": "7Gbps"}, ["7Gbps"]),
    ({"connectionsBandwidth": "500Mbps"}, ["500Mbps"]),
    ({"numberOfConnections": 5}, ["4", "5"]),
    ({"numberOfConnections": 3, "connectionsBandwidth": "100Gbps"}, ["2", "100Gbps"]),
    ({"numberOfConnections": 0}, ["numberOfConnections"]),
    ({"location": "XYZ1"}, ["XYZ1"]),
    ({"connectionsBandwidth": "1Gbps", "requestMACSec": True}, ["MACsec", "1Gbps"]),
    ({"providerName": "Nobody"}, ["Nobody"]),
    ({"connectionId": "dxcon-zzzzzzzz"}, ["Could not find Connection with ID dxcon-zzzzzzzz"]),
    ({"tags": [{"key": "a"}, {"key": "a"}]}, []),
]


@pytest.mark.parametrize(("change", "words"), BAD_CREATES)
def test_bad_create_lag_is_refused_and_nothing_changes(
    dx: Any, change: dict[str, Any], words: list[str]
) -> None:
    req = {
        "numberOfConnections": 2,
        "location": "EqDC2",
        "connectionsBandwidth": "10Gbps",
        "lagName": "bad",
    }
    req.update(change)
    if "tags" in change:
        code, status, _ = error_of(dx.create_lag, **req)
        assert (code, status) == ("DuplicateTagKeysException", 400)
    else:
        refused(dx.create_lag, *words, **req)
    assert dx.describe_lags()["lags"] == []
    assert dx.describe_connections()["connections"] == []


def test_existing_connection_must_match_the_lag(dx: Any) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="c")
    base = {
        "numberOfConnections": 1,
        "location": "EqDC2",
        "lagName": "x",
        "connectionId": conn["connectionId"],
    }
    refused(dx.create_lag, "1Gbps", "10Gbps", connectionsBandwidth="10Gbps", **base)
    refused(dx.create_lag, "CSVA1", connectionsBandwidth="1Gbps", **{**base, "location": "CSVA1"})
    assert dx.describe_lags()["lags"] == []
    assert (
        "lagId" not in dx.describe_connections(connectionId=conn["connectionId"])["connections"][0]
    )


def test_ten_lags_per_region(dx: Any) -> None:
    # limits.md: 10 LAGs per Region (and 10 connections per location: spread them).
    for i in range(10):
        dx.create_lag(
            numberOfConnections=1,
            location="EqDC2" if i < 5 else "CSVA1",
            connectionsBandwidth="1Gbps",
            lagName=f"l{i}",
        )
    refused(
        dx.create_lag,
        "10",
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="1Gbps",
        lagName="l10",
    )
    assert len(dx.describe_lags()["lags"]) == 10
    assert len(dx.describe_connections()["connections"]) == 10
    # A deleted LAG no longer counts.
    dx.delete_lag(lagId=dx.describe_lags()["lags"][0]["lagId"])
    dx.create_lag(
        numberOfConnections=1, location="EqDC2", connectionsBandwidth="1Gbps", lagName="l10"
    )


def test_new_connections_count_against_the_location_limit(dx: Any) -> None:
    for i in range(7):
        dx.create_connection(location="CSVA1", bandwidth="1Gbps", connectionName=f"c{i}")
    refused(
        dx.create_lag,
        "limit",
        numberOfConnections=4,
        location="CSVA1",
        connectionsBandwidth="1Gbps",
        lagName="x",
    )
    assert dx.describe_lags()["lags"] == []
    assert len(dx.describe_connections()["connections"]) == 7
    assert dx.create_lag(
        numberOfConnections=3, location="CSVA1", connectionsBandwidth="1Gbps", lagName="x"
    )


def test_associate_and_disassociate(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    lag_id = lag["lagId"]
    first, second = member_ids(lag)
    alone = dx.disassociate_connection_from_lag(connectionId=second, lagId=lag_id)
    assert "lagId" not in alone and alone["connectionId"] == second
    assert member_ids(lag_of(dx, lag_id)) == [first]
    # Standalone now, but still on the LAG's device: it may come back.
    back = dx.associate_connection_with_lag(connectionId=second, lagId=lag_id)
    assert back["lagId"] == lag_id
    assert sorted(member_ids(lag_of(dx, lag_id))) == sorted([first, second])
    refused(dx.associate_connection_with_lag, "already", connectionId=second, lagId=lag_id)


def test_associate_refuses_another_device_or_bandwidth(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=4, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    # The LAG is full (limits.md: 4 below 100G), so a new connection spreads to another device.
    other = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="elsewhere")
    assert other["awsDevice"] != lag["awsDevice"]
    dx.disassociate_connection_from_lag(connectionId=member_ids(lag)[3], lagId=lag["lagId"])
    refused(
        dx.associate_connection_with_lag,
        "same AWS device",
        other["awsDevice"],
        connectionId=other["connectionId"],
        lagId=lag["lagId"],
    )
    slow = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="slow")
    refused(
        dx.associate_connection_with_lag,
        "1Gbps",
        connectionId=slow["connectionId"],
        lagId=lag["lagId"],
    )
    far = dx.create_connection(location="CSVA1", bandwidth="10Gbps", connectionName="far")
    refused(
        dx.associate_connection_with_lag,
        "CSVA1",
        connectionId=far["connectionId"],
        lagId=lag["lagId"],
    )
    assert lag_of(dx, lag["lagId"])["numberOfConnections"] == 3
    assert [
        c["connectionName"] for c in dx.describe_connections()["connections"] if "lagId" not in c
    ] == [lag["connections"][3]["connectionName"], "elsewhere", "slow", "far"]


@pytest.mark.parametrize("lag_first", [True, False])
def test_a_connection_and_a_lag_ordered_at_one_location_and_speed_share_a_device(
    dx: Any, lag_first: bool
) -> None:
    """associate-connection-with-lag.md needs one device; the ordinary flow (a LAG and a
    connection ordered at one location and speed, in either order, then associated: what
    Terraform's aws_dx_connection_association does) finds them there (lag_placement)."""

    def order_lag() -> dict[str, Any]:
        return dict(
            dx.create_lag(
                numberOfConnections=1, location="CSVA1", connectionsBandwidth="1Gbps", lagName="l"
            )
        )

    def order_connection(name: str) -> dict[str, Any]:
        return dict(dx.create_connection(location="CSVA1", bandwidth="1Gbps", connectionName=name))

    if lag_first:
        lag, conn = order_lag(), order_connection("c")
    else:
        conn = order_connection("c")
        lag = order_lag()
    assert conn["awsDevice"] == lag["awsDevice"]
    assert (
        dx.associate_connection_with_lag(connectionId=conn["connectionId"], lagId=lag["lagId"])[
            "lagId"
        ]
        == lag["lagId"]
    )
    assert len(member_ids(lag_of(dx, lag["lagId"]))) == 2
    # Another speed, or the same speed elsewhere, is not drawn to the LAG's device.
    fast = dx.create_connection(location="CSVA1", bandwidth="10Gbps", connectionName="fast")
    assert fast["awsDevice"] != lag["awsDevice"]
    # A second LAG still spreads away from the first (the Resiliency Toolkit's orders).
    assert order_lag()["awsDevice"] != lag["awsDevice"]


def test_a_full_lag_draws_no_more_connections(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="100Gbps", lagName="big"
    )
    assert (
        dx.create_connection(location="EqDC2", bandwidth="100Gbps", connectionName="x")["awsDevice"]
        != lag["awsDevice"]
    )
    dx.disassociate_connection_from_lag(connectionId=member_ids(lag)[1], lagId=lag["lagId"])
    assert (
        dx.create_connection(location="EqDC2", bandwidth="100Gbps", connectionName="y")["awsDevice"]
        == lag["awsDevice"]
    )


def test_connections_per_lag(dx: Any) -> None:
    # limits.md: 2 connections at 100G and above.
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="100Gbps", lagName="big"
    )
    refused(
        dx.create_connection,
        "maximum of 2",
        location="EqDC2",
        bandwidth="100Gbps",
        connectionName="third",
        lagId=lag["lagId"],
    )
    extra = dx.create_connection(location="EqDC2", bandwidth="100Gbps", connectionName="extra")
    refused(
        dx.associate_connection_with_lag,
        "maximum of 2",
        connectionId=extra["connectionId"],
        lagId=lag["lagId"],
    )
    assert lag_of(dx, lag["lagId"])["numberOfConnections"] == 2


def test_minimum_links(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=3, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    lag_id = lag["lagId"]
    refused(dx.update_lag, "minimumLinks", "4", lagId=lag_id, minimumLinks=4)
    refused(dx.update_lag, "minimumLinks", lagId=lag_id, minimumLinks=-1)
    assert lag_of(dx, lag_id)["minimumLinks"] == 0
    updated = dx.update_lag(lagId=lag_id, minimumLinks=2, lagName="renamed")
    assert (updated["minimumLinks"], updated["lagName"], updated["lagState"]) == (
        2,
        "renamed",
        "available",
    )
    a, b, c = member_ids(lag)
    dx.disassociate_connection_from_lag(connectionId=a, lagId=lag_id)
    # 1 left would be below the minimum of 2.
    refused(dx.disassociate_connection_from_lag, "minimum of 2", connectionId=b, lagId=lag_id)
    refused(dx.delete_connection, "minimum of 2", connectionId=b)
    other = dx.create_lag(
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="o",
        connectionId=a,
    )
    refused(dx.associate_connection_with_lag, "minimum of 2", connectionId=b, lagId=other["lagId"])
    assert sorted(member_ids(lag_of(dx, lag_id))) == sorted([b, c])
    # The last member may always leave (the model: the LAG stays, empty).
    dx.update_lag(lagId=lag_id, minimumLinks=1)
    dx.disassociate_connection_from_lag(connectionId=b, lagId=lag_id)
    dx.disassociate_connection_from_lag(connectionId=c, lagId=lag_id)
    empty = lag_of(dx, lag_id)
    assert (empty["numberOfConnections"], empty["connections"], empty["lagState"]) == (
        0,
        [],
        "down",
    )


def test_disassociate_a_connection_that_is_not_a_member(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=1, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="c")
    refused(
        dx.disassociate_connection_from_lag,
        "not associated",
        connectionId=conn["connectionId"],
        lagId=lag["lagId"],
    )
    refused(
        dx.disassociate_connection_from_lag,
        "Could not find Lag with ID dxlag-zzzzzzzz",
        connectionId=conn["connectionId"],
        lagId="dxlag-zzzzzzzz",
    )


def test_update_lag_encryption_mode(dx: Any) -> None:
    plain = dx.create_lag(
        numberOfConnections=1, location="EqDC2", connectionsBandwidth="10Gbps", lagName="p"
    )
    refused(dx.update_lag, "MACsec", lagId=plain["lagId"], encryptionMode="must_encrypt")
    secure = dx.create_lag(
        numberOfConnections=2,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="s",
        requestMACSec=True,
    )
    assert secure["macSecCapable"] and all(c["macSecCapable"] for c in secure["connections"])
    refused(dx.update_lag, "always_encrypt", lagId=secure["lagId"], encryptionMode="always_encrypt")
    assert (
        dx.update_lag(lagId=secure["lagId"], encryptionMode="must_encrypt")["encryptionMode"]
        == "must_encrypt"
    )
    # update-lag.md: AWS assigns the mode to each connection of the LAG.
    assert {c["encryptionMode"] for c in lag_of(dx, secure["lagId"])["connections"]} == {
        "must_encrypt"
    }


def test_delete_lag_leaves_its_connections(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    deleted = dx.delete_lag(lagId=lag["lagId"])
    assert deleted["lagState"] == "deleted"
    # delete-lag.md: deleting a LAG does not delete the connections in it.
    conns = dx.describe_connections()["connections"]
    assert sorted(c["connectionId"] for c in conns) == sorted(member_ids(lag))
    assert all(c["connectionState"] == "available" and "lagId" not in c for c in conns)
    assert lag_of(dx, lag["lagId"])["lagState"] == "deleted"
    refused(dx.delete_lag, "deleted", lagId=lag["lagId"])
    refused(dx.update_lag, "deleted", lagId=lag["lagId"], lagName="again")


def test_other_accounts_lags_are_invisible(server: Any, dx: Any, account: str) -> None:
    lag = dx.create_lag(
        numberOfConnections=1, location="EqDC2", connectionsBandwidth="10Gbps", lagName="mine"
    )
    other = server.client(str(int(account) + 1))
    msg = refused(other.describe_lags, lagId=lag["lagId"])
    assert msg == f"Could not find Lag with ID {lag['lagId']}"
    refused(other.delete_lag, "Could not find Lag", lagId=lag["lagId"])
    assert other.describe_lags()["lags"] == []
    assert lag_of(dx, lag["lagId"])["lagState"] == "available"


def test_lag_state_follows_its_connections(make_server: Any, account: str) -> None:
    srv = make_server("--provisioning", "manual")
    dx = srv.client(account)
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    a, b = member_ids(lag)
    assert (
        lag_of(dx, lag["lagId"])["lagState"] == "down"
    )  # describe-lags capture: members requested
    ext(srv.endpoint, "POST", f"/cross-connect/{a}", account=account)
    # One member up and minimumLinks 0: the LAG is operational.
    assert lag_of(dx, lag["lagId"])["lagState"] == "available"
    assert dx.update_lag(lagId=lag["lagId"], minimumLinks=2)["lagState"] == "pending"
    ext(srv.endpoint, "POST", f"/cross-connect/{b}", account=account)
    assert lag_of(dx, lag["lagId"])["lagState"] == "available"


AWS = Path(sys.executable).parent / "aws"


def test_aws_cli_describe_lags(server: Any, dx: Any, account: str) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="1Gbps", lagName="cli"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    cmd = [
        str(AWS),
        "directconnect",
        "describe-lags",
        "--endpoint-url",
        server.endpoint,
        "--output",
        "json",
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lags = json.loads(done.stdout)["lags"]
    assert [(x["lagId"], x["lagName"], x["numberOfConnections"]) for x in lags] == [
        (lag["lagId"], "cli", 2)
    ]
    bad = subprocess.run(
        [*cmd[:2], "update-lag", "--lag-id", lag["lagId"], "--minimum-links", "3", *cmd[3:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode in (254, 255)  # awscli v2 and v1 exit codes for a service error
    assert "DirectConnectClientException" in bad.stderr and "minimumLinks" in bad.stderr


def private_vif(dx: Any, parent_id: str, vlan: int) -> str:
    gw = dx.create_direct_connect_gateway(directConnectGatewayName=f"gw{vlan}", amazonSideAsn=64512)
    spec = {
        "virtualInterfaceName": f"vif-{vlan}",
        "vlan": vlan,
        "asn": 65000,
        "directConnectGatewayId": gw["directConnectGateway"]["directConnectGatewayId"],
    }
    vif = dx.create_private_virtual_interface(
        connectionId=parent_id, newPrivateVirtualInterface=spec
    )
    return str(vif["virtualInterfaceId"])


def vif_parent(dx: Any, vif_id: str) -> str:
    return str(
        dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0][
            "connectionId"
        ]
    )


def test_a_lag_with_virtual_interfaces_cannot_be_deleted(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    vif_id = private_vif(dx, lag["lagId"], 101)
    vif = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]
    assert vif["connectionId"] == lag["lagId"]
    # The LAG came up with its members, so the VIF over it is up too.
    assert (vif["virtualInterfaceState"], vif["bgpPeers"][0]["bgpStatus"]) == ("available", "up")
    refused(dx.delete_lag, "virtual interface", lagId=lag["lagId"])
    assert lag_of(dx, lag["lagId"])["lagState"] == "available"
    # disassociate-connection-from-lag.md: the VIFs stay with the LAG.
    dx.disassociate_connection_from_lag(connectionId=member_ids(lag)[0], lagId=lag["lagId"])
    assert vif_parent(dx, vif_id) == lag["lagId"]
    dx.delete_virtual_interface(virtualInterfaceId=vif_id)
    assert dx.delete_lag(lagId=lag["lagId"])["lagState"] == "deleted"


def test_virtual_interfaces_move_with_their_connection(dx: Any) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="c")
    vif_id = private_vif(dx, conn["connectionId"], 102)
    lag = dx.create_lag(
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="l",
        connectionId=conn["connectionId"],
    )
    # associate-connection-with-lag.md / CreateLag: its VIFs are re-associated with the LAG.
    assert vif_parent(dx, vif_id) == lag["lagId"]
    refused(dx.delete_lag, "virtual interface", lagId=lag["lagId"])


def test_realistic_provisioning_brings_the_lag_up_with_its_members(
    make_server: Any, account: str
) -> None:
    # 72 h + 24 h + 1 h of the server's test clock, one step at a time (each step counts
    # from the one before it).
    server = make_server("--provisioning", "realistic", "--test-clock")
    dx = server.client(account)
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    assert (
        lag_of(dx, lag["lagId"])["lagState"] == "down"
    )  # describe-lags capture: members requested
    vif_id = private_vif(dx, lag["lagId"], 103)
    for hours in (72, 24, 1):
        assert lag_of(dx, lag["lagId"])["lagState"] != "available"
        advance(server, hours * 3600 + 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        vif = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]
        if vif["bgpPeers"][0]["bgpStatus"] == "up":
            break
        time.sleep(0.05)
    assert lag_of(dx, lag["lagId"])["lagState"] == "available"
    assert vif["bgpPeers"][0]["bgpStatus"] == "up", vif


@pytest.mark.parametrize(
    ("states", "minimum", "expected"),
    [
        ([], 0, "down"),
        (["requested", "requested"], 0, "down"),
        (["requested", "pending"], 0, "pending"),
        (["available", "requested"], 0, "available"),
        (["available", "requested"], 2, "pending"),
        (["available", "down"], 2, "down"),
        (["available", "available", "down"], 2, "available"),
        (["down", "down"], 0, "down"),
    ],
)
def test_lag_state_rule(states: list[str], minimum: int, expected: str) -> None:
    assert lag_state(states, minimum) == expected


def test_leaving_rule() -> None:
    # Never below minimumLinks, except the last member.
    assert leaves_too_few(member_count=3, minimum_links=3)
    assert not leaves_too_few(member_count=3, minimum_links=2)
    assert not leaves_too_few(member_count=1, minimum_links=1)


def test_a_connection_whose_vlan_is_taken_on_the_lag_cannot_join(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="l"
    )
    private_vif(dx, lag["lagId"], 104)
    leaving = member_ids(lag)[1]
    dx.disassociate_connection_from_lag(connectionId=leaving, lagId=lag["lagId"])
    on_conn = private_vif(dx, leaving, 104)  # free on the standalone connection
    refused(dx.associate_connection_with_lag, "VLAN 104", connectionId=leaving, lagId=lag["lagId"])
    assert vif_parent(dx, on_conn) == leaving
    assert member_ids(lag_of(dx, lag["lagId"])) == member_ids(lag)[:1]
    # Moved VIFs keep their VLANs: on the LAG, 105 is taken once its VIF has come along.
    dx.delete_virtual_interface(virtualInterfaceId=on_conn)
    moved = private_vif(dx, leaving, 105)
    dx.associate_connection_with_lag(connectionId=leaving, lagId=lag["lagId"])
    assert vif_parent(dx, moved) == lag["lagId"]
    refused(private_vif, "VLAN 105", dx=dx, parent_id=lag["lagId"], vlan=105)


def test_describe_lags_pages(dx: Any) -> None:
    made = [
        dx.create_lag(
            numberOfConnections=1, location="EqDC2", connectionsBandwidth="1Gbps", lagName=f"l{i}"
        )["lagId"]
        for i in range(3)
    ]
    page1 = dx.describe_lags(maxResults=2)
    page2 = dx.describe_lags(maxResults=2, nextToken=page1["nextToken"])
    assert [x["lagId"] for x in page1["lags"] + page2["lags"]] == made
    assert "nextToken" not in page2
