"""The web console: server-rendered pages on the API's port."""

from __future__ import annotations

from typing import Any


async def serve_console(app: Any, scope: dict[str, Any], send: Any, request_id: str) -> None:
    from dxlab.api.app import _respond
    from dxlab.console.pages import render

    status, body = render(app, scope)
    await _respond(send, status, body, "text/html; charset=utf-8", request_id)
