"""What the lab would build for SiteLink and for a transit gateway (planning only, no
root): lab/sitelink.py's namespace between the AWS devices, the routes each SiteLink
session sends, the routers' allowas-in; lab/transit.py's transit gateway hop."""

from __future__ import annotations

import dataclasses

from dxlab.domain.topology import Advertisement
from dxlab.lab.model import Lab
from dxlab.lab.plan import AccountNetwork, build_lab
from dxlab.routing.dualstack import verify_ipv6
from dxlab.routing.network import Association, AwsGateway, Session
from dxlab.routing.paths import Paths, all_states
from dxlab.routing.probe import verify
from dxlab.routing.sitelink import sitelink_address
from dxlab.routing.transit import transit_gateway_address, transit_gateway_address6
from tests.networks import DXGW
from tests.test_lab_plan import ACCOUNT, docs
from tests.test_sitelink import two_sites

TGW = "tgw-0123456789abcdef0"


def config(lab: Lab, ns_part: str) -> str:
    return next(d.config for d in lab.daemons if ns_part in d.ns)


def test_sitelink_is_planned_between_the_devices_of_its_vifs() -> None:
    net = two_sites(sitelink=True, wan=False)
    lab = build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")
    (sl,) = [n for n in lab.namespaces if n.role == "sl"]
    assert sl.resource == DXGW and sl.loopback == (f"{sitelink_address(DXGW)}/32",)
    assert lab.resources[sitelink_address(DXGW)] == f"{DXGW} (SiteLink over the AWS network)"
    # One link from each device carrying a SiteLink VIF; iBGP from both, reflected.
    assert sorted(v.purpose for v in lab.veths if v.b.ns == sl.name) == [
        f"SiteLink of {DXGW}: AWS device CSVA1-dev1",
        f"SiteLink of {DXGW}: AWS device EqDC2-dev1",
    ]
    assert config(lab, "-sl-").count("rr client;") == 2
    # dc1's VIF sends what SiteLink brought, never dc1's own prefix.
    device = config(lab, "-dev-EqDC2-dev1")
    assert '|| ((proto = "sl0") && net !~ [ 10.1.0.0/16 ]);' in device
    assert "protocol bgp sl0 {" in device and 'export where proto = "v_dxvif_00000001_4";' in device
    # What arrives over SiteLink is answered from the SiteLink VIF's Amazon address.
    assert "import filter { krt_prefsrc = 169.254.1.1; accept; };" in device
    # The router takes the other data center's prefix with its own ASN in the path.
    assert "neighbor 169.254.1.1 allowas-in 1" in config(lab, "-rtr-r1")
    # dc1's core refuses only dc1's own announcements from its routers.
    assert "import where net !~ [ 10.1.0.0/16 ];" in config(lab, "-site-dc1")

    off = two_sites(sitelink=False, wan=False)
    plain = build_lab([AccountNetwork(ACCOUNT, off, docs(off))], "dxu")
    assert not [n for n in plain.namespaces if n.role == "sl"]
    assert "sl0" not in config(plain, "-dev-EqDC2-dev1")
    assert "allowas-in" not in config(plain, "-rtr-r1")


def test_a_transit_gateway_answers_traceroute_for_itself() -> None:
    base = two_sites(sitelink=False, wan=False)
    vpcs = (
        dataclasses.replace(base.topology.vpcs[0], name="a", gateway=TGW),
        dataclasses.replace(
            base.topology.vpcs[0],
            name="b",
            cidr="10.200.0.0/16",
            instance="10.200.1.4",
            gateway=TGW,
        ),
    )
    net = dataclasses.replace(
        base,
        gateways={TGW: AwsGateway(TGW, 65010, "us-east-1", ("10.100.0.0/16", "10.200.0.0/16"))},
        associations=(Association(DXGW, TGW, ("10.100.0.0/16",)),),
        topology=dataclasses.replace(base.topology, vpcs=vpcs),
        vpc_gateways={},
    )
    lab = build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")
    (gw,) = [n for n in lab.namespaces if n.role == "gw"]
    address = transit_gateway_address(TGW)
    assert gw.resource == TGW and gw.loopback == (f"{address}/32",)
    assert lab.resources[address] == f"{TGW} (transit gateway)"
    assert f"krt_prefsrc = {address};" in config(lab, "-gw-")
    # Both VPCs sit behind it; only the allowed prefix is advertised.
    assert {k[1] for k in lab.vpcs} == {"a", "b"}
    assert "export where net ~ [ 10.100.0.0/16 ];" in config(lab, "-dev-EqDC2-dev1")
    # The sim: the transit gateway's hop in the trace to "a"; "b" unreachable, and why.
    paths = Paths(net, all_states(net))
    a = verify(net, paths, "dc1", vpcs[0])
    assert a.reachable and [h.resource for h in a.hops][-2:] == [
        f"{TGW} (transit gateway)",
        "instance 10.100.1.10 in a",
    ]
    b = verify(net, paths, "dc1", vpcs[1])
    assert not b.reachable and b.reason == (
        f"10.200.0.0/16 is outside the allowed prefixes of {TGW}'s association with {DXGW}"
        " (10.100.0.0/16), so AWS does not advertise it to the data centers"
    )


def test_a_transit_gateway_answers_traceroute_6_for_itself() -> None:
    """Dual stack behind a transit gateway: the IPv6 trace names the transit gateway too,
    in the lab's plan (lab/dualstack.py) and in the sim (routing/dualstack.py)."""
    base = two_sites(sitelink=False, wan=False)
    vpc = dataclasses.replace(
        base.topology.vpcs[0],
        name="a",
        gateway=TGW,
        ipv6_cidr="2600:1f18:aa00::/56",
        ipv6_instance="2600:1f18:aa00:1::10",
    )
    v6 = "2001:db8:1::/48"
    routers = tuple(
        dataclasses.replace(r, advertise=(*r.advertise, Advertisement(v6)))
        if r.site == "dc1"
        else r
        for r in base.topology.routers
    )
    vifs = {
        k: dataclasses.replace(
            v,
            sessions=(
                *v.sessions,
                Session(k, "ipv6", f"p6-{k}", f"fd00:{i}::1/125", f"fd00:{i}::2/125"),
            ),
        )
        for i, (k, v) in enumerate(sorted(base.vifs.items()), start=1)
    }
    net = dataclasses.replace(
        base,
        vifs=vifs,
        gateways={TGW: AwsGateway(TGW, 65010, "us-east-1", ("10.100.0.0/16", vpc.ipv6_cidr))},
        associations=(Association(DXGW, TGW, ("10.100.0.0/16", vpc.ipv6_cidr)),),
        topology=dataclasses.replace(base.topology, vpcs=(vpc,), routers=routers),
        vpc_gateways={},
    )
    lab = build_lab([AccountNetwork(ACCOUNT, net, docs(net))], "dxu")
    (gw,) = [n for n in lab.namespaces if n.role == "gw"]
    address6 = transit_gateway_address6(TGW)
    assert f"{address6}/128" in gw.loopback
    assert lab.resources[address6] == f"{TGW} (transit gateway)"
    assert f"krt_prefsrc = {address6};" in config(lab, "-gw-")
    traced = verify_ipv6(net, Paths(net, all_states(net)), "dc1", vpc)
    assert traced.reachable, traced.reason
    assert [(h.address, h.resource) for h in traced.hops][-2:] == [
        (address6, f"{TGW} (transit gateway)"),
        ("2600:1f18:aa00:1::10", "instance 2600:1f18:aa00:1::10 in a"),
    ]
