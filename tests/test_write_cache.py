"""SQLite's write cache (store/write_cache.py) answers as the database does: after every
kind of write, a rolled-back transaction, a failed job of a batch, `wipe`, and another
connection's commit. Each step compares what a write transaction reads (through the cache)
with what a read transaction reads (from SQLite itself)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from dxlab.store import Record
from dxlab.store.sqlite import SqliteStore
from dxlab.store.write_cache import WriteCache

SCOPES = ("port:D1", "port:D2", "vlan:dxcon-x")
ACCOUNTS = ("111111111111", "222222222222")
LOCATIONS = ("EqDC2", "CSVA1")
KINDS = ("connection", "interconnect")
QUESTIONS = [(KINDS, a, "location", loc) for a in ACCOUNTS for loc in LOCATIONS]


class Undone(Exception):
    pass


def seen(uow: Any) -> tuple[Any, ...]:
    """Everything the cache answers, in a comparable form."""
    claims = {s: uow.claimed(s) for s in SCOPES}
    counts = uow.claim_counts(list(SCOPES))
    found = {
        q[1:]: sorted((d["id"], d["location"], d["n"]) for d in uow.docs_with(*q))
        for q in QUESTIONS
    }
    return claims, counts, found


def _holding(found: dict[Any, dict[Any, Any]]) -> dict[Any, set[Any]]:
    held: dict[Any, set[Any]] = {}
    for question, docs in found.items():
        for row in docs:
            held.setdefault(row, set()).add(question)
    return held


def record(rng: random.Random) -> Record:
    rid = f"dxcon-{rng.randrange(6)}"
    doc = {"id": rid, "location": rng.choice(LOCATIONS), "n": rng.randrange(100)}
    return Record(rng.choice(KINDS), rid, rng.choice(ACCOUNTS), doc, {}, created=1.0)


def change(uow: Any, rng: random.Random) -> None:
    """One write of any kind the cache follows."""
    what = rng.randrange(6)
    scope, value, owner = rng.choice(SCOPES), str(rng.randrange(4)), f"o{rng.randrange(3)}"
    if what == 0:
        uow.claim(scope, value, owner)
    elif what == 1:
        uow.release(scope, value)
    elif what == 2:
        uow.release_owner(owner)
    elif what == 3:
        rec = record(rng)
        uow.put(rec)
        rec.doc["n"] = -1  # changed after it was written: not what the store holds
    elif what == 4:
        uow.delete(rng.choice(KINDS), f"dxcon-{rng.randrange(6)}")
    else:
        seen(uow)  # reads fill the cache in the middle of a transaction


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("small", [False, True], ids=["", "small"])
def test_the_write_cache_answers_as_the_database_does(
    tmp_path: Path, seed: int, small: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if small:  # its bounds reached at every step
        for name, bound in (("MAX_SCOPES", 1), ("MAX_QUESTIONS", 2), ("MAX_DOCS", 3)):
            monkeypatch.setattr(WriteCache, name, bound)
        monkeypatch.setattr(WriteCache, "MAX_ANSWER", 2)
    rng = random.Random(seed)
    store = SqliteStore(str(tmp_path / "dx.db"))
    other = SqliteStore(str(tmp_path / "dx.db"))  # another process, as SQLite sees it
    try:
        for _ in range(150):
            step = rng.randrange(10)
            if step < 5:
                with store.write() as uow:
                    for _ in range(rng.randrange(1, 4)):
                        change(uow, rng)
            elif step == 5:  # rolled back whole
                with pytest.raises(Undone), store.write() as uow:
                    seen(uow)
                    change(uow, rng)
                    change(uow, rng)
                    raise Undone
            elif step == 6:  # a batch: the failed job alone is undone

                def fails(uow: Any) -> None:
                    change(uow, rng)
                    raise Undone

                jobs = [lambda u: change(u, rng), fails, lambda u: change(u, rng)]
                store.write_batch(jobs)
            elif step == 7:
                with other.write() as uow:
                    change(uow, rng)
            elif step == 8 and rng.random() < 0.2:
                with store.write() as uow:
                    uow.wipe()
            with store.write() as uow:
                cached = seen(uow)
            with store.read() as uow:
                assert cached == seen(uow)
            kept = store._kept  # its memory stays within its bounds, and its indexes exact
            assert kept.docs == sum(len(a) for a in kept.found.values()) <= WriteCache.MAX_DOCS
            assert len(kept.found) <= WriteCache.MAX_QUESTIONS
            assert kept._holding == _holding(kept.found)
            assert {q for qs in kept._asked.values() for q in qs} == set(kept.found)
    finally:
        other.close()
        store.close()


def test_a_claim_held_in_the_cache_is_refused_to_another_owner(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "dx.db"))
    try:
        with store.write() as uow:
            assert uow.claim("port:D1", "1", "dxcon-a")
            assert uow.claimed("port:D1") == {"1": "dxcon-a"}
        with store.write() as uow:
            assert not uow.claim("port:D1", "1", "dxcon-b")
            assert uow.claim("port:D1", "1", "dxcon-a")  # its own claim, again
            uow.claimed("port:D1")["2"] = "changed by the caller"
            assert uow.claimed("port:D1") == {"1": "dxcon-a"}
    finally:
        store.close()


def test_a_write_on_the_connection_outside_a_write_transaction_is_seen() -> None:
    # An in-memory database reads on its write connection: a change made there (which
    # SQLite's data_version does not report to the same connection) empties the cache.
    store = SqliteStore(":memory:")
    try:
        with store.write() as uow:
            assert uow.claimed("port:D1") == {}
            assert uow.docs_with(KINDS, ACCOUNTS[0], "location", "EqDC2") == []
        with store.read() as uow:
            uow.claim("port:D1", "1", "dxcon-a")
            uow.put(Record("connection", "dxcon-a", ACCOUNTS[0], {"location": "EqDC2"}))
        with store.write() as uow:  # a write that reads nothing does not vouch for it
            uow.put(Record("lag", "dxlag-1", ACCOUNTS[1], {"location": "CSVA1"}))
        with store.write() as uow:
            assert uow.claimed("port:D1") == {"1": "dxcon-a"}
            assert uow.docs_with(KINDS, ACCOUNTS[0], "location", "EqDC2") == [{"location": "EqDC2"}]
    finally:
        store.close()
