"""A VIF's Peerings (add / delete an IPv4 or IPv6 BGP peer, their BGP status), the
router configuration download for each router type (WorkingWithVirtualInterfaces.md:
"Download router configuration"), and its Actions menu whose "Bring down BGP" starts a
failover test (resiliency_failover.md: choose the peering sessions and the test time,
then Confirm). All through the API operations; the state refreshes without a reload."""

from __future__ import annotations

from html import escape
from typing import Any

from dxlab.domain.failover import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES
from dxlab.domain.states import BGP_PEER, VirtualInterfaceState
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import badge, table


def peerings(b: Backend, v: dict[str, Any]) -> str:
    vid = escape(v["virtualInterfaceId"])
    peers = v.get("bgpPeers", [])
    rows = [
        (
            escape(p.get("bgpPeerId", "")),
            escape(p.get("addressFamily", "")),
            escape(str(p.get("asnLong") or p.get("asn", ""))),
            escape(p.get("customerAddress", "") or ""),
            escape(p.get("amazonAddress", "") or ""),
            f'<span data-live-peer="{escape(p.get("bgpPeerId", ""))}">{badge(p.get("bgpStatus"))}</span>',
            badge(p.get("bgpPeerState")),
            f'<button type="button" class="secondary" data-delete-peer="{escape(p.get("bgpPeerId", ""))}">Delete</button>',
        )
        for p in peers
    ]
    types = "".join(
        f'<option value="{escape(r["routerTypeIdentifier"])}">{escape(r["vendor"])} {escape(r["platform"])} '
        f"({escape(r['software'])})</option>"
        for r in b.route("GET", "/router-types").get("routerTypes", [])
    )
    testable = v.get("virtualInterfaceState") in (
        VirtualInterfaceState.AVAILABLE,
        VirtualInterfaceState.TESTING,
    )
    checks = "".join(
        f'<label><input type="checkbox" name="peer" value="{escape(p.get("bgpPeerId", ""))}" checked> '
        f"{escape(p.get('addressFamily', ''))} {escape(p.get('bgpPeerId', ''))} "
        f"({escape(p.get('customerAddress', '') or '')})</label><br>"
        for p in peers
        if p.get("bgpPeerState") not in BGP_PEER.gone
    )
    actions = (
        '<div class="actions"><button type="button" id="actions-btn" aria-haspopup="true" aria-expanded="false">'
        'Actions ▾</button><span id="actions-menu" hidden>'
        + (
            f'<button type="button" class="secondary" data-cancel-test="{vid}">Cancel test</button> '
            if v.get("virtualInterfaceState") == VirtualInterfaceState.TESTING
            else f'<button type="button" class="secondary" data-action="bring-down"{"" if testable else " disabled"}>'
            "Bring down BGP</button> "
        )
        + '<a href="#delete">Delete</a></span></div>'
        f'<form class="dx" id="bring-down" data-vif="{vid}" hidden><h2>Start failure test</h2>'
        '<p class="wide muted">Bring down BGP: the chosen peering sessions go down for the test time, then come '
        "back (Cancel test ends it earlier).</p>"
        f'<span>Peerings to bring down to test</span><div data-words="peer">{checks}</div>'
        f'<label for="minutes">Test maximum time (minutes)</label><input id="minutes" name="minutes" type="number" '
        f'min="{MIN_MINUTES}" max="{MAX_MINUTES}" value="{DEFAULT_MINUTES}" data-words="duration minutes">'
        '<label for="confirm-test">To confirm test, enter Confirm</label><input id="confirm-test" name="confirmText" '
        'autocomplete="off" data-words="confirm">'
        '<span></span><span><button type="submit">Confirm</button> '
        '<button type="button" class="secondary" id="bring-down-cancel">Cancel</button></span></form>'
    )
    return (
        actions
        + "<h2>Peerings</h2>"
        + table(
            (
                "Peer",
                "Address family",
                "BGP ASN",
                "Your router peer IP",
                "Amazon router peer IP",
                "BGP status",
                "State",
                "",
            ),
            rows,
            "No BGP peers.",
        )
        + f'<form class="dx" id="add-peer" data-vif="{vid}"><h2>Add peering</h2>'
        '<label for="peer-family">Address family</label><select id="peer-family" name="family" data-words="family">'
        '<option value="ipv4">IPv4</option><option value="ipv6">IPv6</option></select>'
        '<label for="peer-asn">BGP ASN</label><input id="peer-asn" name="asn" type="number" required data-words="asn">'
        '<label for="peer-customer">Your router peer IP</label><input id="peer-customer" name="customer" '
        'placeholder="169.254.10.1/30 (IPv4; empty: Amazon picks)" data-words="customeraddress customer">'
        '<label for="peer-amazon">Amazon router peer IP</label><input id="peer-amazon" name="amazon" '
        'data-words="amazonaddress amazon">'
        '<label for="peer-key">BGP authentication key</label><input id="peer-key" name="authKey" data-words="authkey">'
        '<span></span><button type="submit">Add peering</button></form>'
        f'<form class="dx" id="router-config" data-vif="{vid}"><h2>Router configuration</h2>'
        f'<label for="router-type">Router type</label><select id="router-type" name="router">{types}</select>'
        '<span></span><button type="submit">Download router configuration</button></form>'
    )


