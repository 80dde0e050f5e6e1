"""SiteLink on real packets (WorkingWithVirtualInterfaces.md, "SiteLink"): two data
centers with NO WAN between them, one router and one private VIF each, to one Direct
Connect gateway. With SiteLink on both VIFs, `dxlab verify --to dc2` pings and traces from
dc1 to dc2 across the AWS devices and the gateway's SiteLink path; with it off, nothing
gets through; enabling and disabling it through UpdateVirtualInterfaceAttributes changes
it live, and a failed connection at one end takes the path away. At every step the lab
server's answers equal the routing model's on the same database (test_lab_parity.py's
oracle, and the data center to data center verify beside it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from dxlab.cli.client import ext
from dxlab.routing.paths import NO_SITE_PATH
from dxlab.service.context import Context
from dxlab.service.customer.verify import verify_route
from dxlab.store import open_store
from tests.lab_support import LabServer, running_lab, wait_for
from tests.scenario import Scenario, maximum
from tests.test_lab_parity import assert_parity

ACCOUNT = "350987654321"
# A loaded machine: generous, and bounded.
CONVERGE_S = 45.0  # one answer (verify reachable or not) after a change
PARITY_S = 80.0  # every answer of the oracle after a change (test_lab_parity.assert_parity)
SITES = (("dc1", "10.1.0.0/16"), ("dc2", "10.2.0.0/16"))


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> tuple[Scenario, Any]:
    dx = lab_server.server.client(ACCOUNT)
    scenario = maximum(lab_server.server, dx, ACCOUNT, model="high")
    data = yaml.safe_load(scenario.topology)
    # One router per data center, each advertising its own prefix; no WAN between them.
    data["sites"] = {
        site: {"routers": {f"{site}-r1": {"connections": [conn], "advertise": [{"prefix": p}]}}}
        for (site, p), conn in zip(SITES, scenario.connections, strict=True)
    }
    data["wan"] = False
    ext(
        lab_server.server.endpoint,
        "PUT",
        "/topology",
        {"yaml": yaml.safe_dump(data)},
        account=ACCOUNT,
    )
    assert_parity(lab_server, dx, ACCOUNT, "two data centers, no WAN, SiteLink off", PARITY_S)
    return scenario, dx


def lab_verify(lab: LabServer) -> dict[str, Any]:
    return ext(
        lab.server.endpoint, "GET", "/verify", {"site": "dc1", "to": "dc2", "count": 2}, ACCOUNT
    )


def sim_verify(lab: LabServer) -> dict[str, Any]:
    """The same route on the same database, read through the routing model (SimPlane)."""
    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            return verify_route(uow, Context(account=ACCOUNT), {"site": "dc1", "to": "dc2"})
    finally:
        store.close()


def site_parity(lab: LabServer, dx: Any, reachable: bool, what: str) -> dict[str, Any]:
    """Wait (bounded) until the lab's dc1 -> dc2 verify says `reachable`; the sim must say
    the same, and so must every other answer of test_lab_parity's oracle."""

    def settled(v: dict[str, Any]) -> bool:
        # Reachable: also every hop of the trace answered (a router's ICMP rate limit or a
        # late answer on a loaded machine leaves a hop "no answer" for one round).
        hops = v.get("hops") or []
        return v["reachable"] is reachable and (
            not reachable or all("no answer" not in h["resource"] for h in hops)
        )

    got = wait_for(
        lambda: settled(v := lab_verify(lab)) and v,
        CONVERGE_S,
        f"{what}: dc1 -> dc2 reachable={reachable} in the lab",
        step=0.5,
    )
    sim = sim_verify(lab)
    assert sim["reachable"] is reachable, f"{what}: the sim says {sim}"
    assert got["dataPlane"] == "lab" and sim["dataPlane"] == "sim"
    assert_parity(lab, dx, ACCOUNT, what, PARITY_S)
    return got


