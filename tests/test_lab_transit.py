"""Transit on real packets (direct-connect-transit-gateways.md, allowed-to-prefixes.md):
a transit gateway made through the EC2 API with three VPCs attached, each with an
instance; a Direct Connect gateway associated with it, allowing two of the VPCs' CIDRs;
a transit VIF on each of two connections, one per data center. What AWS advertises over
each transit VIF is exactly the association's allowed prefixes; each allowed VPC answers
ping with the transit gateway as a hop of its own in the trace; the third VPC, outside
the allowed prefixes, is not reachable, and verify says why, until its CIDR is allowed.
At every step the lab server's answers equal the routing model's on the same database
(test_lab_parity.py's oracle)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from dxlab.cli.client import ext
from dxlab.routing.transit import transit_gateway_address
from tests.ec2_support import ec2, main_route_table, vpc_with_subnet
from tests.lab_support import LabServer, running_lab, wait_for
from tests.test_lab_parity import assert_parity

ACCOUNT = "360987654321"
# A loaded machine: generous, and bounded.
CONVERGE_S = 45.0  # one answer (verify reachable or not) after a change
PARITY_S = 80.0  # every answer of the oracle after a change (test_lab_parity.assert_parity)
ALLOWED = ("10.100.0.0/16", "10.200.0.0/16")
OUTSIDE = "10.150.0.0/16"
SITES = (("dc1", "10.1.0.0/16"), ("dc2", "10.2.0.0/16"))


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


def vpc_with_instance(client: Any, cidr: str, tgw: str) -> str:
    """A VPC attached to the transit gateway, its main route table sending the data
    centers' prefixes to it, and a running instance whose security group allows ICMP."""
    subnet_cidr = cidr.replace(".0.0/16", ".1.0/24")
    vpc, subnet = vpc_with_subnet(client, cidr, subnet_cidr)
    client.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
    )
    rtb = main_route_table(client, vpc)
    for _, prefix in SITES:
        client.create_route(RouteTableId=rtb, DestinationCidrBlock=prefix, TransitGatewayId=tgw)
    sg = client.create_security_group(
        GroupName="ping", Description="ICMP from the data centers", VpcId=vpc
    )["GroupId"]
    client.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            }
        ],
    )
    client.run_instances(
        ImageId="ami-0abcdef1234567890",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
    )
    return vpc


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> dict[str, Any]:
    server = lab_server.server
    dx = server.client(ACCOUNT)
    client = ec2(server, ACCOUNT)
    conns = ext(
        server.endpoint,
        "POST",
        "/wizard/order",
        {"model": "high", "bandwidth": "10Gbps", "locations": ["EqDC2", "CSVA1"]},
        account=ACCOUNT,
    )["connectionIds"]
    tgw = client.create_transit_gateway(Description="transit", Options={"AmazonSideAsn": 65010})[
        "TransitGateway"
    ]["TransitGatewayId"]
    vpcs = {cidr: vpc_with_instance(client, cidr, tgw) for cidr in (*ALLOWED, OUTSIDE)}
    dxgw = dx.create_direct_connect_gateway(
        directConnectGatewayName="transit-dxgw", amazonSideAsn=64513
    )["directConnectGateway"]["directConnectGatewayId"]
    association = dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": c} for c in ALLOWED],
    )["directConnectGatewayAssociation"]["associationId"]
    vifs = [
        dx.create_transit_virtual_interface(
            connectionId=c,
            newTransitVirtualInterface={
                "virtualInterfaceName": f"transit-{i}",
                "vlan": 301 + i,
                "asn": 65000,
                "directConnectGatewayId": dxgw,
            },
        )["virtualInterface"]["virtualInterfaceId"]
        for i, c in enumerate(conns)
    ]
    topology = {
        "customer_asn": 65000,
        "wan": False,
        "sites": {
            site: {"routers": {f"{site}-r1": {"connections": [c], "advertise": [{"prefix": p}]}}}
            for (site, p), c in zip(SITES, conns, strict=True)
        },
    }
    ext(
        server.endpoint,
        "PUT",
        "/topology",
        {"yaml": yaml.safe_dump(topology)},
        account=ACCOUNT,
    )
    wait_for(
        lambda: (
            {
                v["virtualInterfaceState"]
                for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
                if v["virtualInterfaceId"] in vifs
            }
            == {"available"}
        ),
        CONVERGE_S,
        "transit VIFs available",
    )
    return {"dx": dx, "tgw": tgw, "vpcs": vpcs, "vifs": vifs, "association": association}


def verify_pairs(lab: LabServer) -> dict[tuple[str, str], dict[str, Any]]:
    result = ext(lab.server.endpoint, "GET", "/verify", {"count": 2}, ACCOUNT)
    return {(p["site"], p["vpc"]): p for p in result["pairs"]}


def reachable_vpcs(lab: LabServer) -> dict[tuple[str, str], bool]:
    return {k: p["reachable"] for k, p in verify_pairs(lab).items()}


def test_transit_to_vpcs_within_the_allowed_prefixes_only(
    lab_server: LabServer, built: dict[str, Any]
) -> None:
    dx, tgw, vpcs = built["dx"], built["tgw"], built["vpcs"]
    want = {(site, vpcs[c]): c in ALLOWED for site, _ in SITES for c in (*ALLOWED, OUTSIDE)}
    wait_for(
        lambda: reachable_vpcs(lab_server) == want,
        CONVERGE_S,
        "the allowed VPCs reachable from both data centers, the other not",
        step=0.5,
    )
    assert_parity(lab_server, dx, ACCOUNT, "transit, two of three VPCs allowed", PARITY_S)
    pairs = verify_pairs(lab_server)
    for (site, vpc), pair in pairs.items():
        if not want[(site, vpc)]:
            continue
        assert pair["dataPlane"] == "lab" and pair["ping"]["received"] > 0, pair
        hops = [(h["address"], h["resource"]) for h in pair["hops"]]
        # The Direct Connect hop, then the transit gateway, then the instance.
        assert hops[0][1] == f"customer router {site}-r1 ({site})", hops
        assert " (VLAN 30" in hops[1][1] and "AWS device" in hops[1][1], hops
        assert hops[2] == (transit_gateway_address(tgw), f"{tgw} (transit gateway)"), hops
        assert hops[3][1] == f"instance {pair['destination']} in {vpc}", hops
    outside = pairs[("dc1", vpcs[OUTSIDE])]
    assert outside["ping"]["received"] == 0
    assert outside["reason"].startswith(
        f"{OUTSIDE} is outside the allowed prefixes of {tgw}'s association with"
        " Direct Connect gateway transit-dxgw"
    ), outside["reason"]

    # AWS advertises exactly the association's allowed prefixes over each transit VIF.
    for vif in built["vifs"]:
        routes = dx.list_virtual_interface_routes(virtualInterfaceId=vif)["routes"]
        advertised = {r["cidr"] for r in routes if r["routeDirection"] == "advertised"}
        assert advertised == set(ALLOWED), (vif, routes)

    # Allowing the third VPC's CIDR (UpdateDirectConnectGatewayAssociation) reaches it, live.
    dx.update_direct_connect_gateway_association(
        associationId=built["association"],
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": OUTSIDE}],
    )
    everything = dict.fromkeys(want, True)
    wait_for(
        lambda: reachable_vpcs(lab_server) == everything,
        CONVERGE_S,
        f"{OUTSIDE} reachable once allowed",
        step=0.5,
    )
    assert_parity(lab_server, dx, ACCOUNT, "transit, all three VPCs allowed", PARITY_S)
