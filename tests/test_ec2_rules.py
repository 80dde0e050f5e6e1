"""Security group rules as pure data (domain/security_group_rules.py): the protocol and
port rules of AuthorizeSecurityGroupIngress, one rule per source and back to the model's
IpPermissions, and from where a group lets an ICMP echo request in."""

from __future__ import annotations

import pytest

from dxlab.domain import security_group_rules as rules
from dxlab.domain.ec2_errors import Ec2Error


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("tcp", "tcp"),
        ("6", "tcp"),
        ("17", "udp"),
        ("1", "icmp"),
        ("58", "icmpv6"),
        ("-1", "-1"),
        ("all", "-1"),
        ("47", "47"),
    ],
)
def test_protocols_by_name_or_number(given: str, name: str) -> None:
    assert rules.protocol(given) == name


@pytest.mark.parametrize(
    ("proto", "low", "high", "code"),
    [
        ("tcp", None, 22, "MissingParameter"),
        ("tcp", 23, 22, "InvalidParameterValue"),
        ("udp", 0, 65536, "InvalidParameterValue"),
        ("icmp", -1, 0, "InvalidParameterValue"),  # every type needs every code
        ("icmp", 256, -1, "InvalidParameterValue"),
    ],
)
def test_bad_ports(proto: str, low: int | None, high: int | None, code: str) -> None:
    with pytest.raises(Ec2Error) as info:
        rules.ports(proto, low, high)
    assert info.value.aws_code == code


def test_every_protocol_ignores_ports_and_icmp_defaults_to_all() -> None:
    assert rules.ports("-1", 1, 2) == (None, None)
    assert rules.ports("icmp", None, None) == (-1, -1)


def test_one_rule_per_source_and_back() -> None:
    permission = {
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.1.0.5/16", "Description": "dc1"}, {"CidrIp": "10.2.0.0/16"}],
        "UserIdGroupPairs": [{"GroupId": "sg-1"}],
    }
    expanded = rules.expand([permission], egress=False)
    assert [r.get("CidrIpv4") or r["ReferencedGroupInfo"]["GroupId"] for r in expanded] == [
        "10.1.0.0/16",
        "10.2.0.0/16",
        "sg-1",
    ]
    assert rules.identity(expanded[0]) != rules.identity(expanded[1])
    assert rules.permissions(expanded, "123456789012") == [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [
                {"CidrIp": "10.1.0.0/16", "Description": "dc1"},
                {"CidrIp": "10.2.0.0/16"},
            ],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "123456789012"}],
        }
    ]
    with pytest.raises(Ec2Error):
        rules.expand(
            [{"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1}], egress=False
        )  # no source


def test_ping_sources() -> None:
    given = [
        {
            "IpProtocol": "icmp",
            "FromPort": -1,
            "ToPort": -1,
            "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
        },
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": 0, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]},
        {
            "IpProtocol": "icmp",
            "FromPort": 0,
            "ToPort": 0,
            "IpRanges": [{"CidrIp": "10.3.0.0/16"}],
        },  # echo reply only
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": "10.4.0.0/16"}],
        },
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.5.0.0/16"}]},
        {
            "IpProtocol": "icmp",
            "FromPort": 8,
            "ToPort": 5,
            "IpRanges": [{"CidrIp": "10.6.0.0/16"}],
        },  # echo with code 5: not what ping sends (code 0)
        {
            "IpProtocol": "icmpv6",
            "FromPort": 128,
            "ToPort": -1,
            "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
        },
    ]
    ingress = rules.expand(given, egress=False)
    egress = rules.expand([given[0]], egress=True)
    assert rules.ping_sources(ingress + egress) == [
        "10.1.0.0/16",
        "10.2.0.0/16",
        "10.5.0.0/16",
        "2001:db8::/32",
    ]
