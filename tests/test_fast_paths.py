"""What the speed-ups must not change (bench/README.md): the SQLite store's cache of parsed
documents never serves a stale answer, group commit undoes a failing write alone and
answers nobody before the COMMIT, and remembered timers still fire at once."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from dxlab.domain.errors import NotFound
from dxlab.service.group_commit import GroupCommit
from dxlab.store import Record
from dxlab.store.repository import WriterBusy
from dxlab.store.sqlite import SqliteStore, SqliteUnitOfWork

ACCOUNT = "111111111111"


def conn(id: str, name: str, created: float) -> Record:
    return Record(
        "connection", id, ACCOUNT, {"connectionId": id, "connectionName": name}, {}, None, created
    )


def names(store: SqliteStore) -> list[str]:
    with store.read() as uow:
        return [d["connectionName"] for d in uow.docs("connection", account=ACCOUNT)]


def put(name: str, fail: bool = False) -> Any:
    """A write job: one connection named `name`; `fail`: it raises after the put."""

    def job(uow: SqliteUnitOfWork) -> str:
        uow.put(conn(f"dxcon-{name}", name, 1.0))
        if fail:
            raise NotFound("Could not find Connection with ID dxcon-x")
        return name

    return job


def test_cached_documents_follow_this_store_and_another_process(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    mine, other = SqliteStore(path), SqliteStore(path)  # `other` stands for a second server
    try:
        with mine.write() as uow:
            for i in range(5):
                uow.put(conn(f"dxcon-{i}", f"n{i}", 10.0 + i))
        assert names(mine) == ["n0", "n1", "n2", "n3", "n4"]
        assert names(mine) == ["n0", "n1", "n2", "n3", "n4"]  # now from the cache
        with mine.write() as uow:
            uow.put(conn("dxcon-2", "renamed", 12.0))
        assert names(mine) == ["n0", "n1", "renamed", "n3", "n4"]
        with other.write() as uow:  # a commit this store did not make
            uow.put(conn("dxcon-3", "by-other", 13.0))
            uow.delete("connection", "dxcon-0")
        assert names(mine) == ["n1", "renamed", "by-other", "n4"]
        with other.write() as uow:  # same creation time: ordered by id, as uncached
            uow.put(conn("dxcon-a", "tie-a", 11.0))
        assert names(mine) == ["n1", "tie-a", "renamed", "by-other", "n4"]
        with mine.write() as uow:  # a write transaction reads without the cache
            assert [d["connectionName"] for d in uow.docs("connection", account=ACCOUNT)] == names(
                mine
            )
    finally:
        mine.close()
        other.close()


def test_a_failing_write_in_a_batch_is_undone_alone(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "x.db"))

    try:
        results = store.write_batch([put("a"), put("b", fail=True), put("c")])
        assert results[0] == "a" and results[2] == "c"
        assert isinstance(results[1], NotFound)
        assert names(store) == ["a", "c"]
    finally:
        store.close()


def test_a_batch_of_one_is_written_without_a_savepoint_and_undone_whole(
    tmp_path: Path,
) -> None:
    """A write served alone (a sequence of one job): no savepoint; if it raises, nothing of
    it stays, its exception is its answer, and the store takes the next write."""
    store = SqliteStore(str(tmp_path / "x.db"))
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)

    try:
        assert store.write_batch([put("a")]) == ["a"]
        (failed,) = store.write_batch([put("b", fail=True)])
        assert isinstance(failed, NotFound)
        assert store.write_batch([put("c")]) == ["c"]
        assert names(store) == ["a", "c"]
        assert not any("SAVEPOINT" in s for s in statements)
        assert statements.count("ROLLBACK") == 1
    finally:
        store.close()


def test_writes_waiting_together_share_one_commit_and_each_gets_its_own_answer() -> None:
    batches: list[int] = []

    def write_batch(jobs: Iterable[Any], wait: bool = True) -> list[Any]:
        results = [job(None) for job in jobs]
        batches.append(len(results))
        return results

    async def ten_writes() -> list[Any]:
        group = GroupCommit(write_batch, lambda results: None)
        try:
            return await asyncio.gather(*(group.submit(lambda uow, i=i: i) for i in range(10)))
        finally:
            group.close()

    assert asyncio.run(ten_writes()) == list(range(10))
    assert batches == [10]


def test_a_write_arriving_while_a_batch_runs_joins_it() -> None:
    batches: list[int] = []
    joined = threading.Event()

    def write_batch(jobs: Iterable[Any], wait: bool = True) -> list[Any]:
        results = [job(None) for job in jobs]
        batches.append(len(results))
        return results

    async def two_writes() -> list[Any]:
        loop = asyncio.get_running_loop()
        group = GroupCommit(write_batch, lambda results: None)
        later: list[asyncio.Future[Any]] = []

        def first(uow: Any) -> str:  # on the writer thread: a second caller comes in now
            loop.call_soon_threadsafe(
                lambda: later.append(asyncio.ensure_future(group.submit(second)))
            )
            loop.call_soon_threadsafe(joined.set)
            assert joined.wait(5)
            threading.Event().wait(0.2)  # the submit runs on the loop meanwhile
            return "first"

        def second(uow: Any) -> str:
            return "second"

        try:
            one = await group.submit(first)
            return [one, await later[0]]
        finally:
            group.close()

    assert asyncio.run(two_writes()) == ["first", "second"]
    assert batches == [2]


def test_a_lone_write_is_written_at_once_on_the_loops_thread() -> None:
    """The only request being served, nothing waiting or being written: its write is a
    batch of one on the caller's thread (no handover to the writer thread and back); the
    bus hears of it as of any batch; a failing job is its caller's error."""
    threads: list[str] = []
    heard: list[list[Any]] = []

    def write_batch(jobs: Iterable[Any], wait: bool = True) -> list[Any]:
        threads.append(threading.current_thread().name)
        results: list[Any] = []
        for job in jobs:
            try:
                results.append(job(None))
            except Exception as exc:  # noqa: BLE001 - as SqliteStore.write_batch does
                results.append(exc)
        return results

    def failing(uow: Any) -> Any:
        raise NotFound("Could not find Connection with ID dxcon-x")

    async def lone_writes() -> tuple[Any, Any]:
        group = GroupCommit(write_batch, heard.append)
        try:
            ok = await group.submit(lambda uow: "one", alone=True)
            bad = await asyncio.gather(group.submit(failing, alone=True), return_exceptions=True)
            return ok, bad[0]
        finally:
            group.close()

    before = writers()
    ok, bad = asyncio.run(lone_writes())
    assert ok == "one" and isinstance(bad, NotFound)
    assert threads == [threading.current_thread().name] * 2
    assert len(heard) == 2 and heard[0] == ["one"] and isinstance(heard[1][0], NotFound)
    assert writers() == before  # no writer thread was started for them


