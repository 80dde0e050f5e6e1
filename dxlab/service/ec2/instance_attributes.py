"""DescribeInstanceAttribute: one attribute of an instance per call (the Terraform AWS
provider reads several for every aws_instance). dxlab keeps the launch's values; the
ones it has no input for are EC2's defaults."""

from __future__ import annotations

from typing import Any

from dxlab.domain.ec2_errors import invalid
from dxlab.service.context import Context
from dxlab.service.ec2.common import find
from dxlab.service.ec2.registry import ec2_operation
from dxlab.store.repository import UnitOfWork


def _attribute(doc: dict[str, Any], meta: dict[str, Any], name: str) -> tuple[str, Any]:
    """(output member, value) of one InstanceAttributeName."""
    table: dict[str, tuple[str, Any]] = {
        "instanceType": ("InstanceType", {"Value": doc["InstanceType"]}),
        "kernel": ("KernelId", {}),
        "ramdisk": ("RamdiskId", {}),
        "userData": ("UserData", {"Value": meta["userData"]} if meta.get("userData") else {}),
        "disableApiTermination": ("DisableApiTermination", {"Value": False}),
        "disableApiStop": ("DisableApiStop", {"Value": False}),
        # RunInstances' default: an instance shut down from inside it stops.
        "instanceInitiatedShutdownBehavior": (
            "InstanceInitiatedShutdownBehavior",
            {"Value": meta.get("shutdownBehavior", "stop")},
        ),
        "rootDeviceName": ("RootDeviceName", {"Value": doc["RootDeviceName"]}),
        "blockDeviceMapping": ("BlockDeviceMappings", doc.get("BlockDeviceMappings", [])),
        "productCodes": ("ProductCodes", []),
        "sourceDestCheck": ("SourceDestCheck", {"Value": doc.get("SourceDestCheck", True)}),
        "groupSet": ("Groups", doc["SecurityGroups"]),
        "ebsOptimized": ("EbsOptimized", {"Value": doc.get("EbsOptimized", False)}),
        "sriovNetSupport": ("SriovNetSupport", {"Value": "simple"}),
        "enaSupport": ("EnaSupport", {"Value": True}),
        "enclaveOptions": ("EnclaveOptions", {"Enabled": False}),
    }
    if name not in table:
        raise invalid(f"Value ({name}) for parameter attribute is invalid. Unknown attribute.")
    return table[name]


@ec2_operation("DescribeInstanceAttribute")
def describe_instance_attribute(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> dict[str, Any]:
    rec = find(uow, ctx, "i", req["InstanceId"])
    member, value = _attribute(rec.doc, rec.meta, req["Attribute"])
    return {"InstanceId": rec.id, member: value}
