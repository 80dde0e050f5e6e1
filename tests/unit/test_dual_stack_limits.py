"""Dual stack in milliseconds (limits.md: "Maximum number of routes for each Border
Gateway Protocol session on a private virtual interface: 100", counted per address
family): an IPv6 peer (Amazon's /125) beside the IPv4 one; 101 IPv6 prefixes take the
IPv6 session idle and leave IPv4 up with its route, and 100 are within the limit."""

from __future__ import annotations

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
    dx.call("CreateBGPPeer", virtualInterfaceId=vif_id, newBGPPeer={"addressFamily": "ipv6", "asn": 65000})
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
