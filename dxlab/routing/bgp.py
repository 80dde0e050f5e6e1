"""BGP on the AWS side, as routing-and-bgp.md and limits.md describe it: which sessions
are up, what each accepts and advertises, and AWS's path selection toward the customer
(longest prefix, then local-preference community, then AS_PATH length, then the
location in the VPC's own region; ties are multipath)."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache

from dxlab.domain import aws_public_prefixes, quotas
from dxlab.domain.gateway import TGW, VGW, advertised_prefixes
from dxlab.domain.states import VIF_PROVISIONED, ConnectionState
from dxlab.domain.topology import LOCAL_PREFERENCE
from dxlab.routing.network import Failure, Network, Vif

DEFAULT_LOCAL_PREF = LOCAL_PREFERENCE["7224:7200"]
# routing-and-bgp.md: without a community, routes from a location of another Region get a
# lowered local preference, so the same-Region location wins before AS_PATH is compared.
OTHER_REGION_LOCAL_PREF = 150


@dataclass(frozen=True)
class Route:
    cidr: str
    family: str
    as_path: tuple[int, ...]
    communities: tuple[str, ...]


@dataclass(frozen=True)
class SessionState:
    vif_id: str
    family: str
    up: bool
    reason: str  # why it is down ("" when up)
    accepted: tuple[Route, ...]  # from the customer
    advertised: tuple[Route, ...]  # to the customer

    @property
    def key(self) -> tuple[str, str]:
        return (self.vif_id, self.family)


@cache
def _net(cidr: str) -> tuple[int, int, int]:
    """(bits, network as int, prefix length): integer maths is what keeps large analyses fast."""
    network = ipaddress.ip_network(cidr, strict=False)
    return network.max_prefixlen, int(network.network_address), network.prefixlen


def family_of(cidr: str) -> str:
    return "ipv4" if _net(cidr)[0] == 32 else "ipv6"


def prefix_length(cidr: str) -> int:
    return _net(cidr)[2]


@lru_cache(maxsize=1 << 20)
def covers(outer: str, inner: str) -> bool:
    """Is `inner` (a prefix or an address) inside `outer`?"""
    bits, a, alen = _net(outer)
    ibits, b, blen = _net(inner)
    if bits != ibits or blen < alen:
        return False
    shift = bits - alen
    return (a >> shift) == (b >> shift)


def dependencies(net: Network, vif: Vif, family: str) -> frozenset[Failure]:
    """Every failure domain this session needs alive."""
    deps = {
        Failure("session", f"{vif.id}:{family}"),
        Failure("connection", vif.connection_id),
        Failure("device", vif.device),
        Failure("location", vif.location),
    }
    router = net.router_of_link.get(vif.connection_id)
    if router:
        deps.add(Failure("router", router))
        deps.add(Failure("site", net.site_of(router)))
    return frozenset(deps)


def gateways_reached(net: Network, vif: Vif) -> frozenset[str]:
    """The VGWs/TGWs whose VPCs a VIF reaches: its own VGW, or the gateways associated
    with its Direct Connect gateway."""
    if vif.gateway_id in net.gateways:
        return frozenset({vif.gateway_id})
    return frozenset(a.gateway_id for a in net.associations if a.dx_gateway_id == vif.gateway_id)


def gateway_prefixes(net: Network, vif: Vif) -> list[tuple[str, str]]:
    """(prefix, gateway) of what AWS advertises over a private or transit VIF, in order and
    with repeats: its VGW's VPC CIDRs, or for a Direct Connect gateway each association's
    allowed prefixes (allowed-to-prefixes.md: for a VGW the list filters the VPC CIDRs; for
    a TGW it is what is advertised), or the VPC CIDRs where none were given. The sim's
    routes and the lab's exports both read it."""
    out: list[tuple[str, str]] = []
    if vif.gateway_id in net.gateways:
        out += [(c, vif.gateway_id) for c in net.gateways[vif.gateway_id].cidrs]
    for assoc in net.associations:
        if assoc.dx_gateway_id != vif.gateway_id:
            continue
        gw = net.gateways.get(assoc.gateway_id)
        vpc_cidrs = list(gw.cidrs) if gw else []
        if not assoc.allowed_prefixes:
            out += [(c, assoc.gateway_id) for c in vpc_cidrs]
            continue
        kind = TGW if assoc.gateway_id.startswith("tgw-") else VGW
        allowed = advertised_prefixes(kind, list(assoc.allowed_prefixes), vpc_cidrs)
        out += [(c, assoc.gateway_id) for c in allowed]
    return out


def advertised_routes(net: Network, vif: Vif, family: str) -> tuple[Route, ...]:
    """What AWS advertises over the session: VPC CIDRs, or a DX gateway's allowed prefixes;
    over a public VIF, Amazon's public prefixes with their scope communities."""
    if vif.type == "public":
        return tuple(
            Route(c, family, (vif.amazon_asn,), (*tags, aws_public_prefixes.NO_EXPORT))
            for c, tags in aws_public_prefixes.advertised(vif.location_region)
            if family_of(c) == family
        )
    cidrs = [c for c, _ in gateway_prefixes(net, vif)]
    seen = dict.fromkeys(c for c in cidrs if family_of(c) == family)
    return tuple(Route(c, family, (vif.amazon_asn,), ()) for c in seen)


