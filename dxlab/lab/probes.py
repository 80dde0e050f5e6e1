"""Real packets in the lab: ping and traceroute from a data center's namespace (its own
address as the source) to a VPC instance, each hop named by the dxlab resource whose
address answered; the same JSON as the sim's `dxlab verify`. Every probe is bounded in
count and time."""

from __future__ import annotations

import math
import re
import subprocess
import time
from dataclasses import dataclass
from typing import Any

from dxlab.domain.topology import Vpc
from dxlab.lab.host import Host
from dxlab.lab.model import Lab
from dxlab.routing.probe import icmp_allowed, no_icmp_reason
from dxlab.routing.transit import transit_gateway_resource

MAX_HOPS = 8
MAX_COUNT = 100


def ping(
    host: Host,
    ns: str,
    source: str,
    destination: str,
    count: int = 5,
    interval: float = 0.05,
    size: int | None = None,
    dont_fragment: bool = False,
) -> tuple[int, int]:
    """(sent, received)."""
    count = max(1, min(count, MAX_COUNT))
    argv = [
        "ip",
        "netns",
        "exec",
        ns,
        "ping",
        "-n",
        "-q",
        "-c",
        str(count),
        "-i",
        str(interval),
        "-W",
        "1",
    ]
    if source:
        argv += ["-I", source]
    if size is not None:
        argv += ["-s", str(size)]
    if dont_fragment:
        argv += ["-M", "do"]
    out = host.run([*argv, destination], check=False, timeout=count * interval + 5)
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", out)
    return (int(m.group(1)), int(m.group(2))) if m else (count, 0)


def traceroute(host: Host, ns: str, source: str, destination: str) -> list[str]:
    """The address of each hop ("*" where none answered), ICMP probes as ping sends."""
    argv = [
        "ip",
        "netns",
        "exec",
        ns,
        "traceroute",
        "-I",
        "-n",
        "-q",
        "1",
        "-w",
        "0.5",
        "-m",
        str(MAX_HOPS),
    ]
    if source:
        argv += ["-s", source]
    out = host.run([*argv, destination], check=False, timeout=MAX_HOPS * 1.0 + 5)
    hops = []
    for line in out.splitlines()[1:]:
        m = re.match(r"\s*\d+\s+(\S+)", line)
        if m:
            hops.append(m.group(1))
    while len(hops) > 1 and hops[-1] == "*" and hops[-2] == "*":
        hops.pop()  # a silent end repeats to the hop limit: one "*" says it
    return hops


Hops = list[dict[str, str]]


def probe(
    host: Host, lab: Lab, ns: str, source: str, destination: str, count: int
) -> tuple[Hops, int, int]:
    """traceroute, then ping, from `source` in namespace `ns` to `destination`: the hops,
    each with what the lab knows answers at that address, and the echoes sent and
    received. What every `dxlab verify` in the lab (VPC, IPv6, public, data center) runs."""
    hops = [
        {"address": a, "resource": lab.resources.get(a, "no answer" if a == "*" else "unknown")}
        for a in traceroute(host, ns, source, destination)
    ]
    sent, received = ping(host, ns, source, destination, count, interval=0.2)
    return hops, sent, received


def last_answered(hops: Hops) -> dict[str, str] | None:
    return next((h for h in reversed(hops) if h["address"] != "*"), None)


def no_reply(destination: str, last: dict[str, str] | None) -> str:
    """Why a probe that got nothing back failed, as far as traceroute says."""
    if last is None:
        return f"no reply from {destination}: no hop answered"
    return (
        f"no reply from {destination}: the last hop that answered is"
        f" {last['address']} ({last['resource']})"
    )


def answer(
    site: str,
    target: str,
    source: str,
    destination: str,
    sent: int,
    received: int,
    hops: Hops,
    reason: str,
) -> dict[str, Any]:
    """The JSON of a verify on real packets (the routing model's answers have the same)."""
    return {
        "site": site,
        "vpc": target,
        "source": source,
        "destination": destination,
        "reachable": received > 0,
        "ping": {"sent": sent, "received": received},
        "hops": hops,
        "reason": reason,
        "dataPlane": "lab",
    }


def verify(
    host: Host,
    lab: Lab,
    account: str,
    site: str,
    vpc: Vpc,
    count: int = 5,
) -> dict[str, Any] | None:
    """`dxlab verify` for one data center and VPC, or None when the lab does not run them.
    Real packets say whether it answers; when it does not and the probe reached the VPC's
    router, the instance's namespace says why: no route back (its route table), or its
    security group (the nftables rule set) keeping the echo out."""
    src, dst = lab.sites.get((account, site)), lab.vpcs.get((account, vpc.name))
    if src is None or dst is None:
        return None
    hops, sent, received = probe(host, lab, src.ns, src.address, dst.address, count)
    if hops and hops[-1]["address"] == "*":
        hops[-1]["resource"] = (
            f"instance {dst.address} in {vpc.name}: no answer"
            if _reached_vpc(hops, lab, vpc.name)
            else "no answer"
        )
    reason = ""
    if received == 0:
        last = last_answered(hops)
        at_vpc = last is not None and _reached_vpc([last], lab, vpc.name)
        if at_vpc and not route_back(host, dst.ns, src.address):
            reason = lab.route_gaps.get(
                (account, vpc.name, site), f"{dst.address} has no route back to {src.address}"
            )
        elif at_vpc and not icmp_allowed(vpc, src.address):
            reason = no_icmp_reason(vpc)
        else:
            reason = no_reply(dst.address, last)
    return answer(site, vpc.name, src.address, dst.address, sent, received, hops, reason)


