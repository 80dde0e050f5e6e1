"""Shared fixtures: real server processes on free ports, driven by real clients."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from dxlab.server import free_port

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

# How long a `dxlab serve` may take to answer: about a second alone, but more than 20 s has
# been seen on two cores shared by several test runs.
START_SECONDS = 60.0


@dataclass
class ServerProcess:
    """A `dxlab serve` process of its own, with its own SQLite file."""

    db: str
    port: int = field(default_factory=free_port)
    args: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    start_seconds: float = START_SECONDS
    _out: Any = field(default=None, init=False, repr=False)  # where its output goes

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # The tests exercise automation, mostly without a customer topology: VIFs come up as
    # they did before dxlab modelled "no router, no BGP" (a test that wants that passes
    # vifs_up_without_router=False).
    vifs_up_without_router: bool = True

    def start(self) -> ServerProcess:
        env = {**os.environ, "DXLAB_CHECK_OUTPUT": "1"}
        if self.vifs_up_without_router and "--vifs-up-without-router" not in self.args:
            self.args = (*self.args, "--vifs-up-without-router")
        self.log = (
            Path(self.db.removeprefix("sqlite:///") + f".{self.port}.log")
            if self.db.startswith("sqlite")
            else None
        )
        # Without a log file (PostgreSQL), the output is kept in an unnamed file, so that a
        # server that never answers can still say why.
        out = open(self.log, "ab") if self.log else tempfile.TemporaryFile()  # noqa: SIM115
        self._out = out
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dxlab.cli.main",
                "serve",
                "--port",
                str(self.port),
                "--db",
                self.db,
                *self.args,
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group: a server that never answers is killed with whatever
            # it started, not left running under a loaded machine's test run.
            start_new_session=True,
        )
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"dxlab serve exited with {self.proc.returncode}:\n{self.output()}"
                )
            try:
                urllib.request.urlopen(self.endpoint + "/", timeout=0.5).read()
                return self
            except OSError:
                time.sleep(0.05)
        self._kill_group()
        raise RuntimeError(
            f"dxlab serve did not answer on {self.endpoint} within {self.start_seconds} s"
            f" (killed):\n{self.output()}"
        )

    def output(self, limit: int = 4000) -> str:
        """The end of what the server wrote to stdout and stderr."""
        out = self._out
        if out is None:
            return ""
        if self.log:
            text = self.log.read_text(errors="replace") if self.log.exists() else ""
        else:
            out.flush()
            out.seek(0)
            text = out.read().decode(errors="replace")
        return text[-limit:]

    def _kill_group(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self._kill_group()

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def client(
        self, account: str = "123456789012", region: str = "us-east-1", **kwargs: Any
    ) -> Any:
        return boto3.client(
            "directconnect",
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=kwargs.pop("access_key", account),
            aws_secret_access_key=kwargs.pop("secret_key", "dxlab-test-secret"),
            **kwargs,
        )

    def server_errors(self) -> str:
        """Tracebacks the server logged (a test can assert there are none)."""
        if not self.log or not self.log.exists():
            return ""
        text = self.log.read_text(errors="replace")
        return text if "Traceback" in text else ""


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Any]:
    started: list[ServerProcess] = []

    def make(
        *args: str, db: str | None = None, vifs_up_without_router: bool = True
    ) -> ServerProcess:
        server = ServerProcess(
            db or f"sqlite:///{tmp_path / 'dxlab.db'}",
            args=args,
            vifs_up_without_router=vifs_up_without_router,
        ).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("dxlab") / "dxlab.db"
    srv = ServerProcess(f"sqlite:///{db}").start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


_account_seq = iter(range(100000000000, 999999999999, 7919))


@pytest.fixture
def account() -> str:
    """A fresh 12-digit account per test, so tests sharing a server do not see each other."""
    return str(next(_account_seq))


@pytest.fixture
def dx(server: ServerProcess, account: str) -> Any:
    return server.client(account)
