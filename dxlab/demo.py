"""`make demo`: step 2 of maximum_resiliency.md against a real dxlab server.

Starts `dxlab serve` with a fresh store, orders the four dedicated connections of the
maximum resiliency model (two locations, two devices each) through boto3, prints where
each landed, and stops the server."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from rich.console import Console
from rich.table import Table

from dxlab.client import api, ext
from dxlab.server import free_port

# Wide enough for ID columns when the output is a pipe or a CI log, not a terminal.
console = Console(width=None if sys.stdout.isatty() else 160)

LOCATIONS = ("EqDC2", "CSVA1")
BANDWIDTH = "10Gbps"


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "dxlab.cli", "serve", "--port", str(port), "--db", db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the dxlab server did not start")


def main() -> None:
    port = 4599 if _port_free(4599) else free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="dxlab-demo-") as tmp:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "123456789012")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "dxlab-demo")
        proc = start_server(f"sqlite:///{Path(tmp) / 'dxlab.db'}", port)
        try:
            run(endpoint)
        finally:
            proc.terminate()
            proc.wait(10)
    console.print("server stopped.")


def run(endpoint: str) -> None:
    dx = api(endpoint)
    console.rule(f"dxlab on {endpoint}: maximum resiliency, step 2 (order connections)")
    for loc in dx.describe_locations()["locations"]:
        if loc["locationCode"] in LOCATIONS:
            console.print(f"  {loc['locationCode']}: {loc['locationName']} ports {', '.join(loc['availablePortSpeeds'])}")
    ordered = []
    for location in LOCATIONS:
        for n in (1, 2):
            conn = dx.create_connection(
                location=location,
                bandwidth=BANDWIDTH,
                connectionName=f"max-res-{location}-{n}",
                tags=[{"key": "model", "value": "maximum-resiliency"}],
            )
            console.print(f"  CreateConnection {location} #{n} -> {conn['connectionId']} ({conn['connectionState']})")
            ordered.append(conn["connectionId"])
    table = Table("Connection", "Name", "Location", "Sub-location", "Device", "Port", "Bandwidth", "State")
    for conn in dx.describe_connections()["connections"]:
        where = ext(endpoint, "GET", f"/connections/{conn['connectionId']}/placement")
        table.add_row(
            conn["connectionId"], conn["connectionName"], conn["location"], str(where["subLocation"]),
            conn["awsDeviceV2"], str(where["port"]), conn["bandwidth"], conn["connectionState"],
        )  # fmt: skip
    console.print(table)
    devices = {c["awsDevice"] for c in dx.describe_connections()["connections"]}
    console.print(f"4 connections on {len(devices)} distinct AWS devices in {len(LOCATIONS)} locations.")
    try:
        dx.create_connection(location="EqDC2", bandwidth="7Gbps", connectionName="typo")
    except dx.exceptions.DirectConnectClientException as exc:
        console.print(f"A bad order is refused as AWS refuses it: [yellow]{exc}[/yellow]")
    from dxlab.demo_vifs import step3

    step3(dx, ordered, console)


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


if __name__ == "__main__":
    main()
