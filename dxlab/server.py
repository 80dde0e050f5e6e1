"""Runs the ASGI app on uvicorn (httptools + uvloop when installed): in the foreground,
or in a thread for `dxlab.testing`."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from dxlab.bootstrap import Dxlab, bootstrap
from dxlab.service.context import Settings
from dxlab.web.app import DxlabApp


def uvicorn_config(
    app: DxlabApp, host: str, port: int, log_level: str = "warning"
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_http_protocol(),
        log_level=log_level,
        lifespan="on",
        access_log=False,
        timeout_keep_alive=30,
        # dxlab reads no client address: uvicorn's X-Forwarded-For middleware would only
        # look through every request's headers for nothing.
        proxy_headers=False,
    )


def _http_protocol() -> Any:
    """dxlab's HTTP protocol (dxlab.web.http) when httptools is installed; uvicorn's
    choice otherwise."""
    try:
        from dxlab.web.http import DxlabHttpProtocol
    except ImportError:
        return "auto"
    return DxlabHttpProtocol


def serve(dx: Dxlab, host: str, port: int) -> None:
    """Foreground server; uvicorn handles SIGINT/SIGTERM and shuts down cleanly, then the
    lab (if any) is removed and the store closed."""
    try:
        uvicorn.Server(uvicorn_config(dx.app, host, port, "info")).run()
    finally:
        dx.close(teardown=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadedServer:
    """An in-process server on a free port (the `dxlab.testing` fixture uses it)."""

    def __init__(self, db: str, settings: Settings | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dxlab = bootstrap(db, settings or Settings())
        self.app = self.dxlab.app
        self.server = uvicorn.Server(uvicorn_config(self.app, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.failure: BaseException | None = None  # why the server's thread ended early

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        try:
            self.server.run()
        except SystemExit as exc:  # uvicorn exits when it cannot bind; the cause is kept
            self.failure = exc.__context__ or exc

    def start(self, timeout: float = 60.0) -> ThreadedServer:
        """Serves from a thread; on a machine other work shares, starting can take a while.
        A server that does not start is stopped (its thread, its store) before the error."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                why = (
                    f"not within {timeout} s"
                    if self.thread.is_alive()
                    else f"{self.failure or 'its thread ended'}"
                )
                self.stop()
                raise RuntimeError(f"dxlab server on {self.endpoint} did not start: {why}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.dxlab.close()
