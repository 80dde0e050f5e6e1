"""The analyzer's and the diagram's routes: the caller's inventory and customer topology
turned into the routing model's snapshot, then analysed (`dxlab analyze`) or drawn
(`dxlab diagram`). The CLI and the console both come through here."""

from __future__ import annotations

from typing import Any

from dxlab.routing.network import Network
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.service.snapshot import NetworkSnapshot, network_snapshot
from dxlab.service.virtual_interfaces.state import live_state
from dxlab.store.repository import UnitOfWork
from dxlab.toolkit.analyzer import analyze
from dxlab.toolkit.diagram import Marks, render_svg


def _inventory(net: Network) -> dict[str, int]:
    return {
        "connections": len(net.links),
        "virtualInterfaces": len(net.vifs),
        "gateways": len(net.gateways),
        "dataCenters": len(net.topology.sites),
        "routers": len(net.topology.routers),
        "vpcs": len(net.topology.vpcs),
    }


DESIGN_QUESTION = (
    "From the network as it stands (failures and failover tests running now count as down), does"
    " the whole design (AWS side, customer routers and data centers, routes) keep every data center"
    " connected to its gateways and VPCs through every single failure and every pair of failures?"
    " The SLA is the one it qualifies for now. A resiliency group's compliance answers another"
    " question: whether its connections, as ordered, follow the model's layout rules."
)
NOW_QUESTION = "What reaches what right now, on the data plane in use, with the failures and tests running now?"


def now(snap: NetworkSnapshot) -> dict[str, Any]:
    """Reachability now: the same snapshot Describe*, routes and verify read."""
    paths = snap.paths
    pairs: list[dict[str, Any]] = [
        {
            "site": p.site,
            "to": p.vpc,
            "kind": "vpc",
            "reachable": p.reachable,
            "forward": [k[0] for k in p.forward],
            "back": [k[0] for k in p.back],
            "reason": p.reason,
        }
        for p in paths.all_pairs()
    ]
    for g in paths.gateway_pairs():
        pairs.append(
            {
                "site": g.site,
                "to": snap.network.label(g.target),
                "kind": "gateway",
                "reachable": g.reachable,
                "forward": list(g.via),
                "back": list(g.via),
                "reason": g.reason,
            }
        )
    uses_sitelink = any(v.sitelink for v in snap.network.vifs.values())
    for s in paths.site_pairs() if uses_sitelink else []:
        if s.sitelink or not s.wan:
            via = sorted({k[0] for pair in s.sitelink for k in pair})
            pairs.append(
                {
                    "site": s.a,
                    "to": s.b,
                    "kind": "site",
                    "reachable": s.reachable,
                    "forward": via,
                    "back": via,
                    "reason": s.reason,
                }
            )
    down = [
        {"virtualInterfaceId": k[0], "family": k[1], "reason": s.reason}
        for k, s in sorted(snap.sessions.items())
        if not s.up
    ]
    return {
        "question": NOW_QUESTION,
        "dataPlane": snap.plane,
        "pairs": pairs,
        "sessions_down": down,
    }


def analysis(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
    """The analysis of the design (every single and pair failure from a healthy start),
    with what is failed right now beside it, so a report can say both."""
    snap = network_snapshot(uow, ctx)
    net = snap.network
    result = analyze(net, states=snap.sessions).to_json()
    result["question"] = DESIGN_QUESTION
    result["account"] = ctx.account
    result["inventory"] = _inventory(net)
    result["active_failures"] = sorted(str(f) for f in snap.outages.failed)
    result["tests_in_progress"] = sorted({vif for vif, _ in snap.outages.testing})
    result["now"] = now(snap)
    if not net.topology.sites:
        result["note"] = (
            "No customer topology is loaded: `dxlab topology load FILE` (or the wizard) first"
        )
    return result


def marks(uow: UnitOfWork, ctx: Context, snap: NetworkSnapshot) -> Marks:
    """What the diagram paints red: failed domains, sessions down and why."""
    down = {key: state.reason for key, state in snap.sessions.items() if not state.up}
    # The state each VIF shows in DescribeVirtualInterfaces (the data plane's word), not the stored one.
    shown = {
        rec.id: str(live_state(snap, rec))
        for rec in uow.list("virtual_interface", account=ctx.account)
        if rec.id in snap.network.vifs
    }
    return Marks(
        frozenset(snap.outages.failed),
        frozenset(vif for vif, _ in snap.outages.testing),
        down,
        shown,
    )


def diagram(uow: UnitOfWork, ctx: Context) -> str:
    snap = network_snapshot(uow, ctx)
    lag_of = {
        r.id: str(r.doc["lagId"])
        for r in uow.list("connection", account=ctx.account)
        if r.doc.get("lagId")
    }
    return render_svg(
        snap.network, marks(uow, ctx, snap), f"account {ctx.account} · {ctx.region}", lag_of
    )


@route("GET", "/analyze")
def analyze_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return analysis(uow, ctx)


@route("GET", "/diagram.svg")
def diagram_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> bytes:
    return diagram(uow, ctx).encode()
