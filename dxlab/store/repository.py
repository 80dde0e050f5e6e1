"""The repository interface every store implements.

A resource is a `Record`: its API document (the model's shape, exactly what Describe*
returns) and `meta`, dxlab's own bookkeeping that never reaches the wire (device port,
cross-connect, provisioning). `claims` are unique reservations (a device port, a VLAN on
a connection) enforced by the database itself, so no race can hand one out twice.
`timers` are durable scheduled transitions (provisioning, failover test expiry).
"""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

import orjson

T = TypeVar("T")
K = TypeVar("K")


@dataclass
class Record:
    kind: str
    id: str
    account: str
    doc: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None
    created: float = 0.0


@dataclass(frozen=True)
class Timer:
    id: str
    due: float
    action: str
    ref: str
    payload: dict[str, Any]


class UnitOfWork(Protocol):
    """One transaction. Leaving the `with` block commits; an exception rolls back."""

    def get(self, kind: str, id: str) -> Record | None: ...

    def list(
        self, kind: str, *, account: str | None = None, parent: str | None = None
    ) -> builtins.list[Record]: ...

    def docs(self, kind: str, *, account: str | None = None) -> builtins.list[dict[str, Any]]: ...

    def docs_with(
        self, kinds: tuple[str, ...], account: str, name: str, value: str
    ) -> builtins.list[dict[str, Any]]:
        """The documents of these kinds of one account whose top-level field `name` is
        `value`, in no particular order: for a count or a tally, which needs none (the
        sort is a third of such a read). Read-only: they may be shared with a cache."""
        ...

    def count(self, kind: str, *, account: str | None = None, parent: str | None = None) -> int: ...

    def put(self, record: Record) -> None: ...

    def delete(self, kind: str, id: str) -> None: ...

    def claim(self, scope: str, value: str, owner: str) -> bool:
        """Reserve (scope, value) for owner; False when another owner holds it."""
        ...

    def release(self, scope: str, value: str) -> None: ...

    def release_owner(self, owner: str) -> None: ...

    def claimed(self, scope: str) -> dict[str, str]: ...

    def claim_counts(self, scopes: builtins.list[str]) -> dict[str, int]:
        """How many values of each scope are claimed (len(claimed(scope)) of each, in one
        read, without reading the values)."""
        ...

    def schedule(self, due: float, action: str, ref: str, payload: dict[str, Any]) -> None: ...

    def due_timers(self, now: float) -> builtins.list[Timer]: ...

    def cancel_timers(self, ref: str, action: str | None = None) -> None: ...

    def next_due(self) -> float | None:
        """The earliest due time of any timer (None: nothing scheduled)."""
        ...

    def wipe(self, keep: tuple[str, ...] = ()) -> int:
        """Deletes every resource (but those of the `keep` kinds), claim and timer;
        returns how many resources went (POST /_dxlab/reset)."""
        ...


class Store(Protocol):
    url: str
    # Write transactions this process has run: equal counts mean nothing changed here.
    writes: int

    def read(self) -> contextlib.AbstractContextManager[UnitOfWork]: ...

    def write(self) -> contextlib.AbstractContextManager[UnitOfWork]: ...

    def close(self) -> None: ...


class WriterBusy(Exception):
    """The store's write lock is held by another thread or process: a write that was not
    to wait for it (`write_batch(..., wait=False)`) has not run."""


@runtime_checkable
class BatchWriter(Protocol):
    """A store that commits many writes in one transaction (SQLite: group commit)."""

    def write_batch(
        self, jobs: Iterable[Callable[[Any], T]], *, wait: bool = True
    ) -> builtins.list[T | Exception]: ...


def with_field(stored: list[Any], name: str, value: str, keys: list[K]) -> dict[K, dict[str, Any]]:
    """The stored documents (JSON text or bytes) whose top-level field `name` is `value`, by
    their keys. Only those whose text holds the value, quoted as JSON writes it, are
    parsed: a plain value (a location code) is written so by any serializer."""
    loads = orjson.loads
    pairs = zip(keys, stored, strict=True)
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        quoted: Any = orjson.dumps(value)
        if stored and isinstance(stored[0], str):
            quoted = quoted.decode()
        pairs = ((key, text) for key, text in pairs if quoted in text)  # type: ignore[assignment]
    return {key: doc for key, text in pairs if (doc := loads(text)).get(name) == value}
