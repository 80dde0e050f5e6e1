"""Security groups (VPC user guide, "Security groups"): the VPC's default group, groups
of their own, ingress and egress rules (each with its sgr- id), and the refusals EC2
gives. Step 5 of maximum_resiliency.md needs a group that permits inbound ICMP."""

from __future__ import annotations

from typing import Any

from dxlab.domain import security_group_rules as rules_of
from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2.common import (
    INSTANCE,
    SECURITY_GROUP,
    filtered,
    find,
    mine,
    new_id,
    selected,
    tags_on_create,
    with_tags,
)
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import Record, UnitOfWork

ALL_TRAFFIC_OUT = {
    "IpProtocol": "-1",
    "FromPort": -1,
    "ToPort": -1,
    "IsEgress": True,
    "CidrIpv4": "0.0.0.0/0",
}


def _new(
    uow: UnitOfWork,
    ctx: Context,
    vpc: Record,
    name: str,
    description: str,
    tags: list[dict[str, str]],
) -> Record:
    group_id = new_id("sg")
    doc: dict[str, Any] = {
        "GroupId": group_id,
        "GroupName": name,
        "Description": description,
        "VpcId": vpc.id,
        "OwnerId": ctx.account,
        "SecurityGroupArn": f"arn:aws:ec2:{ctx.region}:{ctx.account}:security-group/{group_id}",
    }
    if tags:
        doc["Tags"] = tags
    rec = Record(
        SECURITY_GROUP,
        group_id,
        ctx.account,
        doc,
        {"region": ctx.region, "rules": []},
        parent=vpc.id,
        created=ctx.now(),
    )
    # Every new group lets all traffic out until a user revokes it.
    _add_rules(rec, ctx, [dict(ALL_TRAFFIC_OUT)])
    return rec


def create_default(uow: UnitOfWork, ctx: Context, vpc: Record) -> Record:
    """The default group: all traffic in from members of the group itself, all out."""
    rec = _new(uow, ctx, vpc, "default", "default VPC security group", [])
    self_ref = {
        "IpProtocol": "-1",
        "FromPort": -1,
        "ToPort": -1,
        "IsEgress": False,
        "ReferencedGroupInfo": {"GroupId": rec.id, "UserId": ctx.account},
    }
    _add_rules(rec, ctx, [self_ref])
    uow.put(rec)
    return rec


def delete_all_of(uow: UnitOfWork, ctx: Context, vpc_id: str) -> None:
    for r in mine(uow, ctx, SECURITY_GROUP):
        if r.doc["VpcId"] == vpc_id:
            uow.delete(SECURITY_GROUP, r.id)


def default_of(uow: UnitOfWork, ctx: Context, vpc_id: str) -> Record:
    return next(
        r
        for r in mine(uow, ctx, SECURITY_GROUP)
        if r.doc["VpcId"] == vpc_id and r.doc["GroupName"] == "default"
    )


