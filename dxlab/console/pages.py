"""Console pages (server-rendered HTML)."""

from __future__ import annotations

import html
from typing import Any

from dxlab.service.console_view import inventory


def render(app: Any, scope: dict[str, Any]) -> tuple[int, bytes]:
    with app.store.read() as uow:
        rows = inventory(uow)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>dxlab console</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px}}</style></head><body>
<h1>dxlab — Direct Connect</h1><h2>Connections</h2>
<table><tr><th>ID</th><th>Name</th><th>Location</th><th>Device</th><th>Bandwidth</th><th>State</th><th>Account</th></tr>
{cells}</table></body></html>"""
    return 200, page.encode()
