"""Does a set of connections meet a resiliency model? (resiliency_toolkit.md,
maximum_resiliency.md, high_resiliency.md, dev-test-resiliency.md)

Each rule that fails is named, so the user learns what to change, not only that the
design falls short."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from dxlab.domain.states import CONNECTION

MODELS = ("maximum-resiliency", "high-resiliency", "basic-resiliency")

# The SLA each model can qualify for (resiliency_toolkit.md).
SLA = {"maximum-resiliency": "99.99%", "high-resiliency": "99.9%", "basic-resiliency": "none"}


def broken_rules(model: str, connections: Iterable[Mapping[str, Any]]) -> list[str]:
    """The rules of `model` that these connections break; empty when they meet it."""
    conns = [c for c in connections if c.get("connectionState") in CONNECTION.live]
    problems: list[str] = []
    speeds = {c["bandwidth"] for c in conns}
    if len(speeds) > 1:
        problems.append(
            f"all connections must have the same speed (found {', '.join(sorted(speeds))})"
        )
    devices: dict[str, set[str]] = defaultdict(set)
    by_location: dict[str, set[str]] = defaultdict(set)
    for c in conns:
        # A LAG is one unit: its members share a device by design (lags.md).
        devices[c["awsDevice"]].add(c.get("lagId") or c["connectionId"])
        by_location[c["location"]].add(c["awsDevice"])
    for device, ids in sorted(devices.items()):
        if len(ids) > 1:
            problems.append(f"{', '.join(sorted(ids))} share AWS device {device}")
    if model == "maximum-resiliency":
        # maximum_resiliency.md: two connections on separate devices in each of two locations.
        if len(by_location) < 2:
            problems.append("needs connections in at least two Direct Connect locations")
        for loc, devs in sorted(by_location.items()):
            if len(devs) < 2:
                problems.append(
                    f"location {loc} needs two connections on separate devices (has {len(devs)})"
                )
    elif model == "high-resiliency":
        # high_resiliency.md: one connection in each of two locations.
        if len(by_location) < 2:
            problems.append("needs connections in at least two Direct Connect locations")
    elif model == "basic-resiliency":
        # dev-test-resiliency.md: two connections on separate devices in one location.
        if len({d for devs in by_location.values() for d in devs}) < 2:
            problems.append("needs two connections on separate AWS devices")
    return problems
