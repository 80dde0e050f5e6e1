"""Instances (EC2 user guide, "Instance lifecycle"): RunInstances with any image id, the
private IPv4 address from the subnet or the one asked for, pending -> running ->
shutting-down -> terminated on durable timers; step 5 of maximum_resiliency.md launches
one and gets its private IPv4 address."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.ec2_support import ec2, error_of, vpc_with_subnet


@pytest.fixture
def client(server: Any, account: str) -> Any:
    return ec2(server, account)


def _state(client: Any, instance_id: str) -> str:
    res = client.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return res[0]["Instances"][0]["State"]["Name"]  # type: ignore[no-any-return]


def test_launch_describe_and_terminate(client: Any) -> None:
    vpc, subnet = vpc_with_subnet(client)
    sg = client.create_security_group(GroupName="ping", Description="d", VpcId=vpc)["GroupId"]
    made = client.run_instances(
        ImageId="ami-0abcdef1234567890",
        InstanceType="t3.micro",
        MinCount=2,
        MaxCount=2,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "target"}]}
        ],
    )
    assert re.fullmatch(r"r-[0-9a-f]{17}", made["ReservationId"])
    first, second = made["Instances"]
    assert re.fullmatch(r"i-[0-9a-f]{17}", first["InstanceId"])
    assert first["State"] == {"Code": 0, "Name": "pending"}
    # The first four addresses of a subnet are AWS's.
    assert (first["PrivateIpAddress"], second["PrivateIpAddress"]) == ("10.0.1.4", "10.0.1.5")
    assert (
        first["SecurityGroups"] == [{"GroupId": sg, "GroupName": "ping"}] and first["VpcId"] == vpc
    )
    assert first["Tags"] == [{"Key": "Name", "Value": "target"}]
    assert _state(client, first["InstanceId"]) == "running"
    statuses = client.describe_instance_status(InstanceIds=[first["InstanceId"]])[
        "InstanceStatuses"
    ]
    assert (
        statuses[0]["InstanceState"]["Name"] == "running"
        and statuses[0]["InstanceStatus"]["Status"] == "ok"
    )
    assert (
        client.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"] == 249
    )
    found = client.describe_instances(
        Filters=[{"Name": "private-ip-address", "Values": ["10.0.1.5"]}]
    )["Reservations"]
    assert [i["InstanceId"] for r in found for i in r["Instances"]] == [second["InstanceId"]]
    gone = client.terminate_instances(InstanceIds=[first["InstanceId"]])["TerminatingInstances"][0]
    assert (gone["PreviousState"]["Name"], gone["CurrentState"]["Name"]) == (
        "running",
        "shutting-down",
    )
    assert _state(client, first["InstanceId"]) == "terminated"
    assert (
        client.describe_instance_status()["InstanceStatuses"][0]["InstanceId"]
        == second["InstanceId"]
    )
    # The terminated instance's address is free again.
    again = client.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]
    assert again["PrivateIpAddress"] == "10.0.1.4"
    default = client.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    assert again["SecurityGroups"][0]["GroupId"] == default["GroupId"]


def test_the_address_asked_for(client: Any) -> None:
    vpc, subnet = vpc_with_subnet(client)
    made = client.run_instances(
        ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet, PrivateIpAddress="10.0.1.50"
    )
    assert made["Instances"][0]["PrivateIpAddress"] == "10.0.1.50"
    assert ipaddress.ip_address("10.0.1.50") in ipaddress.ip_network("10.0.1.0/24")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"PrivateIpAddress": "10.0.9.9"}, "InvalidParameterValue"),  # outside the subnet
        ({"PrivateIpAddress": "10.0.1.2"}, "InvalidParameterValue"),  # AWS's reserved address
        ({"PrivateIpAddress": "10.0.1.50"}, "InvalidIPAddress.InUse"),
        ({"PrivateIpAddress": "10.0.1.60", "MaxCount": 2}, "InvalidParameterCombination"),
        ({"SubnetId": "subnet-0123456789abcdef0"}, "InvalidSubnetID.NotFound"),
        ({"SubnetId": None}, "VPCIdNotSpecified"),
        ({"ImageId": "img-1"}, "InvalidAMIID.Malformed"),
        ({"MaxCount": 21}, "InstanceLimitExceeded"),
        ({"MinCount": 3, "MaxCount": 2}, "InvalidParameterValue"),
        ({"SecurityGroupIds": ["other-vpc"]}, "InvalidParameter"),
    ],
)
def test_bad_launch_is_refused_and_nothing_runs(
    client: Any, kwargs: dict[str, Any], code: str
) -> None:
    vpc, subnet = vpc_with_subnet(client)
    taken = client.run_instances(
        ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet, PrivateIpAddress="10.0.1.50"
    )
    other_vpc = client.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    other_sg = client.create_security_group(GroupName="o", Description="d", VpcId=other_vpc)[
        "GroupId"
    ]
    args = {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet, **kwargs}
    args = {k: ([other_sg] if v == ["other-vpc"] else v) for k, v in args.items() if v is not None}
    got, status, _ = error_of(client.run_instances, **args)
    assert (got, status) == (code, 400)
    listed = [
        i["InstanceId"] for r in client.describe_instances()["Reservations"] for i in r["Instances"]
    ]
    assert listed == [taken["Instances"][0]["InstanceId"]]


def test_terminate_unknown_changes_nothing(client: Any) -> None:
    _, subnet = vpc_with_subnet(client)
    iid = client.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]["InstanceId"]
    code, status, message = error_of(
        client.terminate_instances, InstanceIds=[iid, "i-0123456789abcdef0"]
    )
    assert (code, status) == (
        "InvalidInstanceID.NotFound",
        400,
    ) and "i-0123456789abcdef0" in message
    assert _state(client, iid) == "running"
    assert error_of(client.delete_subnet, SubnetId=subnet)[0] == "DependencyViolation"


def test_lifecycle_on_the_clock_survives_a_kill(make_server: Any) -> None:
    server = make_server("--provisioning", "realistic", "--test-clock")
    client = ec2(server, "123456789012")
    _, subnet = vpc_with_subnet(client)
    iid = client.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]["InstanceId"]
    assert _state(client, iid) == "pending"
    server.kill9()
    server = make_server("--provisioning", "realistic", "--test-clock", db=server.db)
    client = ec2(server, "123456789012")
    ext(server.endpoint, "POST", "/clock/advance", {"seconds": 16})
    assert _state(client, iid) == "running"
    client.terminate_instances(InstanceIds=[iid])
    assert _state(client, iid) == "shutting-down"
    ext(server.endpoint, "POST", "/clock/advance", {"seconds": 31})
    assert _state(client, iid) == "terminated"


def test_a_retried_launch_with_its_client_token_launches_once(client: Any) -> None:
    _, subnet = vpc_with_subnet(client)
    first = client.run_instances(
        ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet, ClientToken="launch-1"
    )
    again = client.run_instances(
        ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet, ClientToken="launch-1"
    )
    assert again["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in again["Instances"]] == [
        i["InstanceId"] for i in first["Instances"]
    ]
    assert len(client.describe_instances()["Reservations"]) == 1


def test_what_launching_tools_read(client: Any) -> None:
    vpc, subnet = vpc_with_subnet(client)
    sg = client.create_security_group(GroupName="g", Description="d", VpcId=vpc)["GroupId"]
    iid = client.run_instances(
        ImageId="ami-1",
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        InstanceInitiatedShutdownBehavior="terminate",
    )["Instances"][0]["InstanceId"]
    (info,) = client.describe_instance_types(InstanceTypes=["t3.micro"])["InstanceTypes"]
    assert info["BurstablePerformanceSupported"] is True and info["VCpuInfo"]["DefaultVCpus"] == 2
    assert (
        error_of(client.describe_instance_types, InstanceTypes=["huge"])[0] == "InvalidInstanceType"
    )
    shutdown = client.describe_instance_attribute(
        InstanceId=iid, Attribute="instanceInitiatedShutdownBehavior"
    )
    assert shutdown["InstanceInitiatedShutdownBehavior"] == {"Value": "terminate"}
    assert client.describe_instance_attribute(InstanceId=iid, Attribute="groupSet")["Groups"] == [
        {"GroupId": sg, "GroupName": "g"}
    ]
    assert (
        error_of(
            client.describe_instance_attribute,
            InstanceId="i-0123456789abcdef0",
            Attribute="userData",
        )[0]
        == "InvalidInstanceID.NotFound"
    )
    (eni,) = client.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [sg]}])[
        "NetworkInterfaces"
    ]
    assert (
        eni["Attachment"]["InstanceId"] == iid
        and eni["Attachment"]["DeviceIndex"] == 0
        and eni["SubnetId"] == subnet
    )
    client.terminate_instances(InstanceIds=[iid])
    assert (
        client.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])[
            "NetworkInterfaces"
        ]
        == []
    )
