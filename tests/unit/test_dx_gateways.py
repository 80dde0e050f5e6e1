"""Direct Connect gateways and their associations (direct-connect-gateways-intro.md,
virtualgateways.md, allowed-to-prefixes.md, direct-connect-transit-gateways.md, limits.md)
in milliseconds: each rule a user can break, its named error, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain.errors import Conflict, LimitExceeded, NotFound, ValidationError
from tests.unit.service import Service

CREATE = "CreateDirectConnectGatewayAssociation"


def vgw(dx: Service, *cidrs: str, account: str | None = None) -> str:
    return str(
        dx.ext("POST", "/virtual-gateways", account, vpcCidrs=list(cidrs))["virtualGatewayId"]
    )


def tgw(dx: Service, *cidrs: str, asn: int = 65000) -> str:
    made = dx.ext("POST", "/transit-gateways", vpcCidrs=list(cidrs), amazonSideAsn=asn)
    return str(made["transitGatewayId"])


def prefixes(*cidrs: str) -> list[dict[str, str]]:
    return [{"cidr": c} for c in cidrs]


def associations(dx: Service, gateway_id: str) -> list[dict[str, Any]]:
    found = dx.call("DescribeDirectConnectGatewayAssociations", directConnectGatewayId=gateway_id)
    return list(found["directConnectGatewayAssociations"])


def associate(dx: Service, gid: str, gateway: str, *allowed: str) -> dict[str, Any]:
    extra: dict[str, Any] = (
        {"addAllowedPrefixesToDirectConnectGateway": prefixes(*allowed)} if allowed else {}
    )
    made = dx.call(CREATE, directConnectGatewayId=gid, gatewayId=gateway, **extra)
    return dict(made["directConnectGatewayAssociation"])


@pytest.mark.parametrize("asn", [64511, 65535, 1, 4199999999, 4294967295])
def test_an_asn_outside_the_private_ranges_is_refused(dx: Service, asn: int) -> None:
    dx.refused(
        ValidationError,
        (str(asn), "64512-65534", "4200000000-4294967294"),
        "CreateDirectConnectGateway",
        directConnectGatewayName="x",
        amazonSideAsn=asn,
    )


@pytest.mark.parametrize("asn", [64512, 65534, 4200000000, 4294967294])
def test_the_edges_of_the_private_ranges_are_accepted(dx: Service, asn: int) -> None:
    gid = dx.dx_gateway(asn=asn)
    found = dx.call("DescribeDirectConnectGateways", directConnectGatewayId=gid)[
        "directConnectGateways"
    ]
    assert found[0]["amazonSideAsn"] == asn


def test_names_must_not_be_empty(dx: Service) -> None:
    dx.refused(ValidationError, "empty", "CreateDirectConnectGateway", directConnectGatewayName=" ")
    gid = dx.dx_gateway(name="keep")
    dx.refused(
        ValidationError,
        "empty",
        "UpdateDirectConnectGateway",
        directConnectGatewayId=gid,
        newDirectConnectGatewayName="",
    )


def test_two_hundred_gateways_per_account(dx: Service) -> None:
    for i in range(200):
        dx.dx_gateway(name=f"g{i}")
    dx.refused(LimitExceeded, "200", "CreateDirectConnectGateway", directConnectGatewayName="g200")
    assert dx.dx_gateway(name="theirs", account="999988887777")  # another account has its own


def test_another_accounts_gateway_does_not_exist_for_you(dx: Service) -> None:
    gid = dx.dx_gateway(name="mine")
    for op, extra in [
        ("UpdateDirectConnectGateway", {"newDirectConnectGatewayName": "theirs"}),
        ("DeleteDirectConnectGateway", {}),
    ]:
        dx.refused(
            NotFound,
            f"The Direct Connect Gateway {gid} does not exist.",
            op,
            "999988887777",
            directConnectGatewayId=gid,
            **extra,
        )


def test_a_vgw_association_allows_the_vpc_cidrs_by_default(dx: Service) -> None:
    gw, gid = vgw(dx, "10.0.0.0/16", "10.1.0.0/16"), dx.dx_gateway()
    made = associate(dx, gid, gw)
    assert made["associationState"] == "associating"
    assert made["allowedPrefixesToDirectConnectGateway"] == prefixes("10.0.0.0/16", "10.1.0.0/16")
    assert [a["associationState"] for a in associations(dx, gid)] == ["associated"]


def test_a_tgw_association_needs_prefixes_and_a_different_asn(dx: Service) -> None:
    gid = dx.dx_gateway(asn=64512)
    same = tgw(dx, "10.0.0.0/16", asn=64512)
    dx.refused(
        ValidationError,
        ("addAllowedPrefixesToDirectConnectGateway", "required"),
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=same,
    )
    # direct-connect-transit-gateways.md: the default 64512 on both sides fails.
    dx.refused(
        ValidationError,
        ("64512", "different"),
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=same,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"),
    )
    made = associate(dx, gid, tgw(dx, "10.0.0.0/16", asn=65001), "10.0.0.0/8")
    assert made["associatedGateway"]["type"] == "transitGateway"


@pytest.mark.parametrize("cidr", ["10.0.0.0/33", "10.0.0.1/16", "not-a-cidr", "2001:db8::1/32", ""])
def test_a_bad_allowed_prefix_is_refused(dx: Service, cidr: str) -> None:
    gw, gid = vgw(dx, "10.0.0.0/16"), dx.dx_gateway()
    dx.refused(
        ValidationError,
        repr(cidr),
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=gw,
        addAllowedPrefixesToDirectConnectGateway=prefixes(cidr),
    )


def test_the_gateway_must_exist_be_yours_and_be_attached(dx: Service) -> None:
    gid = dx.dx_gateway()
    dx.refused(
        NotFound,
        "The VirtualGateway vgw-0123456789abcdef0 does not exist.",
        CREATE,
        directConnectGatewayId=gid,
        gatewayId="vgw-0123456789abcdef0",
    )
    theirs = vgw(dx, "10.0.0.0/16", account="999988887777")
    dx.refused(
        NotFound,
        ("VirtualGateway", "does not exist"),
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=theirs,
    )
    dx.refused(
        ValidationError,
        "not attached to a VPC",
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=vgw(dx),
    )
    dx.refused(
        NotFound,
        "The Direct Connect Gateway 0000-nope does not exist.",
        CREATE,
        directConnectGatewayId="0000-nope",
        gatewayId=vgw(dx, "10.9.0.0/16"),
    )


def test_a_vgw_joins_one_dx_gateway_once(dx: Service) -> None:
    gw, first, second = vgw(dx, "10.0.0.0/16"), dx.dx_gateway(name="a"), dx.dx_gateway(name="b")
    associate(dx, first, gw)
    dx.refused(
        ValidationError,
        (gw, "already associated"),
        CREATE,
        directConnectGatewayId=first,
        gatewayId=gw,
    )
    dx.refused(
        ValidationError,
        (gw, "already associated with a Direct Connect gateway"),
        CREATE,
        directConnectGatewayId=second,
        gatewayId=gw,
    )


def test_vgws_and_tgws_do_not_mix(dx: Service) -> None:
    with_vgw, with_tgw = dx.dx_gateway(name="v"), dx.dx_gateway(name="t")
    associate(dx, with_vgw, vgw(dx, "10.0.0.0/16"))
    associate(dx, with_tgw, tgw(dx, "10.1.0.0/16"), "10.1.0.0/16")
    dx.refused(
        ValidationError,
        ("virtual private gateway", "transit gateway cannot"),
        CREATE,
        directConnectGatewayId=with_vgw,
        gatewayId=tgw(dx, "10.2.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.2.0.0/16"),
    )
    dx.refused(
        ValidationError,
        ("transit gateway", "virtual private gateway cannot"),
        CREATE,
        directConnectGatewayId=with_tgw,
        gatewayId=vgw(dx, "10.3.0.0/16"),
    )


def test_overlapping_vpcs_and_prefixes_are_refused(dx: Service) -> None:
    gid = dx.dx_gateway()
    associate(dx, gid, vgw(dx, "10.0.0.0/16"))
    # virtualgateways.md: the VPCs behind one Direct Connect gateway cannot overlap.
    dx.refused(
        ValidationError,
        ("10.0.128.0/17", "overlaps", "10.0.0.0/16"),
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=vgw(dx, "10.0.128.0/17"),
    )
    # allowed-to-prefixes.md: allowed prefixes may not overlap another association's.
    dx.refused(
        ValidationError,
        ("10.0.0.0/15", "overlaps"),
        CREATE,
        directConnectGatewayId=gid,
        gatewayId=vgw(dx, "10.1.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/15"),
    )


def test_twenty_vgws_and_six_tgws_per_dx_gateway(dx: Service) -> None:
    gid = dx.dx_gateway(name="vgws")
    for i in range(20):
        associate(dx, gid, vgw(dx, f"10.{i}.0.0/16"))
    dx.refused(
        LimitExceeded, "20", CREATE, directConnectGatewayId=gid, gatewayId=vgw(dx, "10.99.0.0/16")
    )
    tid = dx.dx_gateway(name="tgws")
    for i in range(6):
        associate(dx, tid, tgw(dx, f"10.{i}.0.0/16"), f"10.{i}.0.0/16")
    dx.refused(
        LimitExceeded,
        "6",
        CREATE,
        directConnectGatewayId=tid,
        gatewayId=tgw(dx, "10.50.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.50.0.0/16"),
    )
    many = prefixes(*[f"10.{i // 256}.{i % 256}.0/24" for i in range(201)])
    dx.refused(
        LimitExceeded,
        "200",
        CREATE,
        directConnectGatewayId=dx.dx_gateway(name="p"),
        gatewayId=tgw(dx, "10.0.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=many,
    )


def test_a_gateway_is_deleted_only_when_nothing_is_associated(dx: Service) -> None:
    gid, gw = dx.dx_gateway(), vgw(dx, "10.0.0.0/16")
    aid = associate(dx, gid, gw)["associationId"]
    dx.refused(
        Conflict, (gw, "disassociate"), "DeleteDirectConnectGateway", directConnectGatewayId=gid
    )
    dx.call("DeleteDirectConnectGatewayAssociation", associationId=aid)
    dx.refused(
        Conflict, "disassociated", "DeleteDirectConnectGatewayAssociation", associationId=aid
    )
    gone = dx.call("DeleteDirectConnectGateway", directConnectGatewayId=gid)["directConnectGateway"]
    assert gone["directConnectGatewayState"] == "deleting"
