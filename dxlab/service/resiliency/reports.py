"""Reports of failover tests and injected failures (beyond AWS, which only says that a
test ran): the routes each VIF accepted and advertised before and during it, which
customer prefixes kept another VIF and which were learned over the failed part only,
and which data center <-> VPC pairs kept a path and over which VIF(s).

The comparison is computed from the routing model when the test or failure starts and
kept on its record, so the report stays what it was after later changes. The sim data
plane has no packets: a pair that kept a path lost nothing, one that did not was out for
the whole duration so far (the lab fills in measured outages)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from dxlab.domain.errors import NotFound
from dxlab.domain.states import FailureStatus, TestStatus
from dxlab.routing.bgp import SessionState, gateways_reached
from dxlab.routing.network import Failure, Network
from dxlab.routing.paths import PairPath, Paths, SessionKey, all_states
from dxlab.service.context import Context
from dxlab.service.resiliency.outages import FAILURE_KIND, TEST_KIND
from dxlab.service.routes import route
from dxlab.service.snapshot import NetworkSnapshot
from dxlab.store.repository import Record, UnitOfWork


def _routes(net: Network, states: dict[SessionKey, SessionState]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for vif in net.vifs.values():
        keys = [(vif.id, s.family) for s in vif.sessions if (vif.id, s.family) in states]
        up = [states[k] for k in keys if states[k].up]
        out[vif.id] = {
            "name": vif.name,
            "connectionId": vif.connection_id,
            "sessions": [
                {"addressFamily": k[1], "up": states[k].up, "reason": states[k].reason}
                for k in keys
            ],
            "accepted": sorted({r.cidr for s in up for r in s.accepted}),
            "advertised": sorted({r.cidr for s in up for r in s.advertised}),
        }
    return out


def _learned(
    net: Network, states: dict[SessionKey, SessionState]
) -> dict[tuple[str, str], set[str]]:
    """(customer prefix, VGW/TGW) -> the VIFs over which AWS learned it for that gateway."""
    out: dict[tuple[str, str], set[str]] = {}
    for key, state in states.items():
        if not state.up:
            continue
        vif = net.vifs[key[0]]
        for gw in gateways_reached(net, vif):
            for r in state.accepted:
                out.setdefault((r.cidr, gw), set()).add(vif.id)
    return out


def _prefixes(
    net: Network,
    before: dict[SessionKey, SessionState],
    during: dict[SessionKey, SessionState],
    hit: set[str],
) -> dict[str, Any]:
    """The customer prefixes learned over a VIF the failure took down: redundant when another
    VIF still carries them to the same gateway, non-redundant when they were learned over the
    failed VIF(s) only."""
    was, now = _learned(net, before), _learned(net, during)
    redundant: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    for (prefix, gw), vifs in sorted(was.items()):
        if not vifs & hit:
            continue
        entry = {
            "prefix": prefix,
            "gateway": gw,
            "before": sorted(vifs),
            "during": sorted(now.get((prefix, gw), ())),
        }
        (redundant if entry["during"] else alone).append(entry)
    return {"redundant": redundant, "nonRedundant": alone}


def _via(path: PairPath) -> list[str]:
    return sorted({k[0] for k in (*path.forward, *path.back)}) if path.reachable else []


def comparison(
    now: NetworkSnapshot,
    *,
    also_failed: Collection[Failure] = (),
    also_testing: Collection[SessionKey] = (),
    dead_sites: Collection[str] = (),
) -> dict[str, Any]:
    """Before (the snapshot: what is down already, as the data plane says) and during:
    before with the sessions this test or failure takes down, as the routing model
    predicts them (on the lab the probes then measure what really happened)."""
    net, before = now.network, now.sessions
    model_before = all_states(net, now.outages.failed, now.outages.testing)
    model_during = all_states(
        net, [*now.outages.failed, *also_failed], [*now.outages.testing, *also_testing]
    )
    taken = {k for k, s in model_before.items() if s.up and not model_during[k].up}
    during = {k: model_during[k] if k in taken else s for k, s in before.items()}
    hit = {k[0] for k, s in before.items() if s.up and not during[k].up}
    pairs = []
    after = {(p.site, p.vpc): p for p in Paths(net, during).all_pairs()}
    for old in Paths(net, before).all_pairs():
        new = after[(old.site, old.vpc)]
        reachable, reason = new.reachable, new.reason
        if old.site in dead_sites:  # the data center itself is down: nothing to reach
            reachable, reason = False, f"data center {old.site} is down"
        pairs.append(
            {
                "site": old.site,
                "vpc": old.vpc,
                "before": old.reachable,
                "during": reachable,
                "via_before": _via(old),
                "via": _via(new) if reachable else [],
                "reason": reason,
            }
        )
    # Connectivity to AWS itself (each data center <-> gateway), whether or not a VPC is
    # described: the analyzer's pairs, before and during.
    gw_after = {(g.site, g.target): g for g in Paths(net, during).gateway_pairs()}
    gateways = []
    for old_gw in Paths(net, before).gateway_pairs():
        new_gw = gw_after[(old_gw.site, old_gw.target)]
        up = new_gw.reachable and old_gw.site not in dead_sites
        gateways.append(
            {
                "site": old_gw.site,
                "gateway": net.label(old_gw.target),
                "before": old_gw.reachable,
                "during": up,
                "via": list(new_gw.via) if up else [],
                "reason": "" if up else new_gw.reason,
            }
        )
    return {
        "routes": {"before": _routes(net, before), "during": _routes(net, during)},
        "affectedVirtualInterfaces": sorted(hit),
        # The report is the account's, of every Region; each VIF is of one (its location's).
        "virtualInterfaceRegions": {v.id: v.location_region for v in net.vifs.values()},
        "prefixes": _prefixes(net, before, during, hit),
        "pairs": pairs,
        "gatewayPairs": gateways,
    }


def render(rec: Record, ctx: Context, ids: dict[str, Any]) -> dict[str, Any]:
    """A stored snapshot as a report: outage_ms from the time the test or failure has run."""
    doc, snap = rec.doc, rec.meta.get("snapshot") or {}
    start = float(doc["startTime"])
    running = doc["status"] in (TestStatus.IN_PROGRESS, FailureStatus.ACTIVE)
    end = min(ctx.now(), float(doc["endTime"])) if running else float(doc["endTime"])
    elapsed_ms = max(0, round((end - start) * 1000))
    # A pair that had no path before the test lost nothing to it: no outage to report.
    pairs = [
        {**p, "outage_ms": None if not p["before"] else 0 if p["during"] else elapsed_ms}
        for p in snap.get("pairs", [])
    ]
    measured = ctx.plane.measured(rec.id)
    if measured is not None:  # real traffic: what the probes saw replaces the prediction
        pairs = [
            {
                **p,
                **measured[(p["site"], p["vpc"])],
                "during": measured[(p["site"], p["vpc"])]["recovered"],
            }
            if (p["site"], p["vpc"]) in measured
            else p
            for p in pairs
        ]
    lost = [f"{p['site']} <-> {p['vpc']}" for p in pairs if p["before"] and not p["during"]]
    kept = sum(1 for p in pairs if p["before"] and p["during"])
    gateways = snap.get("gatewayPairs", [])
    cut_off = [
        f"{g['site']} <-> {g['gateway']}" for g in gateways if g["before"] and not g["during"]
    ]
    if not pairs and not gateways:
        verdict = "no data center <-> VPC pair to check: load a customer topology (dxlab topology load FILE)"
    elif lost:
        verdict = f"{len(lost)} data center <-> VPC pair(s) lost their path: {', '.join(lost)}"
    elif cut_off:
        verdict = (
            f"{len(cut_off)} data center <-> gateway pair(s) lost their path: {', '.join(cut_off)}"
        )
    else:
        verdict = f"every pair that had a path kept one ({kept} of {len(pairs)})"
        if gateways:
            verdict += f"; every data center kept its way to its gateways ({len(gateways)} pair(s))"
    return {
        **ids,
        "status": doc["status"],
        "startTime": start,
        "endTime": float(doc["endTime"]),
        "durationMs": elapsed_ms,
        "dataPlane": "sim" if measured is None else "lab",
        "verdict": verdict,
        "lost": lost,
        "gatewaysLost": cut_off,
        "gatewayPairs": gateways,
        "affectedVirtualInterfaces": snap.get("affectedVirtualInterfaces", []),
        "virtualInterfaceRegions": snap.get("virtualInterfaceRegions", {}),
        "routes": snap.get("routes", {"before": {}, "during": {}}),
        "prefixes": snap.get("prefixes", {"redundant": [], "nonRedundant": []}),
        "pairs": pairs,
    }


def _owned(uow: UnitOfWork, ctx: Context, kind: str, rid: str, what: str) -> Record:
    rec = uow.get(kind, rid)
    if rec is None or rec.account != ctx.account:
        raise NotFound(f"Could not find {what} with ID {rid}")
    return rec


@route("GET", "/failover-tests/{test_id}/report")
def test_report(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    rec = _owned(uow, ctx, TEST_KIND, args["test_id"], "failover test")
    ids = {
        "kind": "bgp-failover-test",
        "testId": rec.id,
        "virtualInterfaceId": rec.doc["virtualInterfaceId"],
        "bgpPeers": rec.doc.get("bgpPeers", []),
    }
    return render(rec, ctx, ids)


@route("GET", "/failures/{failure_id}/report")
def failure_report(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    rec = _owned(uow, ctx, FAILURE_KIND, args["failure_id"], "failure")
    ids = {
        "kind": f"{rec.doc['kind']}-failure",
        "failureId": rec.id,
        "target": {"kind": rec.doc["kind"], "id": rec.doc["id"]},
        "connections": rec.doc.get("connections", []),
    }
    return render(rec, ctx, ids)
