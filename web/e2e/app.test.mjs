// End to end: `jimu serve` with the built configurator, driven in headless Chromium.
// A person loads a valid bundle and sees the quote, then an invalid one and sees each
// problem with its path; an admin publishes from the app's server panel (new bundle, next
// version, a conflict that keeps their text, refusals, history and rollback).
// Screenshots land in target/e2e/ for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const bundles = join(root, 'tests/conformance/bundles');
const jimuBin = process.env.JIMU_BIN ?? join(root, 'target/debug/jimu');
const dist = process.env.JIMU_DIST ?? join(root, 'dist');
const shots = process.env.JIMU_SCREENSHOTS ?? join(root, 'target/e2e');

let server;
let baseUrl;
let browser;
let dataDir;
let filesDir;
let publisher;
let bob;
let admin;
let reader;

/** Makes a token with `jimu token create` (it prints the token alone on one line). */
function makeToken(role, label) {
  const out = execFileSync(jimuBin, ['token', 'create', '--role', role, '--label', label, '--data', dataDir], {
    encoding: 'utf8',
  });
  assert.match(out, /^jimu_[0-9a-f]{64}\n$/);
  return out.trim();
}

/** Starts `jimu serve` on a free loopback port and resolves with its URL. */
function startServer() {
  dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-'));
  filesDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-files-'));
  // Writes need a publisher token; the label is the author in the history.
  publisher = makeToken('publisher', 'alice');
  bob = makeToken('publisher', 'bob');
  admin = makeToken('admin', 'ops');
  reader = makeToken('reader', 'portal');
  server = spawn(jimuBin, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir, '--dist', dist], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  let stderr = '';
  server.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jimu serve did not start:\n${stderr}`)), 30_000);
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/running at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`jimu serve exited with ${code}:\n${stderr}`)));
  });
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  baseUrl = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

async function openApp() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  // Refusals the tests provoke (401, 412, …) are logged by Chromium as failed loads: not page errors.
  page.on(
    'console',
    (msg) => msg.type() === 'error' && !/Failed to load resource/.test(msg.text()) && errors.push(msg.text()),
  );
  await page.goto(baseUrl);
  await page.waitForSelector('#bundle-input', { timeout: 30_000 });
  return { page, errors };
}

test('the server answers its API next to the app', async () => {
  const health = await fetch(new URL('api/health', baseUrl));
  assert.equal(health.status, 200);
  const bundle = readFileSync(join(bundles, 'home-services.json'), 'utf8');
  // Publishing is conditional: a new bundle with `If-None-Match: *`, a change with `If-Match`.
  const json = { 'content-type': 'application/json' };
  const auth = { authorization: `Bearer ${publisher}` };
  const create = { method: 'PUT', body: bundle, headers: { 'if-none-match': '*', ...json } };
  const anonymous = await fetch(new URL('api/bundles/home-services', baseUrl), create);
  assert.equal(anonymous.status, 401);
  create.headers = { ...create.headers, ...auth };
  const put = await fetch(new URL('api/bundles/home-services', baseUrl), create);
  assert.equal(put.status, 201);
  const got = await fetch(new URL('api/bundles/home-services', baseUrl), { headers: auth });
  assert.equal(await got.text(), bundle);
  const again = await fetch(new URL('api/bundles/home-services', baseUrl), {
    headers: { 'if-none-match': got.headers.get('etag'), ...auth },
  });
  assert.equal(again.status, 304);
  const bad = await fetch(new URL('api/bundles/broken', baseUrl), {
    method: 'PUT',
    headers: { 'if-none-match': '*', ...json, ...auth },
    body: readFileSync(join(bundles, 'many-problems.json'), 'utf8'),
  });
  assert.equal(bad.status, 422);
  assert.equal((await bad.json()).problems.length, 16);
});

test('a valid bundle shows its live quote; an invalid one shows every problem with its path', async () => {
  const { page, errors } = await openApp();

  // A valid bundle, loaded from a file: the quote appears with each item at quantity 1.
  await page.setInputFiles('#bundle-file', join(bundles, 'home-services.json'));
  await page.waitForSelector('#quote');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'valid');
  assert.equal(await page.locator('tr.quote-line').count(), 5);
  // 120.00 + 30.00 + 80.00 + 0.125 → 0.13 + 1399.99
  assert.equal((await page.textContent('#quote-total')).trim(), '1630.12');

  // Typing a quantity re-prices at once.
  await page.fill('input.qty[data-item="ac-clean"]', '3');
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent.trim() === '1870.12');
  await page.screenshot({ path: join(shots, 'quote.png'), fullPage: true });

  // A quantity that is not a number shows the request's problem, not a wrong total.
  await page.fill('input.qty[data-item="filter-mesh"]', 'abc');
  await page.waitForSelector('#problems li.problem[data-path="/lines/3/quantity"]');
  await page.fill('input.qty[data-item="filter-mesh"]', '1');
  await page.waitForSelector('#quote');

  // An invalid bundle: every problem, each with its JSON pointer.
  await page.setInputFiles('#bundle-file', join(bundles, 'many-problems.json'));
  await page.waitForSelector('#problems li.problem');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'invalid');
  assert.equal(await page.locator('#quote').count(), 0);
  const problems = page.locator('#problems li.problem');
  assert.equal(await problems.count(), 16);
  for (const [path, code] of [
    ['/catalogue', 'unknown-field'],
    ['/currency', 'unknown-currency'],
    ['/catalog/0/price', 'negative'],
    ['/catalog/2/prcie', 'unknown-field'],
    ['/catalog/6', 'wrong-type'],
  ]) {
    const item = page.locator(`#problems li.problem[data-path="${path}"][data-code="${code}"]`);
    assert.equal(await item.count(), 1, `${path} ${code}`);
    assert.ok((await item.textContent()).includes(path), `the text of ${path} shows its path`);
  }
  await page.screenshot({ path: join(shots, 'problems.png'), fullPage: true });

  // Pasting broken JSON: one syntax problem at the root, with line and column.
  await page.fill('#bundle-input', '{\n  "schema_version": 1,\n  oops\n}');
  await page.waitForSelector('#problems li.problem[data-code="json-syntax"][data-path=""]');
  const syntax = await page.textContent('#problems li.problem[data-code="json-syntax"]');
  assert.match(syntax, /第 3 行，第 3 列/);

  // The language switch changes the messages (zh-CN is the default).
  const before = await page.textContent('#status');
  await page.click('#lang-toggle');
  await page.waitForFunction((old) => document.querySelector('#status')?.textContent !== old, before);
  assert.notEqual(await page.textContent('#status'), before);
  await page.screenshot({ path: join(shots, 'problems-en.png'), fullPage: true });

  assert.deepEqual(errors, [], 'no page errors');
  await page.close();
});

