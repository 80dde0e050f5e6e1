"""Persistence behind one repository interface: SQLite (default) and PostgreSQL."""

from dxlab.store.repository import Record, Store, UnitOfWork, open_store

__all__ = ["Record", "Store", "UnitOfWork", "open_store"]
