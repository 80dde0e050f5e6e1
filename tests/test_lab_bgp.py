"""The lab data plane, BGP on real daemons: the maximum resiliency model built through the
API comes up as four sessions between BIRD (AWS's side) and FRR (the customer's routers,
running the downloaded configuration), with MD5 and BFD 300 ms x 3; a wrong MD5 key keeps
a session down; more than 100 prefixes take a session down; a jumbo-frame VIF carries an
8,972-byte packet that a 1,500-byte one refuses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.lab.model import Lab
from dxlab.lab.state import frr_peer_states, protocols
from tests.lab_support import LabServer, running_lab, wait_for
from tests.scenario import Scenario, maximum

ACCOUNT = "210987654321"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> tuple[Scenario, Any, Lab]:
    dx = lab_server.server.client(ACCOUNT)
    scenario = maximum(lab_server.server, dx, ACCOUNT)  # waits for the four VIFs to be available
    return scenario, dx, lab_server.plan(ACCOUNT)


def vif_states(dx: Any, vifs: list[str]) -> dict[str, tuple[str, list[str]]]:
    out = {}
    for v in dx.describe_virtual_interfaces()["virtualInterfaces"]:
        if v["virtualInterfaceId"] in vifs:
            out[v["virtualInterfaceId"]] = (
                v["virtualInterfaceState"],
                [p["bgpStatus"] for p in v["bgpPeers"]],
            )
    return out


def established(lab: LabServer, plan: Lab, vif: str) -> bool:
    s = plan.session(vif)
    proto = protocols(lab.host, lab.state, s.device_ns).get(s.protocol)
    return bool(proto and proto.established)


def test_four_sessions_established_with_md5_and_bfd(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    assert vif_states(dx, scenario.vifs) == {v: ("available", ["up"]) for v in scenario.vifs}
    assert len(plan.sessions) == 4
    for s in plan.sessions:
        # AWS's side (BIRD) and the customer's (FRR) both say Established.
        assert established(lab_server, plan, s.vif_id), lab_server.birdc(
            s.device_ns, "show", "protocols", "all", s.protocol
        )
        assert frr_peer_states(lab_server.host, s.router_ns)[s.amazon_ip] == "Established"
        detail = lab_server.birdc(s.device_ns, "show", "protocols", "all", s.protocol)
        assert "Neighbor AS:      65000" in detail and "Local AS:         64512" in detail
        assert (
            "Hold timer" in detail
            and "/90" in detail
            and "Keepalive timer" in detail
            and "/30" in detail
        )
        # TCP-MD5 is on the session's socket (the kernel supports it: see bird.py).
        sockets = lab_server.in_ns(s.device_ns, "ss", "-tni", "state", "established").stdout
        assert re.search(rf"md5keys:{re.escape(s.customer_ip)}/32", sockets), sockets

        # BFD 300 ms x 3: up, interval 0.300 s, detection 0.900 s.
        # FRR starts BFD for a peer once BGP tells it the session's local address.
        def bfd_row(ip: str = s.customer_ip, ns: str = s.device_ns) -> str:
            bfd = lab_server.birdc(ns, "show", "bfd", "sessions")
            return next(
                (line for line in bfd.splitlines() if line.startswith(ip) and " Up " in line), ""
            )

        row = wait_for(bfd_row, 5, "BFD up")
        assert "0.300" in row and "0.900" in row, row
    # ListVirtualInterfaceRoutes answers from BIRD: what AWS accepted and advertises.
    dc1 = next(s for s in plan.sessions if s.router == "dc1-r1")

    def api_routes() -> set[tuple[str, str, tuple[int, ...], tuple[str, ...]]]:
        routes = dx.list_virtual_interface_routes(virtualInterfaceId=dc1.vif_id)["routes"]
        return {
            (r["routeDirection"], r["cidr"], tuple(r["asPath"][0]["path"]), tuple(r["communities"]))
            for r in routes
        }

    wait_for(
        lambda: (
            api_routes()
            == {
                ("accepted", "10.1.0.0/16", (65000,), ()),
                ("accepted", "10.2.0.0/16", (65000,), ("7224:7100",)),
                ("advertised", "10.100.0.0/16", (64512,), ()),
            }
        ),
        5,
        "routes from BIRD",
    )
    # The customer routers run exactly what DescribeRouterConfiguration gives for FRR.
    s = plan.sessions[0]
    download = dx.describe_router_configuration(
        virtualInterfaceId=s.vif_id, routerTypeIdentifier="FRRouting-FRRouting-FRR8"
    )["customerRouterConfig"]
    running = (lab_server.state / s.router_ns / "frr.conf").read_text()
    for line in download.splitlines():
        if (
            line.startswith(" neighbor")
            or line.startswith("interface")
            or line.startswith("router bgp")
        ):
            assert line in running.splitlines(), line


def test_a_wrong_md5_key_keeps_the_session_down(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    s = plan.session(scenario.vifs[0])
    key = dx.describe_virtual_interfaces(virtualInterfaceId=s.vif_id)["virtualInterfaces"][0][
        "bgpPeers"
    ][0]["authKey"]

    def set_key(value: str) -> None:
        out = lab_server.in_ns(
            s.router_ns,
            "vtysh",
            "-N",
            s.router_ns,
            "-c",
            "configure terminal",
            "-c",
            "router bgp 65000",
            "-c",
            f"neighbor {s.amazon_ip} password {value}",
        )
        assert out.returncode == 0, out.stderr

    set_key("not-the-aws-key")
    try:
        wait_for(
            lambda: not established(lab_server, plan, s.vif_id), 5, "session down with a wrong key"
        )
        wait_for(
            lambda: vif_states(dx, [s.vif_id])[s.vif_id] == ("down", ["down"]),
            5,
            "the API reports it down",
        )
        # It stays down: a key mismatch drops the TCP handshake, whatever BIRD retries.
        for _ in range(10):
            assert not established(lab_server, plan, s.vif_id)
            import time

            time.sleep(0.2)
    finally:
        set_key(key)
    wait_for(lambda: established(lab_server, plan, s.vif_id), 10, "session back with the right key")
    wait_for(
        lambda: vif_states(dx, [s.vif_id])[s.vif_id] == ("available", ["up"]),
        5,
        "the API reports it up",
    )


def many_prefixes(text: str, count: int) -> str:
    """The scenario's topology with dc1-r1 advertising `count` /24s."""
    import yaml

    data = yaml.safe_load(text)
    data["sites"]["dc1"]["routers"]["dc1-r1"]["advertise"] = [
        {"prefix": f"10.1.{i}.0/24"} for i in range(count)
    ]
    return yaml.safe_dump(data, sort_keys=False)


