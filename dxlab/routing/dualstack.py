"""Dual stack on the routing model: ping -6 and traceroute -6 from a customer data center
to a VPC instance's IPv6 address, over the IPv6 BGP sessions (Amazon's /125 peers).

AWS advertises the VPC's IPv6 CIDR over a VIF's IPv6 session (its gateway's CIDRs of that
family, bgp.advertised_routes), and sends the answers back over the IPv6 session that
accepted the data center's IPv6 prefix (bgp.best_toward_customer): the same rules as IPv4,
each family on its own sessions, as limits.md counts their routes."""

from __future__ import annotations

import ipaddress

from dxlab.domain.topology import Vpc
from dxlab.routing.bgp import best_toward_customer, covers
from dxlab.routing.network import Network
from dxlab.routing.paths import Paths, SessionKey, host_of, route_gap, site_prefixes
from dxlab.routing.probe import Hop, Verification, dx_hop, icmp_allowed, modelled, no_icmp_reason
from dxlab.routing.transit import (
    is_transit_gateway,
    transit_gateway_address6,
    transit_gateway_resource,
)


def site_address6(net: Network, site: str) -> str | None:
    """A data center's IPv6 address in ping and traceroute: the first host of its first
    own IPv6 prefix."""
    for prefix in site_prefixes(net, site):
        if ipaddress.ip_network(prefix).version == 6:
            return host_of(prefix)
    return None


def vpc_router6(vpc: Vpc) -> str:
    return str(ipaddress.ip_network(vpc.ipv6_cidr).network_address + 1)


def verify_ipv6(net: Network, paths: Paths, site: str, vpc: Vpc, count: int = 5) -> Verification:
    source = site_address6(net, site) or ""
    destination = vpc.ipv6_instance
    gateway = paths.gateway_of(vpc)
    keys: list[SessionKey] = [k for k in paths.by_gateway.get(gateway, []) if k[1] == "ipv6"]
    learned = [
        k
        for k in keys
        if paths.states[k].up
        and any(covers(r.cidr, destination) for r in paths.states[k].advertised)
    ]
    forward = [k for k in learned if paths.site_of_session(k) == site]
    if not forward and net.topology.wan:
        forward = learned
    back = (
        best_toward_customer(net, paths.states, source, paths.region_of(vpc), keys)
        if source
        else ()
    )
    if not source:
        reason = f"{site} advertises no IPv6 prefix"
    elif not forward:
        reason = f"no IPv6 BGP session is up that carries {vpc.ipv6_cidr} to {site}"
    elif not back:
        reason = f"AWS has no IPv6 route back to {site} from {vpc.name}"
    elif gap := route_gap(net, site, vpc, source):
        reason = gap
    elif not net.topology.wan and any(paths.site_of_session(k) != site for k in back):
        reason = f"return traffic lands at another data center and there is no WAN to {site}"
    elif not icmp_allowed(vpc, source):
        reason = no_icmp_reason(vpc)
    else:
        reason = ""
    hops: list[Hop] = []
    if forward:
        hops += dx_hop(net, sorted(forward)[0], site)
        if is_transit_gateway(gateway):  # the transit gateway answers for itself
            hops.append(Hop(transit_gateway_address6(gateway), transit_gateway_resource(gateway)))
        else:
            hops.append(Hop(vpc_router6(vpc), f"{gateway} ({vpc.name} router)"))
        where = f"instance {destination} in {vpc.name}"
        hops.append(Hop(destination, where) if not reason else Hop("*", f"{where}: no answer"))
    return modelled(site, vpc.name, source, destination, count, hops, reason)
