"""Step 5 on real packets, and the lab held against the sim (the correctness oracle).

`dxlab verify --json` pings and traceroutes from each data center's namespace to the VPC
instance: every hop is named by its dxlab resource, and a security group without inbound
ICMP is a clear failure. Then, for the maximum resiliency model, the baseline and every
single BGP session failure: the sessions up, the routes each accepted and advertised,
where AWS sends the return traffic, where each data center sends its own, and whether each
data center reaches the VPC are the same in BIRD, FRR, the kernel and ping as in the sim."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.lab import probes
from dxlab.lab.model import Lab
from dxlab.lab.state import protocols, routes
from dxlab.routing.network import Failure, Network
from dxlab.routing.paths import Paths, all_states
from tests.lab_support import LabServer, running_lab, wait_equal, wait_for
from tests.scenario import Scenario, maximum

ACCOUNT = "310987654321"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> tuple[Scenario, Any, Lab, Network]:
    dx = lab_server.server.client(ACCOUNT)
    scenario = maximum(lab_server.server, dx, ACCOUNT)
    plan, net = lab_server.plan(ACCOUNT), lab_server.network(ACCOUNT)
    compare(lab_server, plan, net, [])  # Established is not converged: wait for the routes too
    return scenario, dx, plan, net


def cli_verify(lab: LabServer) -> tuple[int, dict[str, Any]]:
    env = {**lab.env(), "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "dxlab-test-secret"}
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "verify",
            "--json",
            "--count",
            "3",
            "--endpoint",
            lab.server.endpoint,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return done.returncode, json.loads(done.stdout)


def test_verify_pings_and_traces_the_instance(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab, Network]
) -> None:
    scenario, dx, plan, net = built
    code, result = cli_verify(lab_server)
    assert code == 0, result
    assert result["reachable"] is True and result["dataPlane"] == "lab"
    assert {(p["site"], p["vpc"]) for p in result["pairs"]} == {("dc1", "prod"), ("dc2", "prod")}
    for pair in result["pairs"]:
        assert pair["ping"] == {"sent": 3, "received": 3}, pair
        assert pair["reason"] == ""
        hops = pair["hops"]
        # The customer router of that data center, a VIF and AWS device, the VPC router, the instance.
        assert (
            hops[0]["resource"].startswith("customer router ")
            and f"({pair['site']})" in hops[0]["resource"]
        )
        assert any(
            h["resource"].startswith("dxvif-") and "AWS device" in h["resource"] for h in hops
        ), hops
        assert hops[-2] == {"address": "10.100.0.1", "resource": f"{scenario.vgw} (prod router)"}
        assert hops[-1] == {"address": "10.100.1.10", "resource": "instance 10.100.1.10 in prod"}
        # A data center's traffic leaves by its own routers (the sim says so too).
        vif_hop = next(h for h in hops if h["resource"].startswith("dxvif-"))
        vif_id = vif_hop["resource"].split()[0]
        assert (
            net.topology.router(net.router_of_link[net.vifs[vif_id].connection_id]).site
            == pair["site"]
        )


def test_verify_fails_clearly_when_the_security_group_blocks_icmp(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab, Network]
) -> None:
    scenario, dx, plan, net = built
    blocked = scenario.topology.replace("icmp: true", "icmp: false")
    assert blocked != scenario.topology
    ext(lab_server.server.endpoint, "PUT", "/topology", {"yaml": blocked}, account=ACCOUNT)
    try:
        vpc_ns = plan.vpcs[(ACCOUNT, "prod")].ns
        wait_for(
            lambda: (
                "policy drop" in lab_server.in_ns(vpc_ns, "nft", "list", "ruleset").stdout
                and "icmp" not in lab_server.in_ns(vpc_ns, "nft", "list", "ruleset").stdout
            ),
            10,
            "the instance's security group without ICMP",
        )
        code, result = cli_verify(lab_server)
        assert code == 1 and result["reachable"] is False
        for pair in result["pairs"]:
            assert pair["ping"] == {"sent": 3, "received": 0}
            assert pair["reason"] == "the security group of 10.100.1.10 does not allow inbound ICMP"
            # The path still reaches the VPC router; the instance does not answer.
            assert pair["hops"][-2]["address"] == "10.100.0.1"
            assert pair["hops"][-1] == {
                "address": "*",
                "resource": "instance 10.100.1.10 in prod: no answer",
            }
    finally:
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": scenario.topology},
            account=ACCOUNT,
        )
    wait_for(lambda: cli_verify(lab_server)[0] == 0, 15, "reachable again with ICMP allowed")


# -- the oracle -----------------------------------------------------------------------------
SessionKey = tuple[str, str]


def lab_sessions(lab: LabServer, plan: Lab) -> dict[SessionKey, bool]:
    out = {}
    for s in plan.sessions:
        p = protocols(lab.host, lab.state, s.device_ns).get(s.protocol)
        out[(s.vif_id, s.family)] = bool(p and p.established)
    return out


def lab_routes(lab: LabServer, plan: Lab, key: SessionKey) -> tuple[set[Any], set[str]]:
    s = plan.session(*key)
    accepted = {
        (r.cidr, r.as_path, tuple(sorted(r.communities)))
        for r in routes(lab.host, lab.state, s.device_ns, s.protocol)
    }
    advertised = {
        r.cidr for r in routes(lab.host, lab.state, s.device_ns, s.protocol, exported=True)
    }
    return accepted, advertised


def nexthop_resources(lab: LabServer, plan: Lab, ns: str, prefix: str) -> set[str]:
    out = lab.in_ns(ns, "ip", "-j", "route", "show", prefix).stdout
    found: set[str] = set()
    for r in json.loads(out or "[]"):
        for hop in r.get("nexthops", [r]):
            if "gateway" in hop:
                found.add(plan.resources.get(hop["gateway"], hop["gateway"]))
    return found


def compare(
    lab: LabServer, plan: Lab, net: Network, failed: list[Failure], account: str = ACCOUNT
) -> None:
    states = all_states(net, failed)
    want = {k: s.up for k, s in states.items()}
    wait_equal(
        lambda: lab_sessions(lab, plan), want, 10, f"sessions as the sim predicts with {failed}"
    )
    for key, state in states.items():
        if not state.up:
            continue
        accepted = {(r.cidr, r.as_path, tuple(sorted(r.communities))) for r in state.accepted}
        advertised = {r.cidr for r in state.advertised}
        wait_equal(
            lambda key=key: lab_routes(lab, plan, key),
            (accepted, advertised),
            5,  # type: ignore[misc]
            f"routes of {key} as the sim predicts with {failed}",
        )
    paths = Paths(net, states)
    gw_ns = next(n.name for n in plan.namespaces if n.role == "gw")
    for vpc in net.topology.vpcs:
        for site in net.topology.sites:
            pair = paths.pair(site, vpc)
            endpoint = plan.sites[(account, site)]
            site_prefix = next(
                a.prefix for r in net.topology.routers if r.site == site for a in r.advertise
            )
            # AWS's choice back toward the data center: the devices of the sim's sessions.
            back = {
                f"AWS device {net.vifs[k[0]].device} (backbone to {paths.gateway_of(vpc)})"
                for k in pair.back
            }
            wait_for(
                lambda p=site_prefix, b=back: nexthop_resources(lab, plan, gw_ns, p) == b,
                5,  # type: ignore[misc]
                f"return path to {site} over {back} with {failed}",
            )
            # The data center's choice toward AWS: its routers with a session that learned the VPC.
            routers = {net.router_of_link[net.vifs[k[0]].connection_id] for k in pair.forward}
            local = {
                f"customer router {r} ({site})"
                for r in routers
                if net.topology.router(r).site == site
            }
            if local:
                wait_for(
                    lambda n=endpoint.ns, c=vpc.cidr, w=local: (
                        nexthop_resources(lab, plan, n, c) == w
                    ),
                    5,  # type: ignore[misc]
                    f"{site} toward {vpc.name} over {local} with {failed}",
                )

            # And the packets: reachable exactly when the sim says so.
            def answered(e: Any = endpoint, v: Any = vpc) -> bool:
                return (
                    probes.ping(lab.host, e.ns, e.address, v.instance, count=3, interval=0.02)[1]
                    > 0
                )

            if pair.reachable:
                wait_for(answered, 5, f"{site} reaches {vpc.name} with {failed}")
            else:
                time.sleep(0.5)
                assert not answered(), (
                    f"{site} reaches {vpc.name} with {failed}, the sim says not: {pair.reason}"
                )


def test_the_lab_agrees_with_the_sim_for_every_single_session_failure(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab, Network]
) -> None:
    scenario, dx, plan, net = built
    compare(lab_server, plan, net, [])
    for s in plan.sessions:
        failure = Failure("session", f"{s.vif_id}:{s.family}")
        lab_server.birdc(
            s.device_ns, "disable", s.protocol
        )  # the AWS side of the session goes down
        try:
            compare(lab_server, plan, net, [failure])
        finally:
            lab_server.birdc(s.device_ns, "enable", s.protocol)
        wait_for(lambda: all(lab_sessions(lab_server, plan).values()), 10, f"{s.vif_id} back up")
    compare(lab_server, plan, net, [])


def inject(lab: LabServer, account: str, kind: str, target: str) -> str:
    done = ext(
        lab.server.endpoint,
        "POST",
        "/failures",
        {"kind": kind, "id": target, "minutes": 5},
        account=account,
    )
    return str(done["failureId"])


def restore(lab: LabServer, account: str, failure_id: str, plan: Lab) -> None:
    ext(lab.server.endpoint, "DELETE", f"/failures/{failure_id}", account=account)
    wait_for(
        lambda: all(lab_sessions(lab, plan).values()), 15, f"every session back after {failure_id}"
    )


def test_the_lab_agrees_with_the_sim_for_every_single_failure(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab, Network]
) -> None:
    """Every connection, AWS device, location, customer router and data center failure of
    the maximum model: the daemons and pings show what the sim predicts."""
    scenario, dx, plan, net = built
    targets = [("connection", c) for c in scenario.connections]
    targets += [("device", d) for d in sorted({link.device for link in net.links.values()})]
    targets += [("location", loc) for loc in sorted({link.location for link in net.links.values()})]
    targets += [("router", r.name) for r in net.topology.routers]
    targets += [("site", site) for site in net.topology.sites]
    for kind, target in targets:
        failure_id = inject(lab_server, ACCOUNT, kind, target)
        try:
            compare(lab_server, plan, net, [Failure(kind, target)])
        finally:
            restore(lab_server, ACCOUNT, failure_id, plan)
    compare(lab_server, plan, net, [])


SMALLER = {"high": ("320987654321", ("EqDC2", "CSVA1")), "dev-test": ("330987654321", ("EqDC2",))}


@pytest.mark.parametrize("model", list(SMALLER))
def test_the_high_and_dev_test_models_agree_with_the_sim(lab_server: LabServer, model: str) -> None:
    """high_resiliency.md and dev_test_resiliency.md: two connections (two locations, or
    two devices at one), one router each, both in one data center: the baseline and every
    single session, connection, device and location failure, as the sim predicts."""
    account, locations = SMALLER[model]
    dx = lab_server.server.client(account)
    scenario = maximum(lab_server.server, dx, account, model=model, locations=locations)  # type: ignore[arg-type]
    plan, net = lab_server.plan(account), lab_server.network(account)
    assert len(plan.sessions) == 2
    compare(lab_server, plan, net, [], account)
    for s in plan.sessions:
        lab_server.birdc(s.device_ns, "disable", s.protocol)
        try:
            compare(lab_server, plan, net, [Failure("session", f"{s.vif_id}:{s.family}")], account)
        finally:
            lab_server.birdc(s.device_ns, "enable", s.protocol)
        wait_for(lambda: all(lab_sessions(lab_server, plan).values()), 10, f"{s.vif_id} back up")
    targets = [("connection", c) for c in scenario.connections]
    targets += [("device", d) for d in sorted({link.device for link in net.links.values()})]
    targets += [("location", loc) for loc in sorted({link.location for link in net.links.values()})]
    for kind, target in targets:
        failure_id = inject(lab_server, account, kind, target)
        try:
            compare(lab_server, plan, net, [Failure(kind, target)], account)
        finally:
            restore(lab_server, account, failure_id, plan)


def test_as_path_prepending_and_communities_steer_aws_as_the_sim_says(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab, Network]
) -> None:
    """routing-and-bgp.md: with equal local preference AWS prefers the shorter AS_PATH; a
    7224:7300 community beats it. dc1-r1 prepends its own prefix twice: AWS returns dc1's
    traffic by dc1-r2 only; then dc1-r1 also asks for high preference (7224:7300): by dc1-r1."""
    import yaml

    scenario, dx, plan, _ = built

    def with_dc1_r1(advert: dict[str, Any]) -> str:
        data = yaml.safe_load(scenario.topology)
        data["sites"]["dc1"]["routers"]["dc1-r1"]["advertise"][0].update(advert)
        return yaml.safe_dump(data, sort_keys=False)

    try:
        for advert in ({"prepend": 2}, {"prepend": 2, "communities": ["7224:7300"]}):
            ext(
                lab_server.server.endpoint,
                "PUT",
                "/topology",
                {"yaml": with_dc1_r1(advert)},
                account=ACCOUNT,
            )
            net = lab_server.network(ACCOUNT)
            assert net.topology.router("dc1-r1").advertise[0].prepend == 2
            r1 = next(s for s in plan.sessions if s.router == "dc1-r1")
            marker = (
                "set community 7224:7300"
                if "communities" in advert
                else "set as-path prepend 65000 65000"
            )
            wait_for(
                lambda m=marker, ns=r1.router_ns: m in lab_server.vtysh(ns, "show running-config"),
                15,  # type: ignore[misc]
                "dc1-r1 running the new announcement",
            )
            wait_for(
                lambda: all(lab_sessions(lab_server, plan).values()),
                15,
                "sessions up after the change",
            )
            compare(lab_server, plan, net, [])
            back = Paths(net, all_states(net)).pair("dc1", net.topology.vpcs[0]).back
            expected = {"dc1-r2"} if "communities" not in advert else {"dc1-r1"}
            assert {net.router_of_link[net.vifs[k[0]].connection_id] for k in back} == expected
    finally:
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": scenario.topology},
            account=ACCOUNT,
        )
    r1 = next(s for s in plan.sessions if s.router == "dc1-r1")
    wait_for(
        lambda: "prepend" not in lab_server.vtysh(r1.router_ns, "show running-config"),
        15,
        "dc1-r1 as before",
    )
    wait_for(
        lambda: all(lab_sessions(lab_server, plan).values()), 15, "sessions up after the change"
    )
    compare(lab_server, plan, lab_server.network(ACCOUNT), [])


TRANSIT = "340987654321"


def test_transit_vifs_to_a_transit_gateway_agree_with_the_sim(lab_server: LabServer) -> None:
    """direct-connect-transit-gateways.md: transit VIFs on the four connections, to a Direct
    Connect gateway associated with a transit gateway and its allowed prefix; the VPC behind
    the transit gateway is reached from both data centers, as the sim says."""
    from tests.scenario import TOPOLOGY

    dx = lab_server.server.client(TRANSIT)
    conns = ext(
        lab_server.server.endpoint,
        "POST",
        "/wizard/order",
        {"model": "maximum", "bandwidth": "10Gbps", "locations": ["EqDC2", "CSVA1"]},
        account=TRANSIT,
    )["connectionIds"]
    tgw = ext(
        lab_server.server.endpoint,
        "POST",
        "/transit-gateways",
        {"amazonSideAsn": 65010, "vpcCidrs": ["10.100.0.0/16"]},
        account=TRANSIT,
    )["transitGatewayId"]
    dxgw = dx.create_direct_connect_gateway(
        directConnectGatewayName="tgw-dxgw", amazonSideAsn=64513
    )["directConnectGateway"]["directConnectGatewayId"]
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.100.0.0/16"}],
    )
    vifs = [
        dx.create_transit_virtual_interface(
            connectionId=c,
            newTransitVirtualInterface={
                "virtualInterfaceName": f"transit-{i}",
                "vlan": 201 + i,
                "asn": 65000,
                "directConnectGatewayId": dxgw,
            },
        )["virtualInterface"]["virtualInterfaceId"]
        for i, c in enumerate(conns)
    ]
    text = TOPOLOGY.format(c0=conns[0], c1=conns[1], c2=conns[2], c3=conns[3], vgw=tgw, icmp="true")
    ext(lab_server.server.endpoint, "PUT", "/topology", {"yaml": text}, account=TRANSIT)
    wait_for(
        lambda: all(
            v["virtualInterfaceState"] == "available"
            for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
            if v["virtualInterfaceId"] in vifs
        ),
        15,
        "transit VIFs up",
    )
    plan, net = lab_server.plan(TRANSIT), lab_server.network(TRANSIT)
    assert {n.resource for n in plan.namespaces if n.role == "gw"} == {tgw}
    assert all(net.vifs[v].type == "transit" and net.vifs[v].amazon_asn == 64513 for v in vifs)
    compare(lab_server, plan, net, [], TRANSIT)
    routes = dx.list_virtual_interface_routes(virtualInterfaceId=vifs[0])["routes"]
    # AWS advertises the allowed prefix behind the Direct Connect gateway's ASN.
    assert any(
        r["routeDirection"] == "advertised"
        and r["cidr"] == "10.100.0.0/16"
        and r["asPath"][0]["path"] == [64513]
        for r in routes
    ), routes
