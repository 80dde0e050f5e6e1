"""Desired lab -> running lab: observe what runs (namespaces by prefix, their links, the
daemons' pid files and config digests in the state directory), diff it with the plan and
apply the difference. Applying twice changes nothing; what is not in the plan but carries
the prefix is removed (STYLE 6)."""

from __future__ import annotations

import ipaddress
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxlab.lab import events
from dxlab.lab.daemons import (
    LOG_LIMIT,
    daemon_alive,
    daemon_pids,
    dead_programs,
    last_words,
    log_file,
    ns_dir,
    program_pids,  # fmt: skip
)
from dxlab.lab.frr import FRR_WAVES
from dxlab.lab.host import FRR_RUN, SOCKETS, Host, LabError, bird_ctl, wait_until
from dxlab.lab.model import Bridge, Daemon, End, Lab, Namespace, Veth

__all__ = ["Action", "Applier", "Observed", "daemon_alive", "daemon_pids", "diff", "ns_dir", "observe", "reconcile",
           "stop_daemon"]  # fmt: skip

FORWARDING = ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")
NO_RP_FILTER = ("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")


@dataclass
class LinkSeen:
    mtu: int
    addrs: set[str]
    master: str
    kind: str
    up: bool = True


@dataclass
class Observed:
    namespaces: set[str] = field(default_factory=set)
    links: dict[tuple[str, str], LinkSeen] = field(default_factory=dict)
    ns_digest: dict[str, str] = field(default_factory=dict)
    daemons: dict[str, str] = field(default_factory=dict)  # key -> config digest, for live daemons
    # (namespace, program, pid) of each daemon that was started and configured but is not
    # running (a stop on purpose removes the digest first): a fault of the lab to report
    dead: list[tuple[str, str, int]] = field(default_factory=list)


def observe(host: Host, lab_prefix: str, state: Path, live: Any = None) -> Observed:
    seen = Observed()
    for ns in host.namespaces():
        if not ns.startswith(lab_prefix + "-"):
            continue
        seen.namespaces.add(ns)
        for link in host.links(ns):
            addrs = {f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []) if a.get("scope") == "global"}
            kind = "bridge" if "linkinfo" in link and link["linkinfo"].get("info_kind") == "bridge" else ""
            seen.links[(ns, link["ifname"])] = LinkSeen(int(link.get("mtu", 0)), addrs, link.get("master", ""), kind,
                                                        "UP" in link.get("flags", []))  # fmt: skip
        d = ns_dir(state, ns)
        digest = d / "ns.digest"
        if digest.exists():
            seen.ns_digest[ns] = digest.read_text()
        for kind in ("bird", "frr"):
            if not (d / f"{kind}.digest").exists():
                continue
            if daemon_alive(host, ns, kind, state):
                seen.daemons[f"{ns}.{kind}"] = (d / f"{kind}.digest").read_text()
            else:
                seen.dead += [(ns, program, pid) for program, pid in dead_programs(host, ns, kind, state).items()]
    return seen


# -- the diff ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    verb: str  # add-ns | setup-ns | del-ns | add-bridge | add-veth | fix-end | del-link | start | reconfigure | stop
    target: Any

    def __str__(self) -> str:
        return f"{self.verb} {getattr(self.target, 'name', None) or getattr(self.target, 'key', None) or self.target}"


def _end_ok(end: End, mtu: int, seen: LinkSeen | None) -> bool:
    return (seen is not None and seen.mtu == mtu and seen.master == end.master and set(end.addrs) <= seen.addrs
            and seen.up == end.up)  # fmt: skip


