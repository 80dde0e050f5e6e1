"""Benchmark: the analyzer on a large inventory (issue: 2,000 connections, 20,000 VIFs,
200 Direct Connect gateways, 100 customer sites; target under 5 s and 1 GiB).

Prints the time, the peak memory of this process (ru_maxrss) and the scenarios per
second (single failures plus every pair of failure domains, answered exactly through
minimal cut sets)."""

from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dxlab.domain import catalog  # noqa: E402
from dxlab.domain.topology import Advertisement, CustomerRouter, Topology, Vpc  # noqa: E402
from dxlab.routing.network import Association, AwsGateway, Link, Network, Session, Vif  # noqa: E402
from dxlab.toolkit.analyzer import analyze  # noqa: E402

CONNECTIONS, VIFS, DX_GATEWAYS, SITES = 2000, 20000, 200, 100


def inventory(seed: int = 7) -> Network:
    rng = random.Random(seed)
    locations = [loc for loc in catalog.LOCATIONS.values() if loc.region == "us-east-1"] or list(
        catalog.LOCATIONS.values()
    )
    sites = [f"dc{i:03d}" for i in range(SITES)]
    links: dict[str, Link] = {}
    routers: list[CustomerRouter] = []
    router_of_link: dict[str, str] = {}
    for i in range(CONNECTIONS):
        loc = locations[i % len(locations)]
        dev = loc.devices[(i // len(locations)) % len(loc.devices)]
        cid = f"dxcon-{i:08d}"
        links[cid] = Link(cid, f"c{i}", dev.aws_device_v2, loc.code, "available")
        site = sites[i % SITES]
        router = f"r{i}"
        routers.append(
            CustomerRouter(router, site, (cid,), (Advertisement(f"10.{i % SITES}.0.0/16"),), True)
        )
        router_of_link[cid] = router
    gateways: dict[str, AwsGateway] = {}
    associations: list[Association] = []
    vpcs: list[Vpc] = []
    vpc_gateways: dict[str, str] = {}
    dxgws = [f"00000000-0000-4000-8000-{i:012d}" for i in range(DX_GATEWAYS)]
    for g, dxgw in enumerate(dxgws):
        vgw = f"vgw-{g:017x}"
        cidr = f"172.{16 + g // 256}.{g % 256}.0/24"
        gateways[vgw] = AwsGateway(vgw, 64512, "us-east-1", (cidr,))
        associations.append(Association(dxgw, vgw, (cidr,)))
        vpcs.append(Vpc(f"vpc{g}", cidr, cidr.replace(".0/24", ".10"), True, vgw))
        vpc_gateways[f"vpc{g}"] = vgw
    vifs: dict[str, Vif] = {}
    conn_ids = list(links)
    for v in range(VIFS):
        cid = conn_ids[v % CONNECTIONS]
        link = links[cid]
        vid = f"dxvif-{v:08d}"
        vifs[vid] = Vif(
            vid,
            f"v{v}",
            "private",
            "available",
            1 + v // CONNECTIONS,
            cid,
            link.device,
            link.location,
            "us-east-1",
            dxgws[rng.randrange(DX_GATEWAYS)],
            64512,
            65000,
            (Session(vid, "ipv4", f"dxpeer-{v:08d}", "169.254.0.1/30", "169.254.0.2/30"),),
        )
    topology = Topology(65000, tuple(sites), tuple(routers), tuple(vpcs), True)
    return Network(
        "us-east-1",
        links,
        vifs,
        gateways,
        tuple(associations),
        topology,
        router_of_link,
        vpc_gateways,
    )


def main() -> None:
    t0 = time.perf_counter()
    net = inventory()
    built = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = analyze(net)
    elapsed = time.perf_counter() - t1
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s = result.stats
    print(
        f"inventory: {CONNECTIONS} connections, {VIFS} VIFs, {DX_GATEWAYS} DX gateways, {SITES} sites "
        f"({len(net.topology.vpcs)} VPCs, {len(net.topology.sites) * len(net.topology.vpcs)} site<->VPC pairs); built in {built:.2f} s"
    )
    print(
        f"failure domains: {s['failure_domains']}; scenarios: {s['single_scenarios']} single + {s['pair_scenarios']} pairs"
    )
    print(f"analysis time: {elapsed:.2f} s (target < 5 s)  {'MET' if elapsed < 5 else 'NOT MET'}")
    print(
        f"peak memory:   {peak_mib:.0f} MiB (target < 1024 MiB)  {'MET' if peak_mib < 1024 else 'NOT MET'}"
    )
    print(f"scenarios/s:   {s['scenarios_per_second']:,}")
    print(
        f"verdict: SLA {result.sla}; {len(result.single_points_of_failure)} single points of failure; "
        f"{len(result.pairs)} failure pairs with losses beyond their singles"
    )


if __name__ == "__main__":
    main()
