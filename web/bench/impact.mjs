// Impact benchmark (issue 19): 1,000 sample orders on the settlement page of the
// franchise-vs-direct template, the impact diff against the template as published (a file),
// and one rate raised in the plan's editor. Read from the app's User Timing measures: the
// orders preview settling every order (`jimu:orders`), the impact diff running them through
// both bundles (`jimu:impact`), and the bundle check that precedes them (`jimu:check`).
//
//   cargo build -p jimu-cli && trunk build --release=true --offline
//   node web/bench/impact.mjs               (JIMU_BIN, JIMU_DIST as for the e2e tests)
//
// Prints one table; results and the method are in BENCHMARKS.md. Not part of the test command.
import { join } from 'node:path';
import { openApp, startServer, useTemplate, validBundles } from '../e2e/support.mjs';

/** 1,000 orders over the template's plans: stores, promotions and provinces in turn. */
function orders() {
  const rows = ['id,amount,placed_at,store_type,province,promotion,payees.store,payees.regional-agent,payees.technician'];
  const provinces = ['guangdong', 'beijing', 'zhejiang', 'sichuan'];
  for (let i = 0; i < 1000; i++) {
    const amount = (100 + ((i * 37) % 900) + (i % 7) * 0.13).toFixed(2);
    const day = String(1 + (i % 28)).padStart(2, '0');
    const franchise = i % 3 !== 0;
    rows.push(
      [
        `o-${i}`,
        amount,
        `2026-11-${day}T10:00:00+08:00`,
        franchise ? 'franchise' : 'direct',
        provinces[i % provinces.length],
        i % 2 ? 'double-11' : '',
        `store-${i % 40}`,
        franchise ? `agent-${i % 8}` : '',
        `tech-${i % 60}`,
      ].join(','),
    );
  }
  return rows.join('\n') + '\n';
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (x) => (x === undefined ? '—' : x.toFixed(1));

const server = await startServer();
try {
  const { page } = await openApp(server);
  await useTemplate(page, 'settlement-franchise-vs-direct');
  await page.waitForFunction(() => document.querySelector('#orders-preview')?.textContent.includes('payees.regional-agent'));
  await page.setInputFiles('#orders-file', server.file('orders.csv', orders()));
  await page.waitForSelector('#splits tr.split[data-order="o-999"]', { timeout: 120_000 });
  await page.setInputFiles('#impact-file', join(validBundles, 'settlement-franchise-vs-direct.json'));
  await page.waitForSelector('#impact-summary');
  await page.evaluate(() => performance.clearMeasures());
  // Ten edits of one rate, each left to settle (check, previews, impact) before the next.
  const rate = page.locator('.component[data-kind="percentage"] input[id$="-rate"]').first();
  const original = await rate.inputValue();
  for (let k = 0; k < 10; k++) {
    await rate.fill(k % 2 ? original : '0.' + String(55 + k));
    await page.waitForFunction((n) => performance.getEntriesByName('jimu:impact').length >= n, k + 1, { timeout: 60_000 });
    await page.waitForTimeout(200);
  }
  const m = await page.evaluate(() => ({
    check: performance.getEntriesByName('jimu:check').map((e) => e.duration),
    orders: performance.getEntriesByName('jimu:orders').map((e) => e.duration),
    impact: performance.getEntriesByName('jimu:impact').map((e) => e.duration),
    summary: document.querySelector('#impact-summary')?.textContent,
  }));
  console.log(`1,000 orders; last summary: ${m.summary}`);
  console.log('| what (after each edit) | n | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [what, xs] of [
    ['the bundle check (jimu:check)', m.check],
    ['the orders preview settling 1,000 orders (jimu:orders)', m.orders],
    ['the impact diff over 1,000 orders, both bundles (jimu:impact)', m.impact],
  ]) {
    const s = stats(xs);
    console.log(`| ${what} | ${s.n} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.max)} |`);
  }
} finally {
  await server.stop();
}
