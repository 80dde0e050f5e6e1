"""The connection wizard (resiliency_toolkit.md), scripted as automation would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest


def wizard(server: Any, account: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "wizard",
            "--endpoint",
            server.endpoint,
            "--yes",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_maximum_model_orders_four_connections_on_four_devices(
    server: Any, dx: Any, account: str
) -> None:
    run = wizard(
        server,
        account,
        "--model",
        "maximum",
        "--bandwidth",
        "10Gbps",
        "--location",
        "EqDC2",
        "--location",
        "CSVA1",
        "--json",
    )
    assert run.returncode == 0, run.stderr + run.stdout
    order = json.loads(run.stdout)
    assert order["sla"] == "99.99%" and order["status"] == "approved"
    assert order["portHourCostUsd"] == pytest.approx(4 * 2.25)
    conns = dx.describe_connections()["connections"]
    assert len(conns) == 4 and len({c["awsDevice"] for c in conns}) == 4
    assert sorted(c["location"] for c in conns) == ["CSVA1", "CSVA1", "EqDC2", "EqDC2"]
    assert {c["bandwidth"] for c in conns} == {"10Gbps"}
    items = dx.list_resiliency_group_associations(resiliencyGroupId=order["resiliencyGroupId"])[
        "items"
    ]
    assert len(items) == 4


def test_high_and_dev_test_models(server: Any, dx: Any, account: str) -> None:
    high = json.loads(
        wizard(
            server,
            account,
            "--model",
            "high",
            "--bandwidth",
            "1Gbps",
            "--location",
            "EqDC2",
            "--location",
            "CSVA1",
            "--json",
        ).stdout
    )
    assert high["connections"] == 2 and high["sla"] == "99.9%"
    dev = json.loads(
        wizard(
            server,
            account,
            "--model",
            "dev-test",
            "--bandwidth",
            "1Gbps",
            "--location",
            "EqDC2",
            "--json",
        ).stdout
    )
    assert dev["connections"] == 2 and dev["sla"] == "none"
    devs = [
        c
        for c in dx.describe_connections()["connections"]
        if c["connectionId"] in dev["connectionIds"]
    ]
    assert len({c["awsDevice"] for c in devs}) == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            [
                "--model",
                "maximum",
                "--bandwidth",
                "10Gbps",
                "--location",
                "EqDC2",
                "--location",
                "EqDC2",
            ],
            "distinct",
        ),
        (
            [
                "--model",
                "maximum",
                "--bandwidth",
                "10Gbps",
                "--location",
                "NOWHERE",
                "--location",
                "EqDC2",
            ],
            "NOWHERE",
        ),
        (
            [
                "--model",
                "high",
                "--bandwidth",
                "7Gbps",
                "--location",
                "EqDC2",
                "--location",
                "CSVA1",
            ],
            "7Gbps",
        ),
        (["--model", "maximum", "--bandwidth", "10Gbps", "--location", "EqDC2"], "2 location"),
    ],
)
def test_wizard_refusals_change_nothing(
    server: Any, dx: Any, account: str, args: list[str], words: str
) -> None:
    run = wizard(server, account, *args)
    assert run.returncode != 0
    assert "DirectConnectClientException" in run.stdout and words in run.stdout
    assert dx.describe_connections()["connections"] == []


def test_unknown_partner_is_held_for_review(server: Any, dx: Any, account: str) -> None:
    run = wizard(
        server,
        account,
        "--model",
        "high",
        "--bandwidth",
        "1Gbps",
        "--location",
        "EqDC2",
        "--location",
        "CSVA1",
        "--provider",
        "Acme Fiber",
        "--json",
    )
    order = json.loads(run.stdout)
    assert order["status"] == "pending-review"
    conns = dx.describe_connections()["connections"]
    assert {c["connectionState"] for c in conns} == {"requested"}
    assert {c["providerName"] for c in conns} == {"Acme Fiber"}
    # Held: no LOA-CFA, no cross-connect, until the review approves the order.
    from botocore.exceptions import ClientError

    from dxlab.cli.client import ExtensionError, ext

    with pytest.raises(ClientError) as info:
        dx.describe_loa(connectionId=conns[0]["connectionId"])
    assert "pending AWS review" in info.value.response["Error"]["Message"]
    with pytest.raises(ExtensionError) as ext_info:
        ext(server.endpoint, "POST", f"/cross-connect/{conns[0]['connectionId']}", account=account)
    assert "pending AWS review" in ext_info.value.message
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    approved = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "orders",
            "approve",
            order["orderId"],
            "--endpoint",
            server.endpoint,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert {c["connectionState"] for c in dx.describe_connections()["connections"]} == {"available"}
    assert dx.describe_loa(connectionId=conns[0]["connectionId"])["loaContent"].startswith(b"%PDF")


def test_a_speed_that_is_not_a_port_speed_becomes_lags(server: Any, dx: Any, account: str) -> None:
    from dxlab.cli.client import ext

    order = json.loads(
        wizard(
            server,
            account,
            "--model",
            "high",
            "--bandwidth",
            "20Gbps",
            "--location",
            "EqDC2",
            "--location",
            "CSVA1",
            "--json",
        ).stdout
    )
    assert (
        order["connectionsPerLag"] == 2
        and len(order["lagIds"]) == 2
        and len(order["connectionIds"]) == 4
    )
    lags = dx.describe_lags()["lags"]
    assert sorted(lag["location"] for lag in lags) == ["CSVA1", "EqDC2"]
    assert all(
        lag["connectionsBandwidth"] == "10Gbps" and len(lag["connections"]) == 2 for lag in lags
    )
    verdict = ext(
        server.endpoint,
        "GET",
        f"/resiliency-groups/{order['resiliencyGroupId']}/compliance",
        account=account,
    )
    assert verdict["meetsModel"], verdict["brokenRules"]


def test_a_provider_and_a_sub_location_per_location(server: Any, dx: Any, account: str) -> None:
    """resiliency_toolkit.md: First/Second location service provider and First/Second Sub
    location; a partner at one location and "Other" at the other sends the order to review."""
    from dxlab.cli.client import ext

    body = {
        "model": "maximum",
        "bandwidth": "10Gbps",
        "locations": ["EqDC2", "CSVA1"],
        "providers": ["Colt", "Blue Ridge Networks"],
        "subLocations": ["Equinix DC11, Floor 2", ""],
    }
    # The bad input next to the good one: a sub-location of another location, nothing ordered.
    with pytest.raises(Exception, match="CoreSite VA9"):
        ext(
            server.endpoint,
            "POST",
            "/wizard/order",
            {**body, "subLocations": ["", "CoreSite VA9"]},
            account=account,
        )
    assert dx.describe_connections()["connections"] == []
    plan = ext(server.endpoint, "POST", "/wizard/plan", body, account=account)
    assert plan["review"] == "Not a Direct Connect partner: 'Blue Ridge Networks' at CSVA1"
    assert plan["providers"] == {"EqDC2": "Colt", "CSVA1": "Blue Ridge Networks"}
    order = ext(server.endpoint, "POST", "/wizard/order", body, account=account)
    assert order["status"] == "pending-review"
    conns = {c["connectionId"]: c for c in dx.describe_connections()["connections"]}
    assert {conns[c]["location"]: conns[c]["providerName"] for c in order["connectionIds"]} == {
        "EqDC2": "Colt",
        "CSVA1": "Blue Ridge Networks",
    }
    eqdc2 = [c for c in order["connectionIds"] if conns[c]["location"] == "EqDC2"]
    subs = {
        ext(server.endpoint, "GET", f"/connections/{c}/placement", account=account)["subLocation"]
        for c in eqdc2
    }
    assert subs == {"Equinix DC11, Floor 2"} and len({conns[c]["awsDevice"] for c in eqdc2}) == 2


def test_the_cli_takes_a_provider_and_a_sub_location_per_location(
    server: Any, dx: Any, account: str
) -> None:
    run = wizard(
        server,
        account,
        "--model",
        "high",
        "--bandwidth",
        "1Gbps",
        "--location",
        "EqDC2",
        "--location",
        "CSVA1",
        "--provider",
        "Colt",
        "--provider",
        "Acme Metro Fiber",
        "--sub-location",
        "Equinix DC11, Floor 2",
        "--sub-location",
        "CoreSite VA2, Floor 1",
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert (
        "held for AWS's review: Not a Direct Connect partner: 'Acme Metro Fiber' at CSVA1"
        in " ".join(run.stdout.split())
    )
    from dxlab.cli.client import ext

    conns = dx.describe_connections()["connections"]
    assert {c["location"]: c["providerName"] for c in conns} == {
        "EqDC2": "Colt",
        "CSVA1": "Acme Metro Fiber",
    }
    subs = {
        c["location"]: ext(
            server.endpoint, "GET", f"/connections/{c['connectionId']}/placement", account=account
        )["subLocation"]
        for c in conns
    }
    assert subs == {"EqDC2": "Equinix DC11, Floor 2", "CSVA1": "CoreSite VA2, Floor 1"}


def test_a_count_or_locations_of_the_wrong_kind_are_refused(
    server: Any, dx: Any, account: str
) -> None:
    """`count` (connections per location, classic model): a whole number from 1 to the 10
    connections per location (limits.md); anything else is the client's mistake (400, it
    was a 500 for a word), and nothing is ordered."""
    from dxlab.cli.client import ExtensionError, ext

    body = {"model": "classic", "bandwidth": "1Gbps", "locations": ["EqDC2"]}
    for count in ("x", 0, -1, 11, 1.5, True):
        for path in ("/wizard/plan", "/wizard/order"):
            with pytest.raises(ExtensionError) as refused:
                ext(server.endpoint, "POST", path, {**body, "count": count}, account=account)
            assert (refused.value.status, refused.value.aws_code) == (
                400,
                "DirectConnectClientException",
            ), count
            assert "a whole number from 1 to 10" in str(refused.value), refused.value
    # Nor are locations that are not location codes (a number was a 500).
    for locations in (-1, 1.5, True, [1], {"EqDC2": 1}):
        for path in ("/wizard/plan", "/wizard/order"):
            with pytest.raises(ExtensionError) as refused:
                ext(
                    server.endpoint, "POST", path, {**body, "locations": locations}, account=account
                )
            assert refused.value.status == 400, locations
            assert "locations is a list of location codes" in str(refused.value), refused.value
    assert dx.describe_connections()["connections"] == []
    plan = ext(server.endpoint, "POST", "/wizard/plan", {**body, "count": "2"}, account=account)
    assert plan["connections"] == 2