// ---------- publishing from the configurator ----------

const homeServices = readFileSync(join(bundles, 'home-services.json'), 'utf8');

/** A request to the server's API, as another client would send it. */
function api(path, { token, ...init } = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(new URL(`api/${path}`, baseUrl), { ...init, headers });
}

/** Publishes `content` as another client (`etag` of the version changed, or create). */
async function publishBehind(name, content, { token, etag, message = '' }) {
  const condition = etag ? { 'if-match': etag } : { 'if-none-match': '*' };
  const res = await api(`bundles/${name}?message=${encodeURIComponent(message)}`, {
    method: 'PUT',
    token,
    headers: { 'content-type': 'application/json', ...condition },
    body: content,
  });
  assert.ok(res.status === 200 || res.status === 201, `publish ${name}: ${res.status} ${await res.clone().text()}`);
  return { etag: res.headers.get('etag'), ...(await res.json()) };
}

async function newest(name) {
  const res = await api(`bundles/${name}`, { token: admin });
  return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

async function history(name) {
  const res = await api(`bundles/${name}/versions`, { token: admin });
  return { status: res.status, versions: res.ok ? (await res.json()).versions : [] };
}

async function auditLength() {
  const res = await api('audit?limit=1000', { token: admin });
  assert.equal(res.status, 200);
  return (await res.json()).entries.length;
}

/** A bundle file in a scratch directory (the file name suggests the bundle name). */
function bundleFile(name, content) {
  const path = join(filesDir, name);
  writeFileSync(path, content);
  return path;
}

/** Every request the page makes to /api, with all its headers. */
function watchApi(page) {
  const seen = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) seen.push({ request, path: url.pathname + url.search });
  });
  return {
    async calls(method) {
      const picked = seen.filter(({ request }) => !method || request.method() === method);
      return Promise.all(
        picked.map(async ({ request, path }) => ({
          method: request.method(),
          path,
          headers: await request.allHeaders(),
          body: request.postData(),
        })),
      );
    },
  };
}

