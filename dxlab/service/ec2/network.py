"""The account's EC2 VPCs as the routing model's VPCs: what `dxlab verify` pings and the
analyzer weighs, next to the topology file's `vpcs:`. A VPC counts once it has a running
instance and a gateway Direct Connect reaches (an attached VGW, or a TGW attachment);
its main route table says whether it routes back to the data centers (VGW route
propagation, or static routes to the gateway) and its instance's security groups from
where it answers ping (step 5 of maximum_resiliency.md). A VPC with an IPv6 block whose
instance has an IPv6 address is dual stack: ping -6 reaches that address over the VIFs'
IPv6 sessions (routing/dualstack.py, lab/dualstack.py), with the same route table (its
propagation and IPv6 static routes) and security groups (their Ipv6Ranges)."""

from __future__ import annotations

import dataclasses
import ipaddress

from dxlab.domain import security_group_rules
from dxlab.domain.topology import Topology, Vpc
from dxlab.service.context import Context
from dxlab.service.ec2.common import INSTANCE, ROUTE_TABLE, TGW_ATTACHMENT, VGW, VPC, mine
from dxlab.store.repository import Record, UnitOfWork


def _gateway(uow: UnitOfWork, ctx: Context, vpc: Record) -> str | None:
    vgw = next((g.id for g in mine(uow, ctx, VGW) if g.meta.get("vpcId") == vpc.id), None)
    if vgw:
        return vgw
    return next(
        (
            a.doc["TransitGatewayId"]
            for a in mine(uow, ctx, TGW_ATTACHMENT)
            if a.doc["VpcId"] == vpc.id and a.doc["State"] in ("pending", "available")
        ),
        None,
    )


def _routing_vpc(uow: UnitOfWork, ctx: Context, vpc: Record, gateway: str, instance: Record) -> Vpc:
    tables = [t for t in mine(uow, ctx, ROUTE_TABLE) if t.doc["VpcId"] == vpc.id]
    main = next((t for t in tables if any(a.get("Main") for a in t.doc["Associations"])), None)
    propagating = main is not None and gateway in [
        p["GatewayId"] for p in main.doc["PropagatingVgws"]
    ]
    static = tuple(
        r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or ""
        for r in (main.doc["Routes"] if main else [])
        if gateway in (r.get("GatewayId"), r.get("TransitGatewayId"))
    )
    rules = []
    for g in instance.doc.get("SecurityGroups", []):
        group = uow.get("ec2_security_group", g["GroupId"])
        if group is not None:
            rules += group.meta["rules"]
    sources = tuple(security_group_rules.ping_sources(rules))
    ipv6_instance = instance.doc.get("Ipv6Address", "")
    ipv6_cidr = next(
        (
            a["Ipv6CidrBlock"]
            for a in vpc.doc.get("Ipv6CidrBlockAssociationSet", [])
            if ipv6_instance
            and ipaddress.ip_address(ipv6_instance) in ipaddress.ip_network(a["Ipv6CidrBlock"])
        ),
        "",
    )
    return Vpc(
        name=vpc.id,
        cidr=vpc.doc["CidrBlock"],
        instance=instance.doc["PrivateIpAddress"],
        icmp=bool(sources),
        gateway=gateway,
        region=ctx.region,
        route_table=main.id if main else "",
        propagation=propagating,
        static_routes=static,
        icmp_sources=sources,
        ipv6_cidr=ipv6_cidr,
        ipv6_instance=ipv6_instance if ipv6_cidr else "",
    )


def ec2_vpcs(uow: UnitOfWork, ctx: Context) -> list[Vpc]:
    """The account's EC2 VPCs that Direct Connect reaches and that have a running instance,
    in every Region: the routing network is the account's (its connections and VIFs of
    every Region), and a Direct Connect gateway joins VPCs of several Regions, each of
    which prefers its own Region's locations (routing-and-bgp.md)."""
    running: dict[str, Record] = {}
    for i in uow.list(INSTANCE, account=ctx.account):
        if i.doc["State"]["Name"] == "running":
            running.setdefault(i.doc["VpcId"], i)  # the first launched stands for the VPC
    if not running:  # most accounts: nothing more to read
        return []
    out = []
    for region in sorted({str(i.meta.get("region", ctx.region)) for i in running.values()}):
        here = dataclasses.replace(ctx, request_region=region)  # EC2 is regional
        for vpc in mine(uow, here, VPC):
            gateway = _gateway(uow, here, vpc)
            if vpc.id in running and gateway:
                out.append(_routing_vpc(uow, here, vpc, gateway, running[vpc.id]))
    return out


def with_ec2_vpcs(
    uow: UnitOfWork, ctx: Context, account: str, topology: Topology, vpc_gateways: dict[str, str]
) -> Topology:
    """`topology` with `account`'s EC2 VPCs added to its `vpcs:` (a topology VPC in front
    of the same gateway with the same CIDR is the same VPC, and stays as the file says)."""
    if account != ctx.account:  # the lab's loop reads every account's snapshot
        ctx = dataclasses.replace(ctx, account=account)
    known = {(vpc_gateways.get(v.name, v.gateway or ""), v.cidr) for v in topology.vpcs}
    extra = [v for v in ec2_vpcs(uow, ctx) if (v.gateway, v.cidr) not in known]
    if not extra:
        return topology
    return dataclasses.replace(topology, vpcs=(*topology.vpcs, *extra))
