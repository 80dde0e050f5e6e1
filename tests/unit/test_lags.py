"""Link aggregation groups (lags.md, create-lag.md, associate-connection-with-lag.md,
limits.md) in milliseconds: each rule a user can break, with the named error and nothing
changed, next to the call that works."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain.errors import Conflict, DuplicateTagKeys, LimitExceeded, NotFound, ValidationError
from tests.unit.service import Service

BASE: dict[str, Any] = {
    "numberOfConnections": 2,
    "location": "EqDC2",
    "connectionsBandwidth": "10Gbps",
    "lagName": "l",
}


def lag(dx: Service, **change: Any) -> dict[str, Any]:
    return dx.call("CreateLag", **{**BASE, **change})


def lag_of(dx: Service, lag_id: str) -> dict[str, Any]:
    return dict(dx.call("DescribeLags", lagId=lag_id)["lags"][0])


def members(doc: dict[str, Any]) -> list[str]:
    return [c["connectionId"] for c in doc["connections"]]


@pytest.mark.parametrize(
    ("error", "change", "words"),
    [
        (ValidationError, {"connectionsBandwidth": "7Gbps"}, ("7Gbps",)),
        (ValidationError, {"connectionsBandwidth": "500Mbps"}, ("500Mbps",)),
        (LimitExceeded, {"numberOfConnections": 5}, ("4", "5")),
        (
            LimitExceeded,
            {"numberOfConnections": 3, "connectionsBandwidth": "100Gbps"},
            ("2", "100Gbps"),
        ),
        (ValidationError, {"numberOfConnections": 0}, ("numberOfConnections",)),
        (ValidationError, {"location": "XYZ1"}, ("XYZ1",)),
        (
            ValidationError,
            {"connectionsBandwidth": "1Gbps", "requestMACSec": True},
            ("MACsec", "1Gbps"),
        ),
        (ValidationError, {"providerName": "Nobody"}, ("Nobody",)),
        (
            NotFound,
            {"connectionId": "dxcon-zzzzzzzz"},
            ("Could not find Connection with ID dxcon-zzzzzzzz",),
        ),
        (DuplicateTagKeys, {"tags": [{"key": "a"}, {"key": "a"}]}, ("a",)),
    ],
)
def test_a_bad_lag_is_refused(
    dx: Service, error: type[Exception], change: dict[str, Any], words: tuple[str, ...]
) -> None:
    dx.refused(error, words, "CreateLag", **{**BASE, **change})  # type: ignore[arg-type]
    assert (
        dx.call("DescribeLags")["lags"] == []
        and dx.call("DescribeConnections")["connections"] == []
    )


def test_a_new_lag_brings_its_connections(dx: Service) -> None:
    made = lag(dx, numberOfConnections=3)
    assert made["lagId"].startswith("dxlag-") and made["numberOfConnections"] == 3
    assert {c["awsDevice"] for c in made["connections"]} == {made["awsDevice"]}  # one device
    assert lag_of(dx, made["lagId"])["lagState"] == "available"
    assert all(c["lagId"] == made["lagId"] for c in dx.call("DescribeConnections")["connections"])


def test_an_existing_connection_must_match_the_lag(dx: Service) -> None:
    cid = dx.connection("c", bandwidth="1Gbps")
    base = {**BASE, "numberOfConnections": 1, "connectionId": cid}
    dx.refused(ValidationError, ("1Gbps", "10Gbps"), "CreateLag", **base)
    dx.refused(
        ValidationError,
        "CSVA1",
        "CreateLag",
        **{**base, "location": "CSVA1", "connectionsBandwidth": "1Gbps"},
    )
    made = dx.call("CreateLag", **{**base, "connectionsBandwidth": "1Gbps"})
    assert members(made) == [cid]


def test_ten_lags_per_region(dx: Service) -> None:
    # limits.md: 10 LAGs per Region (and 10 connections per location: spread them).
    made = [
        lag(
            dx,
            numberOfConnections=1,
            location="EqDC2" if i < 5 else "CSVA1",
            connectionsBandwidth="1Gbps",
        )
        for i in range(10)
    ]
    dx.refused(
        LimitExceeded,
        "10",
        "CreateLag",
        **{**BASE, "numberOfConnections": 1, "connectionsBandwidth": "1Gbps"},
    )
    dx.call("DeleteLag", lagId=made[0]["lagId"])  # a deleted LAG no longer counts
    assert lag(dx, numberOfConnections=1, connectionsBandwidth="1Gbps")


def test_new_connections_count_against_the_location_limit(dx: Service) -> None:
    for i in range(7):
        dx.connection(f"c{i}", "CSVA1", "1Gbps")
    dx.refused(
        LimitExceeded,
        "limit",
        "CreateLag",
        numberOfConnections=4,
        location="CSVA1",
        connectionsBandwidth="1Gbps",
        lagName="x",
    )
    assert lag(dx, numberOfConnections=3, location="CSVA1", connectionsBandwidth="1Gbps")


def test_associate_and_disassociate(dx: Service) -> None:
    made = lag(dx)
    first, second = members(made)
    alone = dx.call("DisassociateConnectionFromLag", connectionId=second, lagId=made["lagId"])
    assert "lagId" not in alone and members(lag_of(dx, made["lagId"])) == [first]
    back = dx.call("AssociateConnectionWithLag", connectionId=second, lagId=made["lagId"])
    assert back["lagId"] == made["lagId"]
    dx.refused(
        Conflict, "already", "AssociateConnectionWithLag", connectionId=second, lagId=made["lagId"]
    )
    outsider = dx.connection("c")
    dx.refused(
        ValidationError,
        "not associated",
        "DisassociateConnectionFromLag",
        connectionId=outsider,
        lagId=made["lagId"],
    )
    dx.refused(
        NotFound,
        "Could not find Lag with ID dxlag-zzzzzzzz",
        "DisassociateConnectionFromLag",
        connectionId=outsider,
        lagId="dxlag-zzzzzzzz",
    )


def test_a_member_shares_the_device_bandwidth_and_location(dx: Service) -> None:
    # A full LAG (limits.md: 4 below 100G) draws no new connection to its device.
    made = lag(dx, numberOfConnections=4)
    other = dx.call(
        "CreateConnection", location="EqDC2", bandwidth="10Gbps", connectionName="elsewhere"
    )
    assert other["awsDevice"] != made["awsDevice"]
    dx.call("DisassociateConnectionFromLag", connectionId=members(made)[3], lagId=made["lagId"])
    dx.refused(
        ValidationError,
        ("same AWS device", other["awsDevice"]),
        "AssociateConnectionWithLag",
        connectionId=other["connectionId"],
        lagId=made["lagId"],
    )
    dx.refused(
        ValidationError,
        "1Gbps",
        "AssociateConnectionWithLag",
        connectionId=dx.connection("slow", bandwidth="1Gbps"),
        lagId=made["lagId"],
    )
    dx.refused(
        ValidationError,
        "CSVA1",
        "AssociateConnectionWithLag",
        connectionId=dx.connection("far", "CSVA1"),
        lagId=made["lagId"],
    )


def test_two_connections_per_lag_at_100g(dx: Service) -> None:
    # limits.md: 4 connections per LAG below 100G, 2 at 100G and above.
    made = lag(dx, connectionsBandwidth="100Gbps")
    dx.refused(
        LimitExceeded,
        "maximum of 2",
        "CreateConnection",
        location="EqDC2",
        bandwidth="100Gbps",
        connectionName="third",
        lagId=made["lagId"],
    )
    extra = dx.connection("extra", bandwidth="100Gbps")
    dx.refused(
        LimitExceeded,
        "maximum of 2",
        "AssociateConnectionWithLag",
        connectionId=extra,
        lagId=made["lagId"],
    )


def test_minimum_links(dx: Service) -> None:
    made = lag(dx, numberOfConnections=3)
    lag_id = made["lagId"]
    dx.refused(ValidationError, ("minimumLinks", "4"), "UpdateLag", lagId=lag_id, minimumLinks=4)
    dx.refused(ValidationError, "minimumLinks", "UpdateLag", lagId=lag_id, minimumLinks=-1)
    updated = dx.call("UpdateLag", lagId=lag_id, minimumLinks=2, lagName="renamed")
    assert (updated["minimumLinks"], updated["lagName"], updated["lagState"]) == (
        2,
        "renamed",
        "available",
    )
    a, b, c = members(made)
    dx.call("DisassociateConnectionFromLag", connectionId=a, lagId=lag_id)
    dx.refused(
        ValidationError,
        "minimum of 2",
        "DisassociateConnectionFromLag",
        connectionId=b,
        lagId=lag_id,
    )
    dx.refused(ValidationError, "minimum of 2", "DeleteConnection", connectionId=b)
    dx.call("UpdateLag", lagId=lag_id, minimumLinks=1)
    dx.call("DisassociateConnectionFromLag", connectionId=b, lagId=lag_id)
    dx.call(
        "DisassociateConnectionFromLag", connectionId=c, lagId=lag_id
    )  # the last may always leave
    empty = lag_of(dx, lag_id)
    assert (empty["numberOfConnections"], empty["connections"], empty["lagState"]) == (
        0,
        [],
        "down",
    )


def test_encryption_mode_needs_macsec(dx: Service) -> None:
    plain = lag(dx, numberOfConnections=1)
    dx.refused(
        ValidationError, "MACsec", "UpdateLag", lagId=plain["lagId"], encryptionMode="must_encrypt"
    )
    secure = lag(dx, requestMACSec=True)
    dx.refused(
        ValidationError,
        "always_encrypt",
        "UpdateLag",
        lagId=secure["lagId"],
        encryptionMode="always_encrypt",
    )
    dx.call("UpdateLag", lagId=secure["lagId"], encryptionMode="must_encrypt")
    # update-lag.md: AWS assigns the mode to each connection of the LAG.
    assert {c["encryptionMode"] for c in lag_of(dx, secure["lagId"])["connections"]} == {
        "must_encrypt"
    }


def test_a_lag_with_virtual_interfaces_cannot_be_deleted(dx: Service) -> None:
    made = lag(dx)
    vif_id = dx.private_vif(made["lagId"], dx.dx_gateway())["virtualInterfaceId"]
    assert dx.vif(vif_id)["bgpPeers"][0]["bgpStatus"] == "up"
    dx.refused(Conflict, "virtual interface", "DeleteLag", lagId=made["lagId"])
    dx.call("DeleteVirtualInterface", virtualInterfaceId=vif_id)
    assert dx.call("DeleteLag", lagId=made["lagId"])["lagState"] == "deleted"
    # delete-lag.md: deleting a LAG does not delete the connections in it.
    assert {c["connectionState"] for c in dx.call("DescribeConnections")["connections"]} == {
        "available"
    }
    dx.refused(Conflict, "deleted", "DeleteLag", lagId=made["lagId"])


def test_a_connection_whose_vlan_is_taken_on_the_lag_cannot_join(dx: Service) -> None:
    made = lag(dx)
    gw = dx.dx_gateway()
    dx.private_vif(made["lagId"], gw, vlan=104)
    leaving = members(made)[1]
    dx.call("DisassociateConnectionFromLag", connectionId=leaving, lagId=made["lagId"])
    dx.private_vif(leaving, gw, vlan=104)  # free on the standalone connection
    dx.refused(
        Conflict,
        "VLAN 104",
        "AssociateConnectionWithLag",
        connectionId=leaving,
        lagId=made["lagId"],
    )


def test_another_accounts_lag_does_not_exist_for_you(dx: Service) -> None:
    made = lag(dx, numberOfConnections=1)
    msg = dx.refused(NotFound, made["lagId"], "DescribeLags", "999988887777", lagId=made["lagId"])
    assert msg == f"Could not find Lag with ID {made['lagId']}"
    dx.refused(NotFound, "Could not find Lag", "DeleteLag", "999988887777", lagId=made["lagId"])


@pytest.mark.parametrize("lag_first", [True, False])
def test_a_lag_and_a_connection_of_one_location_and_speed_share_a_device(
    dx: Service, lag_first: bool
) -> None:
    """lag_placement: whichever is ordered first, they land on one device, so the
    association (Terraform's aws_dx_connection_association) is accepted."""
    one = {"location": "CSVA1", "connectionsBandwidth": "1Gbps", "numberOfConnections": 1}
    if lag_first:
        made = lag(dx, **one)
        conn = dx.call("CreateConnection", location="CSVA1", bandwidth="1Gbps", connectionName="c")
    else:
        conn = dx.call("CreateConnection", location="CSVA1", bandwidth="1Gbps", connectionName="c")
        made = lag(dx, **one)
    assert conn["awsDevice"] == made["awsDevice"]
    joined = dx.call(
        "AssociateConnectionWithLag", connectionId=conn["connectionId"], lagId=made["lagId"]
    )
    assert joined["lagId"] == made["lagId"]
    # Another speed is not drawn there; a second LAG spreads away from the first.
    assert (
        dx.call("CreateConnection", location="CSVA1", bandwidth="10Gbps", connectionName="f")[
            "awsDevice"
        ]
        != made["awsDevice"]
    )
    assert lag(dx, **one)["awsDevice"] != made["awsDevice"]
