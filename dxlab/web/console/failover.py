"""Step 4 of maximum_resiliency.md in the console (resiliency_failover.md): the VIFs that
can be tested (each page's Actions -> Bring down BGP), the test history (status, start,
end, Stop test), a report page per test, and the failures dxlab injects beyond AWS
(device, connection, location, router, data center) started and restored from here.
StartBgpFailoverTest / StopBgpFailoverTest / ListVirtualInterfaceTestHistory are the API's;
reports and failures are the /_dxlab routes `dxlab test report` and `dxlab fail` call."""

from __future__ import annotations

from html import escape
from typing import Any

from dxlab.domain.errors import DxlabError
from dxlab.domain.failover import DEFAULT_MINUTES, FAILURE_KINDS, MAX_MINUTES, MIN_MINUTES
from dxlab.domain.states import VIF, FailureStatus, TestStatus
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import badge, code, link, parent_link, summary, table
from dxlab.web.console.pages import Page, when

REPORTS_SHOWN = 50  # the latest tests and failures get their verdict computed

SCRIPT = """
document.querySelectorAll('button[data-stop]').forEach(b => b.addEventListener('click', async () => {
  b.disabled = true;
  try { await op('StopBgpFailoverTest', {virtualInterfaceId: b.dataset.stop}); location.reload(); }
  catch (e) { b.insertAdjacentHTML('afterend', `<p class="error" role="alert">${esc(e.message)}</p>`); b.disabled = false; }
}));
const fail = document.getElementById('inject');
fail?.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(fail);
  try {
    const f = await dx('failures', {kind: fail.kind.value, id: fail.target.value, minutes: Number(fail.minutes.value)});
    location.href = '/console/failover/failures/' + f.failureId;
  } catch (e) { showError(fail, e); }
});
document.querySelectorAll('button[data-restore]').forEach(b => b.addEventListener('click', async () => {
  await dx('failures/' + b.dataset.restore, {}, 'DELETE'); location.reload();
}));
"""

# A report page refreshes itself while its test or failure runs.
LIVE_JS = """
const live = document.getElementById('report');
if (live && live.dataset.running === '1') setInterval(async () => {
  try {
    const r = await dx(live.dataset.source, undefined, 'GET');
    document.getElementById('status').innerHTML = `<span class="badge ${r.status === 'in progress' || r.status === 'active' ? 'wait' : 'good'}">${esc(r.status)}</span>`;
    document.getElementById('elapsed').textContent = (r.durationMs / 1000).toFixed(0) + ' s';
    if (r.status !== 'in progress' && r.status !== 'active') location.reload();
  } catch (e) { /* the next tick tries again */ }
}, 3000);
"""


def _verdict(b: Backend, path: str) -> str:
    try:
        report = b.route("GET", path)
    except DxlabError as exc:
        return f'<span class="muted">{escape(str(exc))}</span>'
    text = escape(str(report.get("verdict", "")))
    return f'<span class="bad">{text}</span>' if report.get("lost") else text


def _epoch(value: Any) -> float:
    """Test history times come as epoch seconds (the handler's output)."""
    return float(value) if isinstance(value, (int, float)) else 0.0


def test_history(b: Backend, vif_id: str | None = None) -> str:
    """ListVirtualInterfaceTestHistory as the console's table: status, start, end, Stop test."""
    tests = b.items(
        "ListVirtualInterfaceTestHistory",
        "virtualInterfaceTestHistory",
        {"virtualInterfaceId": vif_id} if vif_id else {},
    )
    tests.sort(key=lambda t: _epoch(t.get("startTime")), reverse=True)
    rows = [
        (
            f'<a href="/console/failover/tests/{escape(t["testId"])}">{escape(t["testId"][:8])}…</a>',
            link("vifs", t["virtualInterfaceId"]),
            badge(t.get("status")),
            escape(str(t.get("testDurationInMinutes", ""))),
            when(_epoch(t.get("startTime"))),
            when(_epoch(t.get("endTime"))),
            _verdict(b, f"/failover-tests/{t['testId']}/report") if i < REPORTS_SHOWN else "",
            f'<button type="button" class="secondary" data-stop="{escape(t["virtualInterfaceId"])}">Stop test</button>'
            if t.get("status") == TestStatus.IN_PROGRESS
            else "",
        )
        for i, t in enumerate(tests)
    ]
    return table(
        ("Test", "Virtual interface", "Status", "Minutes", "Start", "End", "Verdict", ""),
        rows,
        "No failover tests yet.",
    )


