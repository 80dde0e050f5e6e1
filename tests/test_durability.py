"""What a server restart keeps: a clean stop (SIGTERM) or a crash (kill -9) of `dxlab
serve` loses no acknowledged order, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

from tests import databases

ACCOUNTS = ["210000000001", "210000000002", "210000000003", "210000000004"]


@pytest.fixture(params=databases.KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with databases.database(request.param, tmp_path) as url:
        yield url


def snapshot(srv: Any, account: str) -> dict[str, tuple[str, str, str]]:
    return {
        c["connectionId"]: (c["connectionName"], c["connectionState"], c["awsDevice"])
        for c in srv.client(account).describe_connections()["connections"]
    }


def test_a_clean_stop_keeps_everything(db_url: str, make_server: Any) -> None:
    srv = make_server(db=db_url)
    dx = srv.client(ACCOUNTS[0])
    ids = [
        dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName=f"dc-{i}")[
            "connectionId"
        ]
        for i in range(4)
    ]
    dx.update_connection(connectionId=ids[0], connectionName="renamed")
    dx.tag_resource(
        resourceArn=f"arn:aws:directconnect:us-east-1:{ACCOUNTS[0]}:dxcon/{ids[1]}",
        tags=[{"key": "team", "value": "net"}],
    )
    dx.delete_connection(connectionId=ids[3])
    before = snapshot(srv, ACCOUNTS[0])
    tags_before = dx.describe_tags(
        resourceArns=[f"arn:aws:directconnect:us-east-1:{ACCOUNTS[0]}:dxcon/{ids[1]}"]
    )
    srv.stop()
    # uvicorn shuts down cleanly, then re-raises the signal, so the exit status is -SIGTERM.
    assert srv.proc.returncode in (0, -signal.SIGTERM)
    if srv.log:
        assert "Application shutdown complete" in srv.log.read_text()

    again = make_server(db=db_url)
    after = snapshot(again, ACCOUNTS[0])
    assert after == before
    assert after[ids[0]][0] == "renamed"
    assert ids[3] not in after or after[ids[3]][1] == "deleted"
    dx2 = again.client(ACCOUNTS[0])
    assert (
        dx2.describe_tags(
            resourceArns=[f"arn:aws:directconnect:us-east-1:{ACCOUNTS[0]}:dxcon/{ids[1]}"]
        )["resourceTags"]
        == tags_before["resourceTags"]
    )
    # The port claims survived too: a new order does not land on a port already in use.
    new = dx2.create_connection(
        location="EqDC2", bandwidth="10Gbps", connectionName="after-restart"
    )
    placements = {placement(again, ACCOUNTS[0], cid) for cid in [*ids[:3], new["connectionId"]]}
    assert len(placements) == 4
    assert not again.server_errors(), again.server_errors()


def placement(srv: Any, account: str, connection_id: str) -> tuple[str, int]:
    from dxlab.cli.client import ext

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", account)
        mp.setenv("AWS_SECRET_ACCESS_KEY", "dxlab-test-secret")
        where = ext(srv.endpoint, "GET", f"/connections/{connection_id}/placement")
    return where["awsDevice"], where["port"]


def test_a_crash_right_after_the_answers_loses_no_acknowledged_order(
    db_url: str, make_server: Any
) -> None:
    srv = make_server(db=db_url)
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def order(account: str) -> None:
        # No retries: a retried create would be a second order, not the same one.
        dx = srv.client(
            account, config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10)
        )
        for i in range(9):  # under the quota of 10 per location per account
            if stop.is_set():
                return
            try:
                cid = dx.create_connection(
                    location="EqDC2", bandwidth="1Gbps", connectionName=f"crash-{i}"
                )["connectionId"]
            except Exception:  # noqa: BLE001 - the server was killed under this request
                return
            with lock:
                acknowledged.append((account, cid))

    threads = [threading.Thread(target=order, args=(a,)) for a in ACCOUNTS]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 12 and time.monotonic() < deadline:
        time.sleep(0.001)
    srv.kill9()  # while the other orders are still in flight
    stop.set()
    for t in threads:
        t.join(15)
    assert len(acknowledged) >= 12, "the orders did not get going"

    again = make_server(db=db_url)
    for account in ACCOUNTS:
        have = snapshot(again, account)
        mine = [cid for a, cid in acknowledged if a == account]
        assert set(mine) <= set(have), (
            f"lost acknowledged orders of {account}: {set(mine) - set(have)}"
        )
    # The store is whole: it takes new orders and their ports do not collide with the old.
    new = again.client(ACCOUNTS[0]).create_connection(
        location="CSVA1", bandwidth="1Gbps", connectionName="after-crash"
    )
    everyone = [(a, cid) for a in ACCOUNTS for cid in snapshot(again, a)]
    assert new["connectionId"] in {cid for _, cid in everyone}
    assert len({placement(again, a, cid) for a, cid in everyone}) == len(everyone)
    assert not again.server_errors(), again.server_errors()
