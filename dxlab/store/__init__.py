"""Persistence behind one repository interface: SQLite (default), PostgreSQL, and in
memory for fast tests."""

from dxlab.store.repository import Record, Store, UnitOfWork, open_store

__all__ = ["Record", "Store", "UnitOfWork", "open_store"]
