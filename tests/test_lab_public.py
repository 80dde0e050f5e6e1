"""Step 5 for the AWS Cloud on real packets (maximum_resiliency.md: "Run traceroute and
verify that the AWS Direct Connect identifier is in the network trace").

A public VIF whose prefixes AWS's review approved: BIRD on the AWS device advertises
Amazon's public prefixes (real ip-ranges.json entries) with their scope communities, FRR
on the customer router learns them, BIRD accepts only the approved prefix (the router
advertises another one too: AWS filters it), and `dxlab verify --public` pings and
traceroutes from the data center to the AWS public service namespace across the VIF, the
Direct Connect hop named. The lab server's answers (Describe, the routes, verify --public)
equal what the same handlers answer read through the sim."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.domain import aws_public_prefixes as amazon
from dxlab.service.context import Context
from dxlab.service.customer.verify import verify_route
from dxlab.service.snapshot import network_snapshot
from dxlab.service.virtual_interfaces.routes import list_virtual_interface_routes
from dxlab.service.virtual_interfaces.state import views
from dxlab.store import open_store
from tests.lab_support import LabServer, running_lab, wait_for
from tests.test_lab_parity import route_set
from tests.vif_support import connection

ACCOUNT = "510987654321"
APPROVED = "45.60.12.0/24"
UNAPPROVED = "45.60.13.0/24"
SERVICE = amazon.service_address("us-east-1")  # 52.95.245.1, in us-east-1's EC2 prefix
CONVERGE_S = 60.0  # a loaded machine takes 20 s and more to bring a lab up

TOPOLOGY = """\
customer_asn: 65001
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
          - {{prefix: {approved}, communities: ["7224:9100"]}}
          - {{prefix: {unapproved}}}
