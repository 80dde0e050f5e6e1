"""Dual stack in the lab: IPv6 beside IPv4 on the same namespaces and daemons, so a VPC
with an IPv6 CIDR answers ping -6 and traceroute -6 from a data center over the VIFs'
IPv6 BGP sessions (Amazon's /125 peers, which plan.py already runs). routing/dualstack.py
predicts the same.

`add` runs after plan._Builder has built an account's lab and adds, for the VPCs that
have an IPv6 CIDR:
- the VPC's router and instance IPv6 addresses on the gateway <-> VPC link, and the
  instance's default route;
- IPv6 on each AWS backbone link (fd64:G:D::1 device, ::2 gateway), an IPv6 iBGP session
  beside the IPv4 one, and on each device static routes to the VPC IPv6 CIDRs behind it;
- a kernel6 protocol in every BIRD (devices, gateways, data center cores);
- on each data center: its IPv6 address (the first host of its first own IPv6 prefix) on
  lo, IPv6 on its LAN to each router (fd65:R::1 core, ::2 router) with an IPv6 iBGP
  session there, in BIRD and in FRR.
BIRD and FRR read a configuration as a whole, so these sections are appended to what
plan.py rendered. Not covered: IPv6 over the WAN between data centers."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from dxlab.domain.topology import Vpc
from dxlab.lab import probes, transit
from dxlab.lab.bird import BACKBONE_ASN, FAST_START, backbone_export
from dxlab.lab.frr import CORE_WEIGHT
from dxlab.lab.host import Host
from dxlab.lab.model import Daemon, End, Lab, Veth
from dxlab.routing.dualstack import site_address6, vpc_router6
from dxlab.routing.network import Network, Vif
from dxlab.routing.paths import route_gap
from dxlab.routing.probe import icmp_allowed, no_icmp_reason
from dxlab.routing.transit import transit_gateway_resource

KERNEL6 = [
    "protocol kernel kernel6 {",
    "  ipv6 { import none; export all; };",
    "  merge paths yes;",
    "}",
    "",
]
Exports = Callable[[Network, Vif], list[tuple[str, str]]]
ProtocolName = Callable[[str, str], str]
VpcRoutes = Callable[[Vpc, str], tuple[str, ...]]  # plan.vpc_routes


def gap_key6(account: str, vpc: str, site: str) -> tuple[str, str, str]:
    """Where Lab.route_gaps keeps why the VPC's route table has no IPv6 route to `site`."""
    return account, vpc, f"{site} ipv6"


def _canon(address: str) -> str:
    return str(
        ipaddress.ip_address(address)
    )  # as traceroute prints it (the hops are looked up by it)


def backbone6(gi: int, di: int) -> tuple[str, str]:
    return _canon(f"fd64:{gi:x}:{di:x}::1"), _canon(f"fd64:{gi:x}:{di:x}::2")


def lan6(ri: int) -> tuple[str, str]:
    return _canon(f"fd65:{ri:x}::1"), _canon(f"fd65:{ri:x}::2")


def _six(prefixes: list[str]) -> list[str]:
    return [p for p in prefixes if ":" in p]


def _set(prefixes: list[str]) -> str:
    return "[ " + ", ".join(prefixes) + " ]"