def accepted_routes(net: Network, vif: Vif, family: str) -> tuple[Route, ...]:
    router = net.router_of_link.get(vif.connection_id)
    if not router:
        return ()
    asn = net.topology.customer_asn
    return tuple(
        Route(a.prefix, family, (asn,) * (1 + a.prepend), a.communities)
        for a in net.adverts(router)
        if family_of(a.prefix) == family and (vif.type != "public" or approved(vif, a.prefix))
    )


def approved(vif: Vif, prefix: str) -> bool:
    """routing-and-bgp.md: over a public VIF AWS accepts only the prefixes approved for it
    (its route filter prefixes, or more specific ones inside them) and filters the rest.
    The customer's scope communities (7224:9100/9200/9300) ride on what it accepts."""
    return any(covers(p, prefix) for p in vif.route_filter_prefixes)


def session_state(
    net: Network, vif: Vif, family: str, failed: Collection[Failure] = (), testing: bool = False
) -> SessionState:
    accepted = accepted_routes(net, vif, family)
    advertised = advertised_routes(net, vif, family)

    def down(reason: str) -> SessionState:
        return SessionState(vif.id, family, False, reason, (), advertised)

    link = net.links.get(vif.connection_id)
    if vif.state not in VIF_PROVISIONED:
        return down(f"virtual interface is {vif.state}")
    if link is None or link.state != ConnectionState.AVAILABLE:
        return down(f"connection {vif.connection_id} is {link.state if link else 'missing'}")
    if not link.patched:
        return down(f"no customer router is patched to {vif.connection_id}")
    hit = [f for f in dependencies(net, vif, family) if f in failed]
    if hit:
        return down(f"{hit[0].kind} {hit[0].id} failed")
    if testing:
        return down("BGP failover test in progress")
    limit = quotas.PUBLIC_ROUTES if vif.type == "public" else quotas.PRIVATE_ROUTES_PER_FAMILY
    if len(accepted) > limit:
        # limits.md: over the limit the session goes idle.
        return down(f"idle: {len(accepted)} prefixes exceed the limit of {limit} per session")
    return SessionState(vif.id, family, True, "", accepted, advertised)


def other_region(vif: Vif, vpc_region: str) -> bool:
    """Does AWS rank the routes learned over `vif` as another Region's, for the traffic of
    a VPC in `vpc_region`? routing-and-bgp.md: "For routes learned from Direct Connect
    location with a different associated Region as the local Region, the local preference
    is lowered". The local Region is the one of the VPC whose traffic is routed, so one
    Direct Connect gateway with VPCs in two Regions has each VPC prefer the locations of
    its own Region. WorkingWithVirtualInterfaces.md "SiteLink": a SiteLink VIF is preferred
    by AS_PATH length "regardless of the associated Region". The lab asks the same
    (lab/plan.py, on the backbone toward each VPC's gateway)."""
    return not vif.sitelink and vif.location_region != vpc_region


def local_preference(route: Route, vif: Vif, vpc_region: str) -> int:
    """The local preference AWS gives `route` (learned over `vif`) for the traffic of a VPC
    in `vpc_region`: a local-preference community's, else medium, lowered for a location
    of another Region. AS_PATH comes after it, so prepending cannot undo the Region
    (routing-and-bgp.md: "AS_PATH prepending doesn't work when the Direct Connect
    connections are in different associated AWS Regions than the VPC")."""
    for community in route.communities:
        if community in LOCAL_PREFERENCE:
            return LOCAL_PREFERENCE[community]
    return OTHER_REGION_LOCAL_PREF if other_region(vif, vpc_region) else DEFAULT_LOCAL_PREF


def best_toward_customer(
    net: Network,
    states: dict[tuple[str, str], SessionState],
    destination: str,
    vpc_region: str,
    candidates: Collection[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """The sessions AWS sends traffic for `destination` (an address or prefix) over, among
    `candidates` (the up sessions that reach the VPC's gateway): multipath on ties."""
    family = family_of(destination)
    best: tuple[int, int, int] | None = None
    chosen: list[tuple[str, str]] = []
    for key in candidates:
        state = states[key]
        if key[1] != family or not state.up:
            continue
        vif = net.vifs[key[0]]
        for route in state.accepted:
            if not covers(route.cidr, destination):
                continue
            rank = (
                prefix_length(route.cidr),
                local_preference(route, vif, vpc_region),
                -len(route.as_path),
            )
            if best is None or rank > best:
                best, chosen = rank, [key]
            elif rank == best and key not in chosen:
                chosen.append(key)
    return tuple(chosen)
