"""Fixtures of the fast tier (tests/unit/service.py): dxlab in this process, in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.unit.service import Service, start


@pytest.fixture
def make_dx() -> Iterator[Callable[..., Service]]:
    """dxlab with other settings: `make_dx(provisioning="realistic")`."""
    made: list[Service] = []

    def make(**settings: Any) -> Service:
        made.append(start(**settings))
        return made[-1]

    yield make
    for service in made:
        service.app.close()


@pytest.fixture
def dx(make_dx: Callable[..., Service]) -> Service:
    """dxlab with instant provisioning, its clock stopped at START."""
    return make_dx()
