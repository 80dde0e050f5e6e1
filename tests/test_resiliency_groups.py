"""Resiliency groups: the toolkit's way to hold the connections of one model together."""

from __future__ import annotations

from typing import Any

from dxlab.cli.client import ext
from tests.aws_errors import error_of


def order(dx: Any, location: str, n: int, bandwidth: str = "10Gbps") -> list[str]:
    return [
        dx.create_connection(
            location=location, bandwidth=bandwidth, connectionName=f"{location}-{i}"
        )["connectionId"]
        for i in range(n)
    ]


def test_maximum_resiliency_group_meets_its_model(server: Any, dx: Any, account: str) -> None:
    conns = order(dx, "EqDC2", 2) + order(dx, "CSVA1", 2)
    group = dx.create_resiliency_group(
        resiliencyGroupName="max", intendedResiliencyModel="maximum-resiliency"
    )
    rg = group["resiliencyGroup"]
    assert rg["resiliencyGroupId"].startswith("dxrg-") and len(rg["resiliencyGroupId"]) == 22
    assert (
        rg["resiliencyGroupArn"]
        == f"arn:aws:directconnect::{account}:dx-resiliency-group/{rg['resiliencyGroupId']}"
    )
    dx.associate_connections_to_resiliency_group(
        resiliencyGroupId=rg["resiliencyGroupId"], connectionIdentifiers=conns
    )
    items = dx.list_resiliency_group_associations(resiliencyGroupId=rg["resiliencyGroupId"])[
        "items"
    ]
    assert sorted(i["connectionArn"].rsplit("/", 1)[1] for i in items) == sorted(conns)
    assert {i["state"] for i in items} == {"associated"}
    assert (
        dx.get_resiliency_group(resiliencyGroupId=rg["resiliencyGroupId"])["resiliencyGroup"][
            "state"
        ]
        == "available"
    )
    verdict = ext(
        server.endpoint,
        "GET",
        f"/resiliency-groups/{rg['resiliencyGroupId']}/compliance",
        account=account,
    )
    assert verdict["meetsModel"] and verdict["sla"] == "99.99%"


def test_group_in_one_location_fails_maximum_and_says_why(
    server: Any, dx: Any, account: str
) -> None:
    conns = order(dx, "EqDC2", 2)
    rg = dx.create_resiliency_group(
        resiliencyGroupName="weak", intendedResiliencyModel="maximum-resiliency"
    )["resiliencyGroup"]
    dx.associate_connections_to_resiliency_group(
        resiliencyGroupId=rg["resiliencyGroupId"], connectionIdentifiers=conns
    )
    verdict = ext(
        server.endpoint,
        "GET",
        f"/resiliency-groups/{rg['resiliencyGroupId']}/compliance",
        account=account,
    )
    assert not verdict["meetsModel"]
    assert any("two Direct Connect locations" in r for r in verdict["brokenRules"])


def test_association_is_atomic(dx: Any) -> None:
    good = order(dx, "EqDC2", 1)
    rg = dx.create_resiliency_group(
        resiliencyGroupName="atomic", intendedResiliencyModel="high-resiliency"
    )["resiliencyGroup"]
    code, status, message = error_of(
        dx.associate_connections_to_resiliency_group,
        resiliencyGroupId=rg["resiliencyGroupId"],
        connectionIdentifiers=[*good, "dxcon-zzzzzzzz"],
    )
    assert (code, status) == ("DirectConnectClientException", 400) and "dxcon-zzzzzzzz" in message
    assert (
        dx.list_resiliency_group_associations(resiliencyGroupId=rg["resiliencyGroupId"])["items"]
        == []
    )


def test_a_connection_belongs_to_one_group(dx: Any) -> None:
    conn = order(dx, "EqDC2", 1)
    a = dx.create_resiliency_group(
        resiliencyGroupName="a", intendedResiliencyModel="basic-resiliency"
    )
    b = dx.create_resiliency_group(
        resiliencyGroupName="b", intendedResiliencyModel="basic-resiliency"
    )
    dx.associate_connections_to_resiliency_group(
        resiliencyGroupId=a["resiliencyGroup"]["resiliencyGroupId"], connectionIdentifiers=conn
    )
    code, status, message = error_of(
        dx.associate_connections_to_resiliency_group,
        resiliencyGroupId=b["resiliencyGroup"]["resiliencyGroupId"],
        connectionIdentifiers=conn,
    )
    assert (code, status) == ("DirectConnectClientException", 400) and conn[0] in message


