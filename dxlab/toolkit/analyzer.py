"""The resiliency analyzer: for every failure domain, singly and in every pair, which
data center <-> VPC pairs and which prefixes lose connectivity, and why.

Reachability under failures only needs to know, for each pair, the sessions that could
carry it (BGP falls back to any surviving route); preference decides which one is used,
not whether one exists. So each pair's losses are its minimal cut sets over the failure
domains its candidate sessions depend on: singles are the domains in every candidate,
pairs the two-domain covers. Every one of the n*(n-1)/2 pairs is thereby answered exactly
without simulating each."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from dxlab.domain import catalog
from dxlab.domain.resiliency import broken_rules
from dxlab.domain.states import ConnectionState
from dxlab.routing.bgp import (
    SessionState,
    best_toward_customer,
    covers,
    dependencies,
    gateways_reached,
)
from dxlab.routing.network import Failure, Network
from dxlab.routing.paths import Paths, SessionKey, all_states, host_of, site_prefixes

AWS_SIDE = frozenset({"device", "connection", "location", "session"})
# Colocation.md: every Direct Connect location belongs to one AWS Region. "Every location
# of a Region fails at once" is asked beside the single and pair failures (it is never a
# single point of failure of a one-Region design: the SLA covers locations, not Regions).
REGION = "region"


@dataclass
class Analysis:
    sla: str
    sla_rule: str
    baseline: list[dict[str, object]]
    singles: dict[Failure, set[str]]
    pairs: dict[frozenset[Failure], set[str]]
    checks: list[dict[str, object]]
    findings: list[dict[str, object]]
    stats: dict[str, float] = field(default_factory=dict)
    baseline_gateways: list[dict[str, object]] = field(default_factory=list)
    baseline_sites: list[dict[str, object]] = field(default_factory=list)  # over SiteLink
    # Each Region's locations, connections and VIFs, and what losing all its locations loses.
    regions: list[dict[str, object]] = field(default_factory=list)
    # The Region of each AWS-side failure domain (location, device, connection, session).
    region_of: dict[Failure, str] = field(default_factory=dict)

    @property
    def single_points_of_failure(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for f, lost in sorted(self.singles.items(), key=lambda kv: str(kv[0])):
            if lost:
                entry: dict[str, object] = {"kind": f.kind, "id": f.id, "lost": sorted(lost)}
                if f in self.region_of:  # an AWS-side domain: its location's Region
                    entry["region"] = self.region_of[f]
                out.append(entry)
        return out

    def to_json(self) -> dict[str, object]:
        scenarios = [
            {"failed": [str(f)], "lost": sorted(lost)}
            for f, lost in sorted(self.singles.items(), key=lambda kv: str(kv[0]))
        ]
        scenarios += [
            {"failed": sorted(str(f) for f in pair), "lost": sorted(lost)}
            for pair, lost in sorted(self.pairs.items(), key=lambda kv: sorted(map(str, kv[0])))
        ]
        return {
            "sla": self.sla,
            "sla_rule": self.sla_rule,
            "single_points_of_failure": self.single_points_of_failure,
            "scenarios": scenarios,
            "baseline": self.baseline,
            "baseline_gateways": self.baseline_gateways,
            "baseline_sites": self.baseline_sites,
            "regions": self.regions,
            "checks": self.checks,
            "findings": self.findings,
            "stats": self.stats,
        }


def _cuts(
    candidates: list[frozenset[Failure]],
) -> tuple[frozenset[Failure], frozenset[frozenset[Failure]]]:
    """Minimal cut sets of size 1 and 2 of a family of dependency sets (a path survives
    while none of its domains failed; the pair is lost when every path is hit)."""
    if not candidates:
        return frozenset(), frozenset()
    singles = frozenset.intersection(*candidates)
    doubles: set[frozenset[Failure]] = set()
    for a in candidates[0] - singles:
        rest = [s for s in candidates if a not in s]
        if rest:
            doubles.update(frozenset({a, b}) for b in frozenset.intersection(*rest) - singles)
    return singles, frozenset(doubles)


class _CutCache:
    """Many site <-> VPC pairs share one candidate list (all sites of a VPC over the WAN);
    their cuts are computed once and filtered by the failures that do not count."""

    def __init__(
        self, deps: dict[SessionKey, frozenset[Failure]], region_of: dict[SessionKey, str]
    ) -> None:
        self.deps = deps
        self.region_of = region_of
        # A design in one Region (most): every candidate list is lost with that Region.
        regions = set(region_of.values())
        self.one_region = next(iter(regions)) if len(regions) == 1 else ""
        self.memo: dict[
            tuple[SessionKey, ...],
            tuple[frozenset[Failure], frozenset[frozenset[Failure]], str],
        ] = {}

    def cuts(
        self, keys: list[SessionKey], exclude: frozenset[Failure]
    ) -> tuple[list[Failure], list[frozenset[Failure]], str]:
        """The single and pair cuts, and the Region whose loss alone cuts every key ("")."""
        memo_key = tuple(keys)
        if memo_key not in self.memo:
            if self.one_region:
                only = self.one_region if keys else ""
            else:
                regions = {self.region_of[k] for k in keys}
                only = next(iter(regions)) if len(regions) == 1 else ""
            self.memo[memo_key] = (*_cuts([self.deps[k] for k in keys]), only)
        singles, doubles, region = self.memo[memo_key]
        return (
            [f for f in singles if f not in exclude],
            [d for d in doubles if not (d & exclude)],
            region,
        )


class _Losses:
    """What each failure domain, and each pair of them, loses; filled pair by pair."""

    def __init__(
        self,
        deps: dict[SessionKey, frozenset[Failure]],
        domains: set[Failure],
        region_of: dict[SessionKey, str],
    ) -> None:
        self.deps = deps
        self.domains = domains
        self.singles: dict[Failure, set[str]] = {f: set() for f in domains}
        self.pairs: dict[frozenset[Failure], set[str]] = defaultdict(set)
        self.regions: dict[str, set[str]] = defaultdict(set)  # every location of it failed
        self.cuts = _CutCache(deps, region_of)

    def record(
        self, lost: str, cut1: Iterable[Failure], cut2: Iterable[frozenset[Failure]]
    ) -> None:
        for f in cut1:
            self.singles.setdefault(f, set()).add(lost)
        for pair in cut2:
            self.pairs[pair].add(lost)

    def over_sessions(self, lost: str, keys: list[SessionKey], own: frozenset[Failure]) -> None:
        """`lost` goes when every one of `keys` is down (`own`: failures that do not count)."""
        cut1, cut2, region = self.cuts.cuts(keys, own)
        self.record(lost, cut1, cut2)
        if region:
            self.regions[region].add(lost)


def analyze(
    net: Network,
    failed: Collection[Failure] = (),
    testing: Collection[SessionKey] = (),
    states: dict[SessionKey, SessionState] | None = None,
) -> Analysis:
    """Every single failure and pair, from the network as it is with `failed` and
    `testing` (what is down now) already down; `states`, when given, are the sessions as
    the data plane in use says they are now (the snapshot's), else the routing model's."""
    started = time.perf_counter()
    states = all_states(net, failed, testing) if states is None else states
    paths = Paths(net, states)
    deps = {k: dependencies(net, net.vifs[k[0]], k[1]) for k, s in states.items() if s.up}
    domains: set[Failure] = {f for d in deps.values() for f in d}
    domains |= {Failure("site", s) for s in net.topology.sites}
    domains |= {Failure("router", r.name) for r in net.topology.routers}
    losses = _Losses(deps, domains, {k: net.vifs[k[0]].location_region for k in deps})
    # Sessions accepting each customer prefix.
    accepting: dict[str, set[SessionKey]] = defaultdict(set)
    for key in deps:
        for route in states[key].accepted:
            accepting[route.cidr].add(key)
    baseline = _vpc_pairs(net, paths, losses, accepting)
    baseline_gateways = _gateway_pairs(net, paths, losses)
    baseline_sites = _site_pairs(paths, losses)
    single_vif_prefixes = _prefixes(net, paths, losses, accepting)
    sla, rule = _sla(net, losses.singles)
    elapsed = time.perf_counter() - started
    n = len(losses.domains)
    stats = {
        "failure_domains": n,
        "single_scenarios": n,
        "pair_scenarios": n * (n - 1) // 2,
        "seconds": round(elapsed, 3),
        "scenarios_per_second": round((n + n * (n - 1) // 2) / elapsed) if elapsed else 0,
    }
    findings = single_vif_prefixes + _session_findings(
        net, paths, _used_sessions(net, paths, accepting)
    )
    return Analysis(
        sla,
        rule,
        baseline,
        losses.singles,
        dict(losses.pairs),
        _checks(net),
        findings,
        stats,
        baseline_gateways,
        baseline_sites,
        _regions(net, losses.regions),
        _domain_regions(net, losses.domains),
    )


def region_of_location(net: Network, code: str) -> str:
    return catalog.region_of(code, net.region)


def _regions(net: Network, lost: dict[str, set[str]]) -> list[dict[str, object]]:
    """Each Region of the design (its locations, connections and VIFs), and what is lost
    when every one of its locations fails at once."""
    out: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"locations": [], "connections": [], "virtualInterfaces": []}
    )
    for link in sorted(net.links.values(), key=lambda lk: lk.id):
        got = out[region_of_location(net, link.location)]
        got["connections"].append(link.id)
        if link.location not in got["locations"]:
            got["locations"].append(link.location)
    for vif in sorted(net.vifs.values(), key=lambda v: v.id):
        out[vif.location_region]["virtualInterfaces"].append(vif.id)
    return [
        {
            "region": region,
            "locations": sorted(got["locations"]),
            "connections": got["connections"],
            "virtualInterfaces": got["virtualInterfaces"],
            "lost_if_region_fails": sorted(lost.get(region, ())),
        }
        for region, got in sorted(out.items())
    ]


def _domain_regions(net: Network, domains: set[Failure]) -> dict[Failure, str]:
    """The Region of each AWS-side failure domain: its location's."""
    device_location = {link.device: link.location for link in net.links.values()}
    link_location = {link.id: link.location for link in net.links.values()}
    out: dict[Failure, str] = {}
    for f in domains:
        if f.kind == "location":
            code: str | None = f.id
        elif f.kind == "device":
            code = device_location.get(f.id)
        elif f.kind == "connection":
            code = link_location.get(f.id)
        elif f.kind == "session":
            vif = net.vifs.get(f.id.split(":", 1)[0])
            code = vif.location if vif else None
        else:
            continue
        if code is not None:
            out[f] = region_of_location(net, code)
    return out


def _vpc_pairs(
    net: Network, paths: Paths, losses: _Losses, accepting: dict[str, set[SessionKey]]
) -> list[dict[str, object]]:
    """Each data center <-> VPC pair: both ways, as the customer and AWS choose them."""
    deps = losses.deps
    # A data center keeps its pair with a VPC while any of its own prefixes has a way back.
    site_keys: dict[str, set[SessionKey]] = {}
    for site in net.topology.sites:
        hosts = [host_of(p) for p in site_prefixes(net, site)]
        site_keys[site] = set().union(
            *(ks for p, ks in accepting.items() if any(covers(p, h) for h in hosts))
        )
    baseline: list[dict[str, object]] = []
    for vpc in net.topology.vpcs:
        learned = paths.learned(vpc)
        gw = paths.gateway_of(vpc)
        cands = [k for k in paths.by_gateway.get(gw, []) if k in deps]
        for site in net.topology.sites:
            result = paths.pair(site, vpc, learned)
            baseline.append(
                {
                    "site": site,
                    "vpc": vpc.name,
                    "reachable": result.reachable,
                    "forward": [k[0] for k in result.forward],
                    "back": [k[0] for k in result.back],
                    "reason": result.reason,
                }
            )
            if not result.reachable:
                continue
            fwd = learned
            back = [k for k in cands if k in site_keys[site]]
            if not net.topology.wan:
                fwd = [k for k in fwd if paths.site_of_session(k) == site]
                back = [k for k in back if paths.site_of_session(k) == site]
            own = frozenset({Failure("site", site)})
            for side in (fwd, back):
                losses.over_sessions(f"{site} <-> {vpc.name}", side, own)
    return baseline


def _gateway_pairs(net: Network, paths: Paths, losses: _Losses) -> list[dict[str, object]]:
    """Connectivity to AWS itself: each data center <-> gateway (VGW, TGW, Direct Connect
    gateway, AWS's public side), whether or not a VPC has been described behind it."""
    out: list[dict[str, object]] = []
    for site, target in paths.gateway_pair_keys():
        cands = [k for k in paths.gateway_candidates(site, target) if k in losses.deps]
        if not cands:
            continue
        out.append(
            {"site": site, "gateway": net.label(target), "via": sorted({k[0] for k in cands})}
        )
        losses.over_sessions(
            f"{site} <-> {net.label(target)}", cands, frozenset({Failure("site", site)})
        )
    return out


def _site_pairs(paths: Paths, losses: _Losses) -> list[dict[str, object]]:
    """SiteLink: data center <-> data center over the AWS network, beside the customer's
    WAN (whose link at each data center is a failure domain of its own here)."""
    deps = losses.deps
    out: list[dict[str, object]] = []
    for sp in paths.site_pairs():
        ways = [deps[x] | deps[y] for x, y in sp.sitelink if x in deps and y in deps]
        if not ways:
            continue
        if sp.wan:
            wan = frozenset({Failure("wan", sp.a), Failure("wan", sp.b)})
            ways.append(wan)
            losses.domains |= wan
        own = frozenset({Failure("site", sp.a), Failure("site", sp.b)})
        cut1, cut2 = _cuts(ways)
        lost = f"{sp.a} <-> {sp.b}"
        losses.record(lost, [f for f in cut1 if f not in own], [d for d in cut2 if not d & own])
        # Over SiteLink a way needs both its VIFs; a Region takes every way that uses it.
        region_of = losses.cuts.region_of
        hit = [{region_of[x], region_of[y]} for x, y in sp.sitelink if x in deps and y in deps]
        if not sp.wan:
            for region in set.intersection(*hit):
                losses.regions[region].add(lost)
        out.append(
            {
                "sites": [sp.a, sp.b],
                "wan": sp.wan,
                "sitelink": sorted({k[0] for pair in sp.sitelink for k in pair}),
            }
        )
    return out


def _prefixes(
    net: Network, paths: Paths, losses: _Losses, accepting: dict[str, set[SessionKey]]
) -> list[dict[str, object]]:
    """Each advertised customer prefix, from each VPC; the prefixes on one VIF only."""
    prefix_owner: dict[str, set[str]] = defaultdict(set)
    for router in net.topology.routers:
        for advert in router.advertise:
            prefix_owner[advert.prefix].add(router.site)
    single_vif_prefixes: list[dict[str, object]] = []
    for vpc in net.topology.vpcs:
        reaching = {k for k in paths.by_gateway.get(paths.gateway_of(vpc), []) if k in losses.deps}
        for prefix, owners in prefix_owner.items():
            carriers = [k for k in accepting.get(prefix, ()) if k in reaching]
            if not carriers:
                continue
            losses.over_sessions(
                f"{prefix} from {vpc.name}", carriers, frozenset(Failure("site", s) for s in owners)
            )
            vifs = {k[0] for k in carriers}
            if len(vifs) == 1:
                single_vif_prefixes.append(
                    {
                        "kind": "prefix-on-one-vif",
                        "prefix": prefix,
                        "vpc": vpc.name,
                        "virtualInterfaceId": next(iter(vifs)),
                        "detail": f"{prefix} reaches {vpc.name} over one VIF only",
                    }
                )
    return single_vif_prefixes


def _sla(net: Network, singles: dict[Failure, set[str]]) -> tuple[str, str]:
    """99.99 % needs the maximum model's layout and no single AWS-side failure that loses
    anything; 99.9 % the high model's; else none, naming the rule that fails."""
    aws_spof = sorted(
        (str(f), sorted(lost)) for f, lost in singles.items() if lost and f.kind in AWS_SIDE
    )
    if aws_spof:
        f, lost = aws_spof[0]
        return "none", f"a single failure of {f} loses {lost[0]}"
    used = {net.vifs[v].connection_id for v in net.vifs}
    conns = [
        {
            "connectionId": link.id,
            "connectionState": link.state,
            "bandwidth": "x",
            "awsDevice": link.device,
            "location": link.location,
        }
        for link in net.links.values()
        if link.id in used
    ]
    if not conns:
        return "none", "no virtual interface carries traffic"
    maximum = broken_rules("maximum-resiliency", conns)
    if not maximum:
        return "99.99%", ""
    high = broken_rules("high-resiliency", conns)
    if not high:
        return "99.9%", f"not maximum: {maximum[0]}"
    return "none", high[0]


def _checks(net: Network) -> list[dict[str, object]]:
    """The Direct Connect checks of AWS Trusted Advisor and Prowler, for comparison."""
    links = [link for link in net.links.values() if link.state == ConnectionState.AVAILABLE]
    locations = {link.location for link in links}
    checks: list[dict[str, object]] = [
        {
            "name": "connection redundancy",
            "source": "Trusted Advisor",
            "ok": len(links) >= 2,
            "detail": f"{len(links)} available connection(s)",
        },
        {
            "name": "location redundancy",
            "source": "Trusted Advisor",
            "ok": len(locations) >= 2,
            "detail": f"connections in {len(locations)} location(s)",
        },
    ]
    by_gateway: dict[str, set[str]] = defaultdict(set)
    for vif in net.vifs.values():
        if vif.gateway_id:
            by_gateway[vif.gateway_id].add(vif.connection_id)  # de-duplicated, unlike Prowler
    weak = sorted(g for g, conns in by_gateway.items() if len(conns) < 2)
    checks.append(
        {
            "name": "virtual interface redundancy",
            "source": "Trusted Advisor / Prowler",
            "ok": not weak,
            "detail": f"gateways reached over a single connection: {', '.join(weak) or 'none'}",
        }
    )
    return checks


def _used_sessions(net: Network, paths: Paths, accepting: dict[str, set[SessionKey]]) -> set[str]:
    """VIFs AWS picks toward the customer for at least one prefix, from at least one VPC."""
    used: set[str] = set()
    for vpc in net.topology.vpcs:
        reaching = set(paths.by_gateway.get(paths.gateway_of(vpc), []))
        for prefix, keys in accepting.items():
            cands = [k for k in keys if k in reaching]
            if cands:
                used.update(
                    k[0]
                    for k in best_toward_customer(
                        net, paths.states, host_of(prefix), paths.region_of(vpc), cands
                    )
                )
    return used


def _session_findings(net: Network, paths: Paths, used_vifs: set[str]) -> list[dict[str, object]]:
    findings: list[dict[str, object]] = []
    for key, state in paths.states.items():
        vif = net.vifs[key[0]]
        if not state.up and state.reason.startswith("idle"):
            findings.append(
                {
                    "kind": "prefix-limit",
                    "virtualInterfaceId": vif.id,
                    "family": key[1],
                    "detail": state.reason,
                }
            )
        elif state.up and state.accepted and vif.id not in used_vifs and gateways_reached(net, vif):
            findings.append(
                {
                    "kind": "backup-never-used",
                    "virtualInterfaceId": vif.id,
                    "family": key[1],
                    "detail": f"{vif.id} carries no traffic toward the customer while the preferred paths are up",
                }
            )
    for router in net.topology.routers:
        if not router.bfd:
            findings.append(
                {
                    "kind": "no-bfd",
                    "router": router.name,
                    "detail": f"{router.name} has BFD off: a fiber cut is detected by the 90 s hold timer, not in 900 ms",
                }
            )
    return findings
