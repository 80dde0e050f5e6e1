"""Imports every resource family so that its operations and routes register."""

from dxlab.service import (  # noqa: F401
    connections,
    customer,
    dx_gateway_associations,
    dx_gateways,
    gateway_proposals,
    gateways,
    loa,
    locations,
    resiliency_groups,
    tags,
    wizard,
)
