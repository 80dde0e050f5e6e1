"""dxlab for your own test suites: the habit moto users have, with a real server behind it.

    from dxlab.testing import dxlab_server

    with dxlab_server() as dx:
        dx.client.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="a")
        print(dx.endpoint_url)

or, with pytest (the plugin is registered when dxlab is installed):

    def test_order(dxlab):
        dxlab.client.create_connection(...)

Each server has its own store (a temporary SQLite file) and listens on a free port of
127.0.0.1; it stops when the block or the test ends.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from dxlab.server import ThreadedServer
from dxlab.service.context import Settings

__all__ = ["DxlabServer", "dxlab_server", "dxlab"]


@dataclass
class DxlabServer:
    endpoint_url: str
    client: Any
    region: str

    def client_for(self, account: str) -> Any:
        """A client acting as another account (a 12-digit access key selects it)."""
        return boto3.client(
            "directconnect",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=account,
            aws_secret_access_key="dxlab",
        )


@contextlib.contextmanager
def dxlab_server(
    region: str = "us-east-1", account: str = "123456789012", provisioning: str = "instant"
) -> Iterator[DxlabServer]:
    with tempfile.TemporaryDirectory(prefix="dxlab-") as tmp:
        db = f"sqlite:///{Path(tmp) / 'dxlab.db'}"
        server = ThreadedServer(db, Settings(region=region, provisioning=provisioning)).start()
        try:
            handle = DxlabServer(server.endpoint, None, region)
            handle.client = handle.client_for(account)
            yield handle
        finally:
            server.stop()


@pytest.fixture
def dxlab() -> Iterator[DxlabServer]:
    """A fresh dxlab server for one test, with a ready boto3 Direct Connect client."""
    with dxlab_server() as handle:
        yield handle
