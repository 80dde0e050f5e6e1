"""Desired lab -> running lab: observe what runs (namespaces by prefix, their links, the
daemons' pid files and config digests in the state directory), diff it with the plan and
apply the difference. Applying twice changes nothing; what is not in the plan but carries
the prefix is removed (STYLE 6)."""

from __future__ import annotations

import ipaddress
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxlab.lab import daemons as _d
from dxlab.lab import events
from dxlab.lab.daemons import (
    LOG_LIMIT,
    config_errors,
    daemon_alive,
    daemon_pids,
    dead_programs,
    log_file,
    ns_dir,
)
from dxlab.lab.frr import FRR_WAVES, split_by_daemon
from dxlab.lab.host import FRR_RUN, SOCKETS, Host, LabError, bird_ctl, wait_until
from dxlab.lab.model import Daemon, End, Lab, Namespace

__all__ = [
    "Action",
    "Applier",
    "Observed",
    "daemon_alive",
    "daemon_pids",
    "diff",
    "ns_dir",
    "observe",
    "reconcile",
    "stop_daemon",
]

FORWARDING = ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")
NO_RP_FILTER = ("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")
BRIDGE_ONLY = ("xc", "wan")
FRR_FDS = 1024  # file descriptors an FRR daemon of a customer router may use


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
            addrs = {
                f"{a['local']}/{a['prefixlen']}"
                for a in link.get("addr_info", [])
                if a.get("scope") == "global"
            }
            kind = (
                "bridge"
                if "linkinfo" in link and link["linkinfo"].get("info_kind") == "bridge"
                else ""
            )
            seen.links[(ns, link["ifname"])] = LinkSeen(
                int(link.get("mtu", 0)),
                addrs,
                link.get("master", ""),
                kind,
                "UP" in link.get("flags", []),
            )
        digest = ns_dir(state, ns) / "ns.digest"
        if digest.exists():
            seen.ns_digest[ns] = digest.read_text()
        _daemons_seen(host, ns, state, seen)
    return seen


def assumed(lab: Lab, host: Host, state: Path) -> Observed:
    """What runs once `lab` was applied, without asking the kernel (one `ip` per namespace
    is most of a large lab's reconcile): its namespaces and links as planned; the daemons
    from their pid files and a liveness check, as `observe` reads them."""
    seen = Observed()
    seen.namespaces = {n.name for n in lab.namespaces}
    seen.ns_digest = {n.name: n.digest() for n in lab.namespaces}
    for br in lab.bridges:
        seen.links[(br.ns, br.name)] = LinkSeen(br.mtu, set(), "", "bridge")
    for v in lab.veths:
        for end in (v.a, v.b):
            seen.links[(end.ns, end.name)] = LinkSeen(v.mtu, set(end.addrs), end.master, "", end.up)
    for ns in seen.namespaces:
        _daemons_seen(host, ns, state, seen)
    return seen


def _daemons_seen(host: Host, ns: str, state: Path, seen: Observed) -> None:
    d = ns_dir(state, ns)
    for kind in ("bird", "frr"):
        if not (d / f"{kind}.digest").exists():
            continue
        if daemon_alive(host, ns, kind, state):
            seen.daemons[f"{ns}.{kind}"] = (d / f"{kind}.digest").read_text()
        else:
            seen.dead += [
                (ns, program, pid) for program, pid in dead_programs(host, ns, kind, state).items()
            ]


# -- the diff ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    verb: str  # add-ns | setup-ns | del-ns | add-bridge | add-veth | fix-end | del-link | start | reconfigure | stop
    target: Any

    def __str__(self) -> str:
        return f"{self.verb} {getattr(self.target, 'name', None) or getattr(self.target, 'key', None) or self.target}"


def _end_ok(end: End, mtu: int, seen: LinkSeen | None) -> bool:
    return (
        seen is not None
        and seen.mtu == mtu
        and seen.master == end.master
        and set(end.addrs) <= seen.addrs
        and seen.up == end.up
    )


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


PHASES = (
    "del-ns",
    "add-ns",
    "add-bridge",
    "fix-bridge",
    "del-link",
    "add-veth",
    "fix-end",
    "setup-ns",
    "stop",
    "reconfigure",
    "start",
)


