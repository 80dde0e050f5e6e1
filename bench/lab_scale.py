"""Benchmark: the lab at an enterprise's size (issue 13). For each N of `--connections`,
through a real `dxlab serve --data-plane lab`:

N dedicated connections spread over us-east-1's six locations, one customer router per
connection (two data centers, alternating), one private VIF per connection (two with
`--vifs 2`), BFD on, a Direct Connect gateway per 30 VIFs with a VGW and its VPC behind
each. It measures, beside each target:
- topology loaded -> every BGP session up (the API's bgpStatus);
- topology loaded -> every VPC instance answering ping from every data center;
- daemons' memory: RSS and PSS (shared pages split between the processes that share them)
  of every lab daemon, and per customer router (its FRR daemons);
- the server's CPU at idle over 10 s (its own and its reaped children's: birdc, ip...);
- `ping` zombies under the server after one BGP failover test and a verify;
- `dxlab down` after the server was killed with SIGKILL.

Run: .venv/bin/python bench/lab.py --connections 4,16,60 [--vifs 2]"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from dxlab.lab.daemons import program_pids
from dxlab.lab.probes import ping

PER_GATEWAY = 30  # limits.md: virtual interfaces per Direct Connect gateway
TARGETS = {
    "sessions": "<= 10 s (60 connections; 120 sessions <= 15 s)",
    "verify": "<= 10 s (120 sessions <= 15 s)",
    "router": "<= 20 MiB",
    "cpu": "<= 2 % of a core",
    "zombies": "0",
    "down": "<= 5 s",
}


def topology(conns: list[str], vgws: list[str], vpc_cidrs: list[str]) -> str:
    lines = ["customer_asn: 65000", "sites:"]
    for site in ("dc1", "dc2"):
        own = "10.1.0.0/16" if site == "dc1" else "10.2.0.0/16"
        other = "10.2.0.0/16" if site == "dc1" else "10.1.0.0/16"
        lines += [f"  {site}:", "    routers:"]
        for i, c in enumerate(conns):
            if (i % 2 == 0) == (site == "dc1"):
                lines.append(
                    f"      {site}-r{i}: {{connections: [{c}], bfd: true, advertise: [{{prefix: {own}}}, "
                    f"{{prefix: {other}, communities: ['7224:7100']}}]}}"
                )
    lines.append("vpcs:")
    for i, (vgw, cidr) in enumerate(zip(vgws, vpc_cidrs, strict=True)):
        instance = cidr.replace(".0.0/16", ".1.10")
        lines.append(
            f"  vpc{i}: {{cidr: {cidr}, instance: {instance}, icmp: true, gateway: {vgw}}}"
        )
    return "\n".join(lines) + "\n"


def pss_rss(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in bytes."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


def cpu_seconds(pid: int, own: bool = False) -> float:
    """utime + stime of the process and (unless `own`) of its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11 : 13 if own else 15]) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (every user of it)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def zombies_under(pid: int) -> int:
    n = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[1]) == pid and rest[0] == "Z":
            n += 1
    return n


