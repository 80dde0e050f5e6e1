"""EC2's wire on dxlab's port: the `ec2` query protocol read and written from botocore's
ec2 model (lists flattened as Filter.1.Value.1, members named by locationName/queryName,
XML answers with <item> lists) and EC2's error body, for boto3 and for raw requests."""

from __future__ import annotations

import re
import urllib.request
from typing import Any
from xml.etree import ElementTree

import pytest

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.web.aws.ec2_query import parse_request
from tests.ec2_support import ec2, error_of

NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
AUTH = (
    "AWS4-HMAC-SHA256 Credential={key}/20261205/us-east-1/ec2/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


def post(server: Any, account: str, body: str) -> tuple[int, ElementTree.Element, str]:
    req = urllib.request.Request(
        server.endpoint + "/",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": AUTH.format(key=account),
            "X-Amz-Date": "20261205T000000Z",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    return status, ElementTree.fromstring(text), text


def test_flattened_lists_and_query_names_parse_from_the_model() -> None:
    req = parse_request(
        "AuthorizeSecurityGroupIngress",
        {
            "GroupId": "sg-1",
            "IpPermissions.1.IpProtocol": "icmp",
            "IpPermissions.1.FromPort": "-1",
            "IpPermissions.1.ToPort": "-1",
            "IpPermissions.1.IpRanges.2.CidrIp": "10.2.0.0/16",
            "IpPermissions.1.IpRanges.1.CidrIp": "10.1.0.0/16",
            "DryRun": "false",
            "TagSpecification.1.ResourceType": "security-group-rule",
            "TagSpecification.1.Tag.1.Key": "k",
        },
    )
    assert req == {
        "GroupId": "sg-1",
        "DryRun": False,
        "IpPermissions": [
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}, {"CidrIp": "10.2.0.0/16"}],
            }
        ],
        "TagSpecifications": [{"ResourceType": "security-group-rule", "Tags": [{"Key": "k"}]}],
    }
    filters = parse_request(
        "DescribeVpcs",
        {"Filter.1.Name": "cidr", "Filter.1.Value.1": "10.0.0.0/16", "VpcId.1": "vpc-1"},
    )
    assert filters == {
        "Filters": [{"Name": "cidr", "Values": ["10.0.0.0/16"]}],
        "VpcIds": ["vpc-1"],
    }
    assert parse_request("DescribeVpcs", {"Filter": ""}) == {"Filters": []}
    # DeleteTags names its members by lower-case locationNames: ResourceId.N and Tag.N.
    assert parse_request("DeleteTags", {"ResourceId.1": "vpc-1", "Tag.1.Key": "k"}) == {
        "Resources": ["vpc-1"],
        "Tags": [{"Key": "k"}],
    }


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        (
            {"CidrBlock": "10.0.0.0/16", "Bogus": "1"},
            "UnknownParameter",
            "The parameter Bogus is not recognized",
        ),
        (
            {"CidrBlock": "10.0.0.0/16", "AmazonProvidedIpv6CidrBlock": "yes"},
            "InvalidParameterValue",
            "Expected true or false",
        ),
        (
            {"CidrBlock": "10.0.0.0/16", "TagSpecification.x.ResourceType": "vpc"},
            "InvalidParameterValue",
            "must be a list",
        ),
        (
            {
                "CidrBlock": "10.0.0.0/16",
                "TagSpecification.1.ResourceType": "vpc",
                "TagSpecification.1.Tag.1.Key": "a\x01",
            },
            "InvalidParameterValue",
            "control character",
        ),
    ],
)
def test_parameters_outside_the_model_are_refused(
    params: dict[str, str], code: str, words: str
) -> None:
    with pytest.raises(Ec2Error) as info:
        parse_request("CreateVpc", params)
    assert info.value.aws_code == code and words in info.value.message


def test_answers_are_ec2_xml(server: Any, account: str) -> None:
    status, root, text = post(
        server, account, "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.9.0.0%2F16"
    )
    assert status == 200 and root.tag == f"{NS}CreateVpcResponse"
    assert re.fullmatch(r"[0-9a-f-]{36}", root.findtext(f"{NS}requestId") or "")
    vpc = root.find(f"{NS}vpc")
    assert vpc is not None and re.fullmatch(r"vpc-[0-9a-f]{17}", vpc.findtext(f"{NS}vpcId") or "")
    assert vpc.findtext(f"{NS}cidrBlockAssociationSet/{NS}item/{NS}cidrBlock") == "10.9.0.0/16"
    assert vpc.findtext(f"{NS}isDefault") == "false"
    status, root, _ = post(
        server, account, f"Action=DeleteVpc&Version=2016-11-15&VpcId={vpc.findtext(f'{NS}vpcId')}"
    )
    assert status == 200 and root.findtext(f"{NS}return") == "true"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ("Action=CreateVpc&Version=2016-11-15", "MissingParameter", "cidrBlock"),
        (
            "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0123456789abcdef0",
            "InvalidVpcID.NotFound",
            "The vpc ID 'vpc-0123456789abcdef0' does not exist",
        ),
        ("Action=NoSuchThing&Version=2016-11-15", "InvalidAction", "NoSuchThing is not valid"),
        (
            "Action=DescribeImages&Version=2016-11-15",
            "UnsupportedOperation",
            "DescribeImages is not supported by dxlab",
        ),
        (
            "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&DryRun=true",
            "DryRunOperation",
            "DryRun flag is set",
        ),
    ],
)
def test_errors_are_ec2_error_xml(
    server: Any, account: str, body: str, code: str, words: str
) -> None:
    status, root, _ = post(server, account, body)
    assert status == (412 if code == "DryRunOperation" else 400)
    assert root.tag == "Response" and root.findtext("Errors/Error/Code") == code
    assert words in (root.findtext("Errors/Error/Message") or "")
    assert re.fullmatch(r"[0-9a-f-]{36}", root.findtext("RequestID") or "")
    assert ec2(server, account).describe_vpcs()["Vpcs"] == []  # nothing was made


def test_boto3_reads_the_errors(server: Any, account: str) -> None:
    client = ec2(server, account)
    code, status, message = error_of(client.create_vpc, CidrBlock="10.0.0.0/8")
    assert (code, status) == ("InvalidVpc.Range", 400) and "10.0.0.0/8" in message
    code, status, _ = error_of(client.describe_images)
    assert (code, status) == ("UnsupportedOperation", 400)
    assert client.describe_vpcs()["Vpcs"] == []


def test_sts_still_answers_on_the_same_port(server: Any, account: str) -> None:
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="x",
    )
    assert sts.get_caller_identity()["Account"] == account


def test_dxlab_testing_points_boto3_ec2_at_the_server(dxlab: Any) -> None:
    import boto3

    made_here = boto3.client("ec2")  # no endpoint, no keys: the environment says
    vpc = made_here.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == dxlab.account
    assert made_here.meta.endpoint_url == dxlab.endpoint_url
