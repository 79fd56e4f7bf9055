// What the configurator's end-to-end tests share: a real `jimu serve` with the built app on a
// free loopback port, tokens, a fresh page per test (its own localStorage), the API as a
// second client, axe-core's WCAG 2 A/AA check, and screenshots named after what they show.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '../..');
export const validBundles = join(root, 'tests/bundles/valid');
const jimuBin = process.env.JIMU_BIN ?? join(root, 'target/debug/jimu');
const dist = process.env.JIMU_DIST ?? join(root, 'dist');
export const shots = process.env.JIMU_SCREENSHOTS ?? join(root, 'target/e2e');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A running server with its tokens; `stop()` ends it and removes its data. */
export async function startServer() {
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-'));
  const filesDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-files-'));
  const makeToken = (role, label) => {
    const out = execFileSync(jimuBin, ['token', 'create', '--role', role, '--label', label, '--data', dataDir], {
      encoding: 'utf8',
    });
    assert.match(out, /^jimu_[0-9a-f]{64}\n$/);
    return out.trim();
  };
  const tokens = {
    publisher: makeToken('publisher', 'alice'),
    bob: makeToken('publisher', 'bob'),
    admin: makeToken('admin', 'ops'),
    reader: makeToken('reader', 'portal'),
  };
  const child = spawn(jimuBin, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir, '--dist', dist], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jimu serve did not start:\n${stderr}`)), 30_000);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/running at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`jimu serve exited with ${code}:\n${stderr}`)));
  });
  const browser = await launchChromium();
  const server = {
    baseUrl,
    tokens,
    browser,
    /** A file in a scratch folder, for the file picker. */
    file(name, content) {
      const path = join(filesDir, name);
      writeFileSync(path, content);
      return path;
    },
    /** A request to the API as another client would make it. */
    api(path, { token = tokens.admin, headers = {}, ...init } = {}) {
      return fetch(new URL(`api/${path}`, baseUrl), {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
    },
    async stop() {
      await browser.close();
      child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * A fresh page (its own storage) on the configurator at `path`, with page errors collected.
 * `context` is returned too, for tests that reload or open a second page.
 */
export async function openApp(server, path = '/') {
  const context = await server.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  // Refusals the tests provoke (401, 412, …) are logged by Chromium as failed loads: not page errors.
  page.on(
    'console',
    (msg) => msg.type() === 'error' && !/Failed to load resource/.test(msg.text()) && errors.push(msg.text()),
  );
  await page.goto(new URL(path.replace(/^\//, ''), server.baseUrl).href);
  await ready(page);
  return { page, context, errors };
}

/** Waits until the app has mounted and checked its draft. */
export async function ready(page) {
  await page.waitForSelector('.topbar', { timeout: 60_000 });
  await page.waitForSelector('#status:not([data-state="checking"])');
}

/** Runs axe-core's WCAG 2 A and AA rules on the page as it is; fails listing every violation. */
export async function checkA11y(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`),
    }));
  });
  assert.deepEqual(violations, [], `axe-core WCAG 2 A/AA violations on ${what}:\n${JSON.stringify(violations, null, 2)}`);
}

/** Waits until the app shows `path` (client-side navigation: no page load to wait for). */
export async function waitPath(page, path) {
  await page.waitForFunction((p) => location.pathname === p, path);
}

/** Saves a screenshot named after what it shows. */
export async function shot(page, name) {
  await page.screenshot({ path: join(shots, name) });
}

/** Opens a template from the gallery as a person would. */
export async function useTemplate(page, slug) {
  await page.click('#new-from-template');
  await page.waitForSelector(`[data-template="${slug}"]`);
  await page.click(`[data-template="${slug}"] button`);
  await page.waitForFunction(() => location.pathname !== '/templates' && document.querySelector('main[data-section]')?.dataset.section !== 'templates');
  await ready(page);
}

/** The text of a bundle file of the corpus. */
export function bundleText(slug) {
  return readFileSync(join(validBundles, `${slug}.json`), 'utf8');
}

/** Puts the caret of a text area on `needle` (the `occurrence`-th) and selects it, as a click and a drag would. */
export async function selectInTextArea(page, selector, needle, occurrence = 0) {
  await page.click(selector);
  const found = await page.$eval(
    selector,
    (area, [needle, occurrence]) => {
      let at = -1;
      for (let i = 0; i <= occurrence; i++) at = area.value.indexOf(needle, at + 1);
      if (at < 0) return false;
      area.focus();
      area.setSelectionRange(at, at + needle.length);
      return true;
    },
    [needle, occurrence],
  );
  assert.ok(found, `${needle} is in ${selector}`);
}

/** The text shown in an element, whitespace collapsed. */
export async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}