SCRIPT = """
const actionsBtn = document.getElementById('actions-btn'), menu = document.getElementById('actions-menu');
actionsBtn?.addEventListener('click', () => { menu.hidden = !menu.hidden; actionsBtn.setAttribute('aria-expanded', String(!menu.hidden)); });
const bringDown = document.getElementById('bring-down');
document.querySelector('[data-action="bring-down"]')?.addEventListener('click', () => { bringDown.hidden = false; menu.hidden = true; bringDown.minutes.focus(); });
// The failover page's "Bring down BGP…" link opens the dialog at once.
if (location.hash === '#bring-down' && bringDown && document.querySelector('[data-action="bring-down"]:not([disabled])'))
  bringDown.hidden = false;
document.getElementById('bring-down-cancel')?.addEventListener('click', () => { bringDown.hidden = true; });
bringDown?.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(bringDown);
  const peers = [...bringDown.querySelectorAll('input[name=peer]:checked')].map(i => i.value);
  if (bringDown.confirmText.value !== 'Confirm') { showError(bringDown, new Error('To confirm test, enter Confirm')); return; }
  try {
    const r = await op('StartBgpFailoverTest', {virtualInterfaceId: bringDown.dataset.vif, bgpPeers: peers,
                                               testDurationInMinutes: Number(bringDown.minutes.value)});
    location.href = '/console/failover/tests/' + r.virtualInterfaceTest.testId;
  } catch (e) { showError(bringDown, e); }
});
document.querySelectorAll('button[data-cancel-test]').forEach(b => b.addEventListener('click', confirmThen(
  'Cancel the failover test on ' + b.dataset.cancelTest + '? AWS restores the BGP peering sessions.', async () => {
    await op('StopBgpFailoverTest', {virtualInterfaceId: b.dataset.cancelTest}); location.reload();
  })));
const addPeer = document.getElementById('add-peer');
addPeer?.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(addPeer);
  const p = {addressFamily: addPeer.family.value, asn: Number(addPeer.asn.value)};
  if (addPeer.customer.value) p.customerAddress = addPeer.customer.value;
  if (addPeer.amazon.value) p.amazonAddress = addPeer.amazon.value;
  if (addPeer.authKey.value) p.authKey = addPeer.authKey.value;
  try { await op('CreateBGPPeer', {virtualInterfaceId: addPeer.dataset.vif, newBGPPeer: p}); location.reload(); }
  catch (e) { showError(addPeer, e); }
});
document.querySelectorAll('button[data-delete-peer]').forEach(b => b.addEventListener('click', confirmThen(
  'Delete BGP peer ' + b.dataset.deletePeer + '?', async () => {
    try { await op('DeleteBGPPeer', {virtualInterfaceId: addPeer.dataset.vif, bgpPeerId: b.dataset.deletePeer}); location.reload(); }
    catch (e) { showError(addPeer, e); }
  })));
const rc = document.getElementById('router-config');
rc?.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(rc);
  try {
    const r = await op('DescribeRouterConfiguration', {virtualInterfaceId: rc.dataset.vif, routerTypeIdentifier: rc.router.value});
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([r.customerRouterConfig], {type: 'text/plain'}));
    a.download = rc.dataset.vif + '-' + rc.router.value + '.txt'; document.body.append(a); a.click(); a.remove();
  } catch (e) { showError(rc, e); }
});
document.querySelectorAll('button[data-prefixes]').forEach(b => b.addEventListener('click', async () => {
  await dx('virtual-interfaces/' + b.dataset.vif + '/' + b.dataset.prefixes + '-prefixes', {}); location.reload();
}));
const accept = document.getElementById('accept');
accept?.addEventListener('submit', async ev => {
  ev.preventDefault(); clearErrors(accept);
  const kind = accept.dataset.kind, body = {virtualInterfaceId: accept.dataset.vif};
  const [gwKind, gwId] = (accept.gateway?.value || ':').split(':');
  if (gwKind === 'dxgw') body.directConnectGatewayId = gwId; else if (gwKind === 'vgw') body.virtualGatewayId = gwId;
  const name = {private: 'ConfirmPrivateVirtualInterface', public: 'ConfirmPublicVirtualInterface',
                transit: 'ConfirmTransitVirtualInterface'}[kind];
  try { await op(name, body); location.reload(); } catch (e) { showError(accept, e); }
});
// Live state: the VIF's state and each peer's BGP status, without a reload.
const liveVif = addPeer?.dataset.vif;
if (liveVif) setInterval(async () => {
  try {
    const [v] = (await op('DescribeVirtualInterfaces', {virtualInterfaceId: liveVif})).virtualInterfaces;
    const tone = s => ['available','up','completed'].includes(s) ? 'good' : ['down','deleted','rejected'].includes(s) ? 'bad' : 'wait';
    const st = document.querySelector('[data-live=state]');
    if (st && v) st.innerHTML = `<span class="badge ${tone(v.virtualInterfaceState)}">${esc(v.virtualInterfaceState)}</span>`;
    for (const p of v?.bgpPeers || []) {
      const el = document.querySelector(`[data-live-peer="${p.bgpPeerId}"]`);
      if (el) el.innerHTML = `<span class="badge ${tone(p.bgpStatus)}">${esc(p.bgpStatus)}</span>`;
    }
  } catch (e) { /* the next tick tries again */ }
}, 3000);
"""
