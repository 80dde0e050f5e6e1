"""The Resiliency Toolkit across two Regions (Colocation.md: each location belongs to one
Region; direct-connect-gateways-intro.md: a Direct Connect gateway is global and takes
VIFs and gateways of every Region): the analyzer says each part's Region and what losing
all of a Region's locations loses; the report shows it; the diagram draws one box per
Region with the Direct Connect gateways outside them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from dxlab.domain import catalog
from dxlab.domain.topology import Advertisement, Vpc
from dxlab.routing.network import Association, AwsGateway, Network
from dxlab.toolkit import report
from dxlab.toolkit.analyzer import analyze
from tests.networks import DXGW, HIGH, VGW, build

WEST_VGW = "vgw-0fedcba9876543210"
# One connection in us-east-1 (Ashburn), one in us-west-2 (Seattle), one DX gateway.
TWO_REGIONS = [
    ("dxcon-aaaaaaa1", "EqDC2", "EqDC2-dev1", "dc1"),
    ("dxcon-wwwwwww1", "EqSe2-EQ", "EqSe2-EQ-dev1", "dc2"),
]


def two_regions(layout: list[tuple[str, str, str, str]] = TWO_REGIONS, **kwargs: object) -> Network:
    """`layout` behind one DX gateway associated with a VGW in us-east-1 (VPC prod) and
    one in us-west-2 (VPC west); each VIF in its location's Region."""
    net = build(layout, **kwargs)  # type: ignore[arg-type]
    vifs = {
        k: replace(v, location_region=catalog.location(v.location).region)  # type: ignore[union-attr]
        for k, v in net.vifs.items()
    }
    west = Vpc("west", "10.200.0.0/16", "10.200.1.10", True, WEST_VGW)
    topology = replace(net.topology, vpcs=(*net.topology.vpcs, west))
    return replace(
        net,
        vifs=vifs,
        gateways={
            **net.gateways,
            WEST_VGW: AwsGateway(WEST_VGW, 64512, "us-west-2", ("10.200.0.0/16",)),
        },
        associations=(*net.associations, Association(DXGW, WEST_VGW, ("10.200.0.0/16",))),
        topology=topology,
        vpc_gateways={**net.vpc_gateways, "west": WEST_VGW},
    )


def by_region(result: dict[str, object]) -> dict[str, dict[str, object]]:
    return {str(r["region"]): r for r in result["regions"]}  # type: ignore[attr-defined, index]


def test_the_analysis_names_each_connections_vifs_and_locations_region() -> None:
    net = two_regions()
    result = analyze(net).to_json()
    regions = by_region(result)
    assert set(regions) == {"us-east-1", "us-west-2"}
    east, west = regions["us-east-1"], regions["us-west-2"]
    assert east["locations"] == ["EqDC2"] and west["locations"] == ["EqSe2-EQ"]
    assert east["connections"] == ["dxcon-aaaaaaa1"] and west["connections"] == ["dxcon-wwwwwww1"]
    vif_region = {v.id: v.location_region for v in net.vifs.values()}
    assert [vif_region[v] for v in east["virtualInterfaces"]] == ["us-east-1"]  # type: ignore[attr-defined]
    assert [vif_region[v] for v in west["virtualInterfaces"]] == ["us-west-2"]  # type: ignore[attr-defined]
    # Both Regions carry every data center's prefix to both VPCs: one Region's locations
    # failing together loses nothing.
    assert east["lost_if_region_fails"] == [] and west["lost_if_region_fails"] == []


