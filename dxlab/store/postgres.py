"""The server store: PostgreSQL through psycopg 3.

The SQL is SQLite's (schema.py keeps to what both understand), so the unit of work is
the same class with psycopg's placeholders. Every write transaction first takes one
transaction-scoped advisory lock: writers are serialized like SQLite's `BEGIN
IMMEDIATE`, also across several dxlab servers sharing one database, so a
check-then-insert (a quota, a free port) can never interleave with another."""

from __future__ import annotations

import contextlib
import functools
import threading
import zlib
from collections.abc import Iterator
from typing import Any

try:
    import psycopg
except ImportError as exc:  # an optional dependency: say how to get it
    raise ImportError(
        "a postgresql:// store needs psycopg 3: pip install 'dxlab[postgres]'"
    ) from exc

from dxlab.store.schema import MIGRATIONS, statements
from dxlab.store.sqlite import SqliteUnitOfWork


class _Qmark:
    """psycopg's connection seen through sqlite3's `execute(sql, args)` with `?`."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, args: Any = ()) -> psycopg.Cursor[Any]:
        return self.conn.execute(_placeholders(sql), args)  # type: ignore[arg-type]  # our own constants


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresUnitOfWork(SqliteUnitOfWork):
    def __init__(self, conn: _Qmark) -> None:
        super().__init__(conn)  # type: ignore[arg-type]  # duck-typed: execute() with ? placeholders


class PostgresStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        # Write transactions run so far: dispatch's timer check skips a read while it
        # has not moved (like SqliteStore.writes; other servers are covered by its LOOK_EVERY).
        self.writes = 0
        self._conn = self._connect()
        with self._lock, self._transaction() as c:
            # One advisory lock per schema: every server on this schema shares it, while
            # two schemas of one database (the tests use one per test) do not wait on each other.
            schema = c.execute("SELECT current_schema()").fetchone()
            self._lock_key = zlib.crc32(f"dxlab:{schema[0] if schema else ''}".encode()) - 2**31
        self._migrate()

    def _connect(self) -> psycopg.Connection[Any]:
        # autocommit: transactions are opened explicitly below, one per unit of work.
        return psycopg.connect(self.url, autocommit=True, connect_timeout=10)

    def _begin(self) -> psycopg.Connection[Any]:
        # A server restart or an idle timeout drops the connection: one new connection
        # and a second try, which is safe because nothing of this transaction ran yet.
        for attempt in (1, 2):
            if self._conn.closed or self._conn.broken:
                self._conn = self._connect()
            try:
                self._conn.execute("BEGIN")
                return self._conn
            except psycopg.OperationalError:
                if attempt == 2:
                    raise
                self._conn.close()
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[psycopg.Connection[Any]]:
        conn = self._begin()
        try:
            if write:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            yield conn
        except BaseException:
            with contextlib.suppress(psycopg.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._lock, self._transaction(write=True) as c:
            c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = c.execute("SELECT MAX(version) FROM schema_version").fetchone()
            done = (row[0] if row else None) or 0
            for version, migration in enumerate(MIGRATIONS, start=1):
                if version <= done:
                    continue
                for sql in statements(migration, "postgresql"):
                    c.execute(sql)  # type: ignore[arg-type]  # schema.py constants
                c.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))

    @contextlib.contextmanager
    def read(self) -> Iterator[PostgresUnitOfWork]:
        with self._lock, self._transaction() as c:
            yield PostgresUnitOfWork(_Qmark(c))

    @contextlib.contextmanager
    def write(self) -> Iterator[PostgresUnitOfWork]:
        with self._lock:
            try:
                with self._transaction(write=True) as c:
                    yield PostgresUnitOfWork(_Qmark(c))
            finally:
                self.writes += 1

    def close(self) -> None:
        with self._lock:
            self._conn.close()
