"""The network snapshot: the store and the account's customer topology turned into the
routing model's `Network`, with what is down now (resiliency/outages.py) and the data
plane's word on every BGP session. The one place where store records become routing
data, and the one answer every reader uses: Describe*, ListVirtualInterfaceRoutes,
verify, the failover reports, the analyzer's "now", the console, the lab's loop."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from dxlab.domain import catalog
from dxlab.domain.states import (
    ASSOCIATION,
    BGP_PEER,
    CONNECTION,
    INTERCONNECT,
    LAG,
    VIF,
    Lifecycle,
    VirtualInterfaceState,
)
from dxlab.domain.topology import Topology, parse
from dxlab.routing.bgp import SessionState
from dxlab.routing.network import Association, AwsGateway, Link, Network, Outages, Session, Vif
from dxlab.routing.paths import Paths, SessionKey
from dxlab.service.context import Context, Settings
from dxlab.service.ec2.network import with_ec2_vpcs
from dxlab.service.resiliency.outages import current_outages
from dxlab.store.repository import Record, UnitOfWork

TOPOLOGY_KIND = "topology"
EMPTY = Topology(65000, (), (), ())
# A link's lifecycle: the field that holds its state and the states it still exists in.
# What a VIF in an outage dxlab causes counts as: not yet provisioned again.
OUTAGE_STATE = VirtualInterfaceState.PENDING.value
LINK_KINDS: dict[str, Lifecycle[Any]] = {
    "connection": CONNECTION,
    "lag": LAG,
    "interconnect": INTERCONNECT,
}


def load_topology(uow: UnitOfWork, account: str) -> tuple[Topology, dict[str, Any]]:
    """The account's topology and what loading it resolved (router per link, VPC gateways)."""
    rec = uow.get(TOPOLOGY_KIND, account)
    if rec is None:
        return EMPTY, {"routerOfLink": {}, "vpcGateways": {}}
    return _parsed(rec.meta["yaml"]), rec.doc


@lru_cache(maxsize=64)
def _parsed(text: str) -> Topology:
    """The stored topology, parsed once per text: every snapshot needs it."""
    return parse(text, "topology")


def link_kind(link_id: str) -> tuple[str, ...]:
    return ("lag",) if link_id.startswith("dxlag-") else ("connection", "interconnect")


def _exists(rec: Record) -> bool:
    """A connection, LAG or interconnect that is not deleted or rejected."""
    lifecycle = LINK_KINDS[rec.kind]
    return rec.doc.get(lifecycle.field) in lifecycle.live


def _link(
    uow: UnitOfWork, rec: Record, topologies: dict[str, Record | None], up_without_router: bool
) -> Link:
    """A connection, LAG or interconnect as routing sees it. Its state is the design's:
    a port an injected failure holds `down` keeps its state from before (the failure
    itself is an outage, so no reader counts it twice). It is patched when its
    cross-connect is complete and a router of its owner's customer topology is on it (a
    session needs a router at the other end: without one the real service's captures show
    the VIF and its peers `down`). With no topology loaded, `--vifs-up-without-router`
    counts the port as patched (for CI that tests automation, not routing)."""
    d = rec.doc
    state = str(d.get(LINK_KINDS[rec.kind].field))
    if rec.meta.get("failures"):
        state = str(rec.meta.get("stateBeforeFailure", state))
    if rec.account not in topologies:
        topologies[rec.account] = uow.get(TOPOLOGY_KIND, rec.account)
    topology = topologies[rec.account]
    patched = bool(rec.meta.get("crossConnect", True)) and (
        up_without_router if topology is None else rec.id in topology.doc.get("routerOfLink", {})
    )
    name = str(d.get(f"{rec.kind}Name", ""))
    device = str(d.get("awsDeviceV2") or d.get("awsDevice") or "")
    return Link(rec.id, name, device, str(d.get("location")), state, patched, rec.account)


