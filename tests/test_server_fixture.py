"""The test suite's own server fixture (tests/conftest.py): a `dxlab serve` that does not
answer in time is killed with its process group, and the failure shows what it wrote."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ServerProcess


def test_a_server_that_does_not_answer_in_time_is_killed(tmp_path: Path) -> None:
    # No `dxlab serve` answers within a millisecond: the fixture gives up at once.
    server = ServerProcess(f"sqlite:///{tmp_path / 'dxlab.db'}", start_seconds=0.001)
    with pytest.raises(RuntimeError, match=r"did not answer on http://127\.0\.0\.1:\d+ within"):
        server.start()
    assert server.proc is not None and server.proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(server.proc.pid, 0)  # nothing of its process group is left


def test_a_server_that_exits_says_why(tmp_path: Path) -> None:
    for db in (f"sqlite:///{tmp_path / 'dxlab.db'}", "postgresql://127.0.0.1:1/none"):
        server = ServerProcess(db, args=("--no-such-option",))
        with pytest.raises(RuntimeError) as raised:
            server.start()
        assert "dxlab serve exited with 2" in str(raised.value)
        assert "No such option '--no-such-option'" in str(raised.value), raised.value
