"""Instances (EC2 user guide, "Instance lifecycle"): RunInstances with any image id into
a subnet, the private IPv4 address from the subnet or the one asked for, and IPv6
addresses from the subnet's /64 (Ipv6AddressCount or Ipv6Addresses, "IPv6 addresses" of
the EC2 user guide); pending -> running -> shutting-down -> terminated on durable timers.
A running instance is what step 5 of maximum_resiliency.md pings from the data center."""

from __future__ import annotations

import ipaddress
from typing import Any

from dxlab.domain import ec2_states
from dxlab.domain.ec2_errors import Ec2Error, invalid
from dxlab.service.context import Context
from dxlab.service.ec2 import instance_types, security_groups, subnets
from dxlab.service.ec2.common import INSTANCE, filtered, find, merge_tags, mine, new_id, one
from dxlab.service.ec2.registry import ec2_operation
from dxlab.service.timers import timer_action
from dxlab.store.repository import Record, UnitOfWork

MAX_INSTANCES = 20  # DescribeAccountAttributes' max-instances


def _tags(req: dict[str, Any]) -> list[dict[str, str]]:
    tags: list[dict[str, Any]] = []
    for spec in req.get("TagSpecifications", []):
        kind = spec.get("ResourceType")
        if kind not in ("instance", "volume", "network-interface"):
            raise invalid(f"'{kind}' is not a valid taggable resource type for this operation.")
        if kind == "instance":
            tags.extend(spec.get("Tags", []))
    return merge_tags([], tags)


def _groups(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any], subnet: Record
) -> list[dict[str, str]]:
    ids = req.get("SecurityGroupIds") or []
    if req.get("SecurityGroups"):
        raise invalid("Give security groups of a VPC by id (SecurityGroupIds), not by name")
    recs = [find(uow, ctx, "sg", g) for g in ids] or [
        security_groups.default_of(uow, ctx, subnet.doc["VpcId"])
    ]
    for g in recs:
        if g.doc["VpcId"] != subnet.doc["VpcId"]:
            raise Ec2Error(
                "InvalidParameter",
                f"Security group {g.id} and subnet {subnet.id} belong to different networks.",
            )
    return [{"GroupId": g.id, "GroupName": g.doc["GroupName"]} for g in recs]


def _addresses(
    uow: UnitOfWork, subnet: Record, count: int, asked: str | None, minimum: int
) -> list[str]:
    taken = uow.claimed(subnets.ip_scope(subnet.id))
    hosts = subnets.usable_hosts(subnet.doc["CidrBlock"])
    if asked is not None:
        try:
            addr = ipaddress.ip_address(asked)
        except ValueError:
            raise invalid(f"Value ({asked}) for parameter privateIpAddress is invalid.") from None
        if addr not in ipaddress.ip_network(subnet.doc["CidrBlock"]):
            raise invalid(f"Address {asked} does not fall within the subnet's address range")
        if str(addr) not in hosts:
            raise invalid(f"Address {asked} is reserved by AWS in subnet {subnet.id}")
        if str(addr) in taken:
            raise Ec2Error("InvalidIPAddress.InUse", f"Address {asked} is in use.")
        return [str(addr)]
    free = [h for h in hosts if h not in taken][:count]
    if len(free) < minimum:
        raise Ec2Error(
            "InsufficientFreeAddressesInSubnet",
            f"There are not enough free addresses in subnet '{subnet.id}' to satisfy the requested number of instances.",
        )
    return free


def _ipv6_asked(req: dict[str, Any]) -> tuple[int, list[str]]:
    """(Ipv6AddressCount, Ipv6Addresses) of the request, or of its primary network
    interface (DeviceIndex 0), which RunInstances takes in either place."""
    eni: dict[str, Any] = next(
        (n for n in req.get("NetworkInterfaces", []) if n.get("DeviceIndex", 0) == 0), {}
    )
    count = req.get("Ipv6AddressCount", eni.get("Ipv6AddressCount"))
    listed = req.get("Ipv6Addresses", eni.get("Ipv6Addresses"))
    if count is not None and listed:
        raise Ec2Error(
            "InvalidParameterCombination",
            "IPv6 addresses and IPv6 address count may not be specified on the same request",
        )
    addresses = [str(a.get("Ipv6Address", "")) for a in listed or []]
    return (len(addresses) if listed else int(count or 0)), addresses


