"""Readers agree in the cases a review found them apart: a hosted VIF when the port's owner
cuts the port, a VIF in a jumbo frame outage, the failover report's gateway pairs, the
lab's advertised prefixes beside the routing model's. Fast: the service on the in-memory
store, the clock moved by hand."""

from __future__ import annotations

from typing import Any

from dxlab.domain.topology import Advertisement
from dxlab.lab.plan import vif_exports
from dxlab.routing.bgp import advertised_routes
from dxlab.routing.network import Association
from tests.networks import HIGH, VGW, build
from tests.unit.service import Service, start

OWNER, CUSTOMER = "111122223333", "444455556666"


def routes_of(dx: Service, vif_id: str, account: str | None = None) -> list[dict[str, Any]]:
    return list(dx.call("ListVirtualInterfaceRoutes", account, virtualInterfaceId=vif_id)["routes"])


def now_to(dx: Service, target: str, account: str | None = None) -> list[bool]:
    pairs = dx.ext("GET", "/analyze", account)["now"]["pairs"]
    return [p["reachable"] for p in pairs if target in p["to"]]


def test_a_hosted_vif_goes_down_when_the_owner_of_its_port_cuts_it() -> None:
    dx = start()
    conn = dx.connection(account=OWNER)
    vif = dx.call(
        "AllocatePrivateVirtualInterface",
        OWNER,
        connectionId=conn,
        ownerAccount=CUSTOMER,
        newPrivateVirtualInterfaceAllocation={
            "virtualInterfaceName": "hosted",
            "vlan": 201,
            "asn": 65000,
        },
    )["virtualInterfaceId"]
    vgw = dx.virtual_gateway(account=CUSTOMER)
    dx.call(
        "ConfirmPrivateVirtualInterface", CUSTOMER, virtualInterfaceId=vif, virtualGatewayId=vgw
    )
    assert dx.vif(vif, CUSTOMER)["virtualInterfaceState"] == "available"
    assert routes_of(dx, vif, CUSTOMER)
    dx.ext("POST", "/failures", OWNER, kind="connection", id=conn, minutes=5)
    for account in (CUSTOMER, OWNER):  # both accounts see the hosted VIF, and see it down
        shown = dx.vif(vif, account)
        assert shown["virtualInterfaceState"] == "down", account
        assert [p["bgpStatus"] for p in shown["bgpPeers"]] == ["down"]
    assert routes_of(dx, vif, CUSTOMER) == []
    assert now_to(dx, vgw, CUSTOMER) in ([], [False])


def test_during_a_jumbo_frame_outage_no_reader_sees_the_vif_carry_traffic() -> None:
    dx = start()
    conn = dx.connection()
    vgw = dx.virtual_gateway()
    vif = dx.private_vif(conn, vgw)["virtualInterfaceId"]
    assert routes_of(dx, vif)
    dx.call("UpdateVirtualInterfaceAttributes", virtualInterfaceId=vif, mtu=9001)
    assert dx.vif(vif)["virtualInterfaceState"] in ("pending", "down")
    assert routes_of(dx, vif) == []
    dx.advance(60)  # set-jumbo-frames-vif.md: up to 30 seconds
    assert dx.vif(vif)["virtualInterfaceState"] == "available"
    assert routes_of(dx, vif)


def test_a_failover_test_on_the_only_vif_reports_the_gateway_lost() -> None:
    dx = start()
    conn = dx.connection()
    vgw = dx.virtual_gateway()
    vif = dx.private_vif(conn, vgw)["virtualInterfaceId"]
    topology = (
        "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n"
        f"        connections: [{conn}]\n        advertise: [{{prefix: 10.1.0.0/16}}]\n"
    )
    dx.ext("PUT", "/topology", yaml=topology)
    test = dx.call("StartBgpFailoverTest", virtualInterfaceId=vif, testDurationInMinutes=5)
    report = dx.ext("GET", f"/failover-tests/{test['virtualInterfaceTest']['testId']}/report")
    assert report["gatewaysLost"] == [f"dc1 <-> {vgw}"]
    assert "gateway pair(s) lost their path" in report["verdict"]


def test_the_lab_advertises_what_the_routing_model_advertises_for_allowed_prefixes() -> None:
    net = build(
        HIGH, adverts={"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    )
    # allowed-to-prefixes.md: for a VGW the allowed prefixes filter the VPC CIDRs.
    for allowed in (("10.100.0.0/16",), ("10.0.0.0/8",), ("10.100.5.0/24",)):
        assoc = Association(net.associations[0].dx_gateway_id, VGW, allowed)
        wide = type(net)(
            net.region,
            net.links,
            net.vifs,
            net.gateways,
            (assoc,),
            net.topology,
            net.router_of_link,
            net.vpc_gateways,
        )
        vif = next(iter(wide.vifs.values()))
        sim = sorted(r.cidr for r in advertised_routes(wide, vif, "ipv4"))
        lab = sorted(cidr for cidr, _ in vif_exports(wide, vif))
        assert lab == sim, allowed