def diff(lab: Lab, seen: Observed) -> list[Action]:
    """The actions that turn what runs into the plan, in the order to run them."""
    actions: list[Action] = []
    want_ns = {n.name: n for n in lab.namespaces}
    for name in sorted(seen.namespaces - set(want_ns)):
        if name.startswith(lab.prefix + "-"):  # never a namespace the lab did not make
            actions.append(Action("del-ns", name))
    for n in lab.namespaces:
        if n.name not in seen.namespaces:
            actions.append(Action("add-ns", n))
        if seen.ns_digest.get(n.name) != n.digest() or n.name not in seen.namespaces:
            actions.append(Action("setup-ns", n))
    wanted_links: set[tuple[str, str]] = set()
    for br in lab.bridges:
        wanted_links.add((br.ns, br.name))
        if (br.ns, br.name) not in seen.links:
            actions.append(Action("add-bridge", br))
        elif seen.links[(br.ns, br.name)].mtu != br.mtu:
            actions.append(Action("fix-bridge", br))
    for v in lab.veths:
        wanted_links |= {(v.a.ns, v.a.name), (v.b.ns, v.b.name)}
        a, b = seen.links.get((v.a.ns, v.a.name)), seen.links.get((v.b.ns, v.b.name))
        if a is None or b is None:
            for end, present in ((v.a, a), (v.b, b)):
                if present is not None:
                    actions.append(Action("del-link", (end.ns, end.name)))
            actions.append(Action("add-veth", v))
            continue
        for end, present in ((v.a, a), (v.b, b)):
            if not _end_ok(end, v.mtu, present):
                actions.append(Action("fix-end", (end, v.mtu)))
    for ns, name in sorted(seen.links):
        if ns in want_ns and name != "lo" and (ns, name) not in wanted_links:
            actions.append(Action("del-link", (ns, name)))
    want_daemons = {d.key: d for d in lab.daemons}
    for key in sorted(set(seen.daemons) - set(want_daemons)):
        if key.rsplit(".", 1)[0] in want_ns:
            actions.append(Action("stop", key))
    for d in lab.daemons:
        if d.key not in seen.daemons:
            actions.append(Action("start", d))
        elif seen.daemons[d.key] != d.digest():
            actions.append(Action("reconfigure", d))
    return actions


PHASES = ("del-ns", "add-ns", "add-bridge", "fix-bridge", "del-link", "add-veth", "fix-end", "setup-ns", "stop", "reconfigure",
          "start")