/** Types the token as a person does, then leaves the field (which reads the bundle list). */
async function enterToken(page, token) {
  await page.fill('#server-token', token);
  await page.locator('#server-token').blur();
}

const editorText = (page) => page.inputValue('#bundle-input');

async function outcome(page, kind) {
  const box = page.locator(`#publish-outcome[data-kind="${kind}"]`);
  await box.waitFor({ timeout: 15_000 });
  return (await box.textContent()).replace(/\s+/g, ' ');
}

test('an admin publishes from the app: a new bundle, the next version, and a conflict that keeps their text', async () => {
  const { page, errors } = await openApp();
  const sent = watchApi(page);

  // The token is masked, kept in localStorage and never put in the URL.
  assert.equal(await page.getAttribute('#server-token', 'type'), 'password');
  await enterToken(page, publisher);
  assert.equal(await page.evaluate(() => localStorage.getItem('jimu.token')), publisher);
  // The first test published home-services: the list shows it with its version and author.
  const listed = page.locator('#bundle-list tr[data-name="home-services"]');
  await listed.waitFor();
  assert.match(await listed.textContent(), /home-services\s*1/);

  // A bundle from a file: its name comes from the file name; it is new on the server.
  await page.setInputFiles('#bundle-file', bundleFile('shop-prices.json', homeServices));
  await page.waitForFunction(() => document.querySelector('#bundle-name')?.value === 'shop-prices');
  await page.waitForSelector('#publish-base[data-mode="create"]');
  await page.waitForSelector('#history-none');
  await page.fill('#publish-message', '首版价目 first prices');
  await page.click('#publish');
  assert.match(await outcome(page, 'published'), /shop-prices.*版本 1/);
  await page.waitForSelector('#publish-base[data-mode="update"][data-version="1"][data-edited="false"]');
  assert.equal(await page.inputValue('#publish-message'), '', 'the message is cleared once published');
  await page.waitForSelector('#history tr[data-version="1"]');
  await page.screenshot({ path: join(shots, 'publish-new.png'), fullPage: true });

  let stored = await history('shop-prices');
  assert.deepEqual(
    stored.versions.map((v) => [v.version, v.author, v.message]),
    [[1, 'alice', '首版价目 first prices']],
  );
  const v1 = await newest('shop-prices');
  assert.equal(v1.text, homeServices, 'the exact text of the file');
  let [create] = await sent.calls('PUT');
  assert.equal(create.path, `/api/bundles/shop-prices?message=${encodeURIComponent('首版价目 first prices')}`);
  assert.equal(create.headers.authorization, `Bearer ${publisher}`);
  assert.equal(create.headers['content-type'], 'application/json');
  assert.equal(create.headers['if-none-match'], '*');
  assert.equal(create.headers['if-match'], undefined);
  assert.equal(create.body, homeServices);

  // An edit, published over version 1 (If-Match of its ETag).
  const edited = homeServices.replace('"120.00"', '"135.00"');
  await page.fill('#bundle-input', edited);
  await page.waitForSelector('#publish-base[data-version="1"][data-edited="true"]');
  await page.fill('#publish-message', 'AC cleaning 135');
  await page.click('#publish');
  assert.match(await outcome(page, 'published'), /shop-prices 已发布为版本 2/);
  await page.waitForSelector('#history tr[data-version="2"]');
  const update = (await sent.calls('PUT'))[1];
  assert.equal(update.headers['if-match'], v1.etag);
  assert.equal(update.headers['if-none-match'], undefined);
  assert.equal(update.body, edited);

  // Someone else publishes version 3 behind the app's back.
  const v2 = await newest('shop-prices');
  assert.equal(v2.text, edited);
  const theirs = edited.replace('"30.00"', '"45.00"');
  const bobs = await publishBehind('shop-prices', theirs, { token: bob, etag: v2.etag, message: 'call-out 45' });
  assert.equal(bobs.version, 3);

  // The app publishes over version 2: refused, nothing overwritten, the person's text kept.
  const mine = edited.replace('"80.00"', '"95.00"');
  await page.fill('#bundle-input', mine);
  await page.click('#publish');
  const conflict = await outcome(page, 'conflict');
  assert.match(conflict, /未发布/);
  assert.match(conflict, /版本 2/);
  assert.match(conflict, /bob/);
  assert.match(conflict, /shop-prices 的版本 3/);
  assert.equal(await editorText(page), mine, 'the editor keeps the person’s text');
  assert.equal((await newest('shop-prices')).text, theirs, 'the server keeps bob’s version');
  await page.waitForSelector('#history tr[data-version="3"]');
  await page.screenshot({ path: join(shots, 'publish-conflict.png'), fullPage: true });
  await page.click('#lang-toggle');
  assert.match(
    await outcome(page, 'conflict'),
    /Not published bob published version 3 of shop-prices at .* after you opened version 2\. Nothing was overwritten/,
  );
  await page.screenshot({ path: join(shots, 'publish-conflict-en.png'), fullPage: true });

  // Load theirs: the editor shows bob's version, and the person's text is kept aside.
  await page.click('#load-theirs');
  await page.waitForSelector('#publish-base[data-version="3"][data-edited="false"]');
  assert.equal(await editorText(page), theirs);
  assert.match(await page.textContent('#kept'), new RegExp(`${[...mine].length} characters`));
  assert.match(await page.textContent('#notice'), /Opened shop-prices version 3/);
  // Restore it (merged by hand, say) and publish over bob's version on purpose.
  await page.click('#restore-kept');
  assert.equal(await editorText(page), mine);
  await page.waitForSelector('#publish-base[data-version="3"][data-edited="true"]');
  assert.equal(await page.locator('#kept').count(), 0, 'bob’s version was unchanged: nothing more to keep');
  await page.click('#publish');
  assert.match(await outcome(page, 'published'), /shop-prices was published as version 4/);
  const over = (await sent.calls('PUT')).at(-1);
  assert.equal(over.headers['if-match'], bobs.etag);
  assert.equal((await newest('shop-prices')).text, mine);
  stored = await history('shop-prices');
  assert.deepEqual(
    stored.versions.map((v) => [v.version, v.author]),
    [
      [4, 'alice'],
      [3, 'bob'],
      [2, 'alice'],
      [1, 'alice'],
    ],
  );

  assert.deepEqual(errors, [], 'no page errors');
  await page.close();
});

