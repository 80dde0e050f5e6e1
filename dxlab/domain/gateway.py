"""Rules of Direct Connect gateways, virtual private gateways, transit gateways and the
associations between them (direct-connect-gateways-intro.md, virtualgateways.md,
direct-connect-transit-gateways.md, allowed-to-prefixes.md, limits.md).

Pure: prefixes come in as the model's RouteFilterPrefix dicts ({"cidr": ...}) and go out
as normalized CIDR strings; every refusal is a named error with a sentence that says
what is wrong."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dxlab.domain import quotas
from dxlab.domain.errors import LimitExceeded, ValidationError
from dxlab.domain.states import DirectConnectGatewayAssociationState, DirectConnectGatewayState

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# direct-connect-gateways-intro.md, virtualgateways.md: a private ASN, 16-bit or 32-bit.
AMAZON_ASN_RANGES: tuple[tuple[int, int], ...] = ((64512, 65534), (4_200_000_000, 4_294_967_294))
# CreateDirectConnectGateway (model): "The default is 64512." EC2 uses the same default.
DEFAULT_AMAZON_ASN = 64512

VGW = "virtualPrivateGateway"
TGW = "transitGateway"

# Which states still hold a gateway or a relation: dxlab.domain.states (DX_GATEWAY.live,
# ASSOCIATION.live, and VIF.live: a VIF holds its gateway until it is deleted or rejected).

# virtualgateways.md: a proposal expires 7 days after it is created; an accepted or
# deleted one stays visible for 3 days.
PROPOSAL_LIFETIME = 7 * 24 * 3600.0
PROPOSAL_AFTERLIFE = 3 * 24 * 3600.0

# How long each transition takes in `realistic` mode (seconds, scaled by the factor).
# The guide: an association update "might take several minutes or longer to complete".
REALISTIC_DELAYS: dict[str, float] = {
    DirectConnectGatewayState.AVAILABLE: 30.0,  # pending -> available (a new gateway)
    DirectConnectGatewayState.DELETED: 30.0,  # deleting -> deleted
    DirectConnectGatewayAssociationState.ASSOCIATED: 300.0,  # associating / updating ->
    DirectConnectGatewayAssociationState.DISASSOCIATED: 300.0,  # disassociating ->
}


def transition_delay(target: str, mode: str, factor: float) -> float:
    """Seconds until a gateway or association reaches `target` (0 unless realistic)."""
    if mode != "realistic":
        return 0.0
    return REALISTIC_DELAYS.get(target, 0.0) * factor


def check_amazon_side_asn(asn: Any, what: str = "Direct Connect gateway") -> int:
    if isinstance(asn, bool) or not isinstance(asn, int):
        raise ValidationError(f"amazonSideAsn {asn!r} of the {what} must be an integer")
    if not any(low <= asn <= high for low, high in AMAZON_ASN_RANGES):
        raise ValidationError(
            f"Amazon side ASN {asn} of the {what} is not valid: it must be in the private range"
            " 64512-65534 or 4200000000-4294967294"
        )
    return asn


def parse_cidr(text: Any, what: str = "allowed prefix") -> Network:
    if not isinstance(text, str):
        raise ValidationError(f"The {what} {text!r} is not a CIDR")
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise ValidationError(f"The {what} {text!r} is not a valid CIDR ({exc})") from None


def prefixes_from(items: Iterable[Mapping[str, Any]] | None) -> list[str]:
    """Normalized, de-duplicated CIDRs of a RouteFilterPrefixList, in request order."""
    out: list[str] = []
    for item in items or []:
        cidr = str(parse_cidr(item.get("cidr")))
        if cidr not in out:
            out.append(cidr)
    return out


def as_prefix_list(cidrs: Iterable[str]) -> list[dict[str, str]]:
    return [{"cidr": c} for c in cidrs]


def check_vpc_cidrs(cidrs: Sequence[Any]) -> list[str]:
    """The CIDR blocks of a VPC behind a VGW or TGW: IPv4 /16 to /28 (Amazon VPC's rule),
    IPv6 /44 to /64, none overlapping another."""
    nets: list[Network] = []
    for c in cidrs:
        net = parse_cidr(c, "VPC CIDR")
        low, high = (16, 28) if net.version == 4 else (44, 64)
        if not low <= net.prefixlen <= high:
            raise ValidationError(
                f"VPC CIDR {net} must have a prefix length between /{low} and /{high}"
            )
        for other in nets:
            if net.overlaps(other):
                raise ValidationError(f"VPC CIDR {net} overlaps {other}")
        nets.append(net)
    return [str(n) for n in nets]


def overlaps(a: str, b: str) -> bool:
    na, nb = ipaddress.ip_network(a), ipaddress.ip_network(b)
    return na.version == nb.version and na.overlaps(nb)


def first_overlap(mine: Iterable[str], theirs: Iterable[str]) -> tuple[str, str] | None:
    others = list(theirs)
    for a in mine:
        for b in others:
            if overlaps(a, b):
                return a, b
    return None


def default_allowed_prefixes(
    gateway_type: str, requested: list[str], vpc_cidrs: list[str]
) -> list[str]:
    """What an association allows when the request names no prefixes.

    CreateDirectConnectGatewayAssociation (model): the prefixes are required for a
    transit gateway; a VGW association allows its VPC's CIDRs (multi-account-associate-vgw.md:
    "the same or wider than the VPC CIDR")."""
    if requested:
        return requested
    if gateway_type == TGW:
        raise ValidationError(
            "addAllowedPrefixesToDirectConnectGateway is required when you associate a transit gateway"
        )
    return list(vpc_cidrs)


def check_prefix_count(gateway_type: str, prefixes: list[str]) -> None:
    if not prefixes:
        raise ValidationError("An association must allow at least one prefix")
    # limits.md: 200 prefixes per transit gateway from AWS to on-premises (IPv4 and IPv6).
    if gateway_type == TGW and len(prefixes) > quotas.TGW_ALLOWED_PREFIXES:
        raise LimitExceeded(
            f"A transit gateway association allows at most {quotas.TGW_ALLOWED_PREFIXES} prefixes"
            f" (IPv4 and IPv6 combined); {len(prefixes)} were given"
        )


def apply_prefix_changes(current: list[str], add: list[str], remove: list[str]) -> list[str]:
    """`current` after adding and removing; removing a prefix that is not there is refused."""
    missing = [p for p in remove if p not in current and p not in add]
    if missing:
        raise ValidationError(
            f"Cannot remove allowed prefix {missing[0]}: it is not allowed on this association"
        )
    result = [p for p in current if p not in remove]
    result += [p for p in add if p not in result and p not in remove]
    return result


def advertised_prefixes(gateway_type: str, allowed: list[str], vpc_cidrs: list[str]) -> list[str]:
    """What the Direct Connect gateway advertises on-premises for one association
    (allowed-to-prefixes.md): for a VGW the allowed list is a filter, and only VPC CIDRs
    that an allowed prefix equals or contains are advertised; for a TGW the allowed
    prefixes themselves are advertised."""
    if gateway_type == TGW:
        return list(allowed)
    out = []
    for cidr in vpc_cidrs:
        net = ipaddress.ip_network(cidr)
        for p in allowed:
            wide = ipaddress.ip_network(p)
            if wide.version == net.version and net.subnet_of(wide):  # type: ignore[arg-type]
                out.append(cidr)
                break
    return out


def check_can_associate(
    gateway_type: str,
    gateway_id: str,
    gateway_asn: int,
    dx_gateway: Mapping[str, Any],
    prefixes: list[str],
    vpc_cidrs: list[str],
    others: Sequence[Mapping[str, Any]],
    attached_vif_types: Iterable[str],
    gateway_dx_gateways: int,
) -> None:
    """Every rule a new association of `gateway_id` with `dx_gateway` must meet.

    `others` are the live associations of the Direct Connect gateway, each
    {"type", "id", "allowed": [...], "vpcCidrs": [...]}; `attached_vif_types` the types
    ("private", "transit") of the live VIFs attached to it; `gateway_dx_gateways` how many
    Direct Connect gateways the VGW/TGW is associated with already."""
    dxgw_id = dx_gateway["directConnectGatewayId"]
    if any(o["id"] == gateway_id for o in others):
        raise ValidationError(
            f"Gateway {gateway_id} is already associated with Direct Connect gateway {dxgw_id}"
        )
    types = {o["type"] for o in others}
    vif_types = set(attached_vif_types)
    if gateway_type == VGW:
        # virtualgateways.md: not with a DX gateway that has a transit gateway; and a
        # DX gateway serves transit VIFs with transit gateways only.
        if TGW in types or "transit" in vif_types:
            has = (
                "is associated with a transit gateway"
                if TGW in types
                else "has a transit virtual interface"
            )
            raise ValidationError(
                f"Direct Connect gateway {dxgw_id} {has}; a virtual private gateway cannot be associated with it"
            )
        # virtualgateways.md: a VGW is associated with one Direct Connect gateway at most.
        if gateway_dx_gateways:
            raise ValidationError(
                f"Virtual private gateway {gateway_id} is already associated with a Direct Connect gateway"
            )
        if not vpc_cidrs:
            raise ValidationError(
                f"Virtual private gateway {gateway_id} is not attached to a VPC; attach it before associating it"
            )
        if sum(1 for o in others if o["type"] == VGW) >= quotas.VGWS_PER_DX_GATEWAY:
            raise LimitExceeded(
                f"Direct Connect gateway {dxgw_id} already has {quotas.VGWS_PER_DX_GATEWAY} virtual private"
                " gateways, the limit"
            )
        # virtualgateways.md: the VPCs behind one Direct Connect gateway cannot overlap.
        for o in others:
            hit = first_overlap(vpc_cidrs, o.get("vpcCidrs", []))
            if hit:
                raise ValidationError(
                    f"VPC CIDR {hit[0]} of {gateway_id} overlaps VPC CIDR {hit[1]} of {o['id']},"
                    f" which is associated with Direct Connect gateway {dxgw_id}"
                )
    else:
        # direct-connect-transit-gateways.md: not with a DX gateway that has a VGW or a
        # private virtual interface.
        if VGW in types or "private" in vif_types:
            has = (
                "is associated with a virtual private gateway"
                if VGW in types
                else "has a private virtual interface"
            )
            raise ValidationError(
                f"Direct Connect gateway {dxgw_id} {has}; a transit gateway cannot be associated with it"
            )
        if sum(1 for o in others if o["type"] == TGW) >= quotas.TGWS_PER_DX_GATEWAY:
            raise LimitExceeded(
                f"Direct Connect gateway {dxgw_id} already has {quotas.TGWS_PER_DX_GATEWAY} transit gateways,"
                " the limit"
            )
        # limits.md: Direct Connect gateways associated to a transit gateway.
        if gateway_dx_gateways >= quotas.DX_GATEWAYS_PER_TGW:
            raise LimitExceeded(
                f"Transit gateway {gateway_id} is already associated with {quotas.DX_GATEWAYS_PER_TGW}"
                " Direct Connect gateways, the limit"
            )
        # direct-connect-transit-gateways.md: the two ASNs must differ.
        if gateway_asn == dx_gateway["amazonSideAsn"]:
            raise ValidationError(
                f"Transit gateway {gateway_id} and Direct Connect gateway {dxgw_id} both use ASN"
                f" {gateway_asn}; the ASNs must be different"
            )
    check_prefixes_fit(gateway_type, prefixes, dxgw_id, others)


def check_prefixes_fit(
    gateway_type: str, prefixes: list[str], dxgw_id: str, others: Sequence[Mapping[str, Any]]
) -> None:
    """allowed-to-prefixes.md: allowed prefixes of one association may not overlap those
    of another association on the same Direct Connect gateway."""
    check_prefix_count(gateway_type, prefixes)
    for o in others:
        hit = first_overlap(prefixes, o.get("allowed", []))
        if hit:
            raise ValidationError(
                f"Allowed prefix {hit[0]} overlaps allowed prefix {hit[1]} of {o['id']} on Direct Connect"
                f" gateway {dxgw_id}; allowed prefixes may not overlap existing allowed prefixes"
            )
