"""Which path traffic takes between a customer data center and a VPC, both ways, and
whether it gets through: the sim data plane's answer to ping and traceroute."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property, lru_cache

from dxlab.domain.topology import LOCAL_PREFERENCE, Vpc
from dxlab.routing.bgp import (
    DEFAULT_LOCAL_PREF,
    SessionState,
    best_toward_customer,
    covers,
    gateways_reached,
    session_state,
)
from dxlab.routing.network import Failure, Network, Vif
from dxlab.routing.sitelink import with_sitelink_routes
from dxlab.routing.transit import outside_allowed_prefixes

SessionKey = tuple[str, str]
# The customer side when no topology describes it: every session's far end.
CUSTOMER_NETWORK = "customer network"


def targets_of(net: Network, vif: Vif) -> tuple[str, ...]:
    """What a VIF connects a data center to on AWS's side: its VGW or Direct Connect
    gateway and the VGWs/TGWs associated with that, or AWS's public side (public VIFs)."""
    if vif.type == "public":
        return (f"AWS public ({vif.location_region})",)
    out = [vif.gateway_id] if vif.gateway_id else []
    return (*out, *sorted(gateways_reached(net, vif) - set(out)))


@dataclass(frozen=True)
class SitePath:
    """Two data centers and the ways between them: the customer's WAN, or SiteLink over
    the AWS network (pairs of up sessions on SiteLink VIFs of one Direct Connect gateway,
    one at each end, each having advertised its own data center's prefix)."""

    a: str
    b: str
    wan: bool
    sitelink: tuple[tuple[SessionKey, SessionKey], ...]
    # SiteLink sessions are up at both ends, on one gateway, whether or not they carry
    # each data center's prefix to the other.
    sitelink_up: bool = False

    @property
    def reachable(self) -> bool:
        return self.wan or bool(self.sitelink)

    @property
    def reason(self) -> str:
        if self.reachable:
            return ""
        if self.sitelink_up:
            return (
                f"no WAN, and SiteLink carries no route between {self.a} and {self.b}: a data"
                " center whose own routers announce the other's prefix takes no route to it"
                " over SiteLink"
            )
        return NO_SITE_PATH


NO_SITE_PATH = "no WAN, and no SiteLink session is up at both data centers"


@dataclass(frozen=True)
class GatewayPath:
    site: str
    target: str
    reachable: bool
    via: tuple[str, ...]  # the VIFs with an up session between them
    reason: str


@lru_cache(maxsize=4096)
def site_prefixes(net: Network, site: str) -> tuple[str, ...]:
    """The prefixes a data center owns: those its routers advertise, less the ones another
    data center advertises with a higher local preference (this site only backs them up,
    as with 7224:7100 on the other site's prefix)."""
    best: dict[str, dict[str, int]] = {}
    for router in net.topology.routers:
        for advert in router.advertise:
            pref = next(
                (LOCAL_PREFERENCE[c] for c in advert.communities if c in LOCAL_PREFERENCE),
                DEFAULT_LOCAL_PREF,
            )
            by_site = best.setdefault(advert.prefix, {})
            by_site[router.site] = max(by_site.get(router.site, 0), pref)
    own = []
    for prefix, by_site in best.items():
        if site in by_site and by_site[site] == max(by_site.values()):
            own.append(prefix)
    return tuple(own)


def host_of(prefix: str) -> str:
    network = ipaddress.ip_network(prefix)
    return str(next(network.hosts(), network.network_address))


@lru_cache(maxsize=4096)
def site_address(net: Network, site: str) -> str | None:
    """The address that stands for a data center in ping and traceroute: the first host
    of its first own IPv4 prefix."""
    for prefix in site_prefixes(net, site):
        if ipaddress.ip_network(prefix).version == 4:
            return host_of(prefix)
    return None


def route_gap(net: Network, site: str, vpc: Vpc, address: str | None = None) -> str:
    """Why the VPC's route table sends nothing toward `site` ('' when it does). VPC user
    guide, "Route propagation": without it the table holds only its static routes, so
    the on-premises prefixes the VGW learns over Direct Connect are not routed; in each
    family alike (`address`: the site's IPv6 address for ping -6, else its IPv4 one)."""
    if vpc.propagation:
        return ""
    address = address or site_address(net, site)
    if address is None or any(covers(r, address) for r in vpc.static_routes):
        return ""
    prefix = next((p for p in site_prefixes(net, site) if covers(p, address)), address)
    why = (
        ": VGW route propagation is off"
        if (vpc.gateway or "").startswith("vgw-")
        else f" through {vpc.gateway}"
    )
    return f"route table {vpc.route_table} has no route to {prefix}{why}"


