"""Direct Connect gateways and their associations with virtual private gateways and
transit gateways (direct-connect-gateways-intro.md, virtualgateways.md,
direct-connect-transit-gateways.md, allowed-to-prefixes.md, limits.md)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.gateway import (
    advertised_prefixes,
    apply_prefix_changes,
    check_vpc_cidrs,
    first_overlap,
    prefixes_from,
)
from dxlab.service.context import Context
from dxlab.service.gateways import dx_gateways
from dxlab.store import open_store
from dxlab.store.repository import Record
from tests.databases import KINDS, database
from tests.failover_support import advance
from tests.gateway_support import (
    assert_client_error,
    associations,
    dxgw,
    error_of,
    prefixes,
    tgw,
    vgw,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def gateways(dx: Any) -> list[dict[str, Any]]:
    return list(dx.describe_direct_connect_gateways()["directConnectGateways"])


# --- Direct Connect gateways ---------------------------------------------------------


def test_create_describe_rename_delete(dx: Any, account: str) -> None:
    made = dx.create_direct_connect_gateway(
        directConnectGatewayName="core", amazonSideAsn=65100, tags=[{"key": "team", "value": "net"}]
    )["directConnectGateway"]
    gid = made["directConnectGatewayId"]
    assert re.fullmatch(UUID, gid)
    assert (made["ownerAccount"], made["amazonSideAsn"], made["directConnectGatewayState"]) == (
        account,
        65100,
        "available",
    )
    [seen] = gateways(dx)
    assert seen["directConnectGatewayState"] == "available" and seen["tags"] == [
        {"key": "team", "value": "net"}
    ]
    renamed = dx.update_direct_connect_gateway(
        directConnectGatewayId=gid, newDirectConnectGatewayName="core-2"
    )
    assert renamed["directConnectGateway"]["directConnectGatewayName"] == "core-2"
    gone = dx.delete_direct_connect_gateway(directConnectGatewayId=gid)["directConnectGateway"]
    assert gone["directConnectGatewayState"] == "deleting"
    # "Deleted Direct Connect gateways are not returned", not even by id (an empty list:
    # Terraform's deletion waiter reads that as gone).
    assert gateways(dx) == []
    assert (
        dx.describe_direct_connect_gateways(directConnectGatewayId=gid)["directConnectGateways"]
        == []
    )
    # Deleting again: Terraform takes "does not exist" as already deleted.
    assert_client_error(
        error_of(dx.delete_direct_connect_gateway, directConnectGatewayId=gid), "does not exist"
    )


def test_default_asn_and_tags_by_arn(dx: Any, account: str) -> None:
    gid = dxgw(dx)
    assert gateways(dx)[0]["amazonSideAsn"] == 64512  # the model's default
    arn = f"arn:aws:directconnect::{account}:dx-gateway/{gid}"
    dx.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "lab"}])
    assert dx.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == [
        {"key": "env", "value": "lab"}
    ]


@pytest.mark.parametrize("asn", [64511, 65535, 1, 4199999999, 4294967295])
def test_asn_outside_private_ranges_is_refused(dx: Any, asn: int) -> None:
    got = error_of(
        dx.create_direct_connect_gateway, directConnectGatewayName="x", amazonSideAsn=asn
    )
    assert_client_error(got, str(asn), "64512-65534", "4200000000-4294967294")
    assert gateways(dx) == []


@pytest.mark.parametrize("asn", [64512, 65534, 4200000000, 4294967294])
def test_asn_range_edges_are_accepted(dx: Any, asn: int) -> None:
    dxgw(dx, asn=asn)
    assert gateways(dx)[0]["amazonSideAsn"] == asn


def test_empty_names_are_refused(dx: Any) -> None:
    assert_client_error(
        error_of(dx.create_direct_connect_gateway, directConnectGatewayName=" "), "empty"
    )
    assert gateways(dx) == []
    gid = dxgw(dx, "keep")
    got = error_of(
        dx.update_direct_connect_gateway, directConnectGatewayId=gid, newDirectConnectGatewayName=""
    )
    assert_client_error(got, "empty")
    assert gateways(dx)[0]["directConnectGatewayName"] == "keep"


def test_other_accounts_gateway_is_invisible(server: Any, dx: Any) -> None:
    gid = dxgw(dx, "mine")
    other = server.client("999999999996")
    assert other.describe_direct_connect_gateways()["directConnectGateways"] == []
    assert (
        other.describe_direct_connect_gateways(directConnectGatewayId=gid)["directConnectGateways"]
        == []
    )
    for call, kwargs in [
        (other.update_direct_connect_gateway, {"newDirectConnectGatewayName": "theirs"}),
        (other.delete_direct_connect_gateway, {}),
    ]:
        assert_client_error(
            error_of(call, directConnectGatewayId=gid, **kwargs),
            f"The Direct Connect Gateway {gid} does not exist.",
        )
    assert gateways(dx)[0]["directConnectGatewayName"] == "mine"


def test_quota_of_200_per_account_and_paging(dx: Any) -> None:
    for i in range(200):
        dxgw(dx, f"g{i}")
    got = error_of(dx.create_direct_connect_gateway, directConnectGatewayName="g200")
    assert_client_error(got, "200")
    page1 = dx.describe_direct_connect_gateways(maxResults=150)
    assert len(page1["directConnectGateways"]) == 100  # maxResults above 100 is 100
    page2 = dx.describe_direct_connect_gateways(maxResults=100, nextToken=page1["nextToken"])
    assert len(page2["directConnectGateways"]) == 100 and "nextToken" not in page2
    assert (
        len(
            {
                g["directConnectGatewayId"]
                for g in page1["directConnectGateways"] + page2["directConnectGateways"]
            }
        )
        == 200
    )
    # A deleted gateway frees its place.
    dx.delete_direct_connect_gateway(
        directConnectGatewayId=page2["directConnectGateways"][0]["directConnectGatewayId"]
    )
    dxgw(dx, "g200")


def test_aws_cli_describes_gateways(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx, "from-cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="x",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    aws = Path(sys.executable).parent / "aws"
    done = subprocess.run(
        [
            str(aws),
            "directconnect",
            "describe-direct-connect-gateways",
            "--endpoint-url",
            server.endpoint,
            "--output",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    [seen] = json.loads(done.stdout)["directConnectGateways"]
    assert (seen["directConnectGatewayId"], seen["directConnectGatewayName"]) == (gid, "from-cli")
    bad = subprocess.run(
        [
            str(aws),
            "directconnect",
            "create-direct-connect-gateway",
            "--direct-connect-gateway-name",
            "x",
            "--amazon-side-asn",
            "100",
            "--endpoint-url",
            server.endpoint,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        bad.returncode != 0 and "DirectConnectClientException" in bad.stderr and "100" in bad.stderr
    )
    assert len(gateways(dx)) == 1


# --- associations ----------------------------------------------------------------------


def test_vgw_association_allows_the_vpc_cidrs_by_default(
    server: Any, dx: Any, account: str
) -> None:
    gw = vgw(server, account, "10.0.0.0/16", "10.1.0.0/16")
    gid = dxgw(dx)
    made = dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)[
        "directConnectGatewayAssociation"
    ]
    assert made["associationState"] == "associating" and re.fullmatch(UUID, made["associationId"])
    assert made["associatedGateway"] == {
        "id": gw,
        "type": "virtualPrivateGateway",
        "ownerAccount": account,
        "region": "us-east-1",
    }
    assert made["allowedPrefixesToDirectConnectGateway"] == prefixes("10.0.0.0/16", "10.1.0.0/16")
    assert made["virtualGatewayId"] == gw and made["directConnectGatewayOwnerAccount"] == account
    [seen] = associations(dx, gid)
    assert seen["associationState"] == "associated"
    for kwargs in (
        {"associationId": made["associationId"]},
        {"associatedGatewayId": gw},
        {"virtualGatewayId": gw},
    ):
        found = dx.describe_direct_connect_gateway_associations(**kwargs)[
            "directConnectGatewayAssociations"
        ]
        assert [a["associationId"] for a in found] == [made["associationId"]]


def test_legacy_virtual_gateway_id_and_disassociation(server: Any, dx: Any, account: str) -> None:
    gw = vgw(server, account, "10.0.0.0/16")
    gid = dxgw(dx)
    dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, virtualGatewayId=gw)
    out = dx.delete_direct_connect_gateway_association(
        directConnectGatewayId=gid, virtualGatewayId=gw
    )
    assoc = out["directConnectGatewayAssociation"]
    assert assoc["associationState"] == "disassociating"
    assert associations(dx, gid) == []
    [done] = dx.describe_direct_connect_gateway_associations(associationId=assoc["associationId"])[
        "directConnectGatewayAssociations"
    ]
    assert done["associationState"] == "disassociated"
    got = error_of(
        dx.delete_direct_connect_gateway_association, associationId=assoc["associationId"]
    )
    assert_client_error(got, "disassociated")
    # Once disassociated, the VGW may join another Direct Connect gateway.
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw(dx, "next"), gatewayId=gw
    )


def test_tgw_association_needs_prefixes_and_a_different_asn(
    server: Any, dx: Any, account: str
) -> None:
    t = tgw(server, account, "10.0.0.0/16", asn=64512)
    gid = dxgw(dx)  # 64512 too
    got = error_of(
        dx.create_direct_connect_gateway_association, directConnectGatewayId=gid, gatewayId=t
    )
    assert_client_error(got, "addAllowedPrefixesToDirectConnectGateway", "required")
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=t,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"),
    )
    # direct-connect-transit-gateways.md: default 64512 on both fails.
    assert_client_error(got, "64512", "different")
    assert associations(dx, gid) == []
    t2 = tgw(server, account, "10.0.0.0/16", asn=65001)
    made = dx.create_direct_connect_gateway_association(
        directConnectGatewayId=gid,
        gatewayId=t2,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"),
    )
    a = made["directConnectGatewayAssociation"]
    assert a["associatedGateway"]["type"] == "transitGateway" and "virtualGatewayId" not in a
    assert a["allowedPrefixesToDirectConnectGateway"] == prefixes("10.0.0.0/8")


@pytest.mark.parametrize("cidr", ["10.0.0.0/33", "10.0.0.1/16", "not-a-cidr", "2001:db8::1/32", ""])
def test_bad_allowed_prefix_is_refused(server: Any, dx: Any, account: str, cidr: str) -> None:
    gw = vgw(server, account, "10.0.0.0/16")
    gid = dxgw(dx)
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=gw,
        addAllowedPrefixesToDirectConnectGateway=prefixes(cidr),
    )
    assert_client_error(got, repr(cidr))
    assert associations(dx, gid) == []


def test_gateway_must_exist_be_owned_and_be_attached(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx)
    cases = [
        (
            {"gatewayId": "vgw-0123456789abcdef0"},
            ["The VirtualGateway vgw-0123456789abcdef0 does not exist."],
        ),
        (
            {"gatewayId": vgw(server, "999999999995", "10.0.0.0/16")},
            ["VirtualGateway", "does not exist"],
        ),
        ({"gatewayId": "igw-1"}, ["igw-1"]),
        ({}, ["gatewayId"]),
        ({"gatewayId": vgw(server, account)}, ["not attached to a VPC"]),
        (
            {
                "gatewayId": vgw(server, account, "10.0.0.0/16"),
                "virtualGatewayId": "vgw-00000000000000000",
            },
            ["different"],
        ),
    ]
    for kwargs, words in cases:
        got = error_of(
            dx.create_direct_connect_gateway_association, directConnectGatewayId=gid, **kwargs
        )
        assert_client_error(got, *words)
    assert associations(dx, gid) == []
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId="0000-nope",
        gatewayId=vgw(server, account, "10.9.0.0/16"),
    )
    assert_client_error(got, "The Direct Connect Gateway 0000-nope does not exist.")


def test_a_vgw_joins_one_dx_gateway_once(server: Any, dx: Any, account: str) -> None:
    gw = vgw(server, account, "10.0.0.0/16")
    first, second = dxgw(dx, "a"), dxgw(dx, "b")
    dx.create_direct_connect_gateway_association(directConnectGatewayId=first, gatewayId=gw)
    got = error_of(
        dx.create_direct_connect_gateway_association, directConnectGatewayId=first, gatewayId=gw
    )
    assert_client_error(got, gw, "already associated")
    got = error_of(
        dx.create_direct_connect_gateway_association, directConnectGatewayId=second, gatewayId=gw
    )
    assert_client_error(got, gw, "already associated with a Direct Connect gateway")
    assert len(associations(dx, first)) == 1 and associations(dx, second) == []


def test_vgw_and_tgw_do_not_mix(server: Any, dx: Any, account: str) -> None:
    with_vgw, with_tgw = dxgw(dx, "v"), dxgw(dx, "t")
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=with_vgw, gatewayId=vgw(server, account, "10.0.0.0/16")
    )
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=with_tgw,
        gatewayId=tgw(server, account, "10.1.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.1.0.0/16"),
    )
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=with_vgw,
        gatewayId=tgw(server, account, "10.2.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.2.0.0/16"),
    )
    assert_client_error(got, "virtual private gateway", "transit gateway cannot")
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=with_tgw,
        gatewayId=vgw(server, account, "10.3.0.0/16"),
    )
    assert_client_error(got, "transit gateway", "virtual private gateway cannot")
    assert len(associations(dx, with_vgw)) == 1 and len(associations(dx, with_tgw)) == 1


def test_overlapping_vpcs_and_prefixes_are_refused(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx)
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=gid, gatewayId=vgw(server, account, "10.0.0.0/16")
    )
    # virtualgateways.md: the VPCs behind one Direct Connect gateway cannot overlap.
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=vgw(server, account, "10.0.128.0/17"),
    )
    assert_client_error(got, "10.0.128.0/17", "overlaps", "10.0.0.0/16")
    # allowed-to-prefixes.md: allowed prefixes may not overlap another association's.
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=vgw(server, account, "10.1.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/15"),
    )
    assert_client_error(got, "10.0.0.0/15", "overlaps")
    assert len(associations(dx, gid)) == 1
    tgid = dxgw(dx, "t")
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=tgid,
        gatewayId=tgw(server, account, "10.1.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.1.0.0/16"),
    )
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=tgid,
        gatewayId=tgw(server, account, "10.2.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.2.0.0/16", "0.0.0.0/0"),
    )
    assert_client_error(got, "0.0.0.0/0", "overlaps", "10.1.0.0/16")
    assert len(associations(dx, tgid)) == 1


def test_update_allowed_prefixes(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx)
    aid = dx.create_direct_connect_gateway_association(
        directConnectGatewayId=gid,
        gatewayId=tgw(server, account, "10.1.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.1.0.0/16"),
    )["directConnectGatewayAssociation"]["associationId"]
    out = dx.update_direct_connect_gateway_association(
        associationId=aid,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.5.0.0/16"),
        removeAllowedPrefixesToDirectConnectGateway=prefixes("10.1.0.0/16"),
    )
    a = out["directConnectGatewayAssociation"]
    # allowed-to-prefixes.md: "During updates the status changes from associated to updating."
    assert a["associationState"] == "updating"
    assert a["allowedPrefixesToDirectConnectGateway"] == prefixes("10.5.0.0/16")
    [seen] = associations(dx, gid)
    assert seen["associationState"] == "associated"
    for kwargs, words in [
        (
            {"removeAllowedPrefixesToDirectConnectGateway": prefixes("10.9.0.0/16")},
            ["10.9.0.0/16", "not allowed"],
        ),
        (
            {"removeAllowedPrefixesToDirectConnectGateway": prefixes("10.5.0.0/16")},
            ["at least one"],
        ),
        ({}, ["addAllowedPrefixesToDirectConnectGateway"]),
        ({"addAllowedPrefixesToDirectConnectGateway": prefixes("10.5.0.1/16")}, ["10.5.0.1/16"]),
    ]:
        assert_client_error(
            error_of(dx.update_direct_connect_gateway_association, associationId=aid, **kwargs),
            *words,
        )
    assert associations(dx, gid)[0]["allowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.5.0.0/16"
    )
    got = error_of(
        dx.update_direct_connect_gateway_association,
        associationId="nope",
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.6.0.0/16"),
    )
    assert_client_error(got, "The Direct Connect Gateway Association nope does not exist.")


def test_tgw_prefix_quota(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx)
    many = prefixes(*[f"10.{i // 256}.{i % 256}.0/24" for i in range(201)])
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=tgw(server, account, "10.0.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=many,
    )
    assert_client_error(got, "200")
    assert associations(dx, gid) == []


def test_quotas_20_vgws_and_6_tgws_per_dx_gateway(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx, "vgws")
    for i in range(20):
        dx.create_direct_connect_gateway_association(
            directConnectGatewayId=gid, gatewayId=vgw(server, account, f"10.{i}.0.0/16")
        )
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=vgw(server, account, "10.99.0.0/16"),
    )
    assert_client_error(got, "20")
    page = dx.describe_direct_connect_gateway_associations(
        directConnectGatewayId=gid, maxResults=15
    )
    assert len(page["directConnectGatewayAssociations"]) == 15 and page["nextToken"]
    tid = dxgw(dx, "tgws")
    for i in range(6):
        dx.create_direct_connect_gateway_association(
            directConnectGatewayId=tid,
            gatewayId=tgw(server, account, f"10.{i}.0.0/16"),
            addAllowedPrefixesToDirectConnectGateway=prefixes(f"10.{i}.0.0/16"),
        )
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=tid,
        gatewayId=tgw(server, account, "10.50.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.50.0.0/16"),
    )
    assert_client_error(got, "6")
    assert len(associations(dx, gid)) == 20 and len(associations(dx, tid)) == 6


def test_delete_gateway_refused_while_associated(server: Any, dx: Any, account: str) -> None:
    gid = dxgw(dx)
    gw = vgw(server, account, "10.0.0.0/16")
    aid = dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)[
        "directConnectGatewayAssociation"
    ]["associationId"]
    assert_client_error(
        error_of(dx.delete_direct_connect_gateway, directConnectGatewayId=gid), gw, "disassociate"
    )
    assert gateways(dx)[0]["directConnectGatewayState"] == "available"
    dx.delete_direct_connect_gateway_association(associationId=aid)
    assert (
        dx.delete_direct_connect_gateway(directConnectGatewayId=gid)["directConnectGateway"][
            "directConnectGatewayState"
        ]
        == "deleting"
    )
    assert gateways(dx) == []


def test_describe_associations_needs_a_filter(dx: Any) -> None:
    assert_client_error(
        error_of(dx.describe_direct_connect_gateway_associations), "directConnectGatewayId"
    )


# --- attachments: read from the virtual interfaces (service layer, real store) -------


def test_attachments_follow_the_vif_states(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "att.db"))
    ctx = Context(account="111111111111")
    try:
        with store.write() as uow:
            gid = dx_gateways.create_dx_gateway(uow, ctx, {"directConnectGatewayName": "g"})[
                "directConnectGateway"
            ]["directConnectGatewayId"]
            for vif_id, state, vif_type in [
                ("dxvif-aaaaaaa1", "available", "private"),
                ("dxvif-aaaaaaa2", "deleting", "private"),
                ("dxvif-aaaaaaa3", "pending", "private"),
            ]:
                doc = {
                    "virtualInterfaceId": vif_id,
                    "virtualInterfaceState": state,
                    "virtualInterfaceType": vif_type,
                    "directConnectGatewayId": gid,
                    "ownerAccount": ctx.account,
                    "region": "us-east-1",
                }
                uow.put(
                    Record("virtual_interface", vif_id, ctx.account, doc, parent="dxcon-aaaaaaaa")
                )
        with store.read() as uow:
            out = dx_gateways.describe_attachments(uow, ctx, {"directConnectGatewayId": gid})
            states = {
                a["virtualInterfaceId"]: a["attachmentState"]
                for a in out["directConnectGatewayAttachments"]
            }
            assert states == {
                "dxvif-aaaaaaa1": "attached",
                "dxvif-aaaaaaa2": "detaching",
                "dxvif-aaaaaaa3": "attaching",
            }
            one = dx_gateways.describe_attachments(
                uow, ctx, {"virtualInterfaceId": "dxvif-aaaaaaa1"}
            )
            [att] = one["directConnectGatewayAttachments"]
            assert att == {
                "directConnectGatewayId": gid,
                "virtualInterfaceId": "dxvif-aaaaaaa1",
                "virtualInterfaceRegion": "us-east-1",
                "virtualInterfaceOwnerAccount": ctx.account,
                "attachmentState": "attached",
                "attachmentType": "PrivateVirtualInterface",
            }
        # direct-connect-gateways-intro.md: delete the attached VIFs before the gateway.
        with pytest.raises(Conflict, match="virtual interface"), store.write() as uow:
            dx_gateways.delete_dx_gateway(uow, ctx, {"directConnectGatewayId": gid})
    finally:
        store.close()


def test_advertised_prefixes_follow_the_guide() -> None:
    """allowed-to-prefixes.md's worked examples, VPC 10.0.0.0/16."""
    vpc = ["10.0.0.0/16"]
    assert advertised_prefixes("virtualPrivateGateway", ["22.0.0.0/24"], vpc) == []
    assert advertised_prefixes("virtualPrivateGateway", ["10.0.0.0/24"], vpc) == []
    assert advertised_prefixes("virtualPrivateGateway", ["10.0.0.0/15"], vpc) == ["10.0.0.0/16"]
    assert advertised_prefixes("transitGateway", ["22.0.0.0/24"], vpc) == ["22.0.0.0/24"]
    assert advertised_prefixes("transitGateway", ["10.0.0.0/8"], vpc) == ["10.0.0.0/8"]


