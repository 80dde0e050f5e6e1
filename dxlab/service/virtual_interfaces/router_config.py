"""DescribeRouterConfiguration: the router types AWS offers (vendor, platform, software;
FIDELITY.md: nine of them) plus the two daemons dxlab's lab runs, and the customer
router configuration of a VIF for each (create-vif.md "Download the router
configuration file"). `GET /_dxlab/router-types` lists them, since the API has no call
for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dxlab.domain import router_templates as t
from dxlab.domain import shapes
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    DescribeRouterConfigurationRequest,
    DescribeRouterConfigurationResponse,
)
from dxlab.domain.states import VIF, VirtualInterfaceState
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.routes import route
from dxlab.service.virtual_interfaces.state import find_vif, view
from dxlab.store.repository import UnitOfWork

Renderer = Callable[[t.Session], str]


@dataclass(frozen=True)
class RouterType:
    identifier: str
    vendor: str
    platform: str
    software: str
    xslt: str
    xslt_macsec: str
    render: Renderer

    def shape(self) -> shapes.RouterType:
        """The model's RouterType."""
        return {
            "vendor": self.vendor,
            "platform": self.platform,
            "software": self.software,
            "xsltTemplateName": self.xslt,
            "xsltTemplateNameForMacSec": self.xslt_macsec,
            "routerTypeIdentifier": self.identifier,
        }


_CISCO, _JUNIPER = "Cisco Systems, Inc.", "Juniper Networks, Inc."
ROUTER_TYPES: tuple[RouterType, ...] = (
    RouterType(
        "CiscoSystemsInc-2900SeriesRouters-IOS124",
        _CISCO,
        "2900 Series Routers",
        "IOS 12.4+",
        "customer-router-cisco-generic.xslt",
        "",
        t.cisco_ios,
    ),
    RouterType(
        "CiscoSystemsInc-3700SeriesRouters-IOS124",
        _CISCO,
        "3700 Series Routers",
        "IOS 12.4+",
        "customer-router-cisco-generic.xslt",
        "",
        t.cisco_ios,
    ),
    RouterType(
        "CiscoSystemsInc-7200SeriesRouters-IOS124",
        _CISCO,
        "7200 Series Routers",
        "IOS 12.4+",
        "customer-router-cisco-generic.xslt",
        "",
        t.cisco_ios,
    ),
    RouterType(
        "CiscoSystemsInc-Nexus7000SeriesSwitches-NXOS51",
        _CISCO,
        "Nexus 7000 Series Switches",
        "NX-OS 5.1+",
        "customer-switch-cisco-nexus-generic.xslt",
        "",
        t.cisco_nxos,
    ),
    RouterType(
        "CiscoSystemsInc-Nexus9KSeriesSwitches-NXOS93",
        _CISCO,
        "Nexus 9K+ Series Switches",
        "NX-OS 9.3+",
        "customer-switch-cisco-nexus-generic.xslt",
        "customer-switch-cisco-nexus-generic-macsec.xslt",
        t.cisco_nxos,
    ),
    RouterType(
        "JuniperNetworksInc-MMXSeriesRouters-JunOS95",
        _JUNIPER,
        "M/MX Series Routers",
        "JunOS 9.5+",
        "customer-router-juniper-generic.xslt",
        "customer-router-juniper-generic-macsec.xslt",
        t.junos,
    ),
    RouterType(
        "JuniperNetworksInc-SRXSeriesRouters-JunOS95",
        _JUNIPER,
        "SRX Series Routers",
        "JunOS 9.5+",
        "customer-router-juniper-generic.xslt",
        "",
        t.junos,
    ),
    RouterType(
        "JuniperNetworksInc-TSeriesRouters-JunOS95",
        _JUNIPER,
        "T Series Routers",
        "JunOS 9.5+",
        "customer-router-juniper-generic.xslt",
        "",
        t.junos,
    ),
    RouterType(
        "PaloAltoNetworks-PA3000and5000series-PANOS803",
        "Palo Alto Networks",
        "PA-3000+ and 5000+ series",
        "PAN-OS 8.0.3+",
        "customer-router-palo-alto-generic.xslt",
        "",
        t.panos,
    ),
    # dxlab's own: the daemons of its lab (DESIGN.md "Customer side").
    RouterType(
        "FRRouting-FRRouting-FRR8",
        "FRRouting Project",
        "FRRouting",
        "FRR 8.0+",
        "customer-router-frr.txt",
        "",
        t.frr,
    ),
    RouterType(
        "CZNIC-BIRDInternetRoutingDaemon-BIRD2",
        "CZ.NIC",
        "BIRD Internet Routing Daemon",
        "BIRD 2.0+",
        "customer-router-bird2.txt",
        "",
        t.bird,
    ),
)
BY_ID = {r.identifier: r for r in ROUTER_TYPES}
DEFAULT = ROUTER_TYPES[0]


def router_type(identifier: str | None) -> RouterType:
    if identifier is None:
        return DEFAULT
    found = BY_ID.get(identifier)
    if found is None:
        raise ValidationError(
            f"Router type {identifier!r} is not known; use one of: {', '.join(BY_ID)}"
        )
    return found


@operation("DescribeRouterConfiguration")
def describe_router_configuration(
    uow: UnitOfWork, ctx: Context, req: DescribeRouterConfigurationRequest
) -> DescribeRouterConfigurationResponse:
    rtype = router_type(req.get("routerTypeIdentifier"))
    rec = find_vif(uow, ctx, req["virtualInterfaceId"])
    owner_of_connection = rec.meta.get("connectionOwner", rec.account)
    if rec.account != owner_of_connection and ctx.account != owner_of_connection:
        # accepthostedvirtualinterface.md: the owner of the connection downloads the
        # router configuration; not the account that accepts the hosted VIF.
        raise Conflict(
            f"The router configuration of hosted virtual interface {rec.id} is available to the owner"
            f" of its connection, {owner_of_connection}"
        )
    doc = view(uow, ctx, rec)
    if doc["virtualInterfaceState"] in VIF.gone | {VirtualInterfaceState.CONFIRMING}:
        raise Conflict(
            f"Virtual interface {rec.id} is in state {doc['virtualInterfaceState']}; it has no router configuration"
        )
    return {
        "customerRouterConfig": rtype.render(
            t.session_of(doc, _topology_prefixes(uow, rec, owner_of_connection))
        ),
        "router": rtype.shape(),
        "virtualInterfaceId": rec.id,
        "virtualInterfaceName": doc["virtualInterfaceName"],
    }


def _topology_prefixes(uow: UnitOfWork, rec: Any, owner: str) -> list[str] | None:
    """The prefixes the customer topology's router on this VIF's connection advertises: the
    download then names them, as the lab's router runs them. None: no router is known."""
    from dxlab.service.snapshot import load_topology

    if rec.doc.get("virtualInterfaceType") == "public":
        return None  # a public VIF advertises its approved route filter prefixes
    topology, resolved = load_topology(uow, owner)
    router = resolved.get("routerOfLink", {}).get(rec.parent)
    if not router or router not in topology.routers_by_name:
        return None
    return [a.prefix for a in topology.router(router).advertise]


@route("GET", "/router-types")
def list_router_types(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return {"routerTypes": [r.shape() for r in ROUTER_TYPES]}
