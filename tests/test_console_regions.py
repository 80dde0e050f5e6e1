"""The console's Region selector, as the AWS console's top bar has it: Direct Connect's
Regional pages (connections, LAGs, VIFs, locations, the wizard) show the chosen Region's
resources; Direct Connect gateways and resiliency groups are global and shown in every
Region with each part's own Region. The choice is kept from `?region=` in a cookie; an
unknown Region is refused with a page that says so."""

from __future__ import annotations

import re
from typing import Any

from dxlab.cli.client import ext
from dxlab.domain import catalog
from tests.conftest import ServerProcess
from tests.test_console import get, post

REGION_COOKIE = re.compile(r"dxlab_region=([\w-]*)")


def two_regions(server: ServerProcess, account: str) -> dict[str, Any]:
    """A connection and a VIF in us-east-1 and in us-west-2, on one DX gateway."""
    made: dict[str, Any] = {}
    east = server.client(account)
    gid = east.create_direct_connect_gateway(directConnectGatewayName="global")[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    made["gateway"] = gid
    for region, loc, vlan in (("us-east-1", "EqDC2", 101), ("us-west-2", "EqSe2-EQ", 102)):
        dx = server.client(account, region=region)
        conn = dx.create_connection(location=loc, bandwidth="1Gbps", connectionName=f"c-{region}")
        vif = dx.create_private_virtual_interface(
            connectionId=conn["connectionId"],
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"v-{region}",
                "vlan": vlan,
                "asn": 65000,
                "directConnectGatewayId": gid,
            },
        )
        made[region] = (conn["connectionId"], vif["virtualInterfaceId"])
    return made


def html(server: ServerProcess, path: str, account: str, region: str | None = None) -> str:
    cookie = f"dxlab_account={account}" + (f"; dxlab_region={region}" if region else "")
    response = get(server, path, cookie=cookie)
    assert response.status == 200, response.data[:500]
    return response.data.decode()


def test_the_region_selector_shows_one_regions_connections(
    server: ServerProcess, account: str
) -> None:
    made = two_regions(server, account)
    (east_conn, east_vif), (west_conn, west_vif) = made["us-east-1"], made["us-west-2"]
    # The server's Region by default; the selector offers the catalog's Regions.
    listing = html(server, "/console/connections", account)
    assert east_conn in listing and west_conn not in listing
    options = re.findall(r'<option value="([\w-]+)"( selected)?>', listing.split("</header>")[0])
    assert [r for r, _ in options] == catalog.regions()
    assert [r for r, on in options if on] == ["us-east-1"]
    # ?region= picks another and keeps it in a cookie for the pages that follow.
    chosen = get(server, f"/console/connections?region=us-west-2&account={account}")
    assert chosen.status == 200
    assert "dxlab_region=us-west-2" in " ".join(chosen.headers.getlist("set-cookie"))
    page = chosen.data.decode()
    assert west_conn in page and east_conn not in page
    assert "US West (Oregon) <code>us-west-2</code>" in page
    vifs = html(server, "/console/vifs", account, "us-west-2")
    assert west_vif in vifs and east_vif not in vifs
    # A resource page says its Region, and tags it by its own Region's ARN.
    detail = html(server, f"/console/connections/{west_conn}", account, "us-west-2")
    assert "<dt>Region</dt><dd>US West (Oregon) <code>us-west-2</code></dd>" in detail
    assert f"arn:aws:directconnect:us-west-2:{account}:dxcon/{west_conn}" in detail
    vif_page = html(server, f"/console/vifs/{west_vif}", account, "us-west-2")
    assert "<dt>Region</dt><dd>US West (Oregon) <code>us-west-2</code></dd>" in vif_page
    # Another Region's connection has no page in this one, as on its Regional endpoint.
    missing = get(
        server,
        f"/console/connections/{east_conn}",
        cookie=f"dxlab_account={account}; dxlab_region=us-west-2",
    )
    assert missing.status == 404 and f"Could not find Connection with ID {east_conn}" in (
        missing.data.decode()
    )


