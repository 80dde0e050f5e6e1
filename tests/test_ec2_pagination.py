"""EC2's Describe* pages as EC2's do (EC2 API reference, "Pagination"): MaxResults and
NextToken, walked by boto3's paginators and by the AWS CLI's auto-pagination
(`--page-size`, `--max-items`, `--starting-token`), and the bad input EC2 refuses: a
MaxResults out of the operation's range, MaxResults with explicit instance ids, a token
that is not one EC2 gave."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.ec2_support import ec2, error_of
from tests.test_ec2_awscli import aws_ec2

VPCS = 12
INSTANCES = 7
ATTACHMENTS = 6
TRANSIT_GATEWAYS = 6


@pytest.fixture
def estate(server: Any, account: str) -> dict[str, Any]:
    """12 tagged VPCs (each with its main route table and default group) with a subnet,
    7 instances (one reservation each) in the first, 6 transit gateways (each with its
    default route table), the first attached to 6 VPCs."""
    client = ec2(server, account)
    vpcs, subnets = [], []
    for i in range(VPCS):
        vpc = client.create_vpc(
            CidrBlock=f"10.{i}.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "n", "Value": str(i)}]}],
        )["Vpc"]["VpcId"]
        vpcs.append(vpc)
        subnets.append(
            client.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.1.0/24")["Subnet"]["SubnetId"]
        )
    instances = [
        client.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnets[0])[
            "Instances"
        ][0]["InstanceId"]
        for _ in range(INSTANCES)
    ]
    tgws = [
        client.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        for _ in range(TRANSIT_GATEWAYS)
    ]
    tgw = tgws[0]
    for vpc, subnet in list(zip(vpcs, subnets, strict=True))[:ATTACHMENTS]:
        client.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
        )
    return {"client": client, "vpcs": vpcs, "instances": instances, "tgws": tgws}


# operation -> (the list it pages, how many items the estate has, an item's identity)
PAGED = {
    "describe_vpcs": ("Vpcs", VPCS, "VpcId"),
    "describe_subnets": ("Subnets", VPCS, "SubnetId"),
    "describe_security_groups": ("SecurityGroups", VPCS, "GroupId"),
    "describe_security_group_rules": ("SecurityGroupRules", VPCS, "SecurityGroupRuleId"),
    "describe_route_tables": ("RouteTables", VPCS, "RouteTableId"),
    "describe_instances": ("Reservations", INSTANCES, "ReservationId"),
    "describe_instance_status": ("InstanceStatuses", INSTANCES, "InstanceId"),
    "describe_tags": ("Tags", VPCS, "ResourceId"),
    "describe_network_interfaces": ("NetworkInterfaces", INSTANCES, "NetworkInterfaceId"),
    "describe_instance_types": ("InstanceTypes", 0, "InstanceType"),
    "describe_transit_gateways": ("TransitGateways", TRANSIT_GATEWAYS, "TransitGatewayId"),
    "describe_transit_gateway_route_tables": (
        "TransitGatewayRouteTables",
        TRANSIT_GATEWAYS,
        "TransitGatewayRouteTableId",
    ),
    "describe_transit_gateway_attachments": (
        "TransitGatewayAttachments",
        ATTACHMENTS,
        "TransitGatewayAttachmentId",
    ),
    "describe_transit_gateway_vpc_attachments": (
        "TransitGatewayVpcAttachments",
        ATTACHMENTS,
        "TransitGatewayAttachmentId",
    ),
}


def test_boto3_paginators_walk_every_page(estate: dict[str, Any]) -> None:
    client = estate["client"]
    for op, (key, total, ident) in PAGED.items():
        everything = [item[ident] for item in getattr(client, op)()[key]]
        # DescribeSecurityGroupRules: the default group's egress rule, one per VPC; with no
        # ingress rule the count is the groups'.
        assert len(everything) >= total, (op, everything)
        pages = list(client.get_paginator(op).paginate(PaginationConfig={"PageSize": 5}))
        sizes = [len(p[key]) for p in pages]
        full, rest = divmod(len(everything), 5)
        assert sizes == [5] * full + ([rest] if rest else []), (op, sizes)
        assert [item[ident] for p in pages for item in p[key]] == everything, op
        assert "NextToken" not in pages[-1] and all(p.get("NextToken") for p in pages[:-1]), op


def test_max_results_and_next_token_by_hand(estate: dict[str, Any]) -> None:
    client = estate["client"]
    first = client.describe_vpcs(MaxResults=5)
    assert [v["VpcId"] for v in first["Vpcs"]] == estate["vpcs"][:5]
    second = client.describe_vpcs(MaxResults=5, NextToken=first["NextToken"])
    assert [v["VpcId"] for v in second["Vpcs"]] == estate["vpcs"][5:10]
    last = client.describe_vpcs(MaxResults=1000, NextToken=second["NextToken"])
    assert [v["VpcId"] for v in last["Vpcs"]] == estate["vpcs"][10:] and "NextToken" not in last
    # Filters and pages together: the filter first, then the page.
    tagged = client.describe_vpcs(Filters=[{"Name": "tag:n", "Values": ["1*"]}], MaxResults=5)
    assert [v["VpcId"] for v in tagged["Vpcs"]] == [estate["vpcs"][i] for i in (1, 10, 11)]
    assert "NextToken" not in tagged
    # An operation that pages within one resource: the first transit gateway's route table.
    (table,) = client.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [estate["tgws"][0]]}]
    )["TransitGatewayRouteTables"]
    paginator = client.get_paginator("get_transit_gateway_route_table_associations")
    pages = list(
        paginator.paginate(
            TransitGatewayRouteTableId=table["TransitGatewayRouteTableId"],
            PaginationConfig={"PageSize": 5},
        )
    )
    assert [len(p["Associations"]) for p in pages] == [5, ATTACHMENTS - 5]


def test_the_aws_cli_pages_by_itself(server: Any, account: str, estate: dict[str, Any]) -> None:
    code, out, err = aws_ec2(server, account, "describe-vpcs", "--page-size", "5")
    assert code == 0, err
    assert [v["VpcId"] for v in out["Vpcs"]] == estate["vpcs"]
    # --max-items cuts inside a page: the CLI's token resumes there (with the same page size).
    code, out, err = aws_ec2(
        server, account, "describe-vpcs", "--max-items", "7", "--page-size", "5"
    )
    assert code == 0, err
    assert [v["VpcId"] for v in out["Vpcs"]] == estate["vpcs"][:7] and out["NextToken"]
    code, rest, err = aws_ec2(
        server, account, "describe-vpcs", "--starting-token", out["NextToken"], "--page-size", "5"
    )
    assert code == 0, err
    assert [v["VpcId"] for v in rest["Vpcs"]] == estate["vpcs"][7:]
    code, out, err = aws_ec2(server, account, "describe-instances", "--page-size", "5")
    assert code == 0, err
    assert [r["Instances"][0]["InstanceId"] for r in out["Reservations"]] == estate["instances"]
    # The model gives DescribeInstances no minimum, so the CLI sends 3: EC2 refuses it.
    code, out, err = aws_ec2(server, account, "describe-instances", "--max-results", "3")
    assert code != 0 and "(InvalidParameterValue)" in err and "maxResults" in err, err


def test_bad_pages_are_refused_as_ec2_does(
    server: Any, account: str, estate: dict[str, Any]
) -> None:
    client = estate["client"]
    # botocore checks the model's minimum itself; a client that does not is answered by dxlab.
    raw = boto3.client(
        "ec2",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="dxlab-test-secret",
        config=Config(parameter_validation=False),
    )
    for call, size in (
        (raw.describe_vpcs, 4),  # the model: 5 to 1000
        (client.describe_route_tables, 101),  # the model: 5 to 100
        (client.describe_instances, 3),  # EC2: 5 to 1000
        (client.describe_tags, 1001),
    ):
        code, status, message = error_of(call, MaxResults=size)
        assert (code, status) == ("InvalidParameterValue", 400), (call, message)
        assert f"Value ( {size} ) for parameter maxResults is invalid" in message
    # "You cannot specify this parameter and the instance IDs parameter in the same request."
    for call in (client.describe_instances, client.describe_instance_status):
        code, status, message = error_of(call, InstanceIds=estate["instances"][:1], MaxResults=5)
        assert (code, status) == ("InvalidParameterCombination", 400), message
        assert "InstanceIds" in message and "MaxResults" in message
    # Ids with MaxResults where EC2 takes both: the ids, paged.
    page = client.describe_vpcs(VpcIds=estate["vpcs"][:6], MaxResults=5)
    assert len(page["Vpcs"]) == 5 and page["NextToken"]
    # A token EC2 did not give, or one another operation gave.
    code, status, _ = error_of(client.describe_vpcs, NextToken="not-a-token")
    assert (code, status) == ("InvalidNextToken", 400)
    token = client.describe_vpcs(MaxResults=5)["NextToken"]
    assert error_of(client.describe_subnets, NextToken=token)[0] == "InvalidNextToken"
    # Nothing changed: the same VPCs as before, all of them.
    assert [v["VpcId"] for v in client.describe_vpcs()["Vpcs"]] == estate["vpcs"]
