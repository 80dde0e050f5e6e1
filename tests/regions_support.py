"""Two Regions behind one Direct Connect gateway, made as a user makes them with boto3: a
dedicated connection at a us-east-1 location and one at a us-west-2 location, a private
VIF on each to one Direct Connect gateway, and in each Region an EC2 VPC with a subnet, a
virtual private gateway (attached, route propagation on), a security group allowing ICMP
from the data center and a running instance; each VGW associated with the one gateway.
One data center, one router per connection, both advertising its prefix plainly: what
routing-and-bgp.md's same-Region preference then decides is each VPC's way back."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from dxlab.cli.client import ext
from tests.ec2_support import ec2, main_route_table, vpc_with_subnet

EAST, WEST = "us-east-1", "us-west-2"
LOCATIONS = {EAST: "EqDC2", WEST: "EqSe2-EQ"}
VPC_CIDRS = {EAST: ("10.100.0.0/16", "10.100.1.0/24"), WEST: ("10.200.0.0/16", "10.200.1.0/24")}
DATA_CENTER_PREFIX = "10.1.0.0/16"

TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      r-east:
        connections: [{east}]
        advertise:
          - {{prefix: {prefix}}}
      r-west:
        connections: [{west}]
        advertise:
          - {{prefix: {prefix}}}
"""


@dataclass
class TwoRegions:
    dx_gateway: str
    connections: dict[str, str]  # Region -> connection id
    vifs: dict[str, str]  # Region -> VIF id
    vgws: dict[str, str]  # Region -> VGW id
    vpcs: dict[str, str]  # Region -> VPC id
    instances: dict[str, str]  # Region -> the instance's private IPv4 address
    topology: str

    def region_of_vif(self, vif: str) -> str:
        return next(r for r, v in self.vifs.items() if v == vif)


def west_vif(gateways: Any, west: Any) -> tuple[str, str]:
    """A private VIF on a new us-west-2 connection (`west`: a client of that Region) to a new
    Direct Connect gateway made through `gateways` (a client of any Region: gateways are
    global); returns the connection's id and the VIF's."""
    gw = gateways.create_direct_connect_gateway(directConnectGatewayName="g", amazonSideAsn=64512)
    conn = west.create_connection(location=LOCATIONS[WEST], bandwidth="1Gbps", connectionName="w")
    vif = west.create_private_virtual_interface(
        connectionId=conn["connectionId"],
        newPrivateVirtualInterface={
            "virtualInterfaceName": "w",
            "vlan": 101,
            "asn": 65000,
            "directConnectGatewayId": gw["directConnectGateway"]["directConnectGatewayId"],
        },
    )
    return conn["connectionId"], vif["virtualInterfaceId"]


def _vpc(client: Any, region: str, vgw_asn: int) -> tuple[str, str, str]:
    """A VPC reachable over Direct Connect in `region`: (VPC id, VGW id, instance address)."""
    cidr, subnet_cidr = VPC_CIDRS[region]
    vpc, subnet = vpc_with_subnet(client, cidr, subnet_cidr)
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=vgw_asn)["VpnGateway"][
        "VpnGatewayId"
    ]
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    table = main_route_table(client, vpc)
    client.enable_vgw_route_propagation(RouteTableId=table, GatewayId=vgw)
    group = client.create_security_group(
        GroupName="ping", Description="ICMP from the data center", VpcId=vpc
    )["GroupId"]
    client.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": DATA_CENTER_PREFIX}],
            }
        ],
    )
    instance = client.run_instances(
        ImageId="ami-0abcdef1234567890",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[group],
    )["Instances"][0]
    return vpc, vgw, str(instance["PrivateIpAddress"])