def test_prefix_rules_are_pure_functions() -> None:
    assert apply_prefix_changes(["10.0.0.0/16"], ["10.1.0.0/16"], ["10.0.0.0/16"]) == [
        "10.1.0.0/16"
    ]
    with pytest.raises(ValidationError, match="10.2.0.0/16"):
        apply_prefix_changes(["10.0.0.0/16"], [], ["10.2.0.0/16"])
    assert prefixes_from(
        [{"cidr": "10.0.0.0/16"}, {"cidr": " 10.0.0.0/16"}, {"cidr": "2001:db8::/56"}]
    ) == ["10.0.0.0/16", "2001:db8::/56"]
    # IPv4 and IPv6 never overlap each other.
    assert first_overlap(["0.0.0.0/0"], ["2001:db8::/56"]) is None
    assert first_overlap(["10.0.0.0/8"], ["192.168.0.0/16", "10.9.0.0/16"]) == (
        "10.0.0.0/8",
        "10.9.0.0/16",
    )
    assert check_vpc_cidrs(["10.0.0.0/16", "2600:1f18:1234:5600::/56"]) == [
        "10.0.0.0/16",
        "2600:1f18:1234:5600::/56",
    ]
    with pytest.raises(ValidationError, match="/44 and /64"):
        check_vpc_cidrs(["2600:1f18::/32"])


