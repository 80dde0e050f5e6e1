"""The analyzer's verdict for people: one set of sections (SLA and the rule it breaks,
single points of failure, the pairs of failures that lose something, reachability now,
the Trusted Advisor / Prowler checks beside dxlab's route-level findings), rendered as
Markdown, HTML (a page, or a fragment for the console) and rich text for the CLI.

Everything here reads the JSON of `GET /_dxlab/analyze`, so a saved `--json` file
renders the same as a live answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

SLA_TEXT = {
    "99.99%": "qualifies for the 99.99% SLA (maximum resiliency)",
    "99.9%": "qualifies for the 99.9% SLA (high resiliency)",
    "none": "qualifies for no SLA",
}
KIND_TEXT = {
    "prefix-on-one-vif": "prefix over one VIF only",
    "backup-never-used": "backup path never used",
    "prefix-limit": "session over the prefix limit",
    "no-bfd": "BFD off",
}


@dataclass
class Section:
    title: str
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    more: int = 0  # rows left out
    bad: bool = False  # something in it needs attention
    describes: bool = False  # its text says what the table is, never itself a warning


@dataclass
class Report:
    title: str
    sla: str
    verdict: str
    sections: list[Section]


def domain(failure: str) -> str:
    """`location:EqDC2` -> `location EqDC2`."""
    kind, _, id_ = failure.partition(":")
    return f"{kind} {id_}"


def _losses(lost: list[str], keep: int = 4) -> str:
    shown = ", ".join(lost[:keep])
    return shown + (f" (+{len(lost) - keep} more)" if len(lost) > keep else "")


def build(result: dict[str, Any], limit: int | None = None) -> Report:
    """The report's sections from the analysis JSON; `limit` caps the long tables."""
    sla = str(result.get("sla", "none"))
    rule = str(result.get("sla_rule") or "")
    verdict = SLA_TEXT.get(sla, sla) + (f": {rule}" if rule else "")
    sections: list[Section] = []
    if result.get("question"):
        sections.append(Section("The question", str(result["question"]), describes=True))
    notes = []
    if result.get("note"):
        notes.append(str(result["note"]))
    active = list(result.get("active_failures", [])) + [
        f"failover test on {v}" for v in result.get("tests_in_progress", [])
    ]
    if active:
        notes.append(
            "Failed right now: "
            + ", ".join(domain(a) if ":" in a else a for a in active)
            + ". Connections held down count as down in this analysis."
        )
    inv = result.get("inventory") or {}
    if inv:
        notes.append(
            f"{inv.get('connections', 0)} connection(s), {inv.get('virtualInterfaces', 0)} virtual interface(s), "
            f"{inv.get('dataCenters', 0)} data center(s), {inv.get('routers', 0)} customer router(s), "
            f"{inv.get('vpcs', 0)} VPC(s)."
        )
    if notes:
        sections.append(Section("Design", " ".join(notes), bad=bool(active or result.get("note"))))

    spofs = result.get("single_points_of_failure", [])
    sections.append(
        Section(
            "Single points of failure",
            f"{len(spofs)} failure domain(s) whose failure alone loses connectivity."
            if spofs
            else "None: no single device, connection, location, customer router, data center or BGP session"
            " failure loses a data center's way to a gateway or a VPC, or a prefix.",
            ("Failure domain", "ID", "Region", "Loses"),
            [
                (str(s["kind"]), str(s["id"]), str(s.get("region", "")), _losses(list(s["lost"])))
                for s in spofs
            ],
            bad=bool(spofs),
        )
    )
    sections += _regions(result)

    pairs = [s for s in result.get("scenarios", []) if len(s["failed"]) == 2 and s["lost"]]
    pairs.sort(key=lambda s: (-len(s["lost"]), s["failed"]))
    shown = pairs if limit is None else pairs[:limit]
    stats = result.get("stats") or {}
    sections.append(
        Section(
            "Pairs of failures that lose something",
            f"{len(pairs)} of {stats.get('pair_scenarios', '?')} pair scenario(s) lose something "
            "(pairs that contain a single point of failure are not repeated).",
            ("Failed together", "Loses"),
            [(" + ".join(domain(f) for f in s["failed"]), _losses(list(s["lost"]))) for s in shown],
            more=len(pairs) - len(shown),
        )
    )

    # The snapshot every other reader uses (Describe*, routes, verify), on the data plane in
    # use; older saved analyses have only the model's baseline.
    now = result.get("now") or {}
    rows: list[tuple[str, ...]] = [
        (
            str(p["site"]),
            str(p["to"]),
            "yes" if p["reachable"] else "NO",
            ", ".join(p["forward"]),
            ", ".join(p["back"]),
            str(p["reason"]),
        )
        for p in now.get("pairs", [])
    ]
    if not now:
        rows = [
            (
                str(b["site"]),
                str(b["vpc"]),
                "yes" if b["reachable"] else "NO",
                ", ".join(b["forward"]),
                ", ".join(b["back"]),
                str(b["reason"]),
            )
            for b in result.get("baseline", [])
        ]
    plane = f" on the {now['dataPlane']} data plane" if now.get("dataPlane") else ""
    sections.append(
        Section(
            "Reachability now",
            f"Each customer data center <-> VPC and <-> gateway pair right now{plane}, with the VIFs traffic takes each way.",
            ("Data center", "VPC or gateway", "Reachable", "To AWS over", "Back over", "Why not"),
            rows,
            bad=any(r[2] == "NO" for r in rows),
            describes=True,
        )
    )

    checks = result.get("checks", [])
    sections.append(
        Section(
            "Trusted Advisor / Prowler checks",
            "What AWS's own checks for Direct Connect see: connection, location and VIF redundancy.",
            ("Check", "Source", "Result", "Detail"),
            [
                (str(c["name"]), str(c["source"]), "ok" if c["ok"] else "WARNING", str(c["detail"]))
                for c in checks
            ],
            bad=any(not c["ok"] for c in checks),
            describes=True,
        )
    )

    findings = result.get("findings", [])
    sections.append(
        Section(
            "Route-level findings (what those checks miss)",
            f"{len(findings)} finding(s)."
            if findings
            else "None: every prefix has more than one VIF, every"
            " backup is usable, no session is over its prefix limit.",
            ("Finding", "Where", "Detail"),
            [
                (KIND_TEXT.get(str(f["kind"]), str(f["kind"])), _where(f), str(f["detail"]))
                for f in findings
            ],
            bad=bool(findings),
        )
    )
    if stats:
        sections.append(
            Section(
                "Scenarios analysed",
                f"{stats.get('failure_domains', 0)} failure domains: {stats.get('single_scenarios', 0)} single and "
                f"{stats.get('pair_scenarios', 0)} pair scenarios in {stats.get('seconds', 0)} s.",
            )
        )
    title = "Resiliency analysis" + (
        f" — account {result['account']}" if result.get("account") else ""
    )
    return Report(title, sla, verdict, sections)