def _add_rules(rec: Record, ctx: Context, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    added = []
    for r in rules:
        rule_id = new_id("sgr")
        full = {
            "SecurityGroupRuleId": rule_id,
            "GroupId": rec.id,
            "GroupOwnerId": rec.account,
            **r,
            "SecurityGroupRuleArn": f"arn:aws:ec2:{ctx.region}:{rec.account}:security-group-rule/{rule_id}",
        }
        rec.meta["rules"].append(full)
        added.append(full)
    return added


def view(rec: Record) -> dict[str, Any]:
    """DescribeSecurityGroups' SecurityGroup: the rules grouped as IpPermissions."""
    rules = rec.meta["rules"]
    return with_tags(
        {
            **rec.doc,
            "IpPermissions": rules_of.permissions(
                [r for r in rules if not r["IsEgress"]], rec.account
            ),
            "IpPermissionsEgress": rules_of.permissions(
                [r for r in rules if r["IsEgress"]], rec.account
            ),
        },
        rec,
    )


@ec2_operation("CreateSecurityGroup", write=True)
def create_security_group(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    name, description = req["GroupName"], req["Description"]
    if "VpcId" not in req:
        raise Ec2Error(
            "VPCIdNotSpecified",
            "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
        )
    vpc = find(uow, ctx, "vpc", req["VpcId"])
    if not name or len(name) > 255 or not description or len(description) > 255:
        raise invalid("GroupName and GroupDescription must be 1 to 255 characters")
    if name.startswith("sg-"):
        raise invalid("Group names may not be in the format sg-*")
    if name == "default":
        raise Ec2Error("InvalidGroup.Reserved", "The security group 'default' is reserved")
    if any(
        r.doc["VpcId"] == vpc.id and r.doc["GroupName"] == name
        for r in mine(uow, ctx, SECURITY_GROUP)
    ):
        raise Ec2Error(
            "InvalidGroup.Duplicate",
            f"The security group '{name}' already exists for VPC '{vpc.id}'",
        )
    rec = _new(uow, ctx, vpc, name, description, tags_on_create(req, "security-group"))
    uow.put(rec)
    out: dict[str, Any] = {"GroupId": rec.id, "SecurityGroupArn": rec.doc["SecurityGroupArn"]}
    if rec.doc.get("Tags"):
        out["Tags"] = rec.doc["Tags"]
    return out


def _group(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> Record:
    if req.get("GroupId"):
        return find(uow, ctx, "sg", req["GroupId"])
    name = req.get("GroupName")
    if not name:
        raise Ec2Error("MissingParameter", "The request must contain the parameter groupId")
    # GroupName alone names a group of the default VPC, which dxlab does not make.
    raise Ec2Error(
        "InvalidGroup.NotFound", f"The security group '{name}' does not exist in default VPC"
    )


def _requested_rules(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any], egress: bool
) -> list[dict[str, Any]]:
    permissions = list(req.get("IpPermissions", []))
    if req.get("IpProtocol") or req.get("CidrIp"):  # the flat form of older clients
        flat = {
            "IpProtocol": req.get("IpProtocol", "-1"),
            "FromPort": req.get("FromPort"),
            "ToPort": req.get("ToPort"),
            "IpRanges": [{"CidrIp": req["CidrIp"]}] if req.get("CidrIp") else [],
        }
        permissions.append(flat)
    rules = rules_of.expand(permissions, egress)
    for r in rules:
        ref = r.get("ReferencedGroupInfo")
        if ref:
            find(uow, ctx, "sg", ref["GroupId"])
            ref.setdefault("UserId", ctx.account)
    return rules


def _authorize(uow: UnitOfWork, ctx: Context, req: dict[str, Any], egress: bool) -> dict[str, Any]:
    rec = _group(uow, ctx, req)
    wanted = _requested_rules(uow, ctx, req, egress)
    have = {rules_of.identity(r) for r in rec.meta["rules"]}
    for r in wanted:
        if rules_of.identity(r) in have:
            raise Ec2Error(
                "InvalidPermission.Duplicate",
                f'the specified rule "{rules_of.describe(r)}" already exists',
            )
        have.add(rules_of.identity(r))
    tags = tags_on_create(req, "security-group-rule")
    added = _add_rules(rec, ctx, [{**r, **({"Tags": tags} if tags else {})} for r in wanted])
    uow.put(rec)
    return {"Return": True, "SecurityGroupRules": added}


@ec2_operation("AuthorizeSecurityGroupIngress", write=True)
def authorize_ingress(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _authorize(uow, ctx, req, egress=False)


@ec2_operation("AuthorizeSecurityGroupEgress", write=True)
def authorize_egress(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _authorize(uow, ctx, req, egress=True)


def _revoke(uow: UnitOfWork, ctx: Context, req: dict[str, Any], egress: bool) -> dict[str, Any]:
    rec = _group(uow, ctx, req)
    current = [r for r in rec.meta["rules"] if r["IsEgress"] == egress]
    if req.get("SecurityGroupRuleIds"):
        known = {r["SecurityGroupRuleId"] for r in current}
        for rule_id in req["SecurityGroupRuleIds"]:
            if rule_id not in known:
                raise Ec2Error(
                    "InvalidSecurityGroupRuleId.NotFound",
                    f"The security group rule ID '{rule_id}' does not exist",
                )
        gone = set(req["SecurityGroupRuleIds"])
    else:
        by_identity = {rules_of.identity(r): r["SecurityGroupRuleId"] for r in current}
        gone = set()
        for r in _requested_rules(uow, ctx, req, egress):
            if rules_of.identity(r) not in by_identity:
                raise Ec2Error(
                    "InvalidPermission.NotFound",
                    "The specified rule does not exist in this security group.",
                )
            gone.add(by_identity[rules_of.identity(r)])
    rec.meta["rules"] = [r for r in rec.meta["rules"] if r["SecurityGroupRuleId"] not in gone]
    uow.put(rec)
    return {"Return": True}


@ec2_operation("RevokeSecurityGroupIngress", write=True)
def revoke_ingress(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _revoke(uow, ctx, req, egress=False)


@ec2_operation("RevokeSecurityGroupEgress", write=True)
def revoke_egress(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return _revoke(uow, ctx, req, egress=True)


def _rule_values(r: Record, egress: bool, key: str) -> list[Any]:
    return [x.get(key) for x in r.meta["rules"] if x["IsEgress"] == egress]


_FIELDS = {
    "group-id": lambda r: [r.id],
    "group-name": lambda r: [r.doc["GroupName"]],
    "description": lambda r: [r.doc["Description"]],
    "vpc-id": lambda r: [r.doc["VpcId"]],
    "owner-id": lambda r: [r.account],
    "ip-permission.cidr": lambda r: _rule_values(r, False, "CidrIpv4"),
    "ip-permission.ipv6-cidr": lambda r: _rule_values(r, False, "CidrIpv6"),
    "ip-permission.protocol": lambda r: _rule_values(r, False, "IpProtocol"),
    "ip-permission.from-port": lambda r: _rule_values(r, False, "FromPort"),
    "ip-permission.to-port": lambda r: _rule_values(r, False, "ToPort"),
    "egress.ip-permission.cidr": lambda r: _rule_values(r, True, "CidrIpv4"),
    "egress.ip-permission.protocol": lambda r: _rule_values(r, True, "IpProtocol"),
}


@ec2_operation("DescribeSecurityGroups")
def describe_security_groups(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = selected(uow, ctx, "sg", req.get("GroupIds"))
    for name in req.get("GroupNames", []):
        if not any(r.doc["GroupName"] == name for r in recs):
            raise Ec2Error(
                "InvalidGroup.NotFound",
                f"The security group '{name}' does not exist in default VPC",
            )
    if req.get("GroupNames"):
        recs = [r for r in recs if r.doc["GroupName"] in req["GroupNames"]]
    recs = filtered(recs, req.get("Filters"), _FIELDS)
    return {"SecurityGroups": [view(r) for r in recs]}


@ec2_operation("DescribeSecurityGroupRules")
def describe_security_group_rules(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> dict[str, Any]:
    rules = [x for r in mine(uow, ctx, SECURITY_GROUP) for x in r.meta["rules"]]
    wanted = req.get("SecurityGroupRuleIds")
    if wanted:
        known = {x["SecurityGroupRuleId"] for x in rules}
        for rule_id in wanted:
            if rule_id not in known:
                raise Ec2Error(
                    "InvalidSecurityGroupRuleId.NotFound",
                    f"The security group rule ID '{rule_id}' does not exist",
                )
        rules = [x for x in rules if x["SecurityGroupRuleId"] in wanted]
    for f in req.get("Filters", []):
        name, values = f.get("Name"), f.get("Values", [])
        if name == "group-id":
            rules = [x for x in rules if x["GroupId"] in values]
        elif name == "security-group-rule-id":
            rules = [x for x in rules if x["SecurityGroupRuleId"] in values]
        elif isinstance(name, str) and name.startswith("tag:"):
            rules = [
                x
                for x in rules
                if any(t["Key"] == name[4:] and t["Value"] in values for t in x.get("Tags", []))
            ]
        else:
            raise invalid(f"The filter '{name}' is invalid")
    return {"SecurityGroupRules": rules}


@ec2_operation("DeleteSecurityGroup", write=True)
def delete_security_group(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rec = _group(uow, ctx, req)
    if rec.doc["GroupName"] == "default":
        raise Ec2Error(
            "CannotDelete",
            f'the specified group: "{rec.id}" name: "default" cannot be deleted by a user',
        )
    users = [
        i.id
        for i in mine(uow, ctx, INSTANCE)
        if i.doc["State"]["Name"] != "terminated"
        and rec.id in [g["GroupId"] for g in i.doc.get("SecurityGroups", [])]
    ]
    referrers = [
        g.id
        for g in mine(uow, ctx, SECURITY_GROUP)
        if g.id != rec.id
        and any(x.get("ReferencedGroupInfo", {}).get("GroupId") == rec.id for x in g.meta["rules"])
    ]
    if users or referrers:
        raise Ec2Error(
            "DependencyViolation",
            f"resource {rec.id} has a dependent object ({', '.join(users + referrers)})",
        )
    uow.delete(SECURITY_GROUP, rec.id)
    return {"Return": True, "GroupId": rec.id}


def ingress_rules(rec: Record) -> list[dict[str, Any]]:
    return [r for r in rec.meta["rules"] if not r["IsEgress"]]
