"""A connection's, a LAG's and a virtual interface's own page, as the Direct Connect
console shows them (WorkingWithConnections.md, WorkingWithVirtualInterfaces.md): Summary,
Tags, the VIFs on a connection, a VIF's Peerings and router configuration, its Actions
(Bring down BGP, delete with a confirmation), a hosted VIF's acceptance and a public
VIF's prefix review. Everything reads and writes through the API operations."""

from __future__ import annotations

from html import escape
from typing import Any

from dxlab.domain import ids
from dxlab.domain.errors import NotFound
from dxlab.domain.loa import NO_LOA_STATES
from dxlab.domain.states import VirtualInterfaceState
from dxlab.web.console.backend import Backend
from dxlab.web.console.failover import test_history
from dxlab.web.console.layout import (
    badge,
    code,
    link,
    parent_link,
    region_cell,
    summary,
    table,
)
from dxlab.web.console.loa import APPROVE_JS, held_notice, held_order
from dxlab.web.console.pages import Page
from dxlab.web.console.vif_peerings import SCRIPT as PEERING_JS
from dxlab.web.console.vif_peerings import peerings

DELETE_JS = """
document.querySelectorAll('form[data-delete]').forEach(f => f.addEventListener('submit', confirmThen(
  f.dataset.confirm, async () => {
    clearErrors(f);
    try { await op(f.dataset.delete, JSON.parse(f.dataset.args)); location.href = f.dataset.then; }
    catch (e) { showError(f, e); }
  })));
document.querySelectorAll('form[data-tags]').forEach(f => f.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(f);
  const arn = f.dataset.tags, key = f.key.value, value = f.value.value;
  try { await op('TagResource', {resourceArn: arn, tags: [{key, value}]}); location.reload(); }
  catch (e) { showError(f, e); }
}));
document.querySelectorAll('button[data-untag]').forEach(b => b.addEventListener('click', async () => {
  await op('UntagResource', {resourceArn: b.dataset.arn, tagKeys: [b.dataset.untag]}); location.reload();
}));
"""


def arn(b: Backend, resource_id: str) -> str:
    """The resource's ARN (TagResource takes it) in the Region in view, the only one whose
    resources the page shows: spelled by the one ARN builder, domain/ids.arn."""
    return ids.arn(b.region, b.account, resource_id)


def tags_section(b: Backend, resource_arn: str, tags: list[dict[str, Any]]) -> str:
    rows = [
        (
            escape(t["key"]),
            escape(t.get("value", "") or ""),
            f'<button type="button" class="secondary" data-untag="{escape(t["key"])}" data-arn="{escape(resource_arn)}">'
            "Remove tag</button>",
        )
        for t in tags
    ]
    return (
        "<h2>Tags</h2>"
        + table(("Key", "Value", ""), rows, "No tags.")
        + f'<form class="dx" data-tags="{escape(resource_arn)}"><label for="tag-key">Key</label>'
        '<input id="tag-key" name="key" data-words="key tag"><label for="tag-value">Value</label>'
        '<input id="tag-value" name="value" data-words="value"><span></span><button type="submit">Add tag</button></form>'
    )


def delete_form(operation: str, args: dict[str, str], what: str, then: str) -> str:
    import json

    return (
        f'<form class="actions" data-delete="{operation}" data-args="{escape(json.dumps(args))}" '
        f'data-confirm="Delete {escape(what)}? This cannot be undone." data-then="{escape(then)}">'
        f'<button type="submit" class="secondary">Delete</button></form>'
    )


