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

from collections import OrderedDict
from typing import Any

import orjson

# (kinds, account, field, value): a docs_with() question
Question = tuple[tuple[str, ...], str, str, str]
Row = tuple[str, str]  # (kind, id)


class WriteCache:
    # Small on purpose: it serves the orders in flight, not the database. Held longer, its
    # documents cost every other request time (9,000 of them made DescribeConnections of
    # 300 connections 10 % slower, garbage collection off or on: bench/README.md).
    MAX_SCOPES = 256  # claims: beyond it, they start again empty
    MAX_QUESTIONS = 256  # docs_with answers: the least recently used go first
    MAX_DOCS = 500  # in all answers together
    MAX_ANSWER = 100  # a larger answer (an account's long history there) is read each time

    def __init__(self) -> None:
        self.version: int | None = None  # data_version when last looked at
        self.changes: int | None = None  # the connection's total_changes at the last commit
        self.docs = 0
        self.claims: dict[str, dict[str, str]] = {}  # scope -> {value: owner}, whole
        # question -> {(kind, id): document}, least recently used first
        self.found: OrderedDict[Question, dict[Row, dict[str, Any]]] = OrderedDict()
        self._asked: dict[tuple[str, str], set[Question]] = {}  # (kind, account) -> questions
        self._holding: dict[Row, set[Question]] = {}  # (kind, id) -> questions it answers

    def clear(self) -> None:
        self.version = self.changes = None
        self.claims.clear()
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
    def answer(self, question: Question) -> list[dict[str, Any]] | None:
        docs = self.found.get(question)
        if docs is None:
            return None
        self.found.move_to_end(question)
        return list(docs.values())

    def keep_found(self, question: Question, docs: dict[Row, dict[str, Any]]) -> None:
        if len(docs) > self.MAX_ANSWER:
            return
        self.found[question] = docs
        self.docs += len(docs)
        for kind in question[0]:
            self._asked.setdefault((kind, question[1]), set()).add(question)
        for row in docs:
            self._holding.setdefault(row, set()).add(question)
        self._shrink()

    def _shrink(self) -> None:
        while self.docs > self.MAX_DOCS or len(self.found) > self.MAX_QUESTIONS:
            question, docs = self.found.popitem(last=False)
            self.docs -= len(docs)
            for kind in question[0]:
                asked = self._asked[(kind, question[1])]
                asked.discard(question)
                if not asked:
                    del self._asked[(kind, question[1])]
            for row in docs:
                holding = self._holding[row]
                holding.discard(question)
                if not holding:
                    del self._holding[row]

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
        self._shrink()

    def delete(self, kind: str, id: str) -> None:
        for question in self._holding.pop((kind, id), ()):
            if self.found[question].pop((kind, id), None) is not None:
                self.docs -= 1
