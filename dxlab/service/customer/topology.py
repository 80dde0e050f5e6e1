"""Loading the customer topology: validated (errors point at the line), connection
names resolved to ids, and a VGW created for each VPC that names no gateway."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from dxlab.domain.errors import ValidationError
from dxlab.domain.states import CONNECTION, LAG
from dxlab.domain.topology import limit_warnings, parse
from dxlab.service.context import Context
from dxlab.service.customer.frr_check import check_frr_configs
from dxlab.service.gateways.made_through_ec2 import create_virtual_gateway
from dxlab.service.routes import route
from dxlab.service.snapshot import TOPOLOGY_KIND, load_topology
from dxlab.store.repository import Record, UnitOfWork


def live_links(uow: UnitOfWork, account: str) -> tuple[set[str], dict[str, list[str]]]:
    """The ids of the account's connections and LAGs that exist, and their ids by name:
    what a router's `connections` may name."""
    by_name: dict[str, list[str]] = {}
    live: set[str] = set()
    for kind, name_field, lifecycle in (
        ("connection", "connectionName", CONNECTION),
        ("lag", "lagName", LAG),
    ):
        for rec in uow.list(kind, account=account):
            if rec.doc.get(lifecycle.field) not in lifecycle.live:
                continue
            live.add(rec.id)
            by_name.setdefault(str(rec.doc.get(name_field)), []).append(rec.id)
    return live, by_name


def _resolve_links(uow: UnitOfWork, ctx: Context, refs: tuple[str, ...], router: str) -> list[str]:
    live, by_name = live_links(uow, ctx.account)
    out = []
    for ref in refs:
        if ref in live:
            out.append(ref)
        elif len(by_name.get(ref, [])) == 1:
            out.append(by_name[ref][0])
        elif ref in by_name:
            raise ValidationError(
                f"router {router}: {len(by_name[ref])} connections are named {ref!r}; use the id"
            )
        else:
            raise ValidationError(f"router {router}: no connection or LAG {ref!r} in this account")
    return out


def install(uow: UnitOfWork, ctx: Context, text: str, source: str = "topology") -> dict[str, Any]:
    topology = parse(text, source)
    # A user's own FRR configuration is checked with FRR's parser; what will go wrong but
    # is allowed (a session that will go idle) is said, in the answer and the server's log.
    warnings = check_frr_configs(topology, source) + limit_warnings(topology, source)
    for warning in warnings:
        logging.getLogger("dxlab.topology").warning("%s", warning)
    router_of_link: dict[str, str] = {}
    for router in topology.routers:
        try:
            links = _resolve_links(uow, ctx, router.connections, router.name)
        except ValidationError as exc:
            raise ValidationError(
                f"{source}:{router.connections_line or router.line}: {exc.message}"
            ) from None
        for link in links:
            if link in router_of_link:
                raise ValidationError(
                    f"{link} is patched to both {router_of_link[link]} and {router.name}; a port has one cross-connect"
                )
            router_of_link[link] = router.name
    _, previous = load_topology(uow, ctx.account)
    vpc_gateways: dict[str, str] = {}
    for vpc in topology.vpcs:
        if vpc.gateway:
            kind = "virtual_gateway" if vpc.gateway.startswith("vgw-") else "transit_gateway"
            rec = uow.get(kind, vpc.gateway)
            if rec is None or rec.account != ctx.account:
                raise ValidationError(
                    f"vpc {vpc.name}: gateway {vpc.gateway} does not exist in this account"
                )
            vpc_gateways[vpc.name] = vpc.gateway
        elif vpc.name in previous.get("vpcGateways", {}) and uow.get(
            "virtual_gateway", previous["vpcGateways"][vpc.name]
        ):
            vpc_gateways[vpc.name] = previous["vpcGateways"][vpc.name]
        else:
            # The VPC's VGW is EC2's, in the VPC's own Region.
            created = create_virtual_gateway(
                uow, replace(ctx, request_region=vpc.region), {"vpcCidrs": [vpc.cidr]}
            )
            vpc_gateways[vpc.name] = created["virtualGatewayId"]
    doc = {
        "routerOfLink": router_of_link,
        "vpcGateways": vpc_gateways,
        "sites": list(topology.sites),
        "routers": [r.name for r in topology.routers],
    }
    uow.put(Record(TOPOLOGY_KIND, ctx.account, ctx.account, doc, {"yaml": text}, created=ctx.now()))
    return {**doc, "warnings": warnings}


@route("PUT", "/topology", write=True)
def put_topology(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    text = args.get("yaml")
    if not isinstance(text, str):
        raise ValidationError('Send the topology as {"yaml": "..."}')
    return install(uow, ctx, text, str(args.get("source", "topology")))


@route("GET", "/topology")
def get_topology(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    rec = uow.get(TOPOLOGY_KIND, ctx.account)
    if rec is None:
        return {"loaded": False}
    return {"loaded": True, "yaml": rec.meta["yaml"], **rec.doc}
