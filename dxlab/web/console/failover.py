"""Step 4 of maximum_resiliency.md in the console: start and stop the BGP failover test
on a VIF (the API's StartBgpFailoverTest / StopBgpFailoverTest, as the AWS console's
"Bring down BGP" does), the test history with each test's verdict, and the failures
injected with `dxlab fail`, with theirs."""

from __future__ import annotations

from html import escape
from typing import Any

from dxlab.domain.errors import DxlabError
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import badge, code, table
from dxlab.web.console.pages import Page, when

REPORTS_SHOWN = 50  # the latest tests and failures get their verdict computed

SCRIPT = """
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
async function op(name, body) {
  const out = document.getElementById('result');
  const r = await fetch('/console/api/op/' + name, {method: 'POST', credentials: 'same-origin',
    headers: {'content-type': 'application/json', 'x-dxlab-console': '1'}, body: JSON.stringify(body)});
  const data = await r.json();
  if (!r.ok) { out.innerHTML = `<p class="error">${esc(data.message)}</p>`; return; }
  location.reload();
}
document.querySelectorAll('button[data-start]').forEach(b => b.addEventListener('click', () =>
  op('StartBgpFailoverTest', {virtualInterfaceId: b.dataset.start,
     testDurationInMinutes: Number(document.getElementById('minutes').value || 180)})));
document.querySelectorAll('button[data-stop]').forEach(b => b.addEventListener('click', () =>
  op('StopBgpFailoverTest', {virtualInterfaceId: b.dataset.stop})));
"""


def _verdict(b: Backend, path: str) -> str:
    try:
        report = b.route("GET", path)
    except DxlabError as exc:
        return f'<span class="muted">{escape(str(exc))}</span>'
    lost = report.get("lost") or []
    text = escape(str(report.get("verdict", "")))
    return f'<span class="bad">{text}</span>' if lost else text


def failover(b: Backend, q: dict[str, str]) -> Page:
    vifs = b.items("DescribeVirtualInterfaces", "virtualInterfaces")
    rows = []
    for v in vifs:
        vid = v["virtualInterfaceId"]
        testing = v.get("virtualInterfaceState") == "testing"
        action = (f'<button class="secondary" data-stop="{escape(vid)}">Stop test</button>' if testing
                  else f'<button data-start="{escape(vid)}">Bring down BGP</button>')  # fmt: skip
        rows.append((code(vid), escape(v.get("virtualInterfaceName", "")), code(v.get("connectionId")),
                     badge(v.get("virtualInterfaceState")),
                     " ".join(badge(p.get("bgpStatus")) for p in v.get("bgpPeers", [])), action))  # fmt: skip
    tests = b.items("ListVirtualInterfaceTestHistory", "virtualInterfaceTestHistory")
    tests.sort(key=lambda t: _epoch(t.get("startTime")), reverse=True)
    test_rows = [
        (code(t["testId"]), code(t["virtualInterfaceId"]), badge(t.get("status")), escape(str(t.get("testDurationInMinutes", ""))),
         when(_epoch(t.get("startTime"))), when(_epoch(t.get("endTime"))),
         _verdict(b, f"/failover-tests/{t['testId']}/report") if i < REPORTS_SHOWN else "")
        for i, t in enumerate(tests)
    ]  # fmt: skip
    failures: list[dict[str, Any]] = b.route("GET", "/failures").get("failures", [])
    failures.sort(key=lambda f: _epoch(f.get("startTime")), reverse=True)
    failure_rows = [
        (code(f["failureId"]), f"{escape(str(f.get('kind')))} {code(f.get('id'))}", badge(f.get("status")),
         escape(str(f.get("minutes", ""))), " ".join(code(c) for c in f.get("connections", [])),
         when(f.get("startTime")), _verdict(b, f"/failures/{f['failureId']}/report") if i < REPORTS_SHOWN else "")
        for i, f in enumerate(failures)
    ]  # fmt: skip
    body = ('<p class="muted">A test takes the VIF\'s BGP sessions down for the chosen time (1 to 4,320 minutes) '
            'and ends by itself. Test minutes: <input id="minutes" type="number" min="1" max="4320" value="180" '
            'style="width:80px"></p><div id="result"></div>'
            + table(("Virtual interface", "Name", "Connection", "State", "BGP", ""), rows, "No virtual interfaces to test.")
            + "<h2>Test history</h2>"
            + table(("Test", "Virtual interface", "Status", "Minutes", "Start", "End", "Verdict"), test_rows,
                    "No failover tests yet.")
            + "<h2>Injected failures</h2>"
            + '<p class="muted">A device, connection, location, router or data center taken down with '
              "<code>dxlab fail KIND ID --minutes N</code>.</p>"
            + table(("Failure", "What", "Status", "Minutes", "Connections down", "Start", "Verdict"), failure_rows,
                    "No injected failures."))  # fmt: skip
    return "Failover tests", body, SCRIPT


def _epoch(value: Any) -> float:
    """Test history times come as epoch seconds (the handler's output)."""
    return float(value) if isinstance(value, (int, float)) else 0.0
