"""Step 5 for the AWS Cloud (maximum_resiliency.md: "Run traceroute and verify that the AWS
Direct Connect identifier is in the network trace"), on the routing model: ping and
traceroute from a customer data center to the AWS public service of a Region, over a
public virtual interface.

There the customer reaches Amazon's public prefixes (domain/aws_public_prefixes.py) that
AWS advertised over an up public VIF, and AWS returns traffic only to a source inside a
prefix it accepted (routing-and-bgp.md: "AWS Direct Connect performs inbound packet
filtering to validate that the source of the traffic originated from your advertised
prefix"; only the prefixes approved for the VIF are accepted, routing/bgp.approved)."""

from __future__ import annotations

from dxlab.domain.aws_public_prefixes import service_address, service_name
from dxlab.routing.bgp import best_toward_customer, covers
from dxlab.routing.network import Network
from dxlab.routing.paths import Paths, SessionKey, site_address
from dxlab.routing.probe import Hop, Verification, dx_hop, modelled


def public_regions(net: Network) -> list[str]:
    """The Regions whose public services a data center can reach: those of the locations
    of the account's public VIFs."""
    return sorted({v.location_region for v in net.vifs.values() if v.type == "public"})


def public_sessions(paths: Paths) -> list[SessionKey]:
    return [k for k in paths.states if paths.net.vifs[k[0]].type == "public"]


def verify_public(
    net: Network, paths: Paths, site: str, region: str, count: int = 5
) -> Verification:
    source = site_address(net, site) or ""
    destination = service_address(region)
    name = service_name(region)
    keys = public_sessions(paths)
    learned = [
        k
        for k in keys
        if paths.states[k].up
        and any(covers(r.cidr, destination) for r in paths.states[k].advertised)
    ]
    forward = [k for k in learned if paths.site_of_session(k) == site]
    if not forward and net.topology.wan:
        forward = learned
    back = best_toward_customer(net, paths.states, source, region, keys) if source else ()
    if not forward:
        reason = f"no BGP session of a public virtual interface is up that carries {destination} to {site}"
    elif not back:
        reason = (
            f"AWS accepted no prefix that holds {source} ({site}) over a public virtual interface: "
            "only the prefixes approved for the VIF are accepted, and traffic from any other source is filtered"
        )
    elif not net.topology.wan and any(paths.site_of_session(k) != site for k in back):
        reason = f"return traffic lands at another data center and there is no WAN to {site}"
    else:
        reason = ""
    hops: list[Hop] = []
    if forward:
        hops += dx_hop(net, sorted(forward)[0], site)
        hops.append(Hop(destination, name) if not reason else Hop("*", f"{name}: no answer"))
    return modelled(site, name, source, destination, count, hops, reason)
