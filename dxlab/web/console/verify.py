"""Step 5 of maximum_resiliency.md ("Verify your virtual interface connection"): from a
customer data center, traceroute to the VPC's instance, with the Direct Connect hop named
(VIF, VLAN, connection, AWS device, location), and ping it (sent / received); when it
fails, why (BGP down, no route, the security group refusing ICMP). The /_dxlab/verify
route is what `dxlab verify` calls, on the data plane in use."""

from __future__ import annotations

from html import escape

import yaml

from dxlab.web.console.backend import Backend
from dxlab.web.console.pages import Page

SCRIPT = """
const vform = document.getElementById('verify'), vout = document.getElementById('verify-out');
function pairHtml(r) {
  const hops = r.hops.map((h, i) => `<tr${/dxvif-|Direct Connect/.test(h.resource) ? ' class="dx-hop"' : ''}><td>${i + 1}</td>
    <td><code>${esc(h.address)}</code></td><td>${esc(h.resource)}</td></tr>`).join('');
  return `<section class="pair" data-site="${esc(r.site)}" data-vpc="${esc(r.vpc)}">
    <h2>${esc(r.site)} → ${esc(r.vpc)} (${esc(r.destination)})</h2>
    <p>${r.reachable ? '<span class="badge good">reachable</span>' : '<span class="badge bad">unreachable</span>'}
      ping: <b class="ping">${esc(r.ping.sent)} sent, ${esc(r.ping.received)} received</b>
      <span class="muted">from ${esc(r.source)} · data plane ${esc(r.dataPlane)}</span></p>
    ${r.reason ? `<p class="${r.reachable ? 'muted' : 'error'} reason">${esc(r.reason)}</p>` : ''}
    <h3>traceroute</h3><div class="scroll"><table class="grid"><thead><tr><th>Hop</th><th>Address</th><th>What it is</th></tr></thead>
    <tbody>${hops || '<tr><td colspan="3">no hop answered</td></tr>'}</tbody></table></div></section>`;
}
vform?.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(vform); vout.innerHTML = '<p class="muted">running…</p>';
  const q = new URLSearchParams({count: vform.count.value});
  if (vform.site.value) q.set('site', vform.site.value);
  if (vform.vpc.value) q.set('vpc', vform.vpc.value);
  try { const r = await dx('verify?' + q, undefined, 'GET'); vout.innerHTML = r.pairs.map(pairHtml).join(''); }
  catch (e) { vout.innerHTML = ''; showError(vform, e); }
});
"""


def verify(b: Backend, q: dict[str, str]) -> Page:
    loaded = b.route("GET", "/topology")
    if not loaded.get("loaded"):
        body = (
            '<p class="error">No customer topology is loaded: order connections with the '
            '<a href="/console/wizard">wizard</a> and add your VPCs on the <a href="/console/topology">Topology</a> page.</p>'
        )
        return "Verify", body, ""
    vpcs = list((yaml.safe_load(loaded.get("yaml") or "") or {}).get("vpcs") or {})
    sites = "".join(
        f'<option value="{escape(s)}">{escape(s)}</option>' for s in loaded.get("sites", [])
    )
    vpc_options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in vpcs)
    note = (
        ""
        if vpcs
        else (
            '<p class="notice">The loaded topology has no VPC: add a <code>vpcs:</code> section on the '
            '<a href="/console/topology">Topology</a> page.</p>'
        )
    )
    body = (
        f'{note}<p class="muted">From a data center of your topology, traceroute and ping to the VPC\'s instance, '
        "as step 5 of the guide does from your own network.</p>"
        '<form class="dx" id="verify"><label for="verify-site">Data center</label>'
        f'<select id="verify-site" name="site" data-words="data center site">{sites}</select>'
        f'<label for="verify-vpc">VPC</label><select id="verify-vpc" name="vpc" data-words="vpc">{vpc_options}</select>'
        '<label for="verify-count">Ping count</label><input id="verify-count" name="count" type="number" min="1" '
        'max="100" value="5"><span></span><button type="submit">Run traceroute and ping</button></form>'
        '<div id="verify-out" aria-live="polite"></div>'
    )
    return "Verify", body, SCRIPT