# -- applying -----------------------------------------------------------------------------
class Applier:
    def __init__(self, host: Host, state: Path, lab: Lab | None = None) -> None:
        self.host = host
        self.state = state
        self.lab = lab

    def ip(self, ns: str, *args: str, check: bool = True) -> str:
        return self.host.run(["ip", "-n", ns, *args], check=check)

    def apply(self, actions: list[Action]) -> None:
        # Namespaces, then links, then what needs the links (routes), then the daemons.
        for a in sorted(actions, key=lambda a: PHASES.index(a.verb)):
            if a.verb != "start":
                getattr(self, "do_" + a.verb.replace("-", "_"))(a.target)
        self.start_all([a.target for a in actions if a.verb == "start"])

    def do_del_ns(self, name: str) -> None:
        from dxlab.lab.cleanup import remove_namespace

        remove_namespace(self.host, name, self.state)

    def do_add_ns(self, n: Namespace) -> None:
        self.host.run(["ip", "netns", "add", n.name])
        self.ip(n.name, "link", "set", "lo", "up")
        ns_dir(self.state, n.name).mkdir(parents=True, exist_ok=True)

    def do_setup_ns(self, n: Namespace) -> None:
        sysctls = (FORWARDING if n.forwarding else ()) + NO_RP_FILTER
        self.host.run(["ip", "netns", "exec", n.name, "sysctl", "-q", "-w", *sysctls])
        for addr in n.loopback:
            self.ip(n.name, "addr", "replace", addr, "dev", "lo")
        for r in n.routes:
            self.ip(n.name, "route", "replace", *r.split())
        if n.firewall:
            self.host.run(["ip", "netns", "exec", n.name, "nft", "-f", "-"],
                          stdin="flush ruleset\n" + n.firewall)  # fmt: skip
        d = ns_dir(self.state, n.name)
        d.mkdir(parents=True, exist_ok=True)
        (d / "ns.digest").write_text(n.digest())

    def do_add_bridge(self, b: Bridge) -> None:
        self.ip(b.ns, "link", "add", b.name, "mtu", str(b.mtu), "type", "bridge")
        self.ip(b.ns, "link", "set", b.name, "up")

    def do_fix_bridge(self, b: Bridge) -> None:
        self.ip(b.ns, "link", "set", b.name, "mtu", str(b.mtu))

    def do_add_veth(self, v: Veth) -> None:
        self.ip(v.a.ns, "link", "add", v.a.name, "mtu", str(v.mtu), "type", "veth",
                "peer", "name", v.b.name, "netns", v.b.ns, "mtu", str(v.mtu))  # fmt: skip
        self.do_fix_end((v.a, v.mtu))
        self.do_fix_end((v.b, v.mtu))

    def do_fix_end(self, target: tuple[End, int]) -> None:
        end, mtu = target
        self.ip(end.ns, "link", "set", end.name, "mtu", str(mtu))
        if end.master:
            self.ip(end.ns, "link", "set", end.name, "master", end.master)
        for addr in end.addrs:
            if ipaddress.ip_interface(addr).version == 6:
                # nodad: no 1-2 s of duplicate address detection before BGP can use it.
                self.host.run(["ip", "-6", "-n", end.ns, "addr", "replace", addr, "dev", end.name, "nodad"])
            else:
                self.host.run(["ip", "-4", "-n", end.ns, "addr", "replace", addr, "dev", end.name])
        self.ip(end.ns, "link", "set", end.name, "up" if end.up else "down")

    def do_del_link(self, target: tuple[str, str]) -> None:
        self.ip(target[0], "link", "del", target[1], check=False)

    def do_stop(self, key: str) -> None:
        ns, kind = key.rsplit(".", 1)
        stop_daemon(self.host, ns, kind, self.state)

    def do_reconfigure(self, d: Daemon) -> None:
        conf = self.write_config(d)
        if d.kind == "bird":
            out = self.host.run(["birdc", "-s", str(bird_ctl(d.ns)), "configure"])
            if "error" in out.lower():
                raise LabError(f"BIRD in {d.ns} refused its configuration {conf}: {out.strip()}")
            self.write_digest(d)
        else:  # FRR: a clean restart with the new configuration
            stop_daemon(self.host, d.ns, "frr", self.state)
            self.start_all([d])
            # A session AWS took down for too many prefixes is tried again once the
            # customer's router changed what it sends (limits.md: fix it and it comes back).
            for s in self.lab.sessions if self.lab else ():
                if s.router_ns == d.ns:
                    self.host.run(["birdc", "-s", str(bird_ctl(s.device_ns)), "enable",
                                   s.protocol], check=False)  # fmt: skip

    def write_config(self, d: Daemon) -> Path:
        path = ns_dir(self.state, d.ns) / f"{d.kind}.conf"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = d.config
        if d.kind == "bird":
            # Its own words where the journal finds them when it dies (events.py).
            logged = log_file(d.ns, "bird", self.state)
            text = f'log "{logged}" {LOG_LIMIT} "{logged}.old" {{ info, warning, error, fatal, bug }};\n' + text
        path.write_text(text)
        return path

    def write_digest(self, d: Daemon) -> None:
        (ns_dir(self.state, d.ns) / f"{d.kind}.digest").write_text(d.digest())

    def start_all(self, daemons: list[Daemon]) -> None:
        """Every BIRD, then every FRR, side by side (waiting for each router in turn would
        add up): FRR's first connect then finds AWS's side listening."""
        birds = [d for d in daemons if d.kind == "bird"]
        SOCKETS.mkdir(parents=True, exist_ok=True)
        for d in birds:
            self.write_config(d)
        self.host.run_many([["ip", "netns", "exec", d.ns, "bird", "-c", str(ns_dir(self.state, d.ns) / "bird.conf"),
                             "-s", str(bird_ctl(d.ns)),
                             "-P", str(ns_dir(self.state, d.ns) / "bird.pid")] for d in birds])  # fmt: skip
        for d in birds:
            self.write_digest(d)
        frrs = [d for d in daemons if d.kind == "frr"]
        for d in frrs:
            # A router with a daemon that died restarts whole: its survivors hold routes and
            # sessions the new daemons would not know of.
            if program_pids(d.ns, "frr", self.state):
                stop_daemon(self.host, d.ns, "frr", self.state)
            self.write_config(d)
            run = FRR_RUN / d.ns
            run.mkdir(parents=True, exist_ok=True)
            # frr.startup: lab settings bgpd must read before the router's configuration.
            (run / "bgpd-start.conf").write_text(d.startup)
            shutil.chown(run, "frr", "frr")
            shutil.chown(run / "bgpd-start.conf", "frr", "frr")
        for wave in FRR_WAVES:
            starting = [(d, p) for d in frrs for p in wave if p in d.programs]
            # Notices and worse go to a log of its own: what the journal quotes when it dies.
            self.host.run_many([["ip", "netns", "exec", d.ns, f"/usr/lib/frr/{p}", "-d", "-N", d.ns, "-f",
                                 str(FRR_RUN / d.ns / "bgpd-start.conf") if p == "bgpd" else "/dev/null",
                                 "-P", "0", "--log", f"file:{log_file(d.ns, p, self.state)}",
                                 "--log-level", "notifications"] for d, p in starting])  # fmt: skip
            for d in frrs:
                run = FRR_RUN / d.ns
                mine = [p for p in wave if p in d.programs]
                ready = [run / f"{x}.vty" for x in mine] + ([run / "zserv.api"] if "zebra" in mine else [])
                if not wait_until(lambda ready=ready: all(p.exists() for p in ready), 10):  # type: ignore[misc]
                    raise LabError(f"FRR's {', '.join(mine)} in {d.ns} did not open its sockets within 10 s")
        outs = self.host.run_many([["ip", "netns", "exec", d.ns, "vtysh", "-N", d.ns, "-f",
                                    str(ns_dir(self.state, d.ns) / "frr.conf")] for d in frrs], timeout=20)  # fmt: skip
        for d, out in zip(frrs, outs, strict=True):
            bad = [line for line in out.splitlines() if line.startswith("line ") or "Unknown command" in line]
            if bad:
                raise LabError(f"FRR in {d.ns} refused its configuration: {'; '.join(bad[:3])}")
            self.write_digest(d)