def test_a_whole_regions_locations_failing_is_asked_beside_single_failures() -> None:
    # Each data center advertises only its own prefix: dc1's way is us-east-1's only.
    own = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    result = analyze(two_regions(adverts=own)).to_json()
    regions = by_region(result)
    assert "10.1.0.0/16 from west" in regions["us-east-1"]["lost_if_region_fails"]  # type: ignore[operator]
    assert "10.2.0.0/16 from prod" in regions["us-west-2"]["lost_if_region_fails"]  # type: ignore[operator]
    # The single points of failure say their Region; no Region is one of them.
    spofs = {(s["kind"], s["id"]): s for s in result["single_points_of_failure"]}  # type: ignore[attr-defined]
    assert spofs[("connection", "dxcon-aaaaaaa1")]["region"] == "us-east-1"
    assert spofs[("location", "EqSe2-EQ")]["region"] == "us-west-2"
    assert spofs[("session", "dxvif-00000002:ipv4")]["region"] == "us-west-2"
    assert all(kind != "region" for kind, _ in spofs)
    # A one-Region design loses everything with its Region, and keeps its SLA.
    one = analyze(build(HIGH))
    [only] = one.to_json()["regions"]  # type: ignore[misc]
    assert only["region"] == "us-east-1" and only["lost_if_region_fails"]
    assert one.sla == "99.9%"


def test_the_report_shows_the_regions_in_text_and_markdown() -> None:
    own = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    result = analyze(two_regions(adverts=own)).to_json()
    md = report.markdown(result)
    assert "## Regions" in md
    assert "| us-east-1 | EqDC2 | dxcon-aaaaaaa1 |" in md
    assert "| us-west-2 | EqSe2-EQ | dxcon-wwwwwww1 |" in md
    assert "| connection | dxcon-aaaaaaa1 | us-east-1 |" in md
    from io import StringIO

    from rich.console import Console

    out = Console(file=StringIO(), width=200, record=True)
    for part in report.rich_renderables(result):
        out.print(part)
    text = out.export_text()
    assert "Regions" in text and "us-west-2" in text and "EqSe2-EQ" in text


SVG = "{http://www.w3.org/2000/svg}"


def boxes(root: ET.Element, cls: str) -> dict[str, tuple[float, float, float, float]]:
    """Tooltip -> (x, y, width, height) of every rect of class `cls`."""
    return {
        el.findtext(f"{SVG}title") or "": tuple(  # type: ignore[misc]
            float(el.get(k) or 0) for k in ("x", "y", "width", "height")
        )
        for el in root.iter(f"{SVG}rect")
        if cls in (el.get("class") or "").split()
    }


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def test_the_diagram_draws_a_box_per_region_and_dx_gateways_outside_them() -> None:
    from dxlab.toolkit.diagram import render_svg

    net = two_regions()
    root = ET.fromstring(render_svg(net, title="two Regions"))
    regions = boxes(root, "region")
    assert set(regions) == {"AWS Region us-east-1", "AWS Region us-west-2"}
    east, west = regions["AWS Region us-east-1"], regions["AWS Region us-west-2"]
    text = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "US East (N. Virginia)" in text and "US West (Oregon)" in text
    # Each location, and each Region's VGW and VPC, inside its own Region's box only.
    locations = boxes(root, "loc")
    assert inside(locations["Equinix DC2/DC11, Ashburn, VA"], east)
    [seattle] = [b for t, b in locations.items() if "Seattle" in t]
    assert inside(seattle, west) and not inside(seattle, east)
    gws = {t.split()[0]: b for t, b in boxes(root, "gw").items()}
    assert inside(gws[VGW], east) and inside(gws[WEST_VGW], west)
    vpcs = {t.split()[1]: b for t, b in boxes(root, "vpc").items()}
    assert inside(vpcs["prod"], east) and inside(vpcs["west"], west)
    # The Direct Connect gateway is global: outside both boxes, between them.
    [(title, dxgw)] = boxes(root, "dxgw").items()
    assert title == f"Direct Connect gateway {DXGW} (global)"
    assert not any(_overlap(dxgw, r) for r in regions.values())
    assert east[1] + east[3] <= dxgw[1] and dxgw[1] + dxgw[3] <= west[1]
    # Each VIF's line to the gateway says its Region; the associations reach both Regions.
    edges = [el.findtext(f"{SVG}title") or "" for el in root.iter(f"{SVG}path")]
    assert f"dxvif-00000001 (us-east-1) to {DXGW}" in edges
    assert f"dxvif-00000002 (us-west-2) to {DXGW}" in edges
    assert any(e.startswith(f"{WEST_VGW} (us-west-2), allowed prefixes") for e in edges)
    assert any(e.startswith(f"{VGW} (us-east-1), allowed prefixes") for e in edges)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
