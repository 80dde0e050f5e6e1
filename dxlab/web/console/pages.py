"""Console pages: each reads what a client of this account could read (API operations
and /_dxlab routes, through Backend) and renders it as HTML."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from dxlab.domain.errors import DxlabError
from dxlab.domain.loa import NO_LOA_STATES
from dxlab.domain.states import ConnectionState, VirtualInterfaceState
from dxlab.service.resiliency.groups import COMPLIANCE_QUESTION
from dxlab.toolkit.report import html_fragment
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import badge, code, link, parent_link, region_cell, table

# Up, or gone for good: neither is an alert on the dashboard (the same words for both).
_NOT_AN_ALERT = (ConnectionState.AVAILABLE, VirtualInterfaceState.DELETED)

Page = tuple[str, str, str]  # title, body, script
INLINE_DIAGRAM_LIMIT = 400  # connections + VIFs drawn on the overview


def in_region(b: Backend, what: str) -> str:
    """The line a Regional list starts with: which Region's it is (the top bar's)."""
    return f'<p class="muted in-region">{escape(what)} in {region_cell(b.region)}.</p>'


def when(value: Any) -> str:
    from datetime import UTC, datetime

    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return escape(str(value or ""))


def overview(b: Backend, q: dict[str, str]) -> Page:
    conns = b.items("DescribeConnections", "connections")
    lags = b.items("DescribeLags", "lags")
    vifs = b.items("DescribeVirtualInterfaces", "virtualInterfaces")
    dxgws = b.items("DescribeDirectConnectGateways", "directConnectGateways")
    groups = b.items("ListResiliencyGroups", "items")
    result = b.route("GET", "/analyze")
    cards = "".join(
        f'<div class="card"><a href="/console/{slug}"><div class="n">{n}</div><div class="l">{label}</div></a></div>'
        for slug, n, label in (
            ("connections", len(conns), "connections"),
            ("lags", len(lags), "LAGs"),
            ("vifs", len(vifs), "virtual interfaces"),
            ("gateways", len(dxgws), "Direct Connect gateways"),
            ("resiliency-groups", len(groups), "resiliency groups"),
        )
    )
    down = [c for c in conns if c.get("connectionState") not in _NOT_AN_ALERT]
    down_vifs = [v for v in vifs if v.get("virtualInterfaceState") not in _NOT_AN_ALERT]
    alerts = ""
    if down or down_vifs or result.get("active_failures") or result.get("tests_in_progress"):
        items = [f"{code(c['connectionId'])} is {badge(c.get('connectionState'))}" for c in down]
        items += [
            f"{code(v['virtualInterfaceId'])} is {badge(v.get('virtualInterfaceState'))}"
            for v in down_vifs
        ]
        items += [f"injected failure: {code(f)}" for f in result.get("active_failures", [])]
        alerts = "<h2>Not healthy now</h2><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    verdict = _verdict_line(result)
    if not conns and not lags:
        drawing = '<p class="empty">No connections yet: order them with the <a href="/console/wizard">connection wizard</a>.</p>'
    elif len(vifs) + len(conns) <= INLINE_DIAGRAM_LIMIT:
        drawing = '<div class="diagram">' + b.route("GET", "/diagram.svg").decode() + "</div>"
    else:  # a large inventory's drawing is megabytes: on its own page only
        drawing = (
            f'<p><a href="/console/topology">{len(conns)} connections and {len(vifs)} VIFs</a></p>'
        )
    body = f'{verdict}<div class="cards">{cards}</div>{alerts}<h2>Topology</h2>{drawing}'
    return "Overview", body, ""


def _verdict_line(result: dict[str, Any]) -> str:
    sla = str(result.get("sla"))
    tone = {"99.99%": "sla-ok", "99.9%": "sla-mid"}.get(sla, "sla-bad")
    spofs = result.get("single_points_of_failure", [])
    rule = f" — {escape(str(result['sla_rule']))}" if result.get("sla_rule") else ""
    what = f"{len(spofs)} single point(s) of failure" if spofs else "no single point of failure"
    return (
        f'<div class="dx-report"><p class="dx-verdict {tone}"><b>SLA: {escape(sla)}</b>{rule} · {what} · '
        '<a href="/console/analysis">full analysis</a></p></div>'
    )


def connections(b: Backend, q: dict[str, str]) -> Page:
    rows = [
        (
            link("connections", c["connectionId"]),
            escape(c.get("connectionName", "")),
            escape(c.get("location", "")),
            code(c.get("awsDeviceV2") or c.get("awsDevice", "")),
            escape(c.get("bandwidth", "")),
            badge(c.get("connectionState")),
            code(c.get("lagId", "")),
            escape(c.get("partnerName") or c.get("providerName") or ""),
            escape(c.get("encryptionMode", "") or ""),
            _loa_link(c["connectionId"], c.get("connectionState")),
        )
        for c in b.items("DescribeConnections", "connections")
    ]
    headers = (
        "ID",
        "Name",
        "Location",
        "AWS device",
        "Bandwidth",
        "State",
        "LAG",
        "Provider",
        "MACsec",
        "LOA-CFA",
    )
    body = (
        in_region(b, "Dedicated and hosted connections")
        + '<p class="actions"><a class="button" href="/console/wizard?create">Create a connection</a></p>'
        + table(
            headers, rows, "No connections in this Region: order some with the connection wizard."
        )
    )
    return "Connections", body, ""


def _loa_link(resource_id: str, state: object) -> str:
    if state in NO_LOA_STATES:  # the letter's own rule (domain/loa.py); AWS may still be issuing it
        return ""
    return f'<a href="/console/loa/{escape(resource_id)}.pdf">PDF</a>'


def lags(b: Backend, q: dict[str, str]) -> Page:
    rows = [
        (
            link("lags", lag["lagId"]),
            escape(lag.get("lagName", "")),
            escape(lag.get("location", "")),
            code(lag.get("awsDeviceV2") or lag.get("awsDevice", "")),
            f"{lag.get('numberOfConnections', len(lag.get('connections', [])))} × {escape(lag.get('connectionsBandwidth', ''))}",
            escape(str(lag.get("minimumLinks", 0))),
            badge(lag.get("lagState")),
            " ".join(code(c["connectionId"]) for c in lag.get("connections", [])),
            _loa_link(lag["lagId"], lag.get("lagState")),
        )
        for lag in b.items("DescribeLags", "lags")
    ]
    headers = (
        "ID",
        "Name",
        "Location",
        "AWS device",
        "Connections",
        "Minimum links",
        "State",
        "Members",
        "LOA-CFA",
    )
    return (
        "LAGs",
        in_region(b, "Link aggregation groups")
        + table(headers, rows, "No link aggregation groups."),
        "",
    )


def interconnects(b: Backend, q: dict[str, str]) -> Page:
    """A Direct Connect Partner's interconnects, on which it provisions hosted connections."""
    rows = [
        (
            link("interconnects", i["interconnectId"]),
            escape(i.get("interconnectName", "")),
            escape(i.get("location", "")),
            code(i.get("awsDeviceV2") or i.get("awsDevice", "")),
            escape(i.get("bandwidth", "")),
            badge(i.get("interconnectState")),
            _loa_link(i["interconnectId"], i.get("interconnectState")),
        )
        for i in b.items("DescribeInterconnects", "interconnects")
    ]
    headers = ("ID", "Name", "Location", "AWS device", "Bandwidth", "State", "LOA-CFA")
    return (
        "Interconnects",
        in_region(b, "Interconnects")
        + table(headers, rows, "No interconnects (a Direct Connect Partner orders them)."),
        "",
    )