def failover(b: Backend, q: dict[str, str]) -> Page:
    # Deleted VIFs cannot be tested: not offered.
    vifs = [
        v
        for v in b.items("DescribeVirtualInterfaces", "virtualInterfaces")
        if v.get("virtualInterfaceState") not in VIF.gone
    ]
    owned = b.owned_ports()
    rows = [
        (
            link("vifs", v["virtualInterfaceId"]),
            escape(v.get("virtualInterfaceName", "")),
            parent_link(v.get("connectionId"), owned),
            badge(v.get("virtualInterfaceState")),
            " ".join(badge(p.get("bgpStatus")) for p in v.get("bgpPeers", [])),
            f'<a href="/console/vifs/{escape(v["virtualInterfaceId"])}#bring-down">Bring down BGP…</a>',
        )
        for v in vifs
    ]
    failures: list[dict[str, Any]] = b.route("GET", "/failures").get("failures", [])
    failures.sort(key=lambda f: _epoch(f.get("startTime")), reverse=True)
    failure_rows = [
        (
            f'<a href="/console/failover/failures/{escape(f["failureId"])}">{escape(f["failureId"])}</a>',
            f"{escape(str(f.get('kind')))} {code(f.get('id'))}",
            badge(f.get("status")),
            escape(str(f.get("minutes", ""))),
            " ".join(code(c) for c in f.get("connections", [])),
            when(f.get("startTime")),
            _verdict(b, f"/failures/{f['failureId']}/report") if i < REPORTS_SHOWN else "",
            f'<button type="button" class="secondary" data-restore="{escape(f["failureId"])}">Restore</button>'
            if f.get("status") == FailureStatus.ACTIVE
            else "",
        )
        for i, f in enumerate(failures)
    ]
    kinds = "".join(f'<option value="{k}">{k}</option>' for k in FAILURE_KINDS)
    body = (
        '<p class="muted">On a virtual interface: Actions → Bring down BGP, choose the peering sessions and the '
        "test time, Confirm. The test ends by itself after that time, or with Stop test.</p>"
        + table(
            ("Virtual interface", "Name", "Connection", "State", "BGP", ""),
            rows,
            "No virtual interfaces to test.",
        )
        + "<h2>Test history</h2>"
        + test_history(b)
        + "<h2>Injected failures</h2>"
        '<p class="muted">Beyond AWS, which only tests BGP sessions: take down an AWS device, a connection (fiber '
        "cut), a whole location, a customer router or a data center (also <code>dxlab fail KIND ID</code>).</p>"
        '<form class="dx" id="inject"><label for="fail-kind">What fails</label>'
        f'<select id="fail-kind" name="kind" data-words="kind">{kinds}</select>'
        '<label for="fail-id">Which (ID or name)</label><input id="fail-id" name="target" required '
        'placeholder="dxcon-…, EqDC2-…, EqDC2, dc1-r1, dc1" data-words="id device connection location router site">'
        f'<label for="fail-minutes">Minutes</label><input id="fail-minutes" name="minutes" type="number" '
        f'min="{MIN_MINUTES}" max="{MAX_MINUTES}" value="{DEFAULT_MINUTES}" data-words="minutes">'
        '<span></span><button type="submit">Inject failure</button></form>'
        + table(
            ("Failure", "What", "Status", "Minutes", "Connections down", "Start", "Verdict", ""),
            failure_rows,
            "No injected failures.",
        )
    )
    return "Failover tests", body, SCRIPT


