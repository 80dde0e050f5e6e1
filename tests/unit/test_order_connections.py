"""Step 2 of maximum_resiliency.md in milliseconds: ordering dedicated connections
(dedicated_connection.md, limits.md), each bad input next to the good one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from tests.unit.service import ACCOUNT, Service

OTHER = "999988887777"


def test_a_new_connection_is_requested_then_available(dx: Service) -> None:
    made = dx.call("CreateConnection", location="EqDC2", bandwidth="10Gbps", connectionName="dc-1")
    assert made["connectionId"].startswith("dxcon-") and len(made["connectionId"]) == 14
    assert (made["connectionState"], made["ownerAccount"]) == ("requested", ACCOUNT)
    assert made["awsDevice"].startswith("EqDC2-") and made["region"] == "us-east-1"
    listed = dx.call("DescribeConnections")["connections"]
    assert [c["connectionId"] for c in listed] == [made["connectionId"]]
    assert listed[0]["connectionState"] == "available"  # instant provisioning


def test_connections_spread_over_distinct_devices(dx: Service) -> None:
    devices = {
        dx.call("CreateConnection", location="EqDC2", bandwidth="10Gbps", connectionName=f"c{i}")[
            "awsDevice"
        ]
        for i in range(4)
    }
    assert len(devices) == 4


@pytest.mark.parametrize("bandwidth", ["7Gbps", "10gbps", "50Mbps", "1G"])
def test_a_bandwidth_not_offered_is_refused(dx: Service, bandwidth: str) -> None:
    dx.refused(
        ValidationError,
        bandwidth,
        "CreateConnection",
        location="EqDC2",
        bandwidth=bandwidth,
        connectionName="x",
    )
    assert dx.call("DescribeConnections")["connections"] == []


def test_a_bandwidth_the_location_has_no_port_for_is_refused(
    make_dx: Callable[..., Service],
) -> None:
    west = make_dx(region="us-west-2")  # CSDE1 has 1G and 10G ports only
    west.refused(
        ValidationError,
        ("400Gbps", "CSDE1"),
        "CreateConnection",
        location="CSDE1",
        bandwidth="400Gbps",
        connectionName="x",
    )
    assert west.call("CreateConnection", location="CSDE1", bandwidth="10Gbps", connectionName="x")


@pytest.mark.parametrize("location", ["XYZ1", "EqLD5"])  # unknown; a location of eu-west-1
def test_a_location_outside_the_region_is_refused(dx: Service, location: str) -> None:
    dx.refused(
        ValidationError,
        (location, "us-east-1"),
        "CreateConnection",
        location=location,
        bandwidth="1Gbps",
        connectionName="x",
    )


def test_provider_billing_mode_and_macsec_must_be_offered(dx: Service) -> None:
    base = {"location": "EqDC2", "bandwidth": "10Gbps", "connectionName": "x"}
    dx.refused(ValidationError, "Nobody", "CreateConnection", providerName="Nobody", **base)
    dx.refused(
        ValidationError,
        ("MACsec", "1Gbps"),
        "CreateConnection",
        **{**base, "bandwidth": "1Gbps"},
        requestMACSec=True,
    )
    dx.refused(
        ValidationError,
        ("FlatRateTier1", "165HS"),
        "CreateConnection",
        **{**base, "location": "165HS"},
        billingMode="FlatRateTier1",
    )
    made = dx.call(
        "CreateConnection",
        providerName="AT&T",
        requestMACSec=True,
        billingMode="FlatRateTier1",
        **base,
    )
    assert (made["providerName"], made["macSecCapable"], made["billingMode"]) == (
        "AT&T",
        True,
        "FlatRateTier1",
    )


def _refused_at_the_limit(dx: Service, name: str) -> None:
    dx.refused(
        LimitExceeded,
        ("10", "CSVA1"),
        "CreateConnection",
        location="CSVA1",
        bandwidth="1Gbps",
        connectionName=name,
    )


def test_ten_active_connections_per_location(dx: Service) -> None:
    # limits.md: 10 active connections per location per Region per account.
    ids = [dx.connection(f"q{i}", "CSVA1", "1Gbps") for i in range(10)]
    _refused_at_the_limit(dx, "q10")
    assert len(dx.call("DescribeConnections")["connections"]) == 10
    dx.connection("elsewhere", "EqDC2", "1Gbps")  # another location has its own ten
    dx.connection("theirs", "CSVA1", "1Gbps", account=OTHER)  # and another account
    dx.call("DeleteConnection", connectionId=ids[0])  # a deleted connection no longer counts
    dx.connection("q10", "CSVA1", "1Gbps")


def test_an_interconnect_counts_toward_the_ten_as_a_connection_does(dx: Service) -> None:
    # limits.md's ten per location count ports: CreateConnection, CreateInterconnect and
    # CreateLag count the same ones (an interconnect holds a port too).
    for i in range(9):
        dx.connection(f"q{i}", "CSVA1", "1Gbps")
    made = dx.call("CreateInterconnect", location="CSVA1", bandwidth="1Gbps", interconnectName="ic")
    _refused_at_the_limit(dx, "q9")
    dx.refused(
        LimitExceeded,
        ("10", "CSVA1"),
        "CreateInterconnect",
        location="CSVA1",
        bandwidth="1Gbps",
        interconnectName="ic2",
    )
    assert len(dx.call("DescribeConnections")["connections"]) == 9
    dx.call("DeleteInterconnect", interconnectId=made["interconnectId"])
    dx.connection("q9", "CSVA1", "1Gbps")


def test_another_accounts_connection_does_not_exist_for_you(dx: Service) -> None:
    cid = dx.connection("mine")
    message = dx.refused(NotFound, cid, "DescribeConnections", OTHER, connectionId=cid)
    assert message == f"Could not find Connection with ID {cid}"
    dx.refused(NotFound, cid, "UpdateConnection", OTHER, connectionId=cid, connectionName="stolen")
    dx.refused(NotFound, cid, "DeleteConnection", OTHER, connectionId=cid)
    assert dx.call("DescribeConnections", OTHER)["connections"] == []


def test_update_and_delete(dx: Service) -> None:
    cid = dx.connection("old", bandwidth="1Gbps")
    assert (
        dx.call("UpdateConnection", connectionId=cid, connectionName="new")["connectionName"]
        == "new"
    )
    dx.refused(
        ValidationError,
        "MACsec",
        "UpdateConnection",
        connectionId=cid,
        encryptionMode="must_encrypt",
    )
    assert dx.call("DeleteConnection", connectionId=cid)["connectionState"] == "deleted"
    dx.refused(Conflict, "deleted", "UpdateConnection", connectionId=cid, connectionName="again")
    dx.refused(Conflict, "already deleted", "DeleteConnection", connectionId=cid)


def test_a_connection_with_virtual_interfaces_cannot_be_deleted(dx: Service) -> None:
    # deleteconnection.md: delete the virtual interfaces first.
    cid = dx.connection()
    made = dx.private_vif(cid, dx.dx_gateway())
    dx.refused(Conflict, "virtual interface", "DeleteConnection", connectionId=cid)
    dx.call("DeleteVirtualInterface", virtualInterfaceId=made["virtualInterfaceId"])
    assert dx.call("DeleteConnection", connectionId=cid)["connectionState"] == "deleted"


def test_a_deleted_connection_frees_its_port(dx: Service) -> None:
    cid = dx.connection()
    port = dx.ext("GET", f"/connections/{cid}/placement")
    dx.call("DeleteConnection", connectionId=cid)
    again = dx.connection()
    assert dx.ext("GET", f"/connections/{again}/placement")["port"] == port["port"]


def test_billing_mode_changes_all_or_nothing(dx: Service) -> None:
    here, small = dx.connection("a", "EqDC2"), dx.connection("b", "165HS")
    dx.refused(
        ValidationError,
        ("FlatRateTier1", "165HS"),
        "UpdateConnectionsBillingMode",
        connectionIds=[here, small],
        billingMode="FlatRateTier1",
    )
    assert (
        dx.call("DescribeConnections", connectionId=here)["connections"][0]["billingMode"]
        == "PayAsYouGo"
    )
    changed = dx.call(
        "UpdateConnectionsBillingMode", connectionIds=[here], billingMode="FlatRateTier1"
    )
    assert [c["billingMode"] for c in changed["connections"]] == ["FlatRateTier1"]


def test_a_plan_orders_a_connection_away_from_the_devices_it_names(dx: Service) -> None:
    """`dxlab plan --to MODEL --place` orders through the wizard's placement: a device to
    avoid is avoided, by either of its names; bad input is refused and changes nothing."""
    first = dx.call("DescribeLocations")  # warm: nothing ordered yet
    assert first["locations"]
    made = dx.ext(
        "POST", "/wizard/connection", location="EqDC2", bandwidth="10Gbps", connectionName="a"
    )
    again = dx.ext(
        "POST",
        "/wizard/connection",
        location="EqDC2",
        bandwidth="10Gbps",
        connectionName="b",
        avoidDevices=[made["awsDeviceV2"]],
    )
    assert again["awsDevice"] != made["awsDevice"]
    dx.ext_refused(
        ValidationError,
        "location is required",
        "POST",
        "/wizard/connection",
        bandwidth="10Gbps",
        connectionName="c",
    )
    dx.ext_refused(
        ValidationError,
        "avoidDevices",
        "POST",
        "/wizard/connection",
        location="EqDC2",
        bandwidth="10Gbps",
        connectionName="c",
        avoidDevices="EqDC2-x",
    )
