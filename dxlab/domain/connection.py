"""Connection rules and the lifecycle state machine (STYLE 13: a table and a clock).

Dedicated: requested -> pending -> available <-> down; deleting -> deleted.
Hosted: ordering -> (customer confirms) pending -> available; ordering -> rejected."""

from __future__ import annotations

from dxlab.domain.errors import Conflict

TRANSITIONS: dict[str, frozenset[str]] = {
    "ordering": frozenset({"pending", "rejected", "deleted"}),
    "requested": frozenset({"pending", "deleted", "rejected"}),
    "pending": frozenset({"available", "deleted"}),
    "available": frozenset({"down", "deleted", "deleting"}),
    "down": frozenset({"available", "deleted", "deleting"}),
    "deleting": frozenset({"deleted"}),
    "deleted": frozenset(),
    "rejected": frozenset({"deleted"}),
}

LIVE_STATES = frozenset({"ordering", "requested", "pending", "available", "down"})


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def move(doc: dict[str, object], new: str) -> None:
    current = str(doc.get("connectionState"))
    if not can_move(current, new):
        raise Conflict(f"Connection {doc.get('connectionId')} cannot go from {current} to {new}")
    doc["connectionState"] = new


# Provisioning durations in seconds, as the guide describes a dedicated connection's
# path: LOA within 72 hours of the request, then the partner's cross-connect, then the
# port is brought up. `realistic` mode scales these by a factor.
REALISTIC_STEPS: tuple[tuple[str, float], ...] = (
    ("loa", 72 * 3600.0),
    ("pending", 24 * 3600.0),
    ("available", 3600.0),
)


def provisioning_steps(mode: str, factor: float) -> list[tuple[str, float]]:
    """The (step, delay after the previous step) a new dedicated connection goes through."""
    if mode == "instant":
        return [("loa", 0.0), ("pending", 0.0), ("available", 0.0)]
    if mode == "manual":
        return [("loa", 0.0)]  # then waits for `dxlab cross-connect`
    return [(step, delay * factor) for step, delay in REALISTIC_STEPS]
