"""The one seam between the lab and the operating system (STYLE 14): namespaces, links,
processes and commands. `LinuxHost` drives the real kernel; the planner and the diff
never touch it, so they are unit-tested without root."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

FRR_RUN = Path("/var/run/frr")  # FRR's compiled-in socket directory; -N adds a subdirectory
# BIRD's control sockets: a unix socket path has at most 107 bytes, which a state
# directory deep in a home or a test's temporary directory soon exceeds.
SOCKETS = Path("/run/dxlab-lab")


def bird_ctl(ns: str) -> Path:
    return SOCKETS / f"{ns}.ctl"


class LabError(RuntimeError):
    """A lab command failed: what was run and what it said."""


class Host(Protocol):
    def run(
        self,
        argv: list[str],
        *,
        check: bool = True,
        timeout: float = 10.0,
        stdin: str | None = None,
    ) -> str: ...

    def run_many(self, argvs: list[list[str]], *, timeout: float = 10.0) -> list[str]: ...

    def spawn(self, argv: list[str]) -> subprocess.Popen[str]: ...

    def namespaces(self) -> list[str]: ...

    def links(self, ns: str) -> list[dict[str, Any]]: ...

    def pids_in(self, ns: str) -> list[int]: ...

    def pids_in_many(self, names: list[str]) -> dict[str, list[int]]: ...

    def alive(self, pid: int) -> bool: ...

    def kill(self, pid: int, sig: int = signal.SIGTERM) -> None: ...


@dataclass
class LinuxHost:
    """The real kernel, through iproute2, nft and the daemons' own tools."""

    log: list[str] = field(default_factory=list)  # commands run, for `--verbose` and tests

    def run(
        self,
        argv: list[str],
        *,
        check: bool = True,
        timeout: float = 10.0,
        stdin: str | None = None,
    ) -> str:
        self.log.append(" ".join(argv))
        try:
            done = subprocess.run(
                argv, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise LabError(f"{' '.join(argv)}: no answer within {timeout} s") from None
        if check and done.returncode != 0:
            raise LabError(f"{' '.join(argv)}: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def run_many(self, argvs: list[list[str]], *, timeout: float = 10.0) -> list[str]:
        """Run commands side by side (daemon starts, router configurations): one at a time
        they would add up to seconds. Fails like `run` on the first that failed."""
        procs = []
        for argv in argvs:
            self.log.append(" ".join(argv))
            procs.append(
                (
                    argv,
                    subprocess.Popen(
                        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                    ),
                )
            )
        outs, failed = [], []
        deadline = time.monotonic() + timeout
        for argv, proc in procs:
            try:
                out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                failed.append(f"{' '.join(argv)}: no answer within {timeout} s")
                outs.append("")
                continue
            if proc.returncode != 0:
                failed.append(f"{' '.join(argv)}: {err.strip() or out.strip()}")
            outs.append(out)
        if failed:
            raise LabError("; ".join(failed))
        return outs

    def spawn(self, argv: list[str]) -> subprocess.Popen[str]:
        """A command that runs while the caller does other things (probe traffic). Its errors
        come with its output: a pipe nobody reads would fill and stall it (ping says
        "Network is unreachable" for every probe while a path is down)."""
        self.log.append(" ".join(argv))
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def namespaces(self) -> list[str]:
        try:
            return sorted(p.name for p in Path("/run/netns").iterdir())
        except FileNotFoundError:
            return []

    def links(self, ns: str) -> list[dict[str, Any]]:
        out = self.run(["ip", "-d", "-n", ns, "-j", "addr", "show"], check=False)
        return list(json.loads(out)) if out.strip() else []

    def pids_in(self, ns: str) -> list[int]:
        out = self.run(["ip", "netns", "pids", ns], check=False)
        return [int(p) for p in out.split() if p.isdigit()]

    def pids_in_many(self, names: list[str]) -> dict[str, list[int]]:
        """`ip netns pids` for many namespaces at once, as it does it (a process is in a
        namespace when its /proc/PID/ns/net is the file /run/netns/NAME binds), without a
        process per namespace."""
        inode: dict[tuple[int, int], str] = {}
        for ns in names:
            try:
                st = os.stat(f"/run/netns/{ns}")
            except OSError:
                continue
            inode[(st.st_dev, st.st_ino)] = ns
        out: dict[str, list[int]] = {ns: [] for ns in names}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                st = os.stat(entry / "ns" / "net")
            except OSError:
                continue
            found = inode.get((st.st_dev, st.st_ino))
            if found is not None:
                out[found].append(int(entry.name))
        return out

    def alive(self, pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        # A zombie still answers kill 0; it is gone for our purposes.
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False

    def kill(self, pid: int, sig: int = signal.SIGTERM) -> None:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def wait_until(check: Any, timeout: float, step: float = 0.02) -> bool:
    """Poll `check()` until it is true or `timeout` seconds pass (bounded: every lab wait is)."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)


def tools_present() -> dict[str, bool]:
    """What the lab data plane needs on this machine (`--data-plane auto` asks)."""
    return {
        "root": os.geteuid() == 0,
        "ip": shutil.which("ip") is not None,
        "bird": shutil.which("bird") is not None and shutil.which("birdc") is not None,
        "frr": Path("/usr/lib/frr/bgpd").exists()
        and Path("/usr/lib/frr/bfdd").exists()
        and shutil.which("vtysh") is not None,
        "nft": shutil.which("nft") is not None,
        "ping": shutil.which("ping") is not None,
        "traceroute": shutil.which("traceroute") is not None,
        "stdbuf": shutil.which("stdbuf") is not None,
    }


def lab_can_run() -> bool:
    return all(tools_present().values())
