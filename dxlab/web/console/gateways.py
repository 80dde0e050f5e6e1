"""Gateways (direct-connect-gateways.md, virtualgateways.md): create a Direct Connect
gateway, associate it with a virtual private gateway or a transit gateway (allowed
prefixes), and association proposals across accounts (create, accept, reject). The VGWs
and TGWs themselves belong to EC2, which dxlab stands in for with its /_dxlab routes."""

from __future__ import annotations

from html import escape
from typing import Any

from dxlab.domain.gateway import DEFAULT_AMAZON_ASN
from dxlab.domain.states import DirectConnectGatewayAssociationProposalState
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import badge, code, region_cell, table
from dxlab.web.console.pages import Page

SCRIPT = """
const cidrs = s => s.split(',').map(c => c.trim()).filter(Boolean);
function form(id, fn) {
  const f = document.getElementById(id);
  f?.addEventListener('submit', async ev => { ev.preventDefault(); clearErrors(f);
    try { await fn(f); location.reload(); } catch (e) { showError(f, e); } });
}
form('create-dxgw', f => op('CreateDirectConnectGateway', {directConnectGatewayName: f.name.value,
                                                          amazonSideAsn: Number(f.asn.value)}));
form('create-vpc-gateway', f => dx(f.kind.value === 'vgw' ? 'virtual-gateways' : 'transit-gateways',
  {vpcCidrs: cidrs(f.cidrs.value), amazonSideAsn: Number(f.asn.value)}));
form('associate', f => {
  const body = {directConnectGatewayId: f.dxgw.value, gatewayId: f.gateway.value};
  const prefixes = cidrs(f.prefixes.value);
  if (prefixes.length) body.addAllowedPrefixesToDirectConnectGateway = prefixes.map(cidr => ({cidr}));
  return op('CreateDirectConnectGatewayAssociation', body);
});
form('propose', f => {
  const body = {directConnectGatewayId: f.dxgw.value, directConnectGatewayOwnerAccount: f.owner.value,
                gatewayId: f.gateway.value};
  const prefixes = cidrs(f.prefixes.value);
  if (prefixes.length) body.addAllowedPrefixesToDirectConnectGateway = prefixes.map(cidr => ({cidr}));
  return op('CreateDirectConnectGatewayAssociationProposal', body);
});
document.querySelectorAll('button[data-accept]').forEach(b => b.addEventListener('click', async () => {
  await op('AcceptDirectConnectGatewayAssociationProposal', {directConnectGatewayId: b.dataset.dxgw,
    proposalId: b.dataset.accept, associatedGatewayOwnerAccount: b.dataset.owner}); location.reload();
}));
document.querySelectorAll('button[data-reject]').forEach(b => b.addEventListener('click', async () => {
  await op('DeleteDirectConnectGatewayAssociationProposal', {proposalId: b.dataset.reject}); location.reload();
}));
"""


def _prefixes(items: list[dict[str, Any]]) -> str:
    return escape(", ".join(p["cidr"] for p in items))