def all_states(
    net: Network, failed: Collection[Failure] = (), testing: Collection[SessionKey] = ()
) -> dict[SessionKey, SessionState]:
    tested = set(testing)
    states = {
        (vif.id, s.family): session_state(net, vif, s.family, failed, (vif.id, s.family) in tested)
        for vif in net.vifs.values()
        for s in vif.sessions
    }
    # SiteLink: what one SiteLink VIF's customer advertised, AWS advertises over the others.
    return with_sitelink_routes(net, states)


@dataclass(frozen=True)
class PairPath:
    site: str
    vpc: str
    reachable: bool
    forward: tuple[SessionKey, ...]  # sessions carrying site -> VPC traffic
    back: tuple[SessionKey, ...]  # sessions AWS picks for VPC -> site traffic
    reason: str


class Paths:
    """Path queries over one set of session states, with indexes (sessions per gateway,
    site per session) so that large inventories stay fast."""

    def __init__(self, net: Network, states: dict[SessionKey, SessionState]) -> None:
        self.net = net
        self.states = states
        self.site_by_router = {r.name: r.site for r in net.topology.routers}

    @cached_property
    def by_gateway(self) -> dict[str, list[SessionKey]]:
        reach: dict[str, frozenset[str]] = {}
        index: dict[str, list[SessionKey]] = defaultdict(list)
        for key in self.states:
            vif = self.net.vifs[key[0]]
            if vif.gateway_id not in reach:
                reach[vif.gateway_id] = gateways_reached(self.net, vif)
            for gw in reach[vif.gateway_id]:
                index[gw].append(key)
        return index

    @cached_property
    def site_by_session(self) -> dict[SessionKey, str | None]:
        out: dict[SessionKey, str | None] = {}
        for key in self.states:
            router = self.net.router_of_link.get(self.net.vifs[key[0]].connection_id)
            out[key] = self.site_by_router.get(router) if router else None
        return out

    def site_of_session(self, key: SessionKey) -> str | None:
        return self.site_by_session[key]

    def gateway_of(self, vpc: Vpc) -> str:
        return self.net.vpc_gateways.get(vpc.name, vpc.gateway or "")

    def region_of(self, vpc: Vpc) -> str:
        """The VPC's Region: its VGW's or TGW's (EC2's gateways are regional), else the
        topology's `region:`. Its traffic prefers this Region's locations (bgp.other_region)."""
        gateway = self.net.gateways.get(self.gateway_of(vpc))
        return gateway.region if gateway else vpc.region

    def learned(self, vpc: Vpc) -> list[SessionKey]:
        """Up sessions over which the customer learned the VPC's instance address."""
        return [
            k
            for k in self.by_gateway.get(self.gateway_of(vpc), [])
            if self.states[k].up
            and any(covers(r.cidr, vpc.instance) for r in self.states[k].advertised)
        ]

    def forward(
        self, site: str, vpc: Vpc, learned: list[SessionKey] | None = None
    ) -> tuple[SessionKey, ...]:
        """The customer's choice toward AWS: sessions at its own site's routers that learned
        the VPC's prefix; over the WAN, any other site's, when none is local."""
        learned = self.learned(vpc) if learned is None else learned
        local = [k for k in learned if self.site_by_session[k] == site]
        if local or not self.net.topology.wan:
            return tuple(local)
        return tuple(learned)

    def back(self, site: str, vpc: Vpc) -> tuple[SessionKey, ...]:
        address = site_address(self.net, site)
        if address is None:
            return ()
        cands = self.by_gateway.get(self.gateway_of(vpc), [])
        return best_toward_customer(self.net, self.states, address, self.region_of(vpc), cands)

    def pair(self, site: str, vpc: Vpc, learned: list[SessionKey] | None = None) -> PairPath:
        fwd, back = self.forward(site, vpc, learned), self.back(site, vpc)
        if not fwd:
            reason = (
                outside_allowed_prefixes(self.net, self.gateway_of(vpc), vpc.cidr, vpc.instance)
                or f"no BGP session is up that carries {vpc.cidr} to {site}"
            )
        elif not back:
            reason = f"AWS has no route back to {site} from {vpc.name}"
        elif gap := route_gap(self.net, site, vpc):
            reason = gap
        elif not self.net.topology.wan and any(self.site_by_session[k] != site for k in back):
            reason = f"return traffic lands at another data center and there is no WAN to {site}"
        else:
            reason = ""
        return PairPath(site, vpc.name, not reason, fwd, back, reason)

    @cached_property
    def to_gateways(self) -> dict[tuple[str, str], list[SessionKey]]:
        """(data center, gateway) -> every session between them, up or not."""
        out: dict[tuple[str, str], list[SessionKey]] = defaultdict(list)
        reach: dict[tuple[str, str, str], tuple[str, ...]] = {}  # many VIFs share a gateway
        for key in self.states:
            vif = self.net.vifs[key[0]]
            site = self.site_by_session[key] or CUSTOMER_NETWORK
            shared = (vif.type, vif.gateway_id, vif.location_region)
            if shared not in reach:
                reach[shared] = targets_of(self.net, vif)
            for target in reach[shared]:
                out[(site, target)].append(key)
        return out

    @cached_property
    def by_target(self) -> dict[str, list[SessionKey]]:
        """Gateway -> every session to it, from any data center."""
        out: dict[str, list[SessionKey]] = defaultdict(list)
        for (_, target), keys in sorted(self.to_gateways.items()):
            out[target] += keys
        return out

    def gateway_candidates(self, site: str, target: str) -> list[SessionKey]:
        """The sessions that can connect `site` to `target`: its own routers', or over
        the WAN any data center's (one list per gateway, so its cuts are computed once)."""
        if not self.net.topology.wan:
            return self.to_gateways.get((site, target), [])
        return self.by_target.get(target, [])

    def gateway_pair_keys(self) -> list[tuple[str, str]]:
        """The (data center, gateway) pairs to judge: each data center with the gateways
        its own sessions reach; over a WAN, which joins the data centers into one customer
        network, that network with every gateway any of them reaches (the one data
        center's name when there is one)."""
        sites = self.net.topology.sites
        if self.net.topology.wan and len(sites) > 1:
            return [(CUSTOMER_NETWORK, t) for t in sorted(self.by_target)]
        return sorted(self.to_gateways)

    def gateway_pairs(self) -> list[GatewayPath]:
        out = []
        for site, target in self.gateway_pair_keys():
            keys = self.gateway_candidates(site, target)
            up = [k for k in keys if self.states[k].up]
            reason = (
                "" if up else f"no BGP session to {target} is up ({self.states[keys[0]].reason})"
            )
            out.append(
                GatewayPath(site, target, bool(up), tuple(sorted({k[0] for k in up})), reason)
            )
        return out

    @cached_property
    def sitelink_by_site(self) -> dict[str, dict[str, list[SessionKey]]]:
        """Data center -> Direct Connect gateway -> its up sessions on SiteLink VIFs that
        carry one of its own prefixes to AWS."""
        out: dict[str, dict[str, list[SessionKey]]] = defaultdict(lambda: defaultdict(list))
        for key, state in self.states.items():
            vif = self.net.vifs[key[0]]
            site = self.site_by_session[key]
            if not vif.sitelink or site is None or not state.up:
                continue
            own = site_prefixes(self.net, site)
            if any(r.cidr in own for r in state.accepted):
                out[site][vif.gateway_id].append(key)
        return out

    def sitelink_sessions(self, site: str) -> dict[str, list[SessionKey]]:
        return self.sitelink_by_site.get(site, {})

    def sitelink_carries(self, key: SessionKey, site: str, other: str) -> bool:
        """Does AWS advertise over `key` (a session of `site`) the prefix that holds
        `other`'s address, and does `site` take it? Not when one of its own routers
        announces that prefix itself: its own announcement wins there, and the data
        center's core takes no route to it from its routers (lab/bird.site_core)."""
        address = site_address(self.net, other)
        if address is None:
            return False
        announced = {
            a.prefix for r in self.net.topology.routers if r.site == site for a in r.advertise
        }
        return any(
            covers(r.cidr, address) and r.cidr not in announced for r in self.states[key].advertised
        )

    def site_pair(self, a: str, b: str) -> SitePath:
        mine, theirs = self.sitelink_sessions(a), self.sitelink_sessions(b)
        up = [
            (x, y)
            for gw in sorted(mine.keys() & theirs.keys())
            for x in mine[gw]
            for y in theirs[gw]
            if x[1] == y[1]
        ]
        combos = tuple(
            (x, y)
            for x, y in up
            if self.sitelink_carries(x, a, b) and self.sitelink_carries(y, b, a)
        )
        return SitePath(a, b, self.net.topology.wan, combos, bool(up))

    def site_pairs(self) -> list[SitePath]:
        if not any(v.sitelink for v in self.net.vifs.values()):
            return []  # no SiteLink: the WAN alone joins data centers, and dxlab does not judge it
        sites = list(self.net.topology.sites)
        return [self.site_pair(a, b) for i, a in enumerate(sites) for b in sites[i + 1 :]]

    def all_pairs(self) -> list[PairPath]:
        out = []
        for vpc in self.net.topology.vpcs:
            learned = self.learned(vpc)
            out += [self.pair(site, vpc, learned) for site in self.net.topology.sites]
        return out
