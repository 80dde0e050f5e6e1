"""The AWS Cloud behind a public virtual interface, in the lab (step 5 for the AWS Cloud,
maximum_resiliency.md: "Run traceroute and verify that the AWS Direct Connect identifier
is in the network trace").

Per account and Region of its public VIFs, an "AWS public service" namespace stands for
Amazon's public network: it is planned as one more gateway behind the AWS devices (a
namespace running bird.gateway, iBGP to every device over the backbone), holds the
Region's service address (domain/aws_public_prefixes.service_address) and learns the
customer prefixes the devices accepted over the public VIFs, so it answers ping and
traceroute only to a source AWS accepted. Each device carrying a public VIF has static
routes to Amazon's public prefixes through it, tagged with the scope communities, and
advertises them over the VIF; it accepts from the customer only the VIF's approved route
filter prefixes (routing/bgp.approved). routing/public.py predicts the same."""

from __future__ import annotations

from typing import Any

from dxlab.domain import aws_public_prefixes as amazon
from dxlab.lab import probes
from dxlab.lab.host import Host
from dxlab.lab.model import Lab
from dxlab.routing.network import Vif

GATEWAY_PREFIX = "aws-public-"


def gateway_id(region: str) -> str:
    return f"{GATEWAY_PREFIX}{region}"


def region_of(gateway: str) -> str | None:
    return gateway[len(GATEWAY_PREFIX) :] if gateway.startswith(GATEWAY_PREFIX) else None


def exports(vif: Vif) -> list[tuple[str, str]]:
    """(prefix, gateway) a public VIF's device advertises: Amazon's IPv4 public prefixes
    (the sample carries no IPv6), all behind the Region's public service namespace."""
    gw = gateway_id(vif.location_region)
    return [(cidr, gw) for cidr, _ in amazon.advertised(vif.location_region) if ":" not in cidr]


def communities(vifs: list[Vif]) -> dict[str, tuple[str, ...]]:
    """The scope communities of each Amazon prefix on a device (a device is at one
    location, so each prefix has one tag there)."""
    out: dict[str, tuple[str, ...]] = {}
    for v in vifs:
        if v.type == "public":
            out.update(amazon.advertised(v.location_region))
    return out


def accept_only(vif: Vif) -> tuple[str, ...] | None:
    """The prefixes AWS accepts over a public VIF (None: a private or transit VIF, whose
    limit is the only filter)."""
    return vif.route_filter_prefixes if vif.type == "public" else None


def loopback(gateway: str) -> tuple[str, ...]:
    region = region_of(gateway)
    return (f"{amazon.service_address(region)}/32",) if region else ()


def resources(gateway: str) -> dict[str, str]:
    region = region_of(gateway)
    return {amazon.service_address(region): amazon.service_name(region)} if region else {}


def verify_public(
    host: Host, lab: Lab, account: str, site: str, region: str, count: int = 5
) -> dict[str, Any] | None:
    """`dxlab verify --public` for one data center and Region on real packets, or None when
    the lab does not run them (the same JSON as routing/public.py's answer)."""
    src = lab.sites.get((account, site))
    name = f"{lab.prefix}-{account}-gw-{gateway_id(region)}"
    if src is None or not any(n.name == name for n in lab.namespaces):
        return None
    destination = amazon.service_address(region)
    service = amazon.service_name(region)
    hops, sent, received = probes.probe(host, lab, src.ns, src.address, destination, count)
    if hops and hops[-1]["address"] == "*":
        hops[-1]["resource"] = f"{service}: no answer"
    reason = probes.no_reply(destination, probes.last_answered(hops)) if not received else ""
    return probes.answer(site, service, src.address, destination, sent, received, hops, reason)
