"""DescribeNetworkInterfaces: the primary interface of each instance that is not yet
terminated (dxlab makes no other). The Terraform AWS provider lists the interfaces still
using a security group or a subnet before it deletes one."""

from __future__ import annotations

from typing import Any

from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2.common import INSTANCE, mine
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import Record, UnitOfWork


def _interfaces(rec: Record) -> list[dict[str, Any]]:
    d = rec.doc
    out = []
    for eni in d.get("NetworkInterfaces", []):
        attachment = {k: v for k, v in eni.get("Attachment", {}).items() if k != "NetworkCardIndex"}
        out.append(
            {
                "NetworkInterfaceId": eni["NetworkInterfaceId"],
                "SubnetId": eni["SubnetId"],
                "VpcId": eni["VpcId"],
                "AvailabilityZone": d["Placement"]["AvailabilityZone"],
                "Description": "",
                "Groups": eni["Groups"],
                "InterfaceType": "interface",
                "OwnerId": rec.account,
                "RequesterManaged": False,
                "PrivateIpAddress": eni["PrivateIpAddress"],
                "PrivateDnsName": eni["PrivateDnsName"],
                "PrivateIpAddresses": eni["PrivateIpAddresses"],
                "SourceDestCheck": eni["SourceDestCheck"],
                "Status": "in-use",
                "TagSet": [],
                "Ipv6Addresses": eni.get("Ipv6Addresses", []),
                "Attachment": {**attachment, "InstanceId": rec.id, "InstanceOwnerId": rec.account},
            }
        )
    return out


_FIELDS = {
    "network-interface-id": lambda n: [n["NetworkInterfaceId"]],
    "subnet-id": lambda n: [n["SubnetId"]],
    "vpc-id": lambda n: [n["VpcId"]],
    "group-id": lambda n: [g["GroupId"] for g in n["Groups"]],
    "attachment.instance-id": lambda n: [n["Attachment"]["InstanceId"]],
    "private-ip-address": lambda n: [n["PrivateIpAddress"]],
    "status": lambda n: [n["Status"]],
    "description": lambda n: [n["Description"]],
    "availability-zone": lambda n: [n["AvailabilityZone"]],
}


@ec2_operation("DescribeNetworkInterfaces")
def describe_network_interfaces(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> dict[str, Any]:
    found = [
        n
        for r in mine(uow, ctx, INSTANCE)
        if r.doc["State"]["Name"] != "terminated"
        for n in _interfaces(r)
    ]
    wanted = req.get("NetworkInterfaceIds")
    for eni in wanted or []:
        if eni not in {n["NetworkInterfaceId"] for n in found}:
            raise Ec2Error(
                "InvalidNetworkInterfaceID.NotFound",
                f"The networkInterface ID '{eni}' does not exist",
            )
    if wanted:
        found = [n for n in found if n["NetworkInterfaceId"] in wanted]
    for f in req.get("Filters", []):
        getter = _FIELDS.get(f.get("Name", ""))
        if getter is None:
            raise invalid(f"The filter '{f.get('Name')}' is invalid")
        found = [n for n in found if any(str(v) in f.get("Values", []) for v in getter(n))]
    return {"NetworkInterfaces": found}
