// End to end: `jimu serve` with the built configurator, driven in headless Chromium.
// A person loads a valid bundle and sees the quote, then an invalid one and sees each
// problem with its path. Screenshots land in target/e2e/ for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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
let publisher;

/** Starts `jimu serve` on a free loopback port and resolves with its URL. */
function startServer() {
  dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-'));
  // Writes need a publisher token; `jimu token create` prints it alone on one line.
  publisher = execFileSync(jimuBin, ['token', 'create', '--role', 'publisher', '--data', dataDir], {
    encoding: 'utf8',
  });
  assert.match(publisher, /^jimu_[0-9a-f]{64}\n$/);
  publisher = publisher.trim();
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
});

async function openApp() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
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
