"""The desired lab, from the routing snapshot (`Network`) of each account with a customer
topology, and the VIF documents (their MD5 keys and the router configurations come from
them). Pure: no I/O, so it is unit-tested without root.

Per account:
- each AWS device: a namespace running BIRD (bird.device), with the AWS side of every VIF;
- each connection or LAG: a cross-connect namespace with one bridge per VIF, so a cut on
  the device's side is not a loss of carrier on the customer router;
- each VIF: two veth pairs through that bridge, with its addresses and MTU;
- each customer router: a namespace running FRR (frr.router);
- each data center: a namespace holding its address, running a BIRD core; a WAN bridge
  between data centers when the topology has one;
- each VPC gateway (VGW/TGW): a namespace running BIRD (bird.gateway); each VPC: a
  namespace with the instance address and its security group as nftables rules."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from dxlab.domain import router_templates as t
from dxlab.domain.states import VIF_PROVISIONED, ConnectionState
from dxlab.domain.topology import Vpc
from dxlab.lab import bird, dualstack, frr, public, sitelink, transit
from dxlab.lab.model import Bridge, Daemon, End, Endpoint, Lab, LabSession, Namespace, Veth
from dxlab.routing.bgp import DEFAULT_LOCAL_PREF, gateway_prefixes, other_region
from dxlab.routing.network import Failure, Network, Vif
from dxlab.routing.paths import route_gap, site_address

DEFAULT_PREFIX = "dxl"


@dataclass(frozen=True)
class AccountNetwork:
    account: str
    network: Network
    vif_docs: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # VirtualInterface as Describe* shows it
    # What is down now (resiliency/outages.py): injected failures, cut in the
    # lab where the fiber would be, and the sessions a BGP failover test holds down.
    failed: tuple[Failure, ...] = ()
    testing: tuple[tuple[str, str], ...] = ()


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def protocol_name(vif_id: str, family: str) -> str:
    return f"v_{vif_id.replace('-', '_')}_{'6' if family == 'ipv6' else '4'}"


def vpc_routes(vpc: Vpc, router_ip: str) -> tuple[str, ...]:
    """The VPC's route table toward its gateway, in the family of `router_ip` (the VPC
    router's IPv4 or IPv6 address): everything while VGW route propagation brings the
    on-premises prefixes in; else only its static routes (routing/paths.route_gap)."""
    v6 = ":" in router_ip
    if vpc.propagation:
        return (f"{'::/0' if v6 else 'default'} via {router_ip}",)
    return tuple(f"{cidr} via {router_ip}" for cidr in vpc.static_routes if (":" in cidr) == v6)


def firewall(vpc: Vpc) -> str:
    """The instance's security group: inbound ICMP allowed or not (topology `icmp`), or
    from the sources its EC2 security group rules name (icmp_sources), as the routing
    model's ping checks them (routing/probe.py)."""
    if vpc.icmp_sources is None:
        icmp = "    meta l4proto { icmp, ipv6-icmp } accept\n" if vpc.icmp else ""
    else:
        icmp = "".join(
            f"    ip6 saddr {c} meta l4proto ipv6-icmp accept\n"
            if ":" in c
            else f"    ip saddr {c} meta l4proto icmp accept\n"
            for c in vpc.icmp_sources
        )
    # IPv6 neighbour discovery is no traffic a security group sees on AWS (the VPC router
    # answers it), but the instance's kernel needs it to answer anything over IPv6.
    nd = (
        "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
        if vpc.ipv6_cidr
        else ""
    )
    return (
        "table inet dxlab_sg {\n  chain input {\n    type filter hook input priority 0; policy drop;\n"
        "    ct state established,related accept\n    iif lo accept\n" + nd + icmp + "  }\n}\n"
    )


def vif_exports(net: Network, vif: Vif) -> list[tuple[str, str]]:
    """(prefix, gateway) AWS advertises over a VIF: its VGW's VPC CIDRs, or for a Direct
    Connect gateway the allowed prefixes of each association (bgp.gateway_prefixes), or
    Amazon's public prefixes over a public VIF (lab/public.py)."""
    if vif.type == "public":
        return public.exports(vif)
    # The lab routes a prefix to a gateway namespace: one whose gateway is not in the
    # network has none, so its prefixes are not exported.
    out = [(c, gw) for c, gw in gateway_prefixes(net, vif) if gw in net.gateways]
    seen: dict[str, str] = {}
    for cidr, gw_id in out:
        seen.setdefault(cidr, gw_id)
    return list(seen.items())


