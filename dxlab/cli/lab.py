"""`dxlab lab status` and `dxlab lab down`, and the lab part of `dxlab down`: they read
the machine (namespaces by prefix, pid files, the daemons' own answers), not the server,
so they work while it is stopped or after it was killed."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dxlab.lab import events
from dxlab.lab.cleanup import down, lab_namespaces
from dxlab.lab.daemons import program_pids
from dxlab.lab.host import LinuxHost
from dxlab.lab.state import frr_peer_states, protocols


def lab_prefix() -> str:
    from dxlab import config

    return config.lab_prefix()


def lab_state() -> Path:
    from dxlab.lab.plane import lab_state_dir

    return lab_state_dir()


def down_lab(console: Console) -> None:
    """Remove whatever lab is left on this machine (nothing to do is fine)."""
    if os.geteuid() != 0:
        return
    host = LinuxHost()
    if not lab_namespaces(host, lab_prefix()):
        return
    removed = down(host, lab_prefix(), lab_state())
    console.print(f"lab removed: {len(removed)} namespace(s)")


def _role(ns: str, prefix: str) -> tuple[str, str]:
    m = re.match(re.escape(prefix) + r"-\w+?-(dev|rtr|xc|gw|vpc|site|wan)-(.*)$", ns)
    return (m.group(1), m.group(2)) if m else ("?", ns)


def status_tables(prefix: str, state: Path) -> list[Table]:
    host = LinuxHost()
    found = lab_namespaces(host, prefix)
    spaces = Table("Namespace", "Role", "Stands for", "Daemon", "Pids")
    sessions = Table("Namespace", "Session", "Side", "State", "Info")
    for ns in found:
        role, resource = _role(ns, prefix)
        running = {k: program_pids(ns, k, state) for k in ("bird", "frr")}
        daemons = [k for k in ("bird", "frr") if running[k]]
        alive = []
        for k in daemons:
            dead = [p for p, pid in running[k].items() if not host.alive(pid)]
            state_word = f"DEAD: {' '.join(dead)}" if dead else "up"
            alive.append(
                f"{k} ({state_word})"
                if k == "bird"
                else f"frr ({state_word}; {' '.join(running[k])})"
            )
        pids = ",".join(str(p) for k in daemons for p in running[k].values())
        spaces.add_row(ns, role, resource, " ".join(alive) or "-", pids or "-")
        if role == "dev" and "bird" in daemons:
            for name, proto in protocols(host, state, ns).items():
                if name.startswith("v_"):
                    vif = name[2:].rsplit("_", 1)[0].replace("_", "-")
                    sessions.add_row(ns, vif, "AWS (BIRD)", proto.state, proto.info)
        if role == "rtr" and "frr" in daemons:
            for addr, st in frr_peer_states(host, ns).items():
                sessions.add_row(ns, addr, "customer (FRR)", st, "")
    return [spaces, sessions]


def events_table(state: Path, n: int = 20) -> Table:
    """The lab's journal (events.py): daemons that died, configurations refused, errors."""
    table = Table(
        "When",
        "What",
        "Namespace",
        "Daemon",
        "Message",
        "It said",
        title="Lab events (newest last)",
    )
    for e in events.recent(state, n):
        table.add_row(
            events.clock(e["time"]),
            e["what"],
            e.get("ns") or "-",
            e.get("program") or "-",
            e["message"],
            e.get("words") or "-",
        )
    return table


def register(main: click.Group, endpoint_option: Any, call: Any) -> None:
    @main.group("lab")
    def lab() -> None:
        """The lab data plane: namespaces, BIRD and FRR daemons, BGP sessions."""

    @lab.command("status")
    def lab_status() -> None:
        """Namespaces, daemons and BGP sessions of the running lab."""
        console = Console(width=None if sys.stdout.isatty() else 200)
        if os.geteuid() != 0:
            console.print("the lab needs root: run as root to see it")
            return
        tables = status_tables(lab_prefix(), lab_state())
        journal = events_table(lab_state())
        if not tables[0].row_count:
            console.print(f"no lab is running (prefix {lab_prefix()!r})")
        else:
            for table in tables:
                console.print(table)
        if journal.row_count:
            console.print(journal)

    @lab.command("down")
    def lab_down() -> None:
        """Remove the lab (also after dxlab was killed). Harmless when nothing runs."""
        console = Console(width=None if sys.stdout.isatty() else 200)
        removed = down(LinuxHost(), lab_prefix(), lab_state()) if os.geteuid() == 0 else []
        console.print(
            f"lab removed: {len(removed)} namespace(s)" if removed else "no lab is running"
        )
