"""Failover tests and injected failures as rules (pure): how long they may run, the
statuses a test goes through, and which failure domains dxlab can take down.

resiliency_failover.md: "The maximum value is 4,320 minutes (72 hours). The default
value is 180 minutes (3 hours)."; the history's statuses are In progress, Completed,
Cancelled and Failed."""

from __future__ import annotations

import secrets
import string

from dxlab.domain.errors import ValidationError
from dxlab.domain.states import TestStatus

MIN_MINUTES = 1
MAX_MINUTES = 4320
DEFAULT_MINUTES = 180

# A test's statuses are dxlab.domain.states.TestStatus, a failure's FailureStatus.
STATUSES: tuple[str, ...] = tuple(s.value for s in TestStatus)

# Failure domains `dxlab fail` can take down (beyond AWS, which only tests BGP sessions).
# A region is every Direct Connect location of that AWS Region at once (Colocation.md: each
# location is associated with a Region): the designs that span Regions are asked about it.
FAILURE_KINDS = ("device", "connection", "location", "router", "site", "region")

_ALNUM = string.ascii_lowercase + string.digits


def check_minutes(value: object, what: str = "testDurationInMinutes") -> int:
    """A duration in whole minutes within 1-4,320 (resiliency_failover.md)."""
    if value is None:
        return DEFAULT_MINUTES
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} must be a whole number of minutes, not {value!r}")
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        raise ValidationError(
            f"{what} must be between {MIN_MINUTES} and {MAX_MINUTES:,} minutes (72 hours), not {value}"
        )
    return value


def check_status(value: str) -> str:
    if value not in STATUSES:
        raise ValidationError(
            f"status {value!r} is not a test status; use one of: {', '.join(STATUSES)}"
        )
    return value


def check_failure_kind(kind: object) -> str:
    if kind not in FAILURE_KINDS:
        raise ValidationError(
            f"kind {kind!r} is not a failure dxlab can inject; use one of: {', '.join(FAILURE_KINDS)}"
        )
    return str(kind)


def failure_id() -> str:
    return "dxfail-" + "".join(secrets.choice(_ALNUM) for _ in range(8))
