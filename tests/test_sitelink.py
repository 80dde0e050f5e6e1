"""SiteLink (WorkingWithVirtualInterfaces.md): with SiteLink enabled on VIFs of one Direct
Connect gateway, data centers reach each other over the AWS network, and not when it is
off; the analyzer counts that path beside the customer's WAN."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dxlab.cli.client import ExtensionError, ext
from dxlab.domain.topology import Advertisement
from dxlab.routing.bgp import DEFAULT_LOCAL_PREF, OTHER_REGION_LOCAL_PREF, Route, local_preference
from dxlab.routing.network import Failure, Network
from dxlab.routing.paths import NO_SITE_PATH, Paths, all_states
from dxlab.routing.sitelink import sitelink_address
from dxlab.routing.sites import verify_sites
from dxlab.toolkit.analyzer import analyze
from tests.conftest import ServerProcess
from tests.networks import DXGW, HIGH, build
from tests.scenario import maximum

OWN = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}


def two_sites(sitelink: bool, wan: bool) -> Network:
    net = build(HIGH, adverts=OWN, wan=wan)
    vifs = {k: replace(v, sitelink=sitelink) for k, v in net.vifs.items()}
    return replace(net, vifs=vifs)


def site_pair(net: Network, failed: list[Failure] | None = None) -> Any:
    return Paths(net, all_states(net, failed or [])).site_pair("dc1", "dc2")


def test_sitelink_joins_two_data_centers_without_a_wan_and_not_when_off() -> None:
    assert site_pair(two_sites(sitelink=True, wan=False)).reachable
    assert not site_pair(two_sites(sitelink=False, wan=False)).reachable
    # A failed connection at one end takes that end's SiteLink away.
    assert not site_pair(
        two_sites(sitelink=True, wan=False), [Failure("connection", HIGH[0][0])]
    ).reachable


def test_the_analyzer_counts_sitelink_beside_the_wan() -> None:
    with_sitelink = analyze(two_sites(sitelink=True, wan=True))
    spofs = {(s["kind"], s["id"]) for s in with_sitelink.single_points_of_failure}
    # A data center that loses its own WAN link keeps reaching the other over SiteLink.
    assert ("wan", "dc1") not in spofs and ("wan", "dc2") not in spofs
    assert with_sitelink.baseline_sites == [
        {"sites": ["dc1", "dc2"], "wan": True, "sitelink": ["dxvif-00000001", "dxvif-00000002"]}
    ]
    # SiteLink alone: each end's connection is a single point of failure of that pair.
    alone = analyze(two_sites(sitelink=True, wan=False))
    lost = {(s["kind"], s["id"]): s["lost"] for s in alone.single_points_of_failure}
    assert "dc1 <-> dc2" in lost[("connection", HIGH[0][0])]
    # Without SiteLink there is no data center pair to judge.
    assert analyze(two_sites(sitelink=False, wan=True)).baseline_sites == []


def test_sitelink_prefers_the_shorter_path_whatever_the_region() -> None:
    net = build(HIGH)
    vif = replace(next(iter(net.vifs.values())), location_region="us-west-2")
    route = Route("10.1.0.0/16", "ipv4", (65000,), ())
    assert local_preference(route, vif, "us-east-1") == OTHER_REGION_LOCAL_PREF
    assert local_preference(route, replace(vif, sitelink=True), "us-east-1") == DEFAULT_LOCAL_PREF


def test_enabling_sitelink_through_the_api_joins_the_data_centers_now(
    server: ServerProcess, dx: Any, account: str
) -> None:
    import yaml

    lab = maximum(server, dx, account, model="high")
    data = yaml.safe_load(lab.topology)
    # One router per data center, each advertising its own prefix; no WAN between them.
    data["sites"] = {
        site: {
            "routers": {f"{site}-r1": {"connections": [conn], "advertise": [{"prefix": prefix}]}}
        }
        for site, conn, prefix in (
            ("dc1", lab.connections[0], "10.1.0.0/16"),
            ("dc2", lab.connections[1], "10.2.0.0/16"),
        )
    }
    data["wan"] = False
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml.safe_dump(data)}, account=account)

    def pair() -> dict[str, Any] | None:
        now = ext(server.endpoint, "GET", "/analyze", account=account)["now"]["pairs"]
        return next((p for p in now if p["kind"] == "site"), None)

    assert pair() is None  # no SiteLink asked for: no data center pair to show
    dx.update_virtual_interface_attributes(virtualInterfaceId=lab.vifs[0], enableSiteLink=True)
    assert pair() == {
        "site": "dc1",
        "to": "dc2",
        "kind": "site",
        "reachable": False,
        "forward": [],
        "back": [],
        "reason": "no WAN, and no SiteLink session is up at both data centers",
    }
    dx.update_virtual_interface_attributes(virtualInterfaceId=lab.vifs[1], enableSiteLink=True)
    joined = pair()
    assert (
        joined is not None
        and joined["reachable"] is True
        and joined["forward"] == sorted(lab.vifs[:2])
    )


def test_the_diagram_draws_sitelink() -> None:
    from dxlab.toolkit.diagram import render_svg

    assert 'class="sitelink"' in render_svg(two_sites(sitelink=True, wan=False))
    assert 'class="sitelink"' not in render_svg(two_sites(sitelink=False, wan=False))


def test_aws_advertises_each_data_centers_prefix_to_the_other_sitelink_vif() -> None:
    """What one SiteLink VIF's customer advertised, AWS advertises over the other SiteLink
    VIFs of the gateway (AWS's ASN prepended), and not back to the data center it came from."""
    states = all_states(two_sites(sitelink=True, wan=False))
    advertised = {
        vif: {(r.cidr, r.as_path) for r in s.advertised} for (vif, _), s in states.items()
    }
    assert advertised == {
        "dxvif-00000001": {("10.100.0.0/16", (64512,)), ("10.2.0.0/16", (64512, 65000))},
        "dxvif-00000002": {("10.100.0.0/16", (64512,)), ("10.1.0.0/16", (64512, 65000))},
    }
    off = all_states(two_sites(sitelink=False, wan=False))
    assert {r.cidr for s in off.values() for r in s.advertised} == {"10.100.0.0/16"}
    # A failed connection: the other end hears nothing more over SiteLink.
    cut = all_states(two_sites(sitelink=True, wan=False), [Failure("connection", HIGH[0][0])])
    assert {r.cidr for r in cut[("dxvif-00000002", "ipv4")].advertised} == {"10.100.0.0/16"}


def test_verify_between_data_centers_over_sitelink() -> None:
    net = two_sites(sitelink=True, wan=False)
    v = verify_sites(net, Paths(net, all_states(net)), "dc1", "dc2", 3)
    assert (v.reachable, v.received, v.source, v.destination) == (True, 3, "10.1.0.1", "10.2.0.1")
    assert [h.resource.split(",")[0] for h in v.hops] == [
        "customer router r1 (dc1)",
        f"dxvif-00000001 (VLAN 101) on {HIGH[0][0]}",
        f"{DXGW} (SiteLink over the AWS network)",
        f"dxvif-00000002 (VLAN 102) on {HIGH[1][0]}",
        "customer router r2 (dc2)",
        "data center dc2",
    ]
    assert v.hops[2].address == sitelink_address(DXGW)
    off = two_sites(sitelink=False, wan=False)
    v = verify_sites(off, Paths(off, all_states(off)), "dc1", "dc2")
    assert (v.reachable, v.received, v.hops, v.reason) == (False, 0, (), NO_SITE_PATH)
    # Over the customer's own WAN the other data center answers directly.
    wan = two_sites(sitelink=False, wan=True)
    v = verify_sites(wan, Paths(wan, all_states(wan)), "dc1", "dc2")
    assert v.reachable and [h.resource for h in v.hops] == ["data center dc2"]


def test_verify_to_another_data_center_through_the_api(
    server: ServerProcess, dx: Any, account: str
) -> None:
    """`GET /verify?to=dc2` (dxlab verify --to dc2) on the sim; an unknown data center is refused."""
    import yaml

    lab = maximum(server, dx, account, model="high")
    data = yaml.safe_load(lab.topology)
    data["sites"] = {
        site: {"routers": {f"{site}-r1": {"connections": [c], "advertise": [{"prefix": p}]}}}
        for site, c, p in (
            ("dc1", lab.connections[0], "10.1.0.0/16"),
            ("dc2", lab.connections[1], "10.2.0.0/16"),
        )
    }
    data["wan"] = False
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml.safe_dump(data)}, account=account)
    for vif in lab.vifs:
        dx.update_virtual_interface_attributes(virtualInterfaceId=vif, enableSiteLink=True)
    got = ext(server.endpoint, "GET", "/verify", {"to": "dc2", "count": 2}, account=account)
    assert [(p["site"], p["to"], p["reachable"]) for p in got["pairs"]] == [("dc1", "dc2", True)]
    assert got["dataPlane"] == "sim" and got["ping"] == {"sent": 2, "received": 2}
    with pytest.raises(ExtensionError) as refused:
        ext(server.endpoint, "GET", "/verify", {"to": "dc9"}, account=account)
    assert refused.value.status == 400 and "Unknown data center: dc9" in str(refused.value)


def test_a_data_center_that_announces_the_others_prefix_takes_no_route_to_it_over_sitelink() -> (
    None
):
    """Every router advertising both data centers' prefixes (the other's as a backup, as
    with a WAN): over SiteLink each data center hears the other's prefix, but its own
    announcement of it wins, so without a WAN they do not reach each other; the lab's
    data center cores do the same (lab/bird.site_core)."""
    net = build(HIGH, wan=False)  # every router advertises 10.1.0.0/16 and 10.2.0.0/16
    net = replace(net, vifs={k: replace(v, sitelink=True) for k, v in net.vifs.items()})
    pair = site_pair(net)
    assert not pair.reachable and pair.sitelink_up and pair.sitelink == ()
    assert "announce the other's prefix" in pair.reason
    assert analyze(net).baseline_sites == []  # no path between them to count
