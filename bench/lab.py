"""Benchmark: the lab data plane with the maximum resiliency model (issue 5).

Through a real `dxlab serve --data-plane lab`, it measures and prints beside each target:
- bring-up: from loading the topology (no namespace yet) to all four BGP sessions
  Established and the instance answering ping from both data centers (target <= 10 s);
- outages of the traffic a data center sends to the VPC instance (ICMP every 10 ms) when
  the path it uses fails: a BGP failover test (target <= 200 ms), a fiber cut behind the
  cross-connect with BFD (target <= 1.2 s: BFD's 900 ms plus convergence) and, unless
  --quick, the same without BFD (bounded by the 90 s hold time);
- `dxlab down` after the server was killed with SIGKILL (target <= 3 s).

With --connections 4,16,60 it prints the curve at an enterprise's size instead (lab_scale.py).

Needs root, BIRD 2, FRR and nftables (make system-packages). Run: .venv/bin/python bench/lab.py"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dxlab.cli.client import ext  # noqa: E402
from dxlab.lab.host import LinuxHost, lab_can_run  # noqa: E402
from dxlab.lab.probes import TrafficProbe, ping  # noqa: E402
from dxlab.server import free_port  # noqa: E402

ACCOUNT = "111122223333"
TOPOLOGY = """\
customer_asn: 65000
sites:
  dc1:
    routers:
      dc1-r1: {{connections: [{c0}], bfd: {bfd}, advertise: [{{prefix: 10.1.0.0/16}}, {{prefix: 10.2.0.0/16, communities: ["7224:7100"]}}]}}
      dc1-r2: {{connections: [{c1}], bfd: {bfd}, advertise: [{{prefix: 10.1.0.0/16}}, {{prefix: 10.2.0.0/16, communities: ["7224:7100"]}}]}}
  dc2:
    routers:
      dc2-r1: {{connections: [{c2}], bfd: {bfd}, advertise: [{{prefix: 10.2.0.0/16}}, {{prefix: 10.1.0.0/16, communities: ["7224:7100"]}}]}}
      dc2-r2: {{connections: [{c3}], bfd: {bfd}, advertise: [{{prefix: 10.2.0.0/16}}, {{prefix: 10.1.0.0/16, communities: ["7224:7100"]}}]}}
vpcs:
  prod: {{cidr: 10.100.0.0/16, instance: 10.100.1.10, icmp: true, gateway: {vgw}}}
