"""Builds the routing model's `Network` snapshot from the store and the account's
customer topology: the one place where store records become routing data."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dxlab.domain import catalog
from dxlab.domain.topology import Topology, parse
from dxlab.routing.network import Association, AwsGateway, Link, Network, Session, Vif
from dxlab.service.context import Context
from dxlab.service.virtual_interfaces.state import live_state
from dxlab.store.repository import UnitOfWork

TOPOLOGY_KIND = "topology"
EMPTY = Topology(65000, (), (), ())


def load_topology(uow: UnitOfWork, account: str) -> tuple[Topology, dict[str, Any]]:
    """The account's topology and what loading it resolved (router per link, VPC gateways)."""
    rec = uow.get(TOPOLOGY_KIND, account)
    if rec is None:
        return EMPTY, {"routerOfLink": {}, "vpcGateways": {}}
    return _parsed(rec.meta["yaml"]), rec.doc


@lru_cache(maxsize=64)
def _parsed(text: str) -> Topology:
    """The stored topology, parsed once per text: every snapshot (routes, verify, the
    analyzer, the lab's reconcile loop four times a second) needs it."""
    return parse(text, "topology")


def _region_of(location: str, default: str) -> str:
    loc = catalog.location(location)
    return loc.region if loc else default


def build_network(uow: UnitOfWork, ctx: Context) -> Network:
    topology, resolved = load_topology(uow, ctx.account)
    links: dict[str, Link] = {}
    for kind, state_field in (("connection", "connectionState"), ("lag", "lagState")):
        for rec in uow.list(kind, account=ctx.account):
            d = rec.doc
            if d.get(state_field) in ("deleted", "rejected"):
                continue
            device = str(d.get("awsDeviceV2") or d.get("awsDevice") or "")
            links[rec.id] = Link(rec.id, str(d.get(f"{kind}Name", "")), device, str(d.get("location")), str(d.get(state_field)))
    vifs: dict[str, Vif] = {}
    for rec in uow.list("virtual_interface", account=ctx.account):
        d = rec.doc
        if d.get("virtualInterfaceState") in ("deleted", "deleting", "rejected"):
            continue
        link = links.get(str(d.get("connectionId")))
        sessions = tuple(
            Session(rec.id, p["addressFamily"], p.get("bgpPeerId", ""), p.get("amazonAddress", ""), p.get("customerAddress", ""))
            for p in d.get("bgpPeers", [])
            if p.get("bgpPeerState") not in ("deleted", "deleting")
        )
        vifs[rec.id] = Vif(
            id=rec.id,
            name=str(d.get("virtualInterfaceName", "")),
            type=str(d.get("virtualInterfaceType")),
            state=live_state(uow, rec),  # as DescribeVirtualInterfaces shows it
            vlan=int(d.get("vlan", 0)),
            connection_id=str(d.get("connectionId")),
            device=link.device if link else str(d.get("awsDeviceV2", "")),
            location=str(d.get("location")),
            location_region=_region_of(str(d.get("location")), ctx.region),
            gateway_id=str(d.get("directConnectGatewayId") or d.get("virtualGatewayId") or ""),
            amazon_asn=int(d.get("amazonSideAsn") or 0),
            customer_asn=int(d.get("asnLong") or d.get("asn") or 0),
            sessions=sessions,
            mtu=int(d.get("mtu") or 1500),
        )
    gateways: dict[str, AwsGateway] = {}
    for kind in ("virtual_gateway", "transit_gateway"):
        for rec in uow.list(kind, account=ctx.account):
            gateways[rec.id] = AwsGateway(
                rec.id, int(rec.meta.get("amazonSideAsn", 64512)), str(rec.meta.get("region", ctx.region)),
                tuple(rec.meta.get("vpcCidrs", [])),
            )  # fmt: skip
    associations = []
    for rec in uow.list("gateway_association"):
        d = rec.doc
        if d.get("associationState") not in ("associating", "associated", "updating"):
            continue
        gw = d.get("associatedGateway", {}).get("id")
        if gw not in gateways and rec.account == ctx.account:
            # A VGW/TGW of another account, associated through an accepted proposal.
            other = uow.get("virtual_gateway", str(gw)) or uow.get("transit_gateway", str(gw))
            if other is not None:
                gateways[other.id] = AwsGateway(other.id, int(other.meta.get("amazonSideAsn", 64512)),
                                                str(other.meta.get("region", ctx.region)),
                                                tuple(other.meta.get("vpcCidrs", [])))  # fmt: skip
        if gw in gateways or rec.account == ctx.account:
            prefixes = tuple(p["cidr"] for p in d.get("allowedPrefixesToDirectConnectGateway", []))
            associations.append(Association(str(d["directConnectGatewayId"]), str(gw), prefixes))
    return Network(
        region=ctx.region,
        links=links,
        vifs=vifs,
        gateways=gateways,
        associations=tuple(associations),
        topology=topology,
        router_of_link={k: v for k, v in resolved.get("routerOfLink", {}).items() if k in links},
        vpc_gateways=dict(resolved.get("vpcGateways", {})),
    )
