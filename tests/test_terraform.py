"""Terraform's AWS provider (5.100) against dxlab: every aws_dx_* resource and data source
(tests/terraform/main.tf) goes through apply, a plan with no changes, import, an update,
another plan with no changes, and destroy; afterwards nothing is left.

The provider comes from the machine image's filesystem mirror through a CLI config of the
test's own; Terraform never reaches the internet (a dead proxy catches anything that is not
127.0.0.1). The runs are few because each one starts the 700 MB provider binary: one apply
of everything, one plan, one apply that imports and updates, one plan, one destroy."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.conftest import ServerProcess

CONFIG = Path(__file__).parent / "terraform" / "main.tf"
TERRAFORM = os.environ.get("DXLAB_TERRAFORM", "/usr/local/bin/terraform")
# The machine image's filesystem mirror of hashicorp/aws 5.100.0 (unpacked layout).
MIRROR = Path(os.environ.get("DXLAB_TERRAFORM_MIRROR", "/opt/tf-plugins"))
PROVIDER = MIRROR / "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"
CUSTOMER, PARTNER = "123456789012", "210987654321"
RUN_TIMEOUT = 480  # seconds, per terraform command

# Resources imported into a state that forgot them, and the ID each one is imported by:
# every kind the provider can import. (Not aws_dx_connection.macsec: `request_macsec` is
# an order-time argument the provider cannot read back, so an import of it plans a
# replacement on AWS as well.)
IMPORTED = {
    "aws_dx_connection.main": lambda a: a["id"],
    "aws_dx_lag.lag": lambda a: a["id"],
    "aws_dx_gateway.vgw": lambda a: a["id"],
    "aws_dx_gateway.partner": lambda a: a["id"],
    "aws_dx_gateway_association.vgw": lambda a: (
        f"{a['dx_gateway_id']}/{a['associated_gateway_id']}"
    ),
    "aws_dx_gateway_association_proposal.partner": lambda a: (
        f"{a['id']}/{a['dx_gateway_id']}/{a['associated_gateway_id']}"
    ),
    "aws_dx_private_virtual_interface.private": lambda a: a["id"],
    "aws_dx_public_virtual_interface.public": lambda a: a["id"],
    "aws_dx_transit_virtual_interface.transit": lambda a: a["id"],
    "aws_dx_hosted_private_virtual_interface.hosted": lambda a: a["id"],
    "aws_dx_hosted_private_virtual_interface_accepter.hosted": lambda a: a["id"],
    "aws_dx_hosted_public_virtual_interface.hosted": lambda a: a["id"],
    "aws_dx_hosted_public_virtual_interface_accepter.hosted": lambda a: a["id"],
    "aws_dx_hosted_transit_virtual_interface.hosted": lambda a: a["id"],
    "aws_dx_hosted_transit_virtual_interface_accepter.hosted": lambda a: a["id"],
}
# What generation 2 of main.tf changes in place (names, tags, MTUs, prefixes, encryption).
UPDATED = {
    "aws_dx_connection.main",
    "aws_dx_connection.member",
    "aws_dx_connection.macsec",
    "aws_dx_lag.lag",
    "aws_dx_gateway.vgw",
    "aws_dx_gateway.transit",
    "aws_dx_gateway.partner",
    "aws_dx_gateway_association.vgw",
    "aws_dx_gateway_association.partner",
    "aws_dx_private_virtual_interface.private",
    "aws_dx_public_virtual_interface.public",
    "aws_dx_transit_virtual_interface.transit",
    "aws_dx_hosted_private_virtual_interface_accepter.hosted",
    "aws_dx_hosted_public_virtual_interface_accepter.hosted",
    "aws_dx_hosted_transit_virtual_interface_accepter.hosted",
}


def require_terraform() -> None:
    """Terraform and the provider mirror are part of the machine image: missing is a failure."""
    if not (Path(TERRAFORM).is_file() and os.access(TERRAFORM, os.X_OK)):
        pytest.fail(
            f"Terraform is not installed at {TERRAFORM} (set DXLAB_TERRAFORM); the machine image carries 1.11"
        )
    if not any(PROVIDER.glob("terraform-provider-aws_v5.100.0*")):
        pytest.fail(
            f"No filesystem mirror of hashicorp/aws 5.100.0 under {MIRROR} (set DXLAB_TERRAFORM_MIRROR);"
            " `find / -name 'terraform-provider-aws*'` shows where the image put it"
        )


class Terraform:
    """One working directory, one CLI config (the mirror, a plugin cache, nothing direct)."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        cli = workdir / "cli.tfrc"
        cli.write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{MIRROR}"\n'
            '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
            f'plugin_cache_dir = "{workdir / "plugin-cache"}"\n'
        )
        (workdir / "plugin-cache").mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "TF_CLI_CONFIG_FILE": str(cli),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            # Anything not for 127.0.0.1 goes to a port where nothing listens.
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        self.log: list[str] = []

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        done = subprocess.run(
            [TERRAFORM, *args, "-no-color"] if args[0] != "state" else [TERRAFORM, *args],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        self.log.append(
            f"terraform {args[0]}: {time.monotonic() - started:.1f}s rc={done.returncode}"
        )
        (self.dir / f"{len(self.log)}-{args[0]}.log").write_text(
            done.stdout + done.stderr
        )  # for a failure's reader
        if done.returncode not in ok:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-60:])
            pytest.fail(
                f"terraform {' '.join(args)} exited {done.returncode}:\n{tail}\n"
                + "\n".join(self.log)
            )
        return done

    def apply(self, generation: int) -> str:
        return self.run(
            "apply",
            "-auto-approve",
            "-input=false",
            "-parallelism=30",
            f"-var=generation={generation}",
        ).stdout

    def assert_no_changes(self, generation: int) -> None:
        done = self.run(
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-parallelism=30",
            f"-var=generation={generation}",
            ok=(0, 2),
        )
        assert done.returncode == 0, f"plan after apply shows changes:\n{done.stdout[-6000:]}"

    def state(self) -> dict[str, dict[str, Any]]:
        """Managed resources of the local state file, by address, with their attributes."""
        raw = json.loads((self.dir / "terraform.tfstate").read_text())
        return {
            f"{r['type']}.{r['name']}": r["instances"][0]["attributes"]
            for r in raw["resources"]
            if r["mode"] == "managed" and r["instances"]
        }


