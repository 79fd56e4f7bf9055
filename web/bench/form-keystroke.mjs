// Form preview benchmark (issue 18): a person types into the live preview of a 60-field form
// with 30 logic rules in headless Chromium. Each key is timed from its keydown to the next
// animation frame (what the person waits for: jimu-core evaluating the form in the page and
// the preview drawn again), and the evaluation alone is read from the app's User Timing
// measure `jimu:form-eval`.
//
//   cargo build -p jimu-cli && trunk build --release=true --offline
//   node web/bench/form-keystroke.mjs       (JIMU_BIN, JIMU_DIST as for the e2e tests)
//
// Prints one table; results and the method are in BENCHMARKS.md. Not part of the test command.
import { openApp, startServer } from '../e2e/support.mjs';

/**
 * A work order of 60 fields in 4 sections: texts, numbers, money, selects, yes/no, dates and
 * 6 computed values; 30 logic rules (18 visible-if, 8 required-if, 4 enabled-if), plus
 * validation on 12 fields and a route.
 */
function bigForm() {
  const kinds = ['text', 'number', 'money', 'single_select', 'yes_no', 'date', 'long_text', 'phone', 'rating', 'number'];
  const fields = [];
  let rules = 0;
  for (let i = 0; i < 60; i++) {
    const id = `f${i}`;
    let field;
    if (i % 10 === 9 && i > 0) {
      field = { id, kind: 'computed', label: `合计 ${i}`, formula: `(f${i - 8} ?? 0) + (f${i - 7} ?? 0) * 2`, value_type: 'money' };
    } else {
      const kind = kinds[i % kinds.length];
      field = { id, kind, label: { 'zh-CN': `字段 ${i}`, en: `Field ${i}` } };
      if (kind === 'single_select') field.options = ['a', 'b', 'c'].map((o) => ({ id: o, label: o.toUpperCase() }));
    }
    if (i > 0 && rules < 30) {
      const prev = fields[i - 1];
      const cond =
        prev.kind === 'yes_no' ? `${prev.id} == true` : prev.kind === 'single_select' ? `${prev.id} != 'c'` : `${prev.id} != null`;
      const which = rules % 15 < 9 ? 'visible_if' : rules % 15 < 13 ? 'required_if' : 'enabled_if';
      field[which] = cond;
      rules++;
    }
    if (field.kind === 'number' || field.kind === 'money') field.validation = [{ rule: 'range', min: '0', max: '100000' }];
    fields.push(field);
  }
  const sections = [0, 1, 2, 3].map((s) => ({
    id: `s${s}`,
    title: `第 ${s + 1} 部分`,
    fields: fields.slice(s * 15, s * 15 + 15).map((f) => f.id),
  }));
  return {
    schema_version: 2,
    name: 'big-form',
    currency: 'CNY',
    time_zone: 'Asia/Shanghai',
    org: { roles: [{ id: 'cs', name: '客服' }] },
    forms: [{ id: 'big', name: '大表单', fields, sections, routes: [{ when: 'f1 > 100', flow: 'x' }], default_flow: 'x' }],
    flows: [
      {
        id: 'x',
        name: '流程',
        form: 'big',
        nodes: [
          { id: 's', name: '开始', kind: 'start', next: 'e' },
          { id: 'e', name: '结束', kind: 'end' },
        ],
      },
    ],
    _rules: rules,
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (x) => (x === undefined ? '—' : x.toFixed(2));

const server = await startServer();
try {
  const bundle = bigForm();
  const rules = bundle._rules;
  delete bundle._rules;
  const { page } = await openApp(server);
  await page.setInputFiles('#bundle-file', server.file('big-form.json', JSON.stringify(bundle, null, 2)));
  await page.waitForFunction(() => document.querySelector('#draft-name')?.textContent.trim() === 'big-form');
  await page.waitForSelector('#status[data-state="valid"]', { timeout: 120_000 });
  await page.click('.nav-link[data-section="forms"]');
  await page.waitForSelector('#pf-f0');
  await page.waitForTimeout(1000);
  await page.evaluate(() => {
    performance.clearMeasures();
    window.__keys = [];
    let t0 = 0;
    document.addEventListener('keydown', () => (t0 = performance.now()), true);
    document.addEventListener('input', () => {
      const start = t0;
      requestAnimationFrame(() => window.__keys.push(performance.now() - start));
    });
  });
  // Digits typed into f0 (a text the next field's logic reads), 80 ms
  // apart, then cleared, six times: fields appear and disappear as it goes.
  for (let run = 0; run < 6; run++) {
    await page.click('#pf-f0');
    await page.keyboard.type('1234567890', { delay: 80 });
    await page.fill('#pf-f0', '');
    await page.waitForTimeout(300);
  }
  const result = await page.evaluate(() => ({
    keys: window.__keys,
    evals: performance.getEntriesByName('jimu:form-eval').map((e) => e.duration),
    shown: document.querySelectorAll('#form-preview .form-field').length,
  }));
  const rows = [
    ['keydown → next frame, typing into the preview', stats(result.keys)],
    ['jimu-core evaluating the form (jimu:form-eval)', stats(result.evals)],
  ];
  console.log(`form: 60 fields, ${rules} logic rules; fields shown at the end: ${result.shown}`);
  console.log('| what | n | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [what, s] of rows) console.log(`| ${what} | ${s.n} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.max)} |`);
} finally {
  await server.stop();
}