def add(
    b: Any,
    vifs: list[Vif],
    exports: Exports,
    protocol_name: ProtocolName,
    vpc_routes: VpcRoutes,
) -> None:
    """Give the lab `b` (a plan._Builder, built) its IPv6 half."""
    net: Network = b.net
    dual = [v for v in net.topology.vpcs if v.ipv6_cidr]
    if not dual:
        return
    extra: dict[str, list[str]] = {}  # namespace -> BIRD lines to append
    frr_extra: dict[str, list[str]] = {}
    gateways = sorted({gw for v in vifs for _, gw in exports(net, v)})
    devices = sorted({v.device for v in vifs})
    veths: list[Veth] = []
    for veth in b.veths:
        veths.append(_veth6(b, veth, dual, gateways, extra, frr_extra, net, vpc_routes))
    b.veths[:] = veths
    # Devices: static routes to the VPC IPv6 CIDRs and IPv6 iBGP to each gateway.
    for di, dev in enumerate(devices):
        dns = b.devices.get(dev)
        if dns is None:
            continue
        on_device = [v for v in vifs if v.device == dev]
        statics: list[str] = []
        lines = list(KERNEL6)
        for gi, gw in enumerate(gateways):
            mine, theirs = backbone6(gi, di)
            sources = [
                protocol_name(v.id, s.family)
                for v in on_device
                for s in v.sessions
                if s.family == "ipv6" and any(g == gw for _, g in exports(net, v))
            ]
            cidrs = sorted(
                {c for v in on_device for c, g in exports(net, v) if g == gw and ":" in c}
            )
            statics += [f"  route {c} via {theirs};" for c in cidrs]
            lines += [
                f"protocol bgp bb{gi}_6 {{",
                f"  local {mine} as {BACKBONE_ASN};",
                f"  neighbor {theirs} as {BACKBONE_ASN};",
                "  direct;",
                FAST_START.rstrip("\n"),
                "  ipv6 {",
                "    import none;",
                f"    {backbone_export(tuple(sources), b.other_region(on_device, gw, 'ipv6'))}",
                "    next hop self;",
                "  };",
                "}",
                "",
            ]
        if statics:
            lines += ["protocol static vpcs6 {", "  ipv6;", *statics, "}", ""]
        extra.setdefault(dns, []).extend(lines)
    # Gateways: kernel6 (answering traceroute from the VPC router's IPv6 address) and IPv6 iBGP.
    for gi, gw in enumerate(gateways):
        gns = f"{b.p}-gw-{_slug(gw)}"
        behind = [v for v in dual if net.vpc_gateways.get(v.name, v.gateway or "") == gw]
        prefsrc = vpc_router6(behind[0]) if behind else ""
        if behind and transit.hop_address6(gw):
            # A transit gateway answers for itself (lab/transit.py), on IPv6 too.
            prefsrc = transit.hop_address6(gw)
            n = b.namespaces[gns]
            b.namespaces[gns] = replace(n, loopback=(*n.loopback, f"{prefsrc}/128"))
            b.resources[prefsrc] = transit_gateway_resource(gw)
        export = (
            f"export filter {{ krt_prefsrc = {prefsrc}; accept; }};" if prefsrc else "export all;"
        )
        lines = [
            "protocol kernel kernel6 {",
            f"  ipv6 {{ import none; {export} }};",
            "  merge paths yes;",
            "}",
            "",
        ]
        for di, _dev in enumerate(devices):
            theirs, mine = backbone6(gi, di)
            lines += [
                f"protocol bgp dev{di}_6 {{",
                f"  local {mine} as {BACKBONE_ASN};",
                f"  neighbor {theirs} as {BACKBONE_ASN};",
                "  direct;",
                FAST_START.rstrip("\n"),
                "  ipv6 { import all; export none; };",
                "}",
                "",
            ]
        extra.setdefault(gns, []).extend(lines)
    # Data centers: the IPv6 address on lo, its own prefix, kernel6.
    for site in net.topology.sites:
        address6 = site_address6(net, site)
        ns = f"{b.p}-site-{_slug(site)}"
        if ns not in b.namespaces:
            continue
        lines = list(KERNEL6)
        if address6:
            own = next(
                p
                for p in (
                    a.prefix for r in net.topology.routers if r.site == site for a in r.advertise
                )
                if ":" in p and ipaddress.ip_address(address6) in ipaddress.ip_network(p)
            )
            lines += ["protocol static own6 {", "  ipv6;", f"  route {own} unreachable;", "}", ""]
            n = b.namespaces[ns]
            b.namespaces[ns] = replace(n, loopback=(*n.loopback, f"{address6}/128"))
            b.resources[address6] = f"data center {site}"
        extra.setdefault(ns, []).extend(lines)
    b.daemons[:] = [_append(d, extra, frr_extra) for d in b.daemons]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _veth6(
    b: Any,
    veth: Veth,
    dual: list[Vpc],
    gateways: list[str],
    extra: dict[str, list[str]],
    frr_extra: dict[str, list[str]],
    net: Network,
    vpc_routes: VpcRoutes,
) -> Veth:
    a, z = veth.a, veth.b
    # A gateway <-> VPC link: the VPC router's and the instance's IPv6 addresses.
    for vpc in dual:
        if z.ns == f"{b.p}-vpc-{_slug(vpc.name)}" and z.name == "eth0":
            plen = ipaddress.ip_network(vpc.ipv6_cidr).prefixlen
            router6 = vpc_router6(vpc)
            n = b.namespaces[z.ns]
            # Its route table in IPv6 too: VGW route propagation, or its IPv6 static routes.
            b.namespaces[z.ns] = replace(n, routes=(*n.routes, *vpc_routes(vpc, router6)))
            for site in net.topology.sites:
                address6 = site_address6(net, site)
                if address6 and (gap := route_gap(net, site, vpc, address6)):
                    b.route_gaps[gap_key6(b.an.account, vpc.name, site)] = gap
            gw = net.vpc_gateways.get(vpc.name, vpc.gateway or "")
            b.resources[router6] = f"{gw} ({vpc.name} router)"
            b.resources[vpc.ipv6_instance] = f"instance {vpc.ipv6_instance} in {vpc.name}"
            return replace(
                veth, a=_with(a, f"{router6}/{plen}"), b=_with(z, f"{vpc.ipv6_instance}/{plen}")
            )
    # An AWS backbone link (device "bbG" <-> gateway "dD").
    m, n = re.fullmatch(r"bb(\d+)", a.name), re.fullmatch(r"d(\d+)", z.name)
    if m and n and z.ns.startswith(f"{b.p}-gw-"):
        mine, theirs = backbone6(int(m.group(1)), int(n.group(1)))
        return replace(veth, a=_with(a, f"{mine}/64"), b=_with(z, f"{theirs}/64"))
    # A data center's LAN to one of its routers (core "rR" <-> router "site0").
    m = re.fullmatch(r"r(\d+)", a.name)
    if m and z.name == "site0" and a.ns.startswith(f"{b.p}-site-"):
        ri = int(m.group(1))
        core, edge = lan6(ri)
        site = a.ns[len(f"{b.p}-site-") :]
        router = z.ns[len(f"{b.p}-rtr-") :]
        r = next(
            (r for r in net.topology.routers if _slug(r.name) == router and _slug(r.site) == site),
            None,
        )
        if r is not None:
            customer6 = sorted(
                {ad.prefix for x in net.topology.routers for ad in x.advertise if ":" in ad.prefix}
            )
            announced6 = sorted({ad.prefix for ad in r.advertise if ":" in ad.prefix})
            asn = net.topology.customer_asn
            name = f"r_{_slug(r.name).replace('-', '_').replace('.', '_')}_6"
            extra.setdefault(a.ns, []).extend(
                [
                    f"protocol bgp {name} {{",
                    f"  local {core} as {asn};",
                    f"  neighbor {edge} as {asn};",
                    "  direct;",
                    FAST_START.rstrip("\n"),
                    "  rr client;",
                    "  ipv6 {",
                    f"    import where net !~ {_set(customer6)};"
                    if customer6
                    else "    import all;",
                    f"    export where net ~ {_set(announced6)};"
                    if announced6
                    else "    export none;",
                    "    next hop self;",
                    "  };",
                    "}",
                    "",
                ]
            )
            frr_extra.setdefault(z.ns, []).extend(
                [
                    f"router bgp {asn}",
                    f" neighbor {core} remote-as {asn}",
                    f" neighbor {core} description dxlab data center core (IPv6)",
                    " address-family ipv4 unicast",
                    f"  no neighbor {core} activate",
                    " exit-address-family",
                    " address-family ipv6 unicast",
                    f"  neighbor {core} activate",
                    f"  neighbor {core} next-hop-self",
                    f"  neighbor {core} weight {CORE_WEIGHT}",
                    " exit-address-family",
                    "exit",
                ]
            )
            b.resources[edge] = f"customer router {r.name} ({r.site})"
            b.resources[core] = f"data center {r.site}"
            return replace(veth, a=_with(a, f"{core}/64"), b=_with(z, f"{edge}/64"))
    return veth


