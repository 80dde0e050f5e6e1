"""Many customers ordering at the same instant: no port is handed out twice and the
per-location quota (limits.md: 10 active connections per location per account) holds
exactly, whichever database the server runs on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from dxlab.cli.client import ext
from dxlab.domain import quotas
from tests import databases

CLIENTS = 20


@pytest.fixture(params=databases.KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with databases.database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def srv(db_url: str, make_server: Any) -> Any:
    return make_server(db=db_url)


def at_once(clients: list[Any], call: Any) -> list[Any]:
    """call(client, i) in one thread per client, all released together; each result is
    the answer or the ClientError."""
    barrier = threading.Barrier(len(clients), timeout=30)
    results: list[Any] = [None] * len(clients)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(clients[i], i)
        except ClientError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert None not in results, results  # every call answered or raised ClientError
    return results


def client(srv: Any, account: str) -> Any:
    # One attempt: a retried create would be a second order and blur the count.
    return srv.client(account, config=Config(retries={"max_attempts": 1}, read_timeout=30))


def placement(
    srv: Any, account: str, connection_id: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, int]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", account)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "dxlab-test-secret")
    where = ext(srv.endpoint, "GET", f"/connections/{connection_id}/placement")
    return where["awsDevice"], where["port"]


def order(dx: Any, i: int) -> Any:
    return dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName=f"rush-{i}")


def test_twenty_customers_at_once_get_twenty_distinct_ports(
    srv: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = [f"3100000000{i:02d}" for i in range(CLIENTS)]
    results = at_once([client(srv, a) for a in accounts], order)
    assert not [r for r in results if isinstance(r, ClientError)], results
    ports = [
        placement(srv, a, r["connectionId"], monkeypatch)
        for a, r in zip(accounts, results, strict=True)
    ]
    assert len(set(ports)) == CLIENTS, sorted(ports)
    assert all(device.startswith("EqDC2-") and port >= 1 for device, port in ports)
    assert [p[0] for p in ports] == [
        r["awsDevice"] for r in results
    ]  # the answer said where it landed
    assert not srv.server_errors(), srv.server_errors()


def test_twenty_orders_of_one_account_at_once_stop_at_the_quota(
    srv: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = "320000000001"
    results = at_once([client(srv, account) for _ in range(CLIENTS)], order)
    won = [r for r in results if not isinstance(r, ClientError)]
    refused = [r for r in results if isinstance(r, ClientError)]
    assert len(won) == quotas.CONNECTIONS_PER_LOCATION
    assert len(refused) == CLIENTS - quotas.CONNECTIONS_PER_LOCATION
    for err in refused:
        assert err.response["Error"]["Code"] == "DirectConnectClientException"
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "limit" in err.response["Error"]["Message"].lower()
    listed = client(srv, account).describe_connections()["connections"]
    assert sorted(c["connectionId"] for c in listed) == sorted(r["connectionId"] for r in won)
    ports = {placement(srv, account, r["connectionId"], monkeypatch) for r in won}
    assert len(ports) == len(won)
    assert not srv.server_errors(), srv.server_errors()


def test_two_servers_on_one_database_share_ports_and_quota(
    db_url: str, make_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scaling out: two dxlab processes on one database are one service.
    servers = [make_server(db=db_url), make_server(db=db_url)]
    account = "330000000001"
    others = [f"3300000001{i:02d}" for i in range(CLIENTS // 2)]
    clients = [client(servers[i % 2], account) for i in range(CLIENTS)]
    clients += [client(servers[i % 2], a) for i, a in enumerate(others)]
    results = at_once(clients, order)
    mine = [r for r in results[:CLIENTS] if not isinstance(r, ClientError)]
    assert len(mine) == quotas.CONNECTIONS_PER_LOCATION
    assert not [r for r in results[CLIENTS:] if isinstance(r, ClientError)], results[CLIENTS:]
    owners = [account] * len(mine) + others
    won = mine + results[CLIENTS:]
    ports = {
        placement(servers[0], a, r["connectionId"], monkeypatch)
        for a, r in zip(owners, won, strict=True)
    }
    assert len(ports) == len(won)
    for s in servers:
        assert not s.server_errors(), s.server_errors()