def vifs(b: Backend, q: dict[str, str]) -> Page:
    rows = []
    owned = b.owned_ports()
    for v in b.items("DescribeVirtualInterfaces", "virtualInterfaces"):
        peers = "<br>".join(
            f"{escape(p.get('addressFamily', ''))} {badge(p.get('bgpStatus'))} "
            f'<span class="muted">{escape(p.get("bgpPeerState", ""))} · {escape(p.get("customerAddress", "") or "")}</span>'
            for p in v.get("bgpPeers", [])
        )
        gateway = v.get("directConnectGatewayId") or v.get("virtualGatewayId") or ""
        vid = escape(v["virtualInterfaceId"])
        select = f'<input type="radio" name="vif" value="{vid}" aria-label="Select {vid}">'
        rows.append(
            (
                select,
                link("vifs", v["virtualInterfaceId"]),
                escape(v.get("virtualInterfaceName", "")),
                escape(v.get("virtualInterfaceType", "")),
                badge(v.get("virtualInterfaceState")),
                parent_link(v.get("connectionId"), owned),
                escape(str(v.get("vlan", ""))),
                f"{escape(str(v.get('asnLong') or v.get('asn', '')))} / {escape(str(v.get('amazonSideAsn', '')))}",
                code(gateway),
                peers,
                escape(str(v.get("mtu", ""))),
            )
        )
    headers = (
        "",
        "ID",
        "Name",
        "Type",
        "State",
        "Connection",
        "VLAN",
        "ASN / Amazon ASN",
        "Gateway",
        "BGP peers",
        "MTU",
    )
    # resiliency_failover.md: "Select the virtual interfaces and then choose Actions, Bring down BGP".
    actions = (
        '<p class="actions"><a class="button" href="/console/vifs/create">Create virtual interface</a>'
        '<button type="button" class="secondary" id="vifs-actions" aria-haspopup="true">Actions ▾</button>'
        '<span id="vifs-menu" hidden><button type="button" class="secondary" data-go="">View details</button> '
        '<button type="button" class="secondary" data-go="#bring-down">Bring down BGP</button></span></p>'
        '<p class="error" id="vifs-none" role="alert" hidden>Select a virtual interface first.</p>'
    )
    return (
        "Virtual interfaces",
        in_region(b, "Virtual interfaces")
        + actions
        + table(headers, rows, "No virtual interfaces."),
        VIFS_JS,
    )


