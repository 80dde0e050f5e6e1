"""Imports every resource family so that its operations and routes register."""

from dxlab.service import tags  # noqa: F401
from dxlab.service.connections import (  # noqa: F401
    dedicated,
    lags,
    loa,
    locations,
    macsec,
)
from dxlab.service.customer import topology, verify  # noqa: F401
from dxlab.service.gateways import (  # noqa: F401
    associations,
    dx_gateways,
    proposals,
    virtual_gateways,
)
from dxlab.service.partners import agreements, hosted_connections, interconnects  # noqa: F401
from dxlab.service.resiliency import (  # noqa: F401
    analysis,
    estate_import,
    failover_tests,
    failures,
    groups,
    plan_to_model,
    reports,
    wizard,
)
from dxlab.service.virtual_interfaces import (  # noqa: F401
    bgp_peers,
    hosted,
    interfaces,
    lifecycle,
    public,
    router_config,
    routes,
    update,
)
