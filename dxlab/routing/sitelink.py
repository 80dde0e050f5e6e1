"""SiteLink on the AWS side (WorkingWithVirtualInterfaces.md, "SiteLink"): between the
SiteLink-enabled VIFs of one Direct Connect gateway, AWS re-advertises what the customer
advertised over one of them to the others, so data centers reach each other over the
AWS network "without needing to route your traffic through a Region".

What each such session advertises beyond the VPC prefixes (`with_sitelink_routes`): the
IPv4 routes accepted over the gateway's other up SiteLink sessions, AWS's ASN prepended,
except the prefixes its own customer router advertises (a data center is not offered its
own prefixes back). The lab (lab/sitelink.py) exports the same from BIRD. IPv4 only: the
lab carries SiteLink over IPv4 (its IPv6 half has no SiteLink path)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache

from dxlab.domain.topology import LOCAL_PREFERENCE
from dxlab.routing.bgp import DEFAULT_LOCAL_PREF, Route, SessionState
from dxlab.routing.network import Network

SessionKey = tuple[str, str]
SITELINK_FAMILY = "ipv4"


def sitelink_address(dx_gateway_id: str) -> str:
    """Where a Direct Connect gateway's SiteLink path answers traceroute, in the sim and
    the lab alike (100.67.0.0/16, apart from the lab's other internal ranges)."""
    digest = hashlib.sha256(dx_gateway_id.encode()).digest()
    return f"100.67.{digest[0]}.{1 + digest[1] % 254}"


@lru_cache(maxsize=1024)
def uses_sitelink(net: Network) -> bool:
    return any(v.sitelink for v in net.vifs.values())


def _rank(route: Route) -> tuple[int, int]:
    """AWS's choice among the same prefix heard at several SiteLink VIFs: the customer's
    local-preference community, then the shorter AS_PATH (routing-and-bgp.md)."""
    pref = next(
        (LOCAL_PREFERENCE[c] for c in route.communities if c in LOCAL_PREFERENCE),
        DEFAULT_LOCAL_PREF,
    )
    return (pref, -len(route.as_path))


def with_sitelink_routes(
    net: Network, states: dict[SessionKey, SessionState]
) -> dict[SessionKey, SessionState]:
    """`states` with each up SiteLink session's advertised routes completed by what the
    other SiteLink sessions of its Direct Connect gateway accepted."""
    if not uses_sitelink(net):
        return states  # most networks, and the analyzer asks many times: one cached look
    sitelink = [
        k for k, s in states.items() if s.up and k[1] == SITELINK_FAMILY and net.vifs[k[0]].sitelink
    ]
    if len(sitelink) < 2:
        return states
    best: dict[str, dict[str, Route]] = {}  # gateway -> prefix -> the best route heard
    for key in sorted(sitelink):
        gateway = best.setdefault(net.vifs[key[0]].gateway_id, {})
        for route in states[key].accepted:
            held = gateway.get(route.cidr)
            if held is None or _rank(route) > _rank(held):
                gateway[route.cidr] = route
    out = dict(states)
    for key in sitelink:
        vif = net.vifs[key[0]]
        state = states[key]
        own = {r.cidr for r in state.accepted}
        have = {r.cidr for r in state.advertised}
        extra = tuple(
            Route(r.cidr, r.family, (vif.amazon_asn, *r.as_path), r.communities)
            for cidr, r in sorted(best.get(vif.gateway_id, {}).items())
            if cidr not in own and cidr not in have
        )
        if extra:
            out[key] = replace(state, advertised=(*state.advertised, *extra))
    return out