def run(bench_cls: Any, n: int, vifs_per: int, line: Any) -> dict[str, float]:
    bench = bench_cls()
    out: dict[str, float] = {}
    try:
        dx = bench.dx
        locations = [loc["locationCode"] for loc in dx.describe_locations()["locations"]][:6]
        conns = [
            dx.create_connection(
                location=locations[i % len(locations)], bandwidth="10Gbps", connectionName=f"c{i}"
            )["connectionId"]
            for i in range(n)
        ]
        total = n * vifs_per
        n_gw = (total + PER_GATEWAY - 1) // PER_GATEWAY
        vgws, cidrs, gws = [], [], []
        for g in range(n_gw):
            cidr = f"10.{100 + g}.0.0/16"
            vgw = bench.ext("POST", "/virtual-gateways", {"vpcCidrs": [cidr]})["virtualGatewayId"]
            gw = dx.create_direct_connect_gateway(
                directConnectGatewayName=f"gw{g}", amazonSideAsn=64512 + g
            )["directConnectGateway"]["directConnectGatewayId"]
            dx.create_direct_connect_gateway_association(directConnectGatewayId=gw, gatewayId=vgw)
            vgws.append(vgw)
            cidrs.append(cidr)
            gws.append(gw)
        k = 0
        vif_ids = []
        for j in range(vifs_per):
            for i, c in enumerate(conns):
                vif_ids.append(
                    dx.create_private_virtual_interface(
                        connectionId=c,
                        newPrivateVirtualInterface={
                            "virtualInterfaceName": f"vif-{i}-{j}",
                            "vlan": 101 + j,
                            "asn": 65000,
                            "directConnectGatewayId": gws[k // PER_GATEWAY],
                        },
                    )["virtualInterfaceId"]
                )
                k += 1
        bench.vifs = vif_ids
        text = topology(conns, vgws, cidrs)
        before = set(bench.host.namespaces())
        busy0, server0 = machine_busy(), cpu_seconds(bench.proc.pid)
        start = time.monotonic()
        bench.ext("PUT", "/topology", {"yaml": text})

        def all_up() -> bool:
            got = dx.describe_virtual_interfaces()["virtualInterfaces"]
            return len(got) == total and all(
                p["bgpStatus"] == "up" for v in got for p in v["bgpPeers"]
            )

        pairs = [
            (f"{bench.prefix}-{ACCOUNT}-site-{s}", a, c.replace(".0.0/16", ".1.10"))
            for s, a in (("dc1", "10.1.0.1"), ("dc2", "10.2.0.1"))
            for c in cidrs
        ]
        up_at = pinged_at = 0.0
        deadline = start + 120
        pending = list(pairs)
        while time.monotonic() < deadline and (not up_at or pending):
            if not up_at and all_up():
                up_at = time.monotonic() - start
            pending = [p for p in pending if ping(bench.host, p[0], p[1], p[2], 1, 0.01)[1] != 1]
            if not pending and not pinged_at:
                pinged_at = time.monotonic() - start
            time.sleep(0.25)
        if not up_at or not pinged_at:
            raise SystemExit(
                f"bench: {n} connections not up within 120 s (sessions {up_at}, ping {pinged_at})"
            )
        out["sessions"], out["verify"] = up_at, pinged_at
        spent = machine_busy() - busy0, cpu_seconds(bench.proc.pid) - server0
        daemons_cpu = sum(
            cpu_seconds(pid, own=True)
            for ns in bench.host.namespaces()
            if ns.startswith(bench.prefix)
            for kind in ("bird", "frr")
            for pid in program_pids(ns, kind, bench.tmp / "lab").values()
        )
        print(
            f"  CPU during bring-up: machine {spent[0]:.1f} s (all users), server and its commands {spent[1]:.1f} s, "
            f"lab daemons {daemons_cpu:.1f} s"
        )
        line(
            f"{n} connections, {total} sessions: topology -> every session up",
            up_at,
            "s",
            TARGETS["sessions"],
        )
        line(
            f"{n} connections: topology -> every VPC answers every data center",
            pinged_at,
            "s",
            TARGETS["verify"],
        )
        # Memory: every lab daemon, and the customer routers' FRR.
        spaces = [
            ns
            for ns in bench.host.namespaces()
            if ns.startswith(bench.prefix + "-") and ns not in before
        ]
        state = bench.tmp / "lab"
        total_pss = total_rss = 0
        router_pss, router_rss, routers = 0, 0, 0
        for ns in spaces:
            for kind in ("bird", "frr"):
                for pid in program_pids(ns, kind, state).values():
                    pss, rss = pss_rss(pid)
                    total_pss += pss
                    total_rss += rss
                    if kind == "frr":
                        router_pss += pss
                        router_rss += rss
            routers += "-rtr-" in ns
        mib = 1024 * 1024
        out["router_pss"], out["router_rss"] = (
            router_pss / routers / mib,
            router_rss / routers / mib,
        )
        line(
            f"{n} connections: daemons' memory, PSS (RSS {total_rss / mib:.0f} MiB)",
            total_pss / mib,
            "MiB",
            "-",
        )
        line(
            f"{n} connections: a customer router's FRR, PSS (RSS {out['router_rss']:.1f} MiB)",
            out["router_pss"],
            "MiB",
            TARGETS["router"],
        )
        # Idle CPU: nothing changes for 10 s.
        time.sleep(2)
        pid = bench.proc.pid
        c0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(10)
        out["cpu"] = 100 * (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
        line(f"{n} connections: server CPU at idle", out["cpu"], "%", TARGETS["cpu"])
        # One failover test and a verify, then count the zombies.
        vif = vif_ids[0]
        dx.start_bgp_failover_test(virtualInterfaceId=vif, testDurationInMinutes=1)
        time.sleep(1.5)
        dx.stop_bgp_failover_test(virtualInterfaceId=vif)
        time.sleep(0.5)
        bench.ext("GET", "/verify?count=2")
        time.sleep(4)  # the restoration probes end 3 s after the test
        out["zombies"] = zombies_under(pid)
        line(
            f"{n} connections: ping zombies after a failover test and a verify",
            out["zombies"],
            "",
            TARGETS["zombies"],
        )
        out["down"] = bench.kill_and_down()
        line(
            f"{n} connections: dxlab down after SIGKILL of the server",
            out["down"],
            "s",
            TARGETS["down"],
        )
    finally:
        bench.close()
    return out


ACCOUNT = "111122223333"


def main(bench_cls: Any, line: Any, counts: list[int], vifs_per: int) -> None:
    print(
        f"load average before: {open('/proc/loadavg').read().split()[:3]} on {os.cpu_count()} cores"
    )
    for n in counts:
        run(bench_cls, n, vifs_per, line)
        print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
        sys.stdout.flush()
