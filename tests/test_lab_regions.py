"""Two Regions on real routes (issue 13, "Regions"): connections at a us-east-1 and a
us-west-2 location behind one Direct Connect gateway, an EC2 VPC with its VGW in each
Region. routing-and-bgp.md: without communities, AWS lowers the local preference of routes
learned at a location of another Region than the VPC's. In the lab each VGW's BIRD holds
the choice for its own VPC (lab/plan.py): the us-east-1 VPC's traffic toward the data
center leaves through the us-east-1 location, the us-west-2 VPC's through the us-west-2
one; when a Region's location fails, its VPC fails over to the other Region's; restored,
it comes back. Seen in the VGW namespace's kernel route and in a traceroute from each
VPC's instance, and the same as the routing model predicts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.lab import probes
from tests.lab_support import LabServer, running_lab, wait_equal, wait_for
from tests.regions_support import (
    EAST,
    LOCATIONS,
    WEST,
    TwoRegions,
    lab_return_devices,
    sim_return_devices,
    two_regions,
)

pytestmark = pytest.mark.lab

ACCOUNT = "520987654321"
CONVERGE_S = 30.0  # a loaded machine: BGP, BFD and the kernel take their time


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> tuple[TwoRegions, dict[str, str]]:
    made = two_regions(lab_server.server, ACCOUNT)
    net = lab_server.network(ACCOUNT)
    devices = {region: net.vifs[vif].device for region, vif in made.vifs.items()}
    return made, devices


def traced_devices(lab: LabServer, made: TwoRegions, region: str) -> list[str]:
    """What a traceroute from the Region's VPC instance to the data center names: each
    hop's dxlab resource."""
    plan = lab.plan(ACCOUNT)
    vpc = plan.vpcs[(ACCOUNT, made.vpcs[region])]
    site = plan.sites[(ACCOUNT, "dc1")]
    hops = probes.traceroute(lab.host, vpc.ns, vpc.address, site.address)
    return [plan.resources.get(h, h) for h in hops]


def assert_back(lab: LabServer, made: TwoRegions, want: dict[str, set[str]], what: str) -> None:
    """Each VPC's traffic toward the data center leaves through `want`'s devices: as the
    sim predicts, in each VGW's kernel, and in a traceroute from its instance."""
    assert sim_return_devices(lab, ACCOUNT, made) == want, what
    wait_equal(lambda: lab_return_devices(lab, ACCOUNT, made), want, CONVERGE_S, what, step=0.5)
    plan = lab.plan(ACCOUNT)
    for region, devices in want.items():
        (device,) = devices
        hop = f"AWS device {device} (backbone to {made.vgws[region]})"
        vpc = plan.vpcs[(ACCOUNT, made.vpcs[region])]
        site = plan.sites[(ACCOUNT, "dc1")]
        wait_for(
            lambda r=region, h=hop: h in traced_devices(lab, made, r),  # type: ignore[misc]
            CONVERGE_S,
            f"{what}: a traceroute from {made.vpcs[region]} through {hop}",
            step=0.5,
        )
        wait_for(
            lambda v=vpc, s=site: probes.ping(lab.host, v.ns, v.address, s.address, 2, 0.2)[1] > 0,  # type: ignore[misc]
            CONVERGE_S,
            f"{what}: {made.vpcs[region]} reaches dc1",
            step=0.5,
        )


def test_each_vpc_leaves_through_its_own_regions_location(
    lab_server: LabServer, built: tuple[TwoRegions, dict[str, str]]
) -> None:
    made, devices = built
    own = {region: {devices[region]} for region in (EAST, WEST)}
    assert_back(lab_server, made, own, "healthy")
    # The traceroute names the way: the VPC router, its Region's device, its router, dc1
    # (polled: ICMP errors are rate-limited, so a hop may stay silent once).
    want = [
        f"{made.vgws[EAST]} ({made.vpcs[EAST]} router)",
        f"AWS device {devices[EAST]} (backbone to {made.vgws[EAST]})",
        "customer router r-east (dc1)",
        "data center dc1",
    ]
    wait_equal(
        lambda: traced_devices(lab_server, made, EAST),
        want,
        CONVERGE_S,
        "a traceroute from the us-east-1 instance",
        step=0.5,
    )


