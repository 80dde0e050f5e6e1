"""Security group rules, pure (VPC user guide, "Security group rules"): the protocol and
port rules of AuthorizeSecurityGroupIngress, a rule's identity (what makes two rules
duplicates), IpPermissions <-> one rule per source, and whether a group lets a packet in.

A rule is a dict in the model's SecurityGroupRule shape without its ids: IpProtocol,
FromPort, ToPort, IsEgress and exactly one of CidrIpv4, CidrIpv6, PrefixListId,
ReferencedGroupInfo."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid

# IpPermission.IpProtocol: names or IANA numbers; -1 is every protocol.
_NUMBERS = {"1": "icmp", "6": "tcp", "17": "udp", "58": "icmpv6", "all": "-1"}
_PORTED = ("tcp", "udp")
_ICMP = ("icmp", "icmpv6")
SOURCES = ("CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo")


def protocol(value: Any) -> str:
    text = str(value).lower()
    text = _NUMBERS.get(text, text)
    if text in ("-1", *_PORTED, *_ICMP):
        return text
    if text.isdigit() and 0 <= int(text) <= 255:
        return text
    raise invalid(f"Invalid value '{value}' for IP protocol. Unknown protocol.")


def ports(proto: str, from_port: Any, to_port: Any) -> tuple[int | None, int | None]:
    """The rule's port range (ICMP: type and code) as EC2 stores it; -1 for every
    protocol keeps none ("traffic on all ports, regardless of any port range")."""
    if proto == "-1" or (proto.isdigit() and proto not in _NUMBERS):
        return None, None
    if proto in _PORTED:
        if from_port is None or to_port is None:
            raise Ec2Error(
                "MissingParameter",
                f"The request must contain the parameters FromPort and ToPort for protocol {proto}",
            )
        if not (0 <= from_port <= 65535 and 0 <= to_port <= 65535) or from_port > to_port:
            raise Ec2Error(
                "InvalidParameterValue",
                f"Invalid port range {from_port}-{to_port}: ports are 0-65535 and FromPort <= ToPort",
            )
        return from_port, to_port
    # ICMP: FromPort is the type, ToPort the code; -1 is every one.
    f = -1 if from_port is None else from_port
    t = -1 if to_port is None else to_port
    if not (-1 <= f <= 255 and -1 <= t <= 255):
        raise invalid(f"Invalid ICMP type {f} or code {t}: each is -1 or 0-255")
    if f == -1 and t != -1:
        raise invalid("ICMP code must be -1 when the ICMP type is -1 (all types)")
    return f, t


def _cidr(value: Any, version: int) -> str:
    try:
        net = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        net = None
    if net is None or net.version != version:
        member = "CidrIp" if version == 4 else "CidrIpv6"
        raise Ec2Error("InvalidParameterValue", f"CIDR block {value} is malformed ({member})")
    return str(net)


def expand(permissions: Iterable[dict[str, Any]], egress: bool) -> list[dict[str, Any]]:
    """One rule per source of each IpPermission, in request order."""
    rules: list[dict[str, Any]] = []
    for p in permissions:
        if "IpProtocol" not in p:
            raise Ec2Error("MissingParameter", "The request must contain the parameter ipProtocol")
        proto = protocol(p["IpProtocol"])
        low, high = ports(proto, p.get("FromPort"), p.get("ToPort"))
        base: dict[str, Any] = {"IpProtocol": proto, "IsEgress": egress}
        if low is not None:
            base.update(FromPort=low, ToPort=high)
        else:
            base.update(FromPort=-1, ToPort=-1)
        sources: list[dict[str, Any]] = []
        sources += [
            {"CidrIpv4": _cidr(r.get("CidrIp"), 4), **_desc(r)} for r in p.get("IpRanges", [])
        ]
        sources += [
            {"CidrIpv6": _cidr(r.get("CidrIpv6"), 6), **_desc(r)} for r in p.get("Ipv6Ranges", [])
        ]
        sources += [
            {"PrefixListId": r["PrefixListId"], **_desc(r)}
            for r in p.get("PrefixListIds", [])
            if r.get("PrefixListId")
        ]
        sources += [
            {
                "ReferencedGroupInfo": {
                    "GroupId": g["GroupId"],
                    **({"UserId": g["UserId"]} if g.get("UserId") else {}),
                },
                **_desc(g),
            }
            for g in p.get("UserIdGroupPairs", [])
            if g.get("GroupId")
        ]
        if not sources:
            raise Ec2Error(
                "MissingParameter",
                "Each permission must name a source: an IP range, a prefix list or a group",
            )
        rules += [{**base, **s} for s in sources]
    if not rules:
        raise Ec2Error("MissingParameter", "The request must contain the parameter ipPermissions")
    return rules


def _desc(item: dict[str, Any]) -> dict[str, Any]:
    return {"Description": item["Description"]} if item.get("Description") else {}


def identity(rule: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two rules the same rule (a description does not)."""
    ref = rule.get("ReferencedGroupInfo", {}).get("GroupId")
    return (
        rule["IsEgress"],
        rule["IpProtocol"],
        rule.get("FromPort"),
        rule.get("ToPort"),
        rule.get("CidrIpv4"),
        rule.get("CidrIpv6"),
        rule.get("PrefixListId"),
        ref,
    )