def gateways(b: Backend, q: dict[str, str]) -> Page:
    dxgws = b.items("DescribeDirectConnectGateways", "directConnectGateways")
    dx_rows, proposal_rows = [], []
    for g in dxgws:
        gid = g["directConnectGatewayId"]
        assocs = b.items(
            "DescribeDirectConnectGatewayAssociations",
            "directConnectGatewayAssociations",
            {"directConnectGatewayId": gid},
        )
        # A Direct Connect gateway is global: its gateways and VIFs are of any Region, each
        # shown with its own (direct-connect-gateways-intro.md).
        linked = "<br>".join(
            f"{code(a.get('associatedGateway', {}).get('id'))} "
            f'<span class="region">{escape(a.get("associatedGateway", {}).get("region", ""))}</span> '
            f"{badge(a.get('associationState'))} "
            f'<span class="muted">{_prefixes(a.get("allowedPrefixesToDirectConnectGateway", []))}</span>'
            for a in assocs
        )
        attached = "<br>".join(
            f"{code(a.get('virtualInterfaceId'))} "
            f'<span class="region">{escape(a.get("virtualInterfaceRegion", ""))}</span> '
            f"{badge(a.get('attachmentState'))}"
            for a in b.items(
                "DescribeDirectConnectGatewayAttachments",
                "directConnectGatewayAttachments",
                {"directConnectGatewayId": gid},
            )
        )
        dx_rows.append(
            (
                code(gid),
                escape(g.get("directConnectGatewayName", "")),
                escape(str(g.get("amazonSideAsn", ""))),
                badge(g.get("directConnectGatewayState")),
                linked,
                attached,
            )
        )
        for p in b.items(
            "DescribeDirectConnectGatewayAssociationProposals",
            "directConnectGatewayAssociationProposals",
            {"directConnectGatewayId": gid},
        ):
            pending = (
                p.get("proposalState") == DirectConnectGatewayAssociationProposalState.REQUESTED
            )
            assoc = p.get("associatedGateway", {})
            buttons = (
                f'<button type="button" data-accept="{escape(p["proposalId"])}" data-dxgw="{escape(gid)}" '
                f'data-owner="{escape(assoc.get("ownerAccount", ""))}">Accept</button> '
                f'<button type="button" class="secondary" data-reject="{escape(p["proposalId"])}">Reject</button>'
                if pending
                else ""
            )
            proposal_rows.append(
                (
                    code(p["proposalId"]),
                    code(gid),
                    f"{code(assoc.get('id'))} ({escape(assoc.get('ownerAccount', ''))})",
                    _prefixes(p.get("requestedAllowedPrefixesToDirectConnectGateway", [])),
                    badge(p.get("proposalState")),
                    buttons,
                )
            )
    vgws = b.route("GET", "/virtual-gateways").get("virtualGateways", [])
    tgws = b.route("GET", "/transit-gateways").get("transitGateways", [])
    gw_rows = [
        (
            code(g.get("virtualGatewayId") or g.get("transitGatewayId")),
            "VGW" if g.get("virtualGatewayId") else "TGW",
            badge(g.get("virtualGatewayState") or g.get("state") or g.get("transitGatewayState")),
            escape(str(g.get("amazonSideAsn", ""))),
            escape(", ".join(g.get("vpcCidrs", []))),
            escape(g.get("region", "")),
        )
        for g in [*vgws, *tgws]
    ]
    dx_options = "".join(
        f'<option value="{escape(g["directConnectGatewayId"])}">{escape(g["directConnectGatewayId"])} '
        f"({escape(g.get('directConnectGatewayName', ''))})</option>"
        for g in dxgws
    )
    gw_options = "".join(
        f'<option value="{escape(i)}">{escape(i)}</option>'
        for i in [*(g["virtualGatewayId"] for g in vgws), *(g["transitGatewayId"] for g in tgws)]
    )
    prefixes_field = (
        '<label for="{p}-prefixes">Allowed prefixes</label><input id="{p}-prefixes" name="prefixes" '
        'placeholder="10.100.0.0/16, … (a TGW needs them; a VGW: its VPC CIDRs by default)" '
        'data-words="prefix cidr">'
    )
    body = (
        "<h2>Direct Connect gateways</h2>"
        '<p class="muted">Direct Connect gateways are global: this list is the same in every'
        " Region, with the Region of each associated gateway and virtual interface.</p>"
        + table(
            (
                "ID",
                "Name",
                "Amazon side ASN",
                "State",
                "Associated gateways (Region, allowed prefixes)",
                "Virtual interfaces (Region)",
            ),
            dx_rows,
            "No Direct Connect gateways.",
        )
        + '<form class="dx" id="create-dxgw"><h2>Create Direct Connect gateway</h2>'
        '<label for="dxgw-name">Name</label><input id="dxgw-name" name="name" required data-words="name">'
        f'<label for="dxgw-asn">Amazon side ASN</label><input id="dxgw-asn" name="asn" type="number" value="{DEFAULT_AMAZON_ASN}" '
        'data-words="asn"><span></span><button type="submit">Create Direct Connect gateway</button></form>'
        '<form class="dx" id="associate"><h2>Associate gateway</h2>'
        f'<label for="assoc-dxgw">Direct Connect gateway</label><select id="assoc-dxgw" name="dxgw">{dx_options}</select>'
        f'<label for="assoc-gw">Virtual private gateway or transit gateway</label><select id="assoc-gw" name="gateway" '
        f'data-words="gateway">{gw_options}</select>'
        + prefixes_field.format(p="assoc")
        + '<span></span><button type="submit">Associate gateway</button></form>'
        "<h2>Association proposals</h2>"
        + table(
            (
                "Proposal",
                "Direct Connect gateway",
                "Gateway (owner)",
                "Allowed prefixes",
                "State",
                "",
            ),
            proposal_rows,
            "No proposals for your Direct Connect gateways.",
        )
        + '<form class="dx" id="propose"><h2>Propose an association (gateway of this account, Direct Connect '
        'gateway of another)</h2><label for="prop-dxgw">Direct Connect gateway ID</label>'
        '<input id="prop-dxgw" name="dxgw" required data-words="directconnectgatewayid">'
        '<label for="prop-owner">Direct Connect gateway owner account</label><input id="prop-owner" name="owner" '
        'pattern="[0-9]{12}" required data-words="owner account">'
        f'<label for="prop-gw">Your gateway</label><select id="prop-gw" name="gateway">{gw_options}</select>'
        + prefixes_field.format(p="prop")
        + '<span></span><button type="submit">Propose association</button></form>'
        f"<h2>Virtual private gateways and transit gateways in {region_cell(b.region)}</h2>"
        '<p class="muted">These belong to EC2, which dxlab stands in for (<code>dxlab vgw create</code>, '
        "<code>dxlab tgw create</code>).</p>"
        + table(
            ("ID", "Kind", "State", "Amazon side ASN", "VPC CIDRs", "Region"),
            gw_rows,
            "No VGWs or TGWs.",
        )
        + '<form class="dx" id="create-vpc-gateway"><h2>Create a VGW or TGW</h2>'
        '<label for="vpcgw-kind">Kind</label><select id="vpcgw-kind" name="kind"><option value="vgw">Virtual private '
        'gateway</option><option value="tgw">Transit gateway</option></select>'
        '<label for="vpcgw-cidrs">VPC CIDRs behind it</label><input id="vpcgw-cidrs" name="cidrs" '
        'placeholder="10.100.0.0/16" data-words="cidr vpc">'
        f'<label for="vpcgw-asn">Amazon side ASN</label><input id="vpcgw-asn" name="asn" type="number" value="{DEFAULT_AMAZON_ASN}" '
        'data-words="asn"><span></span><button type="submit">Create gateway</button></form>'
    )
    return "Gateways", body, SCRIPT