@pytest.mark.parametrize("kind", ["location", "region"])
@pytest.mark.parametrize("region", [EAST, WEST])
def test_a_regions_location_fails_over_to_the_other_region_and_back(
    lab_server: LabServer, built: tuple[TwoRegions, dict[str, str]], region: str, kind: str
) -> None:
    """The Region's location fails (an injected failure of that location, or of every
    location of the Region: `dxlab fail region`)."""
    made, devices = built
    other = WEST if region == EAST else EAST
    target = LOCATIONS[region] if kind == "location" else region
    failure = ext(
        lab_server.server.endpoint,
        "POST",
        "/failures",
        {"kind": kind, "id": target, "minutes": 5},
        account=ACCOUNT,
        region=region,
    )["failureId"]
    try:
        everyone_other = {EAST: {devices[other]}, WEST: {devices[other]}}
        assert_back(lab_server, made, everyone_other, f"{kind} {target} failed")
    finally:
        ext(
            lab_server.server.endpoint,
            "DELETE",
            f"/failures/{failure}",
            account=ACCOUNT,
            region=region,
        )
    own = {EAST: {devices[EAST]}, WEST: {devices[WEST]}}
    assert_back(lab_server, made, own, f"{kind} {target} restored")


def test_verify_reaches_both_regions_instances(
    lab_server: LabServer, built: tuple[TwoRegions, dict[str, str]]
) -> None:
    made, _ = built
    result: dict[str, Any] = ext(
        lab_server.server.endpoint, "GET", "/verify", {"count": 2}, account=ACCOUNT
    )
    assert result["dataPlane"] == "lab" and result["reachable"] is True, result
    assert {p["vpc"] for p in result["pairs"]} == set(made.vpcs.values())


def accepted(lab: LabServer, made: TwoRegions, region: str) -> list[Any]:
    """(AS_PATH, communities) of each route the Region's VIF accepted (ListVirtualInterfaceRoutes)."""
    dx = lab.server.client(ACCOUNT, region=region)
    routes = dx.list_virtual_interface_routes(virtualInterfaceId=made.vifs[region])["routes"]
    return [
        (r["asPath"][0]["path"], sorted(r["communities"]))
        for r in routes
        if r["routeDirection"] == "accepted"
    ]


def test_communities_override_the_region_and_prepending_does_not(
    lab_server: LabServer, built: tuple[TwoRegions, dict[str, str]]
) -> None:
    """routing-and-bgp.md on real routes: the us-east-1 route prepended three times still
    carries the us-east-1 VPC's traffic (AS_PATH comes after the Region's preference);
    7224:7300 on the us-west-2 route carries both VPCs' (a community overrides it)."""
    made, devices = built
    endpoint = lab_server.server.endpoint
    prefix = "{prefix: 10.1.0.0/16}"
    split = made.topology.index("r-west")
    changes = {
        "r-east prepends 3": (
            made.topology.replace(prefix, "{prefix: 10.1.0.0/16, prepend: 3}", 1),
            (EAST, [65000] * 4, []),
            {EAST: {devices[EAST]}, WEST: {devices[WEST]}},
        ),
        "r-west tags 7224:7300": (
            made.topology[:split]
            + made.topology[split:].replace(
                prefix, '{prefix: 10.1.0.0/16, communities: ["7224:7300"]}'
            ),
            (WEST, [65000], ["7224:7300"]),
            {EAST: {devices[WEST]}, WEST: {devices[WEST]}},
        ),
    }
    try:
        for what, (text, (region, path, communities), want) in changes.items():
            assert text != made.topology
            ext(endpoint, "PUT", "/topology", {"yaml": text}, account=ACCOUNT)
            # The route AWS accepted over that Region's VIF, as BIRD holds it: the change is in.
            wait_equal(
                lambda r=region: accepted(lab_server, made, r),  # type: ignore[misc]
                [(path, communities)],
                CONVERGE_S,
                f"{what}: the route accepted over the {region} VIF",
                step=0.5,
            )
            assert_back(lab_server, made, want, what)
    finally:
        ext(endpoint, "PUT", "/topology", {"yaml": made.topology}, account=ACCOUNT)
    assert_back(lab_server, made, {EAST: {devices[EAST]}, WEST: {devices[WEST]}}, "as before")
