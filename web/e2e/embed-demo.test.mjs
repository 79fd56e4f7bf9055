// End to end: the embed demo (web/embed-demo/), a plain portal page using the wasm package,
// driven in headless Chromium. A tiny static server serves web/ (so /embed-demo/ and /pkg/
// resolve) plus a few test routes: a sync-server-like bundle URL with ETag and 304, and broken
// bundles. A person types into the ticket form and sees validation, masking by role, and the
// quote with its trace change. Every amount asserted below is worked out by hand from the
// rules of web/embed-demo/bundle.json in the comments beside it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..');
const root = join(web, '..');
const shots = process.env.JIMU_SCREENSHOTS ?? join(root, 'target/e2e');
// The wasm package served at /pkg/ (default: web/pkg, built by `cargo xtask wasm-pkg`).
const pkg = process.env.JIMU_PKG ?? join(web, 'pkg');
const demoBundlePath = join(web, 'embed-demo/bundle.json');
const demoBundle = readFileSync(demoBundlePath, 'utf8');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
};

/** A broken copy of the demo bundle: three mistakes, each with a known JSON pointer. */
function brokenBundle() {
  const doc = JSON.parse(demoBundle);
  doc.currency = 'RMB';
  doc.forms[0].fields[1].min = 'one';
  doc.pricing.groups[2].rules[0].effect.table = 'call-out-kms';
  return JSON.stringify(doc, null, 2);
}

/** The demo bundle with the air-conditioner repair at another price. */
function repricedBundle(price) {
  const doc = JSON.parse(demoBundle);
  doc.catalog.find((item) => item.id === 'repair-ac').price = price;
  return JSON.stringify(doc, null, 2);
}

// What the sync-server-like route serves, and every request it answered.
const sync = { body: demoBundle, version: 1, log: [], token: 'jimu_reader_for_tests' };
const etagOf = (body) => `"${createHash('sha256').update(body).digest('hex')}"`;

function serve(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const path = decodeURIComponent(url.pathname);
  if (path === '/__test__/sync/appliance-repair') {
    const etag = etagOf(sync.body);
    const conditional = req.headers['if-none-match'] ?? null;
    // Like the sync server: a reader token is needed.
    if (req.headers.authorization !== `Bearer ${sync.token}`) {
      sync.log.push({ ifNoneMatch: conditional, status: 401 });
      res.writeHead(401, { 'Content-Type': 'application/problem+json' });
      return res.end('{"title":"unauthorized","status":401}');
    }
    const status = conditional === etag ? 304 : 200;
    sync.log.push({ ifNoneMatch: conditional, status });
    res.writeHead(status, { ETag: etag, 'jimu-version': String(sync.version), 'Content-Type': 'application/json' });
    return res.end(status === 304 ? undefined : sync.body);
  }
  if (path === '/__test__/broken.json') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(brokenBundle());
  }
  if (path === '/__test__/syntax.json') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end('{\n  "schema_version": 2,\n  oops\n}');
  }
  const [base, rest] = path.startsWith('/pkg/') ? [pkg, path.slice('/pkg/'.length)] : [web, path.slice(1)];
  let file = normalize(join(base, rest));
  if (file !== base && !file.startsWith(base + sep)) {
    res.writeHead(403);
    return res.end();
  }
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    const body = readFileSync(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
}

let server;
let baseUrl;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  statSync(join(pkg, 'jimu.js')); // fails early, naming the file, when the package is not built
  server = createServer(serve);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

