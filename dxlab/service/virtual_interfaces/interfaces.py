"""Virtual interfaces: creating private, public and transit VIFs, describing and
deleting them (WorkingWithVirtualInterfaces.md, create-vif.md, maximum_resiliency.md
step 3, deletevif.md; quotas from limits.md).

`build_vif` is shared with the hosted variants (vifs_hosted.py): the same rules, only
the owner and the first state differ."""

from __future__ import annotations

from typing import Any

from dxlab.domain import ids, quotas
from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from dxlab.domain.shapes import (
    CreatePrivateVirtualInterfaceRequest,
    CreatePublicVirtualInterfaceRequest,
    CreateTransitVirtualInterfaceRequest,
    CreateTransitVirtualInterfaceResult,
    DeleteVirtualInterfaceRequest,
    DeleteVirtualInterfaceResponse,
    DescribeVirtualInterfacesRequest,
    VirtualInterface,
    VirtualInterfaces,
)
from dxlab.domain.speeds import RATE_LIMITS_MBPS, mbps
from dxlab.domain.states import (
    CONNECTION,
    VIF,
    BGPPeerState,
    ConnectionState,
    VirtualInterfaceState,
    set_state,
)
from dxlab.service.common import in_region, initial_tags, page
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.virtual_interfaces.bgp_peers import new_peer
from dxlab.service.virtual_interfaces.gateways import attach, check_site_link
from dxlab.service.virtual_interfaces.lifecycle import (
    finish_reject,
    jumbo_configured,
    jumbo_upgrade,
    schedule_provisioning,
    start_delete,
)
from dxlab.service.virtual_interfaces.state import (
    KIND,
    as_vif,
    find_vif,
    live_vifs_on,
    parent_of,
    parent_state,
    view,
    views,
    visible_to,
)
from dxlab.store.repository import Record, UnitOfWork

# Parent states on which a VIF may be created: AWS lets you stage VIFs on a connection
# that is still being provisioned; not on one that is gone or not yet confirmed.
ACCEPTING_STATES = CONNECTION.live - {ConnectionState.ORDERING}


def owned_parent(uow: UnitOfWork, ctx: Context, parent_id: str) -> Record:
    parent = parent_of(uow, parent_id)
    if parent is None or parent.account != ctx.account:
        what = "Lag" if parent_id.startswith("dxlag-") else "Connection"
        raise NotFound(f"Could not find {what} with ID {parent_id}")
    if parent.doc.get("region", ctx.region) != ctx.region:
        raise NotFound(f"Could not find Connection with ID {parent_id} in {ctx.region}")
    return parent


def is_hosted(uow: UnitOfWork, parent: Record) -> bool:
    """A hosted connection: carved by a partner from an interconnect (or LAG)."""
    if parent.kind != "connection":
        return False
    if parent.meta.get("hosted") or parent.doc.get("partnerName"):
        return True
    return bool(parent.parent and uow.get("interconnect", parent.parent) is not None)


def parent_bandwidth_mbps(uow: UnitOfWork, parent: Record) -> int:
    if parent.kind == "lag":
        from dxlab.service.connections.lag_rules import lag_members

        return mbps(parent.doc["connectionsBandwidth"]) * max(1, len(lag_members(uow, parent.id)))
    return mbps(parent.doc["bandwidth"])


