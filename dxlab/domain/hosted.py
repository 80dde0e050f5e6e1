"""Hosted connection rules: what a Direct Connect Partner may allocate on its
interconnect (hosted_connection.md; the model's AllocateHostedConnection)."""

from __future__ import annotations

import re

from dxlab.domain.errors import ValidationError
from dxlab.domain.speeds import HOSTED_BANDWIDTHS, mbps

# How long AWS takes to bring a confirmed hosted connection up in `realistic` mode: the
# partner's port is already patched, so only the logical provisioning remains.
ACTIVATION_SECONDS = 600.0

_ACCOUNT = re.compile(r"^\d{12}$")


def check_owner_account(account: str) -> None:
    if not _ACCOUNT.match(account):
        raise ValidationError(f"ownerAccount {account!r} is not a 12-digit AWS account ID")


def check_hosted_bandwidth(bandwidth: str, capacity_mbps: int, parent: str) -> None:
    """hosted_connection.md: the partner's fixed set of speeds, never above its port."""
    if bandwidth not in HOSTED_BANDWIDTHS:
        raise ValidationError(
            f"Bandwidth {bandwidth!r} is not valid for a hosted connection; choose one of {', '.join(HOSTED_BANDWIDTHS)}"
        )
    if mbps(bandwidth) > capacity_mbps:
        raise ValidationError(f"Bandwidth {bandwidth} is more than the capacity of {parent}")


def activation_delay(mode: str, factor: float) -> float:
    return ACTIVATION_SECONDS * factor if mode == "realistic" else 0.0
