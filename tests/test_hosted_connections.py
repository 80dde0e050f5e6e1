"""Hosted connections, across two accounts: a Direct Connect Partner orders an
interconnect and allocates a hosted connection on it; the customer accepts it
(hosted_connection.md; the model's AllocateHostedConnection, ConfirmConnection,
DescribeHostedConnections, AssociateHostedConnection)."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.ports_support import interconnect, refused


@pytest.fixture
def partner(server: Any, account: str) -> Any:
    return server.client(str(int(account) + 1))


def allocate(
    partner: Any, parent_id: str, owner: str, vlan: int = 101, bandwidth: str = "500Mbps"
) -> dict[str, Any]:
    return partner.allocate_hosted_connection(
        connectionId=parent_id,
        ownerAccount=owner,
        bandwidth=bandwidth,
        connectionName="hosted",
        vlan=vlan,
    )


def test_interconnect_answers_like_aws(partner: Any) -> None:
    ic = partner.create_interconnect(
        interconnectName="ic-1",
        bandwidth="10Gbps",
        location="EqDC2",
        tags=[{"key": "k", "value": "v"}],
    )
    assert ic["interconnectId"].startswith("dxcon-") and len(ic["interconnectId"]) == 14
    assert (ic["interconnectState"], ic["bandwidth"], ic["location"]) == (
        "requested",
        "10Gbps",
        "EqDC2",
    )
    assert ic["awsDevice"].startswith("EqDC2-") and ic["tags"] == [{"key": "k", "value": "v"}]
    listed = partner.describe_interconnects()["interconnects"]
    assert [(i["interconnectId"], i["interconnectState"]) for i in listed] == [
        (ic["interconnectId"], "available")
    ]
    # An interconnect is not one of the partner's connections.
    assert partner.describe_connections()["connections"] == []


@pytest.mark.parametrize(
    ("bandwidth", "location", "word"),
    [("50Mbps", "EqDC2", "50Mbps"), ("7Gbps", "EqDC2", "7Gbps"), ("10Gbps", "XYZ1", "XYZ1")],
)
def test_bad_interconnect_is_refused(
    partner: Any, bandwidth: str, location: str, word: str
) -> None:
    refused(
        partner.create_interconnect,
        word,
        interconnectName="x",
        bandwidth=bandwidth,
        location=location,
    )
    assert partner.describe_interconnects()["interconnects"] == []


def test_partner_allocates_and_customer_confirms(dx: Any, account: str, partner: Any) -> None:
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account)
    cid = hosted["connectionId"]
    assert cid.startswith("dxcon-") and cid != ic
    assert (hosted["connectionState"], hosted["ownerAccount"], hosted["vlan"]) == (
        "ordering",
        account,
        101,
    )
    assert (hosted["bandwidth"], hosted["location"]) == ("500Mbps", "EqDC2")
    assert hosted["partnerName"]
    # hosted_connection.md: it appears in the customer's connections, awaiting acceptance.
    mine = dx.describe_connections()["connections"]
    assert [(c["connectionId"], c["connectionState"]) for c in mine] == [(cid, "ordering")]
    assert partner.describe_connections()["connections"] == []
    seen = partner.describe_hosted_connections(connectionId=ic)["connections"]
    assert [(c["connectionId"], c["ownerAccount"]) for c in seen] == [(cid, account)]
    # Only the owner confirms.
    refused(
        partner.confirm_connection, f"Could not find Connection with ID {cid}", connectionId=cid
    )
    assert dx.confirm_connection(connectionId=cid)["connectionState"] == "pending"
    assert (
        dx.describe_connections(connectionId=cid)["connections"][0]["connectionState"]
        == "available"
    )
    assert (
        partner.describe_hosted_connections(connectionId=ic)["connections"][0]["connectionState"]
        == "available"
    )
    msg = refused(dx.confirm_connection, connectionId=cid)
    assert msg == f"ConfirmConnection failed. {cid} is in state available"


def test_confirm_a_dedicated_connection_is_refused(make_server: Any, account: str) -> None:
    dx = make_server("--provisioning", "manual").client(account)
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="mine")
    msg = refused(dx.confirm_connection, connectionId=conn["connectionId"])
    assert msg == f"ConfirmConnection failed. {conn['connectionId']} is in state requested"
    assert dx.describe_connections()["connections"][0]["connectionState"] == "requested"


BAD_ALLOCATIONS = [
    ({"bandwidth": "7Gbps"}, ["7Gbps"]),
    ({"bandwidth": "400Gbps"}, ["400Gbps"]),
    ({"bandwidth": "25Gbps"}, ["25Gbps", "capacity"]),  # a hosted speed, above the 10G port
    ({"vlan": 0}, ["VLAN 0"]),
    ({"vlan": 4095}, ["VLAN 4095"]),
    ({"ownerAccount": "12345"}, ["12345"]),
    ({"connectionId": "dxcon-zzzzzzzz"}, ["Could not find Interconnect with ID dxcon-zzzzzzzz"]),
]


@pytest.mark.parametrize(("change", "words"), BAD_ALLOCATIONS)
def test_bad_allocation_is_refused_and_nothing_changes(
    dx: Any, account: str, partner: Any, change: dict[str, Any], words: list[str]
) -> None:
    ic = interconnect(partner)
    req = {
        "connectionId": ic,
        "ownerAccount": account,
        "bandwidth": "500Mbps",
        "connectionName": "h",
        "vlan": 101,
    }
    req.update(change)
    refused(partner.allocate_hosted_connection, *words, **req)
    assert partner.describe_hosted_connections(connectionId=ic)["connections"] == []
    assert dx.describe_connections()["connections"] == []


def test_vlan_is_unique_per_interconnect(dx: Any, account: str, partner: Any) -> None:
    ic1, ic2 = interconnect(partner), interconnect(partner)
    first = allocate(partner, ic1, account, vlan=200)
    refused(
        partner.allocate_hosted_connection,
        "VLAN 200",
        ic1,
        connectionId=ic1,
        ownerAccount=account,
        bandwidth="50Mbps",
        connectionName="dup",
        vlan=200,
    )
    assert len(partner.describe_hosted_connections(connectionId=ic1)["connections"]) == 1
    allocate(partner, ic2, account, vlan=200)  # another interconnect, its own VLANs
    # The customer rejects the first by deleting it; its VLAN is free again.
    dx.delete_connection(connectionId=first["connectionId"])
    allocate(partner, ic1, account, vlan=200)


def test_only_the_owner_of_an_interconnect_allocates_on_it(
    server: Any, account: str, partner: Any
) -> None:
    ic = interconnect(partner)
    stranger = server.client(str(int(account) + 2))
    refused(
        stranger.allocate_hosted_connection,
        f"Could not find Interconnect with ID {ic}",
        connectionId=ic,
        ownerAccount=account,
        bandwidth="50Mbps",
        connectionName="x",
        vlan=5,
    )
    refused(
        stranger.describe_hosted_connections,
        f"Could not find Connection with ID {ic}",
        connectionId=ic,
    )


def test_describe_hosted_connections_by_the_hosted_connections_own_id(
    server: Any, dx: Any, account: str, partner: Any
) -> None:
    """The Terraform AWS provider reads aws_dx_hosted_connection with
    DescribeHostedConnections {connectionId: <the hosted connection's id>}: that one
    connection, and `Could not find Connection with ID` (what it takes as gone) once missing."""
    ic = interconnect(partner)
    first, second = (
        allocate(partner, ic, account, vlan=301),
        allocate(partner, ic, account, vlan=302),
    )
    cid = first["connectionId"]
    [seen] = partner.describe_hosted_connections(connectionId=cid)["connections"]
    assert (seen["connectionId"], seen["vlan"], seen["ownerAccount"]) == (cid, 301, account)
    assert len(partner.describe_hosted_connections(connectionId=ic)["connections"]) == 2
    # Only its partner reads it that way; the owner and strangers get the not-found answer.
    for other in (dx, server.client(str(int(account) + 2))):
        refused(
            other.describe_hosted_connections,
            f"Could not find Connection with ID {cid}",
            connectionId=cid,
        )
    missing = "dxcon-zzzzzzzz"
    refused(
        partner.describe_hosted_connections,
        f"Could not find Connection with ID {missing}",
        connectionId=missing,
    )
    # A deleted one is still described, in state deleted, as the provider's waiter expects.
    dx.confirm_connection(connectionId=cid)
    dx.delete_connection(connectionId=cid)
    [gone] = partner.describe_hosted_connections(connectionId=cid)["connections"]
    assert gone["connectionState"] == "deleted"
    assert (
        partner.describe_hosted_connections(connectionId=second["connectionId"])["connections"][0][
            "vlan"
        ]
        == 302
    )


def test_deprecated_allocate_connection_on_interconnect(
    dx: Any, account: str, partner: Any
) -> None:
    ic = interconnect(partner)
    hosted = partner.allocate_connection_on_interconnect(
        interconnectId=ic, ownerAccount=account, bandwidth="1Gbps", connectionName="old-api", vlan=7
    )
    assert hosted["connectionState"] == "ordering"
    listed = partner.describe_connections_on_interconnect(interconnectId=ic)["connections"]
    assert [c["connectionId"] for c in listed] == [hosted["connectionId"]]
    refused(
        partner.allocate_connection_on_interconnect,
        "7Gbps",
        interconnectId=ic,
        ownerAccount=account,
        bandwidth="7Gbps",
        connectionName="bad",
        vlan=8,
    )


def test_delete_interconnect_only_without_hosted_connections(
    dx: Any, account: str, partner: Any
) -> None:
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account)
    refused(partner.delete_interconnect, "hosted connection", interconnectId=ic)
    assert (
        partner.describe_interconnects(interconnectId=ic)["interconnects"][0]["interconnectState"]
        == "available"
    )
    dx.delete_connection(connectionId=hosted["connectionId"])
    assert partner.delete_interconnect(interconnectId=ic)["interconnectState"] == "deleted"
    refused(partner.delete_interconnect, "deleted", interconnectId=ic)


def test_move_a_hosted_connection_to_another_interconnect(
    dx: Any, account: str, partner: Any
) -> None:
    ic1, ic2 = interconnect(partner), interconnect(partner)
    hosted = allocate(partner, ic1, account, vlan=300)
    allocate(partner, ic2, account, vlan=301)
    blocker = allocate(partner, ic2, account, vlan=300)
    refused(
        partner.associate_hosted_connection,
        "VLAN 300",
        connectionId=hosted["connectionId"],
        parentConnectionId=ic2,
    )
    dx.delete_connection(connectionId=blocker["connectionId"])
    moved = partner.associate_hosted_connection(
        connectionId=hosted["connectionId"], parentConnectionId=ic2
    )
    ic2_device = partner.describe_interconnects(interconnectId=ic2)["interconnects"][0]["awsDevice"]
    assert (moved["vlan"], moved["awsDevice"]) == (300, ic2_device)
    assert partner.describe_hosted_connections(connectionId=ic1)["connections"] == []
    assert hosted["connectionId"] in [
        c["connectionId"]
        for c in partner.describe_hosted_connections(connectionId=ic2)["connections"]
    ]
    # Only the partner moves it.
    refused(
        dx.associate_hosted_connection,
        "Could not find",
        connectionId=hosted["connectionId"],
        parentConnectionId=ic1,
    )
    far = interconnect(partner, location="CSVA1")
    refused(
        partner.associate_hosted_connection,
        "CSVA1",
        connectionId=hosted["connectionId"],
        parentConnectionId=far,
    )


def test_hosted_connections_on_a_lag_of_interconnects(dx: Any, account: str, partner: Any) -> None:
    ic = interconnect(partner)
    lag = partner.create_lag(
        numberOfConnections=2,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="partner-lag",
        connectionId=ic,
    )
    described = partner.describe_lags(lagId=lag["lagId"])["lags"][0]
    assert described["allowsHostedConnections"] is True
    assert described["numberOfConnections"] == 2
    assert (
        len(partner.describe_interconnects()["interconnects"]) == 2
    )  # the new member is an interconnect
    hosted = allocate(partner, lag["lagId"], account, bandwidth="10Gbps")
    assert [
        c["connectionId"]
        for c in partner.describe_hosted_connections(connectionId=lag["lagId"])["connections"]
    ] == [hosted["connectionId"]]
    # delete-lag (the model): not while it has hosted connections.
    refused(partner.delete_lag, "hosted connection", lagId=lag["lagId"])
    # A LAG of dedicated connections hosts nothing.
    plain = partner.create_lag(
        numberOfConnections=1, location="EqDC2", connectionsBandwidth="10Gbps", lagName="p"
    )
    refused(
        partner.allocate_hosted_connection,
        "cannot host",
        connectionId=plain["lagId"],
        ownerAccount=account,
        bandwidth="50Mbps",
        connectionName="x",
        vlan=9,
    )


def test_a_hosted_connection_cannot_join_a_lag(dx: Any, account: str, partner: Any) -> None:
    hosted = allocate(partner, interconnect(partner), account)
    refused(
        dx.create_lag,
        "hosted connection",
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="x",
        connectionId=hosted["connectionId"],
    )
    assert dx.describe_lags()["lags"] == []


def test_a_confirmed_hosted_connection_waits_for_its_interconnect(
    make_server: Any, account: str
) -> None:
    srv = make_server("--provisioning", "manual")
    dx, partner = srv.client(account), srv.client(str(int(account) + 1))
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account)
    assert (
        dx.confirm_connection(connectionId=hosted["connectionId"])["connectionState"] == "pending"
    )
    assert dx.describe_connections()["connections"][0]["connectionState"] == "pending"
    # The partner's cross-connect is patched: its port, then the hosted connection, come up.
    ext(srv.endpoint, "POST", f"/interconnects/{ic}/cross-connect", account=str(int(account) + 1))
    assert partner.describe_interconnects()["interconnects"][0]["interconnectState"] == "available"
    assert dx.describe_connections()["connections"][0]["connectionState"] == "available"


def test_an_interconnect_brings_its_hosted_connections_into_a_lag(
    dx: Any, account: str, partner: Any
) -> None:
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account)
    lag = partner.create_lag(
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="l",
        connectionId=ic,
    )
    # AssociateConnectionWithLag (model): an interconnect's hosted connections move to the LAG.
    on_lag = partner.describe_hosted_connections(connectionId=lag["lagId"])["connections"]
    assert [c["connectionId"] for c in on_lag] == [hosted["connectionId"]]
    assert partner.describe_hosted_connections(connectionId=ic)["connections"] == []
    # A new interconnect can join the LAG: it lands on the LAG's device.
    joined = partner.create_interconnect(
        interconnectName="ic-2", bandwidth="10Gbps", location="EqDC2", lagId=lag["lagId"]
    )
    assert (joined["lagId"], joined["awsDevice"]) == (lag["lagId"], lag["awsDevice"])
    assert partner.describe_lags(lagId=lag["lagId"])["lags"][0]["numberOfConnections"] == 2
    # But not into a LAG of dedicated connections.
    plain = partner.create_lag(
        numberOfConnections=1, location="EqDC2", connectionsBandwidth="10Gbps", lagName="p"
    )
    refused(
        partner.create_interconnect,
        "dedicated connections",
        interconnectName="x",
        bandwidth="10Gbps",
        location="EqDC2",
        lagId=plain["lagId"],
    )
    assert len(partner.describe_interconnects()["interconnects"]) == 2


def test_an_allocation_survives_a_restart(make_server: Any, account: str) -> None:
    first = make_server()
    partner = first.client(str(int(account) + 1))
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account, vlan=400)
    first.kill9()
    second = make_server()  # the same database
    dx, partner = second.client(account), second.client(str(int(account) + 1))
    assert dx.describe_connections()["connections"][0]["connectionState"] == "ordering"
    assert (
        dx.confirm_connection(connectionId=hosted["connectionId"])["connectionState"] == "pending"
    )
    refused(
        partner.allocate_hosted_connection,
        "VLAN 400",
        connectionId=ic,
        ownerAccount=account,
        bandwidth="50Mbps",
        connectionName="dup",
        vlan=400,
    )


def test_deleting_an_unconfirmed_hosted_connection_rejects_it(
    dx: Any, account: str, partner: Any
) -> None:
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account)
    assert (
        dx.delete_connection(connectionId=hosted["connectionId"])["connectionState"] == "rejected"
    )


def test_the_partner_may_delete_what_it_allocated(dx: Any, account: str, partner: Any) -> None:
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account, vlan=333)
    dx.confirm_connection(connectionId=hosted["connectionId"])
    assert (
        partner.delete_connection(connectionId=hosted["connectionId"])["connectionState"]
        == "deleted"
    )
    mine = {
        c["connectionId"]: c["connectionState"] for c in dx.describe_connections()["connections"]
    }
    assert mine[hosted["connectionId"]] == "deleted"


def test_the_partner_sees_and_deletes_a_hosted_connection_through_its_region_only(
    server: Any, dx: Any, account: str, partner: Any
) -> None:
    """The partner's reads and delete are regional as every other: through another Region's endpoint
    the hosted connection does not exist, and it stays as it was."""
    ic = interconnect(partner)
    hosted = allocate(partner, ic, account, vlan=334)["connectionId"]
    elsewhere = server.client(str(int(account) + 1), region="us-west-2")
    refused(
        elsewhere.describe_hosted_connections,
        f"Could not find Connection with ID {hosted}",
        connectionId=hosted,
    )
    refused(
        elsewhere.delete_connection,
        f"Could not find Connection with ID {hosted}",
        connectionId=hosted,
    )
    assert [
        c["connectionState"]
        for c in partner.describe_hosted_connections(connectionId=ic)["connections"]
    ] == ["ordering"]