def check_parent_room(
    uow: UnitOfWork, parent: Record, vif_type: str, vlan: int, exclude: str | None = None
) -> None:
    """State, hosted-connection VLAN and the VIF quotas of limits.md."""
    state = parent_state(parent)
    if state not in ACCEPTING_STATES:
        raise Conflict(
            f"{'LAG' if parent.kind == 'lag' else 'Connection'} {parent.id} is in state {state}"
        )
    live = [v for v in live_vifs_on(uow, parent.id) if v.id != exclude]
    if is_hosted(uow, parent):
        hosted_vlan = parent.doc.get("vlan")
        # WorkingWithVirtualInterfaces.md: "If you have a hosted connection, your
        # AWS Direct Connect Partner provides this value."
        if hosted_vlan and hosted_vlan != vlan:
            raise ValidationError(
                f"VLAN {vlan} does not match hosted connection {parent.id}, whose partner assigned VLAN {hosted_vlan}"
            )
        if len(live) >= quotas.VIFS_PER_HOSTED_CONNECTION:
            raise LimitExceeded(
                f"Hosted connection {parent.id} already has its one virtual interface"
            )
        return
    if parent.kind == "lag":
        if len(live) >= quotas.VIFS_PER_LAG:
            raise LimitExceeded(
                f"LAG {parent.id} already has {quotas.VIFS_PER_LAG} virtual interfaces, the maximum"
            )
        return
    transit = sum(1 for v in live if v.doc["virtualInterfaceType"] == rules.TRANSIT)
    if vif_type == rules.TRANSIT and transit >= quotas.TRANSIT_VIFS_PER_CONNECTION:
        raise LimitExceeded(
            f"Connection {parent.id} already has {quotas.TRANSIT_VIFS_PER_CONNECTION} transit virtual interfaces, the maximum"
        )
    if (
        vif_type != rules.TRANSIT
        and len(live) - transit >= quotas.PRIVATE_PUBLIC_VIFS_PER_CONNECTION
    ):
        raise LimitExceeded(
            f"Connection {parent.id} already has {quotas.PRIVATE_PUBLIC_VIFS_PER_CONNECTION} private and public"
            " virtual interfaces, the maximum"
        )
    if len(live) >= quotas.VIFS_PER_CONNECTION_TOTAL:
        raise LimitExceeded(
            f"Connection {parent.id} already has {quotas.VIFS_PER_CONNECTION_TOTAL} virtual interfaces"
        )


def claim_vlan(uow: UnitOfWork, parent_id: str, vlan: int, vif_id: str) -> None:
    """VLANs are unique per connection or LAG; the store's claim makes it race-free."""
    if not uow.claim(f"vlan:{parent_id}", str(vlan), vif_id):
        raise Conflict(
            f"VLAN {vlan} is already in use on {parent_id}; choose a VLAN that is free on it"
        )


