"""The same-Region preference of routing-and-bgp.md, per destination VPC: one Direct
Connect gateway with a connection in us-east-1 and one in us-west-2, a VPC in each Region.
"For routes learned from Direct Connect location with a different associated Region as
the local Region, the local preference is lowered": the local Region is the one of the VPC
whose traffic is routed, so each VPC prefers its own Region's location. Local-preference
communities override it; AS_PATH prepending does not work across Regions. The sim's one
rule (routing/bgp.local_preference) and the lab's plan of it (lab/plan.py) are both held
here; tests/test_lab_parity.py holds them against each other on real daemons."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from dxlab.domain.topology import Advertisement, Vpc
from dxlab.lab.plan import AccountNetwork, build_lab
from dxlab.routing.bgp import DEFAULT_LOCAL_PREF, OTHER_REGION_LOCAL_PREF
from dxlab.routing.network import Association, AwsGateway, Failure, Network, Session
from dxlab.routing.paths import Paths, all_states
from dxlab.toolkit.analyzer import analyze
from tests.networks import DXGW, build
from tests.test_lab_plan import docs

EAST_VGW, WEST_VGW = "vgw-0eeeeeeeeeeeeeee1", "vgw-0wwwwwwwwwwwwwww2"
EAST_VIF, WEST_VIF, EAST_VIF_2 = "dxvif-00000001", "dxvif-00000002", "dxvif-00000003"
LAYOUT = [
    ("dxcon-east0001", "EqDC2", "EqDC2-dev1", "dc1"),
    ("dxcon-west0001", "EqSe2-EQ", "EqSe2-EQ-dev1", "dc1"),
    ("dxcon-east0002", "CSVA1", "CSVA1-dev1", "dc1"),
]
REGIONS = {EAST_VIF: "us-east-1", WEST_VIF: "us-west-2", EAST_VIF_2: "us-east-1"}
VPC_EAST = Vpc("vpc-east", "10.100.0.0/16", "10.100.1.10", True, EAST_VGW)
VPC_WEST = Vpc("vpc-west", "10.200.0.0/16", "10.200.1.10", True, WEST_VGW, region="us-west-2")
PLAIN = Advertisement("10.1.0.0/16")


def two_regions(adverts: dict[str, Advertisement] | None = None, connections: int = 2) -> Network:
    """r1 on the us-east-1 connection, r2 on the us-west-2 one (r3 on a second us-east-1
    connection), each advertising 10.1.0.0/16 as `adverts` says (plainly by default)."""
    chosen = {f"r{i}": [(adverts or {}).get(f"r{i}", PLAIN)] for i in range(1, connections + 1)}
    net = build(LAYOUT[:connections], router_adverts=chosen)
    vifs = {k: replace(v, location_region=REGIONS[k]) for k, v in net.vifs.items()}
    topology = replace(net.topology, vpcs=(VPC_EAST, VPC_WEST))
    return replace(
        net,
        vifs=vifs,
        gateways={
            EAST_VGW: AwsGateway(EAST_VGW, 64512, "us-east-1", (VPC_EAST.cidr,)),
            WEST_VGW: AwsGateway(WEST_VGW, 64513, "us-west-2", (VPC_WEST.cidr,)),
        },
        associations=(
            Association(DXGW, EAST_VGW, (VPC_EAST.cidr,)),
            Association(DXGW, WEST_VGW, (VPC_WEST.cidr,)),
        ),
        topology=topology,
        vpc_gateways={"vpc-east": EAST_VGW, "vpc-west": WEST_VGW},
    )


def back(net: Network, vpc: Vpc, failed: list[Failure] | None = None) -> set[str]:
    """The VIFs AWS sends `vpc`'s traffic toward dc1 over."""
    return {k[0] for k in Paths(net, all_states(net, failed or [])).back("dc1", vpc)}


def test_each_vpc_prefers_its_own_regions_location() -> None:
    net = two_regions()
    assert back(net, VPC_EAST) == {EAST_VIF}
    assert back(net, VPC_WEST) == {WEST_VIF}
    # Both VIFs carry both VPCs' prefixes: the customer sends to either over both.
    paths = Paths(net, all_states(net))
    assert {k[0] for k in paths.forward("dc1", VPC_EAST)} == {EAST_VIF, WEST_VIF}
    # The analyzer sees it too: each VPC's way back is its own Region's VIF, and neither
    # VIF is a backup that local preference never uses.
    result = analyze(net)
    assert {b["vpc"]: b["back"] for b in result.baseline} == {
        "vpc-east": [EAST_VIF],
        "vpc-west": [WEST_VIF],
    }
    assert not [f for f in result.findings if f["kind"] == "backup-never-used"], result.findings


def test_when_its_regions_location_fails_a_vpc_fails_over_to_the_other_region() -> None:
    net = two_regions()
    east_down = [Failure("location", "EqDC2")]
    assert back(net, VPC_EAST, east_down) == {WEST_VIF}
    assert back(net, VPC_WEST, east_down) == {WEST_VIF}
    assert Paths(net, all_states(net, east_down)).pair("dc1", VPC_EAST).reachable
    west_down = [Failure("location", "EqSe2-EQ")]
    assert back(net, VPC_WEST, west_down) == {EAST_VIF}
    assert back(net, VPC_EAST, west_down) == {EAST_VIF}


