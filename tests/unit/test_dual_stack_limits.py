"""Dual stack in milliseconds (limits.md: "Maximum number of routes for each Border
Gateway Protocol session on a private virtual interface: 100", counted per address
family): an IPv6 peer (Amazon's /125) beside the IPv4 one; 101 IPv6 prefixes take the
IPv6 session idle and leave IPv4 up with its route, and 100 are within the limit."""

from __future__ import annotations

from dxlab.domain.errors import ValidationError
from tests.unit.service import Service

TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
{adverts}
"""


def dual_stack(dx: Service, v6_prefixes: int) -> str:
    cid = dx.connection(location="EqDC2")
    vgw = dx.virtual_gateway("10.100.0.0/16")
    vif_id = str(dx.private_vif(cid, vgw, vlan=120)["virtualInterfaceId"])
    dx.call(
        "CreateBGPPeer",
        virtualInterfaceId=vif_id,
        newBGPPeer={"addressFamily": "ipv6", "asn": 65000},
    )
    adverts = ["          - {prefix: 10.1.0.0/16}"]
    adverts += [f"          - {{prefix: '2600:1f18:{i:x}::/48'}}" for i in range(v6_prefixes)]
    dx.ext("PUT", "/topology", yaml=TOPOLOGY.format(cid=cid, adverts="\n".join(adverts)))
    return vif_id


def status(dx: Service, vif_id: str) -> dict[str, str]:
    return {p["addressFamily"]: p["bgpStatus"] for p in dx.vif(vif_id)["bgpPeers"]}


def accepted(dx: Service, vif_id: str) -> dict[str, int]:
    found = dx.call("ListVirtualInterfaceRoutes", virtualInterfaceId=vif_id)["routes"]
    out: dict[str, int] = {}
    for r in found:
        if r["routeDirection"] == "accepted":
            out[r["addressFamily"]] = out.get(r["addressFamily"], 0) + 1
    return out


def test_101_ipv6_prefixes_take_only_the_ipv6_session_idle(dx: Service) -> None:
    vif_id = dual_stack(dx, 101)
    assert status(dx, vif_id) == {"ipv4": "up", "ipv6": "down"}
    assert accepted(dx, vif_id) == {"ipv4": 1}


def test_100_ipv6_prefixes_are_within_the_limit(dx: Service) -> None:
    vif_id = dual_stack(dx, 100)
    assert status(dx, vif_id) == {"ipv4": "up", "ipv6": "up"}
    assert accepted(dx, vif_id) == {"ipv4": 1, "ipv6": 100}


DUAL_TOPOLOGY = """\
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
    ipv6_instance: '2600:1f18:aa00:1::10'
    gateway: {vgw}
"""


def dual_vpc(dx: Service, v6_peer: bool = True) -> tuple[str, str]:
    cid = dx.connection(location="EqDC2")
    vgw = str(
        dx.ext("POST", "/virtual-gateways", vpcCidrs=["10.100.0.0/16", "2600:1f18:aa00::/56"])[
            "virtualGatewayId"
        ]
    )
    vif_id = str(dx.private_vif(cid, vgw, vlan=121)["virtualInterfaceId"])
    if v6_peer:
        dx.call(
            "CreateBGPPeer",
            virtualInterfaceId=vif_id,
            newBGPPeer={"addressFamily": "ipv6", "asn": 65000},
        )
    dx.ext("PUT", "/topology", yaml=DUAL_TOPOLOGY.format(cid=cid, vgw=vgw))
    return cid, vif_id


def test_verify_ipv6_reaches_the_instance_over_the_ipv6_session(dx: Service) -> None:
    cid, vif_id = dual_vpc(dx)
    result = dx.ext("GET", "/verify", ipv6="true", count=2)
    assert result["reachable"], result["reason"]
    assert (result["source"], result["destination"], result["family"]) == (
        "2a02:1388:100::1",
        "2600:1f18:aa00:1::10",
        "ipv6",
    )
    v6 = next(p for p in dx.vif(vif_id)["bgpPeers"] if p["addressFamily"] == "ipv6")
    hops = result["hops"]
    assert hops[1]["address"] == v6["amazonAddress"].split("/")[0] and hops[1][
        "resource"
    ].startswith(f"{vif_id} (VLAN 121) on {cid}")
    assert (
        hops[-2]["address"] == "2600:1f18:aa00::1" and hops[-1]["address"] == "2600:1f18:aa00:1::10"
    )
    advertised = {
        r["cidr"]
        for r in dx.call("ListVirtualInterfaceRoutes", virtualInterfaceId=vif_id)["routes"]
        if r["routeDirection"] == "advertised" and r["addressFamily"] == "ipv6"
    }
    assert advertised == {"2600:1f18:aa00::/56"}


def test_without_an_ipv6_peer_verify_ipv6_fails_clearly(dx: Service) -> None:
    dual_vpc(dx, v6_peer=False)
    result = dx.ext("GET", "/verify", ipv6="true")
    assert not result["reachable"] and "no IPv6 BGP session is up" in result["reason"]
    # IPv4 is unaffected.
    assert dx.ext("GET", "/verify")["reachable"]


def test_a_bad_ipv6_instance_is_refused_at_load(dx: Service) -> None:
    cid = dx.connection(location="EqDC2")
    vgw = dx.virtual_gateway("10.100.0.0/16")
    bad = DUAL_TOPOLOGY.format(cid=cid, vgw=vgw).replace(
        "2600:1f18:aa00:1::10", "2600:1f18:bb00::10"
    )
    dx.ext_refused(
        ValidationError,
        ("ipv6_instance 2600:1f18:bb00::10", "inside"),
        "PUT",
        "/topology",
        yaml=bad,
    )
