"""What the lab would build for a VPC made through EC2 (planning only, no root): the VPC
the routing model gets from EC2 (service/ec2/network.py) becomes a namespace behind its
gateway like a topology file's VPC, with names the kernel takes, its security group's
per-source ICMP rules as nftables (tests/test_lab_plan.py has the route table's side;
tests/test_lab_ec2.py sends the packets); a dual-stack one with its route table and ICMPv6
rules in IPv6 too (tests/test_lab_ec2_dualstack.py sends those packets)."""

from __future__ import annotations

import dataclasses

from dxlab.domain.topology import Advertisement, Vpc
from dxlab.lab.dualstack import gap_key6
from dxlab.lab.model import Lab, Namespace
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


DC6 = "2a02:1388:100::/48"
DUAL_VPC = dataclasses.replace(
    EC2_VPC,
    propagation=False,
    static_routes=(DC6,),  # an IPv6 static route to the VGW for dc1's IPv6 prefix only
    icmp_sources=("10.0.0.0/8", DC6),
    ipv6_cidr="2600:1f18:aa00:100::/56",
    ipv6_instance="2600:1f18:aa00:100::10",
)


def test_a_dual_stack_ec2_vpc_has_its_route_table_and_icmpv6_rules_in_both_families() -> None:
    adverts = {
        "dc1": [Advertisement("10.1.0.0/16"), Advertisement(DC6)],
        "dc2": [Advertisement("10.2.0.0/16")],
    }
    base = build(MAXIMUM, adverts=adverts)

    def planned(vpc: Vpc) -> tuple[Lab, Namespace]:
        net = dataclasses.replace(
            base, topology=dataclasses.replace(base.topology, vpcs=(vpc,)), vpc_gateways={}
        )
        lab = build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")
        return lab, lab.namespace(lab.vpcs[(ACCOUNT, vpc.name)].ns)

    lab, ns = planned(DUAL_VPC)
    router6 = "2600:1f18:aa00:100::1"
    # Propagation off: only the static route, in its own family; nothing for IPv4.
    assert ns.routes == (f"{DC6} via {router6}",)
    gaps = {k: v for k, v in lab.route_gaps.items() if k[1] == DUAL_VPC.name}
    assert sorted(k[2] for k in gaps) == ["dc1", "dc2"]  # IPv4 only: dc1's IPv6 has its route
    # ICMPv6 from the rule's source, and neighbour discovery (which no group filters on AWS).
    assert f"ip6 saddr {DC6} meta l4proto ipv6-icmp accept" in ns.firewall
    assert "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept" in ns.firewall
    # Without the static route, dc1's IPv6 has no route back either, and says why.
    lab, ns = planned(dataclasses.replace(DUAL_VPC, static_routes=()))
    assert ns.routes == ()
    assert lab.route_gaps[gap_key6(ACCOUNT, DUAL_VPC.name, "dc1")] == (
        f"route table {DUAL_VPC.route_table} has no route to {DC6}: VGW route propagation is off"
    )
    # Propagation on: a default route in each family.
    lab, ns = planned(dataclasses.replace(DUAL_VPC, propagation=True))
    assert ns.routes == ("default via 10.100.0.1", f"::/0 via {router6}")
    assert not [k for k in lab.route_gaps if k[1] == DUAL_VPC.name]
