"""Transit gateways in the lab (direct-connect-transit-gateways.md): a TGW's namespace is
the gateway namespace behind the AWS devices (plan.py: BIRD learning the customer's routes
from every device, one link to each attached VPC), and it answers traceroute from its own
address (routing/transit.transit_gateway_address) rather than from a VPC router's, so the
trace to each VPC attached to it shows the transit gateway as one hop, as the sim does.
What the devices advertise for it are the association's allowed prefixes
(plan.vif_exports): a VPC outside them gets no route from the data centers."""

from __future__ import annotations

from dxlab.routing.transit import (
    is_transit_gateway,
    transit_gateway_address,
    transit_gateway_address6,
    transit_gateway_resource,
)


def hop_address(gateway: str) -> str:
    """The address the gateway namespace answers traceroute from ('' : its first VPC
    router's, as for a VGW)."""
    return transit_gateway_address(gateway) if is_transit_gateway(gateway) else ""


def loopback(gateway: str) -> tuple[str, ...]:
    address = hop_address(gateway)
    return (f"{address}/32",) if address else ()


def resources(gateway: str) -> dict[str, str]:
    address = hop_address(gateway)
    return {address: transit_gateway_resource(gateway)} if address else {}


def hop_address6(gateway: str) -> str:
    """The same for traceroute -6 (lab/dualstack.py)."""
    return transit_gateway_address6(gateway) if is_transit_gateway(gateway) else ""
