"""The connection wizard in the console (resiliency_toolkit.md, step 2 of
maximum_resiliency.md): a form whose Plan and Order buttons call the same
/_dxlab/wizard/plan and /_dxlab/wizard/order routes as `dxlab wizard`."""

from __future__ import annotations

import json
from html import escape

from dxlab.web.console.backend import Backend
from dxlab.web.console.pages import Page

MODELS = [("maximum", "Maximum Resiliency"), ("high", "High Resiliency"),
          ("dev-test", "Development and Test"), ("classic", "Classic")]  # fmt: skip
BANDWIDTHS = ["1Gbps", "10Gbps", "100Gbps", "400Gbps", "2Gbps", "20Gbps", "40Gbps", "200Gbps"]

SCRIPT = """
const LOC = JSON.parse(document.getElementById('locations').textContent);
const f = document.getElementById('wizard'), out = document.getElementById('plan');
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
function body() {
  const model = f.model.value, locs = [f.loc1.value];
  if (model === 'maximum' || model === 'high') locs.push(f.loc2.value);
  const b = {model, bandwidth: f.bandwidth.value, locations: locs, count: Number(f.count.value || 1)};
  if (f.sub.value) b.subLocation = f.sub.value;
  if (f.provider.value) b.provider = f.provider.value;
  const tags = f.tags.value.split(',').map(t => t.trim()).filter(Boolean)
    .map(t => ({key: t.split('=')[0].trim(), value: t.split('=').slice(1).join('=').trim()}));
  if (tags.length) b.tags = tags;
  return b;
}
function refresh() {
  const two = f.model.value === 'maximum' || f.model.value === 'high';
  document.querySelectorAll('.two').forEach(e => e.style.display = two ? '' : 'none');
  document.querySelectorAll('.classic').forEach(e => e.style.display = f.model.value === 'classic' ? '' : 'none');
  const loc = LOC.find(l => l.locationCode === f.loc1.value) || {subLocations: [], availableProviders: []};
  document.getElementById('subs').innerHTML = loc.subLocations.map(s => `<option value="${esc(s.name)}">`).join('');
  document.getElementById('providers').innerHTML = loc.availableProviders.map(p => `<option value="${esc(p)}">`).join('');
  document.getElementById('order').disabled = true;
}
async function call(path) {
  const r = await fetch('/console/api/wizard/' + path, {method: 'POST', credentials: 'same-origin',
    headers: {'content-type': 'application/json', 'x-dxlab-console': '1'}, body: JSON.stringify(body())});
  const data = await r.json();
  if (!r.ok) throw new Error(data.message || r.statusText);
  return data;
}
function summary(p) {
  const shape = p.connectionsPerLag ? `${p.slots.length} LAG(s) of ${p.connectionsPerLag} × ${p.portBandwidth}`
                                    : `${p.connections} × ${p.portBandwidth}`;
  return `<table class="grid"><tbody>
    <tr><th>Model</th><td>${esc(p.resiliencyModel || p.model)}</td></tr>
    <tr><th>Connections</th><td>${esc(shape)} dedicated connection(s)</td></tr>
    <tr><th>SLA</th><td><b>${esc(p.sla)}</b></td></tr>
    <tr><th>Port-hours</th><td>$${Number(p.portHourCostUsd).toFixed(2)}/h ($${Number(p.monthlyPortCostUsd).toLocaleString('en-US', {maximumFractionDigits: 2})}/month)</td></tr>
    <tr><th>Names</th><td>${p.slots.map(s => `<code>${esc(s.name)}</code> at ${esc(s.location)}`).join('<br>')}</td></tr>
  </tbody></table>`;
}
f.addEventListener('change', refresh);
document.getElementById('planbtn').addEventListener('click', async () => {
  try { out.innerHTML = '<h2>Order summary</h2>' + summary(await call('plan'));
        document.getElementById('order').disabled = false; }
  catch (e) { out.innerHTML = `<p class="error">${esc(e.message)}</p>`; }
});
document.getElementById('order').addEventListener('click', async () => {
  document.getElementById('order').disabled = true;
  try {
    const o = await call('order');
    out.innerHTML = `<h2>Ordered: ${esc(o.orderId)} (${esc(o.status)})</h2>` + summary(o) +
      `<p>Connections: ${o.connectionIds.map(c => `<code>${esc(c)}</code>`).join(' ')} · resiliency group
       <code>${esc(o.resiliencyGroupId)}</code> · <a href="/console/connections">see the connections</a></p>` +
      (o.status === 'approved' ? '<p class="muted">Download each LOA-CFA from the <a href="/console/connections">connections</a> page.</p>'
                               : '<p class="muted">An unknown provider: the order waits for review.</p>') +
      (o.topology ? `<p class="muted">The matching customer topology is registered; add your VPCs to it:
        <a download="topology-${esc(o.orderId)}.yaml" href="data:text/yaml;charset=utf-8,${encodeURIComponent(o.topology)}">download the YAML</a>.</p>` : '');
  } catch (e) { out.innerHTML = `<p class="error">${esc(e.message)}</p>`; }
});
refresh();
"""


def wizard(b: Backend, q: dict[str, str]) -> Page:
    locations = b.route("GET", "/locations").get("locations", [])
    options = "".join(
        f'<option value="{escape(loc["locationCode"])}">{escape(loc["locationCode"])} — {escape(loc["locationName"])}</option>'
        for loc in locations
    )
    second = "".join(
        f'<option value="{escape(loc["locationCode"])}"{" selected" if i == 1 else ""}>'
        f'{escape(loc["locationCode"])} — {escape(loc["locationName"])}</option>'
        for i, loc in enumerate(locations)
    )  # fmt: skip
    models = "".join(f'<option value="{m}">{escape(label)}</option>' for m, label in MODELS)
    speeds = "".join(f'<option value="{s}">' for s in BANDWIDTHS)
    data = json.dumps([{k: loc[k] for k in ("locationCode", "subLocations", "availableProviders")} for loc in locations])
    data = data.replace("<", "\\u003c")  # nothing in the JSON can close the script element
    body = f"""
<p class="muted">Plan first: the summary shows the connections, their names, the SLA the model can reach and the
port-hour cost. Ordering places them all at once, on distinct AWS devices, in one resiliency group.</p>
<form class="wizard" id="wizard" onsubmit="return false">
 <label for="model">Resiliency model</label><select id="model" name="model">{models}</select>
 <label for="bandwidth">Bandwidth per connection</label>
 <input id="bandwidth" name="bandwidth" value="10Gbps" list="speeds"><datalist id="speeds">{speeds}</datalist>
 <label for="loc1">First location</label><select id="loc1" name="loc1">{options}</select>
 <label for="loc2" class="two">Second location</label><select id="loc2" name="loc2" class="two">{second}</select>
 <label for="count" class="classic">Connections per location</label>
 <input id="count" name="count" type="number" min="1" max="10" value="1" class="classic">
 <label for="sub">Sub-location (optional)</label><input id="sub" name="sub" list="subs"><datalist id="subs"></datalist>
 <label for="provider">Provider (optional)</label>
 <input id="provider" name="provider" list="providers" placeholder="a partner, or another name">
 <datalist id="providers"></datalist>
 <label for="tags">Tags (optional)</label><input id="tags" name="tags" placeholder="team=net, env=prod">
 <span></span><span><button id="planbtn" type="button">Plan</button>
 <button id="order" type="button" disabled>Order</button></span>
</form>
<div id="plan"></div>
<script type="application/json" id="locations">{data}</script>"""
    return "Connection wizard", body, SCRIPT
