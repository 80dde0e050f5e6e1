"""The embedded store: one SQLite file in WAL mode.

Writes take `BEGIN IMMEDIATE`, so writers are serialized by SQLite itself (also across
processes) and `synchronous=FULL` makes every acknowledged commit durable."""

from __future__ import annotations

import builtins
import contextlib
import gc
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import orjson

from dxlab.store.repository import Record, Timer, WriterBusy, with_field
from dxlab.store.schema import MIGRATIONS, statements
from dxlab.store.write_cache import WriteCache

T = TypeVar("T")
Entry = tuple[object, list[str], list[bytes], list[dict[str, Any]]]


# How long a connection waits for another connection's write lock before "database is
# locked".
BUSY_TIMEOUT_MS = 10_000


class DocsCache:
    """Parsed documents of `docs()` per (kind, account), for read transactions.

    Parsing is most of a large Describe* (10,000 documents: ~40 ms of orjson.loads). An
    entry is valid while the database is unchanged: `stamp` is this store's count of
    write transactions and SQLite's `data_version`, which moves when another connection
    (another process) commits. A stale entry still saves the parsing of every document
    whose stored text did not change. The documents are shared: read-only to callers."""

    MAX_DOCS = 30_000  # all entries together (~3 KB each); least recently used go first

    def __init__(self) -> None:
        # (kind, account) -> (stamp, ids, stored documents, parsed documents), in order
        self.entries: OrderedDict[tuple[str, str | None], Entry] = OrderedDict()

    def docs(self, key: tuple[str, str | None], stamp: object, fetch: Any) -> list[dict[str, Any]]:
        entry = self.entries.get(key)
        if entry is not None and entry[0] == stamp:
            self.entries.move_to_end(key)
            return list(entry[3])
        rows = fetch()  # (id, stored document), in order
        ids: list[str] = [r[0] for r in rows]
        raws: list[bytes] = [r[1] for r in rows]
        loads = orjson.loads
        if entry is None:
            docs = [loads(raw) for raw in raws]
        elif ids == entry[1]:  # the same documents in the same order: compare in place
            docs = [
                old if old_raw == raw else loads(raw)
                for old_raw, raw, old in zip(entry[2], raws, entry[3], strict=True)
            ]
        else:
            known = dict(zip(entry[1], zip(entry[2], entry[3], strict=True), strict=True))
            docs = [
                k[1] if (k := known.get(rid)) is not None and k[0] == raw else loads(raw)
                for rid, raw in zip(ids, raws, strict=True)
            ]
        self.entries[key] = (stamp, ids, raws, docs)
        self.entries.move_to_end(key)
        if len(docs) >= 1000:
            # Thousands of long-lived parsed documents make every full garbage collection
            # walk them (~50 ms at 10,000). They hold no reference cycles, so the cyclic
            # collector can leave them alone; reference counting still frees them.
            gc.freeze()
        while (
            sum(len(e[3]) for e in self.entries.values()) > self.MAX_DOCS and len(self.entries) > 1
        ):
            self.entries.popitem(last=False)
        return list(docs)


