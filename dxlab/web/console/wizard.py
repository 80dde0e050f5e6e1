"""The connection wizard as maximum_resiliency.md step 2 walks it (resiliency_toolkit.md):
Get started -> Create a connection -> Connection ordering type (Connection wizard or
Classic) -> Resiliency level -> Next -> Configure connections -> Next -> Review ->
Continue -> Download LOA. Next asks /_dxlab/wizard/plan for the order summary, Continue
/_dxlab/wizard/order: the routes `dxlab wizard` calls, so the console adds no rule."""

from __future__ import annotations

import json
from html import escape

from dxlab.toolkit.plan import MODELS
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import region_cell
from dxlab.web.console.loa import APPROVE_JS
from dxlab.web.console.pages import Page

LEVELS = [
    ("maximum", "Maximum Resiliency"),
    ("high", "High Resiliency"),
    ("dev-test", "Development and Test"),
]


def _level_hint(model: str) -> str:
    """What a resiliency level orders and the SLA it can reach, from the plan's own table."""
    _, sla, locations, per_location = MODELS[model]
    where = "one location" if locations == 1 else f"each of {locations} locations"
    each = "one connection" if per_location == 1 else f"{per_location} connections"
    return f"{each} at {where}: " + ("no SLA" if sla == "none" else f"{sla} SLA")


BANDWIDTHS = ["1Gbps", "10Gbps", "100Gbps", "400Gbps", "2Gbps", "20Gbps", "40Gbps", "200Gbps"]
OTHER = "__other__"