def route_back(host: Host, ns: str, destination: str) -> bool:
    """Whether the kernel of `ns` has a route to `destination` (`ip route get` prints one)."""
    return bool(host.run(["ip", "-n", ns, "route", "get", destination], check=False).strip())


def _reached_vpc(hops: list[dict[str, str]], lab: Lab, vpc: str) -> bool:
    """The last hop that answered is the VPC's router, or the transit gateway it is
    attached to (lab/transit.py: it answers for the VPCs behind it)."""
    answered = [h for h in hops if h["address"] != "*"]
    return bool(answered) and answered[-1]["resource"].endswith(
        (f"({vpc} router)", TRANSIT_GATEWAY_HOP)
    )


TRANSIT_GATEWAY_HOP = transit_gateway_resource("")


@dataclass(frozen=True)
class Outage:
    sent: int
    received: int
    outage_ms: float  # the longest run of lost probes, in time
    recovered: bool  # the last probes (300 ms) were answered: traffic flows at the end

    @property
    def lost(self) -> int:
        return self.sent - self.received

    def shape(self) -> dict[str, Any]:
        return {
            "packetsSent": self.sent,
            "packetsLost": self.lost,
            "outage_ms": self.outage_ms,
            "recovered": self.recovered,
        }


def outage_of(replies: list[float], start: float, end: float, sent: int, interval: float) -> Outage:
    """The longest silence between answers (from the probe's start to its end), in time:
    ping slows down while nothing comes back, so counting lost sequence numbers would
    understate an outage. One interval between answers is no outage."""
    times = sorted(t for t in replies if start <= t <= end)
    # The probe's real pace: the kernel's timers stretch a requested 10 ms to ~16 ms on some
    # machines, so the usual gap between answers, not the nominal interval, is "no outage".
    gaps = sorted(b - a for a, b in zip(times, times[1:], strict=False))
    pace = gaps[len(gaps) // 2] if len(gaps) >= 3 else interval
    longest, previous = 0.0, start
    for t in [*times, end]:
        longest = max(longest, t - previous - pace)
        previous = t
    recovered = bool(times) and end - times[-1] <= 0.3
    return Outage(sent, len(times), round(max(0.0, longest) * 1000.0, 1), recovered)


class TrafficProbe:
    """ICMP every `interval` seconds (asked for every 5 ms, so that the failover tests' probe
    traffic runs at 10 ms or better even where the kernel stretches timers) for at most
    `seconds`, from a data center's address to a VPC instance, in the background; what it
    measured so far can be read at any time."""

    def __init__(
        self,
        host: Host,
        ns: str,
        source: str,
        destination: str,
        seconds: float,
        interval: float = 0.005,
    ) -> None:
        import threading

        self.interval = interval
        self.seconds = max(0.1, min(seconds, 600.0))
        # -O: a line for each probe not answered in time too, so the count is known live;
        # -D: each answer's arrival time; stdbuf: each line as it comes, not 4 KiB later.
        self.start = time.time()
        self.replies: list[float] = []
        self.sent = 0
        self.ended: float | None = None
        # A count, not -w: with a deadline ping quits at the first ICMP error (a router's
        # "unreachable" in the middle of a failover), just when it matters. The count bounds
        # it; a timer stops it after `seconds`.
        self.proc: subprocess.Popen[str] = host.spawn(
            [
                "ip",
                "netns",
                "exec",
                ns,
                "stdbuf",
                "-oL",
                "ping",
                "-n",
                "-O",
                "-D",
                "-i",
                str(interval),
                "-c",
                str(math.ceil(self.seconds / interval)),
                "-W",
                "1",
                "-I",
                source,
                destination,
            ]
        )
        self._timer = threading.Timer(self.seconds, self.stop)
        self._timer.daemon = True
        self._timer.start()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for text in self.proc.stdout:
            if text.startswith("PING "):
                self.start = time.time()  # ping is running (a namespace's exec takes some ms)
            m = re.search(r"icmp_seq=(\d+)", text)
            if m:
                self.sent = max(self.sent, int(m.group(1)))
                stamp = re.match(r"\[(\d+\.\d+)\]", text)
                if " ttl=" in text and stamp:
                    self.replies.append(float(stamp.group(1)))
            m = re.search(r"(\d+) packets transmitted", text)
            if m:
                self.sent = int(m.group(1))
        # ping has ended (its output closed): reap it here, whoever stopped it, so no probe
        # is left a zombie under the server (the Watches keep the probe for its report).
        self.proc.wait()
        self.proc.stdout.close()

    def current(self) -> Outage:
        end = self.ended or min(time.time(), self.start + self.seconds)
        return outage_of(list(self.replies), self.start, end, self.sent, self.interval)

    def stop(self) -> None:
        """End early (SIGINT: ping still prints its count)."""
        import signal

        self._timer.cancel()
        if self.proc.poll() is None:
            self.ended = self.ended or time.time()
            self.proc.send_signal(signal.SIGINT)

    def result(self) -> Outage:
        try:
            self.proc.wait(timeout=self.seconds + 5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)
        return self.current()