def build_network(
    uow: UnitOfWork,
    ctx: Context,
    account: str | None = None,
    vif_ids: Collection[str] | None = None,
) -> Network:
    """The account's network. `vif_ids`: only those VIFs of the account and what their
    sessions are judged by (`routing.bgp.session_state`: the VIF, the port it rides on,
    the customer topology, its gateway and that gateway's associations), each read by id,
    so that one VIF's Describe reads a handful of records, not the account. Those VIFs'
    sessions come out the same as in the whole account's network: the same code builds
    each part, and nothing else of the account enters a session's state."""
    account = account or ctx.account
    topology, resolved = load_topology(uow, account)
    topology = with_ec2_vpcs(uow, ctx, account, topology, resolved.get("vpcGateways", {}))
    links: dict[str, Link] = {}
    topologies: dict[str, Record | None] = {}
    up_without_router = ctx.settings.vifs_up_without_router
    if vif_ids is None:
        for kind in ("connection", "lag"):
            for rec in uow.list(kind, account=account):
                if _exists(rec):
                    links[rec.id] = _link(uow, rec, topologies, up_without_router)
        vif_records = uow.list("virtual_interface", account=account)
    else:  # the VIFs' ports are read below, as a hosted VIF's port is
        vif_records = [
            found
            for vif_id in vif_ids
            if (found := uow.get("virtual_interface", vif_id)) is not None
            and found.account == account
        ]
    vifs: dict[str, Vif] = {}
    for rec in vif_records:
        d = rec.doc
        if d.get("virtualInterfaceState") in VIF.gone:
            continue
        link_id = str(d.get("connectionId"))
        if link_id not in links:  # a hosted VIF rides on another account's port
            parent = next(
                (p for k in link_kind(link_id) if (p := uow.get(k, link_id)) is not None), None
            )
            if parent is not None and _exists(parent):
                links[link_id] = _link(uow, parent, topologies, up_without_router)
        vifs[rec.id] = _vif(rec, links.get(link_id), ctx.region)
    if vif_ids is None:
        gateways = {
            rec.id: _gateway(rec, ctx.region)
            for kind in ("virtual_gateway", "transit_gateway")
            for rec in uow.list(kind, account=account)
        }
        association_records = uow.list("gateway_association")
    else:
        # The associations of the VIFs' Direct Connect gateways (their parent), and the
        # account's VGWs/TGWs that the VIFs or those associations name.
        gateway_ids = sorted({v.gateway_id for v in vifs.values() if v.gateway_id})
        association_records = sorted(
            (rec for g in gateway_ids for rec in uow.list("gateway_association", parent=g)),
            key=lambda r: (r.created, r.id),  # the store's order, as the whole list has them
        )
        named = set(gateway_ids) | {
            str(r.doc.get("associatedGateway", {}).get("id")) for r in association_records
        }
        gateways = {
            gid: _gateway(found, ctx.region)
            for gid in sorted(named)
            if gid.startswith(("vgw-", "tgw-"))
            for kind in ("virtual_gateway", "transit_gateway")
            if (found := uow.get(kind, gid)) is not None and found.account == account
        }
    associations = []
    for rec in association_records:
        d = rec.doc
        if d.get("associationState") not in ASSOCIATION.live - ASSOCIATION.gone:  # not leaving
            continue
        gw = d.get("associatedGateway", {}).get("id")
        if gw not in gateways and rec.account == account:
            # A VGW/TGW of another account, associated through an accepted proposal.
            other = uow.get("virtual_gateway", str(gw)) or uow.get("transit_gateway", str(gw))
            if other is not None:
                gateways[other.id] = _gateway(other, ctx.region)
        if gw in gateways or rec.account == account:
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
        gateway_names=_dx_gateway_names(uow, {v.gateway_id for v in vifs.values()}),
    )


def _vif(rec: Record, link: Link | None, region: str) -> Vif:
    """A VIF as routing sees it."""
    d = rec.doc
    sessions = tuple(
        Session(
            rec.id,
            p["addressFamily"],
            p.get("bgpPeerId", ""),
            p.get("amazonAddress", ""),
            p.get("customerAddress", ""),
        )
        for p in d.get("bgpPeers", [])
        if p.get("bgpPeerState") not in BGP_PEER.gone
    )
    return Vif(
        id=rec.id,
        name=str(d.get("virtualInterfaceName", "")),
        type=str(d.get("virtualInterfaceType")),
        # The lifecycle state (the plane says up or down); during an outage dxlab causes
        # (set-jumbo-frames-vif.md: a jumbo frame update, a migration) no session runs.
        state=OUTAGE_STATE if rec.meta.get("outage") else str(d.get("virtualInterfaceState")),
        vlan=int(d.get("vlan", 0)),
        connection_id=str(d.get("connectionId")),
        device=link.device if link else str(d.get("awsDeviceV2", "")),
        location=str(d.get("location")),
        location_region=catalog.region_of(str(d.get("location")), region),
        gateway_id=str(d.get("directConnectGatewayId") or d.get("virtualGatewayId") or ""),
        amazon_asn=int(d.get("amazonSideAsn") or 0),
        customer_asn=int(d.get("asnLong") or d.get("asn") or 0),
        sessions=sessions,
        mtu=int(d.get("mtu") or 1500),
        sitelink=bool(d.get("siteLinkEnabled")),
        route_filter_prefixes=tuple(
            str(r["cidr"]) for r in d.get("routeFilterPrefixes") or () if r.get("cidr")
        ),
    )