def stop_daemon(host: Host, ns: str, kind: str, state: Path) -> None:
    """Stop on purpose: the digest goes first, so no observe takes it for a death."""
    import signal

    (ns_dir(state, ns) / f"{kind}.digest").unlink(missing_ok=True)
    pids = daemon_pids(ns, kind, state)
    for pid in pids:
        host.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: not any(host.alive(p) for p in pids), 3):
        for pid in pids:
            host.kill(pid, signal.SIGKILL)
        wait_until(lambda: not any(host.alive(p) for p in pids), 1)
    if kind == "frr":
        # Stale pid files and sockets would pass for the next start's (its readiness check
        # waits for the sockets to exist).
        for f in (FRR_RUN / ns).glob("*"):
            if f.suffix in (".pid", ".vty") or f.name == "zserv.api":
                f.unlink(missing_ok=True)


def reconcile(host: Host, lab: Lab, state: Path) -> list[Action]:
    """Make the running lab match `lab`; returns what was done."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    seen = observe(host, lab.prefix, state)
    for ns, program, pid in seen.dead:
        events.record(state, "daemon died", f"{program} (pid {pid}) in {ns} is not running; restarting it", ns=ns,
                      program=program, words=last_words(ns, program, state))  # fmt: skip
    actions = diff(lab, seen)
    try:
        Applier(host, state, lab).apply(actions)
    except LabError as exc:
        events.record(state, "error", str(exc))
        raise
    return actions
