"""Create virtual interface (step 3 of maximum_resiliency.md; create-vif.md): Public,
Private or Transit, with the guide's fields. The form sends Create<Type>VirtualInterface
(or Allocate<Type>VirtualInterface when another account owns it: a hosted VIF) exactly
as boto3 would; a refusal shows the API's own message next to the field it names, and
nothing is created."""

from __future__ import annotations

import json
from html import escape

from dxlab.domain.states import CONNECTION, LAG
from dxlab.domain.vif import MTUS, STANDARD_MTU
from dxlab.web.console.backend import Backend
from dxlab.web.console.pages import Page

SCRIPT = """
const vf = document.getElementById('create-vif'), created = document.getElementById('created');
const kindOf = () => vf.querySelector('input[name=kind]:checked').value;
function vifRefresh() {
  const kind = kindOf();
  vf.querySelectorAll('[data-for]').forEach(e => { e.hidden = !e.dataset.for.split(' ').includes(kind); });
  const hosted = vf.owner.value === 'other';
  vf.querySelectorAll('[data-hosted]').forEach(e => { e.hidden = !hosted; });
  vf.querySelectorAll('[data-mine]').forEach(e => { if (hosted) e.hidden = true; });
  const gwType = vf.gatewayType.value;
  [...vf.gateway.options].forEach(o => { o.hidden = kind === 'transit' ? o.dataset.kind !== 'dxgw' : o.dataset.kind !== gwType; });
  if (vf.gateway.selectedOptions[0]?.hidden) vf.gateway.value = [...vf.gateway.options].find(o => !o.hidden)?.value || '';
  const v4 = vf.family.value === 'ipv4';
  vf.querySelectorAll('[data-v4]').forEach(e => { e.hidden = !v4; });
}
function addTagRow(key = '', value = '') {
  const n = vf.querySelectorAll('.tag-row').length + 1, row = document.createElement('div');
  row.className = 'tag-row wide actions';
  row.innerHTML = `<label for="vtag-k${n}">Key</label><input id="vtag-k${n}" class="tag-key" value="${esc(key)}" data-words="key tag">
    <label for="vtag-v${n}">Value</label><input id="vtag-v${n}" class="tag-value" value="${esc(value)}">
    <button type="button" class="secondary">Remove tag</button>`;
  row.querySelector('button').addEventListener('click', () => row.remove());
  document.getElementById('vif-tags').append(row);
}
document.getElementById('vif-add-tag').addEventListener('click', () => addTagRow());
vf.addEventListener('change', vifRefresh);
vf.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(vf); created.innerHTML = '';
  const kind = kindOf(), Kind = kind[0].toUpperCase() + kind.slice(1), hosted = vf.owner.value === 'other';
  const v = {virtualInterfaceName: vf.name.value, vlan: Number(vf.vlan.value), asn: Number(vf.asn.value),
             addressFamily: vf.family.value};
  if (vf.authKey.value) v.authKey = vf.authKey.value;
  if (vf.family.value === 'ipv4' && vf.customer.value) v.customerAddress = vf.customer.value;
  if (vf.family.value === 'ipv4' && vf.amazon.value) v.amazonAddress = vf.amazon.value;
  if (kind === 'public') {
    const prefixes = vf.prefixes.value.split(',').map(c => c.trim()).filter(Boolean);
    if (prefixes.length) v.routeFilterPrefixes = prefixes.map(cidr => ({cidr}));
  } else {
    v.mtu = Number(vf.mtu.value);
    if (!hosted) {
      if (vf.sitelink.checked) v.enableSiteLink = true;
      const gw = vf.gateway.value;
      if (gw) { if (gw.startsWith('vgw-')) v.virtualGatewayId = gw; else v.directConnectGatewayId = gw; }
    }
  }
  const tags = [...vf.querySelectorAll('.tag-row')].map(r => ({key: r.querySelector('.tag-key').value,
                                                               value: r.querySelector('.tag-value').value}));
  if (tags.length) v.tags = tags;
  const body = {connectionId: vf.connection.value};
  let name;
  if (hosted) { name = `Allocate${Kind}VirtualInterface`; body.ownerAccount = vf.ownerAccount.value;
                body[`new${Kind}VirtualInterfaceAllocation`] = v; }
  else { name = `Create${Kind}VirtualInterface`; body[`new${Kind}VirtualInterface`] = v; }
  const button = vf.querySelector('button[type=submit]'); button.disabled = true;
  try {
    const out = await op(name, body), r = out.virtualInterface || out;  // transit answers {virtualInterface}
    created.innerHTML = `<p class="notice" role="status">Created ${esc(r.virtualInterfaceType)} virtual interface
      <a href="/console/vifs/${esc(r.virtualInterfaceId)}"><code>${esc(r.virtualInterfaceId)}</code></a>
      (${esc(r.virtualInterfaceName)}, VLAN ${esc(r.vlan)}): ${esc(r.virtualInterfaceState)}.</p>`;
  } catch (e) { showError(vf, e); }
  finally { button.disabled = false; }
});
vifRefresh();
"""