def _regions(result: dict[str, Any]) -> list[Section]:
    """Each Region of the design with its locations, connections and VIFs, and what goes
    when all of its locations fail at once (Colocation.md: a location belongs to a Region)."""
    regions = result.get("regions") or []
    if not regions:
        return []
    rows: list[tuple[str, ...]] = [
        (
            str(r["region"]),
            ", ".join(r["locations"]),
            _losses(list(r["connections"]), 3),
            _losses(list(r["virtualInterfaces"]), 3),
            _losses(list(r["lost_if_region_fails"])) or "nothing",
        )
        for r in regions
    ]
    lost = [r for r in regions if r["lost_if_region_fails"]]
    text = f"{len(regions)} Region(s). If every location of a Region fails at once, " + (
        f"{len(lost)} Region(s) lose something (not covered by the SLA, which is per location)."
        if lost
        else "nothing is lost: another Region's locations carry every pair."
    )
    return [
        Section(
            "Regions",
            text,
            (
                "Region",
                "Locations",
                "Connections",
                "Virtual interfaces",
                "If all its locations fail, loses",
            ),
            rows,
            describes=True,
        )
    ]


def _where(finding: dict[str, Any]) -> str:
    parts = [
        str(finding[k])
        for k in ("virtualInterfaceId", "prefix", "vpc", "router", "family")
        if finding.get(k)
    ]
    return " ".join(parts)


# -- Markdown -----------------------------------------------------------------------
def _md_cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ") or " "


