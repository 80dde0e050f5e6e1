"""The bench's HTTP side: raw awsJson1.1 requests built once, a small asyncio client that
sends them over keep-alive connections and times each answer, and the server processes.

Kept apart from bench/api.py (the phases and the report) so each reads in one sitting."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from dxlab.server import free_port

ROOT = Path(__file__).resolve().parent.parent
TARGET = "OvertureService"
DATE = "20260101"
# dxlab's permissive mode checks the header's form, not the signature (web/aws/auth.py).
SIGNATURE = "0" * 64


# -- raw requests ------------------------------------------------------------------------
def raw_request(port: int, op: str, body: dict[str, Any], account: str) -> bytes:
    payload = orjson.dumps(body)
    head = (
        "POST / HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        f"X-Amz-Target: {TARGET}.{op}\r\n"
        f"X-Amz-Date: {DATE}T000000Z\r\n"
        f"X-Moto-Account-Id: {account}\r\n"
        f"Authorization: AWS4-HMAC-SHA256 Credential={account}/{DATE}/us-east-1/directconnect/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,"
        f" Signature={SIGNATURE}\r\n"
        f"Content-Length: {len(payload)}\r\n"
        "\r\n"
    )
    return head.encode() + payload


# asyncio's default 64 KiB buffer would pause the socket ~80 times per 5 MB answer.
READ_LIMIT = 16 * 1024 * 1024


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    close = headers.get("connection", "").lower() == "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            parts.append(chunk[:-2])
        body = b"".join(parts)
    else:
        body, close = await reader.read(), True
    return status, body, close


async def send_all(
    port: int,
    requests: Sequence[bytes],
    concurrency: int,
    seconds: float,
    keep_bodies: bool = False,
) -> list[Reply]:
    """Sends `requests` in order over `concurrency` keep-alive connections; stops early
    when `seconds` have passed. Returns one Reply per request sent, in request order."""
    replies: list[Reply | None] = [None] * len(requests)
    next_index = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=READ_LIMIT)
        try:
            while next_index < len(requests) and time.perf_counter() < deadline:
                i = next_index
                next_index += 1
                start = time.perf_counter()
                writer.write(requests[i])
                status, body, close = await _read_reply(reader)
                replies[i] = Reply(
                    status,
                    body if keep_bodies or status != 200 else b"",
                    time.perf_counter() - start,
                )
                if close:  # the server ended keep-alive: open a new connection
                    writer.close()
                    reader, writer = await asyncio.open_connection(
                        "127.0.0.1", port, limit=READ_LIMIT
                    )
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return [r for r in replies if r is not None]


def run(
    port: int, requests: Sequence[bytes], concurrency: int, seconds: float, keep: bool = False
) -> list[Reply]:
    return asyncio.run(send_all(port, requests, concurrency, seconds, keep))


# -- servers -----------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    argv: list[str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    cwd: Path = ROOT  # another checkout's: `python -m` imports from the working directory

    def start(self) -> Server:
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=self.cwd)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}; see {self.log}"
                )
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=0.5).read()
                return self
            except OSError as exc:  # a 404 from moto's root still means it is up
                if getattr(exc, "code", None):
                    return self
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def floor_server(tmp: Path) -> Server:
    """The floor: a bare uvicorn app answering a constant body (bench/floor.py), with
    uvicorn's own HTTP protocol (httptools) on uvloop."""
    argv = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--port", "{port}"]
    argv += ["--http", "httptools", "--loop", "uvloop", "--log-level", "warning"]
    return Server("floor", [*argv, "--no-access-log"], tmp / "floor.log")


def raw_floor_server(tmp: Path) -> Server:
    """Below the floor: httptools and uvloop with no ASGI server (bench/floor.py's RawFloor)."""
    argv = [sys.executable, "-m", "bench.floor", "--port", "{port}"]
    return Server("raw floor", argv, tmp / "raw-floor.log")