async function openDemo(query = '') {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.goto(`${baseUrl}/embed-demo/${query}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

const total = (page) => page.textContent('#quote-total').then((s) => s.trim());
const waitTotal = (page, expected) =>
  page
    .waitForFunction((want) => document.querySelector('#quote-total')?.textContent.trim() === want, expected, { timeout: 10_000 })
    .catch(async () => assert.fail(`total: expected ${expected}, page shows ${await page.textContent('#quote-area')}`));
/** A full-page screenshot from the top (the quote column is sticky). */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, name), fullPage: true });
}
const field = (id) => `.field[data-field="${id}"]`;
const issue = (id, rule) => `${field(id)} li.issue[data-rule="${rule}"]`;

test('the portal form validates, masks and prices as the person types', async () => {
  const { page, errors } = await openDemo();

  // The form renders from the engine's field states, in the bundle's three sections.
  assert.equal(await page.textContent('#form-title'), '家电报修');
  assert.deepEqual(await page.locator('#ticket-form legend').allTextContents(), ['报修设备', '上门安排', '联系方式']);
  assert.equal(await page.textContent(`${field('phone')} .label-text`), '手机号');
  assert.equal(await page.isVisible(`${field('phone')} .req`), true, 'phone is required');
  assert.equal(await page.inputValue('#f-appliance'), 'repair-ac', 'the default option shows');
  assert.equal(await page.inputValue('#f-units'), '1', 'the default quantity shows');
  assert.equal(await page.getAttribute(field('fault_detail'), 'data-visible'), 'false');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'invalid');
  // No distance yet: the quote asks for it instead of guessing.
  await page.waitForSelector('#quote[data-state="waiting"] li.need[data-field="distance_km"]');
  await shot(page, 'embed-demo-start.png');
  // Nothing is marked before the person touches a field; submitting shows every missing one:
  // fault, distance, date, name, phone and address (the rest have defaults).
  assert.equal(await page.locator('li.issue').count(), 0);
  await page.click('#submit');
  await page.waitForSelector(issue('fault', 'required'));
  assert.equal(await page.locator('#ticket-form li.issue[data-rule="required"]').count(), 6);
  assert.match(await page.textContent('#status'), /还有 6 处/);
  assert.equal(await page.isVisible('#submitted'), false);

  // 1 air-conditioner repair at 180.00; 2 km is within the first 3 km: call-out 30.00.
  await page.fill('#f-distance_km', '2');
  await waitTotal(page, '210.00');
  assert.equal(await page.locator('tr.quote-line').count(), 2);
  const callOut = page.locator('#trace li.step[data-rule="call-out-by-distance"]');
  assert.equal(await callOut.getAttribute('data-outcome'), 'applied');
  assert.match(await callOut.textContent(), /已应用/);
  assert.match(await callOut.locator('.formula').textContent(), /30/);
  assert.equal(
    await page.getAttribute('#trace li.step[data-rule="three-units-10-off"]', 'data-outcome'),
    'not_matched',
    'one unit: the several-units rule is traced as not matched',
  );

  // 7.2 km counts as 8 km: 30 + 5 × 5 = 55.00; 180.00 + 55.00 = 235.00.
  await page.fill('#f-distance_km', '7.2');
  await waitTotal(page, '235.00');
  assert.equal((await page.textContent('tr.quote-line[data-item="call-out"] .line-amount')).trim(), '¥55.00');

  // 3 units: 540.00 − 10% = 486.00; + 55.00 = 541.00.
  await page.fill('#f-units', '3');
  await waitTotal(page, '541.00');
  assert.equal(await page.getAttribute('#trace li.step[data-rule="three-units-10-off"]', 'data-outcome'), 'applied');
  assert.match(await page.textContent('#trace li.step[data-rule="three-units-10-off"] .formula'), /540\.00 × \(1 − 10%\) = 486/);

  // A quantity that is not a number: the field says so and the quote waits for it.
  await page.fill('#f-units', 'abc');
  await page.waitForSelector(issue('units', 'wrong-type'));
  await page.waitForSelector('#quote[data-state="waiting"] li.need[data-field="units"]');
  await page.fill('#f-units', '2.5');
  await page.waitForSelector(issue('units', 'expression'));
  assert.match(await page.textContent(issue('units', 'expression')), /台数应为整数/);
  await page.fill('#f-units', '3');
  await waitTotal(page, '541.00');
  assert.equal(await page.locator(`${field('units')} li.issue`).count(), 0, 'the error goes when fixed');

  // The phone: a bad number shows the bundle's message, a good one clears it.
  await page.fill('#f-phone', '12345');
  await page.waitForSelector(issue('phone', 'pattern'));
  assert.match(await page.textContent(issue('phone', 'pattern')), /请输入 11 位手机号/);
  assert.equal(await page.getAttribute(field('phone'), 'data-invalid'), 'true');
  await page.fill('#f-phone', '13812345678');
  await page.waitForSelector(issue('phone', 'pattern'), { state: 'detached' });

  // A field shown only when another has a value: "other" asks for a description, required.
  await page.selectOption('#f-fault', 'other');
  await page.waitForSelector(`${field('fault_detail')}[data-visible="true"]`);
  assert.equal(await page.isVisible(`${field('fault_detail')} .req`), true);
  await page.selectOption('#f-fault', 'noise');
  await page.waitForSelector(`${field('fault_detail')}[data-visible="false"]`, { state: 'attached' });

  // VIP: the member card number appears (required, with a pattern) and repairs take 10% off:
  // 486.00 − 10% = 437.40; + 55.00 = 492.40.
  await page.selectOption('#f-tier', 'vip');
  await waitTotal(page, '492.40');
  await page.waitForSelector(`${field('member_no')}[data-visible="true"][data-required="true"]`);
  assert.equal(await page.getAttribute('#trace li.step[data-rule="vip-repair-10-off"]', 'data-outcome'), 'applied');
  assert.equal(await page.getAttribute('#trace li.step[data-rule="svip-repair-20-off"]', 'data-outcome'), 'not_matched');
  await page.fill('#f-member_no', 'M12');
  await page.waitForSelector(issue('member_no', 'pattern'));
  await page.fill('#f-member_no', 'M123456');
  await page.waitForSelector(issue('member_no', 'pattern'), { state: 'detached' });

  // Evening visit: an evening fee line of 40.00 is added: 492.40 + 40.00 = 532.40.
  await page.selectOption('#f-time_window', 'evening');
  await waitTotal(page, '532.40');
  assert.equal((await page.textContent('tr.quote-line[data-item="evening-fee"] .line-amount')).trim(), '¥40.00');
  // Any time: 15.00 off the ticket, shown as an adjustment: 492.40 − 15.00 = 477.40.
  await page.selectOption('#f-time_window', 'flexible');
  await waitTotal(page, '477.40');
  assert.equal(await page.locator('tr.quote-line[data-item="evening-fee"]').count(), 0);
  assert.equal((await page.textContent('tr.adjustment[data-rule="flexible-15-off"] .amount')).trim(), '¥-15.00');
  assert.equal((await page.textContent('#quote-subtotal')).trim(), '492.40');

  // The rest of the required fields: the whole form becomes valid.
  await page.fill('#f-visit_date', '2026-12-01');
  await page.fill('#f-contact_name', '王女士');
  await page.fill('#f-address', '北京市朝阳区望京街 8 号');
  await page.waitForSelector('#status[data-state="valid"]');
  await shot(page, 'embed-demo-customer.png');

  // An agent sees the phone and card number masked by the engine, the address read-only, and
  // the raw phone number is nowhere in the page; the price does not depend on who looks.
  await page.selectOption('#role', 'agent');
  await page.waitForSelector(`${field('phone')}[data-access="masked"]`);
  assert.equal((await page.textContent(`${field('phone')} .shown-value`)).trim(), '138****5678');
  assert.equal(await page.isVisible('#f-phone'), false);
  assert.equal((await page.textContent(`${field('member_no')} .shown-value`)).trim(), 'M****56');
  assert.equal(await page.getAttribute(field('address'), 'data-access'), 'read_only');
  assert.equal((await page.textContent(`${field('address')} .shown-value`)).trim(), '北京市朝阳区望京街 8 号');
  const leaked = await page.evaluate(() =>
    document.documentElement.outerHTML.includes('13812345678') ||
    [...document.querySelectorAll('input, textarea, select')].some((c) => c.value.includes('13812345678')));
  assert.equal(leaked, false, 'the raw phone number is not in the page');
  assert.equal(await total(page), '477.40');
  // What leaves the form for this role is masked too.
  await page.click('#submit');
  await page.waitForSelector('#submitted:not([hidden])');
  const submitted = JSON.parse(await page.textContent('#submitted-values'));
  assert.equal(submitted.role, 'agent');
  assert.equal(submitted.values.phone, '138****5678');
  assert.equal(submitted.values.member_no, 'M****56');
  await shot(page, 'embed-demo-agent.png');

  // A technician does not see the membership at all; the price stays the same.
  await page.selectOption('#role', 'technician');
  await page.waitForSelector(`${field('tier')}[data-access="hidden"]`, { state: 'attached' });
  assert.equal(await page.isVisible(field('tier')), false);
  assert.equal(await total(page), '477.40');

  // Back to the customer: their own number is back in the field, editable.
  await page.selectOption('#role', 'customer');
  await page.waitForSelector(`${field('phone')}[data-access="editable"]`);
  assert.equal(await page.inputValue('#f-phone'), '13812345678');

  // English: labels and messages come from the engine's localized texts.
  await page.click('#lang-toggle');
  await page.waitForFunction(() => document.querySelector('.field[data-field="phone"] .label-text')?.textContent === 'Mobile phone');
  assert.match(await page.textContent('#status'), /ready to submit/);
  assert.match(await page.textContent('#trace li.step[data-rule="vip-repair-10-off"]'), /VIP: 10% off repairs/);
  await page.fill('#f-phone', '1381234');
  await page.waitForSelector(issue('phone', 'pattern'));
  assert.match(await page.textContent(issue('phone', 'pattern')), /enter an 11-digit mobile number/);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'invalid');
  await shot(page, 'embed-demo-en.png');

  assert.deepEqual(errors, [], 'no page errors');
  await page.close();
});

test('a bundle from a sync server URL: fetched again with its ETag, bad ones show every problem', async () => {
  sync.body = demoBundle;
  sync.version = 1;
  sync.log.length = 0;
  // Without the token the server refuses, and the page says so.
  const refused = await openDemo('?bundle=/__test__/sync/appliance-repair');
  await refused.page.waitForFunction(() => /401/.test(document.body.textContent));
  assert.deepEqual(sync.log.at(-1), { ifNoneMatch: null, status: 401 });
  await refused.page.close();
  const { page, errors } = await openDemo(`?bundle=/__test__/sync/appliance-repair&token=${sync.token}`);
  assert.match(await page.textContent('#bundle-source'), /\/__test__\/sync\/appliance-repair$/);
  assert.match(await page.textContent('#bundle-version'), /1/);
  await page.fill('#f-distance_km', '2');
  await waitTotal(page, '210.00');

  // Fetching again sends the ETag; the server answers 304 and nothing changes.
  await page.click('#bundle-reload');
  await page.waitForSelector('#bundle-status[data-kind="same"]');
  assert.match(await page.textContent('#bundle-status'), /304/);
  assert.deepEqual(sync.log.at(-1), { ifNoneMatch: etagOf(demoBundle), status: 304 });
  await waitTotal(page, '210.00');

  // A new version: the page takes it and keeps what the person typed: 200.00 + 30.00.
  sync.body = repricedBundle('200.00');
  sync.version = 2;
  await page.click('#bundle-reload');
  await page.waitForSelector('#bundle-status[data-kind="changed"]');
  assert.equal(sync.log.at(-1).status, 200);
  await waitTotal(page, '230.00');
  assert.equal(await page.inputValue('#f-distance_km'), '2');
  assert.match(await page.textContent('#bundle-version'), /2/);
  await page.close();

  // A broken bundle by URL: every problem, each with its JSON pointer, nothing else.
  const broken = await openDemo('?bundle=/__test__/broken.json');
  await broken.page.waitForSelector('#bundle-problems li.problem');
  assert.equal(await broken.page.isVisible('#workspace'), false);
  assert.equal(await broken.page.locator('#bundle-problems li.problem').count(), 3);
  for (const [path, code] of [
    ['/currency', 'unknown-currency'],
    ['/forms/0/fields/1/min', 'invalid-decimal'],
    ['/pricing/groups/2/rules/0/effect/table', 'unknown-reference'],
  ]) {
    const item = broken.page.locator(`#bundle-problems li.problem[data-path="${path}"][data-code="${code}"]`);
    assert.equal(await item.count(), 1, `${path} ${code}`);
    assert.ok((await item.textContent()).includes(path), `the text of ${path} shows its path`);
  }
  assert.match(
    await broken.page.textContent('#bundle-problems li.problem[data-code="unknown-reference"]'),
    /call-out-km/,
    'the did-you-mean hint shows',
  );
  assert.match(await broken.page.textContent('#bundle-problems h2'), /3 个问题/);
  await shot(broken.page, 'embed-demo-problems.png');

  // Broken JSON: one syntax problem at the root, with its line and column.
  await broken.page.goto(`${baseUrl}/embed-demo/?bundle=/__test__/syntax.json`);
  await broken.page.waitForSelector('#bundle-problems li.problem[data-code="json-syntax"][data-path=""]');
  assert.match(await broken.page.textContent('#bundle-problems li.problem'), /第 3 行/);

  // A bundle file the person picks replaces it, and the form is back.
  await broken.page.setInputFiles('#bundle-file', demoBundlePath);
  await broken.page.waitForSelector('#workspace:not([hidden]) .field[data-field="phone"]');
  assert.equal(await broken.page.isVisible('#bundle-problems'), false);
  assert.match(await broken.page.textContent('#bundle-source'), /bundle\.json/);
  await broken.page.fill('#f-distance_km', '12');
  // 12 km: 30 + 9 × 5 = 75.00; 180.00 + 75.00 = 255.00.
  await waitTotal(broken.page, '255.00');

  assert.deepEqual([...errors, ...broken.errors], [], 'no page errors');
  await broken.page.close();
});
