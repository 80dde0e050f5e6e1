"""The Terraform AWS provider (the machine's provider mirror) against dxlab: the EC2
resources of the walk-through with the Direct Connect ones, as the provider's own Direct
Connect tests use them (a gateway association on aws_vpn_gateway.x.id): apply, a plan
with no changes, destroy, nothing left."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.ec2_support import ec2

MIRROR = Path(os.environ.get("DXLAB_TF_MIRROR", "/opt/tf-plugins"))
PROVIDER = "5.100.0"

CONFIG = """
terraform {{
  required_providers {{ aws = {{ source = "hashicorp/aws", version = "{version}" }} }}
}}
provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "{account}"
  secret_key                  = "dxlab"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {{
    ec2           = "{endpoint}"
    sts           = "{endpoint}"
    directconnect = "{endpoint}"
  }}
}}
resource "aws_vpc" "x" {{ cidr_block = "10.100.0.0/16" }}
resource "aws_subnet" "s" {{
  vpc_id     = aws_vpc.x.id
  cidr_block = "10.100.1.0/24"
}}
resource "aws_security_group" "ping" {{
  name   = "ping"
  vpc_id = aws_vpc.x.id
  ingress {{
    protocol    = "icmp"
    from_port   = -1
    to_port     = -1
    cidr_blocks = ["10.1.0.0/16"]
  }}
}}
resource "aws_vpn_gateway" "g" {{ amazon_side_asn = 65010 }}
resource "aws_vpn_gateway_attachment" "a" {{
  vpc_id         = aws_vpc.x.id
  vpn_gateway_id = aws_vpn_gateway.g.id
}}
resource "aws_vpn_gateway_route_propagation" "p" {{
  vpn_gateway_id = aws_vpn_gateway.g.id
  route_table_id = aws_vpc.x.main_route_table_id
  depends_on     = [aws_vpn_gateway_attachment.a]
}}
resource "aws_instance" "i" {{
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.s.id
  vpc_security_group_ids = [aws_security_group.ping.id]
}}
resource "aws_ec2_transit_gateway" "t" {{ amazon_side_asn = 64600 }}
resource "aws_ec2_transit_gateway_vpc_attachment" "ta" {{
  transit_gateway_id = aws_ec2_transit_gateway.t.id
  vpc_id             = aws_vpc.x.id
  subnet_ids         = [aws_subnet.s.id]
}}
resource "aws_dx_gateway" "dx" {{
  name            = "core"
  amazon_side_asn = "64512"
}}
resource "aws_dx_gateway_association" "assoc" {{
  dx_gateway_id         = aws_dx_gateway.dx.id
  associated_gateway_id = aws_vpn_gateway.g.id
  depends_on            = [aws_vpn_gateway_attachment.a]
}}
"""


def _terraform(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(workdir / "terraformrc"),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
    )
    return subprocess.run(
        ["terraform", *args, "-input=false", "-no-color"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_apply_plan_destroy(make_server: Any, tmp_path: Path) -> None:
    if (
        shutil.which("terraform") is None
        or not (MIRROR / "registry.terraform.io/hashicorp/aws" / PROVIDER).is_dir()
    ):
        pytest.fail(
            f"terraform and the AWS provider {PROVIDER} in {MIRROR} are needed (DXLAB_TF_MIRROR)",
            pytrace=False,
        )
    server = make_server()
    account = "123456789012"
    (tmp_path / "terraformrc").write_text(
        f'provider_installation {{\n  filesystem_mirror {{ path = "{MIRROR}" }}\n'
        '  direct { exclude = ["registry.terraform.io/*/*"] }\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        CONFIG.format(version=PROVIDER, account=account, endpoint=server.endpoint)
    )
    for step in (("init",), ("apply", "-auto-approve")):
        done = _terraform(tmp_path, *step)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    client = ec2(server, account)
    (vgw,) = client.describe_vpn_gateways()["VpnGateways"]
    (vpc,) = client.describe_vpcs()["Vpcs"]
    assert vgw["AmazonSideAsn"] == 65010 and vgw["VpcAttachments"] == [
        {"VpcId": vpc["VpcId"], "State": "attached"}
    ]
    (table,) = client.describe_route_tables()["RouteTables"]
    assert table["PropagatingVgws"] == [{"GatewayId": vgw["VpnGatewayId"]}]
    (instance,) = [i for r in client.describe_instances()["Reservations"] for i in r["Instances"]]
    assert (
        instance["State"]["Name"] == "running"
        and instance["SecurityGroups"][0]["GroupName"] == "ping"
    )
    assoc = server.client(account).describe_direct_connect_gateway_associations(
        virtualGatewayId=vgw["VpnGatewayId"]
    )
    assert [a["associationState"] for a in assoc["directConnectGatewayAssociations"]] == [
        "associated"
    ]

    plan = _terraform(tmp_path, "plan", "-detailed-exitcode")
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]  # 2 would mean changes
    done = _terraform(tmp_path, "destroy", "-auto-approve")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (
        client.describe_vpcs()["Vpcs"] == [] and client.describe_vpn_gateways()["VpnGateways"] == []
    )
    assert client.describe_transit_gateways()["TransitGateways"] == []
    assert (
        client.describe_security_groups()["SecurityGroups"] == []
        and client.describe_subnets()["Subnets"] == []
    )
    left = [
        i["State"]["Name"]
        for r in client.describe_instances()["Reservations"]
        for i in r["Instances"]
    ]
    assert left == ["terminated"]  # a terminated instance stays visible for a while, as on AWS
    assert not server.server_errors(), server.server_errors()