def test_vifs_attach_to_the_gateway_end_to_end(server: Any, dx: Any, account: str) -> None:
    """WorkingWithVirtualInterfaces.md with a Direct Connect gateway: the VIFs' attachments,
    the gateway's deletion refused while one is attached, and no transit gateway beside them."""
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="c")[
        "connectionId"
    ]
    gid = dxgw(dx, asn=65100)
    vif = dx.create_private_virtual_interface(
        connectionId=conn,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "v",
            "vlan": 101,
            "asn": 65000,
            "directConnectGatewayId": gid,
        },
    )
    vid = vif["virtualInterfaceId"]
    assert vif["amazonSideAsn"] == 65100  # the gateway's ASN
    [att] = dx.describe_direct_connect_gateway_attachments(directConnectGatewayId=gid)[
        "directConnectGatewayAttachments"
    ]
    assert att == {
        "directConnectGatewayId": gid,
        "virtualInterfaceId": vid,
        "virtualInterfaceRegion": "us-east-1",
        "virtualInterfaceOwnerAccount": account,
        "attachmentState": "attached",
        "attachmentType": "PrivateVirtualInterface",
    }
    assert dx.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=gid, virtualInterfaceId=vid
    )["directConnectGatewayAttachments"] == [att]
    assert_client_error(
        error_of(dx.delete_direct_connect_gateway, directConnectGatewayId=gid),
        vid,
        "delete them first",
    )
    got = error_of(
        dx.create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=tgw(server, account, "10.0.0.0/16"),
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/16"),
    )
    assert_client_error(got, "has a private virtual interface")
    assert associations(dx, gid) == []
    assert_client_error(
        error_of(dx.describe_direct_connect_gateway_attachments), "directConnectGatewayId"
    )
    stranger = server.client("999999999991")
    assert (
        stranger.describe_direct_connect_gateway_attachments(virtualInterfaceId=vid)[
            "directConnectGatewayAttachments"
        ]
        == []
    )
    assert (
        stranger.describe_direct_connect_gateway_attachments(directConnectGatewayId=gid)[
            "directConnectGatewayAttachments"
        ]
        == []
    )

    dx.delete_virtual_interface(virtualInterfaceId=vid)
    [gone] = dx.describe_direct_connect_gateway_attachments(virtualInterfaceId=vid)[
        "directConnectGatewayAttachments"
    ]
    assert gone["attachmentState"] in ("detaching", "detached")
    assert (
        dx.delete_direct_connect_gateway(directConnectGatewayId=gid)["directConnectGateway"][
            "directConnectGatewayState"
        ]
        == "deleting"
    )