def test_sitelink_joins_the_data_centers_over_the_aws_network_and_only_when_on(
    lab_server: LabServer, built: tuple[Scenario, Any]
) -> None:
    scenario, dx = built
    endpoint = lab_server.server.endpoint
    off = site_parity(lab_server, dx, False, "SiteLink off")
    assert off["ping"]["received"] == 0
    # The lab shows the symptom; the model says why.
    assert off["reason"].startswith(NO_SITE_PATH), off["reason"]
    assert sim_verify(lab_server)["reason"] == NO_SITE_PATH

    for vif in scenario.vifs:
        dx.update_virtual_interface_attributes(virtualInterfaceId=vif, enableSiteLink=True)
    on = site_parity(lab_server, dx, True, "SiteLink on both VIFs")
    # Just converged: a first echo may still be lost, as on any network; the path is there.
    assert on["ping"]["received"] > 0 and on["reason"] == ""
    resources = [h["resource"] for h in on["hops"]]
    # The trace leaves on dc1's VIF, crosses the AWS network and comes in on dc2's VIF.
    assert resources[0] == "customer router dc1-r1 (dc1)", on["hops"]
    assert resources[1].startswith(f"{scenario.vifs[0]} (VLAN 101)"), on["hops"]
    assert "AWS device" in resources[1], on["hops"]
    assert resources[2] == "Direct Connect gateway dxgw (SiteLink over the AWS network)"
    assert resources[3].startswith(f"{scenario.vifs[1]} (VLAN 102)"), on["hops"]
    assert "AWS device" in resources[3], on["hops"]
    assert resources[4:] == ["customer router dc2-r1 (dc2)", "data center dc2"], on["hops"]
    # Hop for hop what the sim traces (the first router answers from its LAN address in
    # the lab, from the VIF's in the sim).
    sim = sim_verify(lab_server)
    assert [h["resource"] for h in sim["hops"]] == resources
    assert [h["address"] for h in sim["hops"]][1:] == [h["address"] for h in on["hops"]][1:]
    # AWS re-advertises each data center's prefix to the other one's VIF (and no more).
    advertised = {
        r["cidr"]
        for r in dx.list_virtual_interface_routes(virtualInterfaceId=scenario.vifs[0])["routes"]
        if r["routeDirection"] == "advertised"
    }
    assert "10.2.0.0/16" in advertised and "10.1.0.0/16" not in advertised, advertised

    # Off at one end, live: the path is gone.
    dx.update_virtual_interface_attributes(
        virtualInterfaceId=scenario.vifs[1], enableSiteLink=False
    )
    site_parity(lab_server, dx, False, "SiteLink off on dc2's VIF")
    dx.update_virtual_interface_attributes(virtualInterfaceId=scenario.vifs[1], enableSiteLink=True)
    site_parity(lab_server, dx, True, "SiteLink on again")

    # A failed connection at one end takes that path away, and its repair brings it back.
    failure = ext(
        endpoint,
        "POST",
        "/failures",
        {"kind": "connection", "id": scenario.connections[0], "minutes": 5},
        account=ACCOUNT,
    )
    try:
        site_parity(lab_server, dx, False, f"connection {scenario.connections[0]} failed")
    finally:
        ext(endpoint, "DELETE", f"/failures/{failure['failureId']}", account=ACCOUNT)
    site_parity(lab_server, dx, True, f"connection {scenario.connections[0]} restored")


def test_a_data_center_announcing_the_others_prefix_is_not_joined_by_sitelink(
    lab_server: LabServer,
) -> None:
    """The walk-through's topology, where each router also advertises the other data
    center's prefix as a backup (7224:7100), with SiteLink on and no WAN: each router's
    own announcement of the other's prefix wins over what SiteLink brings, in the lab as
    the sim says, and the model says why."""
    account = "350987654322"
    dx = lab_server.server.client(account)
    scenario = maximum(lab_server.server, dx, account, model="high")
    data = yaml.safe_load(scenario.topology)
    backup = ["7224:7100"]
    data["sites"] = {
        site: {
            "routers": {
                f"{site}-r1": {
                    "connections": [conn],
                    "advertise": [{"prefix": own}, {"prefix": other, "communities": backup}],
                }
            }
        }
        for site, conn, own, other in (
            ("dc1", scenario.connections[0], "10.1.0.0/16", "10.2.0.0/16"),
            ("dc2", scenario.connections[1], "10.2.0.0/16", "10.1.0.0/16"),
        )
    }
    data["wan"] = False
    ext(
        lab_server.server.endpoint,
        "PUT",
        "/topology",
        {"yaml": yaml.safe_dump(data)},
        account=account,
    )
    for vif in scenario.vifs:
        dx.update_virtual_interface_attributes(virtualInterfaceId=vif, enableSiteLink=True)
    assert_parity(lab_server, dx, account, "backup announcements, SiteLink on, no WAN", PARITY_S)
    got = ext(
        lab_server.server.endpoint,
        "GET",
        "/verify",
        {"site": "dc1", "to": "dc2", "count": 2},
        account,
    )
    assert got["reachable"] is False and got["dataPlane"] == "lab"
    assert "announce the other's prefix" in got["reason"], got["reason"]
