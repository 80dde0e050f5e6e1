"""EC2's rules in the fast tier: every EC2 read leaves the store as it was, a refused
call changes nothing, and the instance lifecycle moves with the clock (realistic mode:
pending 15 s, shutting-down 30 s; terminated instances forgotten after an hour)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.domain.errors import DxlabError
from dxlab.service.operations import HANDLERS
from dxlab.web.aws.ec2_xml import ec2_code
from tests.unit.service import Service

READS = sorted(name for name, op in HANDLERS.ec2_operations.items() if not op.write)


def ec2(dx: Service, action: str, **args: Any) -> dict[str, Any]:
    """One EC2 operation with the input its parser makes (the model's member names)."""
    op = dx.bus.handlers.ec2_operations[action]
    return dict(dx.bus.handle(op.handler, dx.context(), args, write=op.write))


def busy(dx: Service) -> dict[str, str]:
    vpc = ec2(dx, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2(dx, "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2(dx, "CreateSecurityGroup", GroupName="ping", Description="d", VpcId=vpc)["GroupId"]
    ec2(
        dx,
        "AuthorizeSecurityGroupIngress",
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            }
        ],
    )
    iid = ec2(dx, "RunInstances", ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]["InstanceId"]
    vgw = ec2(dx, "CreateVpnGateway", Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2(dx, "AttachVpnGateway", VpcId=vpc, VpnGatewayId=vgw)
    tgw = ec2(dx, "CreateTransitGateway")["TransitGateway"]["TransitGatewayId"]
    ec2(
        dx, "CreateTransitGatewayVpcAttachment", TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
    )
    ec2(dx, "CreateTags", Resources=[vpc, vgw], Tags=[{"Key": "k", "Value": "v"}])
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "instance": iid, "vgw": vgw, "tgw": tgw}


def test_there_are_reads() -> None:
    assert {"DescribeVpcs", "DescribeInstances", "DescribeVpnGateways"} <= set(READS)


def test_every_ec2_read_changes_nothing(dx: Service) -> None:
    busy(dx)
    before = dx.tables()
    for action in READS:
        try:
            ec2(dx, action)
        except (Ec2Error, KeyError):
            pass  # a required member missing (the parser would say MissingParameter): refused
        assert dx.tables() == before, action


@pytest.mark.parametrize(
    ("action", "args"),
    [
        ("DeleteVpc", {"VpcId": "vpc"}),  # subnets, gateways, groups
        ("DeleteSubnet", {"SubnetId": "subnet"}),  # a running instance
        ("DeleteVpnGateway", {"VpnGatewayId": "vgw"}),  # attached
        ("DeleteTransitGateway", {"TransitGatewayId": "tgw"}),  # a VPC attachment
        ("DeleteSecurityGroup", {"GroupId": "sg"}),  # an instance in the group (made below)
        ("CreateSubnet", {"VpcId": "vpc", "CidrBlock": "10.0.1.128/25"}),
        ("AttachVpnGateway", {"VpcId": "vpc", "VpnGatewayId": "vgw"}),
        (
            "RunInstances",
            {
                "ImageId": "ami-1",
                "MinCount": 1,
                "MaxCount": 1,
                "SubnetId": "subnet",
                "PrivateIpAddress": "10.0.1.4",
            },
        ),
    ],
)
def test_a_refused_call_changes_nothing(dx: Service, action: str, args: dict[str, Any]) -> None:
    ids = busy(dx)
    if action == "DeleteSecurityGroup":  # make it used: an instance in the group
        ec2(
            dx,
            "RunInstances",
            ImageId="ami-1",
            MinCount=1,
            MaxCount=1,
            SubnetId=ids["subnet"],
            SecurityGroupIds=[ids["sg"]],
        )
    resolved = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in args.items()}
    before = dx.tables()
    with pytest.raises(Ec2Error):
        ec2(dx, action, **resolved)
    assert dx.tables() == before


