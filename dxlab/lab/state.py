"""What the daemons say: BGP session states and routes from BIRD (the AWS side, `birdc`)
and FRR (the customer side, `vtysh ... json`). The API's BGP status and
ListVirtualInterfaceRoutes come from here in lab mode."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dxlab.lab import bird_socket
from dxlab.lab.host import Host, bird_ctl
from dxlab.lab.model import Lab


@dataclass(frozen=True)
class Protocol:
    name: str
    state: str  # BIRD's: up | start | down
    info: str  # Established | Active | Connect | ... (why, when down)

    @property
    def established(self) -> bool:
        return self.state == "up" and self.info.startswith("Established")


@dataclass(frozen=True)
class LabRoute:
    cidr: str
    as_path: tuple[int, ...]
    communities: tuple[str, ...]
    local_pref: int | None


def birdc(host: Host, state: Path, ns: str, *command: str, timeout: float = 5.0) -> str:
    """What `birdc COMMAND` prints, read from BIRD's control socket (no process); "" when
    BIRD does not answer (not running, restarting), as birdc's output would hold no rows."""
    try:
        return bird_socket.query(bird_ctl(ns), " ".join(command), timeout)
    except bird_socket.BirdSocketError:
        return ""


def protocols(host: Host, state: Path, ns: str) -> dict[str, Protocol]:
    out: dict[str, Protocol] = {}
    for line in birdc(host, state, ns, "show", "protocols").splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[1] == "BGP":
            # name proto table state since(date [time]) info...
            rest = parts[5:]
            if rest and re.fullmatch(r"[\d:.]+", rest[0]):
                rest = rest[1:]  # "since" printed as date and time
            out[parts[0]] = Protocol(parts[0], parts[3], " ".join(rest))
    return out


def session_states(host: Host, lab: Lab, state: Path) -> dict[tuple[str, str], bool]:
    """(vif, family) -> Established, for every session the lab runs (from BIRD: AWS's side)."""
    by_device: dict[str, dict[str, Protocol]] = {}
    out = {}
    for s in lab.sessions:
        if s.device_ns not in by_device:
            by_device[s.device_ns] = protocols(host, state, s.device_ns)
        proto = by_device[s.device_ns].get(s.protocol)
        out[(s.vif_id, s.family)] = bool(proto and proto.established)
    return out


_ROUTE = re.compile(r"^(\S+/\d+)\s+")


def routes(
    host: Host, state: Path, ns: str, protocol: str, exported: bool = False
) -> list[LabRoute]:
    """The routes a device session accepted from the customer (import side), or sent to it."""
    what = ["export", protocol] if exported else ["protocol", protocol]
    text = birdc(host, state, ns, "show", "route", *what, "all")
    out: list[LabRoute] = []
    cidr = ""
    path: tuple[int, ...] = ()
    comms: tuple[str, ...] = ()
    pref: int | None = None

    def flush() -> None:
        if cidr:
            out.append(LabRoute(cidr, path, comms, pref))

    for line in text.splitlines():
        m = _ROUTE.match(line)
        if m:
            flush()
            cidr, path, comms, pref = m.group(1), (), (), None
            continue
        stripped = line.strip()
        if stripped.startswith("BGP.as_path:"):
            path = tuple(int(x) for x in re.findall(r"\d+", stripped.split(":", 1)[1]))
        elif stripped.startswith("BGP.community:"):
            comms = tuple(f"{a}:{b}" for a, b in re.findall(r"\((\d+),\s*(\d+)\)", stripped))
        elif stripped.startswith("BGP.local_pref:"):
            pref = int(stripped.split(":", 1)[1])
    flush()
    return out


def frr_summary(host: Host, ns: str) -> dict[str, Any]:
    """`show bgp summary json` of a customer router (vrf default, every address family)."""
    out = host.run(
        ["ip", "netns", "exec", ns, "vtysh", "-N", ns, "-c", "show bgp summary json"], check=False
    )
    try:
        return dict(json.loads(out))
    except ValueError:
        return {}


def frr_peer_states(host: Host, ns: str) -> dict[str, str]:
    """Neighbor address -> FRR's state (Established, Active, Idle...)."""
    peers: dict[str, str] = {}
    for family in frr_summary(host, ns).values():
        if isinstance(family, dict):
            for addr, peer in family.get("peers", {}).items():
                peers[addr] = str(peer.get("state", ""))
    return peers
