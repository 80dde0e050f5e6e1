"""A server process per store kind (SQLite, PostgreSQL), for the tests that must hold on
both: the fuzz loops and the every-operation sweep. A test module that wants it says
`store_server = server_per_store()` and takes `store_server` as a fixture."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.databases import KINDS, database


def server_per_store() -> Callable[..., Any]:
    @pytest.fixture(scope="module", params=KINDS)
    def store_server(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[ServerProcess]:
        with database(request.param, tmp_path_factory.mktemp("store")) as url:
            srv = ServerProcess(url).start()
            yield srv
            srv.stop()
            assert not srv.server_errors(), srv.server_errors()

    return store_server