def gateways_and_interconnect(server: ServerProcess) -> dict[str, str]:
    """What Terraform cannot make on dxlab: VGWs (EC2's) and a partner's interconnect."""

    def vgw(account: str, *cidrs: str) -> str:
        body = {"vpcCidrs": list(cidrs)}
        return str(
            ext(server.endpoint, "POST", "/virtual-gateways", body, account=account)[
                "virtualGatewayId"
            ]
        )

    ic = server.client(PARTNER).create_interconnect(
        interconnectName="tf-ic", bandwidth="10Gbps", location="EqDC2"
    )
    return {
        "endpoint": server.endpoint,
        "customer": CUSTOMER,
        "partner": PARTNER,
        "vgw_id": vgw(CUSTOMER, "10.0.0.0/16", "10.1.0.0/16"),
        "partner_vgw_id": vgw(PARTNER, "10.10.0.0/16"),
        "partner_proposed_vgw_id": vgw(PARTNER, "10.20.0.0/16", "10.21.0.0/16", "10.22.0.0/16"),
        "interconnect_id": ic["interconnectId"],
    }


def plan_counts(output: str) -> tuple[int, int, int, int]:
    """(import, add, change, destroy) of the `Plan: ...` line of an apply."""
    line = re.search(
        r"Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy", output
    )
    assert line, output[-3000:]
    imported, add, change, destroy = (int(g or 0) for g in line.groups())
    return imported, add, change, destroy


def live(
    items: list[dict[str, Any]], state_key: str, gone: tuple[str, ...]
) -> list[dict[str, Any]]:
    return [i for i in items if i[state_key] not in gone]


def assert_nothing_left(server: ServerProcess, interconnect_id: str) -> None:
    for account in (CUSTOMER, PARTNER):
        dx = server.client(account)
        assert (
            live(
                dx.describe_connections()["connections"], "connectionState", ("deleted", "rejected")
            )
            == []
        )
        assert live(dx.describe_lags()["lags"], "lagState", ("deleted",)) == []
        assert (
            live(
                dx.describe_virtual_interfaces()["virtualInterfaces"],
                "virtualInterfaceState",
                ("deleted", "rejected"),
            )
            == []
        )
        gateways = dx.describe_direct_connect_gateways()["directConnectGateways"]
        assert live(gateways, "directConnectGatewayState", ("deleted",)) == []
        assert (
            live(
                dx.describe_direct_connect_gateway_association_proposals()[
                    "directConnectGatewayAssociationProposals"
                ],
                "proposalState",
                ("deleted",),
            )
            == []
        )
        for gw in gateways:
            got = dx.describe_direct_connect_gateway_associations(
                directConnectGatewayId=gw["directConnectGatewayId"]
            )
            assert (
                live(
                    got["directConnectGatewayAssociations"], "associationState", ("disassociated",)
                )
                == []
            )
    hosted = server.client(PARTNER).describe_hosted_connections(connectionId=interconnect_id)[
        "connections"
    ]
    assert live(hosted, "connectionState", ("deleted", "rejected")) == []


