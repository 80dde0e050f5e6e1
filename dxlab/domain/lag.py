"""Link aggregation group rules (lags.md, create-lag.md, update-lag.md; limits.md).

Pure: the service layer passes in the members' states and counts."""

from __future__ import annotations

from collections.abc import Sequence

from dxlab.domain import quotas
from dxlab.domain.errors import LimitExceeded, ValidationError
from dxlab.domain.speeds import mbps
from dxlab.domain.states import ConnectionState, LagState

# Member states that still count as provisioning (not yet operational, not failed).
_PROVISIONING = frozenset(
    {ConnectionState.ORDERING, ConnectionState.REQUESTED, ConnectionState.PENDING}
)


def member_limit(bandwidth: str) -> int:
    """limits.md: 4 connections below 100G, 2 at 100G and above."""
    return quotas.lag_connection_limit(mbps(bandwidth))


def check_member_count(count: int, bandwidth: str) -> None:
    if count < 1:
        raise ValidationError(f"numberOfConnections must be at least 1, not {count}")
    limit = member_limit(bandwidth)
    if count > limit:
        raise LimitExceeded(
            f"A LAG of {bandwidth} connections can have at most {limit} connections; {count} were requested"
        )


def check_minimum_links(minimum_links: int, member_count: int) -> None:
    """update-lag.md: the threshold of operational connections, at most the LAG's size."""
    if minimum_links < 0:
        raise ValidationError(f"minimumLinks must be 0 or more, not {minimum_links}")
    if minimum_links > member_count:
        raise ValidationError(
            f"minimumLinks {minimum_links} is more than the {member_count} connection(s) of the LAG"
        )


def lag_state(member_states: Sequence[str], minimum_links: int) -> LagState:
    """The LAG's state follows its connections (lags.md): it is operational while at
    least minimumLinks of them (and at least one) are available."""
    if not member_states:
        return LagState.DOWN  # disassociate-connection-from-lag: an empty LAG has no physical link
    available = sum(1 for s in member_states if s == ConnectionState.AVAILABLE)
    if available >= max(minimum_links, 1):
        return LagState.AVAILABLE
    if all(s == ConnectionState.REQUESTED for s in member_states):
        # The real service's describe-lags and update-lag captures: a LAG whose
        # connections are all `requested` (no cross-connect yet) is `down`.
        return LagState.DOWN
    if any(s in _PROVISIONING for s in member_states):
        return LagState.PENDING
    return LagState.DOWN


def leaves_too_few(member_count: int, minimum_links: int) -> bool:
    """associate/disassociate-connection-from-lag.md: a connection may not leave when the
    LAG would fall below minimumLinks, except the last one (the LAG is then left empty;
    DisassociateConnectionFromLag in the model)."""
    remaining = member_count - 1
    return 0 < remaining < minimum_links


ENCRYPTION_MODES = ("should_encrypt", "must_encrypt", "no_encrypt")


def check_encryption_mode(mode: str) -> None:
    # update-lag.md: should_encrypt, must_encrypt, no_encrypt.
    if mode not in ENCRYPTION_MODES:
        raise ValidationError(
            f"Encryption mode {mode!r} is not valid; use should_encrypt, must_encrypt or no_encrypt"
        )
