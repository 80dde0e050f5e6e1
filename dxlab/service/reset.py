"""Emptying a running server between tests (`dxlab serve --allow-reset`): what moto's
users do with `POST /moto-api/reset`, so their suites run against dxlab unchanged.

A reset wipes every account's resources, claims and timers at once; the registered
access keys and the test clock's offset stay (time never runs backwards). It exists only
on a server started for tests, and never under `--auth strict`, where accounts are real
users' and one of them must not wipe the others'."""

from __future__ import annotations

import time
from typing import Any

from dxlab.domain.errors import AccessDenied
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.store.repository import UnitOfWork

# What a reset keeps: the strict mode's keys (registered by an operator) and the test
# clock's offset.
KEPT_KINDS = ("access_key", "test_clock")


def check_allowed(ctx: Context) -> None:
    if ctx.settings.auth == "strict":
        raise AccessDenied(
            "Reset is refused under --auth strict: it would wipe every account's resources."
        )
    if not ctx.settings.allow_reset:
        raise AccessDenied(
            "Reset is off: start the server for tests with `dxlab serve --allow-reset`"
            " (it wipes every account's resources)."
        )


@route("POST", "/reset", write=True)
def reset(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    check_allowed(ctx)
    started = time.perf_counter()
    removed = uow.wipe(keep=KEPT_KINDS)
    return {
        "status": "ok",
        "removed": removed,
        "milliseconds": round((time.perf_counter() - started) * 1000, 3),
    }
