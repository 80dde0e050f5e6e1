"""`dxlab verify`: ping and traceroute from each customer data center to each VPC
instance, on the data plane in use (the routing model in sim mode)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from dxlab.domain.errors import ValidationError
from dxlab.domain.topology import Vpc
from dxlab.routing.paths import Paths, all_states
from dxlab.routing.probe import verify
from dxlab.service.context import Context
from dxlab.service.resiliency.reports import current_outages
from dxlab.service.routes import route
from dxlab.service.snapshot import build_network
from dxlab.store.repository import UnitOfWork

# The lab data plane's hook (lab/plane.py): real ping and traceroute for
# (account, site, vpc, count), or None where the lab does not run that pair.
LabVerifier = Callable[[str, str, Vpc, int], "dict[str, Any] | None"]
_lab_verifier: list[LabVerifier | None] = [None]


def use_lab_verifier(verifier: LabVerifier | None) -> None:
    _lab_verifier[0] = verifier


@route("GET", "/verify")
def verify_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    net = build_network(uow, ctx)
    if not net.topology.sites or not net.topology.vpcs:
        raise ValidationError("No customer topology is loaded: `dxlab topology load FILE` (or `dxlab up -t FILE`) first")
    states = all_states(net, *current_outages(uow, ctx.account))
    paths = Paths(net, states)
    sites = [args["site"]] if args.get("site") else list(net.topology.sites)
    vpcs = [v for v in net.topology.vpcs if not args.get("vpc") or v.name == args["vpc"]]
    unknown = [s for s in sites if s not in net.topology.sites]
    if unknown or not vpcs:
        raise ValidationError(f"Unknown data center or VPC: {', '.join(unknown) or args.get('vpc')}")
    count = max(1, min(int(args.get("count", 5)), 100))
    results = []
    for site in sites:
        for vpc in vpcs:
            from_lab = _lab_verifier[0](ctx.account, site, vpc, count) if _lab_verifier[0] else None
            if from_lab is not None:
                results.append(from_lab)
                continue
            v = verify(net, paths, site, vpc, count)
            results.append({
                "site": v.site, "vpc": v.vpc, "source": v.source, "destination": v.destination,
                "reachable": v.reachable, "ping": {"sent": v.sent, "received": v.received},
                "hops": [asdict(h) for h in v.hops], "reason": v.reason, "dataPlane": "sim",
            })  # fmt: skip
    first = results[0]
    # The contract of `dxlab verify --json`: the first pair's fields at the top, all pairs under "pairs".
    return {**first, "reachable": all(r["reachable"] for r in results), "pairs": results}