def build_vif(
    uow: UnitOfWork,
    ctx: Context,
    vif_type: str,
    parent_id: str,
    spec: dict[str, Any],
    *,
    owner: str,
    hosted: bool,
) -> Record:
    parent = owned_parent(uow, ctx, parent_id)
    name = rules.check_name(spec.get("virtualInterfaceName"))
    vlan = rules.check_vlan(spec.get("vlan"))
    asn = rules.resolve_asn(spec.get("asn"), spec.get("asnLong"))
    assert asn is not None
    mtu = rules.check_mtu(vif_type, spec.get("mtu"))
    rules.check_address_family(spec.get("addressFamily"))
    rules.check_auth_key(spec.get("authKey"))
    tags = initial_tags(spec)
    rate = rules.check_rate_limit(
        spec.get("rateLimit"), parent_bandwidth_mbps(uow, parent), RATE_LIMITS_MBPS
    )
    prefixes = None
    if vif_type == rules.PUBLIC:
        prefixes = rules.check_route_filter_prefixes(
            spec.get("routeFilterPrefixes"), quotas.PUBLIC_ROUTES
        )
    vif_id = ids.virtual_interface_id()
    gateway: dict[str, str] = {}
    if vif_type == rules.PUBLIC:
        amazon_asn = rules.public_amazon_asn(ctx.region)
    elif hosted:
        # The gateway's ASN is known once the owner confirms and picks a gateway.
        amazon_asn = rules.HOSTED_UNCONFIRMED_AMAZON_ASN
    else:
        gateway, amazon_asn = attach(
            uow,
            ctx,
            owner,
            vif_type,
            vif_id,
            spec.get("virtualGatewayId"),
            spec.get("directConnectGatewayId"),
        )
    site_link = check_site_link(vif_type, gateway, spec.get("enableSiteLink"))
    for key in ("prefixPoolAllocatedCountIpv4", "prefixPoolAllocatedCountIpv6"):
        if vif_type == rules.PUBLIC and spec.get(key) is not None:
            raise ValidationError(f"{key} does not apply to public virtual interfaces")
    check_parent_room(uow, parent, vif_type, vlan)
    claim_vlan(uow, parent.id, vlan, vif_id)
    if hosted:
        state = VirtualInterfaceState.CONFIRMING
    elif vif_type == rules.PUBLIC:
        state = VirtualInterfaceState.VERIFYING
    else:
        state = VirtualInterfaceState.PENDING
    peer_state = (
        BGPPeerState.VERIFYING if state == VirtualInterfaceState.VERIFYING else BGPPeerState.PENDING
    )
    peer = new_peer(
        uow, vif_id, parent, spec, asn, public=vif_type == rules.PUBLIC, state=peer_state
    )
    doc: dict[str, Any] = {
        "ownerAccount": owner,
        "virtualInterfaceId": vif_id,
        "location": parent.doc.get("location"),
        "connectionId": parent.id,
        "virtualInterfaceType": vif_type,
        "virtualInterfaceName": name,
        "vlan": vlan,
        **rules.asn_fields(asn),
        "amazonSideAsn": amazon_asn,
        "authKey": peer["authKey"],
        "amazonAddress": peer["amazonAddress"],
        "customerAddress": peer["customerAddress"],
        "addressFamily": peer["addressFamily"],
    }
    set_state(doc, VIF, state)
    doc |= {
        "customerRouterConfig": "",
        "mtu": mtu,
        "jumboFrameCapable": bool(parent.doc.get("jumboFrameCapable", True)),
        "virtualGatewayId": gateway.get("virtualGatewayId", ""),
        "directConnectGatewayId": gateway.get("directConnectGatewayId", ""),
        "routeFilterPrefixes": [{"cidr": c} for c in prefixes or []],
        "bgpPeers": [peer],
        "region": ctx.region,
        "awsDeviceV2": parent.doc.get("awsDeviceV2") or parent.doc.get("awsDevice"),
        "awsLogicalDeviceId": parent.doc.get("awsLogicalDeviceId"),
        "tags": tags,
        "siteLinkEnabled": site_link,
    }
    for key in ("prefixPoolAllocatedCountIpv4", "prefixPoolAllocatedCountIpv6"):
        if spec.get(key) is not None:
            doc[key] = spec[key]
    if rate:
        doc["rateLimit"] = rate
    meta = {"connectionOwner": parent.account, "hosted": hosted}
    rec = Record(KIND, vif_id, owner, doc, meta, parent=parent.id, created=ctx.now())
    if rules.is_jumbo(mtu) and not jumbo_configured(parent):
        jumbo_upgrade(uow, ctx, parent, rec)
    return rec


def start(uow: UnitOfWork, ctx: Context, rec: Record) -> VirtualInterface:
    """Store a new VIF and set its path in motion; the answer shows it as created."""
    if rec.doc["virtualInterfaceState"] == VirtualInterfaceState.VERIFYING:
        from dxlab.service.virtual_interfaces.public import approve_if_owned

        approve_if_owned(uow, ctx, rec)
    uow.put(rec)
    if rec.doc["virtualInterfaceState"] == VirtualInterfaceState.PENDING:
        schedule_provisioning(uow, ctx, rec.id)
    return as_vif(view(uow, ctx, rec))


def visible_vifs(uow: UnitOfWork, account: str) -> list[Record]:
    """The account's VIFs, and the VIFs others own on its connections, LAGs and
    interconnects (hosted VIFs), in creation order."""
    found = {r.id: r for r in uow.list(KIND, account=account)}
    for kind in ("connection", "lag", "interconnect"):
        for parent in uow.list(kind, account=account):
            found.update((r.id, r) for r in uow.list(KIND, parent=parent.id))
    return sorted(found.values(), key=lambda r: (r.created, r.id))


def spec_of(value: object, member: str) -> dict[str, Any]:
    """The request's New*VirtualInterface(Allocation) member, which the model requires."""
    if not isinstance(value, dict):
        raise ValidationError(f"{member} is required")
    return value


