"""The sim and the lab give the same answers to a user (DESIGN: "the same snapshot read
through either plane gives the same answers"). One lab server runs BIRD and FRR; for each
model and each single failure (connection, AWS device, location, customer router, data
center, a BGP session brought down by a failover test, a router over the prefix limit),
what its API answers — DescribeVirtualInterfaces states and bgpStatus,
ListVirtualInterfaceRoutes, verify, the analysis's "now" — equals what the same handlers
answer on the same database read through the routing model (SimPlane)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import yaml

from dxlab.cli.client import ext
from dxlab.service.context import Context
from dxlab.service.customer.verify import verify_route
from dxlab.service.resiliency.analysis import analysis
from dxlab.service.snapshot import network_snapshot
from dxlab.service.virtual_interfaces.routes import list_virtual_interface_routes
from dxlab.service.virtual_interfaces.state import views
from dxlab.store import open_store
from tests.lab_support import LabServer, running_lab, wait_equal
from tests.regions_support import (
    EAST,
    LOCATIONS,
    WEST,
    lab_return_devices,
    sim_return_devices,
    two_regions,
)
from tests.scenario import Scenario, maximum

MODELS = {
    "maximum": ("410987654321", ("EqDC2", "CSVA1")),
    "high": ("420987654321", ("EqDC2", "CSVA1")),
    "dev-test": ("430987654321", ("EqDC2",)),
}
TOO_MANY = [{"prefix": f"10.50.{i}.0/24"} for i in range(101)]  # limits.md: 100 per session
CONVERGE_S = 20.0


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


def route_set(routes: list[dict[str, Any]]) -> frozenset[tuple[Any, ...]]:
    return frozenset(
        (
            r["routeDirection"],
            r["cidr"],
            tuple(r["asPath"][0]["path"]),
            tuple(sorted(r["communities"])),
        )
        for r in routes
    )


def answers_of(
    describe: list[dict[str, Any]],
    routes: dict[str, Any],
    verify: dict[str, Any],
    now: dict[str, Any],
) -> dict[str, Any]:
    return {
        "describe": {
            v["virtualInterfaceId"]: (
                v["virtualInterfaceState"],
                tuple(p["bgpStatus"] for p in v["bgpPeers"]),
            )
            for v in describe
        },
        "routes": {vif: route_set(r) for vif, r in routes.items()},
        "verify": {
            (p["site"], p["vpc"]): (p["reachable"], p["ping"]["received"] > 0)
            for p in verify["pairs"]
        },
        "now": {(p["site"], p["to"]): p["reachable"] for p in now["pairs"]},
    }


def lab_answers(lab: LabServer, dx: Any, account: str) -> dict[str, Any]:
    """What a user of the lab server is told, over the wire (`dx`: a client, or one per
    Region when the account's VIFs are in several: each Region's endpoint lists its own)."""
    vifs, routes = [], {}
    for client in dx if isinstance(dx, list) else [dx]:
        mine = client.describe_virtual_interfaces()["virtualInterfaces"]
        vifs += mine
        routes.update(
            {
                v["virtualInterfaceId"]: client.list_virtual_interface_routes(
                    virtualInterfaceId=v["virtualInterfaceId"]
                )["routes"]
                for v in mine
            }
        )
    verify = ext(lab.server.endpoint, "GET", "/verify", {"count": 2}, account=account)
    now = ext(lab.server.endpoint, "GET", "/analyze", account=account)["now"]
    return answers_of(vifs, routes, verify, now)


def sim_answers(lab: LabServer, account: str) -> dict[str, Any]:
    """The same handlers on the same database, read through the routing model."""
    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            ctx = Context(account=account)  # the default plane: SimPlane
            snap = network_snapshot(uow, ctx)
            records = [
                r
                for r in uow.list("virtual_interface", account=account)
                if r.id in snap.network.vifs
            ]
            vifs = views(uow, ctx, records)
            # Each VIF asked in its own Region, as the lab side asks it through that Region's
            # client (a VIF is seen only from its connection's Region).
            routes = {
                r.id: list_virtual_interface_routes(
                    uow,
                    replace(ctx, request_region=r.doc.get("region", "")),
                    {"virtualInterfaceId": r.id},
                )["routes"]
                for r in records
            }
            verify = verify_route(uow, ctx, {"count": 2})
            now = analysis(uow, ctx)["now"]
    finally:
        store.close()
    return answers_of(vifs, routes, verify, now)


def assert_parity(
    lab: LabServer, dx: Any, account: str, what: str, seconds: float = CONVERGE_S
) -> None:
    """The lab's answers equal the sim's within `seconds` (bounded; the diff shown if not)."""
    import time

    deadline = time.monotonic() + seconds
    want = sim_answers(lab, account)
    got = lab_answers(lab, dx, account)
    while got != want and time.monotonic() < deadline:
        time.sleep(0.5)
        want, got = sim_answers(lab, account), lab_answers(lab, dx, account)
    diff = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not diff, f"{what}: the lab and the sim disagree (lab, sim): {diff}"


def single_failures(scenario: Scenario, lab: LabServer, account: str) -> list[tuple[str, str]]:
    net = lab.network(account)
    targets = [("connection", c) for c in scenario.connections]
    targets += [("device", d) for d in sorted({link.device for link in net.links.values()})]
    targets += [("location", loc) for loc in sorted({link.location for link in net.links.values()})]
    targets += [("router", r.name) for r in net.topology.routers]
    targets += [("site", site) for site in net.topology.sites]
    return targets


@pytest.mark.parametrize("model", list(MODELS))
def test_the_lab_and_the_sim_answer_alike_through_every_single_failure(
    lab_server: LabServer, model: str
) -> None:
    account, locations = MODELS[model]
    dx = lab_server.server.client(account)
    scenario = maximum(lab_server.server, dx, account, model=model, locations=locations)
    assert_parity(lab_server, dx, account, f"{model}: healthy")
    for kind, target in single_failures(scenario, lab_server, account):
        done = ext(
            lab_server.server.endpoint,
            "POST",
            "/failures",
            {"kind": kind, "id": target, "minutes": 5},
            account=account,
        )
        try:
            assert_parity(lab_server, dx, account, f"{model}: {kind} {target} failed")
        finally:
            ext(
                lab_server.server.endpoint,
                "DELETE",
                f"/failures/{done['failureId']}",
                account=account,
            )
        assert_parity(lab_server, dx, account, f"{model}: {kind} {target} restored")
    for vif in scenario.vifs:  # a BGP session down: the failover test
        dx.start_bgp_failover_test(virtualInterfaceId=vif, testDurationInMinutes=5)
        try:
            assert_parity(lab_server, dx, account, f"{model}: failover test on {vif}")
        finally:
            dx.stop_bgp_failover_test(virtualInterfaceId=vif)
        assert_parity(lab_server, dx, account, f"{model}: failover test on {vif} stopped")
    data = yaml.safe_load(scenario.topology)
    site, routers = next(iter(data["sites"].items()))
    router = next(iter(routers["routers"]))
    data["sites"][site]["routers"][router]["advertise"] = TOO_MANY
    ext(
        lab_server.server.endpoint,
        "PUT",
        "/topology",
        {"yaml": yaml.safe_dump(data)},
        account=account,
    )
    try:
        assert_parity(lab_server, dx, account, f"{model}: {router} over the prefix limit")
    finally:
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": scenario.topology},
            account=account,
        )
    assert_parity(lab_server, dx, account, f"{model}: healthy again")


def test_two_regions_behind_one_dx_gateway_answer_alike(lab_server: LabServer) -> None:
    """A connection at a us-east-1 and one at a us-west-2 location behind one Direct Connect
    gateway, an EC2 VPC with its VGW in each Region (tests/regions_support.py). Beside the
    answers above, the choice routing-and-bgp.md's same-Region preference makes: the AWS
    devices each VPC's traffic toward the data center leaves through (each VGW's kernel
    route in the lab, Paths.back in the sim), through every single failure."""
    account = "440987654321"
    made = two_regions(lab_server.server, account)
    endpoint = lab_server.server.endpoint
    dx = {r: lab_server.server.client(account, region=r) for r in (EAST, WEST)}
    clients = list(dx.values())

    def alike(what: str) -> None:
        assert_parity(lab_server, clients, account, what)
        want = sim_return_devices(lab_server, account, made)
        wait_equal(
            lambda: lab_return_devices(lab_server, account, made),
            want,
            CONVERGE_S,
            f"two Regions, {what}: each VPC's way back (lab, sim)",
            step=0.5,
        )

    alike("healthy")
    net = lab_server.network(account)
    failures = [("location", LOCATIONS[r], r) for r in (EAST, WEST)]
    failures += [("connection", made.connections[r], r) for r in (EAST, WEST)]
    failures += [("device", net.vifs[made.vifs[r]].device, r) for r in (EAST, WEST)]
    failures += [("router", "r-east", EAST), ("router", "r-west", EAST), ("site", "dc1", EAST)]
    for kind, target, region in failures:
        done = ext(
            endpoint,
            "POST",
            "/failures",
            {"kind": kind, "id": target, "minutes": 5},
            account=account,
            region=region,  # a location is its Region's
        )
        try:
            alike(f"{kind} {target} failed")
        finally:
            ext(
                endpoint,
                "DELETE",
                f"/failures/{done['failureId']}",
                account=account,
                region=region,
            )
        alike(f"{kind} {target} restored")
    for region, vif in made.vifs.items():  # a Region's BGP session down: the failover test
        dx[region].start_bgp_failover_test(virtualInterfaceId=vif, testDurationInMinutes=5)
        try:
            alike(f"failover test on {vif} ({region})")
        finally:
            dx[region].stop_bgp_failover_test(virtualInterfaceId=vif)
        alike(f"failover test on {vif} ({region}) stopped")