def _ipv6_addresses(
    uow: UnitOfWork, subnet: Record, req: dict[str, Any], instances: int
) -> list[list[str]]:
    """Each launched instance's IPv6 addresses from the subnet's /64: the ones asked for,
    or the next free ones; AWS keeps the first four and the last address of an IPv6 subnet
    as of an IPv4 one (VPC user guide, "Subnet CIDR blocks")."""
    count, asked = _ipv6_asked(req)
    if count == 0:
        return [[] for _ in range(instances)]
    if not 0 < count <= instance_types.IPV6_ADDRESSES_PER_INTERFACE:
        raise invalid(
            f"Value ({count}) for parameter ipv6AddressCount is invalid. An interface takes 1 to "
            f"{instance_types.IPV6_ADDRESSES_PER_INTERFACE} IPv6 addresses."
        )
    block = subnets.ipv6_block(subnet)
    if block is None:
        raise invalid(
            f"The subnet '{subnet.id}' has no IPv6 CIDR block: associate one "
            "(AssociateSubnetCidrBlock) before asking for IPv6 addresses"
        )
    net = ipaddress.IPv6Network(block)
    first, last = int(net.network_address) + 4, int(net.broadcast_address) - 1
    taken = uow.claimed(subnets.ip6_scope(subnet.id))
    if asked:
        if instances > 1:
            raise Ec2Error(
                "InvalidParameterCombination",
                "IPv6 addresses can be given only when launching one instance",
            )
        out = []
        for text in asked:
            try:
                addr = ipaddress.IPv6Address(text)
            except ValueError:
                raise invalid(f"Value ({text}) for parameter ipv6Address is invalid.") from None
            if addr not in net:
                raise invalid(
                    f"Address {text} does not fall within the subnet's IPv6 address range {block}"
                )
            if not first <= int(addr) <= last:
                raise invalid(f"Address {text} is reserved by AWS in subnet {subnet.id}")
            if str(addr) in taken or str(addr) in out:
                raise Ec2Error("InvalidIPAddress.InUse", f"Address {text} is in use.")
            out.append(str(addr))
        return [out]
    out6: list[list[str]] = []
    n = first
    for _ in range(instances):
        mine6: list[str] = []
        while len(mine6) < count and n <= last:
            if str(ipaddress.IPv6Address(n)) not in taken:
                mine6.append(str(ipaddress.IPv6Address(n)))
            n += 1
        out6.append(mine6)
    return out6


def _dns_name(ctx: Context, ip: str) -> str:
    host = "ip-" + ip.replace(".", "-")
    return (
        f"{host}.ec2.internal"
        if ctx.region == "us-east-1"
        else f"{host}.{ctx.region}.compute.internal"
    )