def gateway_region(net: Network, gateway: str) -> str:
    """The Region of what a gateway namespace stands for: its VGW's or TGW's (EC2's
    gateways are regional, routing/paths.region_of), or the AWS public service's."""
    known = net.gateways.get(gateway)
    return known.region if known else (public.region_of(gateway) or net.region)


class _Builder:
    def __init__(self, prefix: str, an: AccountNetwork) -> None:
        self.p = (
            f"{prefix}-{an.account}"  # the whole account: labs of two accounts never share a name
        )
        self.an = an
        self.net = an.network
        self.namespaces: dict[str, Namespace] = {}
        self.bridges: list[Bridge] = []
        self.veths: list[Veth] = []
        self.daemons: list[Daemon] = []
        self.sessions: list[LabSession] = []
        self.resources: dict[str, str] = {}
        self.far_ports: dict[str, list[tuple[str, str]]] = {}
        self.devices: dict[str, str] = {}

    def ns(self, role: str, resource: str, **kw: Any) -> str:
        name = f"{self.p}-{role}-{slug(resource)}"
        self.namespaces.setdefault(name, Namespace(name, role, resource, **kw))
        return name

    def patched_vifs(self) -> list[Vif]:
        """VIFs that can carry a session: live, on an available link patched to a router."""
        out = []
        for vif in sorted(self.net.vifs.values(), key=lambda v: v.id):
            link = self.net.links.get(vif.connection_id)
            # A link an injected failure holds down keeps its state: the failure is cut in the lab.
            link_up = link is not None and link.state == ConnectionState.AVAILABLE
            if (
                vif.state in VIF_PROVISIONED
                and link_up
                and vif.id in self.an.vif_docs
                and self.net.router_of_link.get(vif.connection_id)
                and vif.sessions
            ):
                out.append(vif)
        return out

    def build(self) -> None:
        topo = self.net.topology
        vifs = self.patched_vifs()
        routers = sorted(
            {self.net.router_of_link[v.connection_id] for v in vifs}
            | {r.name for r in topo.routers}
        )
        router_index = {name: i for i, name in enumerate(routers)}
        gateways = sorted({gw for v in vifs for _, gw in vif_exports(self.net, v)})
        devices = sorted({v.device for v in vifs})
        # Backbone links, one per (device, gateway): 100.64.G.(4D+1)/30 device side, +1 gateway side.
        backbone: dict[tuple[str, str], tuple[str, str]] = {}
        for gi, gw in enumerate(gateways):
            for di, dev in enumerate(devices):
                base = ipaddress.ip_address(f"100.64.{gi}.0") + 4 * di
                backbone[(dev, gw)] = (f"{base + 1}/30", f"{base + 2}/30")
        self._sites(router_index)
        self._vpcs(gateways, devices, backbone)
        self._vifs_and_devices(vifs, devices, gateways, backbone)
        self._routers(vifs, router_index)
        sitelink.add(self, vifs, protocol_name)  # the AWS network between data centers
        # IPv6 beside IPv4 (lab/dualstack.py)
        dualstack.add(self, vifs, vif_exports, protocol_name, vpc_routes)

    # -- the customer side -------------------------------------------------------
    def _sites(self, router_index: dict[str, int]) -> None:
        topo = self.net.topology
        wan_sites = list(topo.sites) if topo.wan and len(topo.sites) > 1 else []
        if wan_sites:
            wan_ns = self.ns("wan", "wan", forwarding=False)
            self.bridges.append(Bridge(wan_ns, "wan", 1500))
        for si, site in enumerate(topo.sites):
            address = site_address(self.net, site)
            own = []
            if address:
                own = [
                    str(ipaddress.ip_network(a.prefix))
                    for r in topo.routers
                    if r.site == site
                    for a in r.advertise
                    if ipaddress.ip_address(address) in ipaddress.ip_network(a.prefix)
                ][:1]
            ns = self.ns("site", site, loopback=(f"{address}/32",) if address else ())
            # What this data center's routers announce is not a route to them; what they
            # learned of another data center's prefixes (over SiteLink) is.
            customer = sorted(
                {
                    a.prefix
                    for r in topo.routers
                    if r.site == site
                    for a in r.advertise
                    if ":" not in a.prefix
                }
            )
            peers: list[bird.CorePeer] = []
            router_id = address or f"100.66.0.{si + 1}"
            for r in (r for r in topo.routers if r.site == site):
                ri = router_index[r.name]
                core, edge = f"100.65.{ri}.1", f"100.65.{ri}.2"
                rns = self.ns("rtr", r.name)
                self.veths.append(
                    Veth(
                        End(ns, f"r{ri}", (f"{core}/30",)),
                        End(rns, "site0", (f"{edge}/30",)),
                        1500,
                        f"{site} LAN to {r.name}",
                    )
                )
                announced = tuple(sorted({a.prefix for a in r.advertise if ":" not in a.prefix}))
                peers.append(
                    bird.CorePeer(
                        f"r_{slug(r.name).replace('-', '_').replace('.', '_')}",
                        core,
                        edge,
                        False,
                        announced,
                    )
                )
                self.resources[edge] = f"customer router {r.name} ({site})"
                self.resources[core] = f"data center {site}"
            if wan_sites:
                mine = f"100.66.0.{si + 1}"
                self.veths.append(
                    Veth(
                        End(ns, "wan0", (f"{mine}/24",)),
                        End(f"{self.p}-wan-wan", f"s{si}", master="wan"),
                        1500,
                        f"WAN to {site}",
                    )
                )
                self.resources[mine] = f"data center {site} (WAN)"
                for sj, other in enumerate(wan_sites):
                    if other != site:
                        peers.append(bird.CorePeer(f"wan_{sj}", mine, f"100.66.0.{sj + 1}", True))
            self.daemons.append(
                Daemon(
                    ns, "bird", bird.site_core(router_id, topo.customer_asn, own, customer, peers)
                )
            )
            if address:
                self.resources[address] = f"data center {site}"
                self.sites[(self.an.account, site)] = Endpoint(ns, address)

    sites: dict[tuple[str, str], Endpoint]
    vpcs: dict[tuple[str, str], Endpoint]
    route_gaps: dict[tuple[str, str, str], str]

    def _routers(self, vifs: list[Vif], router_index: dict[str, int]) -> None:
        topo = self.net.topology
        for r in topo.routers:
            rns = self.ns("rtr", r.name)
            mine = [v for v in vifs if self.net.router_of_link[v.connection_id] == r.name]
            links = list(dict.fromkeys(v.connection_id for v in mine))
            rvifs = []
            for v in mine:
                session = t.session_of(self.an.vif_docs[v.id], [a.prefix for a in r.advertise])
                rvifs.append(frr.RouterVif(session, f"eth{links.index(v.connection_id) + 1}"))
            core = f"100.65.{router_index[r.name]}.1"
            config = frr.router(
                r.name, topo.customer_asn, rvifs, r.advertise, r.bfd, core, r.frr_config
            )
            self.daemons.append(
                Daemon(rns, "frr", config, frr.startup(topo.customer_asn), frr.frr_programs(config))
            )

    # -- the AWS side --------------------------------------------------------------
    def _vpcs(
        self,
        gateways: list[str],
        devices: list[str],
        backbone: dict[tuple[str, str], tuple[str, str]],
    ) -> None:
        topo = self.net.topology
        for gw in gateways:
            gns = self.ns("gw", gw, loopback=public.loopback(gw) + transit.loopback(gw))
            self.resources.update(public.resources(gw))
            self.resources.update(transit.resources(gw))
            behind = [
                v for v in topo.vpcs if self.net.vpc_gateways.get(v.name, v.gateway or "") == gw
            ]
            prefsrc = transit.hop_address(gw)
            for v in behind:
                net = ipaddress.ip_network(v.cidr)
                router_ip = str(net.network_address + 1)
                prefsrc = prefsrc or router_ip
                vns = self.ns(
                    "vpc",
                    v.name,
                    forwarding=False,
                    routes=vpc_routes(v, router_ip),
                    firewall=firewall(v),
                )
                self.veths.append(
                    Veth(
                        End(gns, f"v-{slug(v.name)}"[:15], (f"{router_ip}/{net.prefixlen}",)),
                        End(vns, "eth0", (f"{v.instance}/{net.prefixlen}",)),
                        9001,
                        f"{gw} to VPC {v.name}",
                    )
                )
                self.resources[router_ip] = f"{gw} ({v.name} router)"
                self.resources[v.instance] = f"instance {v.instance} in {v.name}"
                self.vpcs[(self.an.account, v.name)] = Endpoint(vns, v.instance)
                for site in topo.sites:
                    if gap := route_gap(self.net, site, v):
                        self.route_gaps[(self.an.account, v.name, site)] = gap
            peers = []
            for di, dev in enumerate(devices):
                dev_ip, gw_ip = backbone[(dev, gw)]
                peers.append(bird.Backbone(f"dev{di}", gw_ip.split("/")[0], dev_ip.split("/")[0]))
                self.resources[gw_ip.split("/")[0]] = f"{gw} (from AWS device {dev})"
            router_id = backbone[(devices[0], gw)][1].split("/")[0] if devices else "100.64.255.254"
            self.daemons.append(Daemon(gns, "bird", bird.gateway(router_id, peers, prefsrc)))

    def _vifs_and_devices(
        self,
        vifs: list[Vif],
        devices: list[str],
        gateways: list[str],
        backbone: dict[tuple[str, str], tuple[str, str]],
    ) -> None:
        for di, dev in enumerate(devices):
            dns = self.ns("dev", dev)
            self.devices[dev] = dns
            peers: list[bird.AwsPeer] = []
            statics: list[tuple[str, str]] = []
            backbones: list[bird.Backbone] = []
            on_device = [v for v in vifs if v.device == dev]
            for gi, gw in enumerate(gateways):
                dev_ip, gw_ip = backbone[(dev, gw)]
                name = f"bb{gi}"
                self.veths.append(
                    Veth(
                        End(dns, name, (dev_ip,)),
                        End(f"{self.p}-gw-{slug(gw)}", f"d{di}", (gw_ip,)),
                        9001,
                        f"AWS backbone {dev} to {gw}",
                    )
                )
                sources = tuple(
                    protocol_name(v.id, s.family)
                    for v in on_device
                    for s in v.sessions
                    if any(g == gw for _, g in vif_exports(self.net, v))
                )
                backbones.append(
                    bird.Backbone(
                        name,
                        dev_ip.split("/")[0],
                        gw_ip.split("/")[0],
                        sources,
                        self.other_region(on_device, gw, "ipv4"),
                    )
                )
                self.resources[dev_ip.split("/")[0]] = f"AWS device {dev} (backbone to {gw})"
            for v in on_device:
                exports = vif_exports(self.net, v)
                for cidr, gw in exports:
                    if cidr not in {c for c, _ in statics}:
                        statics.append((cidr, backbone[(dev, gw)][1].split("/")[0]))
                peers += self._vif(v, dns, [c for c, _ in exports])
            peers = sitelink.exports(self.net, vifs, on_device, peers, protocol_name)
            router_id = next(
                (p.amazon_ip for p in peers if ":" not in p.amazon_ip), f"100.64.254.{di + 1}"
            )
            self.daemons.append(
                Daemon(
                    dns,
                    "bird",
                    bird.device(
                        router_id, peers, backbones, statics, public.communities(on_device)
                    ),
                )
            )

    def other_region(self, on_device: list[Vif], gateway: str, family: str) -> tuple[str, ...]:
        """The sessions of a device whose routes reach `gateway` as routes learned at a
        location of another Region (routing/bgp.other_region).

        routing-and-bgp.md lowers the local preference of routes learned at a location of
        another Region than the VPC's: a choice per VPC, not per VIF, since one Direct
        Connect gateway may carry VPCs of several Regions. The lab makes it where a route
        meets a VPC's Region: on the device's iBGP session to each gateway namespace (a VGW
        or TGW, each of one Region), whose export lowers those routes (bird.Backbone.lowered).
        One plan, one BIRD per gateway, and each gateway's best route is the real choice for
        its own VPCs. A device sends a gateway only its own best route per prefix (no
        ADD-PATH); its VIFs share one location, hence one Region, so lowering after that
        choice reorders none of them, save a SiteLink VIF beside a plain one on one device."""
        region = gateway_region(self.net, gateway)
        return tuple(
            protocol_name(v.id, s.family)
            for v in on_device
            for s in v.sessions
            if s.family == family
            and other_region(v, region)
            and any(g == gateway for _, g in vif_exports(self.net, v))
        )

    def _vif(self, v: Vif, dns: str, exports: list[str]) -> list[bird.AwsPeer]:
        doc = self.an.vif_docs[v.id]
        session = t.session_of(doc)
        router = self.net.router_of_link[v.connection_id]
        rns = f"{self.p}-rtr-{slug(router)}"
        site = self.net.site_of(router) if router in self.net.topology.routers_by_name else "?"
        xns = self.ns("xc", v.connection_id, forwarding=False)
        links = [
            x.connection_id
            for x in self.patched_vifs()
            if self.net.router_of_link[x.connection_id] == router
        ]
        iface = f"eth{list(dict.fromkeys(links)).index(v.connection_id) + 1}.{v.vlan}"
        bridge = f"br{v.vlan}"
        self.bridges.append(Bridge(xns, bridge, v.mtu))
        peers_by_family = {p.family: p for p in session.peers}
        amazon = tuple(f"{p.amazon_ip}/{p.prefixlen}" for p in session.peers)
        customer = tuple(p.customer_cidr for p in session.peers)
        dev_if = f"{v.connection_id[-8:]}.{v.vlan}"
        what = f"{v.id} (VLAN {v.vlan}) on {v.connection_id}"
        failed = set(self.an.failed)
        # A fiber cut, a device or a location down: the cross-connect's port toward AWS goes
        # dark (the device loses light; the router keeps its carrier: only BFD or the hold
        # timer tell it). A router or its data center down: the port toward the router.
        far_cut = bool(
            failed
            & {
                Failure("connection", v.connection_id),
                Failure("device", v.device),
                Failure("location", v.location),
            }
        )
        near_cut = bool(failed & {Failure("router", router), Failure("site", site)})
        self.veths.append(
            Veth(
                End(rns, iface, customer),
                End(xns, f"r{v.vlan}", master=bridge, up=not near_cut),
                v.mtu,
                f"{what}: customer router {router} to the cross-connect",
            )
        )
        self.veths.append(
            Veth(
                End(dns, dev_if, amazon),
                End(xns, f"d{v.vlan}", master=bridge, up=not far_cut),
                v.mtu,
                f"{what}: the cross-connect to AWS device {v.device}",
            )
        )
        self.far_ports.setdefault(v.connection_id, []).append((xns, f"d{v.vlan}"))
        # The communities' local preference (or medium); the same-Region preference is not
        # the VIF's to set: it depends on the VPC whose traffic is routed (Backbone.lowered).
        pref = DEFAULT_LOCAL_PREF
        out = []
        for s in v.sessions:
            p = peers_by_family.get(s.family)
            if p is None:
                continue
            proto = protocol_name(v.id, s.family)
            self.resources[p.amazon_ip] = f"{what}, AWS device {v.device} at {v.location}"
            self.resources[p.customer_ip] = f"customer router {router} ({site})"
            self.sessions.append(
                LabSession(
                    self.an.account,
                    v.id,
                    s.family,
                    dns,
                    proto,
                    rns,
                    router,
                    p.amazon_ip,
                    p.customer_ip,
                    iface,
                    v.mtu,
                    v.amazon_asn or session.amazon_asn,
                )
            )
            out.append(
                bird.AwsPeer(
                    proto,
                    f"{v.id} {s.family} VLAN {v.vlan} {v.connection_id}",
                    v.type,
                    s.family,
                    p.amazon_ip,
                    p.customer_ip,
                    v.amazon_asn or session.amazon_asn,
                    session.asn,
                    p.auth_key,
                    pref,
                    tuple(exports),
                    (v.id, s.family) in self.an.testing,
                    public.accept_only(v),
                )
            )
        return out


