"""What an existing estate must order and change to reach a resiliency model
(`dxlab plan --to maximum|high`): per gateway its virtual interfaces must ride on
connections in two Direct Connect locations, on two distinct AWS devices in each for the
maximum model (maximum_resiliency.md) or one for the high model (high_resiliency.md), and
no two of the connections in use may share an AWS device (resiliency_toolkit.md: a device
is a failure domain). Pure: the service hands it the account's ports and VIFs.

The plan reuses what is there before it orders anything: connections already carrying
VIFs first (they become the estate's backbone), then idle connections of the account,
and only then a new dedicated connection, whose order names the devices to avoid. A VIF
on a connection that shares a device with another in use is moved, not duplicated."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from dxlab.domain.pricing import HOURS_PER_MONTH, PORT_HOUR_USD

# Model -> (locations needed, distinct devices needed in each location).
RULES: dict[str, tuple[int, int]] = {"maximum": (2, 2), "high": (2, 1)}


@dataclass(frozen=True)
class Port:
    """A connection or LAG of the account that a VIF can ride on."""

    id: str
    location: str
    device: str
    bandwidth: str
    region: str
    hosted: bool = False  # a hosted connection carries one VIF only (hosted_connection.md)


@dataclass(frozen=True)
class Attachment:
    """A live private or transit VIF of the account and the gateway it reaches."""

    vif: str
    port: str
    gateway: str
    type: str
    asn: int


@dataclass
class Order:
    ref: str  # "new-1": how the plan names it before it has an id
    location: str
    bandwidth: str
    avoid_devices: list[str]
    region: str


@dataclass(frozen=True)
class NewVif:
    gateway: str
    port: str  # a port id, or an order's ref
    type: str
    asn: int


@dataclass(frozen=True)
class Move:
    vif: str
    source: str
    target: str
    reason: str


@dataclass
class ModelPlan:
    model: str
    orders: list[Order] = field(default_factory=list)
    vifs: list[NewVif] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    devices_to_avoid: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def hourly_cost(self) -> float:
        return round(sum(PORT_HOUR_USD.get(o.bandwidth, 0.0) for o in self.orders), 2)

    @property
    def monthly_cost(self) -> float:
        return round(self.hourly_cost * HOURS_PER_MONTH, 2)

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "orders": [vars(o) for o in self.orders],
            "virtualInterfaces": [vars(v) for v in self.vifs],
            "moves": [vars(m) for m in self.moves],
            "devicesToAvoid": [
                {"device": d, "reason": r} for d, r in sorted(self.devices_to_avoid.items())
            ],
            "notes": self.notes,
            "portHourCostUsd": self.hourly_cost,
            "monthlyPortCostUsd": self.monthly_cost,
        }


Locations = Callable[[str], list[tuple[str, int]]]  # region -> [(location code, devices there)]


def plan_to(
    model: str, ports: list[Port], attachments: list[Attachment], locations: Locations
) -> ModelPlan:
    if model not in RULES:
        raise ValueError(f"Unknown model {model!r}: choose maximum or high")
    need_locations, need_devices = RULES[model]
    plan = ModelPlan(model)
    by_id = {p.id: p for p in ports}
    attachments = [a for a in attachments if a.port in by_id]
    used = sorted({a.port for a in attachments}, key=lambda pid: (by_id[pid].location, pid))
    # The backbone: one port in use per device; a second one on a taken device is a duplicate.
    owner: dict[str, str] = {}
    duplicates: set[str] = set()
    for pid in used:
        device = by_id[pid].device
        if device in owner:
            duplicates.add(pid)
            plan.devices_to_avoid[device] = f"carries {owner[device]} and {pid}"
        else:
            owner[device] = pid
            plan.devices_to_avoid.setdefault(device, f"carries {pid}")
    new_ports: list[Port] = []
    by_gateway: dict[str, list[Attachment]] = defaultdict(list)
    for a in attachments:
        by_gateway[a.gateway].append(a)
    for gateway in sorted(by_gateway, key=lambda g: (-len(by_gateway[g]), g)):
        mine = by_gateway[gateway]
        first = mine[0]
        region = by_id[first.port].region
        bandwidth = Counter(by_id[a.port].bandwidth for a in mine).most_common(1)[0][0]
        counts = Counter(by_id[a.port].location for a in mine)
        targets = sorted(counts, key=lambda loc: (-counts[loc], loc))
        everything = ports + new_ports
        if len(targets) < need_locations:
            targets += _more_locations(
                targets, everything, owner, region, locations, need_locations - len(targets)
            )
        if len(targets) < need_locations:
            plan.notes.append(
                f"{gateway}: no second Direct Connect location in {region} to order in"
            )
        pending = [a for a in mine if a.port in duplicates]
        for location in targets:
            chosen: list[Port] = []
            for a in mine:
                port = by_id[a.port]
                if port.location == location and a.port not in duplicates and port not in chosen:
                    chosen.append(port)
            candidates = [
                p for p in everything if p.location == location and p not in chosen and not p.hosted
            ]
            # Backbone ports first (already in use), then idle ports on a device nobody uses.
            candidates.sort(key=lambda p: (owner.get(p.device) != p.id, p.id))
            for port in candidates:
                if len({p.device for p in chosen}) >= need_devices:
                    break
                if (
                    port.device in {p.device for p in chosen}
                    or owner.get(port.device, port.id) != port.id
                ):
                    continue
                owner[port.device] = port.id
                if port not in new_ports:  # a new port's device is the placement's to choose
                    plan.devices_to_avoid.setdefault(port.device, f"carries {port.id}")
                chosen.append(port)
                _attach(plan, gateway, port.id, pending, first)
            while len({p.device for p in chosen}) < need_devices:
                free = dict(locations(region)).get(location)
                taken = {p.device for p in ports if p.location == location}
                ordered_here = sum(1 for p in new_ports if p.location == location)
                if free is not None and free <= len(taken) + ordered_here:
                    plan.notes.append(
                        f"{gateway}: {location} has no AWS device left that the estate does not use"
                    )
                    break
                order = Order(
                    f"new-{len(plan.orders) + 1}", location, bandwidth, sorted(taken), region
                )
                plan.orders.append(order)
                port = Port(
                    order.ref, location, order.ref, bandwidth, region
                )  # its device is its own
                new_ports.append(port)
                everything = ports + new_ports
                owner[port.device] = port.id
                chosen.append(port)
                _attach(plan, gateway, port.id, pending, first)
        for a in pending:
            plan.notes.append(
                f"{a.vif} stays on {a.port}, which shares AWS device {by_id[a.port].device}:"
                " delete it once the new paths are up"
            )
    return plan


def _attach(
    plan: ModelPlan, gateway: str, port: str, pending: list[Attachment], like: Attachment
) -> None:
    """Put the gateway on `port`: by moving a VIF that sits on a duplicate device, else a new VIF."""
    if pending:
        a = pending.pop(0)
        plan.moves.append(
            Move(
                a.vif, a.port, port, f"{a.port} shares an AWS device with another connection in use"
            )
        )
    else:
        plan.vifs.append(NewVif(gateway, port, like.type, like.asn))


def _more_locations(
    have: list[str],
    ports: list[Port],
    owner: dict[str, str],
    region: str,
    locations: Locations,
    count: int,
) -> list[str]:
    """Locations of the region to add: where the backbone already is, then where the account
    has ports, then the catalog's locations with the most devices."""
    here = [p for p in ports if p.region == region and p.location not in have]
    backbone = Counter(p.location for p in here if owner.get(p.device) == p.id)
    idle = Counter(p.location for p in here)
    catalog = dict(locations(region))
    ranked = sorted(
        {*idle, *catalog} - set(have),
        key=lambda loc: (-backbone[loc], -idle[loc], -catalog.get(loc, 0), loc),
    )
    return ranked[:count]
