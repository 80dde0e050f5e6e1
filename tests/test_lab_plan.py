"""The lab's planning and diff, without root (STYLE 14): what the maximum resiliency model
becomes (namespaces, links, daemon configurations), and what the diff does with what runs."""

from __future__ import annotations

import re
from typing import Any

from dxlab.domain import router_templates as t
from dxlab.lab.apply import LinkSeen, Observed, diff
from dxlab.lab.frr import LAB_MARK
from dxlab.lab.model import Lab
from dxlab.lab.plan import AccountNetwork, build_lab
from dxlab.routing.network import Network
from tests.networks import MAXIMUM, build

ACCOUNT = "123456789012"


def docs(net: Network) -> dict[str, dict[str, Any]]:
    """VirtualInterface documents as DescribeVirtualInterfaces gives them, for the network's VIFs."""
    out = {}
    for vif in net.vifs.values():
        out[vif.id] = {
            "virtualInterfaceId": vif.id,
            "virtualInterfaceName": vif.name,
            "virtualInterfaceType": vif.type,
            "vlan": vif.vlan,
            "mtu": vif.mtu,
            "asnLong": vif.customer_asn,
            "amazonSideAsn": vif.amazon_asn,
            "bgpPeers": [
                {
                    "addressFamily": s.family,
                    "amazonAddress": s.amazon_address,
                    "customerAddress": s.customer_address,
                    "authKey": f"key-{vif.id}",
                    "bgpPeerState": "available",
                    "asnLong": vif.customer_asn,
                }
                for s in vif.sessions
            ],
        }
    return out


def maximum_lab() -> tuple[Network, Lab]:
    net = build(MAXIMUM)
    return net, build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")


def running(lab: Lab) -> Observed:
    """What a host that runs exactly `lab` shows."""
    seen = Observed(
        namespaces={n.name for n in lab.namespaces},
        ns_digest={n.name: n.digest() for n in lab.namespaces},
        daemons={d.key: d.digest() for d in lab.daemons},
    )
    for b in lab.bridges:
        seen.links[(b.ns, b.name)] = LinkSeen(b.mtu, set(), "", "bridge")
    for v in lab.veths:
        for end in (v.a, v.b):
            seen.links[(end.ns, end.name)] = LinkSeen(v.mtu, set(end.addrs), end.master, "")
    return seen


def test_the_maximum_model_as_a_lab() -> None:
    net, lab = maximum_lab()
    roles = sorted(n.role for n in lab.namespaces)
    assert roles.count("dev") == 4 and roles.count("xc") == 4 and roles.count("rtr") == 4
    assert (
        roles.count("site") == 2
        and roles.count("wan") == 1
        and roles.count("gw") == 1
        and roles.count("vpc") == 1
    )
    assert all(n.name.startswith("dxu-123456789012-") for n in lab.namespaces)
    assert all(len(end.name) <= 15 for v in lab.veths for end in (v.a, v.b))  # the kernel's limit
    assert len(lab.sessions) == 4
    # Each VIF: two veth pairs through a bridge of its own in the connection's cross-connect.
    for s in lab.sessions:
        vif = net.vifs[s.vif_id]
        through = [
            v for v in lab.veths if v.b.master == f"br{vif.vlan}" and vif.connection_id in v.b.ns
        ]
        assert {v.a.ns for v in through} == {s.router_ns, s.device_ns}
        assert lab.far_ports[vif.connection_id] == ((through[0].b.ns, f"d{vif.vlan}"),)
    # The instance's security group allows ICMP (the topology says icmp: true).
    vpc = next(n for n in lab.namespaces if n.role == "vpc")
    assert "icmp" in vpc.firewall and "policy drop" in vpc.firewall


def test_the_aws_side_follows_routing_and_bgp() -> None:
    net, lab = maximum_lab()
    s = lab.sessions[0]
    conf = next(d for d in lab.daemons if d.ns == s.device_ns).config
    block = conf[conf.index(f"protocol bgp {s.protocol} {{") :]
    block = block[: block.index("\n}\n")]
    for line in (
        f"local {s.amazon_ip} as 64512;",
        f"neighbor {s.customer_ip} as 65000;",
        f'password "key-{s.vif_id}";',
        "hold time 90;",
        "keepalive time 30;",
        "bfd on;",
        "receive limit 100 action disable;",
        "export where net ~ [ 10.100.0.0/16 ];",
    ):
        assert line in block, line
    assert "min rx interval 300 ms;" in conf and "multiplier 3;" in conf
    assert "if (7224,7100) ~ bgp_community then bgp_local_pref = 100;" in conf
    assert "else if (7224,7300) ~ bgp_community then bgp_local_pref = 300;" in conf


