"""The console in a real browser: Debian's Chromium, driven by playwright-core (tests/js,
never a browser that a tool downloads), clicks through steps 2-5 of
maximum_resiliency.md as the guide words them. One walk for the module (tests/js/
console_walk.mjs); each test below reads what one step showed, and checks with boto3
that the server holds what the page said. Any JavaScript error in the browser, and any
request or console link answering 4xx/5xx outside the refusals a step asks for, fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import ServerProcess
from tests.test_js_sdk import JS

CHROMIUM = os.environ.get("DXLAB_CHROMIUM", "/usr/bin/chromium")
ACCOUNT = "210987654321"


@pytest.fixture(scope="module")
def browser_project() -> Path:
    """tests/js with playwright-core installed from the lockfile (no browser download)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm are needed for the browser test (apt-get install nodejs npm)"
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: make system-packages installs Debian's chromium"
    )
    if not (JS / "node_modules" / "playwright-core").is_dir():
        env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
        done = subprocess.run(
            [npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return JS


@pytest.fixture(scope="module")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("console-browser") / "dxlab.db"
    srv = ServerProcess(f"sqlite:///{db}").start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


@pytest.fixture(scope="module")
def walk(
    browser_project: Path, console_server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The one browser walk. Its screenshots, downloads and report (walk.json) land in
    $DXLAB_SHOTS when set, else in pytest's temporary directory (console-shots*)."""
    wanted = os.environ.get("DXLAB_SHOTS")
    shots = Path(wanted) if wanted else tmp_path_factory.mktemp("console-shots")
    shots.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            "node",
            str(browser_project / "console_walk.mjs"),
            console_server.endpoint,
            ACCOUNT,
            str(shots),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (shots / "walk.json").write_text(done.stdout)  # what each step showed, to read after a failure
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def step(walk: dict[str, Any], name: str) -> dict[str, Any]:
    shown = walk["steps"].get(name)
    assert shown is not None, f"the walk stopped before {name}: {walk.get('failure')}"
    assert "failed" not in shown, shown["failed"]
    return dict(shown)


def test_the_walk_meets_no_javascript_error_and_no_broken_link(walk: dict[str, Any]) -> None:
    assert walk.get("failure") is None, walk.get("failure")
    assert walk["errors"] == []
    assert walk["badResponses"] == []  # a missing favicon would be here too
    broken = [link for link in walk["links"] if link["status"] >= 400]
    assert broken == [] and len(walk["links"]) > 20


def test_step2_the_wizard_orders_four_connections(
    walk: dict[str, Any], console_server: ServerProcess
) -> None:
    order = step(walk, "order")
    # An empty tag key: the API's own message, and nothing ordered.
    assert (
        "failed to satisfy constraint" in order["emptyKey"]
        and "tags.1.member.key" in order["emptyKey"]
    )
    assert order["afterEmptyKey"] == 0
    review = order["review"]
    for text in (
        "maximum-resiliency",
        "4 × 10Gbps",
        "99.99%",
        "$9.00 per hour",
        "$6,570 per month",
        "MaxResiliency-EqDC2-1",
        "MaxResiliency-CSVA1-2",
        "Equinix DC2, Floor 1",
        "CoreSite VA1, Floor 1",
        "Acme Metro Fiber",
        "Blue Ridge Networks",
        "team = network",
        "env = prod",
        "This order goes to review",
    ):
        assert text in review, text
    assert (
        "Not a Direct Connect partner: 'Acme Metro Fiber' at EqDC2, 'Blue Ridge Networks' at CSVA1"
        in review
    )
    assert "Held for review" in order["ordered"]
    assert "held for review" in order["heldLoa"] and "Approve order" in order["heldLoa"]
    dx = console_server.client(ACCOUNT)
    conns = {c["connectionId"]: c for c in dx.describe_connections()["connections"]}
    ordered = [conns[c] for c in order["connections"]]
    assert len(ordered) == 4 and len({c["awsDevice"] for c in ordered}) == 4
    assert [c["providerName"] for c in ordered] == ["Acme Metro Fiber"] * 2 + [
        "Blue Ridge Networks"
    ] * 2
    assert all(
        {"key": "team", "value": "network"} in c["tags"]
        and {"key": "env", "value": "prod"} in c["tags"]
        and len(c["tags"]) == 2
        for c in ordered
    )
    from dxlab.cli.client import ext

    for c in ordered:  # both connections at each location landed in the chosen sub-location
        where = ext(
            console_server.endpoint,
            "GET",
            f"/connections/{c['connectionId']}/placement",
            account=ACCOUNT,
        )
        assert where["subLocation"] == (
            "Equinix DC2, Floor 1" if c["location"] == "EqDC2" else "CoreSite VA1, Floor 1"
        )


def test_step2_the_loa_downloads_as_a_pdf_naming_the_connection(walk: dict[str, Any]) -> None:
    order = step(walk, "order")
    first = order["connections"][0]
    assert order["loaName"] == f"{first}-loa-cfa.pdf"  # Content-Disposition: attachment
    text = "".join(p.extract_text() for p in PdfReader(order["loaPath"]).pages)
    assert first in text and "EqDC2" in text


def test_step2_classic_orders_one_connection(
    walk: dict[str, Any], console_server: ServerProcess
) -> None:
    classic = step(walk, "classic")
    assert (
        "1 × 1Gbps" in classic["review"]
        and "Colt" in classic["review"]
        and "goes to review" not in classic["review"]
    )
    [cid] = classic["connections"]
    [conn] = console_server.client(ACCOUNT).describe_connections(connectionId=cid)["connections"]
    assert (conn["bandwidth"], conn["location"], conn["providerName"]) == ("1Gbps", "EqDC2", "Colt")


def test_step3_gateways_and_the_customer_topology(
    walk: dict[str, Any], console_server: ServerProcess
) -> None:
    gateways = step(walk, "gateways")
    dx = console_server.client(ACCOUNT)
    assocs = {
        a["associatedGateway"]["id"]: a
        for gw in (gateways["core"], gateways["transit"])
        for a in dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gw)[
            "directConnectGatewayAssociations"
        ]
    }
    assert assocs[gateways["vgw"]]["directConnectGatewayId"] == gateways["core"]
    assert assocs[gateways["tgw"]]["allowedPrefixesToDirectConnectGateway"] == [
        {"cidr": "10.200.0.0/16"}
    ]
    assert step(walk, "topology") == {
        **step(walk, "topology"),
        "loaded": True,
        "hadConnections": True,
    }


def test_step3_virtual_interfaces_created_from_the_form(
    walk: dict[str, Any], console_server: ServerProcess
) -> None:
    vifs = step(walk, "vifs")
    dx = console_server.client(ACCOUNT)
    by_id = {
        v["virtualInterfaceId"]: v for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
    }
    order = step(walk, "order")["connections"]
    made = [by_id[v] for v in vifs["privateVifs"]]
    assert [(v["connectionId"], v["vlan"], v["mtu"], v["virtualInterfaceType"]) for v in made] == [
        (c, 101 + i, 9001, "private") for i, c in enumerate(order)
    ]
    assert all(v["directConnectGatewayId"] == step(walk, "gateways")["core"] for v in made)
    assert made[0]["tags"] == [{"key": "team", "value": "network"}]
    public = by_id[vifs["publicVif"]]
    assert (
        public["routeFilterPrefixes"] == [{"cidr": "45.60.1.0/24"}]
        and public["customerAddress"] == "45.60.1.1/30"
    )
    assert by_id[vifs["transitVif"]]["mtu"] == 8500


def test_step3_bad_input_shows_the_apis_message_and_creates_nothing(walk: dict[str, Any]) -> None:
    vifs = step(walk, "vifs")
    for case, words in (
        ("badVlan", "5000"),
        ("duplicateVlan", "already in use"),
        ("transitMtu", "MTU 9001"),
    ):
        shown = vifs[case]
        assert words in shown["message"] and shown["message"].startswith(
            "DirectConnectClientException"
        ), shown
        assert shown["nextToField"] == 1, f"{case}: the message is not next to its field"
        assert shown["created"] == 0


def test_step3_detail_pages(walk: dict[str, Any]) -> None:
    details = step(walk, "details")
    for text in (
        "Jumbo Frame Capable",
        "MACsec capable",
        "Port speed",
        "10Gbps",
        "Download LOA",
        "Equinix DC2, Floor 1",
        "Acme Metro Fiber",
        "vif-1",
        "team",
        "Delete",
    ):
        assert text in details["connection"], text
    for text in (
        "Peerings",
        "ipv4",
        "up",
        "VLAN",
        "101",
        "9001",
        "Actions",
        "Router configuration",
    ):
        assert text in details["vif"], text
    assert "router bgp 65000" in Path(details["configPath"]).read_text()
    assert "stand-in for AWS's review" in details["review"]
    assert details["publicState"] == "available"
    assert details["transitState"] in ("deleting", "deleted")
    assert details["peersAfterAdd"] == 2 and details["ipv6Shown"]
    assert {"key": "owner", "value": "netops"} in details["tagged"]
    assert all(t["key"] != "owner" for t in details["untagged"])


def test_step4_bring_down_bgp_and_read_the_report(walk: dict[str, Any]) -> None:
    failover = step(walk, "failover")
    assert failover["transitOffered"] is False  # deleted VIFs are not offered
    assert failover["peers"] == 1
    during = failover["during"]
    for text in (
        "in progress",
        "every pair that had a path kept one",
        "dc1",
        "dc2",
        "prod",
        "Prefixes learned only over the tested VIF",
        "None: every prefix had another VIF",
        "Routes accepted before and during",
        "10.1.0.0/16",
    ):
        assert text in during, text
    assert "cancelled" in failover["after"] or "completed" in failover["after"]
    assert failover["unconfirmed"] == "To confirm test, enter Confirm"
    assert "Test history" in failover["history"] and "cancelled" in failover["history"]
    assert "cancelled" in failover["cancelled"] and "testing" not in failover["cancelled"]
    assert step(walk, "vifs")["privateVifs"][0] in failover["during"]
    assert (
        "location" in failover["failure"]
        and "CSVA1" in failover["failure"]
        and "kept one" in failover["failure"]
    )
    assert "restored" in failover["restored"]


def test_step5_verify_from_both_data_centers(walk: dict[str, Any]) -> None:
    verify = step(walk, "verify")
    for site in ("dc1", "dc2"):
        shown = verify[site]
        assert "reachable" in shown and "5 sent, 5 received" in shown and "10.100.1.10" in shown, (
            shown
        )
        assert verify[site + "DxHop"] >= 1  # the Direct Connect hop is named
        assert "(VLAN 10" in shown and "AWS device" in shown
    assert (
        "unreachable" in verify["dc3"]
        and "0 received" in verify["dc3"]
        and "no route" in verify["dc3Reason"]
    )


def test_step3_across_accounts_a_hosted_vif_and_a_proposal(
    walk: dict[str, Any], console_server: ServerProcess
) -> None:
    accounts = step(walk, "accounts")
    assert (
        "Accept virtual interface" in accounts["confirming"]
        and "confirming" in accounts["confirming"]
    )
    assert accounts["accepted"] in ("pending", "available")
    [vif] = console_server.client(accounts["other"]).describe_virtual_interfaces(
        virtualInterfaceId=accounts["hosted"]
    )["virtualInterfaces"]
    assert vif["ownerAccount"] == accounts["other"] and vif["directConnectGatewayId"]
    assert "requested" in accounts["proposals"] and accounts["other"] in accounts["proposals"]
    dx = console_server.client(ACCOUNT)
    core = step(walk, "gateways")["core"]
    assocs = dx.describe_direct_connect_gateway_associations(directConnectGatewayId=core)[
        "directConnectGatewayAssociations"
    ]
    assert {a["associatedGateway"]["ownerAccount"] for a in assocs} == {ACCOUNT, accounts["other"]}
    [gone] = dx.describe_connections(connectionId=accounts["classic"])["connections"]
    assert gone["connectionState"] in ("deleting", "deleted")


def test_the_layout_holds_at_800px_and_every_field_has_a_label(walk: dict[str, Any]) -> None:
    narrow = step(walk, "narrow")
    assert narrow["overflow"] == {}
    assert narrow["unlabelled"] == {}


def test_the_region_selector_shows_each_regions_connections(
    walk: dict[str, Any], console_server: ServerProcess
) -> None:
    regions = step(walk, "regions")
    ordered = step(walk, "order")["connections"]
    assert regions["selected"] == "us-east-1" and regions["westBefore"] == []
    assert "US West (Oregon) us-west-2" in regions["wizardRegion"]
    from dxlab.domain import catalog

    assert set(regions["offered"]) == {loc.code for loc in catalog.locations_in("us-west-2")}
    assert "us-west-2" in regions["review"]
    west = regions["west"]
    # It appears in us-west-2's list, with its Region on its page, and not in us-east-1's.
    assert regions["westAfter"] == [west]
    assert "US West (Oregon) us-west-2" in regions["westPage"] and "EqSe2-EQ" in regions["westPage"]
    assert west not in regions["eastAfter"] and set(ordered) <= set(regions["eastAfter"])
    assert regions["regionAfter"] == "us-east-1"
    [conn] = console_server.client(ACCOUNT, region="us-west-2").describe_connections(
        connectionId=west
    )["connections"]
    assert (conn["region"], conn["location"]) == ("us-west-2", "EqSe2-EQ")
    assert "core" in regions["gatewaysEast"]