SCRIPT = """
const LOC = JSON.parse(document.getElementById('locations').textContent);
const w = document.getElementById('wizard'), review = document.getElementById('review');
const steps = ['start', 'type', 'level', 'configure', 'review', 'ordered'];
function show(step) {
  steps.forEach(s => { document.getElementById('step-' + s).hidden = s !== step; });
  document.querySelectorAll('#steps li').forEach(li => li.classList.toggle('on', li.dataset.step === step));
  document.getElementById('step-' + step).querySelector('h2')?.focus();
}
const classic = () => w.ordering.value === 'classic';
const model = () => classic() ? 'classic' : w.level.value;
const twoLocations = () => ['maximum', 'high'].includes(model());
const loc = code => LOC.find(l => l.locationCode === code) || {subLocations: [], availableProviders: []};
function fillLocation(n) {
  const l = loc(w['loc' + n].value);
  const prov = w['provider' + n], keep = prov.value;
  prov.innerHTML = '<option value="">No provider (I order the cross-connect myself)</option>' +
    l.availableProviders.map(p => `<option>${esc(p)}</option>`).join('') + '<option value="__other__">Other</option>';
  if ([...prov.options].some(o => o.value === keep)) prov.value = keep;
  const sub = w['sub' + n], several = l.subLocations.length > 1;
  sub.innerHTML = '<option value="">No preference</option>' + l.subLocations.map(s => `<option>${esc(s.name)}</option>`).join('');
  document.querySelectorAll(`.sub${n}`).forEach(e => { e.hidden = !several || (n === 2 && !twoLocations()); });
  document.querySelectorAll(`.other${n}`).forEach(e => { e.hidden = prov.value !== '__other__' || (n === 2 && !twoLocations()); });
}
function layout() {
  document.querySelectorAll('.two').forEach(e => { e.hidden = !twoLocations(); });
  document.getElementById('loc1-label').textContent = twoLocations() ? 'First location' : 'Location';
  document.getElementById('provider1-label').textContent = twoLocations() ? 'First location service provider' : 'Service provider';
  document.getElementById('sub1-label').textContent = twoLocations() ? 'First Sub location' : 'Sub location';
  fillLocation(1); fillLocation(2);
}
function addTag(key = '', value = '') {
  const n = document.querySelectorAll('#tags .tag-row').length + 1, row = document.createElement('div');
  row.className = 'tag-row actions';
  row.innerHTML = `<label for="tag-key-${n}">Key</label><input id="tag-key-${n}" class="tag-key" value="${esc(key)}" data-words="key">
    <label for="tag-value-${n}">Value</label><input id="tag-value-${n}" class="tag-value" value="${esc(value)}" data-words="value">
    <button type="button" class="secondary">Remove tag</button>`;
  row.querySelector('button').addEventListener('click', () => row.remove());
  document.getElementById('tags').append(row);
}
function order() {
  const n = twoLocations() ? 2 : 1, locations = [], providers = [], subs = [];
  for (let i = 1; i <= n; i++) {
    locations.push(w['loc' + i].value);
    const p = w['provider' + i].value;
    providers.push(p === '__other__' ? w['other' + i].value.trim() : p);
    subs.push(w['sub' + i].value);
  }
  const b = {model: model(), bandwidth: w.bandwidth.value, locations, providers, subLocations: subs};
  const tags = [...document.querySelectorAll('#tags .tag-row')].map(r => ({key: r.querySelector('.tag-key').value,
                                                                           value: r.querySelector('.tag-value').value}));
  if (tags.length) b.tags = tags;
  return b;
}
function summary(p, body) {
  const shape = p.connectionsPerLag ? `${p.slots.length} LAG(s) of ${p.connectionsPerLag} × ${p.portBandwidth}`
                                    : `${p.connections} × ${p.portBandwidth}`;
  const rows = p.slots.map(s => `<tr><td><code>${esc(s.name)}</code></td><td>${esc(s.location)}</td>
    <td>${esc(p.subLocations[s.location] || 'No preference')}</td><td>${esc(p.providers[s.location] || '—')}</td></tr>`).join('');
  const tags = (body.tags || []).map(t => `<code>${esc(t.key)}</code> = ${esc(t.value)}`).join(', ') || '—';
  return `<dl class="summary">
    <dt>Region</dt><dd>${esc(p.region)}</dd>
    <dt>Resiliency level</dt><dd>${esc(p.resiliencyModel || p.model)}</dd>
    <dt>Connections</dt><dd>${esc(shape)} dedicated connection(s)</dd>
    <dt>SLA</dt><dd><b>${esc(p.sla)}</b></dd>
    <dt>Port-hour cost</dt><dd>$${Number(p.portHourCostUsd).toFixed(2)} per hour</dd>
    <dt>Monthly cost</dt><dd>$${Number(p.monthlyPortCostUsd).toLocaleString('en-US', {maximumFractionDigits: 2})} per month (ports only)</dd>
    <dt>Tags</dt><dd>${tags}</dd></dl>
    <div class="scroll"><table class="grid"><thead><tr><th>Name</th><th>Location</th><th>Sub location</th><th>Service provider</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}
function reviewNotice(text) {
  return text ? `<div class="notice" role="status"><b>This order goes to review.</b> ${esc(text)}: AWS reviews an order
    that names another provider before it issues the LOA-CFAs. dxlab stands in for that review: you approve the order
    after Continue.</div>` : '';
}
let planned = null;
document.getElementById('get-started').addEventListener('click', () => show('type'));
document.getElementById('type-next').addEventListener('click', () => { layout(); show(classic() ? 'configure' : 'level'); });
document.getElementById('level-next').addEventListener('click', () => { layout(); show('configure'); });
document.getElementById('configure-previous').addEventListener('click', () => show(classic() ? 'type' : 'level'));
document.getElementById('review-previous').addEventListener('click', () => show('configure'));
document.getElementById('add-tag').addEventListener('click', () => addTag());
['loc1', 'loc2', 'provider1', 'provider2'].forEach(n => w[n].addEventListener('change', () => fillLocation(n.endsWith('2') ? 2 : 1)));
document.getElementById('configure-next').addEventListener('click', async () => {
  const cfg = document.getElementById('step-configure');
  clearErrors(cfg);
  const body = order();
  try {
    for (let i = 0; i < body.providers.length; i++)
      if (w['provider' + (i + 1)].value === '__other__' && !body.providers[i])
        throw new Error('Name of other provider is required when the service provider is Other');
    // The API's own check of the tags (CreateConnection's model), before anything is ordered.
    if (body.tags) await dx('check/CreateConnection', {location: body.locations[0], bandwidth: body.bandwidth,
                                                        connectionName: 'check', tags: body.tags});
    const p = await dx('wizard/plan', body);
    planned = body;
    review.innerHTML = reviewNotice(p.review) + summary(p, body);
    show('review');
  } catch (e) { showError(cfg, e); }
});
document.getElementById('continue').addEventListener('click', async () => {
  const out = document.getElementById('ordered'), btn = document.getElementById('continue');
  btn.disabled = true;
  try {
    const o = await dx('wizard/order', planned);
    const loas = o.connectionIds.map(c => `<li><a href="/console/connections/${esc(c)}"><code>${esc(c)}</code></a> ·
      <a href="/console/loa/${esc(c)}.pdf" download>Download LOA</a></li>`).join('');
    const held = o.status === 'pending-review';
    out.innerHTML = `<p class="notice" role="status">Order <code>${esc(o.orderId)}</code> placed: ${o.connectionIds.length}
        connection(s) in resiliency group <code>${esc(o.resiliencyGroupId)}</code>.</p>` +
      (held ? `<div class="notice" id="held"><b>Held for review.</b> ${esc(o.review)}: the LOA-CFAs are issued once AWS
        approves the order.</div><div class="stand-in"><p>dxlab stands in for AWS's review (also
        <code>dxlab orders approve ${esc(o.orderId)}</code>).</p><button type="button" data-approve="${esc(o.orderId)}"
        id="approve">Approve order</button></div>` : '') +
      summary(o, planned) + `<h2>LOA-CFA</h2><ul id="loas" ${held ? 'hidden' : ''}>${loas}</ul>` +
      `<p class="muted">The matching customer side (two data centers, a router per connection) is loaded: add your VPCs
        on the <a href="/console/topology">Topology</a> page.</p>`;
    out.querySelector('#approve')?.addEventListener('click', async ev => {
      ev.target.disabled = true;
      try { await dx('orders/' + o.orderId + '/approve', {});
            out.querySelector('#held').outerHTML = `<p class="notice" role="status">Order <code>${esc(o.orderId)}</code>
              approved: the LOA-CFAs are ready.</p>`;
            out.querySelector('.stand-in').remove(); out.querySelector('#loas').hidden = false; }
      catch (e) { ev.target.insertAdjacentHTML('afterend', `<p class="error" role="alert">${esc(e.message)}</p>`); }
    });
    show('ordered');
  } catch (e) { clearErrors(review); showError(review, e); }
  finally { btn.disabled = false; }
});
layout();
// Connections -> Create a connection lands on the first question, as in the guide.
if (new URLSearchParams(location.search).has('create')) show('type');
"""


