"""The service layer's handler tables: every resource family listed here, once, and the
operations, /_dxlab routes and timer actions their functions are marked with, collected
into one immutable `Handlers` that the composition root hands to the bus. Which handlers
exist depends on this list alone, never on what else happens to be imported."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType

from dxlab.service import clock, registry, reset, routes, tags, timers
from dxlab.service.connections import dedicated, lag_rules, lags, loa, locations, macsec
from dxlab.service.customer import topology, verify
from dxlab.service.ec2 import registry as ec2_registry
from dxlab.service.ec2.operations import EC2_FAMILIES
from dxlab.service.gateways import (
    associations,
    dx_gateways,
    made_through_ec2,
    proposals,
    virtual_gateways,
)
from dxlab.service.partners import agreements, hosted_connections, interconnects
from dxlab.service.resiliency import (
    analysis,
    estate_import,
    failover_tests,
    failures,
    groups,
    plan_to_model,
    reports,
    wizard,
)
from dxlab.service.virtual_interfaces import (
    bgp_peers,
    hosted,
    interfaces,
    lifecycle,
    public,
    router_config,
    update,
)
from dxlab.service.virtual_interfaces import routes as vif_routes

FAMILIES: tuple[ModuleType, ...] = (
    dedicated,
    lag_rules,
    lags,
    loa,
    locations,
    macsec,
    topology,
    verify,
    associations,
    dx_gateways,
    proposals,
    virtual_gateways,
    made_through_ec2,
    agreements,
    hosted_connections,
    interconnects,
    analysis,
    estate_import,
    failover_tests,
    failures,
    groups,
    plan_to_model,
    reports,
    wizard,
    bgp_peers,
    hosted,
    interfaces,
    lifecycle,
    public,
    router_config,
    vif_routes,
    update,
    clock,
    reset,
    tags,
    *EC2_FAMILIES,
)


@dataclass(frozen=True)
class Handlers:
    operations: Mapping[str, registry.Operation]
    routes: tuple[routes.Route, ...]
    timers: Mapping[str, timers.Action]
    # EC2's operations, by the ec2 model's names (the two models share names such as
    # CreateTags that mean different calls).
    ec2_operations: Mapping[str, registry.Operation] = field(
        default_factory=lambda: MappingProxyType({})
    )


def collect(modules: Iterable[ModuleType]) -> Handlers:
    """The marked functions of `modules`; a name marked twice is a bug, said at once."""
    ops: dict[str, registry.Operation] = {}
    ec2_ops: dict[str, registry.Operation] = {}
    found_routes: list[routes.Route] = []
    actions: dict[str, timers.Action] = {}
    seen: set[int] = set()
    for module in modules:
        for fn in vars(module).values():
            if id(fn) in seen:
                continue  # imported into another listed module: one handler all the same
            seen.add(id(fn))
            if (op := registry.marked(fn)) is not None:
                if op.name in ops:
                    raise RuntimeError(f"operation {op.name} marked twice")
                ops[op.name] = op
            if (op := ec2_registry.marked(fn)) is not None:
                if op.name in ec2_ops:
                    raise RuntimeError(f"EC2 operation {op.name} marked twice")
                ec2_ops[op.name] = op
            if (found := routes.marked(fn)) is not None:
                found_routes.append(found)
            if (name := timers.marked(fn)) is not None:
                if name in actions:
                    raise RuntimeError(f"timer action {name} marked twice")
                actions[name] = fn
    return Handlers(
        MappingProxyType(ops),
        tuple(found_routes),
        MappingProxyType(actions),
        MappingProxyType(ec2_ops),
    )


HANDLERS = collect(FAMILIES)
OPERATIONS = HANDLERS.operations