@ec2_operation("RunInstances", write=True)
def run_instances(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    image = req.get("ImageId")
    if not image:
        raise Ec2Error("MissingParameter", "The request must contain the parameter ImageId")
    if not image.startswith("ami-"):
        raise Ec2Error("InvalidAMIID.Malformed", f'Invalid id: "{image}" (expecting "ami-...")')
    token = req.get("ClientToken")
    if token:
        # botocore fills ClientToken in itself: a retried launch returns the first one's
        # reservation instead of launching twice ("Ensuring idempotency").
        same = [i for i in mine(uow, ctx, INSTANCE) if i.doc.get("ClientToken") == token]
        if same:
            return {
                "ReservationId": same[0].meta["reservation"],
                "OwnerId": ctx.account,
                "Groups": [],
                "Instances": [i.doc for i in same],
            }
    low, high = req["MinCount"], req["MaxCount"]
    if low < 1 or high < low:
        raise invalid(
            f"Value ({low}) for parameter minCount is invalid. Expected a number from 1 to maxCount ({high})."
        )
    if high > MAX_INSTANCES:
        raise Ec2Error(
            "InstanceLimitExceeded",
            f"You have requested more instances ({high}) than your current instance limit of {MAX_INSTANCES} allows.",
        )
    subnet_id = req.get("SubnetId") or next(
        (n.get("SubnetId") for n in req.get("NetworkInterfaces", []) if n.get("SubnetId")), None
    )
    if not subnet_id:
        raise Ec2Error("VPCIdNotSpecified", "No default VPC for this user. Give a SubnetId.")
    subnet = find(uow, ctx, "subnet", subnet_id)
    asked = req.get("PrivateIpAddress")
    if asked is not None and high > 1:
        raise Ec2Error(
            "InvalidParameterCombination",
            "A private IP address can be given only when launching one instance",
        )
    groups = _groups(uow, ctx, req, subnet)
    tags = _tags(req)
    running = [i for i in mine(uow, ctx, INSTANCE) if i.doc["State"]["Name"] != "terminated"]
    if len(running) + low > MAX_INSTANCES:
        raise Ec2Error(
            "InstanceLimitExceeded",
            f"Your quota allows for {MAX_INSTANCES - len(running)} more running instance(s).",
        )
    addresses = _addresses(uow, subnet, min(high, MAX_INSTANCES - len(running)), asked, low)
    addresses6 = _ipv6_addresses(uow, subnet, req, len(addresses))
    reservation = new_id("r")
    made = []
    for index, ip in enumerate(addresses):
        instance_id = new_id("i")
        uow.claim(subnets.ip_scope(subnet.id), ip, instance_id)
        for ip6 in addresses6[index]:
            uow.claim(subnets.ip6_scope(subnet.id), ip6, instance_id)
        doc: dict[str, Any] = {
            "InstanceId": instance_id,
            "ImageId": image,
            "InstanceType": req.get("InstanceType", "m1.small"),
            "State": ec2_states.instance_state("pending"),
            "StateTransitionReason": "",
            "PrivateIpAddress": ip,
            "PrivateDnsName": _dns_name(ctx, ip),
            "PublicDnsName": "",
            "SubnetId": subnet.id,
            "VpcId": subnet.doc["VpcId"],
            "Placement": {
                "AvailabilityZone": subnet.doc["AvailabilityZone"],
                "Tenancy": "default",
                "GroupName": "",
            },
            "SecurityGroups": groups,
            "LaunchTime": ctx.now(),
            "AmiLaunchIndex": index,
            "Architecture": "x86_64",
            "Hypervisor": "xen",
            "RootDeviceType": "ebs",
            "RootDeviceName": "/dev/xvda",
            "VirtualizationType": "hvm",
            "Monitoring": {"State": "disabled"},
            "EbsOptimized": False,
            "SourceDestCheck": True,
            "BlockDeviceMappings": [],
            "ProductCodes": [],
            # The options every real instance reports; tools read them without checking.
            "MetadataOptions": {
                "State": "applied",
                "HttpTokens": "optional",
                "HttpPutResponseHopLimit": 1,
                "HttpEndpoint": "enabled",
                "HttpProtocolIpv6": "disabled",
                "InstanceMetadataTags": "disabled",
            },
            "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
            "EnclaveOptions": {"Enabled": False},
            "HibernationOptions": {"Configured": False},
            "MaintenanceOptions": {"AutoRecovery": "default"},
            "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
            "PrivateDnsNameOptions": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False,
            },
            "NetworkInterfaces": [
                {
                    "Attachment": {
                        "AttachmentId": new_id("eni-attach"),
                        "DeviceIndex": 0,
                        "NetworkCardIndex": 0,
                        "Status": "attached",
                        "AttachTime": ctx.now(),
                        "DeleteOnTermination": True,
                    },
                    "NetworkInterfaceId": new_id("eni"),
                    "SubnetId": subnet.id,
                    "VpcId": subnet.doc["VpcId"],
                    "PrivateIpAddress": ip,
                    "PrivateDnsName": _dns_name(ctx, ip),
                    "Status": "in-use",
                    "OwnerId": ctx.account,
                    "SourceDestCheck": True,
                    "InterfaceType": "interface",
                    "Groups": groups,
                    "PrivateIpAddresses": [
                        {
                            "PrivateIpAddress": ip,
                            "Primary": True,
                            "PrivateDnsName": _dns_name(ctx, ip),
                        }
                    ],
                    "Ipv6Addresses": [
                        {"Ipv6Address": a, "IsPrimaryIpv6": False} for a in addresses6[index]
                    ],
                }
            ],
        }
        if addresses6[index]:
            doc["Ipv6Address"] = addresses6[index][0]
        for member in ("KeyName", "ClientToken"):
            if req.get(member):
                doc[member] = req[member]
        if tags:
            doc["Tags"] = tags
        meta = {
            "region": ctx.region,
            "reservation": reservation,
            "userData": req.get("UserData", ""),
            "shutdownBehavior": req.get("InstanceInitiatedShutdownBehavior", "stop"),
        }
        rec = Record(
            INSTANCE,
            instance_id,
            ctx.account,
            doc,
            meta,
            parent=subnet.id,
            created=ctx.now() + index * 1e-6,
        )
        uow.put(rec)
        _schedule(uow, ctx, instance_id, "running")
        made.append(doc)
    return {"ReservationId": reservation, "OwnerId": ctx.account, "Groups": [], "Instances": made}


def _schedule(uow: UnitOfWork, ctx: Context, instance_id: str, target: str) -> None:
    due = ctx.now() + ec2_states.delay(
        target, ctx.settings.provisioning, ctx.settings.realistic_factor
    )
    uow.schedule(due, "ec2.instance", instance_id, {"target": target})