def _with(end: End, addr: str) -> End:
    return replace(end, addrs=(*end.addrs, addr))


def _append(d: Daemon, extra: dict[str, list[str]], frr_extra: dict[str, list[str]]) -> Daemon:
    if d.kind == "bird" and d.ns in extra:
        return replace(d, config=d.config.rstrip("\n") + "\n\n" + "\n".join(extra[d.ns]) + "\n")
    if d.kind == "frr" and d.ns in frr_extra:
        return replace(d, config=d.config.rstrip("\n") + "\n" + "\n".join(frr_extra[d.ns]) + "\n")
    return d


def verify_ipv6(
    host: Host, lab: Lab, account: str, site: str, vpc: Vpc, count: int = 5
) -> dict[str, Any] | None:
    """ping -6 and traceroute -6 from a data center to the VPC instance's IPv6 address, or
    None when the lab does not run them (the same JSON as routing/dualstack.py's)."""
    src, dst = lab.sites.get((account, site)), lab.vpcs.get((account, vpc.name))
    if src is None or dst is None or not vpc.ipv6_instance:
        return None
    net_site6 = next((a.split("/")[0] for a in lab.namespace(src.ns).loopback if ":" in a), "")
    if not net_site6:
        return None
    destination = vpc.ipv6_instance
    hops, sent, received = probes.probe(host, lab, src.ns, net_site6, destination, count)
    if hops and hops[-1]["address"] == "*":
        hops[-1]["resource"] = f"instance {destination} in {vpc.name}: no answer"
    reason = ""
    if not received:
        last = probes.last_answered(hops)
        at_vpc = bool(
            last
            and last["resource"].endswith((f"({vpc.name} router)", transit_gateway_resource("")))
        )
        if at_vpc and not probes.route_back(host, dst.ns, net_site6):
            reason = lab.route_gaps.get(
                gap_key6(account, vpc.name, site),
                f"{destination} has no route back to {net_site6}",
            )
        elif at_vpc and not icmp_allowed(vpc, net_site6):
            reason = no_icmp_reason(vpc)
        else:
            reason = probes.no_reply(destination, last)
    return probes.answer(site, vpc.name, net_site6, destination, sent, received, hops, reason)
