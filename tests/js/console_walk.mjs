// The maximum resiliency walk-through (maximum_resiliency.md steps 2-5) in the dxlab
// console, clicked through in Debian's Chromium with playwright-core (no downloaded
// browser). Run by tests/test_console_browser.py:
//   node console_walk.mjs BASE_URL ACCOUNT OUT_DIR
// It prints one JSON report: what each step showed, the files downloaded, every
// JavaScript error and every 4xx/5xx the browser met (the expected refusals apart).
import { chromium, request } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, account, out] = process.argv.slice(2);
const CHROMIUM = process.env.DXLAB_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'];
const report = { errors: [], badResponses: [], rejections: [], steps: {}, links: [], shots: [] };
let expecting = false; // inside expectRefusal(): a 4xx from /console/api/ is the point

const userData = mkdtempSync(join(tmpdir(), 'dxlab-chromium-'));
const context = await chromium.launchPersistentContext(userData, {
  executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
  acceptDownloads: true, timeout: 30000,
});
context.setDefaultTimeout(10000);
const checker = await request.newContext();
const checked = new Set(), pending = [];
async function checkLinks(page) {
  try {
    const acct = await page.$eval('#account', e => e.value).catch(() => account);
    // ... and in the page's Region (the top bar's selector): a resource has a page in its own.
    const region = await page.$eval('#region', e => e.value).catch(() => 'us-east-1');
    const hrefs = await page.$$eval('a[href^="/console"]', as => as.map(a => a.getAttribute('href').split('#')[0]));
    for (const href of hrefs) {
      const key = `${acct} ${region} ${href}`;
      if (checked.has(key) || href.includes('/logout') || checked.size > 400) continue;
      checked.add(key);
      // A link to another Region's resource names its Region (?region=): that one is kept.
      const inRegion = /[?&]region=/.test(href) ? '' : `&region=${region}`;
      const r = await checker.get(`${base}${href}${href.includes('?') ? '&' : '?'}account=${acct}${inRegion}`);
      report.links.push({ href, account: acct, region, status: r.status() });
    }
  } catch { /* the page moved on before its links were read */ }
}
async function settleLinks() { await Promise.all(pending.splice(0)); }

function watch(page) {
  page.on('pageerror', e => report.errors.push(`pageerror on ${page.url()}: ${e.message}`));
  page.on('console', m => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url || '';
    // Chromium logs a refused fetch as "Failed to load resource": expected inside expectRefusal.
    if (expecting && url.includes('/console/api/') && m.text().startsWith('Failed to load resource')) return;
    report.errors.push(`console error on ${page.url()}: ${m.text()} (${url})`);
  });
  page.on('response', r => {
    if (r.status() < 400) return;
    if (expecting && r.url().includes('/console/api/')) report.rejections.push({ url: r.url(), status: r.status() });
    else report.badResponses.push({ url: r.url(), status: r.status(), page: page.url() });
  });
  page.on('dialog', d => d.accept()); // "Delete ...? This cannot be undone." -> OK
  // Every console link of every page is fetched as soon as the page has loaded, in the
  // page's own account (a cookie jar of its own, so the browser's account never changes).
  page.on('load', () => { pending.push(checkLinks(page)); });
}

const page = await context.newPage();
watch(page);

