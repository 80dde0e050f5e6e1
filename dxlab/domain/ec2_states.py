"""EC2's state machines as data (STYLE 13): instance states with their codes, the
transitions a call or a timer may make, and how long each takes in `realistic` mode."""

from __future__ import annotations

# InstanceState.Code (API reference): the low byte is the state.
INSTANCE_CODES = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}

INSTANCE_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"running", "shutting-down"}),
    "running": frozenset({"shutting-down"}),
    "shutting-down": frozenset({"terminated"}),
    "terminated": frozenset(),
}

# Seconds in `realistic` mode (scaled by --realistic-factor); 0 otherwise, so a test sees
# pending in RunInstances' answer and running in the next DescribeInstances.
REALISTIC_DELAYS = {"running": 15.0, "terminated": 30.0, "forget": 3600.0}


def instance_state(name: str) -> dict[str, object]:
    return {"Code": INSTANCE_CODES[name], "Name": name}


def delay(target: str, mode: str, factor: float) -> float:
    if target == "forget":  # terminated instances stay visible for about an hour
        return REALISTIC_DELAYS["forget"]
    return REALISTIC_DELAYS[target] * factor if mode == "realistic" else 0.0
