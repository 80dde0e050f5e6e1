"""What the lab would build for a VPC made through EC2 (planning only, no root): the VPC
the routing model gets from EC2 (service/ec2/network.py) becomes a namespace behind its
gateway like a topology file's VPC, with names the kernel takes, its security group's
per-source ICMP rules as nftables (tests/test_lab_plan.py has the route table's side;
tests/test_lab_ec2.py sends the packets)."""

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
    # the instance answers ping from the sources its rules name, as in the routing model
    assert "ip saddr 10.0.0.0/8 meta l4proto icmp accept" in firewall