def report_body(report: dict[str, Any], source: str, region: str) -> str:
    """The report AWS does not give (README: Failover tests and failures). It is the
    account's, of every Region: a VIF of another Region than the page's (`region`) links
    to its page in its own Region, where the console shows it."""
    regions: dict[str, str] = report.get("virtualInterfaceRegions", {})

    def vif_link(vif_id: str) -> str:
        theirs = regions.get(vif_id, region)
        return link("vifs", vif_id) if theirs == region else link("vifs", vif_id, theirs)

    running = report.get("status") in (TestStatus.IN_PROGRESS, FailureStatus.ACTIVE)
    pairs = [
        (
            escape(p["site"]),
            escape(p["vpc"]),
            badge("yes" if p["before"] else "no"),
            badge("yes" if p["during"] else "no"),
            " ".join(vif_link(v) for v in p.get("via", [])) or "—",
            escape("—" if p.get("outage_ms") is None else f"{p['outage_ms']} ms"),
            escape(p.get("reason") or ""),
        )
        for p in report.get("pairs", [])
    ]
    prefixes = report.get("prefixes", {})
    only = [
        (code(p["prefix"]), code(p["gateway"]), " ".join(vif_link(v) for v in p["before"]))
        for p in prefixes.get("nonRedundant", [])
    ]
    kept = [
        (code(p["prefix"]), code(p["gateway"]), " ".join(vif_link(v) for v in p["during"]))
        for p in prefixes.get("redundant", [])
    ]
    routes = report.get("routes", {})
    route_rows = [
        (
            vif_link(vid),
            escape(r.get("name", "")),
            escape(", ".join(r.get("accepted", []))) or "—",
            escape(", ".join(routes.get("during", {}).get(vid, {}).get("accepted", []))) or "—",
        )
        for vid, r in routes.get("before", {}).items()
    ]
    tone = "bad" if report.get("lost") else ""
    return (
        f'<div id="report" data-source="{escape(source)}" data-running="{int(running)}">'
        + summary(
            [
                ("Status", f'<span id="status">{badge(report.get("status"))}</span>'),
                ("Start", when(report.get("startTime"))),
                ("End", when(report.get("endTime"))),
                (
                    "Down for",
                    f'<span id="elapsed">{round(report.get("durationMs", 0) / 1000)} s</span>',
                ),
                ("Data plane", escape(str(report.get("dataPlane", "")))),
                ("Verdict", f'<b class="{tone}">{escape(str(report.get("verdict", "")))}</b>'),
                (
                    "Virtual interfaces down",
                    " ".join(vif_link(v) for v in report.get("affectedVirtualInterfaces", []))
                    or "—",
                ),
            ]
        )
        + "<h2>Data center ↔ VPC pairs</h2>"
        + table(
            (
                "Data center",
                "VPC",
                "Path before",
                "Path during",
                "Over which VIFs",
                "Outage",
                "Why",
            ),
            pairs,
            "No data center <-> VPC pair to check: load a customer topology with VPCs (Topology page).",
        )
        + "<h2>Prefixes learned only over the tested VIF</h2>"
        + table(("Prefix", "Gateway", "Learned over"), only, "None: every prefix had another VIF.")
        + "<h2>Prefixes that kept another VIF</h2>"
        + table(("Prefix", "Gateway", "Still learned over"), kept, "None.")
        + "<h2>Routes accepted before and during</h2>"
        + table(("Virtual interface", "Name", "Before", "During"), route_rows, "No routes.")
        + "</div>"
    )


def test_report(b: Backend, q: dict[str, str]) -> Page:
    source = f"failover-tests/{q['id']}/report"
    report = b.route("GET", "/" + source)
    vid = report["virtualInterfaceId"]
    head = (
        f"<p>BGP failover test of {link('vifs', vid)} on peer(s) "
        f"{', '.join(code(p) for p in report.get('bgpPeers', []))}.</p>"
    )
    stop = (
        f'<p class="actions"><button type="button" class="secondary" data-stop="{escape(vid)}">Stop test</button></p>'
        if report.get("status") == TestStatus.IN_PROGRESS
        else ""
    )
    return (
        "Failover test report",
        head + stop + report_body(report, source, b.region),
        SCRIPT + LIVE_JS,
    )


def failure_report(b: Backend, q: dict[str, str]) -> Page:
    source = f"failures/{q['id']}/report"
    report = b.route("GET", "/" + source)
    failure = b.route("GET", f"/failures/{q['id']}")
    head = f"<p>Injected failure: {escape(str(failure.get('kind')))} {code(failure.get('id'))}.</p>"
    restore = (
        f'<p class="actions"><button type="button" class="secondary" data-restore="{escape(q["id"])}">Restore'
        "</button></p>"
        if failure.get("status") == FailureStatus.ACTIVE
        else ""
    )
    return (
        "Failure report",
        head + restore + report_body(report, source, b.region),
        SCRIPT + LIVE_JS,
    )