async function shot(name) {
  const path = join(out, `console-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  report.shots.push(path);
}

async function expectRefusal(fn) {
  const before = report.rejections.length;
  expecting = true;
  try { await fn(); } finally { expecting = false; }
  if (report.rejections.length === before) throw new Error('expected the API to refuse, it did not');
}

const op = (name, body) => page.evaluate(([n, b]) => op(n, b), [name, body]);
const fieldError = async form => (await page.locator(`${form} .field-error`).first().textContent()).trim();
const errorNextTo = (form, id) => page.locator(`${form} #${id} + .field-error, ${form} :has(> #${id}) + .field-error`).count();

async function step(name, fn) {
  const t0 = Date.now();
  try { report.steps[name] = { ...(await fn()), ms: Date.now() - t0 }; await settleLinks(); }
  catch (e) {
    report.steps[name] = { failed: String(e.stack || e), url: page.url(), ms: Date.now() - t0 };
    await shot(`failed-${name}`).catch(() => {});
    throw e;
  }
}

try {
  // ---- Step 2: the connection wizard, as the guide walks it -------------------------------
  await step('order', async () => {
    // maximum_resiliency.md: "In the navigation pane, choose Connections, and then choose Create a connection".
    await page.goto(`${base}/console/?account=${account}`);
    await page.locator('nav').getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('link', { name: 'Create a connection' }).click();
    await page.getByLabel('Connection wizard').check();
    await page.locator('#type-next').click();
    await page.getByLabel('Maximum Resiliency').check();
    await page.locator('#level-next').click();
    await page.getByLabel('Bandwidth').selectOption('10Gbps');
    await page.getByLabel('First location', { exact: true }).selectOption('EqDC2');
    await page.getByLabel('First location service provider').selectOption({ label: 'Other' });
    await page.getByLabel('Name of other provider').first().fill('Acme Metro Fiber');
    await page.getByLabel('First Sub location').selectOption('Equinix DC2, Floor 1');
    await page.getByLabel('Second location', { exact: true }).selectOption('CSVA1');
    await page.getByLabel('Second location service provider').selectOption({ label: 'Other' });
    await page.locator('#other2').fill('Blue Ridge Networks');
    await page.getByLabel('Second Sub location').selectOption('CoreSite VA1, Floor 1');
    // An empty tag key: the API's own message, nothing ordered.
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('#tag-value-1').fill('network');
    await expectRefusal(() => page.locator('#configure-next').click().then(() =>
      page.locator('#step-configure .field-error').waitFor()));
    const emptyKey = await fieldError('#step-configure');
    const afterEmptyKey = (await op('DescribeConnections', {})).connections.length;
    await page.locator('#tag-key-1').fill('team');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('#tag-key-2').fill('env');
    await page.locator('#tag-value-2').fill('prod');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('#tags .tag-row').nth(2).getByRole('button', { name: 'Remove tag' }).click();
    await shot('configure');
    await page.locator('#configure-next').click();
    await page.locator('#step-review').waitFor({ state: 'visible' });
    const review = await page.locator('#step-review').innerText();
    await shot('review');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#step-ordered').waitFor({ state: 'visible' });
    const ordered = await page.locator('#ordered').innerText();
    const connections = await page.$$eval('#loas a[href^="/console/connections/"]', as => as.map(a => a.textContent.trim()));
    // Held for review: the LOA (in another tab) says so instead of an error, and offers the approval.
    const tab = await context.newPage();
    watch(tab);
    await tab.goto(`${base}/console/loa/${connections[0]}.pdf`);
    const heldLoa = await tab.locator('main').innerText();
    await tab.close();
    await shot('held');
    await page.getByRole('button', { name: 'Approve order' }).click();
    await page.locator('#loas').waitFor({ state: 'visible' });
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('#loas').getByRole('link', { name: 'Download LOA' }).first().click()]);
    const loaPath = join(out, download.suggestedFilename());
    await download.saveAs(loaPath);
    return { emptyKey, afterEmptyKey, review, ordered, connections, heldLoa, loaPath, loaName: download.suggestedFilename() };
  });

  await step('classic', async () => {
    await page.locator('nav').getByRole('link', { name: 'Connection wizard' }).click();
    await page.getByRole('button', { name: 'Create a connection' }).click(); // Get started
    await page.getByLabel('Classic').check();
    await page.locator('#type-next').click();
    await page.getByLabel('Bandwidth').selectOption('1Gbps');
    await page.getByLabel('Location', { exact: true }).selectOption('EqDC2');
    await page.getByLabel('Service provider', { exact: true }).selectOption('Colt');
    await page.locator('#configure-next').click();
    await page.locator('#step-review').waitFor({ state: 'visible' });
    const review = await page.locator('#review').innerText();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#step-ordered').waitFor({ state: 'visible' });
    const connections = await page.$$eval('#loas a[href^="/console/connections/"]', as => as.map(a => a.textContent.trim()));
    return { review, ordered: await page.locator('#ordered').innerText(), connections };
  });
  const conns = report.steps.order.connections;

  // ---- Gateways, and the customer side with its VPC ----------------------------------------
  await step('gateways', async () => {
    await page.goto(`${base}/console/gateways`);
    const gw = async (kind, cidr) => {
      await page.locator('#vpcgw-kind').selectOption(kind);
      await page.locator('#vpcgw-cidrs').fill(cidr);
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Create gateway' }).click()]);
    };
    await gw('vgw', '10.100.0.0/16');
    await gw('tgw', '10.200.0.0/16');
    const dxgw = async (name, asn) => {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Amazon side ASN').first().fill(String(asn));
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Create Direct Connect gateway' }).click()]);
    };
    await dxgw('core', 64512);
    await dxgw('transit-core', 64513);
    const ids = await page.$$eval('#assoc-gw option', os => os.map(o => o.value));
    const vgw = ids.find(i => i.startsWith('vgw-')), tgw = ids.find(i => i.startsWith('tgw-'));
    const dxgws = await page.$$eval('#assoc-dxgw option', os => os.map(o => [o.textContent, o.value]));
    const core = dxgws.find(([t]) => t.includes('(core)'))[1], transit = dxgws.find(([t]) => t.includes('(transit-core)'))[1];
    const associate = async (dx, gateway, prefixes) => {
      await page.locator('#assoc-dxgw').selectOption(dx);
      await page.locator('#assoc-gw').selectOption(gateway);
      await page.locator('#assoc-prefixes').fill(prefixes);
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Associate gateway' }).click()]);
    };
    await associate(core, vgw, '');
    await associate(transit, tgw, '10.200.0.0/16');
    await shot('gateways');
    return { vgw, tgw, core, transit, text: await page.locator('main').innerText() };
  });

  await step('topology', async () => {
    await page.goto(`${base}/console/topology`);
    const box = page.getByLabel('Topology (YAML)');
    const current = await box.inputValue();
    const vpcs = `vpcs:\n  prod:\n    cidr: 10.100.0.0/16\n    instance: 10.100.1.10\n    icmp: true\n    gateway: ${report.steps.gateways.vgw}\n`;
    await box.fill(current.replace(/^vpcs: \{\}\s*$/m, '') + '\n' + vpcs);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Load topology' }).click()]);
    return { loaded: (await box.inputValue()).includes('instance: 10.100.1.10'), hadConnections: conns.every(c => current.includes(c)) };
  });

  // ---- Step 3: virtual interfaces from the form ---------------------------------------------
  const vifCount = async () => (await op('DescribeVirtualInterfaces', {})).virtualInterfaces.length;
  async function fillVif({ kind = 'Private', name, connection, gateway, vlan, asn = 65000, mtu, prefixes, customer, amazon,
                           tags = [] }) {
    await page.getByLabel(kind, { exact: true }).check();
    await page.getByLabel('Virtual interface name').fill(name);
    await page.getByLabel('Connection', { exact: true }).selectOption(connection);
    if (kind === 'Private') await page.getByLabel('Gateway type').selectOption('dxgw');
    if (gateway) await page.getByLabel('Gateway', { exact: true }).selectOption(gateway);
    await page.getByLabel('VLAN').fill(String(vlan));
    await page.getByLabel('BGP ASN').fill(String(asn));
    await page.getByLabel('Your router peer IP').fill(customer || '');
    await page.getByLabel('Amazon router peer IP').fill(amazon || '');
    if (prefixes) await page.getByLabel('Prefixes you want to advertise').fill(prefixes);
    if (kind !== 'Public') await page.getByLabel('Jumbo MTU').selectOption(String(mtu || 1500));
    for (const [k, v] of tags) {
      await page.getByRole('button', { name: 'Add tag' }).click();
      await page.locator('#vif-tags .tag-key').last().fill(k);
      await page.locator('#vif-tags .tag-value').last().fill(v);
    }
  }
  async function createVif(spec) {
    await fillVif(spec);
    await page.getByRole('button', { name: 'Create virtual interface' }).click();
    const notice = page.locator('#created .notice');
    await notice.waitFor();
    const id = (await notice.locator('code').textContent()).trim();
    await page.locator('#vif-tags .tag-row button').evaluateAll(bs => bs.forEach(b => b.click()));
    return id;
  }
  async function refused(spec, fieldId) {
    const before = await vifCount();
    await fillVif(spec);
    await expectRefusal(async () => {
      await page.getByRole('button', { name: 'Create virtual interface' }).click();
      await page.locator('#create-vif .field-error').waitFor();
    });
    const message = await fieldError('#create-vif');
    const nextToField = await errorNextTo('#create-vif', fieldId);
    return { message, nextToField, created: (await vifCount()) - before };
  }

  await step('vifs', async () => {
    const { core, transit } = report.steps.gateways;
    await page.goto(`${base}/console/vifs`);
    await page.getByRole('link', { name: 'Create virtual interface' }).click();
    const privateVifs = [];
    for (let i = 0; i < 4; i++)
      privateVifs.push(await createVif({ name: `vif-${i + 1}`, connection: conns[i], gateway: core, vlan: 101 + i, mtu: 9001,
                                         tags: i === 0 ? [['team', 'network']] : [] }));
    const publicVif = await createVif({ kind: 'Public', name: 'public-1', connection: conns[0], vlan: 200,
      customer: '45.60.1.1/30', amazon: '45.60.1.2/30', prefixes: '45.60.1.0/24' });
    const transitVif = await createVif({ kind: 'Transit', name: 'transit-1', connection: conns[1], gateway: transit,
                                         vlan: 300, mtu: 8500 });
    await shot('create-vif');
    const badVlan = await refused({ name: 'bad-vlan', connection: conns[2], gateway: core, vlan: 5000 }, 'vif-vlan');
    const duplicateVlan = await refused({ name: 'dup-vlan', connection: conns[0], gateway: core, vlan: 101 }, 'vif-vlan');
    const transitMtu = await refused({ kind: 'Transit', name: 'big-mtu', connection: conns[3], gateway: transit, vlan: 301,
                                       mtu: 9001 }, 'vif-mtu');
    await shot('refused');
    return { privateVifs, publicVif, transitVif, badVlan, duplicateVlan, transitMtu };
  });

  await step('details', async () => {
    const { privateVifs, publicVif, transitVif } = report.steps.vifs;
    await page.goto(`${base}/console/connections`);
    await page.getByRole('link', { name: conns[0] }).click();
    const connection = await page.locator('main').innerText();
    await shot('connection');
    await page.getByRole('link', { name: privateVifs[0] }).click();
    // BGP comes up once the customer side is there: wait for the live badge, without reloading.
    await page.locator('[data-live-peer] .badge', { hasText: 'up' }).first().waitFor({ timeout: 8000 });
    const vif = await page.locator('main').innerText();
    const frr = await page.$$eval('#router-type option', os => os.find(o => o.textContent.includes('FRRouting')).value);
    await page.getByLabel('Router type').selectOption(frr);
    const [config] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download router configuration' }).click()]);
    const configPath = join(out, config.suggestedFilename());
    await config.saveAs(configPath);
    await shot('vif');
    // Peerings: add an IPv6 peer, then delete it (with the confirmation); a tag added and removed.
    await page.getByLabel('Address family', { exact: true }).selectOption('ipv6');
    await page.locator('#peer-asn').fill('65000');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Add peering' }).click()]);
    const peersAfterAdd = await page.locator('button[data-delete-peer]').count();
    const ipv6Shown = (await page.locator('main').innerText()).includes('ipv6');
    await Promise.all([page.waitForEvent('load'), page.locator('button[data-delete-peer]').nth(1).click()]);
    const peersAfterDelete = await page.locator('main').innerText();
    await page.locator('#tag-key').fill('owner');
    await page.locator('#tag-value').fill('netops');
    await Promise.all([page.waitForEvent('load'), page.locator('form[data-tags] button').click()]);
    const tagged = (await op('DescribeVirtualInterfaces', { virtualInterfaceId: privateVifs[0] })).virtualInterfaces[0].tags;
    await Promise.all([page.waitForEvent('load'), page.locator('button[data-untag="owner"]').click()]);
    const untagged = (await op('DescribeVirtualInterfaces', { virtualInterfaceId: privateVifs[0] })).virtualInterfaces[0].tags;
    // A public VIF waits for AWS's prefix review; dxlab's stand-in decides it here.
    await page.goto(`${base}/console/vifs/${publicVif}`);
    const review = await page.locator('.stand-in').innerText();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Approve prefixes' }).click()]);
    const publicState = await page.locator('[data-live=state]').innerText();
    // Delete the transit VIF, with the confirmation.
    await page.goto(`${base}/console/vifs/${transitVif}`);
    await settleLinks(); // its links, read before it is deleted
    await Promise.all([page.waitForURL(/\/console\/vifs$/), page.locator('form[data-delete] button').click()]);
    const transitState = (await op('DescribeVirtualInterfaces', { virtualInterfaceId: transitVif })).virtualInterfaces[0]?.virtualInterfaceState;
    return { connection, vif, configPath, review, publicState, transitState, peersAfterAdd, ipv6Shown, peersAfterDelete,
             tagged, untagged };
  });

  // ---- Step 4: Bring down BGP, the test history and its report -----------------------------
  await step('failover', async () => {
    const { privateVifs, transitVif } = report.steps.vifs;
    await page.goto(`${base}/console/failover`);
    const offered = await page.locator('main table').first().innerText();
    // resiliency_failover.md: Virtual interfaces, select the VIF, Actions, Bring down BGP.
    await page.locator('nav').getByRole('link', { name: 'Virtual interfaces' }).click();
    await page.getByLabel(`Select ${privateVifs[0]}`).check();
    await page.getByRole('button', { name: /Actions/ }).click();
    await page.getByRole('button', { name: 'Bring down BGP' }).click();
    await page.locator('#bring-down').waitFor();
    const peers = await page.locator('#bring-down input[name=peer]').count();
    await page.getByLabel('Test maximum time (minutes)').fill('30');
    await page.getByRole('button', { name: 'Confirm' }).click();
    const unconfirmed = await fieldError('#bring-down');
    await page.getByLabel('To confirm test, enter Confirm').fill('Confirm');
    await Promise.all([page.waitForURL(/failover\/tests\//), page.getByRole('button', { name: 'Confirm' }).click()]);
    const during = await page.locator('main').innerText();
    await shot('test-report');
    // The report refreshes itself while the test runs.
    const liveElapsed = await page.locator('#elapsed').textContent();
    await page.waitForFunction(t => document.getElementById('elapsed').textContent !== t, liveElapsed, { timeout: 8000 });
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Stop test' }).click()]);
    const after = await page.locator('main').innerText();
    // The VIF page's history: status, start, end, and a link to the report.
    await page.goto(`${base}/console/vifs/${privateVifs[0]}`);
    const history = await page.locator('main').innerText();
    // Live: another client starts a test on the second VIF; its page shows it without a reload.
    await page.goto(`${base}/console/vifs/${privateVifs[1]}`);
    await op('StartBgpFailoverTest', { virtualInterfaceId: privateVifs[1], testDurationInMinutes: 5 });
    await page.locator('[data-live=state] .badge', { hasText: 'testing' }).waitFor({ timeout: 8000 });
    await page.locator('[data-live-peer] .badge', { hasText: 'down' }).first().waitFor({ timeout: 8000 });
    await page.reload();
    await page.getByRole('button', { name: /Actions/ }).click();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Cancel test' }).click()]);
    const cancelled = await page.locator('main').innerText();
    // An injected failure from the same page: a whole location.
    await page.goto(`${base}/console/failover`);
    await page.getByLabel('What fails').selectOption('location');
    await page.getByLabel('Which (ID or name)').fill('CSVA1');
    await page.getByLabel('Minutes').fill('5');
    await Promise.all([page.waitForURL(/failover\/failures\//), page.getByRole('button', { name: 'Inject failure' }).click()]);
    const failure = await page.locator('main').innerText();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Restore' }).click()]);
    const restored = await page.locator('main').innerText();
    return { offered, transitOffered: offered.includes(transitVif), peers, unconfirmed, during, after, history, cancelled,
             failure, restored };
  });

  // ---- Step 5: verify from both data centers -------------------------------------------------
  await step('verify', async () => {
    await page.locator('nav').getByRole('link', { name: 'Verify' }).click();
    const out = {};
    for (const site of ['dc1', 'dc2']) {
      await page.getByLabel('Data center').selectOption(site);
      await page.getByLabel('VPC', { exact: true }).selectOption('prod');
      await page.getByRole('button', { name: 'Run traceroute and ping' }).click();
      await page.locator(`.pair[data-site="${site}"]`).waitFor();
      out[site] = await page.locator(`.pair[data-site="${site}"]`).innerText();
      out[site + 'DxHop'] = await page.locator(`.pair[data-site="${site}"] tr.dx-hop`).count();
    }
    await shot('verify');
    // The classic order's data center has no VIF: verify says why it fails.
    await page.getByLabel('Data center').selectOption('dc3');
    await page.getByRole('button', { name: 'Run traceroute and ping' }).click();
    await page.locator('.pair[data-site="dc3"]').waitFor();
    out.dc3 = await page.locator('.pair[data-site="dc3"]').innerText();
    out.dc3Reason = await page.locator('.pair[data-site="dc3"] .reason').innerText();
    return out;
  });

  // ---- Regions: the top bar's selector; a connection ordered in us-west-2 shows there only ----
  await step('regions', async () => {
    const ids = async () => page.$$eval('main a[href^="/console/connections/"]', as => as.map(a => a.textContent.trim()));
    await page.goto(`${base}/console/connections`);
    const selected = await page.locator('#region').inputValue();
    await Promise.all([page.waitForURL(/region=us-west-2/), page.getByLabel('Region', { exact: true }).selectOption('us-west-2')]);
    const westBefore = await ids();
    // The wizard in us-west-2: it says the Region and offers that Region's locations only.
    await page.locator('nav').getByRole('link', { name: 'Connection wizard' }).click();
    const wizardRegion = await page.locator('#wizard-region').innerText();
    await page.getByRole('button', { name: 'Create a connection' }).click();
    await page.getByLabel('Classic').check();
    await page.locator('#type-next').click();
    const offered = await page.$$eval('#loc1 option', os => os.map(o => o.value));
    await page.getByLabel('Bandwidth').selectOption('1Gbps');
    await page.getByLabel('Location', { exact: true }).selectOption('EqSe2-EQ');
    await page.locator('#configure-next').click();
    await page.locator('#step-review').waitFor({ state: 'visible' });
    const review = await page.locator('#review').innerText();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#step-ordered').waitFor({ state: 'visible' });
    const [west] = await page.$$eval('#loas a[href^="/console/connections/"]', as => as.map(a => a.textContent.trim()));
    await page.locator('nav').getByRole('link', { name: 'Connections' }).click();
    const westAfter = await ids();
    await shot('region-west');
    await page.getByRole('link', { name: west }).click();
    const westPage = await page.locator('main').innerText();
    // Back to US East (N. Virginia): the Oregon connection is gone from the list, the order's are there.
    await Promise.all([page.waitForURL(/region=us-east-1/), page.getByLabel('Region', { exact: true }).selectOption('us-east-1')]);
    const eastAfter = await ids();
    await shot('region-east');
    // Direct Connect gateways are global: the same list in every Region.
    await page.locator('nav').getByRole('link', { name: 'Gateways' }).click();
    const gatewaysEast = await page.locator('main table').first().innerText();
    await shot('region-gateways');
    return { selected, westBefore, wizardRegion, offered, review, west, westAfter, westPage, eastAfter, gatewaysEast,
             regionAfter: await page.locator('#region').inputValue() };
  });

  // ---- Across accounts: a hosted VIF accepted by its owner, a gateway association proposal ----
  const other = String(BigInt(account) + 1n).padStart(12, '0');
  await step('accounts', async () => {
    const { core } = report.steps.gateways;
    await page.goto(`${base}/console/vifs/create`);
    await page.getByLabel('Virtual interface owner', { exact: true }).selectOption('other');
    await page.getByLabel('Virtual interface owner account ID').fill(other);
    await page.getByLabel('Virtual interface name').fill('hosted-1');
    await page.getByLabel('Connection', { exact: true }).selectOption(conns[2]);
    await page.getByLabel('VLAN').fill('150');
    await page.getByLabel('BGP ASN').fill('65010');
    await page.getByLabel('Your router peer IP').fill('');
    await page.getByLabel('Amazon router peer IP').fill('');
    await page.getByLabel('Jumbo MTU').selectOption('1500');
    await page.getByRole('button', { name: 'Create virtual interface' }).click();
    const hosted = (await page.locator('#created .notice code').textContent()).trim();
    // The owner account: a Direct Connect gateway and a VGW of its own, then Accept.
    await page.goto(`${base}/console/gateways?account=${other}`);
    await page.getByLabel('Name', { exact: true }).fill('theirs');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Create Direct Connect gateway' }).click()]);
    await page.locator('#vpcgw-cidrs').fill('10.50.0.0/16');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Create gateway' }).click()]);
    await page.goto(`${base}/console/vifs/${hosted}`);
    const confirming = await page.locator('main').innerText();
    await page.getByLabel('Gateway', { exact: true }).selectOption({ index: 0 });
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Accept' }).click()]);
    const accepted = await page.locator('[data-live=state]').innerText();
    // The owner proposes its VGW to the first account's Direct Connect gateway "core" ...
    await page.goto(`${base}/console/gateways`);
    await page.getByLabel('Direct Connect gateway ID').fill(core);
    await page.getByLabel('Direct Connect gateway owner account').fill(account);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Propose association' }).click()]);
    // ... which that account accepts.
    await page.goto(`${base}/console/gateways?account=${account}`);
    const proposals = await page.locator('main').innerText();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Accept' }).click()]);
    const afterAccept = await page.locator('main').innerText();
    // The classic connection, deleted from its page with the confirmation.
    const classic = report.steps.classic.connections[0];
    await page.goto(`${base}/console/connections/${classic}`);
    await settleLinks();
    await Promise.all([page.waitForURL(/\/console\/connections$/), page.locator('form[data-delete] button').click()]);
    return { other, hosted, confirming, accepted, proposals, afterAccept, classic };
  });

  // ---- Layout at 800 px, and every console link met on the way ------------------------------
  await step('narrow', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    const overflow = {}, unlabelled = {};
    const { privateVifs } = report.steps.vifs;
    for (const path of ['/console/', '/console/connections', '/console/vifs', `/console/vifs/${privateVifs[0]}`,
                        '/console/vifs/create', '/console/gateways', '/console/failover', '/console/wizard',
                        `/console/connections/${conns[0]}`, '/console/verify', '/console/topology']) {
      await page.goto(base + path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 800) overflow[path] = width;
      // Every form field has a label (or is inside one).
      const bare = await page.$$eval('input, select, textarea', els => els
        .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
        .map(e => e.id || e.name || e.outerHTML.slice(0, 60)));
      if (bare.length) unlabelled[path] = bare;
    }
    await shot('narrow-connections');
    return { overflow, unlabelled, linksChecked: report.links.length };
  });
} catch (e) {
  report.failure = String(e.stack || e);
} finally {
  await settleLinks();
  await context.close();
  await checker.dispose();
  rmSync(userData, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