# Five provider start-ups and the provider's own 10 s waits: minutes on a loaded machine.
@pytest.mark.timeout(1500)
def test_every_aws_dx_resource_through_apply_plan_import_update_destroy(
    make_server: Any, tmp_path: Path
) -> None:
    require_terraform()
    server: ServerProcess = make_server()
    tf = Terraform(tmp_path)
    shutil.copy(CONFIG, tmp_path / "main.tf")
    given = gateways_and_interconnect(server)
    (tmp_path / "terraform.tfvars.json").write_text(json.dumps(given))
    tf.run("init", "-input=false")

    # Apply: everything at once, then Terraform must find nothing to change.
    out = tf.apply(1)
    assert plan_counts(out) == (0, 24, 0, 0)
    state = tf.state()
    # aws_dx_connection_association: the connection landed on its LAG's device (lag_placement).
    [lag] = server.client(CUSTOMER).describe_lags(lagId=state["aws_dx_lag.lag"]["id"])["lags"]
    assert [c["connectionId"] for c in lag["connections"]] == [
        state["aws_dx_connection.member"]["id"]
    ]
    assert (
        lag["awsDeviceV2"] == state["aws_dx_connection.member"]["aws_device"]
    )  # the provider shows V2
    assert re.search(r'connection_by_name = "dxcon-', out) and re.search(
        r'gateway_by_name = "', out
    ), out[-2000:]
    assert (
        "router bgp 65351" in out and "neighbor 2600:" in out
    )  # the IPv6 peer is in the router config
    tf.assert_no_changes(1)

    # Import: forget resources of every importable kind, import them (import blocks) in
    # the same apply that applies generation 2's updates. The plan must import them all,
    # add and destroy nothing, and change exactly what generation 2 changes.
    tf.run("state", "rm", *IMPORTED)
    blocks = [
        f'import {{\n  to = {address}\n  id = "{id_of(state[address])}"\n}}\n'
        for address, id_of in IMPORTED.items()
    ]
    (tmp_path / "imports.tf").write_text("\n".join(blocks))
    out = tf.apply(2)
    assert plan_counts(out) == (len(IMPORTED), 0, len(UPDATED), 0), out[-4000:]
    (tmp_path / "imports.tf").unlink()
    tf.assert_no_changes(2)
    updated = tf.state()
    assert updated["aws_dx_private_virtual_interface.private"]["mtu"] == 9001
    assert updated["aws_dx_lag.lag"]["name"] == "tf-lag-2"
    assert updated["aws_dx_connection.main"]["tags"] == {"generation": "2"}
    assert sorted(updated["aws_dx_gateway_association.partner"]["allowed_prefixes"]) == [
        "10.20.0.0/16",
        "10.22.0.0/16",
    ]
    assert updated["aws_dx_connection.macsec"]["encryption_mode"] == "should_encrypt"

    # Destroy: nothing is left, in either account.
    tf.run("destroy", "-auto-approve", "-input=false", "-parallelism=30", "-var=generation=2")
    assert tf.state() == {}
    assert_nothing_left(server, given["interconnect_id"])
    assert not server.server_errors(), server.server_errors()
    print("\n".join(tf.log))


def test_the_readme_provider_block_is_the_one_tested() -> None:
    """README's Terraform example is main.tf's provider block with the values filled in."""
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    documented = re.search(r"```hcl\n(provider \"aws\" \{.*?\n\})\n```", readme, re.S)
    assert documented, "README has no ```hcl provider block"
    tested = re.search(r"(provider \"aws\" \{.*?\n\})\n", CONFIG.read_text(), re.S)
    assert tested is not None
    filled = (
        tested.group(1)
        .replace("var.endpoint", '"http://127.0.0.1:4599"')
        .replace(
            "access_key = var.customer",
            'access_key = "123456789012" # the account, in the default --auth permissive',
        )
    )
    assert documented.group(1) == filled
