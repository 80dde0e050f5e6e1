"""Simulated ping and traceroute between a customer data center and a VPC instance:
the sim data plane's `dxlab verify` (step 5 of maximum_resiliency.md). Every hop is
annotated with the dxlab resource it belongs to."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from dxlab.domain.topology import Vpc
from dxlab.routing.bgp import covers
from dxlab.routing.network import Network
from dxlab.routing.paths import Paths, site_address
from dxlab.routing.transit import (
    is_transit_gateway,
    transit_gateway_address,
    transit_gateway_resource,
)


@dataclass(frozen=True)
class Hop:
    address: str
    resource: str


@dataclass(frozen=True)
class Verification:
    site: str
    vpc: str
    source: str
    destination: str
    reachable: bool
    sent: int
    received: int
    hops: tuple[Hop, ...]
    reason: str


def modelled(
    site: str, target: str, source: str, destination: str, count: int, hops: list[Hop], reason: str
) -> Verification:
    """The routing model's answer to `count` pings: all come back when nothing stands in the
    way (`reason` empty), none when something does."""
    reachable = not reason
    return Verification(
        site,
        target,
        source,
        destination,
        reachable,
        count,
        count if reachable else 0,
        tuple(hops),
        reason,
    )


def _host(address: str) -> str:
    return address.split("/", 1)[0]


def dx_hop(net: Network, key: tuple[str, str], site: str) -> list[Hop]:
    """The customer router and the Direct Connect hop (the AWS side of the VIF, named by
    its VIF, VLAN, connection, AWS device and location) of the session traffic leaves on."""
    vif = net.vifs[key[0]]
    session = next(s for s in vif.sessions if s.family == key[1])
    router = net.router_of_link.get(vif.connection_id, "?")
    return [
        Hop(_host(session.customer_address), f"customer router {router} ({site})"),
        Hop(
            _host(session.amazon_address),
            f"{vif.id} (VLAN {vif.vlan}) on {vif.connection_id}, AWS device {vif.device} at {vif.location}",
        ),
    ]


def icmp_allowed(vpc: Vpc, source: str) -> bool:
    """Whether the instance answers ping from `source`: a topology VPC as its `icmp` says;
    a VPC made through EC2 as its security groups' ingress rules say for this source
    (the lab's nftables rule set, lab/plan.firewall, is these rules)."""
    if vpc.icmp_sources is None:
        return vpc.icmp
    return bool(source) and any(covers(c, source) for c in vpc.icmp_sources)


def no_icmp_reason(vpc: Vpc) -> str:
    return f"the security group of {vpc.instance} does not allow inbound ICMP"


def verify(net: Network, paths: Paths, site: str, vpc: Vpc, count: int = 5) -> Verification:
    source = site_address(net, site) or ""
    pair = paths.pair(site, vpc)
    hops: list[Hop] = []
    if pair.forward:
        hops += dx_hop(net, sorted(pair.forward)[0], site)
        gateway = paths.gateway_of(vpc)
        if is_transit_gateway(gateway):
            # The transit gateway answers for itself, between the device and the VPCs.
            hops.append(Hop(transit_gateway_address(gateway), transit_gateway_resource(gateway)))
        else:
            vpc_router = str(ipaddress.ip_network(vpc.cidr).network_address + 1)
            hops.append(Hop(vpc_router, f"{gateway} ({vpc.name} router)"))
    icmp = icmp_allowed(vpc, source)
    reason = pair.reason or ("" if icmp else no_icmp_reason(vpc))  # pair.reason: "" if reachable
    if pair.reachable:
        where = f"instance {vpc.instance} in {vpc.name}"
        hops.append(Hop(vpc.instance, where) if icmp else Hop("*", f"{where}: no answer"))
    return modelled(site, vpc.name, source, vpc.instance, count, hops, reason)
