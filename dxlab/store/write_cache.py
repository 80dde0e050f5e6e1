"""What one write transaction reads and the next one reads again, kept between them.

A CreateConnection reads the account's ports at the location (limits.md's quota, and the
spread over devices) and the claimed ports of the devices it may take one on; the next
order reads the same. From SQLite each time, those reads were a fifth of a durable
create's time before its commit (bench/README.md). Here they are kept as the write
connection's own writes leave them (`claim`, `release`, `put`, `delete` update them),
and trusted only while nothing else can have changed the database:

- any rollback, of the transaction or of one job's savepoint, empties the cache (the
  store calls `clear`), as does `wipe`;
- so does another connection's commit (another process, or another store on the same
  file): SQLite's `PRAGMA data_version` moves for this connection, and the unit of work
  looks at it before its first use of the cache in each transaction. No other commit
  can come between that look and the transaction's end: it holds the write lock;
- and a change made on the write connection outside a write transaction (an in-memory
  database reads on it too): its `total_changes` has moved since the last commit.

A job that fails having changed nothing (most refused requests) leaves the cache as it is.

SQLite only: PostgreSQL's servers may share a database, and each would need the other's
writes. The documents here are shared with callers: read-only, as `docs()` says."""

from __future__ import annotations

from typing import Any

import orjson

# (kinds, account, field, value): a docs_with() question
Question = tuple[tuple[str, ...], str, str, str]
Row = tuple[str, str]  # (kind, id)


class WriteCache:
    # Beyond these it starts again empty: each entry is a few rows, read again on demand.
    MAX_SCOPES = 1024
    MAX_QUESTIONS = 1024
    MAX_DOCS = 20_000  # all answers together
    MAX_ANSWER = 1_000  # a larger answer (an account's whole history) is read each time

    def __init__(self) -> None:
        self.version: int | None = None  # data_version when last looked at
        self.changes: int | None = None  # the connection's total_changes at the last commit
        self.docs = 0
        self.claims: dict[str, dict[str, str]] = {}  # scope -> {value: owner}, whole
        self.found: dict[Question, dict[Row, dict[str, Any]]] = {}  # -> {(kind, id): document}
        self._asked: dict[tuple[str, str], set[Question]] = {}  # (kind, account) -> questions
        self._holding: dict[Row, set[Question]] = {}  # (kind, id) -> questions it answers

    def clear(self) -> None:
        self.version = self.changes = None
        self.claims.clear()
        self._forget_found()

    def _forget_found(self) -> None:
        self.found.clear()
        self._asked.clear()
        self._holding.clear()
        self.docs = 0

    # -- claims ---------------------------------------------------------------------
    def keep_scope(self, scope: str, values: dict[str, str]) -> None:
        if len(self.claims) >= self.MAX_SCOPES:
            self.claims.clear()
        self.claims[scope] = values

    def claimed(self, scope: str, value: str, owner: str) -> None:
        held = self.claims.get(scope)
        if held is not None:
            held[value] = owner

    def released(self, scope: str, value: str) -> None:
        held = self.claims.get(scope)
        if held is not None:
            held.pop(value, None)

    # -- documents ------------------------------------------------------------------
    def keep_found(self, question: Question, docs: dict[Row, dict[str, Any]]) -> None:
        if len(docs) > self.MAX_ANSWER:
            return
        if len(self.found) >= self.MAX_QUESTIONS or self.docs + len(docs) > self.MAX_DOCS:
            self._forget_found()
        self.found[question] = docs
        self.docs += len(docs)
        for kind in question[0]:
            self._asked.setdefault((kind, question[1]), set()).add(question)
        for row in docs:
            self._holding.setdefault(row, set()).add(question)

    def put(self, kind: str, id: str, account: str, doc: dict[str, Any], stored: str) -> None:
        """After a write of `doc`, stored as `stored`: the answers get a copy of it, which
        the writer cannot change. An update may move a record to another account: it
        leaves the answers of the first."""
        row = (kind, id)
        if row in self._holding:
            self.delete(kind, id)
        asked = self._asked.get((kind, account))
        if not asked:
            return
        copy = orjson.loads(stored)  # compared as the database's answer would compare it
        for question in asked:
            if copy.get(question[2]) == question[3]:
                self.found[question][row] = copy
                self._holding.setdefault(row, set()).add(question)
                self.docs += 1
        if self.docs > self.MAX_DOCS:
            self._forget_found()

    def delete(self, kind: str, id: str) -> None:
        for question in self._holding.pop((kind, id), ()):
            if self.found[question].pop((kind, id), None) is not None:
                self.docs -= 1
