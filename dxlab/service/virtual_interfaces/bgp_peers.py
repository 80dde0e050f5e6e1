"""BGP peers of a virtual interface: building one (addresses, ASN, MD5 key), and
CreateBGPPeer / DeleteBGPPeer (add-peer-to-vif.md).

A VIF has at most one peer per address family (2 in all, limits.md). IPv4 addresses are
the user's, validated, or a /30 Amazon claims from 169.254.0.0/16; IPv6 addresses are
always a /125 from Amazon's pool. Every block is a store claim owned by the VIF, so
concurrent creates never hand out the same one and deleting the VIF frees them all."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from dxlab.domain import addressing, ids, quotas
from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from dxlab.domain.shapes import (
    CreateBGPPeerRequest,
    CreateBGPPeerResponse,
    DeleteBGPPeerRequest,
    DeleteBGPPeerResponse,
)
from dxlab.domain.states import (
    BGP_PEER,
    BGP_STATUS,
    VIF,
    BGPPeerState,
    BGPStatus,
    VirtualInterfaceState,
    set_state,
)
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.virtual_interfaces.lifecycle import schedule_peer_provisioning
from dxlab.service.virtual_interfaces.state import (
    as_vif,
    find_vif,
    live_vifs_on,
    parent_of,
    save,
)
from dxlab.store.repository import Record, UnitOfWork


def live_peers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in doc.get("bgpPeers", []) if p.get("bgpPeerState") not in BGP_PEER.gone]


def _used_v4_blocks_on(uow: UnitOfWork, parent_id: str, exclude: str) -> set[str]:
    """/30 blocks of 169.254/16 that user-given addresses on this parent already cover,
    so an allocated block never collides with them on the same VLAN trunk."""
    blocks: set[str] = set()
    for other in live_vifs_on(uow, parent_id):
        if other.id == exclude:
            continue
        for p in live_peers(other.doc):
            if p["addressFamily"] != "ipv4" or not p.get("customerAddress"):
                continue
            net = ipaddress.ip_interface(p["customerAddress"]).network
            if net.subnet_of(addressing.LINK_LOCAL) and net.prefixlen <= 30:  # type: ignore[arg-type]
                blocks.update(str(s) for s in net.subnets(new_prefix=30))
    return blocks


def check_no_address_conflict(
    uow: UnitOfWork, parent_id: str, vif_id: str, addresses: Iterable[str]
) -> None:
    """AssociateVirtualInterface's rule, applied on create too: no two VIFs on one
    connection or LAG use the same peer address."""
    mine = {ipaddress.ip_interface(a).ip for a in addresses}
    for other in live_vifs_on(uow, parent_id):
        if other.id == vif_id:
            continue
        for p in live_peers(other.doc):
            theirs = {
                ipaddress.ip_interface(p[k]).ip
                for k in ("amazonAddress", "customerAddress")
                if p.get(k)
            }
            clash = mine & theirs
            if clash:
                raise Conflict(
                    f"Peer address {', '.join(sorted(str(ip) for ip in clash))} is already used by virtual interface {other.id} on {parent_id}"
                )


def allocate_addresses(
    uow: UnitOfWork,
    vif_id: str,
    parent_id: str,
    family: str,
    amazon: Any,
    customer: Any,
    *,
    public: bool,
) -> tuple[str, str]:
    """The (amazonAddress, customerAddress) of a new peer."""
    if family == "ipv6":
        rules.check_ipv6_peers(amazon, customer)
        block = addressing.free_v6_block(uow.claimed(addressing.SCOPE_V6))
        if not uow.claim(addressing.SCOPE_V6, block, vif_id):
            raise Conflict("Could not allocate IPv6 peer addresses; try again")
        return addressing.peer_addresses(block)
    given = rules.check_ipv4_peers(amazon, customer, public=public)
    if given is not None:
        check_no_address_conflict(uow, parent_id, vif_id, given)
        return given
    taken = set(uow.claimed(addressing.SCOPE_V4)) | _used_v4_blocks_on(uow, parent_id, vif_id)
    v4 = addressing.free_v4_block(taken)
    if v4 is None or not uow.claim(addressing.SCOPE_V4, v4, vif_id):
        raise LimitExceeded(
            "No free /30 is left in 169.254.0.0/16 for BGP peer addresses; give your own"
        )
    return addressing.peer_addresses(v4)


def release_addresses(uow: UnitOfWork, peer: dict[str, Any]) -> None:
    scope = addressing.SCOPE_V6 if peer["addressFamily"] == "ipv6" else addressing.SCOPE_V4
    if peer.get("amazonAddress"):
        uow.release(scope, addressing.block_of(peer["amazonAddress"]))


def new_peer(
    uow: UnitOfWork,
    vif_id: str,
    parent: Record,
    spec: dict[str, Any],
    asn: int,
    *,
    public: bool,
    state: BGPPeerState,
) -> dict[str, Any]:
    """A BGP peer from the request's fields (NewBGPPeer or a New*VirtualInterface)."""
    family = rules.check_address_family(spec.get("addressFamily"))
    key = rules.check_auth_key(spec.get("authKey")) or ids.bgp_auth_key()
    amazon, customer = allocate_addresses(
        uow,
        vif_id,
        parent.id,
        family,
        spec.get("amazonAddress"),
        spec.get("customerAddress"),
        public=public,
    )
    peer: dict[str, Any] = {
        "bgpPeerId": ids.bgp_peer_id(),
        **rules.asn_fields(asn),
        "authKey": key,
        "addressFamily": family,
        "amazonAddress": amazon,
        "customerAddress": customer,
    }
    set_state(peer, BGP_PEER, state)
    set_state(peer, BGP_STATUS, BGPStatus.DOWN)
    peer["awsDeviceV2"] = parent.doc.get("awsDeviceV2") or parent.doc.get("awsDevice")
    peer["awsLogicalDeviceId"] = parent.doc.get("awsLogicalDeviceId")
    return peer


