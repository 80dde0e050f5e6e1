"""The shortcuts that predate the EC2 API, over the same service functions: `dxlab vgw
create --vpc-cidr`, POST /_dxlab/virtual-gateways and the topology's `vpcs:` give a
VGW attached to "a VPC with these CIDRs"; here that VPC becomes a real EC2 VPC (with its
main route table and default security group), so DescribeVpcs and DescribeVpnGateways
show what the shortcut made."""

from __future__ import annotations

from dxlab.service.context import Context
from dxlab.service.ec2 import vpcs, vpn_gateways
from dxlab.service.ec2.common import VPC, in_region
from dxlab.store.repository import Record, UnitOfWork


def vpc_for(uow: UnitOfWork, ctx: Context, cidrs: list[str], vpc_id: str) -> Record | None:
    """The caller's EC2 VPC `vpc_id`, made with `cidrs` when it does not exist yet. None
    when there is no EC2 VPC to make: no IPv4 block, or the id is another account's."""
    rec = uow.get(VPC, vpc_id)
    if rec is not None:
        return rec if in_region(rec, ctx) else None
    v4 = [c for c in cidrs if ":" not in c]
    if not v4:
        return None
    rec = vpcs.create_vpc(uow, ctx, {"CidrBlock": v4[0]}, vpc_id=vpc_id)
    vpcs.add_blocks(uow, rec, [c for c in cidrs if c != v4[0]])
    return rec


def attach_to_cidrs(
    uow: UnitOfWork, ctx: Context, vgw: Record, cidrs: list[str], vpc_id: str
) -> None:
    """Attach `vgw` to the VPC the shortcut names; its CIDRs are the ones given, in order."""
    vpc = vpc_for(uow, ctx, cidrs, vpc_id)
    if vpc is not None:
        vpn_gateways.attach(uow, ctx, vgw, vpc)
    vgw.meta.update(vpcId=vpc_id, vpcCidrs=cidrs)
    uow.put(vgw)
