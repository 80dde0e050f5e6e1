"""dxlab for your own test suites: the habit moto users have, with a real server behind it.

    from dxlab.testing import dxlab_server

    with dxlab_server() as server:
        dx = boto3.client("directconnect")          # or server.client
        dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="a")

or, with pytest (the plugin is registered when dxlab is installed):

    def test_order(dxlab):
        boto3.client("directconnect").create_connection(...)

Each server has its own store (a temporary SQLite file, or with `store="memory"` this
process's memory: nothing on disk, no fsync per write) and listens on a free port of
127.0.0.1; it stops when the block or the test ends. While it runs, the environment points
boto3 (and the AWS CLI) at it: `AWS_ENDPOINT_URL_DIRECT_CONNECT` and `AWS_ENDPOINT_URL_EC2`
(EC2's VPCs, gateways and instances are on the same port), credentials of the
server's account and its region, so the code under test needs no change. The previous
environment is restored afterwards. `dxlab_server()` also works as a decorator.

For a suite of many tests, `dxlab_shared` is the cheaper fixture: one server for the
session (`dxlab_session`), emptied before each test by `server.reset()` (POST
/_dxlab/reset, milliseconds), as moto's decorator resets its state. Servers made here
have the test clock (`server.advance_clock(seconds)`), reset, and the VGW/TGW helpers
(`server.vgw("10.0.0.0/16")`, `server.tgw(...)`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

__all__ = ["DxlabServer", "dxlab_server", "dxlab", "dxlab_session", "dxlab_shared"]

SECRET = "dxlab"  # permissive mode accepts any secret
# Variables that would send boto3 elsewhere or fail it (an unknown AWS_PROFILE raises
# ProfileNotFound even when keys are given); unset while a server runs.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


@dataclass
class DxlabServer:
    endpoint_url: str
    region: str
    account: str
    client: Any = field(init=False)

    def __post_init__(self) -> None:
        self.client = self.client_for(self.account)

    def ext(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        account: str | None = None,
        region: str | None = None,
    ) -> Any:
        """A call to the server's /_dxlab routes, signed as `account` (this server's by default)."""
        from dxlab.cli.client import ext

        return ext(
            self.endpoint_url,
            method,
            path,
            body,
            account=account or self.account,
            region=region or self.region,
        )

    def reset(self) -> dict[str, Any]:
        """Empties the server (every account), as moto's /moto-api/reset: milliseconds."""
        return dict(self.ext("POST", "/reset"))

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Moves the server's test clock forward (past a failover test's end, say)."""
        return dict(self.ext("POST", "/clock/advance", {"seconds": seconds}))

    def vgw(
        self,
        *vpc_cidrs: str,
        asn: int | None = None,
        account: str | None = None,
        region: str | None = None,
    ) -> str:
        """A virtual private gateway (EC2's; dxlab's extension makes it) with the VPC CIDRs
        behind it: the id a private VIF or a gateway association names."""
        body: dict[str, Any] = {"vpcCidrs": list(vpc_cidrs)}
        if asn is not None:
            body["amazonSideAsn"] = asn
        return str(self.ext("POST", "/virtual-gateways", body, account, region)["virtualGatewayId"])

    def tgw(
        self,
        *vpc_cidrs: str,
        asn: int = 65000,
        account: str | None = None,
        region: str | None = None,
    ) -> str:
        """A transit gateway with its Amazon-side ASN and the VPC CIDRs behind it."""
        body = {"vpcCidrs": list(vpc_cidrs), "amazonSideAsn": asn}
        return str(self.ext("POST", "/transit-gateways", body, account, region)["transitGatewayId"])

    def client_for(self, account: str) -> Any:
        """A boto3 Direct Connect client acting as `account` (a 12-digit access key id
        selects that account in the default permissive mode)."""
        return boto3.session.Session().client(
            "directconnect",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=account,
            aws_secret_access_key=SECRET,
        )

    @property
    def env(self) -> dict[str, str]:
        """The environment that points boto3 and the AWS CLI at this server."""
        return _env(self.endpoint_url, self.region, self.account)


def _env(endpoint_url: str, region: str, account: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL_DIRECT_CONNECT": endpoint_url,
        "AWS_ENDPOINT_URL_EC2": endpoint_url,
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in [*values, *_CLEARED]}
    # boto3's default session caches the credentials it first found; a fresh one reads ours.
    saved_session = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = None
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        boto3.DEFAULT_SESSION = saved_session


@contextlib.contextmanager
def dxlab_server(
    region: str = "us-east-1",
    account: str = "123456789012",
    provisioning: str = "instant",
    *,
    patch_env: bool = True,
    store: str = "sqlite",
    vifs_up_without_router: bool = True,
    test_clock: bool = True,
    allow_reset: bool = True,
) -> Iterator[DxlabServer]:
    """A fresh dxlab server for the block. `provisioning` is how connections come up:
    "instant" (available at once), "manual" or "realistic" as with `dxlab serve`.
    `patch_env=False` leaves the environment alone (use `server.client`). `store` is
    "sqlite" (a temporary file, durable like `dxlab up`) or "memory" (held in this
    process, gone with the server: the fastest for a large suite).
    `vifs_up_without_router` (on by default here, as `dxlab serve --vifs-up-without-router`):
    VIFs come up without a customer router; False gives the real service's answer, VIF and
    peers `down` until a customer topology patches a router to the connection.
    `test_clock` and `allow_reset` (on here) give `server.advance_clock()` and
    `server.reset()`."""
    if store not in ("sqlite", "memory"):
        raise ValueError(f"store must be 'sqlite' or 'memory', not {store!r}")
    # Imported here: pytest loads this plugin in every run, most of which start no server.
    from dxlab.server import ThreadedServer
    from dxlab.service.context import Settings

    with tempfile.TemporaryDirectory(prefix="dxlab-") as tmp:
        db = "memory://" if store == "memory" else f"sqlite:///{Path(tmp) / 'dxlab.db'}"
        settings = Settings(
            region=region,
            provisioning=provisioning,
            vifs_up_without_router=vifs_up_without_router,
            test_clock=test_clock,
            allow_reset=allow_reset,
        )
        server = ThreadedServer(db, settings).start()
        try:
            values = _env(server.endpoint, region, account)
            with _environment(values) if patch_env else contextlib.nullcontext():
                # Made inside the environment, so a stray AWS_PROFILE cannot break it.
                yield DxlabServer(server.endpoint, region, account)
        finally:
            server.stop()


@pytest.fixture
def dxlab() -> Iterator[DxlabServer]:
    """A fresh dxlab server for one test; boto3 clients created in the test talk to it."""
    with dxlab_server() as handle:
        yield handle


@pytest.fixture(scope="session")
def dxlab_session() -> Iterator[DxlabServer]:
    """One dxlab server for the whole test session (it does not touch the environment;
    use `dxlab_shared` in tests)."""
    with dxlab_server(patch_env=False) as handle:
        yield handle


@pytest.fixture
def dxlab_shared(dxlab_session: DxlabServer) -> Iterator[DxlabServer]:
    """The session's server, emptied before the test (a reset takes milliseconds, where a
    fresh server takes a few hundred), with boto3 pointed at it for the test."""
    dxlab_session.reset()
    with _environment(dxlab_session.env):
        yield dxlab_session
