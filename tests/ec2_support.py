"""boto3's ec2 client against a dxlab server, and what a failing EC2 call answered."""

from __future__ import annotations

from typing import Any

import boto3

from tests.aws_errors import error_of

__all__ = ["ec2", "error_of", "vpc_with_subnet"]


def ec2(server: Any, account: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        "ec2",
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id=account,  # a 12-digit key id selects the account
        aws_secret_access_key="dxlab-test-secret",
    )


def vpc_with_subnet(
    client: Any, cidr: str = "10.0.0.0/16", subnet: str = "10.0.1.0/24"
) -> tuple[str, str]:
    vpc = client.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    sub = client.create_subnet(VpcId=vpc, CidrBlock=subnet)["Subnet"]["SubnetId"]
    return vpc, sub
