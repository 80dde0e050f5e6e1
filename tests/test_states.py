"""The transition tables of dxlab.domain.states, without a server: every allowed
transition is written, every other one raises IllegalTransition."""

from __future__ import annotations

import ast
import json
from pathlib import Path
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
            with pytest.raises(
                IllegalTransition, match=f"{current.value!r} cannot become {new.value!r}"
            ):
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


def test_a_stored_plain_string_is_its_enum() -> None:
    """The store gives states back as plain strings: sets, tables and lookups of enums
    must treat them as the members they spell."""
    stored = json.loads(json.dumps({"s": ConnectionState.PENDING}))["s"]
    assert type(stored) is str and stored == ConnectionState.PENDING
    assert stored in CONNECTION.live and hash(stored) == hash(ConnectionState.PENDING)
    assert CONNECTION.transitions[stored] == {"available", "deleted"}
    assert f"{VirtualInterfaceState.TESTING}" == "testing"  # messages show the word


def test_live_and_gone_states() -> None:
    assert VIF.live == set(VirtualInterfaceState) - {"deleted", "rejected"}
    assert CONNECTION.live == {"ordering", "requested", "pending", "available", "down"}
    assert states.VIF_PROVISIONED == {"available", "down", "testing"}
    for lc in LIFECYCLES:
        assert lc.live <= set(lc.states) and lc.gone <= set(lc.states)


@pytest.mark.parametrize(
    ("vif_state", "attachment"),
    [
        ("confirming", "attaching"),
        ("pending", "attaching"),
        ("available", "attached"),
        ("testing", "attached"),
        ("deleting", "detaching"),
        ("rejected", "detached"),
        ("unknown", "attaching"),
    ],
)
def test_an_attachment_follows_its_vif(vif_state: str, attachment: str) -> None:
    assert states.attachment_state(vif_state) == attachment


def _state_writes_outside_set_state() -> list[str]:
    """Every `doc["<state field>"] = ...` and every `{"<state field>": "<literal>"}` in
    dxlab/ outside domain/states.py: a state written past its table."""
    fields = {lc.field for lc in LIFECYCLES}
    values = {str(s) for lc in LIFECYCLES for s in lc.states}  # what a state field may hold
    root = Path(states.__file__).resolve().parent.parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ("states.py", "shapes.py") and path.parent.name == "domain":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(root.parent)}:{getattr(node, 'lineno', 0)}"
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign | ast.AugAssign):
                targets = [node.target]
            for target in targets:
                key = target.slice if isinstance(target, ast.Subscript) else None
                if isinstance(key, ast.Constant) and key.value in fields:
                    found.append(f"{where}: {key.value} assigned")
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(k, ast.Constant)
                        and k.value in fields
                        and isinstance(v, ast.Constant)
                        and v.value in values
                    ):
                        found.append(f"{where}: {k.value}={v.value!r} in a literal")
            if isinstance(node, ast.Call):  # dict(key, state="...") and doc.update(state="...")
                found += [
                    f"{where}: {kw.arg}={kw.value.value!r} keyword"
                    for kw in node.keywords
                    if kw.arg in fields and isinstance(kw.value, ast.Constant)
                ]
    return found


def _state_literals_compared() -> list[str]:
    """Every comparison of a state field (`doc["<state field>"]`, `doc.get("<state
    field>")`) with a string literal that spells a state, in dxlab/ outside domain/: the
    enum member or the table's live/gone set says it without a typo waiting."""
    fields = {lc.field for lc in LIFECYCLES}
    values = {str(s) for lc in LIFECYCLES for s in lc.states}
    root = Path(states.__file__).resolve().parent.parent

    def reads_a_state(node: ast.expr) -> bool:
        if isinstance(node, ast.Subscript):
            key = node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            key = node.args[0]
        else:
            return False
        return isinstance(key, ast.Constant) and key.value in fields

    def literals(node: ast.expr) -> list[str]:
        items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
        return [i.value for i in items if isinstance(i, ast.Constant) and i.value in values]

    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ("states.py", "shapes.py", "statuses.py") and path.parent.name == "domain":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            if any(reads_a_state(side) for side in sides):
                spelled = [v for side in sides for v in literals(side)]
                if spelled:
                    where = f"{path.relative_to(root.parent)}:{node.lineno}"
                    found.append(f"{where}: compared with {spelled}")
    return found


def test_no_state_is_compared_with_a_literal() -> None:
    assert _state_literals_compared() == []


def test_no_state_is_written_past_its_table() -> None:
    """Issue 9: every state write goes through set_state; a literal is a typo waiting."""
    assert _state_writes_outside_set_state() == []


def test_the_scan_finds_a_state_written_directly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: a module that writes a state by hand is found."""
    package = tmp_path / "dxlab"
    (package / "domain").mkdir(parents=True)
    (package / "domain" / "states.py").write_text("")
    (package / "service.py").write_text(
        'def f(doc):\n    doc["connectionState"] = "available"\n    doc.update(state="x")\n'
        '    return {"lagState": "down"}\n'
    )
    (package / "reader.py").write_text(
        'def g(doc):\n    return doc["lagState"] == "down" or doc.get("state") in ("available",)\n'
    )
    monkeypatch.setattr(states, "__file__", str(package / "domain" / "states.py"))
    assert _state_literals_compared() == [
        "dxlab/reader.py:2: compared with ['down']",
        "dxlab/reader.py:2: compared with ['available']",
    ]
    assert _state_writes_outside_set_state() == [
        "dxlab/service.py:2: connectionState assigned",
        "dxlab/service.py:3: state='x' keyword",
        "dxlab/service.py:4: lagState='down' in a literal",
    ]