def vif_rows(vifs: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [
        (
            link("vifs", v["virtualInterfaceId"]),
            escape(v.get("virtualInterfaceName", "")),
            escape(v.get("virtualInterfaceType", "")),
            badge(v.get("virtualInterfaceState")),
            escape(str(v.get("vlan", ""))),
            " ".join(badge(p.get("bgpStatus")) for p in v.get("bgpPeers", [])),
        )
        for v in vifs
    ]


def _loa(b: Backend, resource_id: str, state: object) -> str:
    order = held_order(b, resource_id)
    if order is not None:
        return held_notice(order)
    if state in NO_LOA_STATES:
        return '<span class="muted">not issued in this state</span>'
    return f'<a href="/console/loa/{escape(resource_id)}.pdf" download>Download LOA</a>'


def connection(b: Backend, q: dict[str, str]) -> Page:
    found = b.op("DescribeConnections", {"connectionId": q["id"]}).get("connections", [])
    if not found:
        raise NotFound(f"Could not find Connection with ID {q['id']}")
    c = found[0]
    cid = c["connectionId"]
    vifs = b.items("DescribeVirtualInterfaces", "virtualInterfaces", {"connectionId": cid})
    where = b.route("GET", f"/connections/{cid}/placement")
    body = (
        summary(
            [
                ("ID", code(cid)),
                ("Name", escape(c.get("connectionName", ""))),
                ("State", badge(c.get("connectionState"))),
                ("Location", escape(c.get("location", ""))),
                ("Region", region_cell(c.get("region", b.region))),
                ("Sub location", escape(str(where.get("subLocation") or ""))),
                ("AWS device", code(c.get("awsDeviceV2") or c.get("awsDevice"))),
                ("Port speed", escape(c.get("bandwidth", ""))),
                ("Jumbo Frame Capable", escape(str(c.get("jumboFrameCapable", False)))),
                ("MACsec capable", escape(str(c.get("macSecCapable", False)))),
                ("Encryption mode", escape(str(c.get("encryptionMode") or "—"))),
                ("Service provider", escape(c.get("providerName") or c.get("partnerName") or "—")),
                ("LAG", link("lags", c.get("lagId")) or "—"),
                ("LOA-CFA", _loa(b, cid, c.get("connectionState"))),
            ]
        )
        + '<p class="actions"><a class="button" href="/console/vifs/create?connection='
        + escape(cid)
        + '">Create virtual interface</a></p>'
        + tags_section(b, arn(b, cid), c.get("tags", []))
        + "<h2>Virtual interfaces</h2>"
        + table(
            ("ID", "Name", "Type", "State", "VLAN", "BGP"),
            vif_rows(vifs),
            "No virtual interfaces on this connection.",
        )
        + "<h2>Delete</h2>"
        + delete_form(
            "DeleteConnection", {"connectionId": cid}, f"connection {cid}", "/console/connections"
        )
    )
    return f"Connection {c.get('connectionName') or cid}", body, DELETE_JS + APPROVE_JS


def lag(b: Backend, q: dict[str, str]) -> Page:
    found = b.op("DescribeLags", {"lagId": q["id"]}).get("lags", [])
    if not found:
        raise NotFound(f"Could not find Lag with ID {q['id']}")
    g = found[0]
    lid = g["lagId"]
    vifs = b.items("DescribeVirtualInterfaces", "virtualInterfaces", {"connectionId": lid})
    members = [
        (
            link("connections", m["connectionId"]),
            escape(m.get("connectionName", "")),
            badge(m.get("connectionState")),
            escape(m.get("bandwidth", "")),
        )
        for m in g.get("connections", [])
    ]
    body = (
        summary(
            [
                ("ID", code(lid)),
                ("Name", escape(g.get("lagName", ""))),
                ("State", badge(g.get("lagState"))),
                ("Location", escape(g.get("location", ""))),
                ("Region", region_cell(g.get("region", b.region))),
                ("AWS device", code(g.get("awsDeviceV2") or g.get("awsDevice"))),
                ("Port speed", escape(g.get("connectionsBandwidth", ""))),
                ("Minimum links", escape(str(g.get("minimumLinks", 0)))),
                ("Jumbo Frame Capable", escape(str(g.get("jumboFrameCapable", False)))),
                ("MACsec capable", escape(str(g.get("macSecCapable", False)))),
                ("LOA-CFA", _loa(b, lid, g.get("lagState"))),
            ]
        )
        + "<h2>Connections</h2>"
        + table(("ID", "Name", "State", "Bandwidth"), members, "No connections in this LAG.")
        + tags_section(b, arn(b, lid), g.get("tags", []))
        + "<h2>Virtual interfaces</h2>"
        + table(
            ("ID", "Name", "Type", "State", "VLAN", "BGP"),
            vif_rows(vifs),
            "No virtual interfaces on this LAG.",
        )
        + "<h2>Delete</h2>"
        + delete_form("DeleteLag", {"lagId": lid}, f"LAG {lid}", "/console/lags")
    )
    return f"LAG {g.get('lagName') or lid}", body, DELETE_JS + APPROVE_JS


def interconnect(b: Backend, q: dict[str, str]) -> Page:
    """A partner's interconnect (WorkingWithInterconnects.md): the hosted connections on it."""
    found = b.op("DescribeInterconnects", {"interconnectId": q["id"]}).get("interconnects", [])
    if not found:
        raise NotFound(f"Could not find Interconnect with ID {q['id']}")
    i = found[0]
    iid = i["interconnectId"]
    hosted = [
        (
            code(c["connectionId"]),
            escape(c.get("connectionName", "")),
            escape(c.get("ownerAccount", "")),
            escape(c.get("bandwidth", "")),
            escape(str(c.get("vlan", ""))),
            badge(c.get("connectionState")),
        )
        for c in b.items("DescribeHostedConnections", "connections", {"connectionId": iid})
    ]
    body = (
        summary(
            [
                ("ID", code(iid)),
                ("Name", escape(i.get("interconnectName", ""))),
                ("State", badge(i.get("interconnectState"))),
                ("Location", escape(i.get("location", ""))),
                ("Region", region_cell(i.get("region", b.region))),
                ("AWS device", code(i.get("awsDeviceV2") or i.get("awsDevice"))),
                ("Port speed", escape(i.get("bandwidth", ""))),
                ("Jumbo Frame Capable", escape(str(i.get("jumboFrameCapable", False)))),
                ("MACsec capable", escape(str(i.get("macSecCapable", False)))),
                ("LAG", link("lags", i.get("lagId")) or "—"),
                ("LOA-CFA", _loa(b, iid, i.get("interconnectState"))),
            ]
        )
        + "<h2>Hosted connections</h2>"
        + table(
            ("ID", "Name", "Owner", "Bandwidth", "VLAN", "State"),
            hosted,
            "No hosted connections on this interconnect.",
        )
        + tags_section(b, arn(b, iid), i.get("tags", []))
        + "<h2>Delete</h2>"
        + delete_form(
            "DeleteInterconnect",
            {"interconnectId": iid},
            f"interconnect {iid}",
            "/console/interconnects",
        )
    )
    return f"Interconnect {i.get('interconnectName') or iid}", body, DELETE_JS


def vif(b: Backend, q: dict[str, str]) -> Page:
    found = b.op("DescribeVirtualInterfaces", {"virtualInterfaceId": q["id"]}).get(
        "virtualInterfaces", []
    )
    if not found:
        raise NotFound(f"Could not find Virtual Interface with ID {q['id']}")
    v = found[0]
    vid = v["virtualInterfaceId"]
    gateway = v.get("directConnectGatewayId") or v.get("virtualGatewayId")
    state = v.get("virtualInterfaceState")
    mine = v.get("ownerAccount") == b.account
    body = (
        summary(
            [
                ("ID", code(vid)),
                ("Name", escape(v.get("virtualInterfaceName", ""))),
                ("Type", escape(v.get("virtualInterfaceType", ""))),
                ("State", f'<span data-live="state">{badge(state)}</span>'),
                ("Owner", escape(v.get("ownerAccount", ""))),
                ("Connection or LAG", parent_link(v.get("connectionId"), b.owned_ports())),
                ("Location", escape(v.get("location", ""))),
                ("Region", region_cell(v.get("region", b.region))),
                ("AWS device", code(v.get("awsDeviceV2"))),
                ("VLAN", escape(str(v.get("vlan", "")))),
                (
                    "BGP ASN / Amazon side ASN",
                    f"{escape(str(v.get('asnLong') or v.get('asn', '')))} / {escape(str(v.get('amazonSideAsn', '')))}",
                ),
                ("Gateway", code(gateway) or '<span class="muted">none yet</span>'),
                ("MTU", escape(str(v.get("mtu", "")))),
                ("Jumbo Frame Capable", escape(str(v.get("jumboFrameCapable", False)))),
                ("SiteLink", "enabled" if v.get("siteLinkEnabled") else "disabled"),
                (
                    "Prefixes to advertise",
                    escape(", ".join(p["cidr"] for p in v.get("routeFilterPrefixes", []))) or "—",
                ),
            ]
        )
        + (
            _vif_actions(b, v)
            + peerings(b, v)
            + "<h2>Test history</h2>"
            + test_history(b, vid)
            + tags_section(b, arn(b, vid), v.get("tags", []))
            if mine
            else f'<p class="notice">A hosted virtual interface on your connection, owned by account '
            f"{escape(str(v.get('ownerAccount')))}: its peerings, tests and tags are theirs.</p>"
        )
        + "<h2>Delete</h2>"
        + delete_form(
            "DeleteVirtualInterface",
            {"virtualInterfaceId": vid},
            f"virtual interface {vid}",
            "/console/vifs",
        )
    )
    return f"Virtual interface {v.get('virtualInterfaceName') or vid}", body, DELETE_JS + PEERING_JS


def _vif_actions(b: Backend, v: dict[str, Any]) -> str:
    """Accepting a hosted VIF, and dxlab's stand-in for AWS's review of a public VIF's prefixes."""
    vid, kind, state = (
        v["virtualInterfaceId"],
        v.get("virtualInterfaceType"),
        v.get("virtualInterfaceState"),
    )
    out = ""
    if state == VirtualInterfaceState.CONFIRMING and v.get("ownerAccount") == b.account:
        options = "".join(
            f'<option value="dxgw:{escape(g["directConnectGatewayId"])}">Direct Connect gateway '
            f"{escape(g['directConnectGatewayId'])} ({escape(g.get('directConnectGatewayName', ''))})</option>"
            for g in b.items("DescribeDirectConnectGateways", "directConnectGateways")
        )
        if kind == "private":
            options += "".join(
                f'<option value="vgw:{escape(g["virtualGatewayId"])}">Virtual private gateway '
                f"{escape(g['virtualGatewayId'])}</option>"
                for g in b.route("GET", "/virtual-gateways").get("virtualGateways", [])
            )
        gateway = (
            ""
            if kind == "public"
            else '<label for="accept-gw">Gateway</label>'
            f'<select id="accept-gw" name="gateway" data-words="gateway">{options}</select>'
        )
        out += (
            f'<h2>Accept virtual interface</h2><p class="muted">Another account created this {escape(str(kind))} '
            "virtual interface for you (a hosted VIF): accept it to attach it to your gateway.</p>"
            f'<form class="dx" id="accept" data-vif="{escape(vid)}" data-kind="{escape(str(kind))}">{gateway}'
            '<span></span><button type="submit">Accept</button></form>'
        )
    if kind == "public" and state == VirtualInterfaceState.VERIFYING:
        out += (
            "<h2>Prefix review</h2><div class=\"stand-in\"><p><b>dxlab's stand-in for AWS's review:</b> AWS checks "
            "that you own the public prefixes you advertise before the VIF comes up. Decide it here.</p>"
            f'<div class="actions"><button type="button" data-prefixes="approve" data-vif="{escape(vid)}">Approve prefixes'
            f'</button><button type="button" class="secondary" data-prefixes="reject" data-vif="{escape(vid)}">'
            "Reject prefixes</button></div></div>"
        )
    return out


DETAILS = {"connections": connection, "lags": lag, "interconnects": interconnect, "vifs": vif}
