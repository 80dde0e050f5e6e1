"""Marks a service function as the handler of a model operation.

A service function takes (unit of work, context, input dict) and returns the output dict.
`write=True` runs it in a write transaction (serialized, atomic); reads share a snapshot.
The mark is kept on the function itself: service/operations.py collects the marked
functions of an explicit list of modules into one immutable table, so no module-level
registry fills up as modules happen to be imported. A function may declare the model's
TypedDicts (domain/shapes.py) for its input and output: they are plain dicts at run
time, which is what the dispatcher hands over."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from dxlab.service.context import Context
from dxlab.store.repository import UnitOfWork

Handler = Callable[[UnitOfWork, Context, dict[str, Any]], dict[str, Any]]
H = TypeVar("H", bound=Callable[..., Mapping[str, Any]])


@dataclass(frozen=True)
class Operation:
    name: str
    handler: Handler
    write: bool


MARK = "dxlab_operation"


def operation(name: str, *, write: bool = False) -> Callable[[H], H]:
    def mark(fn: H) -> H:
        setattr(fn, MARK, Operation(name, cast(Handler, fn), write))
        return fn

    return mark


def marked(fn: object) -> Operation | None:
    found = getattr(fn, MARK, None)
    return found if isinstance(found, Operation) else None