ICMP_10_1 = {
    "IpProtocol": "icmp",
    "FromPort": -1,
    "ToPort": -1,
    "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
}


# issue 11's bad input, each with the code EC2 gives ("vpc2" is a second VPC, "vgw2" a
# second VGW, "rtb" the first VPC's main route table, all made below).
@pytest.mark.parametrize(
    ("action", "args", "code"),
    [
        ("CreateVpc", {"CidrBlock": "10.0.0.0/8"}, "InvalidVpc.Range"),  # /16 to /28
        ("CreateVpc", {"CidrBlock": "10.0.0.0/29"}, "InvalidVpc.Range"),
        ("CreateVpc", {"CidrBlock": "10.0.0.0/33"}, "InvalidParameterValue"),
        ("CreateVpc", {"CidrBlock": "2001:db8::/56"}, "InvalidParameterValue"),
        ("CreateSubnet", {"VpcId": "vpc", "CidrBlock": "10.0.1.128/25"}, "InvalidSubnet.Conflict"),
        ("CreateSubnet", {"VpcId": "vpc", "CidrBlock": "10.9.0.0/24"}, "InvalidSubnet.Range"),
        (
            "CreateSubnet",
            {"VpcId": "vpc-0000000000000000f", "CidrBlock": "10.0.9.0/24"},
            "InvalidVpcID.NotFound",
        ),
        (
            "AttachVpnGateway",
            {"VpcId": "vpc2", "VpnGatewayId": "vgw"},
            "VpnGatewayAttachmentLimitExceeded",
        ),
        (
            "DetachVpnGateway",
            {"VpcId": "vpc2", "VpnGatewayId": "vgw"},
            "InvalidVpnGatewayAttachment.NotFound",
        ),
        ("DeleteVpnGateway", {"VpnGatewayId": "vgw"}, "IncorrectState"),
        ("CreateVpnGateway", {"Type": "ipsec.1", "AmazonSideAsn": 65535}, "InvalidParameterValue"),
        ("CreateVpnGateway", {"Type": "ipsec.2"}, "InvalidParameterValue"),
        (
            "EnableVgwRoutePropagation",
            {"RouteTableId": "rtb", "GatewayId": "vgw2"},
            "Gateway.NotAttached",
        ),
        (
            "CreateRoute",
            {"RouteTableId": "rtb", "DestinationCidrBlock": "10.1.0.0/33", "GatewayId": "vgw"},
            "InvalidParameterValue",
        ),
        (
            "DeleteRoute",
            {"RouteTableId": "rtb", "DestinationCidrBlock": "10.77.0.0/16"},
            "InvalidRoute.NotFound",
        ),
        (
            "AuthorizeSecurityGroupIngress",
            {"GroupId": "sg", "IpPermissions": [ICMP_10_1]},
            "InvalidPermission.Duplicate",
        ),
        (
            "RevokeSecurityGroupIngress",
            {
                "GroupId": "sg",
                "IpPermissions": [{**ICMP_10_1, "IpRanges": [{"CidrIp": "10.9.0.0/16"}]}],
            },
            "InvalidPermission.NotFound",
        ),
        (
            "CreateSecurityGroup",
            {"GroupName": "ping", "Description": "d", "VpcId": "vpc"},
            "InvalidGroup.Duplicate",
        ),
        ("DeleteSecurityGroup", {"GroupId": "sg-0000000000000000f"}, "InvalidGroup.NotFound"),
        (
            "RunInstances",
            {
                "ImageId": "ami-1",
                "MinCount": 1,
                "MaxCount": 1,
                "SubnetId": "subnet",
                "PrivateIpAddress": "10.0.2.5",
            },
            "InvalidParameterValue",  # outside the subnet
        ),
        (
            "RunInstances",
            {
                "ImageId": "ami-1",
                "MinCount": 1,
                "MaxCount": 1,
                "SubnetId": "subnet",
                "PrivateIpAddress": "10.0.1.4",
            },
            "InvalidIPAddress.InUse",
        ),
        (
            "TerminateInstances",
            {"InstanceIds": ["i-0000000000000000f"]},
            "InvalidInstanceID.NotFound",
        ),
        (
            "CreateTags",
            {"Resources": ["vpc-0000000000000000f"], "Tags": [{"Key": "k", "Value": "v"}]},
            "InvalidVpcID.NotFound",
        ),
        ("DeleteTransitGateway", {"TransitGatewayId": "tgw"}, "IncorrectState"),
        (
            "CreateTransitGatewayVpcAttachment",
            {"TransitGatewayId": "tgw", "VpcId": "vpc", "SubnetIds": ["subnet"]},
            "DuplicateTransitGatewayAttachment",
        ),
        (
            "DeleteTransitGatewayVpcAttachment",
            {"TransitGatewayAttachmentId": "tgw-attach-0000000000000000f"},
            "InvalidTransitGatewayAttachmentID.NotFound",
        ),
    ],
)
def test_bad_input_answers_ec2s_code_and_changes_nothing(
    dx: Service, action: str, args: dict[str, Any], code: str
) -> None:
    ids = busy(dx)
    ids["vpc2"] = ec2(dx, "CreateVpc", CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    ids["vgw2"] = ec2(dx, "CreateVpnGateway", Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ids["rtb"] = ec2(
        dx, "DescribeRouteTables", Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}]
    )["RouteTables"][0]["RouteTableId"]
    resolved = {
        k: ids.get(v, v)
        if isinstance(v, str)
        else [ids.get(x, x) for x in v]
        if k == "SubnetIds"
        else v
        for k, v in args.items()
    }
    before = dx.tables()
    with pytest.raises(DxlabError) as info:
        ec2(dx, action, **resolved)
    # (the gateway rules Direct Connect shares name their errors by kind: the wire's one table)
    assert ec2_code(info.value) == code, info.value.message
    assert dx.tables() == before


