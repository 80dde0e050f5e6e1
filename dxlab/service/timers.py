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


def fire_due(uow: UnitOfWork, ctx: Context, actions: Mapping[str, Action]) -> int:
    """Run every timer whose time has come, oldest first. Returns how many fired."""
    fired = 0
    # A fired action may schedule a follow-up that is already due (instant provisioning).
    for _ in range(16):
        due = uow.due_timers(ctx.now())
        if not due:
            break
        for timer in due:
            action = actions.get(timer.action)
            if action is not None:
                action(uow, ctx, timer.ref, timer.payload)
                fired += 1
    return fired
