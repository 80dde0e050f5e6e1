"""Imports every resource family so that its operations and routes register."""

from dxlab.service import (  # noqa: F401
    connections,
    customer,
    locations,
    resiliency_groups,
    tags,
)