"""


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> dict[str, Any]:
    server = lab_server.server
    dx = server.client(ACCOUNT)
    cid = connection(dx, location="EqDC2")
    spec = {
        "virtualInterfaceName": "pub",
        "vlan": 300,
        "asn": 65001,
        "amazonAddress": "45.61.44.1/30",
        "customerAddress": "45.61.44.2/30",
        "routeFilterPrefixes": [{"cidr": APPROVED}],
    }
    vif_id = dx.create_public_virtual_interface(connectionId=cid, newPublicVirtualInterface=spec)[
        "virtualInterfaceId"
    ]
    ext(server.endpoint, "POST", f"/virtual-interfaces/{vif_id}/approve-prefixes", account=ACCOUNT)
    ext(
        server.endpoint,
        "PUT",
        "/topology",
        {"yaml": TOPOLOGY.format(cid=cid, approved=APPROVED, unapproved=UNAPPROVED)},
        account=ACCOUNT,
    )

    def converged() -> bool:
        found = dx.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"]
        return any(r["routeDirection"] == "accepted" for r in found) and any(
            r["routeDirection"] == "advertised" for r in found
        )

    wait_for(
        converged,
        CONVERGE_S,
        "the public VIF's session Established with routes both ways",
        step=0.5,
    )
    return {
        "dx": dx,
        "cid": cid,
        "vif": vif_id,
        "doc": dx.describe_virtual_interfaces(virtualInterfaceId=vif_id),
    }


def routes_of(dx: Any, vif_id: str, direction: str) -> dict[str, list[str]]:
    found = dx.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"]
    return {r["cidr"]: sorted(r["communities"]) for r in found if r["routeDirection"] == direction}


def test_bird_advertises_amazons_public_prefixes_with_scope_communities(
    lab_server: LabServer, built: dict[str, Any]
) -> None:
    out = routes_of(built["dx"], built["vif"], "advertised")
    assert set(out) == {p.cidr for p in amazon.PREFIXES}
    nx = amazon.NO_EXPORT  # on every route AWS advertises over a public VIF
    assert out["52.95.245.0/24"] == [nx, "7224:8100"] and out["52.94.4.0/24"] == [nx, "7224:8200"]
    assert out["52.95.244.0/24"] == [nx] and out["52.84.0.0/15"] == [nx]
    # The customer router (FRR) learned them from the AWS device.
    router = lab_server.plan(ACCOUNT).session(built["vif"]).router_ns
    learned = lab_server.vtysh(router, "show ip bgp 52.95.245.0/24")
    assert "45.61.44.1" in learned and "7224:8100" in learned and "no-export" in learned, learned


def test_only_the_approved_prefix_is_accepted(lab_server: LabServer, built: dict[str, Any]) -> None:
    session = lab_server.plan(ACCOUNT).session(built["vif"])
    # The router does advertise the prefix that was not approved...
    sent = lab_server.vtysh(
        session.router_ns, f"show ip bgp neighbors {session.amazon_ip} advertised-routes"
    )
    assert UNAPPROVED in sent and APPROVED in sent, sent
    # ...and BIRD on the AWS device filters it: only the approved one, with its scope community.
    assert routes_of(built["dx"], built["vif"], "accepted") == {APPROVED: ["7224:9100"]}
    held = lab_server.birdc(session.device_ns, "show", "route", "protocol", session.protocol)
    assert APPROVED in held and UNAPPROVED not in held, held


def cli_verify_public(lab: LabServer) -> tuple[int, dict[str, Any]]:
    env = {**lab.env(), "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "dxlab-test-secret"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "verify",
            "--public",
            "--json",
            "--count",
            "3",
            "--endpoint",
            lab.server.endpoint,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_verify_public_crosses_the_vif_with_the_hop_named(
    lab_server: LabServer, built: dict[str, Any]
) -> None:
    code, result = cli_verify_public(lab_server)
    assert code == 0, result
    assert result["dataPlane"] == "lab" and result["reachable"] is True
    assert (result["source"], result["destination"], result["public"]) == (
        "45.60.12.1",
        SERVICE,
        "us-east-1",
    )
    assert result["ping"] == {"sent": 3, "received": 3}
    hops = result["hops"]
    doc = built["doc"]["virtualInterfaces"][0]
    dx_hop = (
        f"{built['vif']} (VLAN 300) on {built['cid']}, AWS device {doc['awsDeviceV2']} at EqDC2"
    )
    assert hops[0]["resource"] == "customer router dc1-r1 (dc1)"
    assert {"address": "45.61.44.1", "resource": dx_hop} in hops, hops
    assert hops[-1] == {"address": SERVICE, "resource": "AWS public service (us-east-1)"}


def test_the_lab_and_the_sim_answer_alike(lab_server: LabServer, built: dict[str, Any]) -> None:
    dx, vif_id = built["dx"], built["vif"]
    lab_vifs = dx.describe_virtual_interfaces()["virtualInterfaces"]
    lab_routes = route_set(dx.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"])
    lab_verify = ext(
        lab_server.server.endpoint,
        "GET",
        "/verify",
        {"count": 2, "public": "true"},
        account=ACCOUNT,
    )
    store = open_store(lab_server.server.db)
    try:
        with store.read() as uow:
            ctx = Context(account=ACCOUNT)  # the default plane: SimPlane
            snap = network_snapshot(uow, ctx)
            records = [
                r
                for r in uow.list("virtual_interface", account=ACCOUNT)
                if r.id in snap.network.vifs
            ]
            sim_vifs = views(uow, ctx, records)
            sim_routes = route_set(
                list_virtual_interface_routes(uow, ctx, {"virtualInterfaceId": vif_id})["routes"]
            )
            sim_verify = verify_route(uow, ctx, {"count": 2, "public": "true"})
    finally:
        store.close()

    def describe(vifs: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            v["virtualInterfaceId"]: (
                v["virtualInterfaceState"],
                [p["bgpStatus"] for p in v["bgpPeers"]],
            )
            for v in vifs
        }

    def verified(v: dict[str, Any]) -> list[Any]:
        return [
            (
                p["site"],
                p["vpc"],
                p["public"],
                p["source"],
                p["destination"],
                p["reachable"],
                p["ping"]["received"] > 0,
                [h["resource"] for h in p["hops"]],
            )
            for p in v["pairs"]
        ]

    assert describe(lab_vifs) == describe(sim_vifs) == {vif_id: ("available", ["up"])}
    assert lab_routes == sim_routes
    assert verified(lab_verify) == verified(sim_verify)


def test_an_ipv6_peer_comes_up_next_to_ipv4_as_the_sim_says(
    lab_server: LabServer, built: dict[str, Any]
) -> None:
    """Dual stack, the sessions: an IPv6 BGP peer on Amazon's /125 comes up in BIRD and
    FRR beside the IPv4 one, and Describe reads the same from the lab as from the sim. (The
    sample of Amazon's prefixes is IPv4 only: nothing is advertised over it.)"""
    dx, vif_id = built["dx"], built["vif"]
    dx.create_bgp_peer(
        virtualInterfaceId=vif_id, newBGPPeer={"addressFamily": "ipv6", "asn": 65001}
    )

    def statuses() -> dict[str, str]:
        peers = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0][
            "bgpPeers"
        ]
        return {p["addressFamily"]: p["bgpStatus"] for p in peers}

    wait_for(
        lambda: statuses() == {"ipv4": "up", "ipv6": "up"},
        CONVERGE_S,
        "the IPv6 session up beside IPv4",
        step=0.5,
    )
    session = lab_server.plan(ACCOUNT).session(vif_id, "ipv6")
    assert ":" in session.amazon_ip and "Established" in lab_server.birdc(
        session.device_ns, "show", "protocols", session.protocol
    )
    store = open_store(lab_server.server.db)
    try:
        with store.read() as uow:
            ctx = Context(account=ACCOUNT)
            snap = network_snapshot(uow, ctx)
            records = [r for r in uow.list("virtual_interface", account=ACCOUNT) if r.id == vif_id]
            sim = {
                p["addressFamily"]: p["bgpStatus"] for p in views(uow, ctx, records)[0]["bgpPeers"]
            }
    finally:
        store.close()
    assert snap.network.vifs[vif_id].sessions and sim == statuses()


