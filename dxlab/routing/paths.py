"""Which path traffic takes between a customer data center and a VPC, both ways, and
whether it gets through: the sim data plane's answer to ping and traceroute."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

from dxlab.domain.topology import Vpc
from dxlab.routing.bgp import (
    SessionState,
    best_toward_customer,
    covers,
    gateways_reached,
    session_state,
)
from dxlab.routing.network import Failure, Network

SessionKey = tuple[str, str]


def site_address(net: Network, site: str) -> str | None:
    """The address that stands for a data center: the first host of the first IPv4
    prefix its routers advertise."""
    for router in net.topology.routers:
        if router.site != site:
            continue
        for advert in router.advertise:
            network = ipaddress.ip_network(advert.prefix)
            if network.version == 4:
                return str(next(network.hosts(), network.network_address))
    return None


def all_states(
    net: Network, failed: Collection[Failure] = (), testing: Collection[SessionKey] = ()
) -> dict[SessionKey, SessionState]:
    tested = set(testing)
    return {
        (vif.id, s.family): session_state(net, vif, s.family, failed, (vif.id, s.family) in tested)
        for vif in net.vifs.values()
        for s in vif.sessions
    }


@dataclass(frozen=True)
class PairPath:
    site: str
    vpc: str
    reachable: bool
    forward: tuple[SessionKey, ...]  # sessions carrying site -> VPC traffic
    back: tuple[SessionKey, ...]  # sessions AWS picks for VPC -> site traffic
    reason: str


class Paths:
    """Path queries over one set of session states, with per-gateway indexes so that
    large inventories stay fast."""

    def __init__(self, net: Network, states: dict[SessionKey, SessionState]) -> None:
        self.net = net
        self.states = states

    @cached_property
    def by_gateway(self) -> dict[str, list[SessionKey]]:
        index: dict[str, list[SessionKey]] = defaultdict(list)
        for key in self.states:
            for gw in gateways_reached(self.net, self.net.vifs[key[0]]):
                index[gw].append(key)
        return index

    def site_of_session(self, key: SessionKey) -> str | None:
        router = self.net.router_of_link.get(self.net.vifs[key[0]].connection_id)
        return self.net.site_of(router) if router else None

    def forward(self, site: str, vpc: Vpc) -> tuple[SessionKey, ...]:
        """The customer's choice toward AWS: sessions at its own site's routers that learned
        the VPC's prefix; over the WAN, any other site's, when none is local."""
        gw = self.net.vpc_gateways.get(vpc.name, vpc.gateway or "")
        learned = [
            k for k in self.by_gateway.get(gw, [])
            if self.states[k].up and any(covers(r.cidr, vpc.instance + ("/32" if ":" not in vpc.instance else "/128"))
                                         for r in self.states[k].advertised)
        ]  # fmt: skip
        local = [k for k in learned if self.site_of_session(k) == site]
        if local or not self.net.topology.wan:
            return tuple(local)
        return tuple(learned)

    def back(self, site: str, vpc: Vpc) -> tuple[SessionKey, ...]:
        address = site_address(self.net, site)
        gw = self.net.vpc_gateways.get(vpc.name, vpc.gateway or "")
        if address is None:
            return ()
        subset = {k: self.states[k] for k in self.by_gateway.get(gw, [])}
        return best_toward_customer(self.net, subset, address, gw, vpc.region)

    def pair(self, site: str, vpc: Vpc) -> PairPath:
        fwd, back = self.forward(site, vpc), self.back(site, vpc)
        if not fwd:
            reason = f"no BGP session is up that carries {vpc.cidr} to {site}"
        elif not back:
            reason = f"AWS has no route back to {site} from {vpc.name}"
        elif not self.net.topology.wan and any(self.site_of_session(k) != site for k in back):
            reason = f"return traffic lands at another data center and there is no WAN to {site}"
        else:
            reason = ""
        return PairPath(site, vpc.name, not reason, fwd, back, reason)

    def all_pairs(self) -> list[PairPath]:
        return [self.pair(site, vpc) for site in self.net.topology.sites for vpc in self.net.topology.vpcs]
