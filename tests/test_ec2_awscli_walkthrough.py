"""Steps 3 and 5 of maximum_resiliency.md from the shell, as a user runs them: `aws ec2`
and `aws directconnect` pointed at dxlab by the one AWS_ENDPOINT_URL, and `dxlab verify`.
The VPC, subnet, security group with inbound ICMP, VGW with its own ASN, attachment,
route propagation and instance through EC2; the Direct Connect gateway association and
a private VIF per connection through Direct Connect; then verify pings the instance's
private address, and says which is missing without the ICMP rule or the propagation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import yaml

from dxlab.cli.client import ext
from tests.scenario import TOPOLOGY, _wait_available
from tests.test_ec2_awscli import AWS


def aws(server: Any, account: str, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL=server.endpoint,  # every service, EC2 and Direct Connect alike
    )
    done = subprocess.run(
        [str(AWS), *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"aws {' '.join(args)}: {done.stderr}"
    return json.loads(done.stdout) if done.stdout.strip() else None


def dxlab_verify(server: Any, account: str) -> tuple[int, dict[str, dict[str, Any]]]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    done = subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", "verify", "--json", "--count", "2"]
        + ["--endpoint", server.endpoint],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, {p["site"]: p for p in json.loads(done.stdout)["pairs"]}


def test_the_walk_through_with_the_aws_cli(server: Any, account: str, dx: Any) -> None:
    conns = ext(
        server.endpoint,
        "POST",
        "/wizard/order",
        {"model": "maximum", "bandwidth": "10Gbps", "locations": ["EqDC2", "CSVA1"]},
        account=account,
    )["connectionIds"]
    # Step 3's VPC side through EC2.
    vpc = aws(server, account, "ec2", "create-vpc", "--cidr-block", "10.100.0.0/16")["Vpc"]["VpcId"]
    subnet = aws(
        server, account, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.100.1.0/24"
    )["Subnet"]["SubnetId"]
    made = aws(
        server,
        account,
        "ec2",
        "create-vpn-gateway",
        "--type",
        "ipsec.1",
        "--amazon-side-asn",
        "65010",
    )
    vgw = made["VpnGateway"]["VpnGatewayId"]
    assert made["VpnGateway"]["AmazonSideAsn"] == 65010
    aws(server, account, "ec2", "attach-vpn-gateway", "--vpn-gateway-id", vgw, "--vpc-id", vpc)
    rtb = aws(
        server,
        account,
        "ec2",
        "describe-route-tables",
        "--filters",
        f"Name=vpc-id,Values={vpc}",
        "--query",
        "RouteTables[0].RouteTableId",
    )
    aws(
        server,
        account,
        "ec2",
        "enable-vgw-route-propagation",
        "--route-table-id",
        rtb,
        "--gateway-id",
        vgw,
    )
    # Step 5: the security group permitting inbound ICMP, the instance, its private address.
    sg = aws(
        server,
        account,
        "ec2",
        "create-security-group",
        "--group-name",
        "ping",
        "--description",
        "ICMP from on-premises",
        "--vpc-id",
        vpc,
    )["GroupId"]
    icmp = ["--group-id", sg, "--protocol", "icmp", "--port", "-1", "--cidr", "10.0.0.0/8"]
    aws(server, account, "ec2", "authorize-security-group-ingress", *icmp)
    run = aws(
        server,
        account,
        "ec2",
        "run-instances",
        "--image-id",
        "ami-0abcdef1234567890",
        "--count",
        "1",
        "--subnet-id",
        subnet,
        "--security-group-ids",
        sg,
    )
    address = run["Instances"][0]["PrivateIpAddress"]
    # Step 3's Direct Connect side: the VGW behind a Direct Connect gateway, a VIF per connection.
    dxgw = aws(
        server,
        account,
        "directconnect",
        "create-direct-connect-gateway",
        "--direct-connect-gateway-name",
        "dxgw",
        "--amazon-side-asn",
        "64512",
    )["directConnectGateway"]["directConnectGatewayId"]
    aws(
        server,
        account,
        "directconnect",
        "create-direct-connect-gateway-association",
        "--direct-connect-gateway-id",
        dxgw,
        "--gateway-id",
        vgw,
    )
    vifs = [
        aws(
            server,
            account,
            "directconnect",
            "create-private-virtual-interface",
            "--connection-id",
            cid,
            "--new-private-virtual-interface",
            f"virtualInterfaceName=vif-{i},vlan={101 + i},asn=65000,directConnectGatewayId={dxgw}",
        )["virtualInterfaceId"]
        for i, cid in enumerate(conns)
    ]
    data = yaml.safe_load(
        TOPOLOGY.format(c0=conns[0], c1=conns[1], c2=conns[2], c3=conns[3], vgw=vgw, icmp="true")
    )
    del data["vpcs"]  # the AWS side is what the CLI made
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml.safe_dump(data)}, account=account)
    _wait_available(dx, vifs)

    code, pairs = dxlab_verify(server, account)
    assert code == 0 and set(pairs) == {"dc1", "dc2"}
    for pair in pairs.values():
        assert pair["destination"] == address and pair["ping"] == {"sent": 2, "received": 2}

    # Without the ICMP rule: verify fails and says it is the security group.
    aws(server, account, "ec2", "revoke-security-group-ingress", *icmp)
    code, pairs = dxlab_verify(server, account)
    assert code == 1
    assert {p["reason"] for p in pairs.values()} == {
        f"the security group of {address} does not allow inbound ICMP"
    }
    aws(server, account, "ec2", "authorize-security-group-ingress", *icmp)

    # Without route propagation: verify fails and names the route table and the prefix.
    aws(
        server,
        account,
        "ec2",
        "disable-vgw-route-propagation",
        "--route-table-id",
        rtb,
        "--gateway-id",
        vgw,
    )
    code, pairs = dxlab_verify(server, account)
    assert code == 1
    assert {s: p["reason"] for s, p in pairs.items()} == {
        site: f"route table {rtb} has no route to {prefix}: VGW route propagation is off"
        for site, prefix in (("dc1", "10.1.0.0/16"), ("dc2", "10.2.0.0/16"))
    }
