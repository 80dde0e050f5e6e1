"""What the failover test and failure tests share: a server with a test clock (time moves
forward instead of tests sleeping) and short ways to read what a user would look at."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.conftest import ServerProcess


@pytest.fixture(scope="module", name="server")
def clock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Overrides conftest's `server` in the modules that import it: `dxlab serve --test-clock`."""
    db = tmp_path_factory.mktemp("failover") / "dxlab.db"
    srv = ServerProcess(f"sqlite:///{db}", args=("--test-clock",)).start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


def advance(server: ServerProcess, seconds: float) -> dict[str, Any]:
    return dict(ext(server.endpoint, "POST", "/clock/advance", {"seconds": seconds}))


def connection_states(dx: Any, ids: list[str]) -> list[str]:
    by_id = {
        c["connectionId"]: c["connectionState"] for c in dx.describe_connections()["connections"]
    }
    return [by_id[i] for i in ids]


def vif_states(dx: Any, ids: list[str]) -> list[tuple[str, list[str]]]:
    """(state, the peers' BGP status) of each VIF, as DescribeVirtualInterfaces shows them."""
    by_id = {
        v["virtualInterfaceId"]: v for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
    }
    return [
        (by_id[i]["virtualInterfaceState"], [p["bgpStatus"] for p in by_id[i]["bgpPeers"]])
        for i in ids
    ]