def wait_for(read: Any, want: str, seconds: float = 10.0) -> str:
    """Poll `read()` until it answers `want` (bounded in time); returns the last answer."""
    deadline = time.monotonic() + seconds
    got = str(read())
    while got != want and time.monotonic() < deadline:
        time.sleep(0.1)
        got = str(read())
    return got


@pytest.fixture(params=KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def test_realistic_states_take_time_and_survive_kill_9(make_server: Any, db_url: str) -> None:
    """Realistic mode: the association is associating for a while; the durable timers
    still fire after the server is killed and restarted (SQLite and PostgreSQL). The
    gateway itself is available at once, as the real service answers (the
    create-direct-connect-gateway capture)."""
    args = ("--provisioning", "realistic", "--test-clock")  # association: 300 s
    srv = make_server(*args, db=db_url)
    dx = srv.client("111111111111")
    gw = vgw(srv, "111111111111", "10.0.0.0/16")
    gid = dxgw(dx)
    assert gateways(dx)[0]["directConnectGatewayState"] == "available"
    aid = dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)[
        "directConnectGatewayAssociation"
    ]["associationId"]
    assert associations(dx, gid)[0]["associationState"] == "associating"
    srv.kill9()
    srv = make_server(*args, db=db_url)  # the test clock's time is kept in the store too
    dx = srv.client("111111111111")
    assert associations(dx, gid)[0]["associationState"] == "associating"
    advance(srv, 300)
    assert (
        wait_for(lambda: associations(dx, gid)[0]["associationState"], "associated") == "associated"
    )
    dx.delete_direct_connect_gateway_association(associationId=aid)
    assert associations(dx, gid)[0]["associationState"] == "disassociating"
    advance(srv, 300)
    assert wait_for(lambda: len(associations(dx, gid)), "0") == "0"