def _state(dx: Service, iid: str) -> str:
    found = ec2(dx, "DescribeInstances")["Reservations"]
    return next(i["State"]["Name"] for r in found for i in r["Instances"] if i["InstanceId"] == iid)


def test_instance_lifecycle_on_the_clock(make_dx: Callable[..., Service]) -> None:
    dx = make_dx(provisioning="realistic")
    ids = busy(dx)
    iid = ids["instance"]
    assert _state(dx, iid) == "pending"
    dx.advance(14)
    assert _state(dx, iid) == "pending"
    dx.advance(1)
    assert _state(dx, iid) == "running"
    ec2(dx, "TerminateInstances", InstanceIds=[iid])
    dx.advance(29)
    assert _state(dx, iid) == "shutting-down"
    dx.advance(1)
    assert _state(dx, iid) == "terminated"
    dx.advance(3600)
    assert (
        ec2(dx, "DescribeInstances")["Reservations"] == []
    )  # forgotten, as EC2 does after about an hour


def test_every_marked_ec2_handler_is_served_and_in_the_model() -> None:
    """service/ec2/operations.py lists the EC2 families by hand: a module left out would
    silently answer UnsupportedOperation; a name not in the ec2 model could never be called."""
    import importlib
    import pkgutil

    import dxlab.service.ec2
    from dxlab.service.ec2 import registry
    from dxlab.web.aws.ec2_model import operations

    served = {id(op.handler) for op in HANDLERS.ec2_operations.values()}
    left_out = []
    for info in pkgutil.walk_packages(dxlab.service.ec2.__path__, "dxlab.service.ec2."):
        module = importlib.import_module(info.name)
        left_out += [
            f"{info.name}.{name}"
            for name, fn in vars(module).items()
            if registry.marked(fn) is not None and id(fn) not in served
        ]
    assert not left_out, f"marked but not in EC2_FAMILIES: {left_out}"
    assert set(HANDLERS.ec2_operations) <= set(operations())
    assert len(HANDLERS.ec2_operations) >= 48
