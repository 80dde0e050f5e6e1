"""What the lab would build for a VPC made through EC2 (planning only, no root): the VPC
the routing model gets from EC2 (service/ec2/network.py) becomes a namespace behind its
gateway like a topology file's VPC, with names the kernel takes. The lab's instance
firewall is the topology's all-or-nothing ICMP rule: per-source ICMP rules and VGW route
propagation are the routing model's alone (see the sim's verify tests)."""

from __future__ import annotations

import dataclasses

from dxlab.domain.topology import Vpc
from dxlab.lab.plan import AccountNetwork, build_lab
from tests.networks import MAXIMUM, VGW, build
from tests.test_lab_plan import ACCOUNT, docs

EC2_VPC = Vpc(
    "vpc-0a1b2c3d4e5f60718",
    "10.100.0.0/16",
    "10.100.1.4",
    True,
    VGW,
    route_table="rtb-0a1b2c3d4e5f60718",
    propagation=True,
    icmp_sources=("10.0.0.0/8",),
)


def test_an_ec2_vpc_is_planned_behind_its_gateway() -> None:
    base = build(MAXIMUM)
    net = dataclasses.replace(
        base, topology=dataclasses.replace(base.topology, vpcs=(EC2_VPC,)), vpc_gateways={}
    )
    lab = build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")
    assert [n.role for n in lab.namespaces].count("vpc") == 1
    assert all(len(end.name) <= 15 for v in lab.veths for end in (v.a, v.b))  # the kernel's limit
    endpoint = lab.vpcs[(ACCOUNT, EC2_VPC.name)]
    assert endpoint.address == "10.100.1.4"
    firewall = next(n.firewall for n in lab.namespaces if n.name == endpoint.ns)
    assert "icmp" in firewall  # the instance answers ping in the lab as in the routing model
