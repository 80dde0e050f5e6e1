"""The store, once for each database: what the service layer relies on (store/repository.py)
holds the same on SQLite, on PostgreSQL and in memory (the fast tier's store)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dxlab.store import Record, Store, memory, open_store
from dxlab.store.schema import MIGRATIONS, statements
from tests import databases


@pytest.fixture(params=[*databases.KINDS, "memory"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "memory":
        # A named in-memory store: every store opened with this URL shares it, as a file.
        name = f"test-store-{tmp_path.name}"
        yield f"memory://{name}"
        memory.forget(name)
        return
    with databases.database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def conn(
    id: str,
    account: str = "111111111111",
    created: float = 1.0,
    parent: str | None = None,
    **doc: Any,
) -> Record:
    return Record(
        "connection", id, account, {"connectionId": id, **doc}, {"port": 1}, parent, created
    )


def test_put_then_get_returns_the_record(store: Store) -> None:
    rec = Record(
        "connection",
        "dxcon-a",
        "111111111111",
        {"connectionId": "dxcon-a", "vlan": 7, "tags": [{"key": "é"}]},
        {"port": 3, "crossConnect": False},
        "dxlag-1",
        1700000000.25,
    )
    with store.write() as uow:
        uow.put(rec)
    with store.read() as uow:
        assert uow.get("connection", "dxcon-a") == rec
        assert uow.get("connection", "dxcon-b") is None
        assert uow.get("lag", "dxcon-a") is None  # kinds are separate


def test_list_docs_count_by_account_and_parent(store: Store) -> None:
    with store.write() as uow:
        uow.put(conn("dxcon-3", "111111111111", created=3.0, parent="dxlag-1"))
        uow.put(conn("dxcon-1", "111111111111", created=1.0))
        uow.put(conn("dxcon-2", "222222222222", created=2.0, parent="dxlag-1"))
        uow.put(Record("lag", "dxlag-1", "111111111111", {"lagId": "dxlag-1"}, created=0.5))
    with store.read() as uow:
        # Oldest first, like Describe* answers.
        assert [r.id for r in uow.list("connection")] == ["dxcon-1", "dxcon-2", "dxcon-3"]
        assert [r.id for r in uow.list("connection", account="111111111111")] == [
            "dxcon-1",
            "dxcon-3",
        ]
        assert [r.id for r in uow.list("connection", parent="dxlag-1")] == ["dxcon-2", "dxcon-3"]
        assert [r.id for r in uow.list("connection", account="222222222222", parent="dxlag-1")] == [
            "dxcon-2"
        ]
        assert uow.list("connection", account="333333333333") == []
        assert [d["connectionId"] for d in uow.docs("connection", account="111111111111")] == [
            "dxcon-1",
            "dxcon-3",
        ]
        assert uow.docs("lag") == [{"lagId": "dxlag-1"}]
        assert uow.count("connection") == 3
        assert uow.count("connection", account="111111111111") == 2
        assert uow.count("connection", parent="dxlag-1") == 2
        assert uow.count("connection", account="111111111111", parent="dxlag-1") == 1
        assert uow.count("vif") == 0


def test_docs_with_a_field_of_one_account(store: Store) -> None:
    with store.write() as uow:
        uow.put(conn("dxcon-1", location="EqDC2"))
        uow.put(conn("dxcon-2", location="EqDC2x"))  # another value that begins the same
        uow.put(conn("dxcon-3", connectionName='"location":"EqDC2"', location="CSVA1"))
        uow.put(conn("dxcon-4", "222222222222", location="EqDC2"))
        uow.put(Record("interconnect", "dxcon-5", "111111111111", {"location": "EqDC2"}))
        uow.put(Record("lag", "dxlag-1", "111111111111", {"location": "EqDC2"}))
        uow.put(conn("dxcon-6", location='Eq"DC\\2'))  # a value JSON escapes
    for u in (store.write(), store.read()):
        with u as uow:
            found = uow.docs_with(
                ("connection", "interconnect"), "111111111111", "location", "EqDC2"
            )
            assert sorted(d.get("connectionId", "ic") for d in found) == ["dxcon-1", "ic"]
            odd = uow.docs_with(("connection",), "111111111111", "location", 'Eq"DC\\2')
            assert [d["connectionId"] for d in odd] == ["dxcon-6"]
            assert uow.docs_with(("connection",), "333333333333", "location", "EqDC2") == []


def test_same_created_time_is_ordered_by_id(store: Store) -> None:
    with store.write() as uow:
        for cid in ("dxcon-c", "dxcon-a", "dxcon-b"):
            uow.put(conn(cid, created=5.0))
    with store.read() as uow:
        assert [r.id for r in uow.list("connection")] == ["dxcon-a", "dxcon-b", "dxcon-c"]


def test_put_again_updates_but_keeps_creation_time(store: Store) -> None:
    with store.write() as uow:
        uow.put(conn("dxcon-a", created=1.0, connectionName="old"))
    with store.write() as uow:
        rec = uow.get("connection", "dxcon-a")
        assert rec is not None
        rec.doc["connectionName"] = "new"
        rec.meta["crossConnect"] = True
        rec.parent = "dxlag-9"
        rec.created = 99.0
        uow.put(rec)
    with store.read() as uow:
        got = uow.get("connection", "dxcon-a")
        assert got is not None
        assert got.doc["connectionName"] == "new"
        assert got.meta == {"port": 1, "crossConnect": True}
        assert got.parent == "dxlag-9"
        assert got.created == 1.0
        assert uow.count("connection") == 1


def test_delete(store: Store) -> None:
    with store.write() as uow:
        uow.put(conn("dxcon-a"))
        uow.put(conn("dxcon-b"))
    with store.write() as uow:
        uow.delete("connection", "dxcon-a")
        uow.delete("connection", "dxcon-zzz")  # deleting what is not there is harmless
        uow.delete("lag", "dxcon-b")  # another kind: nothing happens to the connection
    with store.read() as uow:
        assert uow.get("connection", "dxcon-a") is None
        assert [r.id for r in uow.list("connection")] == ["dxcon-b"]


def test_claims_are_unique_idempotent_and_released(store: Store) -> None:
    with store.write() as uow:
        assert uow.claim("port:EqDC2-1", "1", "dxcon-a") is True
        assert uow.claim("port:EqDC2-1", "1", "dxcon-a") is True  # same owner again: still its own
        assert uow.claim("port:EqDC2-1", "1", "dxcon-b") is False  # another owner: refused
        assert uow.claim("port:EqDC2-1", "2", "dxcon-b") is True
        assert uow.claim("port:EqDC2-2", "1", "dxcon-b") is True  # scopes are independent
        assert uow.claim("vlan:dxcon-a", "100", "dxvif-1") is True
    with store.read() as uow:
        assert uow.claimed("port:EqDC2-1") == {"1": "dxcon-a", "2": "dxcon-b"}
        assert uow.claimed("port:nowhere") == {}
        assert uow.claim_counts(["port:EqDC2-1", "port:nowhere", "port:EqDC2-2"]) == {
            "port:EqDC2-1": 2,
            "port:nowhere": 0,
            "port:EqDC2-2": 1,
        }
    with store.write() as uow:
        uow.release("port:EqDC2-1", "1")
        uow.release("port:EqDC2-1", "47")  # not claimed: harmless
    with store.write() as uow:
        assert uow.claim("port:EqDC2-1", "1", "dxcon-c") is True
        uow.release_owner("dxcon-b")  # every claim of dxcon-b, in every scope
    with store.read() as uow:
        assert uow.claimed("port:EqDC2-1") == {"1": "dxcon-c"}
        assert uow.claimed("port:EqDC2-2") == {}
        assert uow.claim_counts(["port:EqDC2-1", "port:EqDC2-2"]) == {
            "port:EqDC2-1": 1,
            "port:EqDC2-2": 0,
        }
        assert uow.claimed("vlan:dxcon-a") == {"100": "dxvif-1"}


def test_timers_fire_when_due_and_can_be_cancelled(store: Store) -> None:
    with store.write() as uow:
        assert uow.next_due() is None  # type: ignore[attr-defined]
        uow.schedule(30.0, "connection.provision", "dxcon-a", {"step": "available", "rest": []})
        uow.schedule(
            10.0,
            "connection.provision",
            "dxcon-a",
            {"step": "pending", "rest": [["available", 20]]},
        )
        uow.schedule(20.0, "failover.expire", "dxcon-b", {})
        uow.schedule(25.0, "connection.provision", "dxcon-b", {})
    with store.read() as uow:
        assert uow.next_due() == 10.0  # type: ignore[attr-defined]
    with store.write() as uow:
        assert uow.due_timers(5.0) == []
        due = uow.due_timers(20.0)
        assert [(t.due, t.action, t.ref) for t in due] == [
            (10.0, "connection.provision", "dxcon-a"),
            (20.0, "failover.expire", "dxcon-b"),
        ]
        assert due[0].payload == {"step": "pending", "rest": [["available", 20]]}
        assert uow.due_timers(20.0) == []  # taken once: a timer fires once
        assert uow.next_due() == 25.0  # type: ignore[attr-defined]
    with store.write() as uow:
        uow.cancel_timers(
            "dxcon-b", "failover.expire"
        )  # not this action: dxcon-b's provision stays
        assert uow.next_due() == 25.0  # type: ignore[attr-defined]
        uow.cancel_timers("dxcon-b")
        assert uow.next_due() == 30.0  # type: ignore[attr-defined]
        uow.cancel_timers("dxcon-a", "connection.provision")
        assert uow.next_due() is None  # type: ignore[attr-defined]
        assert uow.due_timers(1e12) == []


def test_an_exception_rolls_everything_back(store: Store) -> None:
    with store.write() as uow:
        uow.put(conn("dxcon-keep", connectionName="before"))
    with pytest.raises(RuntimeError, match="handler failed"), store.write() as uow:
        uow.put(conn("dxcon-new"))
        rec = uow.get("connection", "dxcon-keep")
        assert rec is not None
        rec.doc["connectionName"] = "during"
        uow.put(rec)
        uow.delete("connection", "dxcon-keep")
        assert uow.claim("port:EqDC2-1", "5", "dxcon-new")
        uow.schedule(1.0, "connection.provision", "dxcon-new", {})
        raise RuntimeError("handler failed")
    with store.read() as uow:
        assert [r.id for r in uow.list("connection")] == ["dxcon-keep"]
        kept = uow.get("connection", "dxcon-keep")
        assert kept is not None and kept.doc["connectionName"] == "before"
        assert uow.claimed("port:EqDC2-1") == {}
        assert uow.next_due() is None  # type: ignore[attr-defined]
    with store.write() as uow:  # and the store carries on
        assert uow.claim("port:EqDC2-1", "5", "dxcon-other") is True


def test_writes_counts_write_transactions(store: Store) -> None:
    # The bus trusts "the same count: nothing changed here" (service/bus.py).
    before = store.writes
    with store.read() as uow:
        uow.count("connection")
    assert store.writes == before
    with store.write() as uow:
        uow.put(conn("dxcon-a"))
    with pytest.raises(RuntimeError), store.write() as uow:
        raise RuntimeError("rolled back")
    assert store.writes == before + 2


def test_opening_again_migrates_once_and_keeps_the_data(store_url: str) -> None:
    first = open_store(store_url)
    with first.write() as uow:
        uow.put(conn("dxcon-a"))
    first.close()
    for _ in range(2):
        again = open_store(store_url)
        with again.read() as uow:
            assert [r.id for r in uow.list("connection")] == ["dxcon-a"]
            if not store_url.startswith(
                "memory://"
            ):  # the in-memory store has no schema to migrate
                versions = [
                    row[0]
                    for row in uow.c.execute("SELECT version FROM schema_version ORDER BY version")
                ]  # type: ignore[attr-defined]
                assert versions == list(range(1, len(MIGRATIONS) + 1))
        again.close()


def test_a_private_memory_store_is_its_own(tmp_path: Path) -> None:
    """`memory://` alone: a store of its own, gone with it; `memory://NAME` is shared."""
    first, second = open_store("memory://"), open_store("memory://")
    with first.write() as uow:
        uow.put(conn("dxcon-a"))
    with second.read() as uow:
        assert uow.list("connection") == []
    name = f"shared-{tmp_path.name}"
    a, b = open_store(f"memory://{name}"), open_store(f"memory://{name}")
    with a.write() as uow:
        uow.put(conn("dxcon-b"))
    with b.read() as uow:
        assert [r.id for r in uow.list("connection")] == ["dxcon-b"]
    memory.forget(name)
    with open_store(f"memory://{name}").read() as uow:
        assert uow.list("connection") == []


def test_a_memory_record_is_a_copy_and_a_read_changes_nothing() -> None:
    """What a handler changes in a record it read stays out of the store until it puts it
    (as with SQL, where the row is text); a read transaction cannot write."""
    store = open_store("memory://")
    with store.write() as uow:
        uow.put(conn("dxcon-a", connectionName="kept"))
    with store.write() as uow:
        rec = uow.get("connection", "dxcon-a")
        assert rec is not None
        rec.doc["connectionName"] = "changed, never put"
        uow.docs("connection")[0]["connectionName"] = "changed too"
    with store.read() as uow:
        got = uow.get("connection", "dxcon-a")
        assert got is not None and got.doc["connectionName"] == "kept"
        with pytest.raises(RuntimeError, match="read transaction"):
            uow.delete("connection", "dxcon-a")
    with store.read() as uow:
        assert uow.count("connection") == 1
    with pytest.raises(TypeError), store.write() as uow:
        uow.put(Record("connection", "dxcon-b", "111111111111", {"bad": object()}))  # not JSON
    with store.read() as uow:
        assert uow.get("connection", "dxcon-b") is None


def race(n: int, work: Any) -> list[Any]:
    """Runs work(i) in n threads released at the same instant; returns the results."""
    barrier = threading.Barrier(n, timeout=30)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


@pytest.fixture(params=["one shared store", "a store per thread"])
def stores(request: pytest.FixtureRequest, store_url: str) -> Iterator[list[Store]]:
    """20 handles on one database: the same store 20 times (a server's threads), or 20
    stores of their own (what several dxlab servers on one database look like)."""
    opened = [
        open_store(store_url) for _ in range(20 if request.param == "a store per thread" else 1)
    ]
    yield opened if len(opened) == 20 else opened * 20
    for s in opened:
        s.close()


def test_twenty_threads_claiming_one_port_one_wins(stores: list[Store]) -> None:
    def claim(i: int) -> bool:
        with stores[i].write() as uow:
            return uow.claim("port:EqDC2-1", "7", f"dxcon-{i}")

    won = race(20, claim)
    assert won.count(True) == 1
    with stores[0].read() as uow:
        assert uow.claimed("port:EqDC2-1") == {"7": f"dxcon-{won.index(True)}"}


def test_writes_are_serialized_so_a_quota_check_holds(stores: list[Store]) -> None:
    # The service checks a quota, then inserts: only serialized writers keep it exact.
    def order(i: int) -> bool:
        with stores[i].write() as uow:
            if uow.count("connection", account="111111111111") >= 3:
                return False
            uow.put(conn(f"dxcon-{i:02d}", created=float(i)))
            return True

    assert race(20, order).count(True) == 3
    with stores[0].read() as uow:
        assert uow.count("connection") == 3


def test_postgres_store_reconnects_when_the_database_drops_it() -> None:
    with databases.fresh_pg_schema() as url:
        store = open_store(url)
        try:
            with store.write() as uow:
                uow.put(conn("dxcon-a"))
                pid = uow.c.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[attr-defined]
            with psycopg.connect(databases.pg_admin_url(), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with store.read() as uow:  # e.g. the database restarted: the next call still works
                assert [r.id for r in uow.list("connection")] == ["dxcon-a"]
        finally:
            store.close()


def test_an_sqlite_too_old_for_the_stores_sql_is_refused_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The library this Python has is new enough; Debian 11's 3.34 is pretended here, as
    # no older library can be loaded beside it.
    from dxlab.store import sqlite

    monkeypatch.setattr(sqlite.sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite.sqlite3, "sqlite_version", "3.34.1")
    with pytest.raises(
        RuntimeError, match=r"needs SQLite 3\.35\.0 or newer; this Python has 3\.34\.1"
    ):
        sqlite.SqliteStore(str(tmp_path / "old.db"))
    assert not (tmp_path / "old.db").exists()


@pytest.mark.parametrize("kind", databases.KINDS)
def test_a_store_of_the_first_schema_is_migrated_with_its_data(kind: str, tmp_path: Path) -> None:
    """Migrations 2 and 3 (schema.py): the parent index keeps only records that have a
    parent, and on SQLite claims live in their key's B-tree (WITHOUT ROWID), each a page
    less to write; a store made by the first schema, with its data, is migrated, records
    are still found by their parent and claims by their scope and owner."""
    with databases.database(kind, tmp_path) as url:
        if kind == "sqlite":
            raw: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        else:
            raw = psycopg.connect(url, autocommit=True)
        try:  # the database as the first schema left it
            raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for sql in statements(MIGRATIONS[0], kind):
                raw.execute(sql)
            raw.execute("INSERT INTO schema_version (version) VALUES (1)")
            raw.execute(
                "INSERT INTO claims (scope, value, owner) VALUES ('port:EqDC2-1', '7', 'dxcon-m')"
            )
            raw.execute(
                "INSERT INTO resources (kind, id, account, parent, created, doc, meta)"
                " VALUES ('connection', 'dxcon-m', '111111111111', 'dxlag-1', 1.0, '{}', '{}')"
            )
        finally:
            raw.close()
        store = open_store(url)
        try:
            with store.write() as uow:
                uow.put(conn("dxcon-alone"))
                assert uow.claim("port:EqDC2-1", "8", "dxcon-alone") is True
                uow.release_owner("dxcon-m")
            with store.write() as uow:
                assert uow.claim("port:EqDC2-1", "7", "dxcon-alone") is True
            with store.read() as uow:
                assert [r.id for r in uow.list("connection", parent="dxlag-1")] == ["dxcon-m"]
                assert uow.count("connection") == 2
                c = uow.c  # type: ignore[attr-defined]
                if kind == "sqlite":
                    query = "SELECT sql FROM sqlite_master WHERE name = 'resources_by_parent'"
                else:
                    query = (
                        "SELECT indexdef FROM pg_indexes WHERE indexname = 'resources_by_parent'"
                    )
                (definition,) = c.execute(query).fetchone()
                assert "WHERE" in definition.upper() and "NOT NULL" in definition.upper()
                assert uow.claimed("port:EqDC2-1") == {"7": "dxcon-alone", "8": "dxcon-alone"}
                if kind == "sqlite":
                    (table,) = c.execute(
                        "SELECT sql FROM sqlite_master WHERE name = 'claims'"
                    ).fetchone()
                    assert "WITHOUT ROWID" in table.upper()
                versions = [r[0] for r in c.execute("SELECT version FROM schema_version")]
                assert sorted(versions) == list(range(1, len(MIGRATIONS) + 1))
        finally:
            store.close()