test('a bundle with errors is never sent; every refusal says why and keeps the text', async () => {
  const { page, errors } = await openApp();
  const sent = watchApi(page);
  await enterToken(page, publisher);

  // Errors found in the browser: nothing is sent, nothing stored, nothing audited.
  const before = await auditLength();
  await page.setInputFiles('#bundle-file', join(bundles, 'many-problems.json'));
  await page.waitForFunction(() => document.querySelector('#bundle-name')?.value === 'many-problems');
  await page.waitForSelector('#problems li.problem');
  await page.click('#publish');
  assert.match(await outcome(page, 'not-sent'), /16 个错误/);
  await page.screenshot({ path: join(shots, 'publish-not-sent.png'), fullPage: true });
  assert.deepEqual(await sent.calls('PUT'), [], 'no publish request');
  assert.equal((await history('many-problems')).status, 404);
  assert.equal(await auditLength(), before, 'the audit log has no new write');

  // Problems the server finds (here: its real answer to that bundle, for a valid one the
  // app sent) are listed like local ones, each with its path.
  const refused = await putAsPublisher('many-problems', readFileSync(join(bundles, 'many-problems.json'), 'utf8'));
  assert.equal(refused.status, 422);
  const problemBody = await refused.text();
  await page.route('**/api/bundles/server-refuses*', (route) =>
    route.fulfill({ status: 422, contentType: 'application/problem+json', body: problemBody }),
  );
  await page.setInputFiles('#bundle-file', join(bundles, 'home-services.json'));
  await page.fill('#bundle-name', 'server-refuses');
  await page.click('#publish');
  assert.match(await outcome(page, 'invalid'), /服务器在价目包中发现 16 个问题/);
  assert.equal(await page.locator('#server-problems li.problem').count(), 16);
  const negative = page.locator('#server-problems li.problem[data-path="/catalog/0/price"][data-code="negative"]');
  assert.equal(await negative.count(), 1);
  assert.match(await negative.textContent(), /\/catalog\/0\/price/);
  await page.screenshot({ path: join(shots, 'publish-server-problems.png'), fullPage: true });
  assert.equal(await editorText(page), homeServices);

  // A wrong token: the server's 401, said plainly; the list says it too.
  await page.fill('#bundle-name', 'wrong-token');
  await enterToken(page, `jimu_${'0'.repeat(64)}`);
  await page.click('#publish');
  assert.match(await outcome(page, 'unauthorized'), /服务器拒绝了令牌/);
  await page.waitForSelector('#bundles-card .server-failure[data-kind="unauthorized"]');
  assert.equal(await editorText(page), homeServices);
  await page.screenshot({ path: join(shots, 'publish-unauthorized.png'), fullPage: true });

  // A reader's token may read but not publish: 403.
  await enterToken(page, reader);
  await page.click('#lang-toggle');
  await page.click('#publish');
  assert.match(await outcome(page, 'forbidden'), /publisher role/);
  await page.screenshot({ path: join(shots, 'publish-forbidden-en.png'), fullPage: true });
  await page.click('#lang-toggle');

  // No token at all: said before anything is sent.
  await page.click('#clear-token');
  assert.equal(await page.evaluate(() => localStorage.getItem('jimu.token')), null);
  await page.click('#publish');
  assert.match(await outcome(page, 'not-sent'), /令牌/);

  // An archived bundle refuses publishes: 409.
  await enterToken(page, publisher);
  await publishBehind('old-prices', homeServices, { token: bob });
  await page.click('#refresh-bundles');
  await page.click('#bundle-list tr[data-name="old-prices"] .open-bundle');
  await page.waitForSelector('#publish-base[data-mode="update"][data-version="1"]');
  assert.equal((await postAsPublisher('bundles/old-prices/archive')).status, 200);
  const changed = homeServices.replace('"30.00"', '"31.00"');
  await page.fill('#bundle-input', changed);
  await page.click('#publish');
  assert.match(await outcome(page, 'archived'), /old-prices 已归档/);
  assert.equal(await editorText(page), changed);

  // The server cannot be reached: said so, and the text stays.
  await page.route('**/api/bundles/offline*', (route) => route.abort('connectionrefused'));
  await page.fill('#bundle-name', 'offline');
  await page.click('#publish');
  assert.match(await outcome(page, 'network'), /无法连接服务器/);
  assert.equal(await editorText(page), changed);

  // Warnings are shown and do not stop a publish.
  const withWarning = JSON.stringify(
    {
      schema_version: 2,
      currency: 'CNY',
      catalog: [{ id: 'a', name: '空调清洗', kind: 'service', price: '1.00' }],
      pricing: { groups: [{ id: 'g', name: '空', stacking: 'first_match', applies_to: { scope: 'ticket' } }] },
    },
    null,
    2,
  );
  await page.fill('#bundle-name', '');
  await page.setInputFiles('#bundle-file', bundleFile('with-warning.json', withWarning));
  await page.waitForFunction(() => document.querySelector('#bundle-name')?.value === 'with-warning');
  await page.waitForSelector('#warnings li.problem[data-severity="warning"]');
  await page.click('#publish');
  assert.match(await outcome(page, 'published'), /新价目包 with-warning 已发布为版本 1。其中有 1 条警告/);
  assert.equal((await history('with-warning')).versions.length, 1);

  assert.deepEqual(errors, [], 'no page errors');
  await page.close();
});