def test_a_local_preference_community_overrides_the_region() -> None:
    # 7224:7300 on the us-west-2 location's route: high beats the lowered default.
    high = two_regions({"r2": Advertisement("10.1.0.0/16", ("7224:7300",))})
    assert back(high, VPC_EAST) == {WEST_VIF} and back(high, VPC_WEST) == {WEST_VIF}
    # 7224:7100 on the us-east-1 route: low (100) is below another Region's default (150).
    low = two_regions({"r1": Advertisement("10.1.0.0/16", ("7224:7100",))})
    assert back(low, VPC_EAST) == {WEST_VIF} and back(low, VPC_WEST) == {WEST_VIF}
    # 7224:7200 on the other Region's route is medium as set, not lowered: a tie with the
    # own Region's route, so AWS uses both.
    medium = two_regions({"r2": Advertisement("10.1.0.0/16", ("7224:7200",))})
    assert back(medium, VPC_EAST) == {EAST_VIF, WEST_VIF}


def test_as_path_prepending_does_not_work_across_regions() -> None:
    # The us-east-1 route prepended three times: vpc-east still leaves by us-east-1,
    # since the Region's local preference is compared before AS_PATH.
    prepended = two_regions({"r1": Advertisement("10.1.0.0/16", prepend=3)})
    assert back(prepended, VPC_EAST) == {EAST_VIF}
    assert back(prepended, VPC_WEST) == {WEST_VIF}
    # Within one Region it works: the prepended us-east-1 VIF becomes the backup.
    three = two_regions({"r1": Advertisement("10.1.0.0/16", prepend=3)}, connections=3)
    assert back(three, VPC_EAST) == {EAST_VIF_2}


def test_sitelink_vifs_are_preferred_whatever_the_region() -> None:
    net = two_regions({"r1": Advertisement("10.1.0.0/16", prepend=1)})
    vifs = {k: replace(v, sitelink=True) for k, v in net.vifs.items()}
    # WorkingWithVirtualInterfaces.md: by AS_PATH "regardless of the associated Region".
    assert back(replace(net, vifs=vifs), VPC_EAST) == {WEST_VIF}


def test_the_lab_lowers_another_regions_routes_on_the_way_to_each_vpcs_gateway() -> None:
    net = two_regions()
    lab = build_lab([AccountNetwork("123456789012", net, docs(net))], "dxu")
    configs = {d.ns: d.config for d in lab.daemons}

    def device(name: str) -> str:
        return configs[f"dxu-123456789012-dev-{name}"]

    east, west = device("EqDC2-dev1"), device("EqSe2-EQ-dev1")
    # Every VIF imports at the communities' (or medium) preference, whatever the VPC...
    for config in (east, west):
        assert f"else bgp_local_pref = {DEFAULT_LOCAL_PREF};" in config
        assert f"else bgp_local_pref = {OTHER_REGION_LOCAL_PREF};" not in config
    # ...and each device lowers its routes toward the gateway of the other Region only.
    lowered = f"then bgp_local_pref = {OTHER_REGION_LOCAL_PREF}"

    def export_to(config: str, gateway_index: int) -> str:
        block = config.split(f"protocol bgp bb{gateway_index} {{", 1)[1].split("\n}", 1)[0]
        return next(line for line in block.splitlines() if "export" in line)

    gateways = sorted(net.gateways)  # the plan numbers the gateways in this order
    to_east, to_west = gateways.index(EAST_VGW), gateways.index(WEST_VGW)
    assert lowered not in export_to(east, to_east) and lowered in export_to(east, to_west)
    assert lowered in export_to(west, to_east) and lowered not in export_to(west, to_west)
    assert '"v_dxvif_00000002_4"' in export_to(west, to_east)
    # A local-preference community keeps its value (the override).
    assert "(7224,7300) ~ bgp_community" in export_to(west, to_east)


def test_the_ipv6_half_chooses_per_vpc_too_and_every_bird_configuration_loads(
    tmp_path: Path,
) -> None:
    net = two_regions()
    six = {EAST_VGW: "2600:1f18:aa00::/56", WEST_VGW: "2600:1f14:bb00::/56"}
    vifs = {
        k: replace(
            v,
            sessions=(
                *v.sessions,
                Session(
                    k, "ipv6", f"dxpeer-6{k[-7:]}", f"fd00:{k[-1]}::1/125", f"fd00:{k[-1]}::2/125"
                ),
            ),
        )
        for k, v in net.vifs.items()
    }
    gateways = {g: replace(gw, cidrs=(*gw.cidrs, six[g])) for g, gw in net.gateways.items()}
    associations = tuple(
        replace(a, allowed_prefixes=(*a.allowed_prefixes, six[a.gateway_id]))
        for a in net.associations
    )
    vpcs = tuple(
        replace(v, ipv6_cidr=six[str(v.gateway)], ipv6_instance=six[str(v.gateway)][:-4] + "1::10")
        for v in net.topology.vpcs
    )
    routers = tuple(
        replace(r, advertise=(*r.advertise, Advertisement("2a02:1388:100::/48")))
        for r in net.topology.routers
    )
    topology = replace(net.topology, vpcs=vpcs, routers=routers)
    dual = replace(net, vifs=vifs, gateways=gateways, associations=associations, topology=topology)
    lab = build_lab([AccountNetwork("123456789012", dual, docs(dual))], "dxu")
    west = next(d.config for d in lab.daemons if d.ns.endswith("-dev-EqSe2-EQ-dev1"))
    to_east = sorted(dual.gateways).index(EAST_VGW)
    block = west.split(f"protocol bgp bb{to_east}_6 {{", 1)[1].split("\n}", 1)[0]
    assert (
        '"v_dxvif_00000002_6"' in block and f"bgp_local_pref = {OTHER_REGION_LOCAL_PREF}" in block
    )
    bird = shutil.which("bird")
    assert bird, "bird 2 is needed (make system-packages)"
    for d in (d for d in lab.daemons if d.kind == "bird"):
        conf = tmp_path / f"{d.ns}.conf"
        conf.write_text(d.config)
        done = subprocess.run(
            [bird, "-p", "-c", str(conf)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"{d.ns}: {done.stderr}\n{d.config}"
