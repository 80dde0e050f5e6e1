"""DescribeLocations and the catalog's extension view (sub-locations, devices)."""

from __future__ import annotations

from typing import Any

from dxlab.domain import catalog
from dxlab.domain.shapes import BillingMode, Location, Locations
from dxlab.service.connections.placement import port_scope
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.store.repository import UnitOfWork


def location_doc(loc: catalog.Location) -> Location:
    """A location in DescribeLocations' shape (Location in the model)."""
    return {
        "locationCode": loc.code,
        "locationName": loc.name,
        "region": loc.region,
        "availablePortSpeeds": list(loc.port_speeds),
        "availableProviders": list(loc.providers),
        "availableMacSecPortSpeeds": list(loc.macsec_port_speeds),
        "availableBillingModes": [
            {
                "billingMode": BillingMode(b.mode),
                "availablePortSpeeds": list(b.port_speeds),
                "includedRegions": list(b.included_regions),
            }
            for b in loc.billing
        ],
    }


@operation("DescribeLocations")
def describe_locations(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> Locations:
    # DescribeLocations lists the locations of the region the server serves.
    return {"locations": [location_doc(loc) for loc in catalog.locations_in(ctx.region)]}


@route("GET", "/locations")
def locations_detail(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Beyond DescribeLocations: sub-locations and devices with their ports in use (what
    the wizard offers). `?region=all` lists every region's locations."""
    region = args.get("region", ctx.region)
    shown = [loc for loc in catalog.LOCATIONS.values() if region == "all" or loc.region == region]
    in_use = uow.claim_counts([port_scope(d) for loc in shown for d in loc.devices])
    return {
        "locations": [
            {
                **location_doc(loc),
                "subLocations": [
                    {"name": s.name, "floor": s.floor, "meetMeRoom": s.meet_me_room}
                    for s in loc.sub_locations
                ],
                "devices": [
                    {
                        "awsDevice": d.aws_device,
                        "awsDeviceV2": d.aws_device_v2,
                        "awsLogicalDeviceId": d.logical_device_id,
                        "subLocation": d.sub_location,
                        "ports": d.ports,
                        "portsInUse": in_use[port_scope(d)],
                    }
                    for d in loc.devices
                ],
            }
            for loc in shown
        ]
    }