test('the history lists every version with author and message; a confirmed rollback publishes a new one', async () => {
  const first = homeServices;
  const second = homeServices.replace('"1399.99"', '"1499.00"');
  const v1 = await publishBehind('history-demo', first, { token: publisher, message: 'first' });
  const v2 = await publishBehind('history-demo', second, { token: bob, etag: v1.etag, message: 'compressor 1499' });
  assert.equal(v2.version, 2);

  const { page, errors } = await openApp();
  const sent = watchApi(page);
  await enterToken(page, publisher);
  await page.click('#bundle-list tr[data-name="history-demo"] .open-bundle');
  await page.waitForSelector('#publish-base[data-mode="update"][data-version="2"]');
  assert.equal(await editorText(page), second);
  assert.equal(await page.inputValue('#bundle-name'), 'history-demo');
  await page.waitForSelector('#history tr[data-version="1"]');
  const rows = page.locator('#history tbody tr[data-version]');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /2.*bob.*compressor 1499.*当前/);
  assert.match(await rows.nth(1).textContent(), /1.*alice.*first/);

  // An edit not yet published, then a rollback: the edit is kept aside, never lost.
  const draft = second.replace('"0.125"', '"0.20"');
  await page.fill('#bundle-input', draft);

  // The rollback waits for a confirmation; cancelling sends nothing.
  await page.click('#history tr[data-version="1"] .rollback');
  assert.match(await page.textContent('#rollback-confirm'), /版本 1 的内容发布为新版本/);
  await page.click('#rollback-no');
  assert.equal(await page.locator('#rollback-confirm').count(), 0);
  assert.deepEqual(await sent.calls('POST'), []);
  await page.click('#history tr[data-version="1"] .rollback');
  await page.screenshot({ path: join(shots, 'history-confirm.png'), fullPage: true });
  await page.click('#rollback-yes');
  assert.match(await outcome(page, 'rolled-back'), /history-demo 的版本 3 恢复了版本 1 的内容/);
  const [rollback] = await sent.calls('POST');
  assert.equal(rollback.path, '/api/bundles/history-demo/rollback?to=1');
  assert.equal(rollback.headers['if-match'], v2.etag);
  assert.equal(rollback.headers.authorization, `Bearer ${publisher}`);

  await page.waitForSelector('#history tr[data-version="3"]');
  assert.match(await rows.nth(0).textContent(), /3.*alice.*rollback to version 1/);
  assert.equal((await newest('history-demo')).text, first);
  assert.equal(await editorText(page), first, 'the editor shows the new version');
  await page.waitForSelector('#publish-base[data-version="3"][data-edited="false"]');
  assert.equal(await page.locator('#kept').count(), 1, 'the unpublished edit is kept');
  await page.screenshot({ path: join(shots, 'history.png'), fullPage: true });
  await page.click('#lang-toggle');
  await page.waitForSelector('#history-card .card-title:has-text("History of history-demo")');
  await page.screenshot({ path: join(shots, 'history-en.png'), fullPage: true });
  await page.click('#restore-kept');
  assert.equal(await editorText(page), draft);

  const versions = (await history('history-demo')).versions;
  assert.deepEqual(
    versions.map((v) => [v.version, v.author, v.message]),
    [
      [3, 'alice', 'rollback to version 1'],
      [2, 'bob', 'compressor 1499'],
      [1, 'alice', 'first'],
    ],
  );

  assert.deepEqual(errors, [], 'no page errors');
  await page.close();
});

/** PUT a bundle as a new one with the publisher's token, answer untouched. */
function putAsPublisher(name, content) {
  return api(`bundles/${name}`, {
    method: 'PUT',
    token: publisher,
    headers: { 'content-type': 'application/json', 'if-none-match': '*' },
    body: content,
  });
}

/** POST with the publisher's token. */
function postAsPublisher(path) {
  return api(path, { method: 'POST', token: publisher });
}
