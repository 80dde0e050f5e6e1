"""The transition tables of dxlab.domain.states, without a server: every allowed
transition is written, every other one raises IllegalTransition."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain import states
from dxlab.domain.states import (
    CONNECTION,
    FAILOVER_TEST,
    LIFECYCLES,
    VIF,
    ConnectionState,
    IllegalTransition,
    Lifecycle,
    TestStatus,
    VirtualInterfaceState,
    set_state,
)

IDS = [f"{lc.name}:{lc.field}" for lc in LIFECYCLES]


def _doc(lc: Lifecycle[Any], state: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {lc.id_field: "x-1"}
    if state is not None:
        doc[lc.field] = state
    return doc


@pytest.mark.parametrize("lc", LIFECYCLES, ids=IDS)
def test_every_state_of_the_enum_has_a_row(lc: Lifecycle[Any]) -> None:
    assert set(lc.transitions) == set(lc.states)
    assert lc.initial and lc.initial <= set(lc.states)
    for targets in lc.transitions.values():
        assert targets <= set(lc.states)


@pytest.mark.parametrize("lc", LIFECYCLES, ids=IDS)
def test_every_allowed_transition_is_written(lc: Lifecycle[Any]) -> None:
    for current, targets in lc.transitions.items():
        for new in targets:
            doc = _doc(lc, current.value)
            set_state(doc, lc, new)
            assert doc[lc.field] == new and type(doc[lc.field]) is str
    for new in lc.initial:
        doc = _doc(lc, None)
        set_state(doc, lc, new)
        assert doc[lc.field] == new


@pytest.mark.parametrize("lc", LIFECYCLES, ids=IDS)
def test_every_other_transition_raises_and_changes_nothing(lc: Lifecycle[Any]) -> None:
    for current, targets in lc.transitions.items():
        for new in set(lc.states) - targets - {current}:
            doc = _doc(lc, current.value)
            with pytest.raises(IllegalTransition, match=f"{current.value!r} cannot become {new.value!r}"):
                set_state(doc, lc, new)
            assert doc[lc.field] == current.value
    for new in set(lc.states) - lc.initial:
        with pytest.raises(IllegalTransition):
            set_state(_doc(lc, None), lc, new)


@pytest.mark.parametrize("lc", LIFECYCLES, ids=IDS)
def test_writing_the_same_state_again_is_allowed(lc: Lifecycle[Any]) -> None:
    for state in lc.states:
        doc = _doc(lc, state.value)
        set_state(doc, lc, state)
        assert doc[lc.field] == state


def test_a_state_outside_the_model_cannot_move() -> None:
    with pytest.raises(IllegalTransition, match="'bogus' cannot become 'available'"):
        set_state({"connectionState": "bogus"}, CONNECTION, ConnectionState.AVAILABLE)


def test_the_guide_paths() -> None:
    """A dedicated connection, a hosted one refused, a public VIF, a failover test."""
    conn: dict[str, Any] = {}
    for s in ("requested", "pending", "available", "down", "available", "deleted"):
        set_state(conn, CONNECTION, ConnectionState(s))
    hosted: dict[str, Any] = {}
    set_state(hosted, CONNECTION, ConnectionState.ORDERING)
    set_state(hosted, CONNECTION, ConnectionState.REJECTED)
    with pytest.raises(IllegalTransition):
        set_state(hosted, CONNECTION, ConnectionState.AVAILABLE)
    vif: dict[str, Any] = {}
    for s in ("verifying", "pending", "available", "testing", "available", "deleting", "deleted"):
        set_state(vif, VIF, VirtualInterfaceState(s))
    with pytest.raises(IllegalTransition, match="virtual interface"):
        set_state(vif, VIF, VirtualInterfaceState.AVAILABLE)
    test: dict[str, Any] = {}
    set_state(test, FAILOVER_TEST, TestStatus.IN_PROGRESS)
    set_state(test, FAILOVER_TEST, TestStatus.CANCELLED)
    with pytest.raises(IllegalTransition):
        set_state(test, FAILOVER_TEST, TestStatus.COMPLETED)


def test_an_illegal_transition_is_not_a_client_error() -> None:
    """It is a bug: it answers as an internal error, never as a DirectConnectClientException."""
    from dxlab.domain.errors import DxlabError

    assert not issubclass(IllegalTransition, DxlabError)


def test_live_and_gone_states() -> None:
    assert VIF.live == set(VirtualInterfaceState) - {"deleted", "rejected"}
    assert CONNECTION.live == {"ordering", "requested", "pending", "available", "down"}
    assert states.VIF_PROVISIONED == {"available", "down", "testing"}
    for lc in LIFECYCLES:
        assert lc.live <= set(lc.states) and lc.gone <= set(lc.states)


@pytest.mark.parametrize(
    ("vif_state", "attachment"),
    [("confirming", "attaching"), ("pending", "attaching"), ("available", "attached"),
     ("testing", "attached"), ("deleting", "detaching"), ("rejected", "detached"),
     ("unknown", "attaching")],
)  # fmt: skip
def test_an_attachment_follows_its_vif(vif_state: str, attachment: str) -> None:
    assert states.attachment_state(vif_state) == attachment
