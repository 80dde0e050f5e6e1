"""Virtual private gateways and transit gateways (EC2's, stood in for by dxlab's
extension) and DescribeVirtualGateways (virtualgateways.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.gateway_support import assert_client_error, dxgw, ext_error_of, tgw, vgw

DXLAB = Path(sys.executable).parent / "dxlab"


def test_vgw_is_created_attached_and_described(server: Any, dx: Any, account: str) -> None:
    made = ext(
        server.endpoint,
        "POST",
        "/virtual-gateways",
        {"vpcCidrs": ["10.0.0.0/16"], "amazonSideAsn": 65001},
        account=account,
    )
    assert re.fullmatch(r"vgw-[0-9a-f]{17}", made["virtualGatewayId"])
    assert made["virtualGatewayState"] == "available"
    assert made["amazonSideAsn"] == 65001 and made["vpcCidrs"] == ["10.0.0.0/16"]
    assert made["vpcId"].startswith("vpc-") and made["region"] == "us-east-1"
    assert dx.describe_virtual_gateways()["virtualGateways"] == [
        {"virtualGatewayId": made["virtualGatewayId"], "virtualGatewayState": "available"}
    ]
    listed = ext(server.endpoint, "GET", "/virtual-gateways", account=account)["virtualGateways"]
    assert [g["virtualGatewayId"] for g in listed] == [made["virtualGatewayId"]]


def test_defaults_and_account_scope(server: Any, dx: Any, account: str) -> None:
    made = ext(server.endpoint, "POST", "/virtual-gateways", {}, account=account)
    # virtualgateways.md: the default Amazon ASN; no CIDRs means not attached to a VPC.
    assert made["amazonSideAsn"] == 64512 and made["vpcCidrs"] == [] and "vpcId" not in made
    assert len(dx.describe_virtual_gateways()["virtualGateways"]) == 1
    assert server.client("999999999998").describe_virtual_gateways()["virtualGateways"] == []


def test_tgw_is_created_and_listed(server: Any, account: str) -> None:
    made = ext(
        server.endpoint,
        "POST",
        "/transit-gateways",
        {"vpcCidrs": ["10.8.0.0/16", "10.9.0.0/16"]},
        account=account,
    )
    assert re.fullmatch(r"tgw-[0-9a-f]{17}", made["transitGatewayId"])
    assert made["amazonSideAsn"] == 64512 and made["transitGatewayState"] == "available"
    listed = ext(server.endpoint, "GET", "/transit-gateways", account=account)["transitGateways"]
    assert [t["transitGatewayId"] for t in listed] == [made["transitGatewayId"]]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"amazonSideAsn": 65535}, ["65535", "64512-65534"]),
        ({"amazonSideAsn": 7224}, ["7224"]),
        ({"amazonSideAsn": 4294967295}, ["4294967295"]),
        ({"amazonSideAsn": "64512"}, ["integer"]),
        ({"vpcCidrs": ["10.0.0.0/33"]}, ["10.0.0.0/33"]),
        ({"vpcCidrs": ["10.0.0.1/16"]}, ["10.0.0.1/16"]),
        ({"vpcCidrs": ["10.0.0.0/8"]}, ["10.0.0.0/8", "/16"]),
        ({"vpcCidrs": ["10.0.0.0/16", "10.0.128.0/17"]}, ["overlaps"]),
        ({"vpcCidrs": ["10.0.0.0/16"], "vpcId": "igw-1"}, ["igw-1"]),
        ({"vpcId": "vpc-0123456789abcdef0"}, ["vpcCidrs"]),
    ],
)
def test_bad_vgw_is_refused_and_nothing_changes(
    server: Any, dx: Any, account: str, body: dict[str, Any], words: list[str]
) -> None:
    assert_client_error(ext_error_of(server, account, "POST", "/virtual-gateways", body), *words)
    assert dx.describe_virtual_gateways()["virtualGateways"] == []
    assert (
        ext(server.endpoint, "GET", "/virtual-gateways", account=account)["virtualGateways"] == []
    )


def test_bad_tgw_asn_is_refused(server: Any, account: str) -> None:
    got = ext_error_of(server, account, "POST", "/transit-gateways", {"amazonSideAsn": 100})
    assert_client_error(got, "100", "transit gateway")
    assert (
        ext(server.endpoint, "GET", "/transit-gateways", account=account)["transitGateways"] == []
    )


def test_delete_refused_while_associated(server: Any, dx: Any, account: str) -> None:
    gw = vgw(server, account, "10.0.0.0/16")
    gid = dxgw(dx)
    assoc = dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)
    assert_client_error(
        ext_error_of(server, account, "DELETE", f"/virtual-gateways/{gw}"), gw, "disassociate"
    )
    assert len(dx.describe_virtual_gateways()["virtualGateways"]) == 1
    aid = assoc["directConnectGatewayAssociation"]["associationId"]
    dx.delete_direct_connect_gateway_association(associationId=aid)
    gone = ext(server.endpoint, "DELETE", f"/virtual-gateways/{gw}", account=account)
    assert gone["virtualGatewayState"] == "deleted"
    assert dx.describe_virtual_gateways()["virtualGateways"] == []
    assert_client_error(ext_error_of(server, account, "DELETE", f"/virtual-gateways/{gw}"), gw)


def test_other_accounts_gateway_cannot_be_deleted(server: Any, account: str) -> None:
    t = tgw(server, account, "10.0.0.0/16")
    assert_client_error(
        ext_error_of(server, "999999999997", "DELETE", f"/transit-gateways/{t}"),
        f"The TransitGateway {t} does not exist.",
    )
    assert (
        len(ext(server.endpoint, "GET", "/transit-gateways", account=account)["transitGateways"])
        == 1
    )


def dxlab_cli(server: Any, account: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "x",
        "COLUMNS": "200",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_PROFILE", None)
    return subprocess.run(
        [str(DXLAB), *args, "--endpoint", server.endpoint],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_dxlab_vgw_create_cli(server: Any, dx: Any, account: str) -> None:
    done = dxlab_cli(
        server,
        account,
        "vgw",
        "create",
        "--asn",
        "65020",
        "--vpc-cidr",
        "10.20.0.0/16",
        "--vpc-cidr",
        "10.21.0.0/16",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    made = dx.describe_virtual_gateways()["virtualGateways"]
    assert len(made) == 1 and made[0]["virtualGatewayId"] in done.stdout
    assert "65020" in done.stdout and "10.20.0.0/16" in done.stdout
    listed = dxlab_cli(server, account, "vgw", "list")
    assert made[0]["virtualGatewayId"] in listed.stdout

    bad = dxlab_cli(server, account, "vgw", "create", "--asn", "1", "--vpc-cidr", "10.30.0.0/16")
    assert (
        bad.returncode == 1
        and "DirectConnectClientException" in bad.stdout
        and "ASN 1" in bad.stdout
    )
    assert len(dx.describe_virtual_gateways()["virtualGateways"]) == 1


def test_dxlab_tgw_cli(server: Any, account: str) -> None:
    done = dxlab_cli(
        server, account, "tgw", "create", "--asn", "65021", "--vpc-cidr", "10.40.0.0/16"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = ext(server.endpoint, "GET", "/transit-gateways", account=account)["transitGateways"]
    assert len(listed) == 1 and listed[0]["transitGatewayId"] in done.stdout
    removed = dxlab_cli(server, account, "tgw", "delete", listed[0]["transitGatewayId"])
    assert removed.returncode == 0 and "deleted" in removed.stdout
    assert (
        ext(server.endpoint, "GET", "/transit-gateways", account=account)["transitGateways"] == []
    )


def test_detaching_a_vgw_disassociates_it(server: Any, dx: Any, account: str) -> None:
    """virtualgateways.md: detaching a VGW from its VPC also disassociates it."""
    gw = vgw(server, account, "10.0.0.0/16")
    gid = dxgw(dx)
    dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)
    ext(server.endpoint, "POST", f"/virtual-gateways/{gw}/detach", account=account)
    found = dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gid)
    assert found["directConnectGatewayAssociations"] == []
    assert_client_error(
        ext_error_of(server, account, "POST", f"/virtual-gateways/{gw}/detach"), "not", "attached"
    )
    # Detached, it cannot be associated; attached again, it can.
    got = ext_error_of(server, account, "POST", f"/virtual-gateways/{gw}/attach", {"vpcCidrs": []})
    assert_client_error(got, "vpcCidrs")
    attached = ext(
        server.endpoint,
        "POST",
        f"/virtual-gateways/{gw}/attach",
        {"vpcCidrs": ["10.1.0.0/16"]},
        account=account,
    )
    assert attached["vpcCidrs"] == ["10.1.0.0/16"] and attached["vpcId"].startswith("vpc-")
    assert_client_error(
        ext_error_of(
            server, account, "POST", f"/virtual-gateways/{gw}/attach", {"vpcCidrs": ["10.2.0.0/16"]}
        ),
        "already attached",
    )
    made = dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)
    assert made["directConnectGatewayAssociation"]["allowedPrefixesToDirectConnectGateway"] == [
        {"cidr": "10.1.0.0/16"}
    ]


def test_dxlab_vgw_attach_detach_and_dx_gateways_cli(server: Any, dx: Any, account: str) -> None:
    gw = vgw(server, account)
    attached = dxlab_cli(
        server,
        account,
        "vgw",
        "attach",
        gw,
        "--vpc-cidr",
        "10.50.0.0/16",
        "--vpc-id",
        "vpc-0123456789abcdef0",
    )
    assert attached.returncode == 0 and "vpc-0123456789abcdef0" in attached.stdout, (
        attached.stdout + attached.stderr
    )
    gid = dxgw(dx, "cli-gw")
    dx.create_direct_connect_gateway_association(directConnectGatewayId=gid, gatewayId=gw)
    shown = dxlab_cli(server, account, "dx-gateways")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert (
        gid in shown.stdout
        and "cli-gw" in shown.stdout
        and gw in shown.stdout
        and "10.50.0.0/16" in shown.stdout
    )
    detached = dxlab_cli(server, account, "vgw", "detach", gw)
    assert detached.returncode == 0 and "detached" in detached.stdout
    found = dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gid)
    assert found["directConnectGatewayAssociations"] == []
    again = dxlab_cli(server, account, "vgw", "detach", gw)
    assert again.returncode == 1 and "not a virtual private gateway attached" in again.stdout
