"""The lab's daemons as processes: which program of a namespace runs under which pid (BIRD's
pid file in the state directory, one per FRR daemon in FRR's run directory), whether it is
alive, where it logs and what it said last, and a watch that notices a death as it happens."""

from __future__ import annotations

import os
import re
import select
from dataclasses import dataclass
from pathlib import Path

from dxlab.lab.frr import FRR_WAVES
from dxlab.lab.host import FRR_RUN, Host

LOG_LIMIT = 1_000_000  # bytes of a daemon's log before BIRD rotates it (FRR logs only notices)
WORDS = 3  # lines of a dead daemon's log that the journal keeps


def ns_dir(state: Path, ns: str) -> Path:
    return state / ns


def pid_files(ns: str, kind: str, state: Path) -> dict[str, Path]:
    """Program -> its pid file, for the pid files that exist."""
    if kind == "bird":
        f = ns_dir(state, ns) / "bird.pid"
        return {"bird": f} if f.exists() else {}
    run = FRR_RUN / ns
    order = [p for wave in FRR_WAVES for p in wave]
    found = (
        sorted(
            run.glob("*.pid"), key=lambda f: order.index(f.stem) if f.stem in order else len(order)
        )
        if run.is_dir()
        else []
    )
    return {f.stem: f for f in found}


def read_pid(f: Path) -> int | None:
    try:
        return int(f.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def program_pids(ns: str, kind: str, state: Path) -> dict[str, int]:
    """Program -> pid, as the pid files say (alive or not)."""
    out = {}
    for program, f in pid_files(ns, kind, state).items():
        pid = read_pid(f)
        if pid is not None:
            out[program] = pid
    return out


def daemon_pids(ns: str, kind: str, state: Path) -> list[int]:
    return list(program_pids(ns, kind, state).values())


def dead_programs(host: Host, ns: str, kind: str, state: Path) -> dict[str, int]:
    return {p: pid for p, pid in program_pids(ns, kind, state).items() if not host.alive(pid)}


def daemon_alive(host: Host, ns: str, kind: str, state: Path) -> bool:
    pids = program_pids(ns, kind, state)
    return bool(pids) and all(host.alive(p) for p in pids.values())


# -- what a daemon said ---------------------------------------------------------------------
def log_file(ns: str, program: str, state: Path) -> Path:
    if program == "bird":
        return ns_dir(state, ns) / "bird.log"
    return FRR_RUN / ns / f"{program}.log"


_STARTED = re.compile(r"starting: vty@|<INFO> Started$|\bStarted$")
_FRAME = re.compile(r"^\S+: /\S+\(|^\S+: /\S+ \[0x|\[0x[0-9a-f]+\]$")


def _since_start(ns: str, program: str, state: Path) -> list[str]:
    """The lines the daemon logged since it last started."""
    try:
        with log_file(ns, program, state).open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 16384))
            lines = f.read().decode(errors="replace").splitlines()
    except OSError:
        return []
    start = max((i for i, line in enumerate(lines) if _STARTED.search(line)), default=-1)
    return lines[start + 1 :]


def config_errors(ns: str, program: str, state: Path) -> list[str]:
    """What an FRR daemon said about its start configuration's lines it refused."""
    return [
        line.split("] ", 1)[-1].strip()
        for line in _since_start(ns, program, state)
        if "config line" in line
    ]


def last_words(ns: str, program: str, state: Path) -> str:
    """The last lines the daemon logged since it last started (a crash's signal and
    reason, a shutdown), without backtrace frames; "" when it said nothing (SIGKILL)."""
    said = [
        line.strip()
        for line in _since_start(ns, program, state)
        if line.strip() and not _FRAME.search(line)
    ]
    return " | ".join(said[-WORDS:])


# -- noticing a death as it happens ---------------------------------------------------------------
@dataclass(frozen=True)
class Watched:
    ns: str
    program: str
    pid: int


class DeathWatch:
    """A pidfd for every lab daemon (Linux 5.3+): it becomes readable when the daemon
    exits, whoever its parent is (the daemons detach from the server), so one poll(0) a
    pass tells whether any died, without a command or a /proc walk per daemon."""

    def __init__(self) -> None:
        self._fds: dict[int, Watched] = {}
        self._poll = select.poll()

    def watch(self, state: Path, namespaces: list[str]) -> None:
        """Watch exactly the daemons the pid files name now (after a reconcile: what it
        stopped on purpose is no longer named)."""
        self.close()
        for ns in namespaces:
            for kind in ("bird", "frr"):
                for program, pid in program_pids(ns, kind, state).items():
                    try:
                        fd = os.pidfd_open(pid)
                    except OSError:
                        continue  # already gone: the next reconcile's observe finds it dead
                    self._fds[fd] = Watched(ns, program, pid)
                    self._poll.register(fd, select.POLLIN)

    def died(self) -> list[Watched]:
        """The watched daemons that exited since the last call (each reported once)."""
        if not self._fds:
            return []
        gone = []
        for fd, _ in self._poll.poll(0):
            watched = self._fds.pop(fd, None)
            self._poll.unregister(fd)
            os.close(fd)
            if watched is not None:
                gone.append(watched)
        return gone

    def close(self) -> None:
        for fd in self._fds:
            self._poll.unregister(fd)
            os.close(fd)
        self._fds.clear()
