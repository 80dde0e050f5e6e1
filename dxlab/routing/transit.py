"""Transit gateways behind a Direct Connect gateway (direct-connect-transit-gateways.md,
allowed-to-prefixes.md), as the routing model and the lab both show them: the transit
gateway is a hop of its own in the trace between the AWS device and the VPCs attached to
it, and a VPC whose CIDR lies outside the association's allowed prefixes is not
advertised to the data centers, so it cannot be reached from them."""

from __future__ import annotations

import hashlib
import ipaddress

from dxlab.routing.bgp import covers
from dxlab.routing.network import Network


def is_transit_gateway(gateway_id: str) -> bool:
    return gateway_id.startswith("tgw-")


def transit_gateway_address(tgw_id: str) -> str:
    """Where a transit gateway answers traceroute, in the sim and the lab alike
    (100.68.0.0/16, apart from the lab's other internal ranges)."""
    digest = hashlib.sha256(tgw_id.encode()).digest()
    return f"100.68.{digest[0]}.{1 + digest[1] % 254}"


def transit_gateway_address6(tgw_id: str) -> str:
    """Its IPv6 address in traceroute -6 (fd68::/16, as traceroute prints it)."""
    digest = hashlib.sha256(tgw_id.encode()).digest()
    return str(ipaddress.ip_address(f"fd68::{digest[0]:x}:{1 + digest[1] % 254:x}"))


def transit_gateway_resource(tgw_id: str) -> str:
    return f"{tgw_id} (transit gateway)"


def outside_allowed_prefixes(net: Network, gateway_id: str, cidr: str, instance: str) -> str:
    """Why AWS does not advertise a VPC behind `gateway_id` to the data centers ('' when
    an association of it allows the instance's address): its CIDR is outside every allowed
    prefix of the gateway's Direct Connect gateway associations (allowed-to-prefixes.md)."""
    associations = [
        a for a in net.associations if a.gateway_id == gateway_id and a.allowed_prefixes
    ]
    if not associations or any(
        covers(p, instance) for a in associations for p in a.allowed_prefixes
    ):
        return ""
    allowed = ", ".join(p for a in associations for p in a.allowed_prefixes)
    where = " and ".join(sorted({net.label(a.dx_gateway_id) for a in associations}))
    return (
        f"{cidr} is outside the allowed prefixes of {gateway_id}'s association with {where}"
        f" ({allowed}), so AWS does not advertise it to the data centers"
    )
