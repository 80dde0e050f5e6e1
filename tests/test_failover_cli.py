"""`dxlab test start|stop|history|report`, `dxlab fail`, `dxlab failures` and `dxlab restore`
as a user runs them against a real server: what they print, and one readable error line
for a refused request."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.conftest import ServerProcess
from tests.failover_support import clock_server, vif_states  # noqa: F401
from tests.regions_support import west_vif
from tests.scenario import maximum
from tests.test_loa import cli_env


def dxlab(
    server: ServerProcess, account: str, *args: str, env_endpoint: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**cli_env(account), "COLUMNS": "200"}
    if env_endpoint:
        env["DXLAB_ENDPOINT"] = server.endpoint
    else:
        args = (*args, "--endpoint", server.endpoint)
    return subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def ok(server: ServerProcess, account: str, *args: str, **kwargs: Any) -> str:
    done = dxlab(server, account, *args, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_failover_test_from_the_cli(server: ServerProcess, dx: Any, account: str) -> None:
    lab = maximum(server, dx, account)
    vif_id = lab.vifs[0]
    peer = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0][
        "bgpPeers"
    ][0]["bgpPeerId"]
    out = ok(server, account, "test", "start", vif_id, "--peer", peer, "--minutes", "30")
    assert f"{vif_id} is testing for 30 min" in out and peer in out
    test_id = dx.list_virtual_interface_test_history()["virtualInterfaceTestHistory"][0]["testId"]
    assert test_id in out
    assert vif_states(dx, [vif_id]) == [("testing", ["down"])]

    # DXLAB_ENDPOINT stands in for --endpoint.
    listed = ok(server, account, "test", "history", "--vif", vif_id, env_endpoint=True)
    assert test_id in listed and "in progress" in listed
    table = ok(server, account, "test", "report", test_id)
    assert (
        "every pair that had a path kept one (2 of 2)" in table
        and "dc1" in table
        and "dc2" in table
    )
    data = json.loads(ok(server, account, "test", "report", test_id, "--json"))
    assert data["testId"] == test_id and data["lost"] == []
    assert [(p["site"], p["during"], p["outage_ms"]) for p in data["pairs"]] == [
        ("dc1", True, 0),
        ("dc2", True, 0),
    ]

    refused = dxlab(server, account, "test", "start", vif_id, "--minutes", "4321")
    assert refused.returncode == 1
    assert "DirectConnectClientException" in refused.stdout and "4,320" in refused.stdout
    stopped = ok(server, account, "test", "stop", vif_id)
    assert f"test {test_id}: cancelled" in stopped
    assert "cancelled" in ok(server, account, "test", "history")
    assert vif_states(dx, [vif_id]) == [("available", ["up"])]


def test_failures_from_the_cli(server: ServerProcess, dx: Any, account: str) -> None:
    lab = maximum(server, dx, account)
    out = ok(server, account, "fail", "location", "EqDC2", "--minutes", "15", "--json")
    failure = json.loads(out)
    assert failure["kind"] == "location" and sorted(failure["connections"]) == sorted(
        lab.connections[:2]
    )
    assert vif_states(dx, lab.vifs)[:2] == [("down", ["down"])] * 2
    listed = ok(server, account, "failures")
    assert failure["failureId"] in listed and "active" in listed
    table = ok(server, account, "test", "report", failure["failureId"])
    assert "location-failure" in table and "every pair that had a path kept one" in table
    assert f"failure {failure['failureId']}: restored" in ok(
        server, account, "restore", failure["failureId"]
    )
    assert vif_states(dx, lab.vifs) == [("available", ["up"])] * 4
    again = dxlab(server, account, "restore", failure["failureId"])
    assert again.returncode == 1 and "already ended" in again.stdout
    bad = dxlab(server, account, "fail", "rack", "r1")
    assert bad.returncode == 2 and "rack" in bad.stderr


def test_a_failover_test_of_another_regions_vif_from_the_cli(
    server: ServerProcess, account: str
) -> None:
    """A VIF is asked for through its own Region's endpoint: `--region` names it, and
    without it the default Region's endpoint does not know the VIF (one readable line)."""
    west = server.client(account, region="us-west-2")
    _, vif_id = west_vif(west, west)
    refused = dxlab(server, account, "test", "start", vif_id)
    assert refused.returncode == 1 and f"{vif_id} does not exist" in refused.stdout, refused
    out = ok(server, account, "test", "start", vif_id, "--region", "us-west-2", "--minutes", "5")
    assert f"{vif_id} is testing for 5 min" in out
    assert vif_id in ok(server, account, "test", "history", "--region", "us-west-2")
    assert vif_id not in ok(server, account, "test", "history")
    assert "cancelled" in ok(server, account, "test", "stop", vif_id, "--region", "us-west-2")