def test_dx_gateway_is_global_and_vgws_are_regional(make_server: Any) -> None:
    """direct-connect-gateways-intro.md: a Direct Connect gateway is global and reaches VPCs
    in any Region; the VGW is EC2's, so it is named through its own Region's endpoint."""
    east = make_server("--region", "us-east-1")
    west = make_server("--region", "eu-west-1", db=east.db)
    account = "111111111111"
    gid = dxgw(east.client(account), "global")
    dx_west = west.client(account, region="eu-west-1")
    assert [g["directConnectGatewayId"] for g in gateways(dx_west)] == [gid]
    gw = vgw(west, account, "10.0.0.0/16", region="eu-west-1")  # signed for eu-west-1
    got = error_of(
        east.client(account).create_direct_connect_gateway_association,
        directConnectGatewayId=gid,
        gatewayId=gw,
    )
    assert_client_error(got, f"The VirtualGateway {gw} does not exist.")
    made = dx_west.create_direct_connect_gateway_association(
        directConnectGatewayId=gid, gatewayId=gw
    )
    assert made["directConnectGatewayAssociation"]["associatedGateway"]["region"] == "eu-west-1"
    assert made["directConnectGatewayAssociation"]["virtualGatewayRegion"] == "eu-west-1"
    assert [a["associationId"] for a in associations(east.client(account), gid)] == [
        made["directConnectGatewayAssociation"]["associationId"]
    ]