def _dx_gateway_names(uow: UnitOfWork, ids: set[str]) -> dict[str, str]:
    out = {}
    for gid in sorted(ids):
        rec = uow.get("dx_gateway", gid) if gid and not gid.startswith(("vgw-", "tgw-")) else None
        if rec is not None:
            out[gid] = str(rec.doc.get("directConnectGatewayName") or gid)
    return out


def _gateway(rec: Record, region: str) -> AwsGateway:
    return AwsGateway(
        rec.id,
        int(rec.meta.get("amazonSideAsn", 64512)),
        str(rec.meta.get("region", region)),
        tuple(rec.meta.get("vpcCidrs", [])),
    )


@dataclass(frozen=True)
class NetworkSnapshot:
    """One account's network as it is now, read through the data plane in use."""

    account: str
    network: Network
    outages: Outages
    sessions: dict[SessionKey, SessionState]
    plane: str
    # Built for some VIFs only (network_snapshot's `vif_ids`): it answers for their
    # sessions, not for paths through the account.
    scoped: bool = False

    def session(self, vif_id: str, family: str) -> SessionState | None:
        return self.sessions.get((vif_id, family))

    def vif_up(self, vif_id: str) -> bool:
        """A VIF is up while any of its BGP sessions is (DescribeVirtualInterfaces)."""
        vif = self.network.vifs.get(vif_id)
        return vif is not None and any(
            (s := self.sessions.get((vif_id, p.family))) is not None and s.up for p in vif.sessions
        )

    @cached_property
    def paths(self) -> Paths:
        if self.scoped:
            raise ValueError("a snapshot of some VIFs has no paths: take the account's")
        return Paths(self.network, self.sessions)


def foreign_links(net: Network, account: str) -> dict[str, str]:
    """The ports of other accounts in `net` (hosted VIFs ride on them): link -> owner."""
    return {
        link.id: link.owner for link in net.links.values() if link.owner and link.owner != account
    }


def network_snapshot(
    uow: UnitOfWork,
    ctx: Context,
    account: str | None = None,
    vif_ids: Collection[str] | None = None,
) -> NetworkSnapshot:
    """`vif_ids`: a snapshot that answers for those VIFs only (see `build_network`): what
    one VIF's Describe needs, without reading the whole account."""
    account = account or ctx.account
    net = build_network(uow, ctx, account, vif_ids)
    outages = current_outages(uow, account, foreign_links(net, account))
    return NetworkSnapshot(
        account,
        net,
        outages,
        ctx.plane.sessions(net, outages),
        ctx.plane.name,
        scoped=vif_ids is not None,
    )


def sim_snapshot(
    net: Network, outages: Outages | None = None, account: str = ""
) -> NetworkSnapshot:
    """A network built in memory (tests, what-ifs) read through the routing model."""
    from dxlab.service.data_plane import SimPlane

    outages = outages or Outages()
    plane = SimPlane()
    return NetworkSnapshot(account, net, outages, plane.sessions(net, outages), plane.name)


@dataclass(frozen=True)
class AccountState:
    """One account with a customer topology, as the store has it: what the lab builds."""

    account: str
    network: Network
    vif_docs: dict[str, dict[str, Any]]
    outages: Outages


def accounts_with_topology(uow: UnitOfWork, settings: Settings) -> list[AccountState]:
    """Every account that loaded a customer topology: its network as the store has it
    (never as a data plane observes it, so a lab's desired state does not depend on what
    runs) and what is down now."""
    out = []
    for topo in sorted(uow.list(TOPOLOGY_KIND), key=lambda r: r.id):
        net = build_network(uow, Context(account=topo.id, settings=settings))
        docs = {
            vif_id: rec.doc
            for vif_id in net.vifs
            if (rec := uow.get("virtual_interface", vif_id)) is not None
        }
        out.append(
            AccountState(
                topo.id, net, docs, current_outages(uow, topo.id, foreign_links(net, topo.id))
            )
        )
    return out