def test_the_customer_router_runs_the_download() -> None:
    net, lab = maximum_lab()
    s = lab.sessions[0]
    router = next(d for d in lab.daemons if d.ns == s.router_ns)
    adverts = [a.prefix for a in net.topology.router(s.router).advertise]
    download = t.frr(t.session_of(docs(net)[s.vif_id], adverts), "eth1")
    assert router.config.startswith(download)
    assert router.config[len(download) :].startswith(LAB_MARK)
    assert s.interface == f"eth1.{net.vifs[s.vif_id].vlan}"


def test_diff_from_nothing_builds_everything_and_from_itself_nothing() -> None:
    net, lab = maximum_lab()
    actions = diff(lab, Observed())
    verbs = [a.verb for a in actions]
    assert verbs.count("add-ns") == len(lab.namespaces)
    assert verbs.count("add-veth") == len(lab.veths)
    assert verbs.count("add-bridge") == len(lab.bridges)
    assert verbs.count("start") == len(lab.daemons)
    assert diff(lab, running(lab)) == []


def test_diff_fixes_only_what_differs() -> None:
    net, lab = maximum_lab()
    seen = running(lab)
    # A namespace with the prefix that the plan no longer has is removed; another prefix is not ours.
    seen.namespaces |= {"dxu-123456789012-dev-gone", "other-lab-ns"}
    v = lab.veths[0]
    seen.links[(v.a.ns, v.a.name)].mtu = 9001  # an MTU that changed
    del seen.links[(v.b.ns, v.b.name)]  # a half-removed pair
    d = lab.daemons[0]
    seen.daemons[d.key] = "stale"  # a configuration that changed
    actions = [(a.verb, a.target) for a in diff(lab, seen)]
    assert ("del-ns", "dxu-123456789012-dev-gone") in actions
    assert not any(t == "other-lab-ns" for _, t in actions)
    assert ("del-link", (v.a.ns, v.a.name)) in actions and ("add-veth", v) in actions
    assert ("reconfigure", d) in actions
    assert len(actions) == 4


def test_a_lab_taken_as_applied_needs_only_its_daemons(tmp_path: Any) -> None:
    from dxlab.lab.apply import assumed

    class NoProcesses:
        def alive(self, pid: int) -> bool:
            return False

    net, lab = maximum_lab()
    # No pid file, no digest: every daemon is started; the namespaces and links are taken as made.
    assert {a.verb for a in diff(lab, assumed(lab, NoProcesses(), tmp_path))} == {"start"}  # type: ignore[arg-type]


def test_a_router_runs_only_the_frr_daemons_it_needs() -> None:
    from dxlab.lab.frr import frr_programs

    net, lab = maximum_lab()
    routers = [d for d in lab.daemons if d.kind == "frr"]
    assert routers and all(
        d.programs == ("zebra", "bfdd", "bgpd") for d in routers
    )  # BFD on, no static route
    download = routers[0].config
    peers = re.findall(r"neighbor (\S+) bfd", download)
    off = download + "router bgp 65000\n" + "".join(f" no neighbor {ip} bfd\n" for ip in peers)
    assert frr_programs(off) == ("zebra", "bgpd")
    assert frr_programs("ip route 10.0.0.0/8 Null0\nrouter bgp 65000\n") == (
        "zebra",
        "staticd",
        "bgpd",
    )


def test_an_ec2_vpc_keeps_its_security_group_and_route_table_in_the_lab() -> None:
    """issue 11: the lab enforces what EC2 says of the VPC, as the routing model does: ICMP
    only from the sources its security group names, and no route back to on-premises
    prefixes while VGW route propagation is off (only its static routes)."""
    from dataclasses import replace

    net = build(MAXIMUM)
    ec2_vpc = replace(
        net.topology.vpcs[0],
        route_table="rtb-0123456789abcdef0",
        propagation=False,
        static_routes=("10.2.0.0/16",),
        icmp_sources=("10.1.0.0/16",),
    )
    net = replace(net, topology=replace(net.topology, vpcs=(ec2_vpc,)))
    lab = build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")
    vpc_ns = next(n for n in lab.namespaces if n.role == "vpc")
    assert "ip saddr 10.1.0.0/16 meta l4proto icmp accept" in vpc_ns.firewall
    assert "meta l4proto { icmp, ipv6-icmp } accept" not in vpc_ns.firewall
    assert [r for r in vpc_ns.routes if r.startswith("default")] == []
    assert any(r.startswith("10.2.0.0/16 via ") for r in vpc_ns.routes)
    # Why a data center gets no answer, in the routing model's words (paths.route_gap), for
    # the lab's verify to give when the instance's namespace has no route back.
    # (every router here advertises both prefixes alike: each data center stands at 10.1.0.1)
    gap = "route table rtb-0123456789abcdef0 has no route to 10.1.0.0/16: VGW route propagation is off"
    assert lab.route_gaps == {(ACCOUNT, "prod", "dc1"): gap, (ACCOUNT, "prod", "dc2"): gap}
