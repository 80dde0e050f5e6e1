"""What the import tests share: a source account's estate seeded through the public
surface (boto3 and the /_dxlab routes of a dxlab server that plays the account), with the
weaknesses an estate grown over years has, and `dxlab` run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dxlab.cli.client import ext
from tests.gateway_support import dxgw, prefixes, vgw

ACCOUNT = "123456789012"  # the estate's account (dxlab's default account)
PARTNER = "210987654321"  # a Direct Connect partner hosting a connection for it
OTHER = "111122223333"  # another account whose VGW is associated with its gateway


@dataclass
class Estate:
    twins: tuple[str, str]  # two connections on one AWS device, carrying all VIFs of dxgw_one
    spare: str  # a connection at the same location on another device, with no VIF
    lag: str  # the only path to dxgw_lag
    hosted: str  # a hosted connection from PARTNER
    dxgw_one: str
    dxgw_lag: str
    dxgw_shared: str  # associated with OTHER's VGW
    vgw_one: str
    vgw_lag: str
    vgw_other: str
    vifs: list[str]


def seed(endpoint: str, client_for: Any) -> Estate:
    dx, partner, other = client_for(ACCOUNT), client_for(PARTNER), client_for(OTHER)
    # EqDA2 has two AWS devices: the third connection shares one with an earlier one.
    conns = [
        dx.create_connection(location="EqDA2", bandwidth="10Gbps", connectionName=f"da-{n}")
        for n in range(3)
    ]
    by_device = Counter(c["awsDeviceV2"] for c in conns)
    shared = next(d for d, n in by_device.items() if n == 2)
    twins = tuple(c["connectionId"] for c in conns if c["awsDeviceV2"] == shared)
    spare = next(c["connectionId"] for c in conns if c["awsDeviceV2"] != shared)
    dx.tag_resource(
        resourceArn=f"arn:aws:directconnect:us-east-1:{ACCOUNT}:dxcon/{twins[0]}",
        tags=[{"key": "site", "value": "dallas"}],
    )
    lag = dx.create_lag(
        numberOfConnections=2, location="CSVA1", connectionsBandwidth="10Gbps", lagName="va-lag"
    )["lagId"]
    ic = partner.create_interconnect(interconnectName="ic", bandwidth="10Gbps", location="CSVA1")[
        "interconnectId"
    ]
    hosted = partner.allocate_hosted_connection(
        connectionId=ic,
        ownerAccount=ACCOUNT,
        bandwidth="1Gbps",
        connectionName="hosted-va",
        vlan=300,
    )["connectionId"]
    dx.confirm_connection(connectionId=hosted)
    server = type("S", (), {"endpoint": endpoint})()
    vgw_one, vgw_lag = vgw(server, ACCOUNT, "10.100.0.0/16"), vgw(server, ACCOUNT, "10.101.0.0/16")
    vgw_other = vgw(server, OTHER, "10.102.0.0/16")
    g_one, g_lag, g_shared = dxgw(dx, "one"), dxgw(dx, "lag"), dxgw(dx, "shared")
    dx.create_direct_connect_gateway_association(directConnectGatewayId=g_one, gatewayId=vgw_one)
    dx.create_direct_connect_gateway_association(directConnectGatewayId=g_lag, gatewayId=vgw_lag)
    proposal = other.create_direct_connect_gateway_association_proposal(
        directConnectGatewayId=g_shared,
        directConnectGatewayOwnerAccount=ACCOUNT,
        gatewayId=vgw_other,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.102.0.0/16"),
    )["directConnectGatewayAssociationProposal"]
    dx.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=g_shared,
        associatedGatewayOwnerAccount=OTHER,
        proposalId=proposal["proposalId"],
    )
    vifs = []
    for vlan, (link, gid) in enumerate(
        [(twins[0], g_one), (twins[1], g_one), (lag, g_lag), (hosted, g_shared)], start=101
    ):
        vifs.append(
            dx.create_private_virtual_interface(
                connectionId=link,
                newPrivateVirtualInterface={
                    "virtualInterfaceName": f"vif-{vlan}",
                    "vlan": vlan if link != hosted else 300,
                    "asn": 65000,
                    "directConnectGatewayId": gid,
                },
            )["virtualInterfaceId"]
        )
    _settle(dx, [g_one, g_lag, g_shared])
    return Estate(
        twins, spare, lag, hosted, g_one, g_lag, g_shared, vgw_one, vgw_lag, vgw_other, vifs
    )  # type: ignore[arg-type]


def _settle(dx: Any, gateways: list[str], timeout: float = 10.0) -> None:
    """Associations come up on their own timer; wait until each is associated."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = {
            a["associationState"]
            for g in gateways
            for a in dx.describe_direct_connect_gateway_associations(directConnectGatewayId=g)[
                "directConnectGatewayAssociations"
            ]
        }
        if states == {"associated"}:
            return
        time.sleep(0.05)
    raise AssertionError(f"associations not associated after {timeout} s: {states}")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell with no AWS settings but `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DXLAB_"))}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    env.update(extra)
    return env


def profile_files(tmp: Path, name: str, account: str, region: str = "us-east-1") -> dict[str, str]:
    """A user's AWS config and credentials files with one profile, as the env that uses them."""
    config, credentials = tmp / "aws-config", tmp / "aws-credentials"
    config.write_text(f"[profile {name}]\nregion = {region}\n")
    credentials.write_text(
        f"[{name}]\naws_access_key_id = {account}\naws_secret_access_key = dxlab-test-secret\n"
    )
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}


def dxlab(
    *args: str, env: dict[str, str] | None = None, tmp: Path | None = None
) -> subprocess.CompletedProcess[str]:
    run_env = env or clean_env()
    if tmp is not None:
        run_env = dict(run_env, DXLAB_HOME=str(tmp / "dxlab-home"))
    return subprocess.run(
        [sys.executable, "-m", "dxlab.cli", *args],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def analysis(endpoint: str, account: str = ACCOUNT) -> dict[str, Any]:
    done = dxlab(
        "analyze",
        "--json",
        "--endpoint",
        endpoint,
        env=clean_env(AWS_ACCESS_KEY_ID=account, AWS_SECRET_ACCESS_KEY="x"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# What differs between two analyses of one design made at different times or places.
VOLATILE = ("stats", "account")


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in VOLATILE}


def load_topology(endpoint: str, text: str, account: str = ACCOUNT) -> None:
    ext(endpoint, "PUT", "/topology", {"yaml": text, "source": "test"}, account=account)
