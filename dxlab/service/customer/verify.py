"""`dxlab verify`: ping and traceroute from each customer data center to each VPC
instance, on the data plane in use (the routing model in sim mode)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dxlab.domain.errors import ValidationError
from dxlab.domain.topology import Vpc
from dxlab.routing.dualstack import verify_ipv6
from dxlab.routing.probe import Verification, verify
from dxlab.routing.public import public_regions, verify_public
from dxlab.routing.sites import verify_sites
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.service.snapshot import NetworkSnapshot, network_snapshot
from dxlab.store.repository import UnitOfWork


def _count(value: Any) -> int:
    """Pings per pair: a whole number, taken as 1 to 100."""
    try:
        return max(1, min(int(str(value)), 100))
    except ValueError:
        raise ValidationError(
            f"count is the number of pings per pair, a whole number (1 to 100); got {value!r}"
        ) from None


@route("GET", "/verify")
def verify_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    snap = network_snapshot(uow, ctx)
    net = snap.network
    public = _flag(args.get("public"))
    if not net.topology.sites:
        raise ValidationError(
            "No customer topology is loaded: `dxlab topology load FILE` (or `dxlab up -t FILE`) first"
        )
    if args.get("to"):
        return _sites(ctx, snap, args)
    if not net.topology.vpcs and not public:
        raise ValidationError(
            "No VPC to ping: add `vpcs:` to the topology, or run an EC2 instance in a VPC"
            " attached to a virtual private gateway or transit gateway"
        )
    sites = [args["site"]] if args.get("site") else list(net.topology.sites)
    count = _count(args.get("count", 5))
    if public:
        if sites[0] not in net.topology.sites:
            raise ValidationError(f"Unknown data center: {sites[0]}")
        results = _public(ctx, snap, sites, count)
        return {**results[0], "reachable": all(r["reachable"] for r in results), "pairs": results}
    vpcs = [v for v in net.topology.vpcs if not args.get("vpc") or v.name == args["vpc"]]
    unknown = [s for s in sites if s not in net.topology.sites]
    if unknown or not vpcs:
        raise ValidationError(
            f"Unknown data center or VPC: {', '.join(unknown) or args.get('vpc')}"
        )
    if _flag(args.get("ipv6")):
        results = _ipv6(ctx, snap, sites, vpcs, count)
        return {**results[0], "reachable": all(r["reachable"] for r in results), "pairs": results}
    results = []
    for site in sites:
        for vpc in vpcs:
            from_lab = ctx.plane.verify(ctx.account, site, vpc, count)
            v = verify(net, snap.paths, site, vpc, count)
            results.append(_shape(v) if from_lab is None else _explained(from_lab, v))
    first = results[0]
    # The contract of `dxlab verify --json`: the first pair's fields at the top, all pairs under "pairs".
    return {**first, "reachable": all(r["reachable"] for r in results), "pairs": results}


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true", "yes")


def _explained(from_lab: dict[str, Any], model: Verification) -> dict[str, Any]:
    """The lab's answer; where its packets only show that nothing came back, with the
    reason the routing model gives (the same snapshot: why no route exists is a fact of
    the configuration, such as a VPC outside the allowed prefixes, which no probe sees)."""
    if from_lab["reachable"] or not model.reason or not from_lab["reason"].startswith("no reply"):
        return from_lab
    return {**from_lab, "reason": f"{model.reason} ({from_lab['reason']})"}


def _shape(v: Verification) -> dict[str, Any]:
    return {
        "site": v.site,
        "vpc": v.vpc,
        "source": v.source,
        "destination": v.destination,
        "reachable": v.reachable,
        "ping": {"sent": v.sent, "received": v.received},
        "hops": [asdict(h) for h in v.hops],
        "reason": v.reason,
        "dataPlane": "sim",
    }


def _public(
    ctx: Context, snap: NetworkSnapshot, sites: list[str], count: int
) -> list[dict[str, Any]]:
    """Step 5 for the AWS Cloud: each data center to the AWS public service of each Region
    that one of the account's public VIFs is in (routing/public.py)."""
    regions = public_regions(snap.network)
    if not regions:
        raise ValidationError(
            "The account has no public virtual interface: `dxlab verify --public` traces over one"
        )
    results = []
    for site in sites:
        for region in regions:
            from_lab = ctx.plane.verify_public(ctx.account, site, region, count)
            if from_lab is not None:
                results.append({**from_lab, "public": region})
                continue
            results.append(
                {
                    **_shape(verify_public(snap.network, snap.paths, site, region, count)),
                    "public": region,
                }
            )
    return results


def _ipv6(
    ctx: Context, snap: NetworkSnapshot, sites: list[str], vpcs: list[Vpc], count: int
) -> list[dict[str, Any]]:
    """Dual stack: ping -6 and traceroute -6 to each VPC that has an IPv6 CIDR (routing/dualstack.py)."""
    dual = [v for v in vpcs if v.ipv6_instance]
    if not dual:
        raise ValidationError(
            "No VPC of the topology has an IPv6 CIDR: give one `ipv6_cidr` and `ipv6_instance`"
        )
    results = []
    for site in sites:
        for vpc in dual:
            from_lab = ctx.plane.verify_ipv6(ctx.account, site, vpc, count)
            if from_lab is not None:
                results.append({**from_lab, "family": "ipv6"})
                continue
            results.append(
                {
                    **_shape(verify_ipv6(snap.network, snap.paths, site, vpc, count)),
                    "family": "ipv6",
                }
            )
    return results


def _sites(ctx: Context, snap: NetworkSnapshot, args: dict[str, Any]) -> dict[str, Any]:
    """Data center to data center (`dxlab verify --to DC`): over SiteLink, or the WAN
    (WorkingWithVirtualInterfaces.md, "SiteLink"; routing/sites.py)."""
    sites = snap.network.topology.sites
    other = str(args["to"])
    froms = [args["site"]] if args.get("site") else [s for s in sites if s != other]
    unknown = [s for s in (*froms, other) if s not in sites]
    if unknown:
        raise ValidationError(f"Unknown data center: {unknown[0]}")
    if not froms or froms == [other]:
        raise ValidationError(f"Give another data center than {other} to verify from")
    count = max(1, min(int(args.get("count", 5)), 100))
    results = []
    for site in froms:
        from_lab = ctx.plane.verify_site(ctx.account, site, other, count)
        v = verify_sites(snap.network, snap.paths, site, other, count)
        results.append(
            {**(_shape(v) if from_lab is None else _explained(from_lab, v)), "to": other}
        )
    return {**results[0], "reachable": all(r["reachable"] for r in results), "pairs": results}