def create_vif(b: Backend, q: dict[str, str]) -> Page:
    conns = [
        c
        for c in b.items("DescribeConnections", "connections")
        if c.get("connectionState") not in CONNECTION.gone
    ]
    lags = [g for g in b.items("DescribeLags", "lags") if g.get("lagState") not in LAG.gone]
    chosen = q.get("connection", "")
    parents = "".join(
        f'<option value="{escape(i)}"{" selected" if i == chosen else ""}>{escape(i)} — {escape(n)} '
        f"({escape(loc)}, {escape(state)})</option>"
        for i, n, loc, state in [
            *(
                (
                    c["connectionId"],
                    c.get("connectionName", ""),
                    c.get("location", ""),
                    c.get("connectionState", ""),
                )
                for c in conns
            ),
            *(
                (g["lagId"], g.get("lagName", ""), g.get("location", ""), g.get("lagState", ""))
                for g in lags
            ),
        ]
    )
    dxgws = b.items("DescribeDirectConnectGateways", "directConnectGateways")
    vgws = b.route("GET", "/virtual-gateways").get("virtualGateways", [])
    gateways = "".join(
        [
            *(
                f'<option data-kind="dxgw" value="{escape(g["directConnectGatewayId"])}">{escape(g["directConnectGatewayId"])} '
                f"({escape(g.get('directConnectGatewayName', ''))}, ASN {escape(str(g.get('amazonSideAsn', '')))})</option>"
                for g in dxgws
            ),
            *(
                f'<option data-kind="vgw" value="{escape(g["virtualGatewayId"])}">{escape(g["virtualGatewayId"])} '
                f"(VPC {escape(', '.join(g.get('vpcCidrs', [])))})</option>"
                for g in vgws
            ),
        ]
    )
    mtus = sorted({*MTUS["private"], *MTUS["transit"]})
    mtu_options = "".join(
        f'<option value="{m}">{m}{"" if m == STANDARD_MTU else " (jumbo)"}</option>' for m in mtus
    )
    jumbo = json.dumps({k: max(v) for k, v in MTUS.items() if k != "public"})
    body = f"""
<p class="muted">A virtual interface carries one VLAN over a connection or LAG, with a BGP session to AWS: private
to reach a VPC (through a virtual private gateway or a Direct Connect gateway), public for AWS public services,
transit for transit gateways (through a Direct Connect gateway).</p>
<div id="created" aria-live="polite"></div>
<form class="dx" id="create-vif" novalidate>
 <fieldset><legend>Virtual interface type</legend>
  <label><input type="radio" name="kind" value="private" checked> Private</label>
  <label><input type="radio" name="kind" value="public"> Public</label>
  <label><input type="radio" name="kind" value="transit"> Transit</label></fieldset>
 <label for="vif-name">Virtual interface name</label><input id="vif-name" name="name" required data-words="virtualinterfacename name">
 <label for="vif-connection">Connection</label><select id="vif-connection" name="connection"
   data-words="connection lag dxcon dxlag">{parents}</select>
 <label for="vif-owner">Virtual interface owner</label><select id="vif-owner" name="owner">
   <option value="mine">My AWS account</option><option value="other">Another AWS account</option></select>
 <label for="vif-owner-account" data-hosted hidden>Virtual interface owner account ID</label>
 <input id="vif-owner-account" name="ownerAccount" data-hosted hidden pattern="[0-9]{{12}}" data-words="owneraccount owner">
 <label for="vif-gateway-type" data-for="private" data-mine>Gateway type</label>
 <select id="vif-gateway-type" name="gatewayType" data-for="private" data-mine>
   <option value="dxgw">Direct Connect gateway</option><option value="vgw">Virtual private gateway</option></select>
 <label for="vif-gateway" data-for="private transit" data-mine>Gateway</label>
 <select id="vif-gateway" name="gateway" data-for="private transit" data-mine data-words="gateway">{gateways}</select>
 <label for="vif-vlan">VLAN</label><input id="vif-vlan" name="vlan" type="number" required data-words="vlan">
 <label for="vif-asn">BGP ASN</label><input id="vif-asn" name="asn" type="number" value="65000" required data-words="asn">
 <label for="vif-family">Address family</label><select id="vif-family" name="family" data-words="family">
   <option value="ipv4">IPv4</option><option value="ipv6">IPv6</option></select>
 <label for="vif-customer" data-v4>Your router peer IP</label><input id="vif-customer" name="customer" data-v4
   placeholder="169.254.10.1/30 (empty: Amazon picks)" data-words="customeraddress customer">
 <label for="vif-amazon" data-v4>Amazon router peer IP</label><input id="vif-amazon" name="amazon" data-v4
   placeholder="169.254.10.2/30" data-words="amazonaddress amazon">
 <label for="vif-auth">BGP authentication key</label><input id="vif-auth" name="authKey" data-words="authkey authentication">
 <label for="vif-prefixes" data-for="public">Prefixes you want to advertise</label>
 <input id="vif-prefixes" name="prefixes" data-for="public" placeholder="203.0.113.0/24, …" data-words="prefix">
 <label for="vif-mtu" data-for="private transit">Jumbo MTU</label>
 <span data-for="private transit"><select id="vif-mtu" name="mtu" data-words="mtu">{mtu_options}</select>
  <span class="hint">jumbo frames: {escape(", ".join(f"{v} on a {k} VIF" for k, v in json.loads(jumbo).items()))}</span></span>
 <label for="vif-sitelink" data-for="private transit" data-mine>Enable SiteLink</label>
 <span data-for="private transit" data-mine><input id="vif-sitelink" name="sitelink" type="checkbox"
  data-words="sitelink"> <span class="hint">send traffic between Direct Connect locations</span></span>
 <div class="wide" id="vif-tags"><b>Tags</b></div>
 <span></span><span><button type="button" class="secondary" id="vif-add-tag">Add tag</button></span>
 <span></span><button type="submit">Create virtual interface</button>
</form>"""
    return "Create virtual interface", body, SCRIPT
