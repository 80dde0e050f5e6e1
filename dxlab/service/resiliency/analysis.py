"""The analyzer's and the diagram's routes: the caller's inventory and customer topology
turned into the routing model's snapshot, then analysed (`dxlab analyze`) or drawn
(`dxlab diagram`). The CLI and the console both come through here."""

from __future__ import annotations

from typing import Any

from dxlab.routing.network import Network
from dxlab.routing.paths import all_states
from dxlab.service.context import Context
from dxlab.service.resiliency.reports import current_outages
from dxlab.service.routes import route
from dxlab.service.snapshot import build_network
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


def analysis(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
    """The analysis of the design (every single and pair failure from a healthy start),
    with what is failed right now beside it, so a report can say both."""
    net = build_network(uow, ctx)
    result = analyze(net).to_json()
    failed, testing = current_outages(uow, ctx.account)
    result["account"] = ctx.account
    result["inventory"] = _inventory(net)
    result["active_failures"] = sorted(str(f) for f in failed)
    result["tests_in_progress"] = sorted({vif for vif, _ in testing})
    if not net.topology.sites:
        result["note"] = "No customer topology is loaded: `dxlab topology load FILE` (or the wizard) first"
    return result


def marks(uow: UnitOfWork, ctx: Context, net: Network) -> Marks:
    """What the diagram paints red: failed domains, sessions down and why."""
    failed, testing = current_outages(uow, ctx.account)
    states = all_states(net, failed, testing)
    down = {key: state.reason for key, state in states.items() if not state.up}
    # The state each VIF shows in DescribeVirtualInterfaces (the data plane's word), not the stored one.
    shown = {rec.id: live_state(uow, rec) for rec in uow.list("virtual_interface", account=ctx.account) if rec.id in net.vifs}
    return Marks(frozenset(failed), frozenset(vif for vif, _ in testing), down, shown)


def diagram(uow: UnitOfWork, ctx: Context) -> str:
    net = build_network(uow, ctx)
    lag_of = {r.id: str(r.doc["lagId"]) for r in uow.list("connection", account=ctx.account) if r.doc.get("lagId")}
    return render_svg(net, marks(uow, ctx, net), f"account {ctx.account} · {ctx.region}", lag_of)


@route("GET", "/analyze")
def analyze_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return analysis(uow, ctx)


@route("GET", "/diagram.svg")
def diagram_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> bytes:
    return diagram(uow, ctx).encode()