def two_regions(server: Any, account: str) -> TwoRegions:
    dx = {region: server.client(account, region=region) for region in (EAST, WEST)}
    gateway = dx[EAST].create_direct_connect_gateway(
        directConnectGatewayName="two-regions", amazonSideAsn=64512
    )["directConnectGateway"]["directConnectGatewayId"]
    made = TwoRegions(gateway, {}, {}, {}, {}, {}, "")
    for i, region in enumerate((EAST, WEST)):
        vpc, vgw, address = _vpc(ec2(server, account, region), region, 65010 + i)
        made.vpcs[region], made.vgws[region], made.instances[region] = vpc, vgw, address
        dx[region].create_direct_connect_gateway_association(
            directConnectGatewayId=gateway, gatewayId=vgw
        )
        conn = dx[region].create_connection(
            location=LOCATIONS[region], bandwidth="1Gbps", connectionName=f"dc1-{region}"
        )["connectionId"]
        made.connections[region] = conn
        made.vifs[region] = dx[region].create_private_virtual_interface(
            connectionId=conn,
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"dc1-{region}",
                "vlan": 301 + i,
                "asn": 65000,
                "directConnectGatewayId": gateway,
            },
        )["virtualInterfaceId"]
    made.topology = TOPOLOGY.format(
        east=made.connections[EAST], west=made.connections[WEST], prefix=DATA_CENTER_PREFIX
    )
    ext(server.endpoint, "PUT", "/topology", {"yaml": made.topology}, account=account)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = {
            region: dx[region].describe_virtual_interfaces(virtualInterfaceId=vif)[
                "virtualInterfaces"
            ][0]["virtualInterfaceState"]
            for region, vif in made.vifs.items()
        }
        if set(states.values()) == {"available"}:
            return made
        time.sleep(0.2)
    raise AssertionError(f"VIFs not available after 30 s: {states}")


def analysis_back(server: Any, account: str, made: TwoRegions, when: str = "baseline") -> Any:
    """Region -> the Region of each VIF AWS sends that Region's VPC's traffic back over, as
    the analysis (GET /_dxlab/analyze) says: now, or in its baseline (nothing failed)."""
    result = ext(server.endpoint, "GET", "/analyze", account=account)
    pairs = result["baseline"] if when == "baseline" else result["now"]["pairs"]
    by_vpc = {p.get("vpc", p.get("to")): p for p in pairs}
    return {
        region: sorted(made.region_of_vif(v) for v in by_vpc[vpc]["back"])
        for region, vpc in made.vpcs.items()
    }


def sim_return_devices(lab: Any, account: str, made: TwoRegions) -> dict[str, set[str]]:
    """Region -> the AWS devices the routing model sends that Region's VPC's traffic toward
    the data center through, on the lab server's database (what is down now included)."""
    from dxlab.service.context import Context
    from dxlab.service.snapshot import network_snapshot
    from dxlab.store import open_store

    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            snap = network_snapshot(uow, Context(account=account))  # SimPlane
    finally:
        store.close()
    vpcs = {v.name: v for v in snap.network.topology.vpcs}
    return {
        region: {snap.network.vifs[k[0]].device for k in snap.paths.back("dc1", vpcs[vpc])}
        for region, vpc in made.vpcs.items()
    }


def lab_return_devices(lab: Any, account: str, made: TwoRegions) -> dict[str, set[str]]:
    """Region -> the AWS devices the kernel of that Region's VGW namespace routes the data
    center's prefix through: BIRD's best route there (multipath on ties), as installed."""
    import json

    plan = lab.plan(account)
    out: dict[str, set[str]] = {}
    for region, vgw in made.vgws.items():
        ns = f"{lab.prefix}-{account}-gw-{vgw}"
        shown = lab.in_ns(ns, "ip", "-j", "route", "show", DATA_CENTER_PREFIX).stdout
        devices = set()
        for route in json.loads(shown or "[]"):
            for hop in route.get("nexthops", [route]):
                # "AWS device <name> (backbone to <vgw>)" (lab/plan.py names every address)
                where = plan.resources.get(hop.get("gateway", ""), "")
                if where.startswith("AWS device "):
                    devices.add(where.split()[2])
        out[region] = devices
    return out