def create_vif(
    uow: UnitOfWork,
    ctx: Context,
    vif_type: str,
    connection_id: str,
    spec: dict[str, Any],
    *,
    owner: str,
    hosted: bool,
) -> VirtualInterface:
    """A Create*/Allocate*VirtualInterface call: they differ only in the VIF type, the
    request member holding it, and who will own it."""
    rec = build_vif(uow, ctx, vif_type, connection_id, spec, owner=owner, hosted=hosted)
    return start(uow, ctx, rec)


@operation("CreatePrivateVirtualInterface", write=True)
def create_private_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: CreatePrivateVirtualInterfaceRequest
) -> VirtualInterface:
    spec = spec_of(req.get("newPrivateVirtualInterface"), "newPrivateVirtualInterface")
    return create_vif(
        uow, ctx, rules.PRIVATE, req["connectionId"], spec, owner=ctx.account, hosted=False
    )


@operation("CreatePublicVirtualInterface", write=True)
def create_public_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: CreatePublicVirtualInterfaceRequest
) -> VirtualInterface:
    spec = spec_of(req.get("newPublicVirtualInterface"), "newPublicVirtualInterface")
    return create_vif(
        uow, ctx, rules.PUBLIC, req["connectionId"], spec, owner=ctx.account, hosted=False
    )


@operation("CreateTransitVirtualInterface", write=True)
def create_transit_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: CreateTransitVirtualInterfaceRequest
) -> CreateTransitVirtualInterfaceResult:
    spec = spec_of(req.get("newTransitVirtualInterface"), "newTransitVirtualInterface")
    # The model wraps a transit VIF in a result shape (Create/AllocateTransit...Result).
    vif = create_vif(
        uow, ctx, rules.TRANSIT, req["connectionId"], spec, owner=ctx.account, hosted=False
    )
    return {"virtualInterface": vif}


@operation("DescribeVirtualInterfaces")
def describe_virtual_interfaces(
    uow: UnitOfWork, ctx: Context, req: DescribeVirtualInterfacesRequest
) -> VirtualInterfaces:
    vif_id = req.get("virtualInterfaceId")
    connection_id = req.get("connectionId")
    if vif_id:
        rec = find_vif(uow, ctx, vif_id)
        if connection_id and rec.parent != connection_id:
            return {"virtualInterfaces": []}
        return {"virtualInterfaces": [as_vif(view(uow, ctx, rec))]}
    if connection_id:
        parent = parent_of(uow, connection_id)
        if parent is None or not in_region(parent, ctx):  # another Region's: as DescribeConnections
            raise NotFound(f"Could not find Connection with ID {connection_id}")
        records = uow.list(KIND, parent=connection_id)
    else:
        records = visible_vifs(uow, ctx.account)
    mine = views(
        uow,
        ctx,
        [r for r in records if visible_to(r, ctx.account) and r.doc.get("region") == ctx.region],
    )
    items, token = page(mine, req.get("maxResults"), req.get("nextToken"))
    out: VirtualInterfaces = {"virtualInterfaces": [as_vif(d) for d in items]}
    if token:
        out["nextToken"] = token
    return out


@operation("DeleteVirtualInterface", write=True)
def delete_virtual_interface(
    uow: UnitOfWork, ctx: Context, req: DeleteVirtualInterfaceRequest
) -> DeleteVirtualInterfaceResponse:
    rec = find_vif(uow, ctx, req["virtualInterfaceId"])
    state = rec.doc["virtualInterfaceState"]
    if state == VirtualInterfaceState.DELETING:
        return {"virtualInterfaceState": state}
    if state not in VIF.live:
        raise Conflict(f"Virtual interface {rec.id} is already {state}")
    if (
        state == VirtualInterfaceState.CONFIRMING
        and ctx.account == rec.account
        and rec.meta.get("connectionOwner") != rec.account
    ):
        # The model: "If a virtual interface in the Confirming state is deleted by the
        # virtual interface owner, the virtual interface enters the Rejected state."
        finish_reject(uow, ctx, rec)
        return {"virtualInterfaceState": rec.doc["virtualInterfaceState"]}
    start_delete(uow, ctx, rec)
    return {"virtualInterfaceState": rec.doc["virtualInterfaceState"]}
