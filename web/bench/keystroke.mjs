// Keystroke benchmark (issue 16): a person types into the whole-bundle text view of a 1 MB
// bundle in headless Chromium, and each key is timed from its keydown to the next animation
// frame (what the person waits for). The work done after a pause in the typing is read from
// the app's User Timing measures: reading the text into edits (`jimu:text-apply`), checking
// the bundle (`jimu:check`) and saving the draft (`jimu:save`).
//
//   cargo build -p jimu-cli && trunk build --release=true --offline
//   node web/bench/keystroke.mjs            (JIMU_BIN, JIMU_DIST as for the e2e tests)
//
// Prints one table; results and the method are in BENCHMARKS.md. Not part of the test command.
import { openApp, startServer } from '../e2e/support.mjs';

/**
 * The bundle of `cargo bench -p jimu-core --bench load` (a long flow, a large form, many price
 * rules, an expression on most parts) at three times its size, so that it is over 1 MB: 1,500
 * flow nodes, 600 form fields and 4,000 rules.
 */
function largeBundle() {
  const N = 1500;
  const nodes = [];
  for (let i = 0; i < N; i++) {
    if (i === 0) nodes.push({ id: 'n0', name: '开始', kind: 'start', next: 'n1' });
    else if (i === N - 1) nodes.push({ id: `n${N - 1}`, name: '结束', kind: 'end' });
    else
      nodes.push({
        id: `n${i}`,
        name: `步骤 ${i}`,
        kind: 'task',
        assign: { strategy: 'round_robin', to: { role: 'cs' } },
        actions: [{ id: 'next', label: '下一步', to: `n${i + 1}`, guard: `ticket.priority != 'low' or ${i} > 3` }],
      });
  }
  const fields = [];
  for (let i = 0; i < 600; i++) {
    const field = { id: `f${i}`, kind: 'number', label: `字段 ${i}` };
    if (i > 0) field.visible_if = `f${i - 1} > 0`;
    fields.push(field);
  }
  const groups = [];
  for (let g = 0; g < 40; g++) {
    const rules = [];
    for (let r = 0; r < 100; r++) {
      rules.push({
        id: `g${g}-r${r}`,
        name: `规则 ${g}-${r}`,
        priority: r,
        when: `region == '北京' and distance_km > ${r} and tier != 'normal'`,
        effect: { kind: 'percent_off', percent: '5' },
      });
    }
    groups.push({ id: `g${g}`, name: `规则组 ${g}`, stacking: 'all_in_order', applies_to: { scope: 'ticket' }, rules });
  }
  return {
    schema_version: 2,
    name: 'large',
    currency: 'CNY',
    time_zone: 'Asia/Shanghai',
    org: { roles: [{ id: 'cs', name: '客服' }] },
    catalog: [{ id: 'call-out', name: '上门费', kind: 'service', price: '30.00' }],
    forms: [{ id: 'big', name: '大表单', fields }],
    flows: [{ id: 'long', name: '长流程', nodes }],
    pricing: { groups },
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (x) => (x === undefined ? '—' : x.toFixed(1));

/** Keydown → next frame for each key typed into the focused text area (installed in the page). */
async function typeAndTime(page) {
  await page.evaluate(() => {
    window.__keys = [];
    let t0 = 0;
    document.addEventListener('keydown', () => (t0 = performance.now()), true);
    document.addEventListener('input', () => {
      const start = t0;
      requestAnimationFrame(() => window.__keys.push(performance.now() - start));
    });
  });
  // 60 keys at 80 ms (a fast typist), in runs of 10 with a pause between runs.
  for (let run = 0; run < 6; run++) {
    await page.keyboard.type('abcdefghij', { delay: 80 });
    await page.waitForTimeout(600);
  }
  return page.evaluate(() => window.__keys);
}

/** The same text in a bare text area with the app's look: what the browser alone costs. */
async function bareTextArea(browser, text) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const style =
    'display:block;width:1080px;height:500px;padding:10px 12px;font-family:monospace;font-size:12.5px;line-height:18px';
  await page.setContent(`<!doctype html><meta charset=utf-8><textarea spellcheck=false wrap=off style="${style}"></textarea>`);
  await page.$eval(
    'textarea',
    (a, text) => {
      a.value = text;
      const at = a.value.indexOf('规则 5-50') + '规则 5-50'.length;
      a.focus();
      a.setSelectionRange(at, at);
    },
    text,
  );
  const keys = await typeAndTime(page);
  await page.close();
  return keys;
}

const server = await startServer();
try {
  const bundle = largeBundle();
  const compact = JSON.stringify(bundle);
  const pretty = JSON.stringify(bundle, null, 2);
  const { page } = await openApp(server);
  await page.evaluate(() => performance.clearMeasures());
  await page.setInputFiles('#bundle-file', server.file('large.json', pretty));
  await page.waitForFunction(() => document.querySelector('#draft-name')?.textContent.trim() === 'large');
  await page.waitForFunction(() => performance.getEntriesByName('jimu:check').length > 0, null, { timeout: 120_000 });
  await page.waitForSelector('#status[data-state="valid"]', { timeout: 120_000 });
  const opened = await page.evaluate(() => performance.getEntriesByName('jimu:check').map((e) => e.duration));
  await page.click('.nav-link[data-section="overview"]');
  await page.click('#toggle-json');
  const area = 'main textarea.code-input';
  await page.waitForFunction((sel) => document.querySelector(sel)?.value.length > 1_000_000, area);
  await page.waitForTimeout(1500);
  // Caret inside a rule's name, as a click there would put it.
  await page.$eval(area, (a) => {
    const at = a.value.indexOf('规则 5-50') + '规则 5-50'.length;
    a.focus();
    a.setSelectionRange(at, at);
  });
  await page.evaluate(() => performance.clearMeasures());
  const keys = await typeAndTime(page);
  await page.waitForTimeout(1500);
  const result = await page.evaluate(() => ({
    apply: performance.getEntriesByName('jimu:text-apply').map((e) => e.duration),
    check: performance.getEntriesByName('jimu:check').map((e) => e.duration),
    save: performance.getEntriesByName('jimu:save').map((e) => e.duration),
    valid: document.querySelector('#status').dataset.state,
    typed: document.querySelector('main textarea.code-input').value.includes('规则 5-50abcdefghij'),
  }));
  if (!result.typed || result.valid !== 'valid') throw new Error(`the typing did not land: ${JSON.stringify(result)}`);
  const rows = [
    ['bundle checked when opened', stats(opened)],
    ['keydown → next frame, in the configurator', stats(keys)],
    ['keydown → next frame, a bare text area with the same text', stats(await bareTextArea(server.browser, pretty))],
    ['text read into edits (after a pause)', stats(result.apply)],
    ['bundle checked (after a pause)', stats(result.check)],
    ['draft saved (after a pause)', stats(result.save)],
  ];
  console.log(`bundle: ${Buffer.byteLength(compact)} B compact, ${Buffer.byteLength(pretty)} B as shown (pretty, ${pretty.length} UTF-16 units), Chromium headless`);
  console.log('| what | n | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [what, s] of rows) console.log(`| ${what} | ${s.n} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.max)} |`);
  await page.context().close();
} finally {
  await server.stop();
}
