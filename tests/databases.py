"""The databases a test runs dxlab on: a SQLite file in the test's tmp dir, or a fresh
PostgreSQL schema in the cluster DXLAB_TEST_PG points to.

`make test` always sets DXLAB_TEST_PG (scripts/start-postgres.sh), so a missing server is
a failure with its reason, never a skip."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest


def pg_admin_url() -> str:
    url = os.environ.get("DXLAB_TEST_PG", "").strip()
    if not url:
        pytest.fail(
            "DXLAB_TEST_PG is not set: the PostgreSQL half of these tests needs a server."
            ' Run `make test`, or `export DXLAB_TEST_PG="$(bash scripts/start-postgres.sh)"`.',
            pytrace=False,
        )
    return url


@contextlib.contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A dxlab store URL whose tables land in a new, empty schema; dropped afterwards."""
    base = pg_admin_url()
    schema = f"dxlab_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')  # type: ignore[arg-type]  # our own name
    except psycopg.OperationalError as exc:
        pytest.fail(f"cannot reach PostgreSQL at DXLAB_TEST_PG={base}: {exc}", pytrace=False)
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]


KINDS = ["sqlite", "postgresql"]


@contextlib.contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A store URL of this kind, empty; `@pytest.fixture(params=KINDS)` runs a test on both."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'dxlab-store.db'}"
    else:
        with fresh_pg_schema() as url:
            yield url