# -- applying -----------------------------------------------------------------------------
class Applier:
    def __init__(self, host: Host, state: Path, lab: Lab | None = None) -> None:
        self.host = host
        self.state = state
        self.lab = lab
        self.took: dict[str, float] = {}  # seconds per step of the last apply (the server's log)

    def apply(self, actions: list[Action]) -> None:
        """Namespaces, then links, then what needs the links (addresses, routes), then the
        daemons. The kernel's part goes as one `ip -batch` per namespace and round, side by
        side: one `ip` per command would be thousands of processes for a large lab."""
        self.took = {}
        todo: dict[str, list[Any]] = {verb: [] for verb in PHASES}
        for a in actions:
            todo[a.verb].append(a.target)

        def timed(step: str, fn: Any, *args: Any) -> None:
            t0 = time.monotonic()
            fn(*args)
            self.took[step] = self.took.get(step, 0.0) + time.monotonic() - t0

        for name in todo["del-ns"]:
            timed("del-ns", self.do_del_ns, name)
        timed("namespaces", self.add_namespaces, todo["add-ns"])
        timed("links", self.links, todo)
        timed("setup-ns", self.setup_namespaces, todo["setup-ns"])
        for key in todo["stop"]:
            timed("stop", self.do_stop, key)
        for d in todo["reconfigure"]:
            if d.kind == "bird":
                timed("reconfigure", self.do_reconfigure, d)
        timed(
            "reconfigure", self.restart_routers, [d for d in todo["reconfigure"] if d.kind == "frr"]
        )
        timed("start", self.start_all, todo["start"])

    def batches(self, commands: dict[str, list[str]], *, check: bool = True) -> None:
        """Run each namespace's `ip` commands as one batch ("" is the machine's own
        namespace), every namespace's side by side."""
        if not commands:
            return
        where = self.state / ".batches"
        where.mkdir(parents=True, exist_ok=True)
        argvs = []
        for i, (ns, lines) in enumerate(sorted(commands.items())):
            f = where / f"{i}.ip"
            f.write_text("\n".join(lines) + "\n")
            argvs.append(
                [
                    "ip",
                    *(["-n", ns] if ns else []),
                    *([] if check else ["-force"]),
                    "-batch",
                    str(f),
                ]
            )
        try:
            self.host.run_many(argvs, timeout=30)
        except LabError:
            if check:
                raise

    def add_namespaces(self, namespaces: list[Namespace]) -> None:
        self.batches({"": [f"netns add {n.name}" for n in namespaces]})
        for n in namespaces:
            ns_dir(self.state, n.name).mkdir(parents=True, exist_ok=True)

    def links(self, todo: dict[str, list[Any]]) -> None:
        # Deletions first, on their own: a veth end deleted in one namespace may be created
        # again by its peer's namespace, whose batch runs side by side with this one.
        gone: dict[str, list[str]] = {}
        for ns, name in todo["del-link"]:
            gone.setdefault(ns, []).append(f"link del {name}")
        self.batches(gone, check=False)
        made: dict[str, list[str]] = {}
        for n in todo["add-ns"]:
            made.setdefault(n.name, []).append("link set lo up")
        for b in todo["add-bridge"]:
            made.setdefault(b.ns, []).extend(
                [f"link add {b.name} mtu {b.mtu} type bridge", f"link set {b.name} up"]
            )
        for b in todo["fix-bridge"]:
            made.setdefault(b.ns, []).append(f"link set {b.name} mtu {b.mtu}")
        for v in todo["add-veth"]:
            made.setdefault(v.a.ns, []).append(
                f"link add {v.a.name} mtu {v.mtu} type veth peer name {v.b.name} "
                f"netns {v.b.ns} mtu {v.mtu}"
            )
        self.batches(made)
        ends = (
            [(v.a, v.mtu) for v in todo["add-veth"]]
            + [(v.b, v.mtu) for v in todo["add-veth"]]
            + todo["fix-end"]
        )
        configured: dict[str, list[str]] = {}
        for end, mtu in ends:
            configured.setdefault(end.ns, []).extend(end_commands(end, mtu))
        self.batches(configured)

    def setup_namespaces(self, namespaces: list[Namespace]) -> None:
        if not namespaces:
            return
        commands = {
            n.name: [f"addr replace {a} dev lo" for a in n.loopback]
            + [f"route replace {r}" for r in n.routes]
            for n in namespaces
        }
        argvs = []
        for n in namespaces:
            # A namespace that only bridges (a cross-connect, the WAN) routes nothing: no IP
            # settings, and a process less each (60 connections: 120 fewer).
            if n.role not in BRIDGE_ONLY:
                sysctls = (FORWARDING if n.forwarding else ()) + NO_RP_FILTER
                argvs.append(["ip", "netns", "exec", n.name, "sysctl", "-q", "-w", *sysctls])
            if n.firewall:
                rules = ns_dir(self.state, n.name) / "firewall.nft"
                rules.parent.mkdir(parents=True, exist_ok=True)
                rules.write_text("flush ruleset\n" + n.firewall)
                argvs.append(["ip", "netns", "exec", n.name, "nft", "-f", str(rules)])
        self.host.run_many(argvs, timeout=30)
        # `route replace` adds and changes, never removes: a route the plan no longer has
        # (VGW route propagation turned off, a static route deleted) goes first.
        self.batches(self.stale_routes(namespaces), check=False)
        self.batches({ns: lines for ns, lines in commands.items() if lines})
        for n in namespaces:
            d = ns_dir(self.state, n.name)
            d.mkdir(parents=True, exist_ok=True)
            (d / "ns.digest").write_text(n.digest())

    def stale_routes(self, namespaces: list[Namespace]) -> dict[str, list[str]]:
        """`route del` of each route the lab put in a VPC namespace (the only role it
        routes by hand: plan._vpcs) whose destination the plan no longer names, as the
        kernel shows them (proto boot: what `ip route replace` made)."""
        vpcs = [n for n in namespaces if n.role == "vpc"]
        argvs = [
            ["ip", *family, "-j", "-n", n.name, "route", "show", "proto", "boot"]
            for n in vpcs
            for family in ((), ("-6",))
        ]
        shown = self.host.run_many(argvs, timeout=30) if argvs else []
        out: dict[str, list[str]] = {}
        for i, n in enumerate(vpcs):
            keep = {route_destination(r.split()[0]) for r in n.routes}
            for family, text in (("4", shown[2 * i]), ("6", shown[2 * i + 1])):
                for route in json.loads(text or "[]"):
                    dst = route_destination(str(route.get("dst", "")), family)
                    if dst not in keep:
                        out.setdefault(n.name, []).append(f"route del {dst}")
        return out

    def do_del_ns(self, name: str) -> None:
        from dxlab.lab.cleanup import remove_namespace

        remove_namespace(self.host, name, self.state)

    def do_stop(self, key: str) -> None:
        ns, kind = key.rsplit(".", 1)
        stop_daemon(self.host, ns, kind, self.state)

    def do_reconfigure(self, d: Daemon) -> None:
        conf = self.write_config(d)
        if d.kind == "bird":
            from dxlab.lab import bird_socket

            try:
                out = bird_socket.query(bird_ctl(d.ns), "configure", timeout=10)
            except bird_socket.BirdSocketError as exc:
                raise LabError(f"BIRD in {d.ns} did not answer `configure`: {exc}") from None
            if "error" in out.lower():
                raise LabError(f"BIRD in {d.ns} refused its configuration {conf}: {out.strip()}")
            self.write_digest(d)
        else:
            self.restart_routers([d])

    def restart_routers(self, routers: list[Daemon]) -> None:
        """FRR: a clean restart with the new configuration, every router side by side."""
        if not routers:
            return
        stop_daemons(self.host, [(d.ns, "frr") for d in routers], self.state)
        self.start_all(routers)
        # A session AWS took down for too many prefixes is tried again once the
        # customer's router changed what it sends (limits.md: fix it and it comes back).
        mine = {d.ns for d in routers}
        for s in self.lab.sessions if self.lab else ():
            if s.router_ns in mine:
                bird_socket_enable(s.device_ns, s.protocol)

    def write_config(self, d: Daemon) -> Path:
        path = ns_dir(self.state, d.ns) / f"{d.kind}.conf"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = d.config
        if d.kind == "bird":
            # Its own words where the journal finds them when it dies (events.py).
            logged = log_file(d.ns, "bird", self.state)
            text = (
                f'log "{logged}" {LOG_LIMIT} "{logged}.old" {{ info, warning, error, fatal, bug }};\n'
                + text
            )
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
        self.host.run_many(
            [
                [
                    "ip",
                    "netns",
                    "exec",
                    d.ns,
                    "bird",
                    "-c",
                    str(ns_dir(self.state, d.ns) / "bird.conf"),
                    "-s",
                    str(bird_ctl(d.ns)),
                    "-P",
                    str(ns_dir(self.state, d.ns) / "bird.pid"),
                ]
                for d in birds
            ]
        )
        for d in birds:
            self.write_digest(d)
        t0 = time.monotonic()
        frrs = [d for d in daemons if d.kind == "frr"]
        vtysh_loaded: list[Daemon] = []
        # A router with a daemon that died restarts whole: its survivors hold routes and
        # sessions the new daemons would not know of.
        stop_daemons(
            self.host,
            [(d.ns, "frr") for d in frrs if _d.program_pids(d.ns, "frr", self.state)],
            self.state,
        )
        own_files: dict[str, dict[str, Path]] = {}  # ns -> daemon -> the file it starts with
        for d in frrs:
            self.write_config(d)
            run = FRR_RUN / d.ns
            run.mkdir(parents=True, exist_ok=True)
            shutil.chown(run, "frr", "frr")
            # Each daemon reads its part as it starts; frr.startup (lab settings) first.
            parts = split_by_daemon(d.config, d.programs)
            if parts is None:  # a configuration only vtysh can split: it is loaded below
                parts = {p: "" for p in d.programs}
                vtysh_loaded.append(d)
            parts["bgpd"] = d.startup + parts.get("bgpd", "")
            own_files[d.ns] = {}
            for program, text in parts.items():
                f = run / f"{program}-start.conf"
                f.write_text(text)
                shutil.chown(f, "frr", "frr")
                own_files[d.ns][program] = f
        for wave in FRR_WAVES:
            starting = [(d, p) for d in frrs for p in wave if p in d.programs]
            # Notices and worse go to a log of its own: what the journal quotes when it dies.
            # A router's daemons hold a few sockets each: FRR sizes its tables by the fd limit
            # (tens of thousands here), and one malloc arena per thread is memory a router
            # of this size does not need (bench/lab_scale.py: memory per router).
            self.host.run_many(
                [
                    [
                        "ip",
                        "netns",
                        "exec",
                        d.ns,
                        "env",
                        "MALLOC_ARENA_MAX=1",
                        f"/usr/lib/frr/{p}",
                        "-d",
                        "-N",
                        d.ns,
                        "-f",
                        str(own_files[d.ns][p]),
                        "-P",
                        "0",
                        "--limit-fds",
                        str(FRR_FDS),
                        "--log",
                        f"file:{log_file(d.ns, p, self.state)}",
                        "--log-level",
                        "notifications",
                    ]
                    for d, p in starting
                ]
            )
            for d in frrs:
                run = FRR_RUN / d.ns
                mine = [p for p in wave if p in d.programs]
                ready = [run / f"{x}.vty" for x in mine] + (
                    [run / "zserv.api"] if "zebra" in mine else []
                )
                if not wait_until(lambda ready=ready: all(p.exists() for p in ready), 10):  # type: ignore[misc]
                    raise LabError(
                        f"FRR's {', '.join(mine)} in {d.ns} did not open its sockets within 10 s"
                    )
        t1 = time.monotonic()
        for d in frrs:
            if d not in vtysh_loaded:
                refused = [w for p in d.programs for w in config_errors(d.ns, p, self.state)]
                if refused:
                    raise LabError(
                        f"FRR in {d.ns} refused its configuration: {'; '.join(refused[:3])}"
                    )
                self.write_digest(d)
        outs = self.host.run_many(
            [
                [
                    "ip",
                    "netns",
                    "exec",
                    d.ns,
                    "vtysh",
                    "-N",
                    d.ns,
                    "-f",
                    str(ns_dir(self.state, d.ns) / "frr.conf"),
                ]
                for d in vtysh_loaded
            ],
            timeout=20,
        )
        for d, out in zip(vtysh_loaded, outs, strict=True):
            bad = [
                line
                for line in out.splitlines()
                if line.startswith("line ") or "Unknown command" in line
            ]
            if bad:
                raise LabError(f"FRR in {d.ns} refused its configuration: {'; '.join(bad[:3])}")
            self.write_digest(d)
        if frrs:  # the server's log says where a large lab's start goes
            self.took["frr-daemons"], self.took["frr-config"] = t1 - t0, time.monotonic() - t1


