"""Dual stack on real packets: a VPC with an IPv6 CIDR behind a VGW, a private VIF with
an IPv4 and an IPv6 BGP peer (Amazon's /125), a data center advertising an IPv4 and an
IPv6 prefix. `dxlab verify --ipv6` runs ping -6 and traceroute -6 from the data center's
namespace to the instance's IPv6 address across the VIF's IPv6 session, the Direct
Connect hop named; the sim predicts the same; with the IPv6 peer gone, IPv6 fails and
IPv4 still answers, in both planes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.service.context import Context
from dxlab.service.customer.verify import verify_route
from dxlab.store import open_store
from tests.lab_support import LabServer, running_lab, wait_for
from tests.vif_support import connection

ACCOUNT = "530987654321"
CONVERGE_S = 60.0
INSTANCE6 = "2600:1f18:aa00:1::10"

TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
          - {{prefix: 10.1.0.0/16}}
          - {{prefix: '2a02:1388:100::/48'}}
vpcs:
  prod:
    cidr: 10.100.0.0/16
    instance: 10.100.1.10
    ipv6_cidr: '2600:1f18:aa00::/56'
    ipv6_instance: '{instance6}'
    gateway: {vgw}
"""


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from running_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def built(lab_server: LabServer) -> dict[str, Any]:
    server = lab_server.server
    dx = server.client(ACCOUNT)
    cid = connection(dx, location="EqDC2")
    vgw = ext(
        server.endpoint,
        "POST",
        "/virtual-gateways",
        {"vpcCidrs": ["10.100.0.0/16", "2600:1f18:aa00::/56"]},
        account=ACCOUNT,
    )["virtualGatewayId"]
    vif_id = dx.create_private_virtual_interface(
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "dual",
            "vlan": 130,
            "asn": 65000,
            "virtualGatewayId": vgw,
        },
    )["virtualInterfaceId"]
    dx.create_bgp_peer(
        virtualInterfaceId=vif_id, newBGPPeer={"addressFamily": "ipv6", "asn": 65000}
    )
    ext(
        server.endpoint,
        "PUT",
        "/topology",
        {"yaml": TOPOLOGY.format(cid=cid, vgw=vgw, instance6=INSTANCE6)},
        account=ACCOUNT,
    )
    return {"dx": dx, "cid": cid, "vif": vif_id, "vgw": vgw}


def cli_verify(lab: LabServer, *flags: str) -> tuple[int, dict[str, Any]]:
    env = {**lab.env(), "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "dxlab-test-secret"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "verify",
            *flags,
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


def sim_verify(lab: LabServer, **args: Any) -> dict[str, Any]:
    store = open_store(lab.server.db)
    try:
        with store.read() as uow:
            return verify_route(uow, Context(account=ACCOUNT), {"count": 2, **args})
    finally:
        store.close()


def test_ping6_and_traceroute6_cross_the_ipv6_session(
    lab_server: LabServer, built: dict[str, Any]
) -> None:
    def answered() -> Any:
        # Ping may answer a moment before traceroute -6 gets every hop (a router's ICMPv6
        # rate limit, routes still settling): wait, bounded, for both.
        code, result = cli_verify(lab_server, "--ipv6")
        hops = result.get("hops") or []
        traced = bool(hops) and hops[-1]["address"] == INSTANCE6
        return result if code == 0 and traced and all(h["address"] != "*" for h in hops) else None

    result = wait_for(answered, CONVERGE_S, "ping -6 and traceroute -6 answered", step=1.0)
    assert result["dataPlane"] == "lab" and result["family"] == "ipv6"
    assert (result["source"], result["destination"]) == ("2a02:1388:100::1", INSTANCE6)
    assert result["ping"]["received"] >= 1
    dx = built["dx"]
    v6 = next(
        p
        for p in dx.describe_virtual_interfaces(virtualInterfaceId=built["vif"])[
            "virtualInterfaces"
        ][0]["bgpPeers"]
        if p["addressFamily"] == "ipv6"
    )
    hops = result["hops"]
    assert hops[0]["resource"] == "customer router dc1-r1 (dc1)", hops
    dx_hop = next(h for h in hops if h["resource"].startswith(built["vif"]))
    assert (
        dx_hop["address"] == v6["amazonAddress"].split("/")[0]
        and f"on {built['cid']}" in dx_hop["resource"]
    )
    assert hops[-1] == {"address": INSTANCE6, "resource": f"instance {INSTANCE6} in prod"}
    sim = sim_verify(lab_server, ipv6="true")
    assert (sim["reachable"], sim["source"], sim["destination"]) == (
        True,
        result["source"],
        INSTANCE6,
    )
    assert [h["resource"] for h in sim["hops"]] == [h["resource"] for h in hops]


def test_without_the_ipv6_peer_ipv6_fails_and_ipv4_answers(
    lab_server: LabServer, built: dict[str, Any]
) -> None:
    dx = built["dx"]
    peer = next(
        p
        for p in dx.describe_virtual_interfaces(virtualInterfaceId=built["vif"])[
            "virtualInterfaces"
        ][0]["bgpPeers"]
        if p["addressFamily"] == "ipv6"
    )
    dx.delete_bgp_peer(virtualInterfaceId=built["vif"], bgpPeerId=peer["bgpPeerId"])

    def failed() -> Any:
        code, result = cli_verify(lab_server, "--ipv6")
        return result if code == 1 and not result["reachable"] else None

    result = wait_for(failed, CONVERGE_S, "ping -6 fails once the IPv6 peer is deleted", step=1.0)
    assert result["ping"]["received"] == 0
    assert not sim_verify(lab_server, ipv6="true")["reachable"]
    # IPv4 answers (the router's configuration was applied anew without the IPv6 peer: its
    # IPv4 session may take a moment to settle in the lab).
    v4 = wait_for(
        lambda: cli_verify(lab_server)[1]["reachable"], CONVERGE_S, "IPv4 still answers", step=1.0
    )
    assert v4 and sim_verify(lab_server)["reachable"]