DUAL = "520987654321"
DUAL_TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
{adverts}
"""


def test_the_route_limit_holds_per_family_in_bird_as_in_the_sim(lab_server: LabServer) -> None:
    """Dual stack, the limit (limits.md: 100 routes per BGP session of a private VIF, per
    address family): 100 IPv6 prefixes come in over the IPv6 session beside IPv4; the
    101st takes only the IPv6 session down in BIRD, as the sim says."""
    server = lab_server.server
    dx = server.client(DUAL)
    cid = connection(dx, location="EqDC2")
    vgw = ext(
        server.endpoint, "POST", "/virtual-gateways", {"vpcCidrs": ["10.100.0.0/16"]}, account=DUAL
    )["virtualGatewayId"]
    vif_id = dx.create_private_virtual_interface(
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "dual",
            "vlan": 120,
            "asn": 65000,
            "virtualGatewayId": vgw,
        },
    )["virtualInterfaceId"]
    dx.create_bgp_peer(
        virtualInterfaceId=vif_id, newBGPPeer={"addressFamily": "ipv6", "asn": 65000}
    )

    def load(v6: int) -> None:
        adverts = ["          - {prefix: 10.1.0.0/16}"]
        adverts += [f"          - {{prefix: '2600:1f18:{i:x}::/48'}}" for i in range(v6)]
        text = DUAL_TOPOLOGY.format(cid=cid, adverts="\n".join(adverts))
        ext(server.endpoint, "PUT", "/topology", {"yaml": text}, account=DUAL)

    def lab_view() -> tuple[dict[str, str], dict[str, int]]:
        peers = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0][
            "bgpPeers"
        ]
        counts: dict[str, int] = {}
        for r in dx.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"]:
            if r["routeDirection"] == "accepted":
                counts[r["addressFamily"]] = counts.get(r["addressFamily"], 0) + 1
        return {p["addressFamily"]: p["bgpStatus"] for p in peers}, counts

    def sim_view() -> tuple[dict[str, str], dict[str, int]]:
        store = open_store(server.db)
        try:
            with store.read() as uow:
                ctx = Context(account=DUAL)
                records = [r for r in uow.list("virtual_interface", account=DUAL) if r.id == vif_id]
                peers = views(uow, ctx, records)[0]["bgpPeers"]
                found = list_virtual_interface_routes(uow, ctx, {"virtualInterfaceId": vif_id})[
                    "routes"
                ]
        finally:
            store.close()
        counts: dict[str, int] = {}
        for r in found:
            if r["routeDirection"] == "accepted":
                counts[r["addressFamily"]] = counts.get(r["addressFamily"], 0) + 1
        return {p["addressFamily"]: p["bgpStatus"] for p in peers}, counts

    load(100)
    within = ({"ipv4": "up", "ipv6": "up"}, {"ipv4": 1, "ipv6": 100})
    wait_for(
        lambda: lab_view() == within, CONVERGE_S, "100 IPv6 prefixes accepted beside IPv4", step=0.5
    )
    assert sim_view() == within
    load(101)
    over = ({"ipv4": "up", "ipv6": "down"}, {"ipv4": 1})
    wait_for(
        lambda: lab_view() == over,
        CONVERGE_S,
        "the 101st IPv6 prefix takes only the IPv6 session down",
        step=0.5,
    )
    assert sim_view() == over
