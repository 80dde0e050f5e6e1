"""The service bus: the one place a transaction opens and due timers fire (Cosmic
Python's message bus). Every entry point hands its work here: the AWS wire protocols
(web/aws/dispatch.py), the /_dxlab routes, the console, the CLI's local commands and the
lab's loop. A handler is a function of (unit of work, context, arguments).

Durable timers (service/timers.py) fire before a call sees the store, and again after a
write in the same transaction (a follow-up a timer scheduled for now, a LAG member's
steps). The bus remembers the earliest due time until the store is written to, so a read
does not look for timers in vain."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from dxlab.service.clock import TestClock
from dxlab.service.context import Context, Settings
from dxlab.service.data_plane import DataPlane
from dxlab.service.group_commit import GroupCommit
from dxlab.service.operations import Handlers
from dxlab.service.timers import fire_due
from dxlab.store.repository import BatchWriter, Store, UnitOfWork

T = TypeVar("T")
Handler = Callable[[UnitOfWork, Context, dict[str, Any]], Any]
# Seconds a remembered "nothing is due before T" is trusted without looking in the store
# (the server's ticker looks four times a second anyway; another process may schedule).
LOOK_EVERY = 0.25
# A write's result, the store's earliest due timer after it, the store's write count.
WriteResult = tuple[Any, float | None, int]
SYSTEM_ACCOUNT = "000000000000"


class Bus:
    def __init__(
        self, store: Store, plane: DataPlane, settings: Settings, handlers: Handlers
    ) -> None:
        self.store = store
        self.handlers = handlers
        self.plane = plane
        self.settings = settings
        self.test_clock = TestClock.load(store) if settings.test_clock else None
        self._next_due = -math.inf
        self._writes_seen: int | None = None
        self._looked = -math.inf
        self._group: GroupCommit | None = None
        # Asked once: isinstance against a Protocol inspects the class on every call.
        self._batches = isinstance(store, BatchWriter)

    # -- who is asking --------------------------------------------------------------
    def context(self, account: str, request_id: str = "", region: str = "") -> Context:
        """`region`: the request's (its credential scope's); "" means the server's."""
        if self.test_clock is None:
            return Context(
                account=account,
                settings=self.settings,
                request_id=request_id,
                plane=self.plane,
                request_region=region,
            )
        # --test-clock: time.time() + the offset tests move forward (service/clock.py).
        return Context(
            account=account,
            settings=self.settings,
            clock=self.test_clock.now,
            request_id=request_id,
            extras={"test_clock": self.test_clock},
            plane=self.plane,
            request_region=region,
        )

    # -- transactions ---------------------------------------------------------------
    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        """A read-only transaction, no timers (the lab's loop, the CLI's local reads)."""
        with self.store.read() as uow:
            return fn(uow)

    def write(self, fn: Callable[[UnitOfWork], T]) -> T:
        """A write transaction outside any account's request (the CLI's local writes)."""
        with self.store.write() as uow:
            return fn(uow)

    def handle(self, handler: Handler, ctx: Context, args: dict[str, Any], *, write: bool) -> Any:
        """One call, run to the end on this thread."""
        self.fire_timers(ctx)
        if not write:
            with self.store.read() as uow:
                return handler(uow, ctx, args)
        with self.store.write() as uow:
            result, due, writes = self._job(handler, ctx, args)(uow)
        self._remember(due, writes)
        return result

    async def handle_async(
        self,
        handler: Handler,
        ctx: Context,
        args: dict[str, Any],
        *,
        write: bool,
        alone: bool = False,
    ) -> Any:
        """One call from the event loop: writes go through group commit when the store
        has it (SQLite), reads run at once. `alone`: no other request is being served
        (GroupCommit.submit)."""
        if not write or not self._batches:
            return self.handle(handler, ctx, args, write=write)
        if self._group is None:
            assert isinstance(self.store, BatchWriter)  # once: the group is kept
            self._group = GroupCommit(self.store.write_batch, self._after_batch)
        result, _, _ = await self._group.submit(self._job(handler, ctx, args), alone=alone)
        return result

    def close(self) -> None:
        if self._group is not None:
            self._group.close()

    # -- timers ---------------------------------------------------------------------
    def tick(self) -> None:
        """Fires due timers when no request comes to do it (provisioning, test expiry)."""
        self.fire_timers(self.context(SYSTEM_ACCOUNT, "timer"))

    def fire_timers(self, ctx: Context) -> None:
        """Fires the timers that are due; looks in the store only once the remembered
        earliest due time has come (`_quiet_until`)."""
        now = ctx.now()
        writes = self.store.writes
        if now < self._quiet_until():
            return
        with self.store.read() as uow:
            due = uow.next_due()
        self._remember(due, writes)
        if due is not None and due <= now:
            with self.store.write() as uow:
                due = fire_due(uow, ctx, self.handlers.timers)
                writes = self.store.writes  # under the write lock
            self._remember(due, writes + 1)

    def _quiet_until(self) -> float:
        """No timer is due before this time, as remembered: valid until the store is
        written to (its write count) and for at most LOOK_EVERY seconds."""
        if self.store.writes == self._writes_seen and time.monotonic() - self._looked < LOOK_EVERY:
            return self._next_due
        return -math.inf

    def _job(
        self, handler: Handler, ctx: Context, args: dict[str, Any]
    ) -> Callable[[UnitOfWork], WriteResult]:
        """A write and the timers around it, in its caller's transaction: what came due
        before it (looked for only when the remembered earliest due time has come), then
        what it scheduled for now."""
        quiet_until = self._quiet_until()

        def job(uow: UnitOfWork) -> WriteResult:
            if ctx.now() >= quiet_until:
                fire_due(uow, ctx, self.handlers.timers)
            result = handler(uow, ctx, args)
            due = fire_due(uow, ctx, self.handlers.timers)
            return result, due, self.store.writes + 1  # taken under the write lock

        return job

    def _after_batch(self, results: list[Any]) -> None:
        # Failed jobs were rolled back to their savepoints: the store is as the last
        # successful one left it.
        done = [r for r in results if not isinstance(r, BaseException)]
        if done:
            self._remember(done[-1][1], done[-1][2])
        else:
            self._next_due = -math.inf

    def _remember(self, due: float | None, writes: int | None) -> None:
        self._next_due = math.inf if due is None else due
        self._writes_seen = writes
        self._looked = time.monotonic()