def markdown(result: dict[str, Any], limit: int | None = 200) -> str:
    report = build(result, limit)
    lines = [f"# {report.title}", "", f"**SLA: {report.sla}** — {report.verdict}", ""]
    for sec in report.sections:
        lines += [f"## {sec.title}", ""]
        if sec.text:
            lines += [sec.text, ""]
        if sec.rows:
            lines.append("| " + " | ".join(sec.headers) + " |")
            lines.append("|" + "---|" * len(sec.headers))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in sec.rows]
            lines.append("")
        if sec.more:
            lines += [f"... and {sec.more} more (`dxlab analyze --json` lists them all).", ""]
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------------
CSS = """
.dx-report{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2933;max-width:1100px}
.dx-report table{border-collapse:collapse;margin:.4em 0 1.2em;font-size:14px}
.dx-report th,.dx-report td{border:1px solid #cbd2d9;padding:4px 8px;text-align:left;vertical-align:top}
.dx-report th{background:#f5f7fa}.dx-report .bad{color:#c62828}.dx-report .ok{color:#2e7d32}
.dx-verdict{font-size:18px;padding:.6em 1em;border-radius:6px;display:inline-block}
.dx-verdict.sla-ok{background:#e8f5e9;border:1px solid #66bb6a}.dx-verdict.sla-bad{background:#fdecea;border:1px solid #e57373}
.dx-verdict.sla-mid{background:#fff8e1;border:1px solid #ffb300}
"""


def _cell(value: str) -> str:
    cls = (
        ' class="bad"'
        if value in ("NO", "WARNING")
        else (' class="ok"' if value in ("ok", "yes") else "")
    )
    return f"<td{cls}>{escape(value)}</td>"


def html_fragment(result: dict[str, Any], limit: int | None = 200, level: int = 2) -> str:
    """The report as an HTML fragment (the console embeds it)."""
    report = build(result, limit)
    tone = {"99.99%": "sla-ok", "99.9%": "sla-mid"}.get(report.sla, "sla-bad")
    out = [
        f'<div class="dx-report"><p class="dx-verdict {tone}"><b>SLA: {escape(report.sla)}</b> — '
        f"{escape(report.verdict)}</p>"
    ]
    h = f"h{level}"
    for sec in report.sections:
        out.append(f"<{h}>{escape(sec.title)}</{h}>")
        if sec.text:
            out.append(
                f"<p{' class=bad' if sec.bad and not sec.describes else ''}>{escape(sec.text)}</p>"
            )
        if sec.rows:
            head = "".join(f"<th>{escape(x)}</th>" for x in sec.headers)
            body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in sec.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if sec.more:
            out.append(
                f"<p>... and {sec.more} more (<code>dxlab analyze --json</code> lists them all).</p>"
            )
    out.append("</div>")
    return "\n".join(out)


def html(result: dict[str, Any], limit: int | None = 200, diagram: str | None = None) -> str:
    """A standalone page; `diagram` (the topology's SVG) is drawn after the verdict."""
    title = escape(build(result, 0).title)
    drawing = f'<h2>Topology</h2><div style="overflow:auto">{diagram}</div>' if diagram else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>body{{margin:2em;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif}}{CSS}svg{{max-width:100%;height:auto}}</style></head><body><h1>{title}</h1>\n"
        f"{html_fragment(result, limit)}\n{drawing}</body></html>\n"
    )


# -- rich (the CLI's default) ---------------------------------------------------------
def rich_renderables(result: dict[str, Any], limit: int = 15) -> list[Any]:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    report = build(result, limit)
    colour = {"99.99%": "green", "99.9%": "yellow"}.get(report.sla, "red")
    out: list[Any] = [
        Panel(
            Text.assemble((f"SLA: {report.sla}", f"bold {colour}"), "  ", report.verdict),
            title=report.title,
            expand=False,
        )
    ]
    skip = {"Reachability now", "Scenarios analysed"}
    for sec in report.sections:
        if sec.title in skip and not sec.bad:
            continue
        out.append(Text(sec.title, style="bold underline"))
        if sec.text:
            out.append(Text(sec.text, style="red" if sec.bad and not sec.describes else ""))
        if sec.rows:
            table = Table(*sec.headers, show_edge=False, pad_edge=False)
            for row in sec.rows:
                table.add_row(
                    *(Text(c, style="red" if c in ("NO", "WARNING") else "") for c in row)
                )
            out.append(table)
        if sec.more:
            out.append(
                Text(
                    f"... and {sec.more} more (--json, --markdown or --html list them all)",
                    style="dim",
                )
            )
        out.append(Text(""))
    return out