def peer_state_for(vif_state: str) -> BGPPeerState:
    """A new peer's state: verifying while the VIF's prefixes are reviewed, else pending
    (the create-bgp-peer capture) until it is provisioned (lifecycle.PEER_PROVISION)."""
    return (
        BGPPeerState.VERIFYING
        if vif_state == VirtualInterfaceState.VERIFYING
        else BGPPeerState.PENDING
    )


@operation("CreateBGPPeer", write=True)
def create_bgp_peer(
    uow: UnitOfWork, ctx: Context, req: CreateBGPPeerRequest
) -> CreateBGPPeerResponse:
    vif_id = req.get("virtualInterfaceId")
    if not vif_id:
        raise ValidationError("virtualInterfaceId is required")
    spec = req.get("newBGPPeer") or {}
    rec = find_vif(uow, ctx, vif_id, owner_only=True)
    state = rec.doc["virtualInterfaceState"]
    if state in VIF.gone or state == VirtualInterfaceState.CONFIRMING:
        raise Conflict(f"Virtual interface {rec.id} is in state {state}; BGP peers cannot be added")
    family = rules.check_address_family(spec.get("addressFamily"))
    peers = live_peers(rec.doc)
    if any(p["addressFamily"] == family for p in peers):
        raise Conflict(
            f"Virtual interface {rec.id} already has an {family} BGP peer; only one per address family"
        )
    if len(peers) >= quotas.BGP_PEERS_PER_VIF:
        raise LimitExceeded(
            f"Virtual interface {rec.id} already has {quotas.BGP_PEERS_PER_VIF} BGP peers"
        )
    public = rec.doc["virtualInterfaceType"] == rules.PUBLIC
    asn = (
        rules.resolve_asn(spec.get("asn"), spec.get("asnLong"), required=False)
        or rec.doc["asnLong"]
    )
    if public and asn != rec.doc["asnLong"] and not rules.is_private_asn(asn):
        raise ValidationError(
            f"BGP ASN {asn} is not allowed on public virtual interface {rec.id}: use a private ASN or {rec.doc['asnLong']}"
        )
    parent = parent_of(uow, rec.parent) or Record("connection", str(rec.parent), rec.account, {})
    peer = new_peer(
        uow,
        rec.id,
        parent,
        {**spec, "addressFamily": family},
        asn,
        public=public,
        state=peer_state_for(state),
    )
    rec.doc.setdefault("bgpPeers", []).append(peer)
    if peer["bgpPeerState"] == BGPPeerState.PENDING:
        schedule_peer_provisioning(uow, ctx, rec.id)
    return {"virtualInterface": as_vif(save(uow, ctx, rec))}


def _match(peer: dict[str, Any], req: DeleteBGPPeerRequest) -> bool:
    if req.get("bgpPeerId"):
        return bool(peer["bgpPeerId"] == req["bgpPeerId"])
    asn = rules.resolve_asn(req.get("asn"), req.get("asnLong"), required=False)
    if asn is not None and peer["asnLong"] != asn:
        return False
    if req.get("customerAddress") and peer["customerAddress"] != req["customerAddress"]:
        return False
    return asn is not None or bool(req.get("customerAddress"))


@operation("DeleteBGPPeer", write=True)
def delete_bgp_peer(
    uow: UnitOfWork, ctx: Context, req: DeleteBGPPeerRequest
) -> DeleteBGPPeerResponse:
    vif_id = req.get("virtualInterfaceId")
    if not vif_id:
        raise ValidationError("virtualInterfaceId is required")
    rec = find_vif(uow, ctx, vif_id, owner_only=True)
    if rec.doc["virtualInterfaceState"] in VIF.gone:
        raise Conflict(f"Virtual interface {rec.id} is in state {rec.doc['virtualInterfaceState']}")
    if not (
        req.get("bgpPeerId") or req.get("customerAddress") or req.get("asn") or req.get("asnLong")
    ):
        raise ValidationError(
            "Name the BGP peer to delete: bgpPeerId, or asn/asnLong and customerAddress"
        )
    peers = live_peers(rec.doc)
    found = [p for p in peers if _match(p, req)]
    if not found:
        what = (
            req.get("bgpPeerId")
            or req.get("customerAddress")
            or req.get("asnLong")
            or req.get("asn")
        )
        raise NotFound(f"Could not find BGP peer {what} on virtual interface {rec.id}")
    if len(peers) <= 1:
        raise Conflict("The last BGP Peer on a Virtual Interface cannot be deleted")
    gone = found[0]
    release_addresses(uow, gone)
    rec.doc["bgpPeers"] = [p for p in rec.doc["bgpPeers"] if p["bgpPeerId"] != gone["bgpPeerId"]]
    if rec.doc.get("amazonAddress") == gone["amazonAddress"]:
        # The VIF's own address fields describe its first peer; the remaining one now.
        rest = rec.doc["bgpPeers"][0]
        rec.doc.update(
            {k: rest[k] for k in ("addressFamily", "amazonAddress", "customerAddress", "authKey")}
        )
    out = save(uow, ctx, rec)
    # The answer shows the peer on its way out, as AWS does; the store no longer has it.
    shown = dict(gone)
    set_state(shown, BGP_PEER, BGPPeerState.DELETING)
    set_state(shown, BGP_STATUS, BGPStatus.DOWN)
    return {"virtualInterface": as_vif({**out, "bgpPeers": [*out["bgpPeers"], shown]})}
