"""`dxlab.testing` as a user's own test suite uses it: the `dxlab` pytest fixture, the
`dxlab_server()` context manager and decorator, and the README's example, run as is."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from dxlab.testing import DxlabServer, dxlab_server

README = Path(__file__).resolve().parent.parent / "README.md"


def names(client: Any) -> list[str]:
    return [c["connectionName"] for c in client.describe_connections()["connections"]]


def test_fixture_gives_a_fresh_server_that_boto3_finds(dxlab: DxlabServer) -> None:
    assert names(dxlab.client) == []
    made_here = boto3.client("directconnect")  # no endpoint, no keys: the environment says
    conn = made_here.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="a")
    assert conn["ownerAccount"] == "123456789012"
    assert names(dxlab.client) == ["a"]
    assert os.environ["AWS_ENDPOINT_URL_DIRECT_CONNECT"] == dxlab.endpoint_url


def test_context_manager_starts_stops_and_restores_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DIRECT_CONNECT", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY00000")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")  # would make boto3 fail
    with dxlab_server(account="210987654321", region="eu-west-1") as server:
        dx = boto3.client("directconnect")
        location = dx.describe_locations()["locations"][0]
        assert location["region"] == "eu-west-1"
        conn = dx.create_connection(
            location=location["locationCode"], bandwidth="1Gbps", connectionName="x"
        )
        assert conn["ownerAccount"] == "210987654321"
        assert conn["region"] == "eu-west-1"
        assert names(server.client) == ["x"]
    assert os.environ["AWS_ENDPOINT_URL_DIRECT_CONNECT"] == "http://127.0.0.1:9"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAUSERSOWNKEY00000"
    assert os.environ["AWS_PROFILE"] == "no-such-profile"
    with pytest.raises(OSError):
        urllib.request.urlopen(server.endpoint_url + "/", timeout=2)


def test_two_servers_are_isolated() -> None:
    with dxlab_server() as first, dxlab_server() as second:
        assert first.endpoint_url != second.endpoint_url
        first.client.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="one")
        second.client.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="two")
        assert names(first.client) == ["one"]
        assert names(second.client) == ["two"]
        # The innermost block owns the environment; leaving it gives the outer one back.
        assert names(boto3.client("directconnect")) == ["two"]
    with dxlab_server() as third:
        assert names(third.client) == []


def test_accounts_on_one_server_are_isolated() -> None:
    with dxlab_server(patch_env=False) as server:
        assert "AWS_ENDPOINT_URL_DIRECT_CONNECT" not in os.environ or (
            os.environ["AWS_ENDPOINT_URL_DIRECT_CONNECT"] != server.endpoint_url
        )
        cid = server.client.create_connection(
            location="EqDC2", bandwidth="1Gbps", connectionName="m"
        )["connectionId"]
        other = server.client_for("210987654321")
        assert names(other) == []
        with pytest.raises(other.exceptions.DirectConnectClientException):
            other.describe_connections(connectionId=cid)


def test_a_server_in_memory_is_its_own_and_keeps_nothing_on_disk(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a SQLite store would be made
    with dxlab_server(store="memory") as one, dxlab_server(store="memory", patch_env=False) as two:
        one.client.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="one")
        assert names(boto3.client("directconnect")) == ["one"]
        assert names(two.client) == []
        assert not list(tmp_path.rglob("*.db"))
    with pytest.raises(ValueError, match="'sqlite' or 'memory'"), dxlab_server(store="redis"):
        pass


@dxlab_server()
def test_decorator_form() -> None:
    assert names(boto3.client("directconnect")) == []


def readme_example() -> str:
    """The python blocks of the README's "In your own tests" section, as one module."""
    section = README.read_text().split("## In your own tests", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"```python\n(.*?)```", section, re.S)
    assert found, "README has no python example under 'In your own tests'"
    return "\n\n".join(found)


def test_readme_example_runs_as_a_users_test_suite(tmp_path: Path) -> None:
    """In a directory of its own, so the `dxlab` fixture comes from the installed plugin."""
    (tmp_path / "test_readme_example.py").write_text(readme_example())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_example.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout  # the three of the first block, the shared server's


def test_a_server_that_cannot_start_is_stopped_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dxlab.server import ThreadedServer

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = ThreadedServer("memory://", port=taken.getsockname()[1])
        closed: list[bool] = []
        real_close = server.dxlab.close
        monkeypatch.setattr(server.dxlab, "close", lambda: (closed.append(True), real_close()))
        with pytest.raises(RuntimeError, match=r"did not start: .*address already in use"):
            server.start()
    assert not server.thread.is_alive() and closed == [True]
