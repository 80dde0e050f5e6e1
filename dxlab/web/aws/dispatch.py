"""Runs one decoded API call: auth context in, output dict or named error out.

Shared by both wire protocols, so an operation behaves the same whichever one a client
speaks."""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from typing import Any

from dxlab.domain.errors import DxlabError, NotSupported, ProtocolError
from dxlab.service import operations as _registered  # noqa: F401  (registers handlers)
from dxlab.service.context import Context
from dxlab.service.registry import OPERATIONS, Operation
from dxlab.service.timers import fire_due
from dxlab.store.repository import Store, UnitOfWork
from dxlab.web.aws.group_commit import GroupCommit
from dxlab.web.aws.model import operations
from dxlab.web.aws.validate import check_output, parse_input

log = logging.getLogger("dxlab.web.aws")

CHECK_OUTPUT = os.environ.get("DXLAB_CHECK_OUTPUT") == "1"
# Seconds a remembered "nothing is due before T" is trusted without looking in the store
# (the ticker in app.py looks four times a second anyway).
LOOK_EVERY = 0.25
# A write's output, the store's earliest due timer after it, the store's write count.
WriteResult = tuple[dict[str, Any], float | None, int | None]


class Dispatcher:
    def __init__(self, store: Store) -> None:
        self.store = store
        # What fire_timers last saw: the earliest due time, the store's write count, when.
        self._next_due = -math.inf
        self._writes_seen: int | None = None
        self._looked = -math.inf
        self._group: GroupCommit | None = None

    def input_shape(self, op_name: str) -> str | None:
        spec = operations().get(op_name)
        if spec is None:
            raise ProtocolError(
                f"Operation {op_name!r} is not an operation of AWS Direct Connect",
                aws_code="UnknownOperationException",
            )
        shape = spec.get("input")
        return shape["shape"] if shape else None

    def output_shape(self, op_name: str) -> str | None:
        shape = operations()[op_name].get("output")
        return shape["shape"] if shape else None

    def fire_timers(self, ctx: Context) -> None:
        """Fires the timers that are due. Looks in the store only when something may be
        due: the earliest due time is remembered until the store is written to (the
        store's write count) and for at most LOOK_EVERY seconds (another process sharing
        the database may have scheduled one)."""
        now = ctx.now()
        writes = getattr(self.store, "writes", None)
        if (
            writes is not None
            and writes == self._writes_seen
            and now < self._next_due
            and time.monotonic() - self._looked < LOOK_EVERY
        ):
            return
        with self.store.read() as uow:
            due = uow.next_due()  # type: ignore[attr-defined]
        self._remember(due, writes)
        if due is not None and due <= now:
            with self.store.write() as uow:
                fire_due(uow, ctx)
                due = uow.next_due()  # type: ignore[attr-defined]
                writes = getattr(self.store, "writes", None)  # under the write lock
            self._remember(due, None if writes is None else writes + 1)

    def _remember(self, due: float | None, writes: int | None) -> None:
        self._next_due = math.inf if due is None else due
        self._writes_seen = writes
        self._looked = time.monotonic()

    def _job(self, op: Operation, ctx: Context, request: dict[str, Any]) -> Callable[[UnitOfWork], WriteResult]:
        """A write and the timers around it, in its caller's transaction: what came due
        before it, then what it scheduled for now (instant provisioning). Also returns
        the store's earliest due timer and its write count once this transaction ends."""

        def job(uow: UnitOfWork) -> WriteResult:
            fire_due(uow, ctx)
            result = op.handler(uow, ctx, request)
            fire_due(uow, ctx)
            writes = getattr(self.store, "writes", None)  # taken under the write lock
            return result, uow.next_due(), None if writes is None else writes + 1  # type: ignore[attr-defined]

        return job

    def _after_batch(self, results: list[Any]) -> None:
        # Failed jobs were rolled back to their savepoints: the store is as the last
        # successful one left it.
        done = [r for r in results if not isinstance(r, BaseException)]
        if done:
            self._remember(done[-1][1], done[-1][2])
        else:
            self._next_due = -math.inf

    def _request(self, op_name: str, body: Any, wire: str) -> tuple[Operation, dict[str, Any]]:
        shape = self.input_shape(op_name)
        request = parse_input(shape, body, wire)
        op = OPERATIONS.get(op_name)
        if op is None:
            raise NotSupported(f"{op_name} is not supported by dxlab yet.")
        return op, request

    def _read(self, op: Operation, ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        self.fire_timers(ctx)
        with self.store.read() as uow:
            return op.handler(uow, ctx, request)

    def _checked(self, op_name: str, result: dict[str, Any]) -> dict[str, Any]:
        if CHECK_OUTPUT:
            check_output(self.output_shape(op_name), result)
        return result

    def call(self, op_name: str, body: Any, wire: str, ctx: Context) -> dict[str, Any]:
        """One call, run to the end on this thread."""
        op, request = self._request(op_name, body, wire)
        if not op.write:
            return self._checked(op_name, self._read(op, ctx, request))
        return self._checked(op_name, self._write_now(op, ctx, request))

    def _write_now(self, op: Operation, ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        with self.store.write() as uow:
            result, due, writes = self._job(op, ctx, request)(uow)
        self._remember(due, writes)
        return result

    async def call_async(self, op_name: str, body: Any, wire: str, ctx: Context) -> dict[str, Any]:
        """One call from the event loop: writes go through group commit when the store
        has it (SQLite), reads run at once."""
        op, request = self._request(op_name, body, wire)
        if not op.write:
            return self._checked(op_name, self._read(op, ctx, request))
        if self._group is None:
            write_batch = getattr(self.store, "write_batch", None)
            if write_batch is None:
                return self._checked(op_name, self._write_now(op, ctx, request))
            self._group = GroupCommit(write_batch, self._after_batch)
        result, _, _ = await self._group.submit(self._job(op, ctx, request))
        return self._checked(op_name, result)

    def close(self) -> None:
        if self._group is not None:
            self._group.close()


__all__ = ["Dispatcher", "DxlabError"]