"""


def wait(check: Any, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.05)
    raise SystemExit(f"bench: {what} did not happen within {timeout} s")


class Bench:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="dxlab-bench-lab-"))
        self.prefix = "dxb" + secrets.token_hex(2)
        self.env = {
            **os.environ,
            "DXLAB_HOME": str(self.tmp),
            "DXLAB_LAB_PREFIX": self.prefix,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.host = LinuxHost()
        log = open(self.tmp / "server.log", "wb")  # noqa: SIM115 - the server's, for as long as it runs
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dxlab.cli.main",
                "serve",
                "--port",
                str(self.port),
                "--db",
                f"sqlite:///{self.tmp / 'dxlab.db'}",
                "--data-plane",
                "lab",
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait(self.answering, 20, "the server answering")
        import boto3

        self.dx = boto3.client(
            "directconnect",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCOUNT,
            aws_secret_access_key="bench",
        )

    def answering(self) -> bool:
        try:
            urllib.request.urlopen(self.endpoint + "/", timeout=0.5).read()
            return True
        except OSError:
            return False

    def ext(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return ext(self.endpoint, method, path, body, account=ACCOUNT)

    def order(self) -> None:
        """The wizard's four connections, a VGW behind a Direct Connect gateway, four private VIFs."""
        self.conns = self.ext(
            "POST",
            "/wizard/order",
            {"model": "maximum", "bandwidth": "10Gbps", "locations": ["EqDC2", "CSVA1"]},
        )["connectionIds"]
        self.vgw = self.ext("POST", "/virtual-gateways", {"vpcCidrs": ["10.100.0.0/16"]})[
            "virtualGatewayId"
        ]
        dxgw = self.dx.create_direct_connect_gateway(
            directConnectGatewayName="dxgw", amazonSideAsn=64512
        )["directConnectGateway"]["directConnectGatewayId"]
        self.dx.create_direct_connect_gateway_association(
            directConnectGatewayId=dxgw, gatewayId=self.vgw
        )
        self.vifs = [
            self.dx.create_private_virtual_interface(
                connectionId=c,
                newPrivateVirtualInterface={
                    "virtualInterfaceName": f"vif-{i}",
                    "vlan": 101 + i,
                    "asn": 65000,
                    "directConnectGatewayId": dxgw,
                },
            )["virtualInterfaceId"]
            for i, c in enumerate(self.conns)
        ]

    def topology(self, bfd: bool = True) -> None:
        c = self.conns
        text = TOPOLOGY.format(
            c0=c[0], c1=c[1], c2=c[2], c3=c[3], vgw=self.vgw, bfd="true" if bfd else "false"
        )
        self.ext("PUT", "/topology", {"yaml": text})

    def all_up(self) -> bool:
        vifs = self.dx.describe_virtual_interfaces()["virtualInterfaces"]
        return len(vifs) == 4 and all(p["bgpStatus"] == "up" for v in vifs for p in v["bgpPeers"])

    def namespace(self, role: str, name: str) -> str:
        return f"{self.prefix}-{ACCOUNT}-{role}-{name}"

    def pingable(self) -> bool:
        return all(
            ping(self.host, self.namespace("site", s), a, "10.100.1.10", 1, 0.01)[1] == 1
            for s, a in (("dc1", "10.1.0.1"), ("dc2", "10.2.0.1"))
        )

    def routers_without_bfd(self) -> bool:
        for name in (f"dc{i}-r{j}" for i in (1, 2) for j in (1, 2)):
            ns = self.namespace("rtr", name)
            running = self.host.run(
                ["ip", "netns", "exec", ns, "vtysh", "-N", ns, "-c", "show running-config"],
                check=False,
            )
            if (
                "router bgp" not in running
                or "bfd profile aws-dx" in running.split("router bgp", 1)[1]
            ):
                return False
        return True

    def used_router(self) -> tuple[str, int]:
        """The router dc1's probe traffic leaves by (the kernel's multipath choice for that
        flow), and its index: the path to break."""
        out = self.host.run(
            [
                "ip",
                "netns",
                "exec",
                self.namespace("site", "dc1"),
                "ip",
                "-j",
                "route",
                "get",
                "10.100.1.10",
                "from",
                "10.1.0.1",
            ]
        )
        gateway = json.loads(out)[0]["gateway"]
        index = int(gateway.split(".")[2])  # the site links are 100.65.<router index>.0/30
        return ["dc1-r1", "dc1-r2", "dc2-r1", "dc2-r2"][index], index

    def session_down(self, i: int) -> bool:
        from dxlab.lab.state import protocols

        devices = [ns for ns in self.host.namespaces() if ns.startswith(self.namespace("dev", ""))]
        name = f"v_{self.vifs[i].replace('-', '_')}_4"
        for ns in devices:
            proto = protocols(self.host, Path(self.tmp) / "lab", ns).get(name)
            if proto is not None:
                return not proto.established
        return False

    def measured(self, act: Any, undo: Any, seconds: float) -> float:
        probe = TrafficProbe(
            self.host, self.namespace("site", "dc1"), "10.1.0.1", "10.100.1.10", seconds
        )
        time.sleep(0.5)
        act()
        result = probe.result()
        undo()
        wait(lambda: self.all_up() and self.pingable(), 30, "recovery")
        time.sleep(1.0)  # let BFD settle before the next failure
        return result.outage_ms

    def failover_test(self) -> float:
        _, i = self.used_router()
        test: dict[str, Any] = {}

        def start() -> None:
            test.update(
                self.dx.start_bgp_failover_test(
                    virtualInterfaceId=self.vifs[i], testDurationInMinutes=1
                )["virtualInterfaceTest"]
            )
            # The test holds AWS's side of the session down (a disabled BIRD protocol).
            wait(lambda: self.session_down(i), 3, "the failover test taking the session down")

        return self.measured(
            start, lambda: self.dx.stop_bgp_failover_test(virtualInterfaceId=self.vifs[i]), 3
        )

    def fiber_cut(self, seconds: float) -> float:
        _, i = self.used_router()
        failure: dict[str, Any] = {}
        return self.measured(
            lambda: failure.update(
                self.ext(
                    "POST", "/failures", {"kind": "connection", "id": self.conns[i], "minutes": 5}
                )
            ),
            lambda: self.ext("DELETE", f"/failures/{failure['failureId']}"),
            seconds,
        )

    def kill_and_down(self) -> float:
        self.proc.kill()
        self.proc.wait()
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "dxlab.cli.main", "down"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        took = time.monotonic() - start
        left = [ns for ns in self.host.namespaces() if ns.startswith(self.prefix + "-")]
        if done.returncode != 0 or left:
            raise SystemExit(f"bench: dxlab down failed ({done.stdout} {done.stderr}); left {left}")
        return took

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)
        subprocess.run(
            [sys.executable, "-m", "dxlab.cli.main", "lab", "down"],
            env=self.env,
            capture_output=True,
            timeout=60,
        )


def line(what: str, value: float, unit: str, target: str) -> None:
    print(f"{what:<58} {value:>9.3f} {unit:<3} (target {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="skip the fiber cut without BFD (about 90 s)"
    )
    parser.add_argument(
        "--connections",
        default="",
        help="the scale curve instead: e.g. 4,16,60 (bench/lab_scale.py)",
    )
    parser.add_argument(
        "--vifs", type=int, default=1, help="with --connections: private VIFs per connection"
    )
    args = parser.parse_args()
    if not lab_can_run():
        raise SystemExit("bench/lab.py needs root, bird, FRR and nft (make system-packages)")
    if args.connections:
        from lab_scale import main as scale

        scale(Bench, line, [int(n) for n in args.connections.split(",")], args.vifs)
        return
    bench = Bench()
    try:
        bench.order()
        start = time.monotonic()
        bench.topology()
        wait(bench.all_up, 30, "four sessions Established")
        sessions = time.monotonic() - start
        wait(bench.pingable, 30, "the instance answering")
        pingable = time.monotonic() - start
        line("bring-up: topology loaded -> 4 sessions Established", sessions, "s", "<= 10 s")
        line("bring-up: topology loaded -> instance pingable from both", pingable, "s", "<= 10 s")
        line("BGP failover test: outage of dc1 -> VPC", bench.failover_test(), "ms", "<= 200 ms")
        line(
            "fiber cut behind the cross-connect, BFD: outage",
            bench.fiber_cut(4),
            "ms",
            "<= 1200 ms (BFD 900 ms)",
        )
        if not args.quick:
            bench.topology(bfd=False)
            wait(bench.routers_without_bfd, 30, "the routers restarted without BFD")
            wait(lambda: bench.all_up() and bench.pingable(), 60, "sessions without BFD")
            time.sleep(2)
            line(
                "fiber cut behind the cross-connect, no BFD: outage",
                bench.fiber_cut(100),
                "ms",
                "<= 90000 ms (hold time)",
            )
        line("dxlab down after SIGKILL of the server", bench.kill_and_down(), "s", "<= 3 s")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