def build_lab(networks: list[AccountNetwork], prefix: str = DEFAULT_PREFIX) -> Lab:
    namespaces: dict[str, Namespace] = {}
    bridges, veths, daemons, sessions = [], [], [], []
    resources: dict[str, str] = {}
    sites: dict[tuple[str, str], Endpoint] = {}
    vpcs: dict[tuple[str, str], Endpoint] = {}
    route_gaps: dict[tuple[str, str, str], str] = {}
    far: dict[str, tuple[tuple[str, str], ...]] = {}
    devices: dict[str, str] = {}
    for an in networks:
        if not an.network.topology.routers:
            continue
        b = _Builder(prefix, an)
        b.sites, b.vpcs, b.route_gaps = sites, vpcs, route_gaps
        b.build()
        namespaces.update(b.namespaces)
        bridges += b.bridges
        veths += b.veths
        daemons += b.daemons
        sessions += b.sessions
        resources.update(b.resources)
        far.update({k: tuple(v) for k, v in b.far_ports.items()})
        devices.update(b.devices)
    return Lab(
        prefix,
        tuple(namespaces.values()),
        tuple(bridges),
        tuple(veths),
        tuple(daemons),
        tuple(sessions),
        resources,
        sites,
        vpcs,
        far,
        devices,
        route_gaps,
    )