class SqliteUnitOfWork:
    def __init__(
        self,
        conn: sqlite3.Connection,
        cache: tuple[DocsCache, int] | None = None,
        kept: WriteCache | None = None,
    ) -> None:
        self.c = conn
        # Only read transactions get the cache (with the store's write count): a write
        # transaction must see its own uncommitted changes. SQLite's write transactions
        # get `kept` instead (store/write_cache.py), which their own writes keep current.
        self._cache = cache
        self._kept = kept
        self._looked = False
        # Rows changed on this connection before this transaction (SQLite's write cache).
        self.began = conn.total_changes if kept is not None else 0

    def _write_cache(self) -> WriteCache | None:
        """The write cache, emptied first if another connection has committed, or this one
        changed rows outside a write transaction, since it was last looked at (once a
        transaction: it holds the write lock)."""
        kept = self._kept
        if kept is not None and not self._looked:
            self._looked = True
            version = int(self.c.execute("PRAGMA data_version").fetchone()[0])
            if version != kept.version or self.began != kept.changes:
                kept.clear()
                kept.version, kept.changes = version, self.began
        return kept

    def get(self, kind: str, id: str) -> Record | None:
        row = self.c.execute(
            "SELECT kind, id, account, parent, created, doc, meta FROM resources"
            " WHERE kind = ? AND id = ?",
            (kind, id),
        ).fetchone()
        return _record(row) if row else None

    def list(
        self, kind: str, *, account: str | None = None, parent: str | None = None
    ) -> list[Record]:
        sql, args = _where(kind, account, parent)
        rows = self.c.execute(
            "SELECT kind, id, account, parent, created, doc, meta FROM resources"
            + sql
            + " ORDER BY created, id",
            args,
        ).fetchall()
        return [_record(r) for r in rows]

    def docs(self, kind: str, *, account: str | None = None) -> builtins.list[dict[str, Any]]:
        """The documents of one kind (of one account), oldest first. Read-only: in a read
        transaction they may be shared with the store's cache."""
        sql, args = _where(kind, account, None)
        if self._cache is not None:  # SQLite only (PostgreSQL's unit of work is this class too)
            cache, writes = self._cache
            # data_version starts the read snapshot itself, so it matches what is read.
            stamp = (writes, self.c.execute("PRAGMA data_version").fetchone()[0])
            return cache.docs((kind, account), stamp, lambda: self._stored_docs(sql, args))
        loads = orjson.loads
        return [
            loads(r[0])
            for r in self.c.execute(
                "SELECT doc FROM resources" + sql + " ORDER BY created, id", args
            )
        ]

    def _stored_docs(self, where: str, args: builtins.list[Any]) -> builtins.list[Any]:
        """(id, document as bytes) in docs() order. By the index alone when no two share a
        creation time: the tie-break by id would sort all the documents (megabytes) in a
        temporary B-tree. As bytes: orjson takes them as they are."""
        ties = self.c.execute(
            "SELECT 1 FROM resources" + where + " GROUP BY created HAVING COUNT(*) > 1 LIMIT 1",
            args,
        ).fetchone()
        order = " ORDER BY created, id" if ties else " ORDER BY created"
        return self.c.execute(
            "SELECT id, CAST(doc AS BLOB) FROM resources" + where + order, args
        ).fetchall()

    def docs_with(
        self, kinds: tuple[str, ...], account: str, name: str, value: str
    ) -> builtins.list[dict[str, Any]]:
        kept = self._write_cache()
        question = (kinds, account, name, value)
        if kept is not None and (found := kept.answer(question)) is not None:
            return found
        marks = ", ".join("?" for _ in kinds)
        rows = self.c.execute(
            f"SELECT kind, id, doc FROM resources WHERE kind IN ({marks}) AND account = ?",
            (*kinds, account),
        ).fetchall()
        docs = with_field([r[2] for r in rows], name, value, keys=[(r[0], r[1]) for r in rows])
        if kept is not None:
            kept.keep_found(question, docs)
        return list(docs.values())

    def count(self, kind: str, *, account: str | None = None, parent: str | None = None) -> int:
        sql, args = _where(kind, account, parent)
        return int(self.c.execute("SELECT COUNT(*) FROM resources" + sql, args).fetchone()[0])

    def put(self, record: Record) -> None:
        doc = orjson.dumps(record.doc).decode()
        self.c.execute(
            "INSERT INTO resources (kind, id, account, parent, created, doc, meta)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, id) DO UPDATE SET account = excluded.account,"
            " parent = excluded.parent, doc = excluded.doc, meta = excluded.meta",
            (
                record.kind,
                record.id,
                record.account,
                record.parent,
                record.created,
                doc,
                orjson.dumps(record.meta).decode(),
            ),
        )
        if (kept := self._write_cache()) is not None:
            kept.put(record.kind, record.id, record.account, record.doc, doc)

    def delete(self, kind: str, id: str) -> None:
        self.c.execute("DELETE FROM resources WHERE kind = ? AND id = ?", (kind, id))
        if (kept := self._write_cache()) is not None:
            kept.delete(kind, id)

    def claim(self, scope: str, value: str, owner: str) -> bool:
        kept = self._write_cache()
        held = kept.claims.get(scope) if kept is not None else None
        if held is not None and value in held:
            return held[value] == owner
        cur = self.c.execute(
            "INSERT INTO claims (scope, value, owner) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (scope, value, owner),
        )
        if cur.rowcount == 1:
            if kept is not None:
                kept.claimed(scope, value, owner)
            return True
        row = self.c.execute(
            "SELECT owner FROM claims WHERE scope = ? AND value = ?", (scope, value)
        ).fetchone()
        return bool(row and row[0] == owner)

    def release(self, scope: str, value: str) -> None:
        self.c.execute("DELETE FROM claims WHERE scope = ? AND value = ?", (scope, value))
        if (kept := self._write_cache()) is not None:
            kept.released(scope, value)

    def release_owner(self, owner: str) -> None:
        if (kept := self._write_cache()) is None:
            self.c.execute("DELETE FROM claims WHERE owner = ?", (owner,))
            return
        released = self.c.execute(
            "DELETE FROM claims WHERE owner = ? RETURNING scope, value", (owner,)
        ).fetchall()
        for scope, value in released:
            kept.released(scope, value)

    def claimed(self, scope: str) -> dict[str, str]:
        return dict(self._claims([scope])[scope])

    def claim_counts(self, scopes: builtins.list[str]) -> dict[str, int]:
        if self._kept is not None:
            return {scope: len(held) for scope, held in self._claims(scopes).items()}
        if not scopes:
            return {}
        marks = ", ".join("?" for _ in scopes)
        rows = self.c.execute(
            f"SELECT scope, COUNT(*) FROM claims WHERE scope IN ({marks}) GROUP BY scope", scopes
        )
        counts = dict.fromkeys(scopes, 0)
        counts.update({scope: int(n) for scope, n in rows})
        return counts

    def _claims(self, scopes: builtins.list[str]) -> dict[str, dict[str, str]]:
        """Each scope's claims {value: owner}: from the write cache, or read (in one
        statement) and kept there. Not to be changed by the caller."""
        kept = self._write_cache()
        found = {}
        missing = []
        for scope in scopes:
            held = kept.claims.get(scope) if kept is not None else None
            if held is None:
                missing.append(scope)
            else:
                found[scope] = held
        if missing:
            read: dict[str, dict[str, str]] = {scope: {} for scope in missing}
            marks = ", ".join("?" for _ in missing)
            for scope, value, owner in self.c.execute(
                f"SELECT scope, value, owner FROM claims WHERE scope IN ({marks})", missing
            ):
                read[scope][value] = owner
            for scope, held in read.items():
                found[scope] = held
                if kept is not None:
                    kept.keep_scope(scope, held)
        return found

    def schedule(self, due: float, action: str, ref: str, payload: dict[str, Any]) -> None:
        self.c.execute(
            "INSERT INTO timers (tid, due, action, ref, payload) VALUES (?, ?, ?, ?, ?)",
            (uuid.uuid4().hex, due, action, ref, orjson.dumps(payload).decode()),
        )

    def due_timers(self, now: float) -> builtins.list[Timer]:
        # Taken and removed in one statement (SQLite 3.35+ and PostgreSQL both have
        # RETURNING, in no promised order: sorted here, ties kept as returned).
        rows = sorted(
            self.c.execute(
                "DELETE FROM timers WHERE due <= ? RETURNING tid, due, action, ref, payload",
                (now,),
            ).fetchall(),
            key=lambda r: r[1],
        )
        return [Timer(r[0], r[1], r[2], r[3], orjson.loads(r[4])) for r in rows]

    def next_due(self) -> float | None:
        row = self.c.execute("SELECT MIN(due) FROM timers").fetchone()
        return row[0] if row else None

    def wipe(self, keep: tuple[str, ...] = ()) -> int:
        marks = ", ".join("?" for _ in keep) or "''"
        removed = self.c.execute(
            f"DELETE FROM resources WHERE kind NOT IN ({marks})", keep
        ).rowcount
        self.c.execute("DELETE FROM claims")
        self.c.execute("DELETE FROM timers")
        if self._kept is not None:
            self._kept.clear()
        return int(removed)

    def cancel_timers(self, ref: str, action: str | None = None) -> None:
        if action is None:
            self.c.execute("DELETE FROM timers WHERE ref = ?", (ref,))
        else:
            self.c.execute("DELETE FROM timers WHERE ref = ? AND action = ?", (ref, action))


