"""The lab's journal: every fault of the lab itself in one place a user reads. A daemon
that died (which, when, and its own last words), a configuration a daemon refused, a
command that failed: each is written to the state directory's `events.jsonl`, which
`dxlab lab status` prints (it reads the machine, so it works with the server stopped),
and to the server's log as it happens."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("dxlab.lab")
FILE = "events.jsonl"
KEEP = 200  # the journal keeps the newest events; older ones are in the server's log


def record(
    state: Path,
    what: str,
    message: str,
    *,
    ns: str = "",
    program: str = "",
    words: str = "",
    when: float | None = None,
) -> dict[str, Any] | None:
    """Write one event (and log it). The same message twice in a row is written once: a
    loop that retries a failing step must not flood the journal."""
    event = {
        "time": round(when or time.time(), 3),
        "what": what,
        "ns": ns,
        "program": program,
        "message": message,
        "words": words,
    }
    last = recent(state, 1)
    if last and (last[0]["what"], last[0]["message"], last[0]["words"]) == (what, message, words):
        return None
    log.warning("lab %s: %s%s", what, message, f" (it said: {words})" if words else "")
    state.mkdir(parents=True, exist_ok=True)
    path = state / FILE
    with path.open("a") as f:
        f.write(json.dumps(event) + "\n")
    if path.stat().st_size > KEEP * 1024:
        lines = path.read_text().splitlines()[-KEEP:]
        path.write_text("\n".join(lines) + "\n")
    return event


def recent(state: Path, n: int = 20) -> list[dict[str, Any]]:
    """The newest `n` events, oldest first."""
    try:
        lines = (state / FILE).read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines[-n:]:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def clock(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f".{int(t * 1000) % 1000:03d}"