def route_destination(dst: str, family: str = "") -> str:
    """A route's destination as one text, whether the plan or the kernel wrote it
    ("default" is 0.0.0.0/0 or ::/0 by family; a host route has no length in `ip -j`)."""
    if dst == "default":
        return "::/0" if family == "6" else "0.0.0.0/0"
    return str(ipaddress.ip_network(dst, strict=False))


def end_commands(end: End, mtu: int) -> list[str]:
    """One end of a veth as the plan wants it: MTU, bridge, addresses, up or down."""
    out = [f"link set {end.name} mtu {mtu}"]
    if end.master:
        out.append(f"link set {end.name} master {end.master}")
    for addr in end.addrs:
        # nodad: no 1-2 s of duplicate address detection before BGP can use an IPv6 address.
        nodad = " nodad" if ipaddress.ip_interface(addr).version == 6 else ""
        out.append(f"addr replace {addr} dev {end.name}{nodad}")
    out.append(f"link set {end.name} {'up' if end.up else 'down'}")
    return out


def stop_daemon(host: Host, ns: str, kind: str, state: Path) -> None:
    stop_daemons(host, [(ns, kind)], state)


def stop_daemons(host: Host, which: list[tuple[str, str]], state: Path) -> None:
    """Stop on purpose, all at once (one wait, not one per daemon): the digest goes first,
    so no observe takes it for a death."""
    import signal

    pids = []
    for ns, kind in which:
        (ns_dir(state, ns) / f"{kind}.digest").unlink(missing_ok=True)
        pids += daemon_pids(ns, kind, state)
    for pid in pids:
        host.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: not any(host.alive(p) for p in pids), 3):
        for pid in pids:
            host.kill(pid, signal.SIGKILL)
        wait_until(lambda: not any(host.alive(p) for p in pids), 1)
    for ns, kind in which:
        if kind == "frr":
            # Stale pid files and sockets would pass for the next start's (its readiness
            # check waits for the sockets to exist).
            for f in (FRR_RUN / ns).glob("*"):
                if f.suffix in (".pid", ".vty") or f.name == "zserv.api":
                    f.unlink(missing_ok=True)


