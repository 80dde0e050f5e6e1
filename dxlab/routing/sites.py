"""Ping and traceroute from one customer data center to another, on the routing model
(`dxlab verify --to DC`): over SiteLink (WorkingWithVirtualInterfaces.md), the path
leaves on a SiteLink VIF of one data center, crosses the AWS network (the Direct Connect
gateway's SiteLink path) and arrives on a SiteLink VIF of the other; else over the
customer's own WAN, when the topology has one. lab/sitelink.py runs the same on packets."""

from __future__ import annotations

from dxlab.routing.network import Network
from dxlab.routing.paths import Paths, site_address
from dxlab.routing.probe import Hop, Verification, dx_hop, modelled
from dxlab.routing.sitelink import sitelink_address


def sitelink_resource(net: Network, dx_gateway_id: str) -> str:
    return f"{net.label(dx_gateway_id)} (SiteLink over the AWS network)"


def verify_sites(net: Network, paths: Paths, site: str, other: str, count: int = 5) -> Verification:
    source = site_address(net, site) or ""
    destination = site_address(net, other) or ""
    pair = paths.site_pair(site, other)
    hops: list[Hop] = []
    reason = pair.reason
    if not destination:
        reason = f"{other} advertises no IPv4 prefix of its own to reach it at"
    elif pair.sitelink:
        # SiteLink is preferred over the WAN: the data center's core takes its routers'
        # routes before the WAN's (lab/bird.site_core).
        here, there = sorted(pair.sitelink)[0]
        gateway = net.vifs[here[0]].gateway_id
        arrive = dx_hop(net, there, other)
        hops += dx_hop(net, here, site)
        hops.append(Hop(sitelink_address(gateway), sitelink_resource(net, gateway)))
        hops += [arrive[1], arrive[0]]  # the far AWS device, then the far router
    if not reason:
        hops.append(Hop(destination, f"data center {other}"))
    return modelled(site, other, source, destination, count, hops, reason)
