"""Security groups (VPC user guide, "Security group rules"); step 5 of
maximum_resiliency.md: "ensure that the security group ... includes a rule permitting
inbound ICMP"."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.ec2_support import ec2, error_of

ICMP_FROM_ONPREM = {
    "IpProtocol": "icmp",
    "FromPort": -1,
    "ToPort": -1,
    "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
}


@pytest.fixture
def client(server: Any, account: str) -> Any:
    return ec2(server, account)


@pytest.fixture
def vpc(client: Any) -> str:
    return client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]  # type: ignore[no-any-return]


def _group(client: Any, group_id: str) -> dict[str, Any]:
    return client.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]  # type: ignore[no-any-return]


def test_inbound_icmp_rule(client: Any, vpc: str) -> None:
    made = client.create_security_group(
        GroupName="pingable",
        Description="ping from on-premises",
        VpcId=vpc,
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": "k", "Value": "v"}]}
        ],
    )
    sg = made["GroupId"]
    assert re.fullmatch(r"sg-[0-9a-f]{17}", sg) and made["Tags"] == [{"Key": "k", "Value": "v"}]
    group = _group(client, sg)
    assert group["IpPermissions"] == []
    assert group["IpPermissionsEgress"][0]["IpRanges"] == [
        {"CidrIp": "0.0.0.0/0"}
    ]  # all out by default
    added = client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[ICMP_FROM_ONPREM])[
        "SecurityGroupRules"
    ]
    assert re.fullmatch(r"sgr-[0-9a-f]{17}", added[0]["SecurityGroupRuleId"])
    assert (added[0]["IpProtocol"], added[0]["CidrIpv4"], added[0]["IsEgress"]) == (
        "icmp",
        "10.1.0.0/16",
        False,
    )
    perms = _group(client, sg)["IpPermissions"]
    assert perms == [
        {
            "IpProtocol": "icmp",
            "FromPort": -1,
            "ToPort": -1,
            "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    rules = client.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])[
        "SecurityGroupRules"
    ]
    assert {r["SecurityGroupRuleId"] for r in rules} >= {added[0]["SecurityGroupRuleId"]} and len(
        rules
    ) == 2
    found = client.describe_security_groups(
        Filters=[{"Name": "ip-permission.protocol", "Values": ["icmp"]}]
    )["SecurityGroups"]
    assert [g["GroupId"] for g in found] == [sg]
    client.revoke_security_group_ingress(GroupId=sg, IpPermissions=[ICMP_FROM_ONPREM])
    assert _group(client, sg)["IpPermissions"] == []


def test_flat_parameters_and_rule_ids(client: Any, vpc: str) -> None:
    sg = client.create_security_group(GroupName="ssh", Description="d", VpcId=vpc)["GroupId"]
    rule = client.authorize_security_group_ingress(
        GroupId=sg, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="192.0.2.0/24"
    )["SecurityGroupRules"][0]
    assert (rule["FromPort"], rule["ToPort"]) == (22, 22)
    egress = client.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])[
        "SecurityGroupRules"
    ]
    out_rule = next(r for r in egress if r["IsEgress"])
    client.revoke_security_group_egress(
        GroupId=sg, SecurityGroupRuleIds=[out_rule["SecurityGroupRuleId"]]
    )
    client.revoke_security_group_ingress(
        GroupId=sg, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]]
    )
    group = _group(client, sg)
    assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == []
    client.authorize_security_group_egress(
        GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )
    assert _group(client, sg)["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8"}]


@pytest.mark.parametrize(
    ("permission", "code"),
    [
        (ICMP_FROM_ONPREM, "InvalidPermission.Duplicate"),
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            },
            "InvalidParameterValue",
        ),
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 0,
                "ToPort": 70000,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            },
            "InvalidParameterValue",
        ),
        ({"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}, "MissingParameter"),
        (
            {
                "IpProtocol": "bogus",
                "FromPort": 1,
                "ToPort": 1,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            },
            "InvalidParameterValue",
        ),
        (
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.1.0.0/33"}],
            },
            "InvalidParameterValue",
        ),
        (
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}],
            },
            "InvalidGroup.NotFound",
        ),
    ],
)
def test_bad_rule_is_refused_and_group_unchanged(
    client: Any, vpc: str, permission: dict[str, Any], code: str
) -> None:
    sg = client.create_security_group(GroupName="g", Description="d", VpcId=vpc)["GroupId"]
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[ICMP_FROM_ONPREM])
    before = _group(client, sg)
    # The good rule first in the same call: one bad rule fails the whole call.
    good = {
        "IpProtocol": "udp",
        "FromPort": 53,
        "ToPort": 53,
        "IpRanges": [{"CidrIp": "10.2.0.0/16"}],
    }
    got, status, _ = error_of(
        client.authorize_security_group_ingress, GroupId=sg, IpPermissions=[good, permission]
    )
    assert (got, status) == (code, 400)
    assert _group(client, sg) == before


def test_group_names_and_deletion(client: Any, vpc: str) -> None:
    sg = client.create_security_group(GroupName="web", Description="d", VpcId=vpc)["GroupId"]
    code, status, message = error_of(
        client.create_security_group, GroupName="web", Description="again", VpcId=vpc
    )
    assert (code, status) == ("InvalidGroup.Duplicate", 400) and vpc in message
    assert (
        error_of(client.create_security_group, GroupName="default", Description="d", VpcId=vpc)[0]
        == "InvalidGroup.Reserved"
    )
    assert (
        error_of(client.create_security_group, GroupName="x", Description="d")[0]
        == "VPCIdNotSpecified"
    )
    assert (
        len(
            client.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
                "SecurityGroups"
            ]
        )
        == 2
    )
    default = next(
        g["GroupId"]
        for g in client.describe_security_groups()["SecurityGroups"]
        if g["GroupName"] == "default"
    )
    assert error_of(client.delete_security_group, GroupId=default)[0] == "CannotDelete"
    other = client.create_security_group(GroupName="app", Description="d", VpcId=vpc)["GroupId"]
    client.authorize_security_group_ingress(
        GroupId=other,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "UserIdGroupPairs": [{"GroupId": sg}],
            }
        ],
    )
    code, _, _ = error_of(client.delete_security_group, GroupId=sg)  # referenced by app's rule
    assert code == "DependencyViolation"
    assert error_of(client.delete_vpc, VpcId=vpc)[0] == "DependencyViolation"
    client.delete_security_group(GroupId=other)
    assert client.delete_security_group(GroupId=sg)["GroupId"] == sg
    assert error_of(client.describe_security_groups, GroupIds=[sg])[0] == "InvalidGroup.NotFound"
    code, _, _ = error_of(
        client.revoke_security_group_ingress, GroupId=default, IpPermissions=[ICMP_FROM_ONPREM]
    )
    assert code == "InvalidPermission.NotFound"
    client.delete_vpc(VpcId=vpc)