@timer_action("ec2.instance")
def _instance_timer(uow: UnitOfWork, ctx: Context, ref: str, payload: dict[str, Any]) -> None:
    rec = uow.get(INSTANCE, ref)
    if rec is None:
        return
    target = payload["target"]
    if target == "forget":
        uow.delete(INSTANCE, ref)
        return
    if target not in ec2_states.INSTANCE_TRANSITIONS[rec.doc["State"]["Name"]]:
        return  # terminated while still pending: the launch timer has nothing to do
    rec.doc["State"] = ec2_states.instance_state(target)
    if target == "terminated":
        uow.release(subnets.ip_scope(rec.doc["SubnetId"]), rec.doc["PrivateIpAddress"])
        for eni in rec.doc.get("NetworkInterfaces", []):
            for a in eni.get("Ipv6Addresses", []):
                uow.release(subnets.ip6_scope(rec.doc["SubnetId"]), a["Ipv6Address"])
        rec.doc["StateTransitionReason"] = "User initiated"
        _schedule(uow, ctx, ref, "forget")
    uow.put(rec)


def _selected(uow: UnitOfWork, ctx: Context, ids: list[str] | None) -> list[Record]:
    if ids:
        return [find(uow, ctx, "i", i) for i in dict.fromkeys(ids)]
    return mine(uow, ctx, INSTANCE)


_FIELDS = {
    "instance-id": lambda r: [r.id],
    "instance-state-name": lambda r: [r.doc["State"]["Name"]],
    "instance-state-code": lambda r: [r.doc["State"]["Code"]],
    "vpc-id": lambda r: [r.doc["VpcId"]],
    "subnet-id": lambda r: [r.doc["SubnetId"]],
    "private-ip-address": lambda r: [r.doc["PrivateIpAddress"]],
    "ipv6-address": lambda r: one(r.doc.get("Ipv6Address")),
    "network-interface.ipv6-addresses.ipv6-address": lambda r: [
        a["Ipv6Address"] for n in r.doc["NetworkInterfaces"] for a in n.get("Ipv6Addresses", [])
    ],
    "image-id": lambda r: [r.doc["ImageId"]],
    "instance-type": lambda r: [r.doc["InstanceType"]],
    "availability-zone": lambda r: [r.doc["Placement"]["AvailabilityZone"]],
    "instance.group-id": lambda r: [g["GroupId"] for g in r.doc["SecurityGroups"]],
    "reservation-id": lambda r: [r.meta["reservation"]],
    "key-name": lambda r: one(r.doc.get("KeyName")),
}


@ec2_operation("DescribeInstances")
def describe_instances(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = filtered(_selected(uow, ctx, req.get("InstanceIds")), req.get("Filters"), _FIELDS)
    reservations: dict[str, dict[str, Any]] = {}
    for r in recs:
        res = reservations.setdefault(
            r.meta["reservation"],
            {
                "ReservationId": r.meta["reservation"],
                "OwnerId": r.account,
                "Groups": [],
                "Instances": [],
            },
        )
        res["Instances"].append(r.doc)
    return {"Reservations": list(reservations.values())}


@ec2_operation("DescribeInstanceStatus")
def describe_instance_status(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = _selected(uow, ctx, req.get("InstanceIds"))
    if not req.get("IncludeAllInstances"):
        recs = [r for r in recs if r.doc["State"]["Name"] == "running"]
    fields = {
        "instance-state-name": _FIELDS["instance-state-name"],
        "instance-state-code": _FIELDS["instance-state-code"],
        "availability-zone": _FIELDS["availability-zone"],
    }
    recs = filtered(recs, req.get("Filters"), fields)
    out = []
    for r in recs:
        up = r.doc["State"]["Name"] == "running"
        status = {
            "Status": "ok" if up else "not-applicable",
            "Details": [{"Name": "reachability", "Status": "passed"}] if up else [],
        }
        out.append(
            {
                "InstanceId": r.id,
                "AvailabilityZone": r.doc["Placement"]["AvailabilityZone"],
                "InstanceState": r.doc["State"],
                "InstanceStatus": status,
                "SystemStatus": status,
            }
        )
    return {"InstanceStatuses": out}


@ec2_operation("TerminateInstances", write=True)
def terminate_instances(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    recs = _selected(uow, ctx, req["InstanceIds"])  # every id must exist, or nothing changes
    out = []
    for r in recs:
        before = dict(r.doc["State"])
        if before["Name"] in ("pending", "running"):
            r.doc["State"] = ec2_states.instance_state("shutting-down")
            uow.put(r)
            _schedule(uow, ctx, r.id, "terminated")
        out.append({"InstanceId": r.id, "CurrentState": r.doc["State"], "PreviousState": before})
    return {"TerminatingInstances": out}
