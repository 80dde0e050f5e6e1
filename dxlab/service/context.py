"""What an operation runs with: who is asking, where, and when.

The clock is passed in (STYLE 13): rules never read the time themselves, so tests and the
provisioning modes move time instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dxlab.service.data_plane import DataPlane, SimPlane

Clock = Callable[[], float]


@dataclass(frozen=True)
class Settings:
    region: str = "us-east-1"
    provisioning: str = "instant"  # instant | manual | realistic
    realistic_factor: float = 1.0  # scales the realistic durations (0.001: 72 h -> 4.3 min)
    auth: str = "permissive"  # permissive | strict
    data_plane: str = "sim"
    test_clock: bool = False  # `--test-clock`: time moves with POST /_dxlab/clock/advance
    # `--vifs-up-without-router`: in the sim, a VIF's BGP comes up without a customer router
    # patched to its connection (for CI that tests automation, not routing). Otherwise, as
    # on AWS, nobody answers BGP: both peers and the VIF are `down`.
    vifs_up_without_router: bool = False
    # `--allow-reset`: POST /_dxlab/reset (and moto's /moto-api/reset) empty the server.
    allow_reset: bool = False


@dataclass(frozen=True)
class Context:
    account: str
    settings: Settings = field(default_factory=Settings)
    clock: Clock = time.time
    request_id: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    # The data plane the composition root chose (bootstrap.py); the routing model by default.
    plane: DataPlane = field(default_factory=SimPlane)
    # The Region the request's SigV4 credential scope names (one port serves every Region,
    # as LocalStack does); "" when it names none, and then `--region` is the Region.
    request_region: str = ""

    @property
    def region(self) -> str:
        return self.request_region or self.settings.region

    def now(self) -> float:
        return self.clock()