def test_gateways_and_resiliency_groups_are_global_with_each_parts_region(
    server: ServerProcess, account: str
) -> None:
    made = two_regions(server, account)
    east_vif, west_vif = made["us-east-1"][1], made["us-west-2"][1]
    for region in ("us-east-1", "us-west-2", "sa-east-1"):
        page = html(server, "/console/gateways", account, region)
        assert made["gateway"] in page
        assert (
            f'<code>{east_vif}</code> <span class="region">us-east-1</span>' in page
            and f'<code>{west_vif}</code> <span class="region">us-west-2</span>' in page
        ), region
    # The analysis is the whole network's: each Region with its own parts.
    analysis = html(server, "/console/analysis", account, "us-west-2")
    assert "<h2>Regions</h2>" in analysis
    for region, (conn, vif) in ((r, made[r]) for r in ("us-east-1", "us-west-2")):
        assert f"<td>{region}</td>" in analysis and conn in analysis and vif in analysis
    # The wizard's resiliency group of a us-west-2 order, seen from us-east-1.
    order = {"model": "high", "bandwidth": "1Gbps", "locations": ["EqSe2-EQ", "CSDE1"]}
    placed = ext(
        server.endpoint, "POST", "/wizard/order", order, account=account, region="us-west-2"
    )
    groups = html(server, "/console/resiliency-groups", account, "us-east-1")
    assert placed["resiliencyGroupId"] in groups
    for cid in placed["connectionIds"]:
        assert f'<code>{cid}</code> <span class="region">us-west-2</span>' in groups


def test_an_unknown_region_in_the_url_is_refused_and_changes_nothing(
    server: ServerProcess, account: str
) -> None:
    made = two_regions(server, account)
    cookie = f"dxlab_account={account}; dxlab_region=us-west-2"
    refused = get(server, "/console/connections?region=mars-east-1", cookie=cookie)
    assert refused.status == 400
    text = refused.data.decode()
    assert "Unknown Region" in text
    assert "&#x27;mars-east-1&#x27; is not an AWS Region with Direct Connect; choose one of" in text
    assert ", ".join(catalog.regions()) in text
    assert "dxlab_region" not in " ".join(refused.headers.getlist("set-cookie"))
    # The console's calls: the same refusal as JSON.
    api = post(
        server,
        "/console/api/op/DescribeConnections?region=nowhere",
        {},
        cookie=cookie,
        **{"x-dxlab-console": "1"},
    )
    assert api.status == 400 and b"'nowhere' is not an AWS Region" in api.data
    # The Region kept before is still the one shown.
    assert made["us-west-2"][0] in html(server, "/console/connections", account, "us-west-2")


def test_the_wizard_offers_the_regions_locations_and_refuses_anothers(
    server: ServerProcess, account: str
) -> None:
    page = html(server, "/console/wizard", account, "ap-northeast-1")
    assert "Ordering in Asia Pacific (Tokyo) <code>ap-northeast-1</code>" in page
    offered = set(re.findall(r'<option value="([\w-]+)"[^>]*>\1 — ', page))
    assert offered == {loc.code for loc in catalog.locations_in("ap-northeast-1")}
    cookie = f"dxlab_account={account}; dxlab_region=ap-northeast-1"
    headers = {"cookie": cookie, "x-dxlab-console": "1"}
    body = {"model": "high", "bandwidth": "1Gbps", "locations": ["EqTY2", "EqOS1"]}
    plan = post(server, "/console/api/wizard/plan", body, **headers)
    assert plan.status == 200 and b'"region":"ap-northeast-1"' in plan.data
    body["locations"] = ["EqTY2", "EqDC2"]
    refused = post(server, "/console/api/wizard/order", body, **headers)
    assert refused.status == 400
    assert (
        b"Location 'EqDC2' is not a Direct Connect location in ap-northeast-1"
        b" (it is in us-east-1: order it there)" in refused.data
    )
    for region in ("ap-northeast-1", "us-east-1"):
        assert server.client(account, region=region).describe_connections()["connections"] == []
    assert ext(server.endpoint, "GET", "/orders", account=account)["orders"] == []


def test_a_failure_report_links_each_vif_to_its_own_regions_page(
    server: ServerProcess, account: str
) -> None:
    """A failure's report is the account's, of every Region; a VIF is found in its own
    Region only: the report shown in us-east-1 links the us-west-2 VIF with that Region,
    and the link leads to its page (not to a page that does not know it)."""
    made = two_regions(server, account)
    (_, east_vif), (_, west_vif) = made["us-east-1"], made["us-west-2"]
    failure = ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "region", "id": "us-west-2", "minutes": 5},
        account=account,
    )["failureId"]
    page = html(server, f"/console/failover/failures/{failure}", account, "us-east-1")
    assert f'href="/console/vifs/{west_vif}?region=us-west-2"' in page
    assert f'href="/console/vifs/{east_vif}"' in page
    west_page = html(server, f"/console/vifs/{west_vif}?region=us-west-2", account, "us-east-1")
    assert "us-west-2" in west_page and west_vif in west_page
    # Without its Region the us-east-1 page does not know it, as AWS's console would not.
    cookie = f"dxlab_account={account}; dxlab_region=us-east-1"
    assert get(server, f"/console/vifs/{west_vif}", cookie=cookie).status == 404
