"""The connection wizard's plan: how many dedicated connections, where, of which port
speed, in LAGs or not, the SLA it can reach and the port-hour cost
(resiliency_toolkit.md). Pure: the service layer orders what the plan says."""

from __future__ import annotations

from dataclasses import dataclass, field

from dxlab.domain import quotas
from dxlab.domain.errors import ValidationError
from dxlab.domain.pricing import HOURS_PER_MONTH, PORT_HOUR_USD
from dxlab.domain.speeds import DEDICATED_BANDWIDTHS, mbps

# Wizard model name -> resiliency group model, SLA, locations needed, connections per location.
MODELS: dict[str, tuple[str, str, int, int]] = {
    "maximum": ("maximum-resiliency", "99.99%", 2, 2),
    "high": ("high-resiliency", "99.9%", 2, 1),
    "dev-test": ("basic-resiliency", "none", 1, 2),
    "classic": ("basic-resiliency", "none", 1, 1),
}

TITLES = {
    "maximum": "MaxResiliency",
    "high": "HighResiliency",
    "dev-test": "DevTest",
    "classic": "Classic",
}


@dataclass(frozen=True)
class Slot:
    """One ordered port position: a single connection, or a LAG of `links` connections."""

    location: str
    index: int
    name: str


@dataclass(frozen=True)
class Plan:
    model: str
    resiliency_model: str
    sla: str
    bandwidth: str
    port_bandwidth: str
    links: int  # connections per slot: 1, or the LAG size
    slots: list[Slot] = field(default_factory=list)
    # The Region the order is placed in: a connection belongs to its location's Region, and
    # the wizard orders in the Region the console or the request's signature names.
    region: str = ""

    @property
    def uses_lags(self) -> bool:
        return self.links > 1 or self.bandwidth != self.port_bandwidth

    @property
    def connection_count(self) -> int:
        return len(self.slots) * self.links

    @property
    def hourly_cost(self) -> float:
        return round(self.connection_count * PORT_HOUR_USD[self.port_bandwidth], 2)

    @property
    def monthly_cost(self) -> float:
        return round(self.hourly_cost * HOURS_PER_MONTH, 2)


def port_layout(bandwidth: str) -> tuple[str, int]:
    """(port speed, connections per LAG) for a requested capacity: a port speed as is;
    otherwise the LAG of equal ports the toolkit builds (resiliency_toolkit.md)."""
    if bandwidth in DEDICATED_BANDWIDTHS:
        return bandwidth, 1
    try:
        wanted = mbps(bandwidth)
    except ValueError:
        raise ValidationError(f"Bandwidth {bandwidth!r} is not a speed like 10Gbps") from None
    for port in sorted(DEDICATED_BANDWIDTHS, key=mbps):
        size = wanted // mbps(port)
        if wanted % mbps(port) == 0 and 2 <= size <= quotas.lag_connection_limit(mbps(port)):
            return port, size
    raise ValidationError(
        f"Bandwidth {bandwidth} cannot be built from equal ports: use 1, 10, 100 or 400 Gbps,"
        " or a LAG of 2-4 ports below 100 Gbps or 2 ports of 100 Gbps and above"
    )


def make_plan(
    model: str, bandwidth: str, locations: list[str], count: int = 1, region: str = ""
) -> Plan:
    if model not in MODELS:
        raise ValidationError(
            f"Unknown resiliency model {model!r}; choose one of {', '.join(MODELS)}"
        )
    rg_model, sla, need_locations, per_location = MODELS[model]
    if model == "classic":
        per_location = count
    if len(locations) < need_locations:
        raise ValidationError(
            f"The {model} model needs {need_locations} location(s); got {len(locations)}"
        )
    if len(set(locations)) != len(locations):
        raise ValidationError(
            f"The {model} model needs distinct locations; {locations[0]} was given twice"
        )
    if model in ("dev-test",) and len(locations) > 1:
        raise ValidationError("The dev-test model uses one location")
    port, links = port_layout(bandwidth)
    slots = [
        Slot(loc, n, f"{TITLES[model]}-{loc}-{n}")
        for loc in locations[
            : max(need_locations, len(locations) if model == "classic" else need_locations)
        ]
        for n in range(1, per_location + 1)
    ]
    return Plan(model, rg_model, sla, bandwidth, port, links, slots, region)