def test_over_100_prefixes_the_session_goes_down(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    s = next(x for x in plan.sessions if x.router == "dc1-r1")
    try:
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": many_prefixes(scenario.topology, 101)},
            account=ACCOUNT,
        )
        # limits.md: 100 prefixes per family on a private VIF; over it the session goes idle.
        proto = wait_for(
            lambda: (
                (p := protocols(lab_server.host, lab_server.state, s.device_ns).get(s.protocol))
                and p.state == "down"
                and p
            ),
            15,
            "BIRD takes the session down over the limit",
        )
        assert (
            "limit" in lab_server.birdc(s.device_ns, "show", "protocols", "all", s.protocol).lower()
        )
        wait_for(
            lambda: vif_states(dx, [s.vif_id])[s.vif_id][0] == "down",
            5,
            "the API reports the VIF down",
        )
        assert dx.list_virtual_interface_routes(virtualInterfaceId=s.vif_id)["routes"] == []
        # The other three sessions are not touched.
        for other in scenario.vifs:
            if other != s.vif_id:
                assert established(lab_server, plan, other)
        assert proto.state == "down"

        # Exactly 100 is within the limit: the session comes back with all of them.
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": many_prefixes(scenario.topology, 100)},
            account=ACCOUNT,
        )
        wait_for(
            lambda: established(lab_server, plan, s.vif_id), 15, "session back at 100 prefixes"
        )
        routes = wait_for(
            lambda: [
                r
                for r in dx.list_virtual_interface_routes(virtualInterfaceId=s.vif_id)["routes"]
                if r["routeDirection"] == "accepted"
            ],
            5,
            "routes accepted",
        )
        wait_for(
            lambda: (
                len(
                    [
                        r
                        for r in dx.list_virtual_interface_routes(virtualInterfaceId=s.vif_id)[
                            "routes"
                        ]
                        if r["routeDirection"] == "accepted"
                    ]
                )
                == 100
            ),
            5,
            "all 100 accepted",
        )
        assert {r["cidr"] for r in routes} <= {f"10.1.{i}.0/24" for i in range(100)}
    finally:
        ext(
            lab_server.server.endpoint,
            "PUT",
            "/topology",
            {"yaml": scenario.topology},
            account=ACCOUNT,
        )
    wait_for(
        lambda: established(lab_server, plan, s.vif_id),
        15,
        "session back with the scenario's topology",
    )


