"""The test clock (`dxlab serve --test-clock`): tests move time forward instead of
sleeping (STYLE 13), so a 3-hour failover test expires in a second.

The server's time is the wall clock plus an offset that only grows; the offset is kept in
the store, so time never runs backwards across a restart and a durable timer due in the
moved time fires after the restart too. Without the flag the route does not exist."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from dxlab.domain.errors import NotFound, ValidationError
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.store.repository import Record, Store, UnitOfWork

KIND = "test_clock"
RECORD_ID = "offset"
SYSTEM_ACCOUNT = "000000000000"
MAX_ADVANCE = 400 * 24 * 3600.0  # a step of at most ~a year (the test history is kept 365 days)


@dataclass
class TestClock:
    offset: float = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    @classmethod
    def load(cls, store: Store) -> TestClock:
        with store.read() as uow:
            rec = uow.get(KIND, RECORD_ID)
        return cls(float(rec.doc["offset"]) if rec else 0.0)


def _clock(ctx: Context) -> TestClock:
    clock = ctx.extras.get("test_clock")
    if not isinstance(clock, TestClock):
        raise NotFound(
            "No dxlab route for the test clock: start the server with `dxlab serve --test-clock`"
        )
    return clock


@route("POST", "/clock/advance", write=True)
def advance(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    clock = _clock(ctx)
    seconds = args.get("seconds")
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not math.isfinite(seconds)
    ):
        raise ValidationError(f"seconds must be a number, not {seconds!r}")
    if not 0 <= seconds <= MAX_ADVANCE:
        raise ValidationError(
            f"seconds must be between 0 and {MAX_ADVANCE:.0f} (time only moves forward), not {seconds}"
        )
    clock.offset += float(seconds)
    uow.put(Record(KIND, RECORD_ID, SYSTEM_ACCOUNT, {"offset": clock.offset}, created=ctx.now()))
    # What came due in the moved time fires now, in this transaction: the bus fires due
    # timers after every write (service/bus.py), not at the next tick.
    return {"now": ctx.now(), "offset": clock.offset}


@route("GET", "/clock")
def show(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    clock = _clock(ctx)
    return {"now": ctx.now(), "offset": clock.offset}