def describe(rule: dict[str, Any]) -> str:
    """EC2's words for a duplicate: 'peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW'."""
    peer = (
        rule.get("CidrIpv4")
        or rule.get("CidrIpv6")
        or rule.get("PrefixListId")
        or rule.get("ReferencedGroupInfo", {}).get("GroupId")
    )
    proto = {"-1": "ALL"}.get(rule["IpProtocol"], rule["IpProtocol"].upper())
    return f"peer: {peer}, {proto}, from port: {rule.get('FromPort')}, to port: {rule.get('ToPort')}, ALLOW"


def permissions(rules: Iterable[dict[str, Any]], owner: str) -> list[dict[str, Any]]:
    """Rules grouped back into the model's IpPermission list (one per protocol and ports)."""
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rules:
        key = (r["IpProtocol"], r.get("FromPort"), r.get("ToPort"))
        p = grouped.get(key)
        if p is None:
            p = {
                "IpProtocol": r["IpProtocol"],
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            }
            if r["IpProtocol"] != "-1":
                p.update(FromPort=r["FromPort"], ToPort=r["ToPort"])
            grouped[key] = p
        d = _desc(r)
        if "CidrIpv4" in r:
            p["IpRanges"].append({"CidrIp": r["CidrIpv4"], **d})
        elif "CidrIpv6" in r:
            p["Ipv6Ranges"].append({"CidrIpv6": r["CidrIpv6"], **d})
        elif "PrefixListId" in r:
            p["PrefixListIds"].append({"PrefixListId": r["PrefixListId"], **d})
        else:
            ref = r["ReferencedGroupInfo"]
            p["UserIdGroupPairs"].append(
                {"GroupId": ref["GroupId"], "UserId": ref.get("UserId", owner), **d}
            )
    return list(grouped.values())


def ping_sources(rules: Iterable[dict[str, Any]]) -> list[str]:
    """The CIDRs ingress rules let an ICMP echo request in from (step 5 of
    maximum_resiliency.md: the group must permit inbound ICMP): ICMP of type -1 or 8
    (echo) for IPv4, ICMPv6 of type -1 or 128 for IPv6, with code -1 or 0 (an echo
    request's; ToPort is the ICMP code), or every protocol."""
    out: list[str] = []
    for r in rules:
        if r["IsEgress"]:
            continue
        cidr = r.get("CidrIpv4") or r.get("CidrIpv6")
        if not cidr:
            continue  # a group or prefix list: no on-premises address is in it
        echo = 8 if "CidrIpv4" in r else 128
        kind = "icmp" if "CidrIpv4" in r else "icmpv6"
        if r["IpProtocol"] == "-1" or (
            r["IpProtocol"] == kind
            and r.get("FromPort", -1) in (-1, echo)
            and r.get("ToPort", -1) in (-1, 0)
        ):
            out.append(cidr)
    return out
