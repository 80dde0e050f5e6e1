"""One log line per API call, as LocalStack's users read its log: time (the log
format's), account, Region, operation, HTTP status, error name, milliseconds. Logged at
INFO on `dxlab.api.calls` (`dxlab serve` shows INFO; a test suite turns it on with
`logging.getLogger("dxlab.api.calls").setLevel(logging.INFO)`)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

log = logging.getLogger("dxlab.api.calls")


@dataclass
class Call:
    started: float
    operation: str = "-"
    account: str = "-"
    region: str = "-"
    status: int = 500
    error: str = "-"

    def failed(self, status: int, error: str) -> None:
        self.status, self.error = status, error

    def done(self) -> None:
        if log.isEnabledFor(logging.INFO):
            ms = (time.perf_counter() - self.started) * 1000
            log.info(
                "%s %s %s %d %s %.1f ms",
                self.account,
                self.region,
                self.operation,
                self.status,
                self.error,
                ms,
            )


def start() -> Call:
    return Call(time.perf_counter())
