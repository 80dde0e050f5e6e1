"""ListVirtualInterfaceRoutes: the routes a VIF's BGP sessions accept from the customer
and advertise to it, from the data plane (the routing model in sim mode)."""

from __future__ import annotations

from typing import Any

from dxlab.domain.shapes import (
    AddressFamily,
    AsPathType,
    ListVirtualInterfaceRoutesRequest,
    ListVirtualInterfaceRoutesResponse,
    RouteDirection,
    RouteFilters,
)
from dxlab.domain.shapes import Route as WireRoute
from dxlab.routing.bgp import Route, covers
from dxlab.service.common import page
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.snapshot import network_snapshot
from dxlab.service.virtual_interfaces.state import find_vif
from dxlab.store.repository import UnitOfWork


def _wire(route: Route, direction: str, vif_doc: dict[str, Any], installed: float) -> WireRoute:
    """A route as the model's Route (the enum members spell the strings AWS sends)."""
    return {
        "cidr": route.cidr,
        "routeDirection": RouteDirection(direction),
        "addressFamily": AddressFamily(route.family),
        "asPath": [{"pathType": AsPathType.SEQ, "path": list(route.as_path)}],
        "communities": list(route.communities),
        "awsLogicalDeviceId": vif_doc.get("awsLogicalDeviceId") or vif_doc.get("awsDeviceV2", ""),
        "routeInstalledAt": installed,
    }


def _matches(route: WireRoute, filters: RouteFilters) -> bool:
    if "routeDirection" in filters and route["routeDirection"] != filters["routeDirection"]:
        return False
    if "addressFamily" in filters and route["addressFamily"] != filters["addressFamily"]:
        return False
    cidrs = filters.get("cidrs")
    if cidrs and not any(covers(c, route["cidr"]) for c in cidrs):
        return False
    path = route["asPath"][0]["path"]
    if filters.get("asPath") and not all(asn in path for asn in filters["asPath"]):
        return False
    return not (
        filters.get("communities") and not set(filters["communities"]) <= set(route["communities"])
    )


@operation("ListVirtualInterfaceRoutes")
def list_virtual_interface_routes(
    uow: UnitOfWork, ctx: Context, req: ListVirtualInterfaceRoutesRequest
) -> ListVirtualInterfaceRoutesResponse:
    vif_id = req.get("virtualInterfaceId")
    if not vif_id:
        from dxlab.domain.errors import ValidationError

        raise ValidationError("virtualInterfaceId is required")
    rec = find_vif(uow, ctx, vif_id, owner_only=True)
    snap = network_snapshot(uow, ctx)
    vif = snap.network.vifs.get(rec.id)
    routes: list[WireRoute] = []
    from_daemons = ctx.plane.routes(rec.id)
    if from_daemons is not None:  # the lab: what BIRD holds
        routes = [_wire(r, direction, rec.doc, rec.created) for direction, r in from_daemons]
    elif vif is not None:
        for s in vif.sessions:
            state = snap.session(vif.id, s.family)
            if state is None or not state.up:
                continue  # a session that is down has neither learned nor sent anything
            routes += [_wire(r, "accepted", rec.doc, rec.created) for r in state.accepted]
            routes += [_wire(r, "advertised", rec.doc, rec.created) for r in state.advertised]
    filters = req.get("filters") or {}
    routes = [r for r in routes if _matches(r, filters)]
    items, token = page(routes, req.get("maxResults"), req.get("nextToken"))
    out: ListVirtualInterfaceRoutesResponse = {"virtualInterfaceId": rec.id, "routes": items}
    if token:
        out["nextToken"] = token
    return out
