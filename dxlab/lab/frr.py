"""A customer router's FRR configuration: for each of its VIFs, exactly what
DescribeRouterConfiguration renders for FRR (with the router's own prefixes to advertise
and its interface per connection: eth1 for the first, as the download says), or the
user's own `frr_config` from the topology; then a short lab section, kept apart and
marked, for what only the lab needs: the communities and prepends the topology asks for,
BFD off where the topology says so, and an iBGP session to the data center's core."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dxlab.domain import router_templates as t
from dxlab.domain.topology import Advertisement

LAB_MARK = (
    "! ---- dxlab lab: the data center behind this router (not part of the AWS download) ----"
)
# Routes from the data center's core win over the router's own `network` announcements,
# so return traffic for the other data center goes over the WAN.
CORE_WEIGHT = 40000
# A router runs only the FRR daemons its configuration needs (zebra and bgpd always; bfdd
# when a neighbor uses BFD; staticd for static routes): each costs memory.
# Start order: zebra first, then bfdd and staticd, then bgpd: a bgpd that asks for BFD
# before bfdd has joined zebra never gets its BFD sessions.
FRR_WAVES = (("zebra",), ("bfdd", "staticd"), ("bgpd",))


@dataclass(frozen=True)
class RouterVif:
    session: t.Session  # what DescribeRouterConfiguration renders from
    interface: str  # eth1, eth2, ... (one per connection the router is patched to)


def aws_part(vifs: list[RouterVif], own_config: str | None) -> str:
    if own_config is not None:
        return own_config.rstrip("\n") + "\n"
    return "".join(t.frr(v.session, v.interface) for v in vifs)


def policy(
    asn: int, vifs: list[RouterVif], adverts: tuple[Advertisement, ...], bfd: bool
) -> list[str]:
    """Communities and prepends as route-map entries ahead of the download's permit 10."""
    out: list[str] = []
    marked = [a for a in adverts if a.communities or a.prepend]
    if len(marked) > 9:
        raise ValueError(
            "the lab places at most 9 community/prepend entries before the download's route-map entry 10"
        )
    for i, a in enumerate(marked, start=1):
        plist = "ipv6 prefix-list" if ":" in a.prefix else "ip prefix-list"
        match = "ipv6 address" if ":" in a.prefix else "ip address"
        out.append(f"{plist} DXLAB-ADV-{i} seq 5 permit {a.prefix}")
        for v in vifs:
            out.append(f"route-map AWS-{v.session.tag}-OUT permit {i}")
            out.append(f" match {match} prefix-list DXLAB-ADV-{i}")
            if a.communities:
                out.append(f" set community {' '.join(a.communities)} additive")
            if a.prepend:
                out.append(f" set as-path prepend {' '.join([str(asn)] * a.prepend)}")
            out.append("exit")
    if not bfd:
        out.append(f"router bgp {asn}")
        out += [f" no neighbor {p.amazon_ip} bfd" for v in vifs for p in v.session.peers]
        out.append("exit")
    return out


def startup(asn: int) -> str:
    """What bgpd reads as it starts, before the router's configuration: no 5 s route-map
    timer holding every peer down after a load, and announcements that do not wait for a
    route to the prefix (the sim announces what the topology lists, as is)."""
    return f"bgp route-map delay-timer 0\nrouter bgp {asn}\n no bgp network import-check\nexit\n"


def core_session(asn: int, core_ip: str) -> list[str]:
    return [
        f"router bgp {asn}",
        f" neighbor {core_ip} remote-as {asn}",
        f" neighbor {core_ip} description dxlab data center core",
        " address-family ipv4 unicast",
        f"  neighbor {core_ip} activate",
        f"  neighbor {core_ip} next-hop-self",
        f"  neighbor {core_ip} weight {CORE_WEIGHT}",
        " exit-address-family",
        "exit",
    ]


def router(
    name: str,
    asn: int,
    vifs: list[RouterVif],
    adverts: tuple[Advertisement, ...],
    bfd: bool,
    core_ip: str,
    own_config: str | None = None,
) -> str:
    lab = [LAB_MARK, f"hostname {name}"]
    if own_config is None:
        lab += policy(asn, vifs, adverts, bfd)
    lab += core_session(asn, core_ip)
    return aws_part(vifs, own_config) + "\n".join(lab) + "\n"


def frr_programs(config: str) -> tuple[str, ...]:
    """The FRR daemons a router's configuration needs, in start order."""
    wanted = {"zebra", "bgpd"}
    # A neighbor with BFD that no later `no neighbor X bfd` takes back (the lab's policy for
    # a router with `bfd: false` does that to the download), or a BFD peer of its own.
    on = set(re.findall(r"^\s*neighbor (\S+) bfd\b", config, re.M))
    off = set(re.findall(r"^\s*no neighbor (\S+) bfd\b", config, re.M))
    if on - off or re.search(r"^\s*peer \S+", config, re.M):
        wanted.add("bfdd")
    if re.search(r"^\s*(ip|ipv6) route ", config, re.M):
        wanted.add("staticd")
    return tuple(p for wave in FRR_WAVES for p in wave if p in wanted)


# Which daemon a top-level command of a configuration belongs to (vtysh knows this for
# every command; the lab's own configurations use only these). Common commands go to all.
_OWNERS = (
    ("interface ", "zebra"),
    ("bfd", "bfdd"),
    ("router bgp ", "bgpd"),
    ("route-map ", "bgpd"),
    ("ip prefix-list ", "bgpd"),
    ("ipv6 prefix-list ", "bgpd"),
    ("bgp ", "bgpd"),
)
_COMMON = ("frr ", "hostname ", "log ", "service ")


def split_by_daemon(config: str, programs: tuple[str, ...]) -> dict[str, str] | None:
    """The configuration as each daemon's own file, so each reads it as it starts (no
    vtysh process per router: most of a large lab's start). None when a command's daemon
    is not known here (a user's own frr_config with more in it goes through vtysh)."""
    parts: dict[str, list[str]] = {p: [] for p in programs}
    owner: str | None = None
    for line in config.splitlines():
        top = line[:1] not in (" ", "\t", "")
        if top and line.strip() not in ("!", "exit", "end") and not line.startswith("!"):
            if line.startswith(_COMMON):
                owner = "*"
            else:
                owner = next(
                    (
                        daemon
                        for prefix, daemon in _OWNERS
                        if line == prefix.strip() or line.startswith(prefix)
                    ),
                    None,
                )
                if owner is None or owner not in parts:
                    return None
        if owner == "*":
            for lines in parts.values():
                lines.append(line)
        elif owner is not None:
            parts[owner].append(line)
    return {p: "\n".join(lines) + "\n" for p, lines in parts.items()}
