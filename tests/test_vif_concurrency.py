"""Many clients at once, on SQLite and on PostgreSQL: a VLAN goes to exactly one VIF,
and auto-assigned peer address blocks never overlap (both are store claims, so no race
can hand one out twice)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests import databases
from tests.test_concurrency import CLIENTS, at_once, client
from tests.vif_support import connection, dx_gateway, vifs

ACCOUNT = "123456789012"


@pytest.fixture(params=databases.KINDS)
def srv(request: pytest.FixtureRequest, tmp_path: Path, make_server: Any) -> Iterator[Any]:
    with databases.database(request.param, tmp_path) as url:
        yield make_server(db=url)


def create(cid: str, gw: str, vlan: int | None) -> Any:
    """Client i creates a VIF on VLAN `vlan`, or on VLAN 1000 + i when it is None."""

    def call(dx: Any, i: int) -> Any:
        spec = {
            "virtualInterfaceName": f"race-{i}",
            "vlan": 1000 + i if vlan is None else vlan,
            "asn": 65000,
            "directConnectGatewayId": gw,
        }
        return dx.create_private_virtual_interface(
            connectionId=cid, newPrivateVirtualInterface=spec
        )

    return call


def test_twenty_clients_one_vlan_exactly_one_wins(srv: Any) -> None:
    dx = srv.client(ACCOUNT)
    cid, gw = connection(dx), dx_gateway(dx)
    results = at_once([client(srv, ACCOUNT) for _ in range(CLIENTS)], create(cid, gw, 900))
    wins = [r for r in results if not isinstance(r, ClientError)]
    losses = [r.response for r in results if isinstance(r, ClientError)]
    assert len(wins) == 1, results
    assert len(losses) == CLIENTS - 1
    for err in losses:
        assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == (
            "DirectConnectClientException",
            400,
        )
        assert "VLAN 900" in err["Error"]["Message"]
    assert [(v["vlan"], v["virtualInterfaceId"]) for v in vifs(dx, connectionId=cid)] == [
        (900, wins[0]["virtualInterfaceId"])
    ]
    assert not srv.server_errors()


def test_twenty_clients_distinct_vlans_get_distinct_blocks(srv: Any) -> None:
    dx = srv.client(ACCOUNT)
    cid, gw = connection(dx), dx_gateway(dx)
    results = at_once([client(srv, ACCOUNT) for _ in range(CLIENTS)], create(cid, gw, None))
    assert not any(isinstance(r, ClientError) for r in results), results
    nets = [ipaddress.ip_interface(r["amazonAddress"]).network for r in results]
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    assert sorted(v["vlan"] for v in vifs(dx, connectionId=cid)) == list(
        range(1000, 1000 + CLIENTS)
    )
