"""DescribeInstanceTypes, as far as launching tools read it (the Terraform AWS provider
asks for the type of every aws_instance): dxlab runs no virtual machines, so any type of
EC2's `family.size` form is accepted and described from its size; t-family types are
burstable, as on AWS."""

from __future__ import annotations

import re
from typing import Any

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.service.context import Context
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import UnitOfWork

TYPE = re.compile(r"[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|metal|\d*xlarge)")
# vCPUs and MiB of memory by size, as the general-purpose families have them.
_SIZES = {
    "nano": (2, 512),
    "micro": (2, 1024),
    "small": (2, 2048),
    "medium": (2, 4096),
    "large": (2, 8192),
}


# Every type dxlab describes takes this many IPv6 addresses on an interface (RunInstances'
# Ipv6AddressCount is held to it).
IPV6_ADDRESSES_PER_INTERFACE = 6


def _size(size: str) -> tuple[int, int]:
    if size in _SIZES:
        return _SIZES[size]
    factor = 48 if size == "metal" else int(size.removesuffix("xlarge") or 1)
    return 4 * factor, 16384 * factor


def describe(instance_type: str) -> dict[str, Any]:
    vcpus, memory = _size(instance_type.split(".", 1)[1])
    return {
        "InstanceType": instance_type,
        "CurrentGeneration": True,
        "FreeTierEligible": instance_type == "t3.micro",
        "SupportedUsageClasses": ["on-demand", "spot"],
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
        "BareMetal": instance_type.endswith(".metal"),
        "Hypervisor": "nitro",
        "ProcessorInfo": {"SupportedArchitectures": ["x86_64"]},
        "VCpuInfo": {
            "DefaultVCpus": vcpus,
            "DefaultCores": max(1, vcpus // 2),
            "DefaultThreadsPerCore": 2,
        },
        "MemoryInfo": {"SizeInMiB": memory},
        "InstanceStorageSupported": False,
        "EbsInfo": {
            "EbsOptimizedSupport": "default",
            "EncryptionSupport": "supported",
            "NvmeSupport": "required",
        },
        "NetworkInfo": {
            "NetworkPerformance": "Up to 5 Gigabit",
            "MaximumNetworkInterfaces": 3,
            "Ipv4AddressesPerInterface": 6,
            "Ipv6AddressesPerInterface": IPV6_ADDRESSES_PER_INTERFACE,
            "Ipv6Supported": True,
        },
        "HibernationSupported": False,
        "BurstablePerformanceSupported": instance_type.startswith("t"),
        "DedicatedHostsSupported": False,
        "AutoRecoverySupported": True,
        "SupportedBootModes": ["legacy-bios", "uefi"],
    }


@ec2_operation("DescribeInstanceTypes")
def describe_instance_types(uow: UnitOfWork, ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    wanted = req.get("InstanceTypes") or ["t3.micro", "t3.small", "m5.large"]
    for t in wanted:
        if not TYPE.fullmatch(t):
            raise Ec2Error(
                "InvalidInstanceType", f"The following supplied instance types do not exist: [{t}]"
            )
    return {"InstanceTypes": [describe(t) for t in dict.fromkeys(wanted)]}