def test_client_token_makes_create_idempotent(dx: Any) -> None:
    one = dx.create_resiliency_group(
        resiliencyGroupName="t", intendedResiliencyModel="high-resiliency", clientToken="tok-1"
    )
    two = dx.create_resiliency_group(
        resiliencyGroupName="t", intendedResiliencyModel="high-resiliency", clientToken="tok-1"
    )
    assert (
        one["resiliencyGroup"]["resiliencyGroupId"] == two["resiliencyGroup"]["resiliencyGroupId"]
    )
    assert len(dx.list_resiliency_groups()["items"]) == 1


def test_bad_model_and_name_are_refused(dx: Any) -> None:
    code, status, message = error_of(
        dx.create_resiliency_group, resiliencyGroupName="x", intendedResiliencyModel="ultra"
    )
    assert (code, status) == (
        "DirectConnectClientException",
        400,
    ) and "intendedResiliencyModel" in message
    code, status, message = error_of(
        dx.create_resiliency_group,
        resiliencyGroupName="bad name!",
        intendedResiliencyModel="high-resiliency",
    )
    assert "resiliencyGroupName" in message
    assert dx.list_resiliency_groups()["items"] == []


def test_update_and_delete(dx: Any) -> None:
    conn = order(dx, "EqDC2", 1)
    rg_id = dx.create_resiliency_group(
        resiliencyGroupName="u", intendedResiliencyModel="high-resiliency"
    )["resiliencyGroup"]["resiliencyGroupId"]
    assert (
        dx.update_resiliency_group(resiliencyGroupId=rg_id, resiliencyGroupName="u2")[
            "resiliencyGroup"
        ]["resiliencyGroupName"]
        == "u2"
    )
    dx.associate_connections_to_resiliency_group(
        resiliencyGroupId=rg_id, connectionIdentifiers=conn
    )
    code, _, message = error_of(dx.delete_resiliency_group, resiliencyGroupId=rg_id)
    assert code == "DirectConnectClientException" and "disassociate" in message
    dx.disassociate_connections_from_resiliency_group(
        resiliencyGroupId=rg_id, connectionIdentifiers=conn
    )
    assert (
        dx.delete_resiliency_group(resiliencyGroupId=rg_id)["resiliencyGroup"]["state"]
        == "deleting"
    )
    assert dx.get_resiliency_group(resiliencyGroupId=rg_id)["resiliencyGroup"]["state"] == "deleted"


def test_mixed_speeds_break_every_model(server: Any, dx: Any, account: str) -> None:
    conns = order(dx, "EqDC2", 1, "10Gbps") + order(dx, "CSVA1", 1, "1Gbps")
    rg = dx.create_resiliency_group(
        resiliencyGroupName="mixed", intendedResiliencyModel="high-resiliency"
    )["resiliencyGroup"]
    dx.associate_connections_to_resiliency_group(
        resiliencyGroupId=rg["resiliencyGroupId"], connectionIdentifiers=conns
    )
    verdict = ext(
        server.endpoint,
        "GET",
        f"/resiliency-groups/{rg['resiliencyGroupId']}/compliance",
        account=account,
    )
    assert not verdict["meetsModel"]
    assert any("same speed" in r for r in verdict["brokenRules"])


def test_client_token_reused_with_other_parameters_is_refused(dx: Any) -> None:
    dx.create_resiliency_group(
        resiliencyGroupName="t", intendedResiliencyModel="high-resiliency", clientToken="tok-2"
    )
    code, status, message = error_of(
        dx.create_resiliency_group,
        resiliencyGroupName="other",
        intendedResiliencyModel="high-resiliency",
        clientToken="tok-2",
    )
    assert (code, status) == ("DirectConnectClientException", 400) and "tok-2" in message
    assert [g["resiliencyGroupName"] for g in dx.list_resiliency_groups()["items"]] == ["t"]
