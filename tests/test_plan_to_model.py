"""`dxlab plan --to maximum|high` on an imported estate (issue 14): what to order
(connections, locations, devices to avoid, VIFs to add or move) to reach the model's
rules, with the port-hour cost; `--place` orders it on the dxlab server through boto3,
and the analysis run again shows the weaknesses gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ExtensionError, ext
from dxlab.domain.pricing import PORT_HOUR_USD
from dxlab.testing import DxlabServer, dxlab_server
from dxlab.toolkit.model_plan import Attachment, Port, plan_to
from tests.estate_support import ACCOUNT, Estate, analysis, clean_env, dxlab, profile_files, seed

AS_ACCOUNT = clean_env(AWS_ACCESS_KEY_ID=ACCOUNT, AWS_SECRET_ACCESS_KEY="x")


@pytest.fixture(scope="module")
def source() -> Iterator[tuple[DxlabServer, Estate]]:
    with dxlab_server(patch_env=False) as server:
        yield server, seed(server.endpoint_url, server.client_for)


@pytest.fixture
def imported(source: tuple[DxlabServer, Estate], tmp_path: Path) -> Iterator[DxlabServer]:
    src, _ = source
    with dxlab_server(patch_env=False) as target:
        env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))
        done = dxlab(
            "import",
            "--profile",
            "estate",
            "--source-endpoint",
            src.endpoint_url,
            "--endpoint",
            target.endpoint_url,
            "--topology-out",
            str(tmp_path / "t.yaml"),
            "--json",
            env=env,
            tmp=tmp_path,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        yield target


def plan(target: DxlabServer, *args: str) -> dict[str, Any]:
    done = dxlab("plan", *args, "--json", "--endpoint", target.endpoint_url, env=AS_ACCOUNT)
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def aws_side(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (s["kind"], s["id"])
        for s in result["single_points_of_failure"]
        if s["kind"] in ("device", "connection", "location")
    ]


def test_plan_to_maximum_lists_the_order_and_its_cost(
    source: tuple[DxlabServer, Estate], imported: DxlabServer
) -> None:
    _, made = source
    before = ext(imported.endpoint_url, "GET", "/analyze", account=ACCOUNT)
    result = plan(imported, "--to", "maximum")
    # The VIF of one twin on the shared device is moved to the idle connection on the other
    # device, not duplicated; the LAG's location gets a second device: one new 10 Gbps connection.
    [move] = result["moves"]
    vif_on = dict(zip(made.twins, made.vifs[:2], strict=True))
    assert (
        move["source"] in made.twins
        and move["vif"] == vif_on[move["source"]]
        and move["target"] == made.spare
    )
    kept = next(t for t in made.twins if t != move["source"])
    [order] = result["orders"]
    assert order["location"] == "CSVA1" and order["bandwidth"] == "10Gbps"
    lag_device = imported.client_for(ACCOUNT).describe_lags()["lags"][0]["awsDeviceV2"]
    assert lag_device in order["avoid_devices"]
    avoid = {d["device"] for d in result["devicesToAvoid"]}
    twin_device = imported.client_for(ACCOUNT).describe_connections(connectionId=made.twins[0])[
        "connections"
    ][0]["awsDeviceV2"]
    assert twin_device in avoid and lag_device in avoid
    added = {(v["gateway"], v["port"]) for v in result["virtualInterfaces"]}
    assert (made.dxgw_lag, kept) in added and (made.dxgw_lag, made.spare) in added
    assert (made.dxgw_one, made.lag) in added and (made.dxgw_one, order["ref"]) in added
    assert result["portHourCostUsd"] == PORT_HOUR_USD["10Gbps"] and result[
        "monthlyPortCostUsd"
    ] == round(PORT_HOUR_USD["10Gbps"] * 730, 2)
    # A plan orders nothing by itself.
    after = ext(imported.endpoint_url, "GET", "/analyze", account=ACCOUNT)
    before.pop("stats"), after.pop("stats")
    assert after == before
    # The high model needs one device per location: nothing new to order.
    high = plan(imported, "--to", "high")
    assert high["orders"] == [] and high["portHourCostUsd"] == 0
    # Another caller plans for the imported account by naming it.
    done = dxlab(
        "plan",
        "--to",
        "high",
        "--json",
        "--account",
        ACCOUNT,
        "--endpoint",
        imported.endpoint_url,
        env=clean_env(AWS_ACCESS_KEY_ID="999999999999", AWS_SECRET_ACCESS_KEY="x"),
    )
    assert done.returncode == 0 and json.loads(done.stdout) == high
    # The readable plan says the same.
    done = dxlab("plan", "--to", "maximum", "--endpoint", imported.endpoint_url, env=AS_ACCOUNT)
    assert done.returncode == 0 and "CSVA1" in done.stdout and "$2.25/hour" in done.stdout


def test_placing_the_maximum_plan_removes_the_weaknesses(
    source: tuple[DxlabServer, Estate], imported: DxlabServer
) -> None:
    _, made = source
    before = analysis(imported.endpoint_url)
    assert before["sla"] == "none"
    assert {("location", "EqDA2"), ("connection", made.lag)} <= set(aws_side(before))
    result = plan(imported, "--to", "maximum", "--place")
    [new] = result["placed"]["connections"].values()
    assert len(result["placed"]["moves"]) == 1 and result["placed"]["moves"][0] in made.vifs[:2]
    after = analysis(imported.endpoint_url)
    assert aws_side(after) == [], after["single_points_of_failure"]
    assert after["sla"] == "99.99%", after["sla_rule"]
    assert result["after"]["sla"] == "99.99%"
    # The new connection is on a device nothing else in use sits on, and a router is patched to it.
    dx = imported.client_for(ACCOUNT)
    device = dx.describe_connections(connectionId=new)["connections"][0]["awsDeviceV2"]
    assert device not in {d["device"] for d in result["devicesToAvoid"]}
    assert new in ext(imported.endpoint_url, "GET", "/topology", account=ACCOUNT)["routerOfLink"]
    # Once placed, the plan has nothing left to order.
    again = plan(imported, "--to", "maximum")
    assert again["orders"] == [] and again["moves"] == [] and again["virtualInterfaces"] == []


def test_a_model_the_toolkit_does_not_have_is_refused(imported: DxlabServer) -> None:
    done = dxlab("plan", "--to", "medium", "--endpoint", imported.endpoint_url, env=AS_ACCOUNT)
    assert done.returncode == 2 and "'medium' is not one of 'maximum', 'high'" in done.stderr
    with pytest.raises(ExtensionError) as info:
        ext(imported.endpoint_url, "GET", "/plan?to=dev-test", account=ACCOUNT)
    assert (info.value.aws_code, info.value.status) == ("DirectConnectClientException", 400)
    assert "plan --to maximum or high" in info.value.message


# The planner alone (no server): the rules of each model on small estates.
def ports_and_vifs(*spec: tuple[str, str, str]) -> tuple[list[Port], list[Attachment]]:
    ports = [
        Port(pid, loc, dev, "10Gbps", "us-east-1", hosted="hosted" in pid) for pid, loc, dev in spec
    ]
    return ports, [
        Attachment(f"vif-{p.id}", p.id, "gw-1", "private", 65000)
        for p in ports
        if not p.id.startswith("idle")
    ]


def catalog(region: str) -> list[tuple[str, int]]:
    return [("A", 2), ("B", 3), ("C", 1)]


def test_high_model_orders_one_connection_in_a_second_location() -> None:
    ports, vifs = ports_and_vifs(("c1", "A", "A-1"))
    result = plan_to("high", ports, vifs, catalog)
    assert [(o.location, o.avoid_devices) for o in result.orders] == [("B", [])]
    assert [(v.gateway, v.port) for v in result.vifs] == [("gw-1", "new-1")]
    assert result.hourly_cost == PORT_HOUR_USD["10Gbps"]
    maximum = plan_to("maximum", ports, vifs, catalog)
    # Maximum: a second device at A (avoiding A-1), and two at B.
    assert [(o.location, o.avoid_devices) for o in maximum.orders] == [
        ("A", ["A-1"]),
        ("B", []),
        ("B", []),
    ]


def test_an_idle_connection_is_used_before_anything_is_ordered_but_not_a_hosted_one() -> None:
    ports, vifs = ports_and_vifs(
        ("c1", "A", "A-1"), ("idle-1", "B", "B-1"), ("idle-hosted", "A", "A-2")
    )
    result = plan_to("high", ports, vifs, catalog)
    assert result.orders == [] and ("gw-1", "idle-1") in {(v.gateway, v.port) for v in result.vifs}
    maximum = plan_to("maximum", ports, vifs, catalog)
    # A hosted connection is not reused (one VIF at most, at the partner's bandwidth): A is full.
    assert any("A has no AWS device left" in n for n in maximum.notes)


def test_an_unknown_model_is_refused_by_the_planner() -> None:
    with pytest.raises(ValueError, match="maximum or high"):
        plan_to("dev-test", [], [], catalog)