def bird_socket_enable(ns: str, protocol: str) -> None:
    from dxlab.lab import bird_socket

    try:
        bird_socket.query(bird_ctl(ns), f"enable {protocol}")
    except bird_socket.BirdSocketError:
        pass  # BIRD is restarting: it starts with the protocol enabled


def reconcile(host: Host, lab: Lab, state: Path, applied: Lab | None = None) -> list[Action]:
    """Make the running lab match `lab`; returns what was done. `applied`: the lab the
    last reconcile made, taken as what runs instead of observing the kernel (the daemons
    are checked either way); None observes everything (a heal, a first pass)."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    seen = (
        assumed(applied, host, state) if applied is not None else observe(host, lab.prefix, state)
    )
    for ns, program, pid in seen.dead:
        events.record(
            state,
            "daemon died",
            f"{program} (pid {pid}) in {ns} is not running; restarting it",
            ns=ns,
            program=program,
            words=_d.last_words(ns, program, state),
        )
    actions = diff(lab, seen)
    applier = Applier(host, state, lab)
    try:
        applier.apply(actions)
    except LabError as exc:
        events.record(state, "error", str(exc))
        raise
    if actions:
        events.log.info(
            "lab: %d actions; seconds per step: %s",
            len(actions),
            ", ".join(f"{k} {v:.2f}" for k, v in applier.took.items() if v >= 0.01),
        )
    return actions
