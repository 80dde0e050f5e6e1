"""The console's page chrome: navigation, account, styles, and small HTML helpers."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from dxlab.domain import catalog
from dxlab.domain.regions import region_name
from dxlab.domain.shapes import HasLogicalRedundancy
from dxlab.domain.states import (
    BGPStatus,
    ConnectionState,
    DirectConnectGatewayAssociationState,
    DirectConnectGatewayAttachmentState,
    OrderStatus,
    TestStatus,
    VirtualInterfaceState,
)
from dxlab.toolkit.report import CSS as REPORT_CSS

NAV = [
    ("", "Overview"),
    ("connections", "Connections"),
    ("lags", "LAGs"),
    ("interconnects", "Interconnects"),
    ("vifs", "Virtual interfaces"),
    ("gateways", "Gateways"),
    ("resiliency-groups", "Resiliency groups"),
    ("failover", "Failover tests"),
    ("topology", "Topology"),
    ("analysis", "Analysis"),
    ("verify", "Verify"),
    ("wizard", "Connection wizard"),
]
# An inline icon: the browser asks for no /favicon.ico (which is the API's port, not the console's).
FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Crect width='16' height='16' rx='3' fill='%23232f3e'/%3E%3Cpath d='M3 8h10M8 3v10' "
    "stroke='%23ff9900' stroke-width='2.5'/%3E%3C/svg%3E"
)

# Shared by every page's script: escaping, calls to /console/api (the API operations and
# the /_dxlab routes, as any client of the account), and the API's own message shown next
# to the field it names.
COMMON_JS = """
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
async function dx(path, body, method) {
  const r = await fetch('/console/api/' + path, {method: method || 'POST', credentials: 'same-origin',
    headers: {'content-type': 'application/json', 'x-dxlab-console': '1'},
    body: (method || 'POST') === 'GET' ? undefined : JSON.stringify(body || {})});
  const type = r.headers.get('content-type') || '';
  const data = type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw Object.assign(new Error(data.message || data.Message || r.statusText), {code: data.__type || ''});
  return data;
}
const op = (name, body) => dx('op/' + name, body);
function clearErrors(form) { form.querySelectorAll('.field-error').forEach(e => e.remove()); }
function showError(form, e) {
  // The API's message goes next to the field it names first (data-words), else above the form.
  const msg = String(e.message || e), low = msg.toLowerCase();
  let at = null, first = Infinity;
  for (const el of form.querySelectorAll('[data-words]')) {
    if (el.offsetParent === null) continue;
    for (const w of el.dataset.words.split(' ')) {
      const i = low.indexOf(w);
      if (i >= 0 && i < first) { first = i; at = el; }
    }
  }
  const p = document.createElement('p');
  p.className = 'field-error error'; p.setAttribute('role', 'alert'); p.textContent = (e.code ? e.code + ': ' : '') + msg;
  if (at) at.insertAdjacentElement('afterend', p); else form.prepend(p);
}
// Editing a field clears the message shown next to it.
document.addEventListener('input', ev => {
  const next = ev.target.nextElementSibling;
  if (next && next.classList.contains('field-error')) next.remove();
});
// The Region selector of the top bar: choosing a Region shows that Region's resources.
document.getElementById('region')?.addEventListener('change', ev => ev.target.form.requestSubmit());
function confirmThen(text, fn) { return async ev => { ev.preventDefault(); if (window.confirm(text)) await fn(ev); }; }
"""

# A badge's colour: the words of the model's states (and dxlab's statuses) that mean up,
# and those that mean on the way; any other state is shown as a problem.
GOOD: frozenset[str] = frozenset(
    {
        ConnectionState.AVAILABLE,
        DirectConnectGatewayAssociationState.ASSOCIATED,
        BGPStatus.UP,
        TestStatus.COMPLETED,
        OrderStatus.APPROVED,
        HasLogicalRedundancy.YES,
        "ok",
        DirectConnectGatewayAttachmentState.ATTACHED,
    }
)
WAIT: frozenset[str] = frozenset(
    {
        ConnectionState.ORDERING,
        ConnectionState.REQUESTED,
        ConnectionState.PENDING,
        OrderStatus.PENDING_REVIEW,
        DirectConnectGatewayAssociationState.ASSOCIATING,
        VirtualInterfaceState.CONFIRMING,
        VirtualInterfaceState.VERIFYING,
        TestStatus.IN_PROGRESS,
        DirectConnectGatewayAssociationState.UPDATING,
        DirectConnectGatewayAssociationState.DISASSOCIATING,
        DirectConnectGatewayAttachmentState.ATTACHING,
    }
)

CSS = """
*{box-sizing:border-box}[hidden]{display:none !important}
body{margin:0;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
header{background:#232f3e;color:#fff;display:flex;align-items:center;gap:24px;padding:0 20px;height:52px}
header .brand{font-weight:bold;font-size:17px;white-space:nowrap}header .brand span{color:#ff9900}
header form{display:flex;gap:6px;align-items:center;font-size:13px}header form.who{margin-left:auto}
header select{padding:4px 6px;border-radius:4px;border:1px solid #8b99a8;max-width:230px}
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
a.button{display:inline-block;background:#ff9900;color:#111;font-weight:600;padding:7px 16px;border-radius:4px;text-decoration:none}
button.secondary{background:#d9e2ec}button:disabled{opacity:.5;cursor:default}
.muted{color:#627d98;font-size:13px}
.scroll{overflow-x:auto;max-width:100%}form.dx textarea.mono{font-size:12.5px}
form.dx,div.dx{background:#fff;padding:16px 20px;border-radius:8px;display:grid;grid-template-columns:minmax(120px,210px) minmax(0,1fr);
  gap:10px 14px;align-items:center;max-width:720px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:14px}
form.dx select,form.dx input,form.dx textarea,.dx select,.dx input{padding:5px 7px;font-size:14px;border:1px solid #bcccdc;border-radius:4px;
  max-width:100%;min-width:0}
form.dx .wide,.dx .wide,.dx .field-error,form.dx h2{grid-column:1/-1}form.dx h2{margin:0}.dx fieldset{grid-column:1/-1;border:1px solid #d9e2ec}
tr.dx-hop td{background:#fff8e1;font-weight:600}.dx button{justify-self:start}.tag-row .field-error{flex-basis:100%}.field-error{margin:0}.hint{color:#627d98;font-size:12.5px}
.tabs{display:flex;gap:4px;flex-wrap:wrap;margin:10px 0;padding:0;list-style:none;counter-reset:step}
.tabs li{padding:6px 12px;background:#e4e7eb;border-radius:4px;font-size:13px;counter-increment:step}
.tabs li::before{content:counter(step) '. '}.tabs li.on{background:#ff9900;font-weight:600}.tabs a{padding:6px 12px;background:#e4e7eb;border-radius:4px;
  text-decoration:none;color:#102a43}
dl.summary{display:grid;grid-template-columns:minmax(120px,220px) minmax(0,1fr);background:#fff;padding:12px 16px;
  border-radius:8px;gap:6px 12px;max-width:900px;box-shadow:0 1px 3px rgba(0,0,0,.08)}dl.summary dt{font-weight:600;color:#334e68}
dl.summary dd{margin:0;overflow-wrap:anywhere}
.notice{background:#fff8e1;color:#5d4300;padding:10px 14px;border-radius:6px;margin:10px 0;border-left:4px solid #ff9900}
.stand-in{background:#eef2ff;border-left:4px solid #5c6ac4;padding:8px 12px;border-radius:6px;margin:10px 0}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:8px 0}
pre.out{background:#102a43;color:#f0f4f8;padding:10px;border-radius:6px;overflow-x:auto;font-size:12.5px}
@media (max-width:820px){main{padding:14px 10px}header{gap:10px;padding:0 10px}header .brand{font-size:15px}
  header input{width:110px}.dx,dl.summary{grid-template-columns:1fr}}
"""


def badge(state: object) -> str:
    text = str(state or "")
    tone = "good" if text in GOOD else "wait" if text in WAIT else ("none" if not text else "bad")
    return f'<span class="badge {tone}">{escape(text or "—")}</span>'


def code(value: object) -> str:
    return f"<code>{escape(str(value))}</code>" if value not in (None, "") else ""


def table(
    headers: Iterable[str], rows: Iterable[Iterable[str]], empty: str = "Nothing here yet."
) -> str:
    """A table of already-escaped cells."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="empty">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<div class="scroll"><table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def summary(rows: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, already-escaped value)."""
    return (
        '<dl class="summary">'
        + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
        + "</dl>"
    )


# Pages of global resources: the real console shows them whatever the Region.
GLOBAL_SECTIONS = frozenset({"gateways", "resiliency-groups"})


def region_selector(region: str, active: str) -> str:
    """The top bar's Region selector (the catalog's Regions). Choosing one goes to the
    list of the section in view: a resource of one Region has no page in another."""
    section = active.split("/", 1)[0]
    regions = catalog.regions()
    if region not in regions:
        regions = sorted([*regions, region])
    options = "".join(
        f'<option value="{escape(r)}"{" selected" if r == region else ""}>'
        f"{escape(region_name(r))} {escape(r)}</option>"
        for r in regions
    )
    return (
        f'<form method="get" action="/console/{escape(section)}" class="regions">'
        f'<label for="region">Region</label><select id="region" name="region">{options}</select>'
        '<noscript><button class="secondary">Switch</button></noscript></form>'
    )


def region_cell(region: object) -> str:
    """A Region as the console names it: `US West (Oregon) us-west-2`."""
    text = str(region or "")
    return f"{escape(region_name(text))} <code>{escape(text)}</code>" if text else ""


def page(
    title: str,
    body: str,
    account: str,
    strict: bool,
    active: str = "",
    script: str = "",
    region: str = "",
) -> str:
    section = active.split("/", 1)[0]
    links = "".join(
        f'<a href="/console/{slug}" class="{"on" if slug == section else ""}">{escape(label)}</a>'
        for slug, label in NAV
    )
    if strict:
        who = (
            f'<form method="get" action="/console/logout" class="who">account <b>{escape(account)}</b>'
            '<button class="secondary" type="submit">Sign out</button></form>'
        )
    else:
        who = (
            '<form method="get" action="" class="who"><label for="account">account</label> <input id="account" name="account" pattern="[0-9]{12}" '
            f'value="{escape(account)}" title="12-digit account id"><button class="secondary">Switch</button></form>'
        )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · dxlab</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="{FAVICON}">'
        f"<style>{CSS}{REPORT_CSS}</style></head>"
        f'<body><header><div class="brand">dxlab <span>Direct Connect</span></div>{who}'
        f"{region_selector(region, active) if region else ''}</header>"
        f"<nav>{links}</nav><main><h1>{escape(title)}</h1>{body}</main>"
        f"<script>{COMMON_JS}{script}</script></body></html>"
    )


def login_page(message: str, error: bool = True) -> str:
    note = f'<p class="{"error" if error else "muted"}">{escape(message)}</p>' if message else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · dxlab</title>'
        f'<link rel="icon" href="{FAVICON}"><style>{CSS}</style></head><body><header><div class="brand">dxlab <span>Direct Connect</span></div>'
        f"</header><main><h1>Sign in</h1>{note}"
        '<form class="wizard" method="post" action="/console/login">'
        '<label for="ak">Access key ID</label><input id="ak" name="access_key" autocomplete="username" required>'
        '<label for="sk">Secret access key</label><input id="sk" name="secret_key" type="password" '
        'autocomplete="current-password" required><span></span><button type="submit">Sign in</button></form>'
        '<p class="muted">The server runs with <code>--auth strict</code>: use a key registered with '
        "<code>dxlab accounts add</code>.</p></main></body></html>"
    )


def link(kind: str, resource_id: object, region: str = "") -> str:
    """A resource's ID linking to its console page (kind: connections, lags, vifs, ...);
    `region`: the page in that Region (the top bar's choice moves there, as following a
    link to another Region's resource does in the AWS console)."""
    if resource_id in (None, ""):
        return ""
    rid = escape(str(resource_id))
    where = f"?region={escape(region)}" if region else ""
    return f'<a href="/console/{kind}/{rid}{where}"><code>{rid}</code></a>'


def parent_link(parent_id: object, owned: set[str]) -> str:
    """A VIF's connection or LAG: a link when this account owns it; a hosted VIF's
    connection belongs to another account, whose page this one cannot see."""
    if parent_id not in owned:
        return code(parent_id)
    return link("lags" if str(parent_id).startswith("dxlag") else "connections", parent_id)
