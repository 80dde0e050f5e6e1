"""`aws ec2 ...` from the venv's AWS CLI, pointed at dxlab by AWS_ENDPOINT_URL_EC2 as a
user would: the VGW of step 3 made and described from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

AWS = Path(sys.executable).parent / "aws"


def aws_ec2(server: Any, account: str, *args: str) -> tuple[int, Any, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") or k == "AWS_EC2_METADATA_DISABLED"
    }
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_ENDPOINT_URL_EC2=server.endpoint,
    )
    done = subprocess.run(
        [str(AWS), "ec2", *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else None, done.stderr


def test_create_and_describe_vpn_gateway(server: Any, account: str, dx: Any) -> None:
    code, made, err = aws_ec2(
        server, account, "create-vpn-gateway", "--type", "ipsec.1", "--amazon-side-asn", "65010"
    )
    assert code == 0, err
    vgw = made["VpnGateway"]["VpnGatewayId"]
    assert (
        made["VpnGateway"]["AmazonSideAsn"] == 65010 and made["VpnGateway"]["State"] == "available"
    )
    code, listed, err = aws_ec2(server, account, "describe-vpn-gateways", "--vpn-gateway-ids", vgw)
    assert code == 0, err
    assert [(g["VpnGatewayId"], g["Type"]) for g in listed["VpnGateways"]] == [(vgw, "ipsec.1")]
    code, vpc, err = aws_ec2(server, account, "create-vpc", "--cidr-block", "10.0.0.0/16")
    assert code == 0, err
    code, _, err = aws_ec2(
        server,
        account,
        "attach-vpn-gateway",
        "--vpn-gateway-id",
        vgw,
        "--vpc-id",
        vpc["Vpc"]["VpcId"],
    )
    assert code == 0, err
    code, listed, _ = aws_ec2(
        server,
        account,
        "describe-vpn-gateways",
        "--filters",
        f"Name=attachment.vpc-id,Values={vpc['Vpc']['VpcId']}",
    )
    assert listed["VpnGateways"][0]["VpcAttachments"][0]["State"] == "attached"
    assert dx.describe_virtual_gateways()["virtualGateways"][0]["virtualGatewayId"] == vgw


def test_bad_asn_fails_as_ec2_says(server: Any, account: str) -> None:
    code, _, err = aws_ec2(
        server, account, "create-vpn-gateway", "--type", "ipsec.1", "--amazon-side-asn", "65535"
    )
    assert code != 0 and "InvalidParameterValue" in err and "65535" in err
    code, listed, _ = aws_ec2(server, account, "describe-vpn-gateways")
    assert code == 0 and listed["VpnGateways"] == []


def test_step_5_from_the_shell(server: Any, account: str) -> None:
    """The instance and its inbound ICMP rule with the CLI's own shorthand (--protocol/--port/--cidr)."""
    code, vpc, err = aws_ec2(server, account, "create-vpc", "--cidr-block", "10.100.0.0/16")
    assert code == 0, err
    vpc_id = vpc["Vpc"]["VpcId"]
    code, subnet, err = aws_ec2(
        server, account, "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.100.1.0/24"
    )
    assert code == 0, err
    code, sg, err = aws_ec2(
        server,
        account,
        "create-security-group",
        "--group-name",
        "ping",
        "--description",
        "ICMP from on-premises",
        "--vpc-id",
        vpc_id,
    )
    assert code == 0, err
    code, _, err = aws_ec2(
        server,
        account,
        "authorize-security-group-ingress",
        "--group-id",
        sg["GroupId"],
        "--protocol",
        "icmp",
        "--port",
        "-1",
        "--cidr",
        "10.1.0.0/16",
    )
    assert code == 0, err
    code, run, err = aws_ec2(
        server,
        account,
        "run-instances",
        "--image-id",
        "ami-0abcdef1234567890",
        "--count",
        "1",
        "--subnet-id",
        subnet["Subnet"]["SubnetId"],
        "--security-group-ids",
        sg["GroupId"],
    )
    assert code == 0, err
    iid = run["Instances"][0]["InstanceId"]
    code, address, err = aws_ec2(
        server,
        account,
        "describe-instances",
        "--instance-ids",
        iid,
        "--query",
        "Reservations[0].Instances[0].PrivateIpAddress",
    )
    assert code == 0 and address == "10.100.1.4", err
    code, groups, _ = aws_ec2(
        server, account, "describe-security-groups", "--group-ids", sg["GroupId"]
    )
    perms = groups["SecurityGroups"][0]["IpPermissions"]
    assert [(p["IpProtocol"], p["IpRanges"][0]["CidrIp"]) for p in perms] == [
        ("icmp", "10.1.0.0/16")
    ]
