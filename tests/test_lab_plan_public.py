"""The lab's plan for step 5 for the AWS Cloud and for dual stack, without root: an
account with a public VIF (approved prefixes) and a private VIF with an IPv6 peer to a
VGW whose VPC has an IPv6 CIDR. Every BIRD configuration of that lab loads in BIRD's own
parser (`bird -p`), and the plan holds the AWS public service and the IPv6 half where
lab/public.py and lab/dualstack.py put them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dxlab.bootstrap import lab_networks
from dxlab.domain import aws_public_prefixes as amazon
from dxlab.lab.model import Lab
from dxlab.lab.plan import build_lab
from dxlab.service.context import Settings
from tests.unit.service import Service, start

TOPOLOGY = """\
customer_asn: 65001
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{pub}, {priv}]
        advertise:
          - {{prefix: 45.60.12.0/24, communities: ["7224:9100"]}}
          - {{prefix: 45.60.13.0/24}}
          - {{prefix: '2a02:1388:100::/48'}}
vpcs:
  prod:
    cidr: 10.100.0.0/16
    instance: 10.100.1.10
    ipv6_cidr: '2600:1f18:aa00::/56'
    ipv6_instance: '2600:1f18:aa00:1::10'
    gateway: {vgw}
"""


@pytest.fixture(scope="module")
def lab() -> Lab:
    dx: Service = start()
    pub, priv = (
        dx.connection(name="pub", location="EqDC2"),
        dx.connection(name="priv", location="EqDC2"),
    )
    spec = {
        "virtualInterfaceName": "pub",
        "vlan": 300,
        "asn": 65001,
        "amazonAddress": "45.61.44.1/30",
        "customerAddress": "45.61.44.2/30",
        "routeFilterPrefixes": [{"cidr": "45.60.12.0/24"}],
    }
    vif = dx.call("CreatePublicVirtualInterface", connectionId=pub, newPublicVirtualInterface=spec)[
        "virtualInterfaceId"
    ]
    dx.ext("POST", f"/virtual-interfaces/{vif}/approve-prefixes")
    vgw = dx.ext("POST", "/virtual-gateways", vpcCidrs=["10.100.0.0/16", "2600:1f18:aa00::/56"])[
        "virtualGatewayId"
    ]
    dual = dx.private_vif(priv, vgw, vlan=130)["virtualInterfaceId"]
    dx.call(
        "CreateBGPPeer", virtualInterfaceId=dual, newBGPPeer={"addressFamily": "ipv6", "asn": 65001}
    )
    dx.ext("PUT", "/topology", yaml=TOPOLOGY.format(pub=pub, priv=priv, vgw=vgw))
    with dx.app.bus.store.read() as uow:
        return build_lab(lab_networks(uow, Settings()), "dxp")


def test_every_bird_configuration_loads(lab: Lab, tmp_path: Path) -> None:
    bird = shutil.which("bird")
    assert bird, "bird 2 is needed (make system-packages)"
    birds = [d for d in lab.daemons if d.kind == "bird"]
    assert len(birds) >= 4  # the device, the VGW, the AWS public service, the data center's core
    for d in birds:
        conf = tmp_path / f"{d.ns}.conf"
        conf.write_text(d.config)
        done = subprocess.run(
            [bird, "-p", "-c", str(conf)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"{d.ns}: {done.stderr}\n{d.config}"


def test_the_public_service_and_the_device_side_of_the_public_vif(lab: Lab) -> None:
    service = next(n for n in lab.namespaces if n.resource == "aws-public-us-east-1")
    assert service.role == "gw" and service.loopback == (
        f"{amazon.service_address('us-east-1')}/32",
    )
    assert lab.resources[amazon.service_address("us-east-1")] == "AWS public service (us-east-1)"
    device = next(
        d.config
        for d in lab.daemons
        if d.ns in lab.devices.values() and "52.95.245.0/24" in d.config
    )
    assert "route 52.95.245.0/24 via" in device and "bgp_community.add((7224,8100))" in device
    assert "if net !~ [ 45.60.12.0/24+ ] then reject;" in device  # only the approved prefix
    assert "bgp_community.add((65535,65281))" in device  # NO_EXPORT on the way out


def test_the_ipv6_half(lab: Lab) -> None:
    vpc = next(n for n in lab.namespaces if n.role == "vpc")
    assert "::/0 via 2600:1f18:aa00::1" in vpc.routes
    link = next(v for v in lab.veths if v.b.ns == vpc.name)
    assert "2600:1f18:aa00:1::10/56" in link.b.addrs and "2600:1f18:aa00::1/56" in link.a.addrs
    site = next(n for n in lab.namespaces if n.role == "site")
    assert "2a02:1388:100::1/128" in site.loopback
    device = next(
        d.config for d in lab.daemons if d.ns in lab.devices.values() and "vpcs6" in d.config
    )
    assert "protocol static vpcs6" in device and "route 2600:1f18:aa00::/56 via fd64:" in device
    router = next(d.config for d in lab.daemons if d.kind == "frr")
    assert "address-family ipv6 unicast" in router and "neighbor fd65::1 activate" in router
