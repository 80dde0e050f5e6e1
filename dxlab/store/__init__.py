"""Persistence behind one repository interface (repository.py): SQLite (default),
PostgreSQL, and in memory for fast tests. `open_store` is the one place that picks an
implementation from a URL."""

from dxlab.store.repository import Record, Store, UnitOfWork


def open_store(url: str) -> Store:
    """`sqlite:///path`, a bare path, `postgresql://...`, or `memory://[NAME]` (in this
    process only: for fast tests, store/memory.py)."""
    if url.startswith("memory://"):
        from dxlab.store.memory import MemoryStore

        return MemoryStore(url.removeprefix("memory://"))
    if url.startswith(("postgresql://", "postgres://")):
        from dxlab.store.postgres import PostgresStore

        return PostgresStore(url)
    from dxlab.store.sqlite import SqliteStore

    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    return SqliteStore(path)


__all__ = ["Record", "Store", "UnitOfWork", "open_store"]
