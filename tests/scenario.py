"""The maximum resiliency walk-through as tests need it: the wizard's four connections,
a VGW behind a Direct Connect gateway, one private VIF per connection, and a customer
topology with two data centers and one router per connection."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from dxlab.cli.client import ext

TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{c0}]
        advertise:
          - {{prefix: 10.1.0.0/16}}
          - {{prefix: 10.2.0.0/16, communities: ["7224:7100"]}}
      dc1-r2:
        connections: [{c1}]
        advertise:
          - {{prefix: 10.1.0.0/16}}
          - {{prefix: 10.2.0.0/16, communities: ["7224:7100"]}}
  dc2:
    routers:
      dc2-r1:
        connections: [{c2}]
        advertise:
          - {{prefix: 10.2.0.0/16}}
          - {{prefix: 10.1.0.0/16, communities: ["7224:7100"]}}
      dc2-r2:
        connections: [{c3}]
        advertise:
          - {{prefix: 10.2.0.0/16}}
          - {{prefix: 10.1.0.0/16, communities: ["7224:7100"]}}
vpcs:
  prod:
    cidr: 10.100.0.0/16
    instance: 10.100.1.10
    icmp: {icmp}
    gateway: {vgw}
"""


@dataclass
class Scenario:
    connections: list[str]
    vifs: list[str]
    vgw: str
    dx_gateway: str
    topology: str


def maximum(
    server: Any,
    dx: Any,
    account: str,
    *,
    locations: tuple[str, str] = ("EqDC2", "CSVA1"),
    icmp: bool = True,
    model: str = "maximum",
) -> Scenario:
    order = ext(
        server.endpoint,
        "POST",
        "/wizard/order",
        {"model": model, "bandwidth": "10Gbps", "locations": list(locations)},
        account=account,
    )
    conns = order["connectionIds"]
    vgw = ext(
        server.endpoint,
        "POST",
        "/virtual-gateways",
        {"vpcCidrs": ["10.100.0.0/16"]},
        account=account,
    )["virtualGatewayId"]
    dxgw = dx.create_direct_connect_gateway(directConnectGatewayName="dxgw", amazonSideAsn=64512)[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    dx.create_direct_connect_gateway_association(directConnectGatewayId=dxgw, gatewayId=vgw)
    vifs = []
    for i, cid in enumerate(conns):
        made = dx.create_private_virtual_interface(
            connectionId=cid,
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"vif-{i}",
                "vlan": 101 + i,
                "asn": 65000,
                "directConnectGatewayId": dxgw,
            },
        )
        vifs.append(made["virtualInterfaceId"])
    text = TOPOLOGY.format(
        c0=conns[0],
        c1=conns[1 % len(conns)],
        c2=conns[2 % len(conns)],
        c3=conns[3 % len(conns)],
        vgw=vgw,
        icmp="true" if icmp else "false",
    )
    if len(conns) < 4:  # smaller models: one router per connection, the rest unpatched
        text = _trim(text, len(conns))
    ext(server.endpoint, "PUT", "/topology", {"yaml": text}, account=account)
    _wait_available(dx, vifs)
    return Scenario(conns, vifs, vgw, dxgw, text)


def _trim(text: str, n: int) -> str:
    import yaml

    data = yaml.safe_load(text)
    routers = [(s, r) for s, site in data["sites"].items() for r in site["routers"]]
    for site, router in routers[n:]:
        del data["sites"][site]["routers"][router]
    data["sites"] = {s: v for s, v in data["sites"].items() if v["routers"]}
    return yaml.safe_dump(data, sort_keys=False)


def _wait_available(dx: Any, vifs: list[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = {
            v["virtualInterfaceState"]
            for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
            if v["virtualInterfaceId"] in vifs
        }
        if states == {"available"}:
            return
        time.sleep(0.1)
    raise AssertionError(f"VIFs not available after {timeout} s: {states}")
