"""Choosing where to connect: DescribeLocations per region, dxlab's view of sub-locations
and devices, and the locations a connection order accepts (dedicated_connection.md,
Colocation.md)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.domain import catalog
from tests.aws_errors import error_of

SPEEDS = {"1G", "10G", "100G", "400G"}
BILLING_MODES = {"PayAsYouGo", *(f"FlatRateTier{i}" for i in range(1, 6))}
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")


# --- the catalog itself (pure) -------------------------------------------------------


def test_catalog_has_real_sites_in_each_region() -> None:
    for region in REGIONS:
        assert 3 <= len(catalog.locations_in(region)) <= 6, region
    assert catalog.location("EqDC2").name == "Equinix DC2/DC11, Ashburn, VA"  # type: ignore[union-attr]
    assert catalog.location("EqSe2-EQ").region == "us-west-2"  # type: ignore[union-attr]
    assert catalog.location("EqSY3").region == "ap-southeast-2"  # type: ignore[union-attr]
    assert catalog.location("XYZ1") is None


def test_every_device_is_named_like_aws_and_sits_in_a_sub_location() -> None:
    names: list[str] = []
    for loc in catalog.LOCATIONS.values():
        assert set(loc.port_speeds) <= SPEEDS and "10G" in loc.port_speeds, loc.code
        assert set(loc.macsec_port_speeds) <= set(loc.port_speeds), loc.code
        assert loc.providers and loc.billing_modes[0] == "PayAsYouGo", loc.code
        assert 2 <= len(loc.devices) <= 4, loc.code
        subs = {s.name for s in loc.sub_locations}
        for dev in loc.devices:
            assert dev.sub_location in subs, dev
            for name in (dev.aws_device, dev.aws_device_v2, dev.logical_device_id):
                assert re.fullmatch(rf"{re.escape(loc.code)}-[a-z0-9]{{10,13}}", name), name
                names.append(name)
            assert catalog.device(dev.aws_device) == (loc, dev)
    assert len(names) == len(set(names)), "device names must be unique"
    for code, devices in (("EqDC2", 4), ("CSVA1", 3)):
        loc = catalog.location(code)
        assert loc is not None and len(loc.devices) >= devices
        assert {"1G", "10G", "100G"} <= set(loc.port_speeds)
        assert len({d.sub_location for d in loc.devices}) >= 2  # two buildings of the campus


# --- DescribeLocations through boto3 and the AWS CLI -----------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_describe_locations_lists_the_regions_sites(make_server: Any, region: str) -> None:
    server = make_server("--region", region)
    dx = server.client("210987654321", region=region)
    locations = dx.describe_locations()["locations"]
    assert {loc["locationCode"] for loc in locations} == {
        loc.code for loc in catalog.locations_in(region)
    }
    for loc in locations:
        assert loc["region"] == region
        assert loc["locationName"] and loc["availableProviders"]
        speeds = set(loc["availablePortSpeeds"])
        assert speeds <= SPEEDS and "10G" in speeds, loc
        assert set(loc["availableMacSecPortSpeeds"]) <= speeds
        modes = loc["availableBillingModes"]
        assert modes[0]["billingMode"] == "PayAsYouGo"
        assert set(modes[0]["availablePortSpeeds"]) == speeds and modes[0]["includedRegions"] == [
            region
        ]
        for mode in modes:
            assert mode["billingMode"] in BILLING_MODES
            assert set(mode["availablePortSpeeds"]) <= speeds and region in mode["includedRegions"]
    assert not server.server_errors()


def test_locations_of_another_region_cannot_be_ordered(make_server: Any) -> None:
    server = make_server("--region", "us-west-2")
    dx = server.client("210987654322", region="us-west-2")
    conn = dx.create_connection(location="EqSe2-EQ", bandwidth="400Gbps", connectionName="sea-400g")
    assert conn["location"] == "EqSe2-EQ" and conn["awsDevice"].startswith("EqSe2-EQ-")
    code, status, message = error_of(
        dx.create_connection, location="EqDC2", bandwidth="10Gbps", connectionName="x"
    )
    assert (code, status) == ("DirectConnectClientException", 400)
    assert "EqDC2" in message and "us-west-2" in message
    # CoreSite DE1 offers 1G and 10G ports only.
    code, status, message = error_of(
        dx.create_connection, location="CSDE1", bandwidth="100Gbps", connectionName="x"
    )
    assert (code, status) == ("DirectConnectClientException", 400)
    assert "100Gbps" in message and "CSDE1" in message
    assert [c["connectionId"] for c in dx.describe_connections()["connections"]] == [
        conn["connectionId"]
    ]


def test_aws_cli_describe_locations(server: Any, account: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="x",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    out = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "aws"),
            "directconnect",
            "describe-locations",
            "--endpoint-url",
            server.endpoint,
            "--output",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    codes = [loc["locationCode"] for loc in json.loads(out.stdout)["locations"]]
    assert codes == [loc.code for loc in catalog.locations_in("us-east-1")]


# --- dxlab's view: sub-locations, devices, ports in use ------------------------------


def test_extension_route_shows_sub_locations_and_devices(
    server: Any, dx: Any, account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", account)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")

    def eqdc2() -> dict[str, Any]:
        data = ext(server.endpoint, "GET", "/locations")
        assert {loc["region"] for loc in data["locations"]} == {"us-east-1"}
        return next(loc for loc in data["locations"] if loc["locationCode"] == "EqDC2")

    before = eqdc2()
    assert before["availablePortSpeeds"] == ["1G", "10G", "100G", "400G"]
    subs = {s["name"]: s for s in before["subLocations"]}
    assert len(subs) == 2 and all(s["floor"] and s["meetMeRoom"] for s in subs.values())
    assert len(before["devices"]) == 4
    for dev in before["devices"]:
        assert dev["subLocation"] in subs and dev["ports"] == 48
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="seen")
    after = eqdc2()
    used = {d["awsDevice"]: d["portsInUse"] for d in after["devices"]}
    was = {d["awsDevice"]: d["portsInUse"] for d in before["devices"]}
    assert used[conn["awsDevice"]] == was[conn["awsDevice"]] + 1
    everywhere = ext(server.endpoint, "GET", "/locations?region=all")
    assert {loc["region"] for loc in everywhere["locations"]} >= set(REGIONS)


def test_cli_lists_locations(server: Any) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", "locations", "--endpoint", server.endpoint],
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for loc in catalog.locations_in("us-east-1"):
        assert loc.code in out.stdout
    assert "Equinix DC2, Floor 1" in out.stdout and "Equinix SE2" not in out.stdout
    everywhere = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "locations",
            "--region",
            "all",
            "--endpoint",
            server.endpoint,
        ],
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert all(code in everywhere.stdout for code in ("EqDC2", "EqSe2-EQ", "EqLD5", "EqSY3"))
    # A server that is not there: one readable line, exit status 1, no traceback.
    down = subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", "locations", "--endpoint", "http://127.0.0.1:9"],
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert down.returncode == 1 and "cannot reach the dxlab server" in down.stdout
    assert "Traceback" not in down.stdout + down.stderr
