"""Connection lifecycle (STYLE 13: durations as data, a clock passed in).

Dedicated: requested -> pending -> available <-> down; deleting -> deleted.
Hosted: ordering -> (customer confirms) pending -> available; ordering -> rejected.
The table of states is dxlab.domain.states.CONNECTION."""

from __future__ import annotations

from dxlab.domain.states import ConnectionState

# Provisioning durations in seconds, as the guide describes a dedicated connection's
# path: LOA within 72 hours of the request, then the partner's cross-connect, then the
# port is brought up. `realistic` mode scales these by a factor.
REALISTIC_STEPS: tuple[tuple[str, float], ...] = (
    ("loa", 72 * 3600.0),
    (ConnectionState.PENDING, 24 * 3600.0),
    (ConnectionState.AVAILABLE, 3600.0),
)


def provisioning_steps(mode: str, factor: float) -> list[tuple[str, float]]:
    """The (step, delay after the previous step) a new dedicated connection goes through."""
    if mode == "instant":
        return [("loa", 0.0), (ConnectionState.PENDING, 0.0), (ConnectionState.AVAILABLE, 0.0)]
    if mode == "manual":
        return [("loa", 0.0)]  # then waits for `dxlab cross-connect`
    return [(step, delay * factor) for step, delay in REALISTIC_STEPS]
