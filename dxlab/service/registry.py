"""Operation registry: maps each model operation to its service function.

A service function takes (unit of work, context, input dict) and returns the output dict.
`write=True` runs it in a write transaction (serialized, atomic); reads share a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dxlab.service.context import Context
from dxlab.store.repository import UnitOfWork

Handler = Callable[[UnitOfWork, Context, dict[str, Any]], dict[str, Any]]
H = TypeVar("H", bound=Callable[..., dict[str, Any]])


@dataclass(frozen=True)
class Operation:
    name: str
    handler: Handler
    write: bool


OPERATIONS: dict[str, Operation] = {}


def operation(name: str, *, write: bool = False) -> Callable[[H], H]:
    def register(fn: H) -> H:
        if name in OPERATIONS:
            raise RuntimeError(f"operation {name} registered twice")
        OPERATIONS[name] = Operation(name, fn, write)
        return fn

    return register