def _location_field(n: int, options: str, second: bool) -> str:
    two = " two" if second else ""
    first = n == 1
    return (
        f'<label for="loc{n}" id="loc{n}-label" class="{two}">{"First" if first else "Second"} location</label>'
        f'<select id="loc{n}" name="loc{n}" class="{two}" data-words="location">{options}</select>'
        f'<label for="provider{n}" id="provider{n}-label" class="{two}">{"First" if first else "Second"} location '
        f'service provider</label><select id="provider{n}" name="provider{n}" class="{two}" data-words="provider"></select>'
        f'<label for="other{n}" class="other{n}" hidden>Name of other provider</label>'
        f'<input id="other{n}" name="other{n}" class="other{n}" hidden data-words="other">'
        f'<label for="sub{n}" id="sub{n}-label" class="sub{n}" hidden>{"First" if first else "Second"} Sub location</label>'
        f'<select id="sub{n}" name="sub{n}" class="sub{n}" hidden data-words="sub-location sublocation"></select>'
    )


def wizard(b: Backend, q: dict[str, str]) -> Page:
    locations = b.route("GET", "/locations").get("locations", [])

    def options(selected: int) -> str:
        return "".join(
            f'<option value="{escape(loc["locationCode"])}"{" selected" if i == selected else ""}>'
            f"{escape(loc['locationCode'])} — {escape(loc['locationName'])}</option>"
            for i, loc in enumerate(locations)
        )

    levels = "".join(
        f'<label><input type="radio" name="level" value="{m}"{" checked" if i == 0 else ""}> <b>{escape(t)}</b> '
        f'<span class="hint">{escape(_level_hint(m))}</span></label><br>'
        for i, (m, t) in enumerate(LEVELS)
    )
    speeds = "".join(
        f"<option{' selected' if s == '10Gbps' else ''}>{s}</option>" for s in BANDWIDTHS
    )
    data = json.dumps(
        [
            {k: loc[k] for k in ("locationCode", "subLocations", "availableProviders")}
            for loc in locations
        ]
    )
    data = data.replace("<", "\\u003c")  # nothing in the JSON can close the script element
    # Colocation.md: each location is associated with a Region; the wizard orders in the
    # Region chosen in the top bar and offers only its locations.
    where = (
        f'<p class="muted" id="wizard-region">Ordering in {region_cell(b.region)}: the locations'
        " offered are this Region's. Choose another Region in the top bar to order there.</p>"
    )
    body = (
        where
        + f"""
<ol id="steps" class="tabs" aria-label="Steps"><li data-step="type">Connection ordering type</li>
 <li data-step="level">Resiliency level</li><li data-step="configure">Configure connections</li>
 <li data-step="review">Review</li><li data-step="ordered">Download LOA</li></ol>
<form id="wizard" onsubmit="return false">
<section id="step-start"><h2 tabindex="-1">Get started</h2>
 <p>Order dedicated connections with the Resiliency Toolkit's connection wizard: it places each connection on its
 own AWS device, names them, puts them in a resiliency group and shows the SLA and the cost before you order.</p>
 <button type="button" id="get-started">Create a connection</button></section>
<section id="step-type" hidden><h2 tabindex="-1">Connection ordering type</h2><div class="dx">
 <fieldset><legend>Ordering type</legend>
  <label><input type="radio" name="ordering" value="wizard" checked> <b>Connection wizard</b>
   <span class="hint">the Resiliency Toolkit: choose a resiliency level</span></label><br>
  <label><input type="radio" name="ordering" value="classic"> <b>Classic</b>
   <span class="hint">one connection at a time</span></label></fieldset>
 <span></span><span><button type="button" id="type-next">Next</button></span></div></section>
<section id="step-level" hidden><h2 tabindex="-1">Resiliency level</h2><div class="dx">
 <fieldset><legend>Resiliency level</legend>{levels}</fieldset>
 <span></span><span><button type="button" id="level-next">Next</button></span></div></section>
<section id="step-configure" hidden><h2 tabindex="-1">Configure connections</h2><div class="dx">
 <label for="bandwidth">Bandwidth</label><select id="bandwidth" name="bandwidth" data-words="bandwidth">{speeds}</select>
 {_location_field(1, options(0), False)}
 {_location_field(2, options(1), True)}
 <div class="wide" id="tags"><b>Tags</b> <span class="hint">(optional; on every connection of the order)</span></div>
 <span></span><span><button type="button" class="secondary" id="add-tag">Add tag</button></span>
 <span></span><span><button type="button" class="secondary" id="configure-previous">Previous</button>
 <button type="button" id="configure-next">Next</button></span></div></section>
<section id="step-review" hidden><h2 tabindex="-1">Review</h2><div id="review"></div>
 <p class="actions"><button type="button" class="secondary" id="review-previous">Previous</button>
 <button type="button" id="continue">Continue</button></p></section>
<section id="step-ordered" hidden><h2 tabindex="-1">Order placed</h2><div id="ordered"></div></section>
</form>
<script type="application/json" id="locations">{data}</script>"""
    )
    return "Create a connection", body, SCRIPT + APPROVE_JS
