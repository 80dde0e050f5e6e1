"""Imports every resource family so that its operations and routes register."""

from dxlab.service import (  # noqa: F401
    bgp_peers,
    connections,
    customer,
    dx_gateway_associations,
    dx_gateways,
    gateway_proposals,
    gateways,
    loa,
    locations,
    resiliency_groups,
    router_config,
    tags,
    vif_lifecycle,
    vifs,
    vifs_hosted,
    vifs_public,
    vifs_update,
    wizard,
)
