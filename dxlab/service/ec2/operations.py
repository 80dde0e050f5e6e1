"""The EC2 families, listed once: service/operations.py collects their marked operations
(and timer actions) into the bus's handler table."""

from __future__ import annotations

from types import ModuleType

from dxlab.service.ec2 import (
    instance_attributes,
    instance_types,
    instances,
    network_interfaces,
    route_tables,
    security_groups,
    subnets,
    tags,
    tgw_route_tables,
    transit_gateways,
    vpcs,
    vpn_gateways,
)

EC2_FAMILIES: tuple[ModuleType, ...] = (
    instance_attributes,
    instance_types,
    instances,
    network_interfaces,
    route_tables,
    security_groups,
    subnets,
    tags,
    tgw_route_tables,
    transit_gateways,
    vpcs,
    vpn_gateways,
)