def test_a_lone_write_while_a_batch_is_written_still_joins_the_next_one() -> None:
    batches: list[int] = []
    entered, release = threading.Event(), threading.Event()

    def write_batch(jobs: Iterable[Any], wait: bool = True) -> list[Any]:
        results = [job(None) for job in jobs]
        batches.append(len(results))
        entered.set()
        assert release.wait(5)
        return results

    async def overlapping() -> list[Any]:
        group = GroupCommit(write_batch, lambda results: None)
        try:
            first = asyncio.ensure_future(group.submit(lambda uow: "first"))
            for _ in range(500):  # until the first batch is on the writer thread (<= 5 s)
                if entered.is_set():
                    break
                await asyncio.sleep(0.01)
            second = asyncio.ensure_future(group.submit(lambda uow: "second", alone=True))
            await asyncio.sleep(0)  # the second is queued behind the batch being written
            release.set()
            return [await first, await second]
        finally:
            group.close()

    assert asyncio.run(overlapping()) == ["first", "second"]
    assert batches == [1, 1]  # the second waited for a batch of its own, not on the loop


def test_a_lone_write_does_not_wait_on_the_loop_for_a_lock_held_elsewhere(
    tmp_path: Path,
) -> None:
    """Another process (here another connection to the file) holds the write lock: the
    lone write goes to the writer thread and waits there, and the event loop keeps
    serving meanwhile; it is written once the lock is free."""
    path = str(tmp_path / "x.db")
    store = SqliteStore(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    threads: list[str] = []

    def job(uow: SqliteUnitOfWork) -> str:
        threads.append(threading.current_thread().name)
        uow.put(conn("dxcon-lone", "lone", 1.0))
        return "written"

    async def lone_write_while_locked() -> tuple[Any, int]:
        group = GroupCommit(store.write_batch, lambda results: None)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        other.execute("BEGIN IMMEDIATE")
        release = asyncio.get_running_loop().call_later(0.5, other.execute, "COMMIT")
        counting = asyncio.ensure_future(ticker())
        try:
            return await asyncio.wait_for(group.submit(job, alone=True), 10), ticks
        finally:
            release.cancel()
            counting.cancel()
            group.close()

    try:
        result, ticks = asyncio.run(lone_write_while_locked())
        assert result == "written" and names(store) == ["lone"]
        assert threads == ["dxlab-writer"]  # not the loop's thread
        assert ticks >= 5  # the loop ran on while the write waited for the lock (0.5 s)
    finally:
        other.close()
        store.close()


def test_a_write_that_may_wait_waits_for_another_connections_lock(tmp_path: Path) -> None:
    """The write connection waits in Python, not in SQLite (store/sqlite.py `_begin`): a
    write that may wait (the CLI's, the writer thread's) still waits out another
    connection's lock and is written after it, as with SQLite's own busy timeout."""
    path = str(tmp_path / "x.db")
    store = SqliteStore(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(0.3, other.execute, ("COMMIT",)).start()
        started = time.monotonic()
        with store.write() as uow:
            uow.put(conn("dxcon-late", "late", 1.0))
        assert time.monotonic() - started >= 0.25
        assert names(store) == ["late"]
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(WriterBusy):
            store.write_batch([put("no")], wait=False)
        other.execute("COMMIT")
        assert names(store) == ["late"]  # the write that would not wait did not run
    finally:
        other.close()
        store.close()


def test_a_failed_commit_answers_every_write_of_the_batch_with_the_error() -> None:
    def write_batch(jobs: Iterable[Any], wait: bool = True) -> list[Any]:
        raise sqlite3.OperationalError("disk I/O error")

    async def three_writes() -> list[Any]:
        group = GroupCommit(write_batch, lambda results: None)
        try:
            return await asyncio.gather(
                *(group.submit(lambda uow: 1) for _ in range(3)), return_exceptions=True
            )
        finally:
            group.close()

    results = asyncio.run(three_writes())
    assert len(results) == 3
    assert all(isinstance(r, sqlite3.OperationalError) for r in results)


def writers() -> int:
    return sum(t.name == "dxlab-writer" and t.is_alive() for t in threading.enumerate())


def test_close_writes_what_was_handed_over_and_refuses_what_comes_after() -> None:
    """The server stopping (Bus.close) while its loop still runs: the batch being written
    is written and answered, the writer thread ends, and a write that comes after is
    answered with an error at once: no new writer, nobody left waiting."""
    release = threading.Event()
    written: list[Any] = []

    def write_batch(jobs: Iterable[Any], wait: bool = True) -> list[Any]:
        results = [job(None) for job in jobs]
        assert release.wait(5)
        written.extend(results)
        return results

    async def stop_while_writing() -> tuple[Any, Any]:
        loop = asyncio.get_running_loop()
        group = GroupCommit(write_batch, lambda results: None)
        first = asyncio.ensure_future(group.submit(lambda uow: "first"))
        for _ in range(500):  # until the batch is on this group's writer thread (<= 5 s)
            if writers() > before:
                break
            await asyncio.sleep(0.01)
        assert writers() == before + 1
        closing = loop.run_in_executor(None, group.close)
        await asyncio.sleep(0.1)  # close() waits for the batch being written
        release.set()
        await closing
        assert writers() == before  # this group's writer ended (a server of another test
        # in this process may keep its own)
        later = await asyncio.gather(group.submit(lambda uow: "later"), return_exceptions=True)
        return await first, later[0]

    before = writers()
    first, later = asyncio.run(stop_while_writing())
    assert first == "first" and written == ["first"]
    assert isinstance(later, RuntimeError) and "closed" in str(later), later
    assert writers() == before


def test_batched_orders_keep_the_quota_and_each_answer_is_durable(server: Any, dx: Any) -> None:
    # limits.md: 10 connections per location per account. Twelve at once go through
    # group commit together; the quota still holds, and the ten that were answered are there.
    results: list[Any] = []

    def order(i: int) -> None:
        try:
            results.append(
                dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName=f"c{i}")
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=order, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ok = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if not isinstance(r, dict)]
    assert len(ok) == 10 and len(refused) == 2
    for exc in refused:
        assert exc.response["Error"]["Code"] == "DirectConnectClientException"
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "limit" in exc.response["Error"]["Message"].lower()
    listed = dx.describe_connections()["connections"]
    assert sorted(c["connectionId"] for c in listed) == sorted(c["connectionId"] for c in ok)
    # Instant provisioning ran in the same transaction: available on the next read.
    assert {c["connectionState"] for c in listed} == {"available"}


@pytest.mark.parametrize("repeat", range(2))
def test_a_write_then_a_read_sees_the_write(server: Any, dx: Any, repeat: int) -> None:
    # The read comes from the store's read connection right after the write's answer.
    created = dx.create_connection(location="CSVA1", bandwidth="1Gbps", connectionName="first")
    dx.update_connection(connectionId=created["connectionId"], connectionName=f"second-{repeat}")
    got = dx.describe_connections()["connections"]
    assert [c["connectionName"] for c in got] == [f"second-{repeat}"]
    arn = (
        f"arn:aws:directconnect:us-east-1:{got[0]['ownerAccount']}:dxcon/{created['connectionId']}"
    )
    dx.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "net"}])
    assert dx.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == [
        {"key": "team", "value": "net"}
    ]
    assert dx.describe_connections()["connections"][0]["tags"] == [{"key": "team", "value": "net"}]
