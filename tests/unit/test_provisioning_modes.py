"""The three provisioning modes (STYLE 13: one code path, a clock passed in), with time
moved forward instead of waited for: `instant` (CI), `manual` (the cross-connect is the
user's step) and `realistic` (dedicated_connection.md: the LOA-CFA within 72 hours, then
the partner's cross-connect, then the port; a new VIF and a gateway take minutes)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dxlab.domain.errors import Conflict, NotFound
from tests.unit.service import Service

HOUR = 3600.0


def test_instant_connections_are_available_at_once(dx: Service) -> None:
    cid = dx.connection()
    assert dx.connection_state(cid) == "available"
    assert dx.call("DescribeLoa", connectionId=cid)["loaContent"]


def test_manual_connections_wait_for_the_cross_connect(make_dx: Callable[..., Service]) -> None:
    dx = make_dx(provisioning="manual")
    cid = dx.connection()
    assert dx.connection_state(cid) == "requested"
    assert dx.call("DescribeLoa", connectionId=cid)["loaContent"]  # the LOA comes at once
    dx.advance(365 * 24 * HOUR)
    assert dx.connection_state(cid) == "requested"  # however long one waits
    placed = dx.ext("POST", f"/cross-connect/{cid}")
    assert placed["connectionState"] == "pending"
    assert dx.connection_state(cid) == "available"
    dx.ext_refused(Conflict, "already complete", "POST", f"/cross-connect/{cid}")
    dx.ext_refused(NotFound, "dxcon-zzzzzzzz", "POST", "/cross-connect/dxcon-zzzzzzzz")


def test_a_vif_is_down_until_its_connection_is_up(make_dx: Callable[..., Service]) -> None:
    dx = make_dx(provisioning="manual")
    cid = dx.connection()
    made = dx.private_vif(cid, dx.dx_gateway())
    down = dx.vif(made["virtualInterfaceId"])
    assert down["virtualInterfaceState"] == "down"
    assert down["bgpPeers"][0]["bgpStatus"] == "down"
    dx.ext("POST", f"/cross-connect/{cid}")
    up = dx.vif(made["virtualInterfaceId"])
    assert (up["virtualInterfaceState"], up["bgpPeers"][0]["bgpStatus"]) == ("available", "up")


def test_realistic_connection_takes_72_hours_then_a_day_then_an_hour(
    make_dx: Callable[..., Service],
) -> None:
    dx = make_dx(provisioning="realistic")
    cid = dx.connection("slow")
    # dedicated_connection.md: no LOA-CFA before AWS issues it (within 72 hours).
    dx.refused(Conflict, ("not available yet", "72 hours"), "DescribeLoa", connectionId=cid)
    dx.advance(72 * HOUR - 1)
    assert "loaIssueTime" not in dx.call("DescribeConnections", connectionId=cid)["connections"][0]
    dx.advance(1)
    conn = dx.call("DescribeConnections", connectionId=cid)["connections"][0]
    assert conn["loaIssueTime"] == dx.clock.t and conn["connectionState"] == "requested"
    assert cid.encode() in dx.call("DescribeLoa", connectionId=cid)["loaContent"]
    dx.advance(24 * HOUR)
    assert dx.connection_state(cid) == "pending"
    dx.advance(HOUR - 1)
    assert dx.connection_state(cid) == "pending"
    dx.advance(1)
    assert dx.connection_state(cid) == "available"


def test_realistic_factor_scales_every_step(make_dx: Callable[..., Service]) -> None:
    dx = make_dx(provisioning="realistic", realistic_factor=0.001)  # 97 h -> 349.2 s
    cid = dx.connection()
    dx.advance(349)
    assert dx.connection_state(cid) == "pending"
    dx.advance(0.2)
    assert dx.connection_state(cid) == "available"


def test_realistic_vif_is_pending_for_two_minutes(make_dx: Callable[..., Service]) -> None:
    """--provisioning realistic: a new VIF stays pending for a while (120 s)."""
    dx = make_dx(provisioning="realistic")
    cid = dx.connection()
    dx.ext("POST", f"/cross-connect/{cid}")  # skip the 72 hours
    assert dx.connection_state(cid) == "available"
    made = dx.private_vif(cid, dx.dx_gateway())
    vid = made["virtualInterfaceId"]
    dx.advance(119)
    assert dx.vif(vid)["virtualInterfaceState"] == "pending"
    dx.advance(1)
    now = dx.vif(vid)
    assert (now["virtualInterfaceState"], now["bgpPeers"][0]["bgpStatus"]) == ("available", "up")


def test_realistic_lag_comes_up_with_its_members(make_dx: Callable[..., Service]) -> None:
    dx = make_dx(provisioning="realistic")
    lag = dx.call(
        "CreateLag",
        numberOfConnections=2,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="l",
    )
    assert lag["lagState"] == "pending"  # the create-lag capture (issue 10): pending in the answer
    vid = dx.private_vif(lag["lagId"], dx.dx_gateway(), vlan=103)["virtualInterfaceId"]
    dx.advance(97 * HOUR - 1)
    assert dx.call("DescribeLags", lagId=lag["lagId"])["lags"][0]["lagState"] != "available"
    assert dx.vif(vid)["bgpPeers"][0]["bgpStatus"] == "down"
    dx.advance(1)
    assert dx.call("DescribeLags", lagId=lag["lagId"])["lags"][0]["lagState"] == "available"
    assert dx.vif(vid)["bgpPeers"][0]["bgpStatus"] == "up"


def test_realistic_gateway_and_association_take_minutes(make_dx: Callable[..., Service]) -> None:
    dx = make_dx(provisioning="realistic")
    vgw = dx.virtual_gateway()
    gid = dx.call("CreateDirectConnectGateway", directConnectGatewayName="g", amazonSideAsn=64512)[
        "directConnectGateway"
    ]["directConnectGatewayId"]

    def gateway_state() -> str:
        return str(
            dx.call("DescribeDirectConnectGateways", directConnectGatewayId=gid)[
                "directConnectGateways"
            ][0]["directConnectGatewayState"]
        )

    def associations() -> list[str]:
        found = dx.call("DescribeDirectConnectGatewayAssociations", directConnectGatewayId=gid)
        return [a["associationState"] for a in found["directConnectGatewayAssociations"]]

    # The create-direct-connect-gateway capture (issue 10): available at once, in every mode.
    assert gateway_state() == "available"
    aid = dx.call(
        "CreateDirectConnectGatewayAssociation", directConnectGatewayId=gid, gatewayId=vgw
    )["directConnectGatewayAssociation"]["associationId"]
    assert associations() == ["associating"]
    dx.advance(299)
    assert associations() == ["associating"]
    dx.advance(1)
    assert associations() == ["associated"]
    dx.call("DeleteDirectConnectGatewayAssociation", associationId=aid)
    assert associations() == ["disassociating"]
    dx.advance(300)
    assert associations() == []


@pytest.mark.parametrize("mode", ["instant", "manual", "realistic"])
def test_a_deleted_connection_is_never_provisioned(
    make_dx: Callable[..., Service], mode: str
) -> None:
    dx = make_dx(provisioning=mode)
    cid = dx.connection()
    dx.call("DeleteConnection", connectionId=cid)
    dx.advance(200 * HOUR)
    assert dx.connection_state(cid) == "deleted"
