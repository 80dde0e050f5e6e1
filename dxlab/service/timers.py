"""Durable timers: scheduled state changes (provisioning steps, failover test expiry).

A timer is stored with its due time, so it fires after a restart too. Each resource
family marks the actions it schedules; the bus fires them from service/operations.py's
table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dxlab.service.context import Context
from dxlab.store.repository import UnitOfWork

Action = Callable[[UnitOfWork, Context, str, dict[str, Any]], None]

MARK = "dxlab_timer"


def timer_action(name: str) -> Callable[[Action], Action]:
    def mark(fn: Action) -> Action:
        setattr(fn, MARK, name)
        return fn

    return mark


def marked(fn: object) -> str | None:
    found = getattr(fn, MARK, None)
    return found if isinstance(found, str) else None


def fire_due(uow: UnitOfWork, ctx: Context, actions: Mapping[str, Action]) -> float | None:
    """Run every timer whose time has come, oldest first. Returns when the next one that
    is left is due (None: no timer left)."""
    # A fired action may schedule a follow-up that is already due (instant provisioning).
    for _ in range(16):
        now = ctx.now()
        upcoming = uow.next_due()
        if upcoming is None or upcoming > now:
            return upcoming
        for timer in uow.due_timers(now):
            action = actions.get(timer.action)
            if action is not None:
                action(uow, ctx, timer.ref, timer.payload)
    return uow.next_due()
