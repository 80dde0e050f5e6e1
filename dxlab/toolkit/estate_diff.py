"""What changed between two imports of one estate (`dxlab import --diff EARLIER`), for a
nightly job: a connection that went `down`, a VIF moved to another connection or
location, something added or gone, and a single point of failure the analyzer did not
find before (or no longer finds). Pure: two saved imports in, a list of changes out."""

from __future__ import annotations

from typing import Any

# Per kind: the estate key, the id field, the state field, and the fields whose change
# means the resource moved.
TRACKED: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "connection",
        "connections",
        "connectionId",
        "connectionState",
        ("location", "awsDeviceV2", "lagId"),
    ),
    ("lag", "lags", "lagId", "lagState", ("location", "awsDeviceV2")),
    (
        "interconnect",
        "interconnects",
        "interconnectId",
        "interconnectState",
        ("location", "awsDeviceV2"),
    ),
    (
        "virtual interface",
        "virtualInterfaces",
        "virtualInterfaceId",
        "virtualInterfaceState",
        ("connectionId", "location", "awsDeviceV2", "directConnectGatewayId", "virtualGatewayId"),
    ),
    (
        "Direct Connect gateway",
        "directConnectGateways",
        "directConnectGatewayId",
        "directConnectGatewayState",
        (),
    ),
    (
        "gateway association",
        "directConnectGatewayAssociations",
        "associationId",
        "associationState",
        (),
    ),
)


def _change(kind: str, rid: str, change: str, detail: str) -> dict[str, str]:
    return {"kind": kind, "id": rid, "change": change, "detail": detail}


def diff(earlier: dict[str, Any], later: dict[str, Any]) -> list[dict[str, str]]:
    """`earlier` and `later` are saved imports: {"estate": ..., "analysis": ...}."""
    changes: list[dict[str, str]] = []
    before, after = earlier.get("estate", {}), later.get("estate", {})
    for kind, key, id_field, state_field, moves in TRACKED:
        old = {str(d[id_field]): d for d in before.get(key, [])}
        new = {str(d[id_field]): d for d in after.get(key, [])}
        for rid in sorted(new.keys() - old.keys()):
            changes.append(_change(kind, rid, "added", f"new, {new[rid].get(state_field)}"))
        for rid in sorted(old.keys() - new.keys()):
            changes.append(
                _change(kind, rid, "gone", f"no longer listed (was {old[rid].get(state_field)})")
            )
        for rid in sorted(old.keys() & new.keys()):
            was, now = old[rid], new[rid]
            if was.get(state_field) != now.get(state_field):
                changes.append(
                    _change(kind, rid, "state", f"{was.get(state_field)} -> {now.get(state_field)}")
                )
            moved = [
                f"{f} {was.get(f) or '-'} -> {now.get(f) or '-'}"
                for f in moves
                if was.get(f) != now.get(f)
            ]
            if moved:
                changes.append(_change(kind, rid, "moved", "; ".join(moved)))
    changes += _analysis_changes(earlier.get("analysis") or {}, later.get("analysis") or {})
    return changes


def _spofs(analysis: dict[str, Any]) -> dict[str, list[str]]:
    return {
        f"{s['kind']}:{s['id']}": list(s.get("lost", []))
        for s in analysis.get("single_points_of_failure", [])
    }


def _analysis_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    changes: list[dict[str, str]] = []
    if not before or not after:
        return changes
    old, new = _spofs(before), _spofs(after)
    for domain in sorted(new.keys() - old.keys()):
        changes.append(
            _change(
                "single point of failure",
                domain,
                "new",
                f"a failure of {domain} loses {', '.join(new[domain])}",
            )
        )
    for domain in sorted(old.keys() - new.keys()):
        changes.append(
            _change(
                "single point of failure",
                domain,
                "resolved",
                f"a failure of {domain} no longer loses anything",
            )
        )
    if before.get("sla") != after.get("sla"):
        rule = f": {after['sla_rule']}" if after.get("sla_rule") else ""
        changes.append(
            _change("SLA", "estate", "changed", f"{before.get('sla')} -> {after.get('sla')}{rule}")
        )
    return changes