def big_ping(lab: LabServer, ns: str, address: str) -> bool:
    """An 8,972-byte ICMP payload with DF set: a 9,000-byte IP packet."""
    out = lab.in_ns(
        ns, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-M", "do", "-s", "8972", address
    )
    return out.returncode == 0


def test_jumbo_frames_cross_a_9001_vif_and_not_a_1500_one(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, plan = built
    jumbo, plain = plan.session(scenario.vifs[0]), plan.session(scenario.vifs[1])
    dx.update_virtual_interface_attributes(virtualInterfaceId=jumbo.vif_id, mtu=9001)
    try:

        def mtu(ns: str, ifname: str) -> int:
            out = lab_server.in_ns(ns, "ip", "-j", "link", "show", "dev", ifname).stdout
            return int(json.loads(out)[0]["mtu"]) if out.strip() else 0

        wait_for(
            lambda: mtu(jumbo.router_ns, jumbo.interface) == 9001, 15, "the VIF's link at MTU 9001"
        )
        wait_for(
            lambda: established(lab_server, plan, jumbo.vif_id), 15, "the jumbo VIF's session up"
        )
        assert mtu(plain.router_ns, plain.interface) == 1500
        assert wait_for(
            lambda: big_ping(lab_server, jumbo.router_ns, jumbo.amazon_ip),
            5,
            "9,000-byte ping on 9001",
        )
        assert not big_ping(lab_server, plain.router_ns, plain.amazon_ip)
        # A 1,500-byte packet crosses both.
        for s in (jumbo, plain):
            out = lab_server.in_ns(
                s.router_ns,
                "ping",
                "-n",
                "-c",
                "1",
                "-W",
                "1",
                "-M",
                "do",
                "-s",
                "1472",
                s.amazon_ip,
            )
            assert out.returncode == 0, out.stdout
    finally:
        dx.update_virtual_interface_attributes(virtualInterfaceId=jumbo.vif_id, mtu=1500)
    wait_for(lambda: not big_ping(lab_server, jumbo.router_ns, jumbo.amazon_ip), 15, "back at 1500")


def test_an_ipv6_peer_comes_up_beside_the_ipv4_one(
    lab_server: LabServer, built: tuple[Scenario, Any, Lab]
) -> None:
    scenario, dx, _ = built
    vif = scenario.vifs[2]
    dx.create_bgp_peer(virtualInterfaceId=vif, newBGPPeer={"addressFamily": "ipv6", "asn": 65000})
    try:
        plan = wait_for(
            lambda: (p := lab_server.plan(ACCOUNT)) and len(p.sessions) == 5 and p,
            10,
            "the ipv6 session planned",
        )
        v6 = plan.session(vif, "ipv6")
        assert ":" in v6.amazon_ip and v6.protocol.endswith("_6")
        wait_for(
            lambda: (
                established(lab_server, plan, vif)
                and (
                    (
                        p := protocols(lab_server.host, lab_server.state, v6.device_ns).get(
                            v6.protocol
                        )
                    )
                    is not None
                    and p.established
                )
            ),
            15,
            "the ipv6 session Established beside the ipv4 one",
        )
        assert frr_peer_states(lab_server.host, v6.router_ns).get(v6.amazon_ip) == "Established"
        wait_for(
            lambda: (
                [
                    p["bgpStatus"]
                    for p in dx.describe_virtual_interfaces(virtualInterfaceId=vif)[
                        "virtualInterfaces"
                    ][0]["bgpPeers"]
                ]
                == ["up", "up"]
            ),
            5,
            "both peers up in the API",
        )
    finally:
        peers = dx.describe_virtual_interfaces(virtualInterfaceId=vif)["virtualInterfaces"][0][
            "bgpPeers"
        ]
        for p in peers:
            if p["addressFamily"] == "ipv6":
                dx.delete_bgp_peer(virtualInterfaceId=vif, bgpPeerId=p["bgpPeerId"])
    wait_for(
        lambda: len(lab_server.plan(ACCOUNT).sessions) == 4,
        10,
        "the ipv6 session gone from the lab",
    )