def _where(kind: str, account: str | None, parent: str | None) -> tuple[str, list[Any]]:
    sql, args = " WHERE kind = ?", [kind]
    if account is not None:
        sql += " AND account = ?"
        args.append(account)
    if parent is not None:
        sql += " AND parent = ?"
        args.append(parent)
    return sql, args


def _record(row: Any) -> Record:
    return Record(
        kind=row[0],
        id=row[1],
        account=row[2],
        parent=row[3],
        created=row[4],
        doc=orjson.loads(row[5]),
        meta=orjson.loads(row[6]),
    )


# The oldest SQLite that runs the store's SQL: DELETE ... RETURNING (due_timers) came in
# 3.35.0. Python takes the system's library, which may be older (Debian 11 has 3.34).
MIN_SQLITE = (3, 35, 0)


class SqliteStore:
    def __init__(self, path: str) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            # Said at the start, not as a syntax error at the first timer that is due.
            raise RuntimeError(
                f"the SQLite store needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer; "
                f"this Python has {sqlite3.sqlite_version}: use a postgresql:// store, or a "
                "Python built with a newer SQLite"
            )
        self.url = f"sqlite:///{path}"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged write is on disk, not only in the OS cache.
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        self._lock = threading.RLock()
        # Write transactions run so far: dispatch and the docs cache know from it that
        # nothing changed (other processes' commits show in PRAGMA data_version).
        self.writes = 0
        self._docs_cache = DocsCache()
        self._kept = WriteCache()
        self._migrate()
        # From here the write connection does not wait in SQLite for another connection's
        # write lock: `_begin` waits in Python, or not at all for a write that must not
        # block the event loop (group commit's lone write).
        self._conn.execute("PRAGMA busy_timeout=0")
        # Reads have a connection of their own: in WAL mode they see the last commit and
        # never wait for a write transaction, nor for its fsync.
        self._rconn, self._rlock = self._conn, self._lock
        if path != ":memory:":
            self._rconn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._rconn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._rlock = threading.RLock()

    def _migrate(self) -> None:
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = c.execute("SELECT MAX(version) FROM schema_version").fetchone()
                done = row[0] or 0
                for version, migration in enumerate(MIGRATIONS, start=1):
                    if version <= done:
                        continue
                    for sql in statements(migration, "sqlite"):
                        c.execute(sql)
                    c.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    def version(self) -> tuple[int, int]:
        """Moves whenever the database changed: this store's writes, or another connection's
        commit (SQLite's data_version). A reader that keeps something built from the store
        (the lab's plan) rebuilds it only when this moved."""
        with self._rlock:
            return self.writes, int(self._rconn.execute("PRAGMA data_version").fetchone()[0])

    @contextlib.contextmanager
    def read(self) -> Iterator[SqliteUnitOfWork]:
        with self._rlock:
            self._rconn.execute("BEGIN")
            try:
                yield SqliteUnitOfWork(self._rconn, (self._docs_cache, self.writes))
            finally:
                self._rconn.execute("COMMIT")

    @contextlib.contextmanager
    def write(self) -> Iterator[SqliteUnitOfWork]:
        with self._lock:
            self._begin(self._conn, wait=True)
            uow = SqliteUnitOfWork(self._conn, kept=self._kept)
            try:
                yield uow
                self._conn.execute("COMMIT")
                self._kept.changes = self._conn.total_changes
            except BaseException:
                self._undoing(uow.began)
                with contextlib.suppress(sqlite3.Error):  # a failed COMMIT may have ended it
                    self._conn.execute("ROLLBACK")
                raise
            finally:
                self.writes += 1

    def write_batch(
        self, jobs: Iterable[Callable[[SqliteUnitOfWork], T]], *, wait: bool = True
    ) -> builtins.list[T | Exception]:
        """Group commit (service/group_commit.py): the jobs in one write transaction, each in
        a savepoint of its own, so a job that raises is undone alone and its exception
        takes its place in the results; one COMMIT, one fsync, for all of them. A batch
        given as a sequence of one job (a write served alone) needs no savepoint: if it
        raises, the transaction is rolled back whole (~20 us less a write).

        `wait=False`: WriterBusy at once, nothing run, if the write lock is held by another
        thread or another connection (a process sharing the file), instead of waiting
        for it (up to BUSY_TIMEOUT_MS)."""
        alone = isinstance(jobs, Sequence) and len(jobs) == 1
        results: builtins.list[T | Exception] = []
        if not self._lock.acquire(blocking=wait):
            raise WriterBusy("another thread is writing")
        try:
            c = self._conn
            self._begin(c, wait)
            uow = SqliteUnitOfWork(c, kept=self._kept)
            try:
                for job in jobs:
                    if not alone:
                        c.execute("SAVEPOINT job")
                    before = c.total_changes
                    try:
                        results.append(job(uow))
                    except Exception as exc:  # noqa: BLE001 - the job's own error, answered to its caller
                        results.append(exc)
                        self._undoing(before)
                        if alone:
                            c.execute("ROLLBACK")
                            return results
                        c.execute("ROLLBACK TO job")
                    if not alone:
                        c.execute("RELEASE job")
                c.execute("COMMIT")
                self._kept.changes = c.total_changes
            except BaseException:
                self._undoing(uow.began)
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
                raise
            finally:
                self.writes += 1
        finally:
            self._lock.release()
        return results

    def _undoing(self, changes_before: int) -> None:
        """Before a rollback to where the connection had made `changes_before` changes:
        the write cache may hold what is undone, unless nothing was changed since."""
        if self._conn.total_changes != changes_before:
            self._kept.clear()

    @staticmethod
    def _begin(c: sqlite3.Connection, wait: bool) -> None:
        """BEGIN IMMEDIATE, waiting for another connection's write lock as SQLite's busy
        handler would (up to BUSY_TIMEOUT_MS), or, `wait=False`, WriterBusy at once."""
        delay, waited = 0.001, 0.0
        while True:
            try:
                c.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                    raise
                if not wait:
                    raise WriterBusy(str(exc)) from exc
                if waited >= BUSY_TIMEOUT_MS / 1000:
                    raise
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.05)

    def close(self) -> None:
        with self._lock, self._rlock:
            if self._rconn is not self._conn:
                self._rconn.close()
            self._conn.close()
