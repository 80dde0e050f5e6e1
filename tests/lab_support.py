"""What the lab tests share: a `dxlab serve --data-plane lab` process with a lab prefix and
state directory of its own (so tests never touch another lab), the daemons' answers, and
the routing snapshot read from the server's own database for the sim's predictions."""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dxlab.bootstrap import lab_networks
from dxlab.lab.cleanup import lab_namespaces
from dxlab.lab.host import LinuxHost, bird_ctl, lab_can_run
from dxlab.lab.model import Lab
from dxlab.lab.plan import build_lab
from dxlab.routing.network import Network
from dxlab.service.context import Context, Settings
from dxlab.service.snapshot import build_network
from dxlab.store import open_store
from tests.conftest import ServerProcess

# The lab needs root and the daemons; `make test` installs them (Makefile system-packages).
# Without them these tests fail loudly rather than skip: a green run must mean the lab ran.
REQUIREMENT = "the lab tests need root, bird2, frr and nftables (make system-packages)"


@dataclass
class LabServer:
    server: ServerProcess
    home: Path
    prefix: str
    host: LinuxHost

    @property
    def state(self) -> Path:
        return self.home / "lab"

    def env(self) -> dict[str, str]:
        return {**os.environ, "DXLAB_HOME": str(self.home), "DXLAB_LAB_PREFIX": self.prefix}

    def namespaces(self) -> list[str]:
        return lab_namespaces(self.host, self.prefix)

    def plan(self, account: str) -> Lab:
        """The lab the server runs for `account`, planned again from its database."""
        store = open_store(self.server.db)
        try:
            with store.read() as uow:
                nets = [n for n in lab_networks(uow, Settings()) if n.account == account]
        finally:
            store.close()
        return build_lab(nets, self.prefix)

    def network(self, account: str) -> Network:
        store = open_store(self.server.db)
        try:
            with store.read() as uow:
                return build_network(uow, Context(account=account))
        finally:
            store.close()

    def birdc(self, ns: str, *command: str) -> str:
        return self.host.run(["birdc", "-s", str(bird_ctl(ns)), *command], check=False)

    def vtysh(self, ns: str, command: str) -> str:
        return self.host.run(
            ["ip", "netns", "exec", ns, "vtysh", "-N", ns, "-c", command], check=False
        )

    def in_ns(self, ns: str, *argv: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["ip", "netns", "exec", ns, *argv], capture_output=True, text=True, timeout=timeout
        )

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        import sys

        return subprocess.run(
            [sys.executable, "-m", "dxlab.cli.main", *args],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=timeout,
        )


def wait_for(check: Callable[[], Any], timeout: float, what: str, step: float = 0.1) -> Any:
    """Poll until `check()` is truthy (bounded); fail naming what did not happen."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(step)
    raise AssertionError(f"{what}: not within {timeout} s (last: {last!r})")


def start_lab_server(tmp: Path) -> LabServer:
    assert lab_can_run(), REQUIREMENT
    prefix = "dxt" + secrets.token_hex(2)
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    old = {k: os.environ.get(k) for k in ("DXLAB_HOME", "DXLAB_LAB_PREFIX")}
    os.environ["DXLAB_HOME"], os.environ["DXLAB_LAB_PREFIX"] = str(home), prefix
    try:
        server = ServerProcess(
            f"sqlite:///{tmp / 'dxlab.db'}", args=("--data-plane", "lab")
        ).start()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return LabServer(server, home, prefix, LinuxHost())


def running_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A test module's lab server (each module's fixture yields from this), removed after."""
    lab = start_lab_server(tmp_path_factory.mktemp("lab"))
    try:
        yield lab
    finally:
        lab.server.stop()
        # A clean stop removes the lab; if it did not, say so and remove it anyway.
        left = lab.namespaces()
        if left:
            lab.cli("lab", "down")
        assert not left, f"the server's stop left {left}"


def wait_equal(
    get: Callable[[], Any], want: Any, timeout: float, what: str, step: float = 0.1
) -> None:
    """Poll until `get()` equals `want` (bounded); fail showing both."""
    deadline = time.monotonic() + timeout
    got = get()
    while got != want and time.monotonic() < deadline:
        time.sleep(step)
        got = get()
    assert got == want, f"{what}: not within {timeout} s\n got:  {got!r}\n want: {want!r}"
