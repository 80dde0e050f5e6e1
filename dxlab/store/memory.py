"""The in-memory store (`memory://`): the repository interface held in dicts, for fast
service tests (Cosmic Python's FakeUnitOfWork) and throwaway servers.

It keeps the contract the SQL stores keep (tests/test_store.py runs it on all three):
documents are stored as JSON text, so a record read back is a copy its reader may
change freely and anything SQLite could not store fails here too; `list` and `docs` are
oldest first, ties by id; a claim has one owner; a timer fires once. A write transaction
holds the store's lock and keeps an undo journal: leaving the block commits, an exception
plays the journal backwards, so nothing of a failed call stays.

`memory://` is a private store; `memory://NAME` is shared by every store of that name in
this process and outlives their close(), as a database file would (a server restarted in
the same process finds its data). Nothing survives the process."""

from __future__ import annotations

import builtins
import contextlib
import itertools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from dxlab.store.repository import Record, Timer, with_field

# (kind, id) -> (account, parent, created, document JSON, meta JSON)
Row = tuple[str, str | None, float, bytes, bytes]
_MISSING = object()


@dataclass
class _Tables:
    """What a SQL store keeps in its three tables, and the lock that serializes writers."""

    resources: dict[tuple[str, str], Row] = field(default_factory=dict)
    claims: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, value) -> owner
    # tid -> (due, insertion order, timer): equal due times fire in the order scheduled.
    timers: dict[str, tuple[float, int, Timer]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    order: Iterator[int] = field(default_factory=itertools.count)


_NAMED: dict[str, _Tables] = {}
_NAMED_LOCK = threading.Lock()


class MemoryUnitOfWork:
    def __init__(
        self, tables: _Tables, journal: builtins.list[tuple[dict[Any, Any], Any, Any]] | None
    ) -> None:
        self.t = tables
        # (table, key, value before) for each change; None: a read, which changes nothing.
        self._journal = journal

    # -- bookkeeping ----------------------------------------------------------------
    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self._log(table, key)
        table[key] = value

    def _pop(self, table: dict[Any, Any], key: Any) -> None:
        if key in table:
            self._log(table, key)
            del table[key]

    def _log(self, table: dict[Any, Any], key: Any) -> None:
        if self._journal is None:
            raise RuntimeError("a read transaction cannot change the store")
        self._journal.append((table, key, table.get(key, _MISSING)))

    # -- resources ------------------------------------------------------------------
    def get(self, kind: str, id: str) -> Record | None:
        row = self.t.resources.get((kind, id))
        return _record(kind, id, row) if row is not None else None

    def _rows(
        self, kind: str, account: str | None, parent: str | None
    ) -> builtins.list[tuple[str, Row]]:
        rows = [
            (rid, row)
            for (k, rid), row in self.t.resources.items()
            if k == kind
            and (account is None or row[0] == account)
            and (parent is None or row[1] == parent)
        ]
        rows.sort(key=lambda item: (item[1][2], item[0]))  # ORDER BY created, id
        return rows

    def list(
        self, kind: str, *, account: str | None = None, parent: str | None = None
    ) -> builtins.list[Record]:
        return [_record(kind, rid, row) for rid, row in self._rows(kind, account, parent)]

    def docs(self, kind: str, *, account: str | None = None) -> builtins.list[dict[str, Any]]:
        loads = orjson.loads
        return [loads(row[3]) for _, row in self._rows(kind, account, None)]

    def docs_with(
        self, kinds: tuple[str, ...], account: str, name: str, value: str
    ) -> builtins.list[dict[str, Any]]:
        rows = [
            (key, row[3])
            for key, row in self.t.resources.items()
            if key[0] in kinds and row[0] == account
        ]
        return list(with_field([r[1] for r in rows], name, value, [r[0] for r in rows]).values())

    def count(self, kind: str, *, account: str | None = None, parent: str | None = None) -> int:
        return len(self._rows(kind, account, parent))

    def put(self, record: Record) -> None:
        key = (record.kind, record.id)
        old = self.t.resources.get(key)
        created = old[2] if old is not None else record.created  # an update keeps its creation time
        row = (
            record.account,
            record.parent,
            created,
            orjson.dumps(record.doc),
            orjson.dumps(record.meta),
        )
        self._set(self.t.resources, key, row)

    def delete(self, kind: str, id: str) -> None:
        self._pop(self.t.resources, (kind, id))

    # -- claims ---------------------------------------------------------------------
    def claim(self, scope: str, value: str, owner: str) -> bool:
        held = self.t.claims.get((scope, value))
        if held is None:
            self._set(self.t.claims, (scope, value), owner)
            return True
        return held == owner

    def release(self, scope: str, value: str) -> None:
        self._pop(self.t.claims, (scope, value))

    def release_owner(self, owner: str) -> None:
        for key in [k for k, o in self.t.claims.items() if o == owner]:
            self._pop(self.t.claims, key)

    def claimed(self, scope: str) -> dict[str, str]:
        return {v: o for (s, v), o in self.t.claims.items() if s == scope}

    def claim_counts(self, scopes: builtins.list[str]) -> dict[str, int]:
        counts = dict.fromkeys(scopes, 0)
        for s, _ in self.t.claims:
            if s in counts:
                counts[s] += 1
        return counts

    def wipe(self, keep: tuple[str, ...] = ()) -> int:
        # Through _pop, so a rolled-back transaction puts everything back.
        gone = [key for key in self.t.resources if key[0] not in keep]
        for key in gone:
            self._pop(self.t.resources, key)
        for claim in list(self.t.claims):
            self._pop(self.t.claims, claim)
        for tid in list(self.t.timers):
            self._pop(self.t.timers, tid)
        return len(gone)

    # -- timers ---------------------------------------------------------------------
    def schedule(self, due: float, action: str, ref: str, payload: dict[str, Any]) -> None:
        tid = uuid.uuid4().hex
        # Through JSON like the SQL stores: the payload fired later is a copy.
        timer = Timer(tid, float(due), action, ref, orjson.loads(orjson.dumps(payload)))
        self._set(self.t.timers, tid, (float(due), next(self.t.order), timer))

    def due_timers(self, now: float) -> builtins.list[Timer]:
        due = sorted((d, n, t) for d, n, t in self.t.timers.values() if d <= now)
        for _, _, timer in due:
            self._pop(self.t.timers, timer.id)
        return [t for _, _, t in due]

    def next_due(self) -> float | None:
        return min((d for d, _, _ in self.t.timers.values()), default=None)

    def cancel_timers(self, ref: str, action: str | None = None) -> None:
        for tid in [
            tid
            for tid, (_, _, t) in self.t.timers.items()
            if t.ref == ref and (action is None or t.action == action)
        ]:
            self._pop(self.t.timers, tid)


def _record(kind: str, id: str, row: Row) -> Record:
    account, parent, created, doc, meta = row
    return Record(kind, id, account, orjson.loads(doc), orjson.loads(meta), parent, created)


class MemoryStore:
    def __init__(self, name: str = "") -> None:
        self.url = f"memory://{name}"
        if name:
            with _NAMED_LOCK:
                self._tables = _NAMED.setdefault(name, _Tables())
        else:
            self._tables = _Tables()
        self.writes = 0  # write transactions this store has run (Store.writes)

    @contextlib.contextmanager
    def read(self) -> Iterator[MemoryUnitOfWork]:
        # Under the writers' lock: a reader never sees a write that may still roll back.
        with self._tables.lock:
            yield MemoryUnitOfWork(self._tables, None)

    @contextlib.contextmanager
    def write(self) -> Iterator[MemoryUnitOfWork]:
        with self._tables.lock:
            journal: builtins.list[tuple[dict[Any, Any], Any, Any]] = []
            try:
                yield MemoryUnitOfWork(self._tables, journal)
            except BaseException:
                for table, key, before in reversed(journal):
                    if before is _MISSING:
                        table.pop(key, None)
                    else:
                        table[key] = before
                raise
            finally:
                self.writes += 1

    def close(self) -> None:
        """Nothing to release: a named store's data stays for the next store of its name."""


def forget(name: str) -> None:
    """Drops the data of `memory://NAME` (a test suite's cleanup)."""
    with _NAMED_LOCK:
        _NAMED.pop(name, None)
