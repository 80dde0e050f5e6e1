"""The EC2 families, listed once: service/operations.py collects their marked operations
(and timer actions) into the bus's handler table."""

from __future__ import annotations

from types import ModuleType

from dxlab.service.ec2 import route_tables, security_groups, subnets, vpcs

EC2_FAMILIES: tuple[ModuleType, ...] = (route_tables, security_groups, subnets, vpcs)