VIFS_JS = """
const vifsMenu = document.getElementById('vifs-menu');
document.getElementById('vifs-actions').addEventListener('click', () => { vifsMenu.hidden = !vifsMenu.hidden; });
vifsMenu.querySelectorAll('button[data-go]').forEach(b => b.addEventListener('click', () => {
  const chosen = document.querySelector('input[name=vif]:checked');
  document.getElementById('vifs-none').hidden = Boolean(chosen);
  if (chosen) location.href = '/console/vifs/' + chosen.value + b.dataset.go;
}));
"""


def resiliency_groups(b: Backend, q: dict[str, str]) -> Page:
    rows = []
    for g in b.items("ListResiliencyGroups", "items"):
        gid = g["resiliencyGroupId"]
        members = b.items("ListResiliencyGroupAssociations", "items", {"resiliencyGroupId": gid})
        try:
            check = b.route("GET", f"/resiliency-groups/{gid}/compliance")
            meets = (
                badge("yes") + f" SLA {escape(str(check.get('sla')))}"
                if check.get("meetsModel")
                else badge("no")
                + "<br>"
                + "<br>".join(escape(str(r)) for r in check.get("brokenRules", []))
            )
            model = escape(str(check.get("intendedResiliencyModel", "")))
        except DxlabError as exc:
            meets, model = escape(str(exc)), ""
        # A resiliency group is global: each connection's Region is its ARN's.
        conns = "<br>".join(
            f"{code(m.get('connectionArn', '').rsplit('/', 1)[-1])} "
            f'<span class="region">{escape(_arn_region(m.get("connectionArn", "")))}</span>'
            for m in members
        )
        rows.append(
            (
                code(gid),
                escape(g.get("resiliencyGroupName", "")),
                model,
                badge(g.get("state")),
                conns,
                meets,
            )
        )
    headers = ("ID", "Name", "Intended model", "State", "Connections", "Meets the model")
    # Says which question "meets the model" answers, beside the analysis's own (issue: the two
    # verdicts answer different questions and must say so).
    question = (
        f'<p class="note">{escape(COMPLIANCE_QUESTION)} <a href="/console/analysis">The analysis</a>'
        " judges the whole network as it is now.</p>"
    )
    return (
        "Resiliency groups",
        question + table(headers, rows, "No resiliency groups: the wizard creates one per order."),
        "",
    )


def _arn_region(arn: str) -> str:
    """`us-west-2` of `arn:aws:directconnect:us-west-2:111122223333:dxcon/dxcon-x`."""
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 else ""


TOPOLOGY_JS = """
const tf = document.getElementById('load-topology');
tf.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(tf);
  try { await dx('topology', {yaml: tf.yaml.value}, 'PUT'); location.reload(); } catch (e) { showError(tf, e); }
});
const box=document.getElementById('diagram'),auto=document.getElementById('auto');
setInterval(async()=>{if(!auto.checked)return;
 const r=await fetch('/console/api/diagram.svg',{credentials:'same-origin'});if(r.ok)box.innerHTML=await r.text();},5000);
"""


def topology(b: Backend, q: dict[str, str]) -> Page:
    svg = b.route("GET", "/diagram.svg").decode()
    loaded = b.route("GET", "/topology")
    note = (
        ""
        if loaded.get("loaded")
        else '<p class="error">No customer topology is loaded: <code>dxlab topology load FILE</code> (the wizard writes one).</p>'
    )
    body = (
        f'{note}<p class="muted">Failed parts are red; hover for the reason. '
        '<label><input type="checkbox" id="auto" checked> refresh every 5 s</label> · '
        '<a href="/console/diagram.svg" download="dxlab-topology.svg">download SVG</a></p>'
        f'<div class="diagram" id="diagram">{svg}</div>'
        '<form class="dx" id="load-topology"><h2>Customer topology</h2><p class="wide muted">Your side of the network, '
        "as YAML (see <code>examples/maximum-resiliency.yaml</code>): data centers, routers, the prefixes they "
        "advertise, and the VPCs (<code>vpcs:</code>) whose instance step 5 pings. Loading it replaces the one "
        'in use (also <code>dxlab topology load FILE</code>).</p><label for="topology-yaml" class="wide">Topology (YAML)</label>'
        f'<textarea id="topology-yaml" name="yaml" class="wide mono" rows="18" data-words="topology yaml line">'
        f'{escape(str(loaded.get("yaml", "")))}</textarea><span></span><button type="submit">Load topology</button></form>'
    )
    return "Topology", body, TOPOLOGY_JS


def analysis(b: Backend, q: dict[str, str]) -> Page:
    result = b.route("GET", "/analyze")
    return "Resiliency analysis", html_fragment(result, limit=100), ""


PAGES: dict[str, Callable[[Backend, dict[str, str]], Page]] = {
    "": overview,
    "connections": connections,
    "lags": lags,
    "interconnects": interconnects,
    "vifs": vifs,
    "resiliency-groups": resiliency_groups,
    "topology": topology,
    "analysis": analysis,
}
