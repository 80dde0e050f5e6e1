"""Marks a service function as the handler of an EC2 operation (the ec2 model's name).
Like Direct Connect's marks (service/registry.py), the mark stays on the function;
service/operations.py collects the EC2 families' marked functions into the bus's handler
table, apart from Direct Connect's: the two models share names (CreateTags, DescribeTags)
that mean different calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dxlab.service.registry import Operation

H = TypeVar("H", bound=Callable[..., dict[str, Any]])

MARK = "dxlab_ec2_operation"


def ec2_operation(name: str, *, write: bool = False) -> Callable[[H], H]:
    def mark(fn: H) -> H:
        setattr(fn, MARK, Operation(name, fn, write))
        return fn

    return mark


def marked(fn: object) -> Operation | None:
    found = getattr(fn, MARK, None)
    return found if isinstance(found, Operation) else None
