"""The console's page chrome: navigation, account, styles, and small HTML helpers."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from dxlab.toolkit.report import CSS as REPORT_CSS

NAV = [
    ("", "Overview"),
    ("connections", "Connections"),
    ("lags", "LAGs"),
    ("vifs", "Virtual interfaces"),
    ("gateways", "Gateways"),
    ("resiliency-groups", "Resiliency groups"),
    ("failover", "Failover tests"),
    ("topology", "Topology"),
    ("analysis", "Analysis"),
    ("wizard", "Connection wizard"),
]

GOOD = {"available", "associated", "up", "completed", "approved", "yes", "ok", "attached"}
WAIT = {"ordering", "requested", "pending", "pending-review", "associating", "confirming", "verifying",
        "in progress", "updating", "allocated", "disassociating", "attaching"}  # fmt: skip

CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
header{background:#232f3e;color:#fff;display:flex;align-items:center;gap:24px;padding:0 20px;height:52px}
header .brand{font-weight:bold;font-size:17px;white-space:nowrap}header .brand span{color:#ff9900}
header form{margin-left:auto;display:flex;gap:6px;align-items:center;font-size:13px}
header input{width:130px;padding:4px 6px;border-radius:4px;border:1px solid #8b99a8}
header a{color:#fff}
nav{background:#fff;border-bottom:1px solid #d9e2ec;padding:0 12px;display:flex;flex-wrap:wrap}
nav a{padding:12px 12px;color:#334e68;text-decoration:none;font-size:14px;border-bottom:3px solid transparent}
nav a.on{border-bottom-color:#ff9900;color:#102a43;font-weight:600}
main{padding:20px 24px;max-width:1560px}
h1{font-size:22px;margin:0 0 14px}h2{font-size:17px;margin:22px 0 8px}
table.grid{border-collapse:collapse;background:#fff;font-size:13.5px;width:100%;box-shadow:0 1px 2px rgba(0,0,0,.06)}
table.grid th{background:#f0f4f8;text-align:left;font-weight:600;color:#334e68}
table.grid th,table.grid td{border-bottom:1px solid #e4e7eb;padding:7px 10px;vertical-align:top}
code,.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12.5px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.good{background:#e3f9e5;color:#1b5e20}.badge.wait{background:#fff8e1;color:#8d6e00}
.badge.bad{background:#fdecea;color:#b71c1c}.badge.none{background:#eceff1;color:#455a64}
.cards{display:flex;flex-wrap:wrap;gap:14px;margin-bottom:10px}
.card{background:#fff;border-radius:8px;padding:14px 18px;min-width:160px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card .n{font-size:26px;font-weight:bold}.card .l{color:#627d98;font-size:13px}
.card a{text-decoration:none;color:inherit}
.empty{color:#627d98;font-style:italic;background:#fff;padding:14px;border-radius:6px}
.error{background:#fdecea;color:#b71c1c;padding:10px 14px;border-radius:6px;margin:10px 0}
.diagram{background:#fff;border-radius:8px;padding:8px;overflow:auto;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.diagram svg{max-width:100%;height:auto}
form.wizard{background:#fff;padding:16px 20px;border-radius:8px;display:grid;grid-template-columns:170px 320px;
  gap:10px 14px;align-items:center;max-width:560px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
form.wizard select,form.wizard input{padding:5px 7px;font-size:14px;border:1px solid #bcccdc;border-radius:4px}
button{background:#ff9900;border:0;color:#111;font-weight:600;padding:7px 16px;border-radius:4px;cursor:pointer}
button.secondary{background:#d9e2ec}button:disabled{opacity:.5;cursor:default}
.muted{color:#627d98;font-size:13px}
#plan{margin-top:16px}#plan table{max-width:760px}
"""


def badge(state: object) -> str:
    text = str(state or "")
    tone = "good" if text in GOOD else "wait" if text in WAIT else ("none" if not text else "bad")
    return f'<span class="badge {tone}">{escape(text or "—")}</span>'


def code(value: object) -> str:
    return f"<code>{escape(str(value))}</code>" if value not in (None, "") else ""


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], empty: str = "Nothing here yet.") -> str:
    """A table of already-escaped cells."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="empty">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def page(title: str, body: str, account: str, strict: bool, active: str = "", script: str = "") -> str:
    links = "".join(
        f'<a href="/console/{slug}" class="{"on" if slug == active else ""}">{escape(label)}</a>' for slug, label in NAV
    )
    if strict:
        who = f'<form method="get" action="/console/logout">account <b>{escape(account)}</b>' \
              '<button class="secondary" type="submit">Sign out</button></form>'  # fmt: skip
    else:
        who = ('<form method="get" action="">account <input name="account" pattern="[0-9]{12}" '
               f'value="{escape(account)}" title="12-digit account id"><button class="secondary">Switch</button></form>')  # fmt: skip
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · dxlab</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}{REPORT_CSS}</style></head>'
            f'<body><header><div class="brand">dxlab <span>Direct Connect</span></div>{who}</header>'
            f"<nav>{links}</nav><main><h1>{escape(title)}</h1>{body}</main>"
            f'{f"<script>{script}</script>" if script else ""}</body></html>')  # fmt: skip


def login_page(message: str, error: bool = True) -> str:
    note = f'<p class="{"error" if error else "muted"}">{escape(message)}</p>' if message else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · dxlab</title>'
            f"<style>{CSS}</style></head><body><header><div class=\"brand\">dxlab <span>Direct Connect</span></div>"
            f"</header><main><h1>Sign in</h1>{note}"
            '<form class="wizard" method="post" action="/console/login">'
            '<label for="ak">Access key ID</label><input id="ak" name="access_key" autocomplete="username" required>'
            '<label for="sk">Secret access key</label><input id="sk" name="secret_key" type="password" '
            'autocomplete="current-password" required><span></span><button type="submit">Sign in</button></form>'
            '<p class="muted">The server runs with <code>--auth strict</code>: use a key registered with '
            "<code>dxlab accounts add</code>.</p></main></body></html>")  # fmt: skip
