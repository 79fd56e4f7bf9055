// The conformance corpus through the portal package (web/pkg, built by `cargo xtask wasm-pkg`)
// under Node: each case's outcome, as JavaScript sees it, must stringify to exactly the bytes
// of its expected file, which the native runner checks too. Same bytes, same engine. Cases of
// every kind (tests/runners/corpus.rs says what each holds): quotes through `quote`, forms
// through `Engine.evaluateForm`, settlement through `Engine.settleBatch`, ticket timelines
// through `Engine.simulate`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { initSync, quote, validate, schemaVersion, Engine } from '../../web/pkg/jimu.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '../conformance');
initSync({ module: readFileSync(join(here, '../../web/pkg/jimu_bg.wasm')) });

const cases = readdirSync(join(corpus, 'cases'))
  .filter((f) => f.endsWith('.json'))
  .sort();

test('the corpus has its cases, of every kind', () => {
  assert.ok(cases.length >= 10, `only ${cases.length} cases`);
  const kinds = new Set(cases.map((f) => JSON.parse(readFileSync(join(corpus, 'cases', f), 'utf8')).kind ?? 'quote'));
  assert.deepEqual([...kinds].sort(), ['form', 'quote', 'settle', 'simulate']);
});

/** A case's outcome through the package, shaped as the native runner writes it. */
function outcome(spec, bundle) {
  const kind = spec.kind ?? 'quote';
  if (kind === 'quote') {
    return quote(bundle, spec.request_text ?? JSON.stringify(spec.request));
  }
  const engine = new Engine(bundle);
  try {
    if (kind === 'form') {
      const { form, values, role, context } = spec.request;
      try {
        return { status: 'evaluated', evaluation: engine.evaluateForm(form, values, { role, context }) };
      } catch (err) {
        if (err.name !== 'JimuError') throw err;
        return { status: 'invalid', problems: err.problems };
      }
    }
    if (kind === 'settle') {
      const report = engine.settleBatch(spec.orders);
      return { results: report.results, statements: report.statements };
    }
    if (kind === 'simulate') {
      const script = typeof spec.script === 'string' ? readFileSync(join(corpus, spec.script), 'utf8') : JSON.stringify(spec.script);
      return engine.simulate(script);
    }
    throw new Error(`unknown case kind ${kind}`);
  } finally {
    engine.free();
  }
}

for (const file of cases) {
  const name = file.replace(/\.json$/, '');
  test(`conformance: ${name}`, () => {
    const spec = JSON.parse(readFileSync(join(corpus, 'cases', file), 'utf8'));
    const bundle = readFileSync(join(corpus, 'bundles', spec.bundle), 'utf8');
    const expected = readFileSync(join(corpus, 'expected', file), 'utf8');
    assert.equal(JSON.stringify(outcome(spec, bundle), null, 2) + '\n', expected);
  });
}

test('validate reports every problem of a bundle, and ok for a valid one', () => {
  const good = readFileSync(join(corpus, 'bundles/home-services.json'), 'utf8');
  assert.deepEqual(validate(good), { ok: true, problems: [] });
  const bad = validate(readFileSync(join(corpus, 'bundles/many-problems.json'), 'utf8'));
  assert.equal(bad.ok, false);
  assert.equal(bad.problems.length, 16);
  assert.deepEqual(
    bad.problems.slice(0, 3).map((p) => [p.code, p.path]),
    [['unknown-currency', '/currency'], ['unknown-variant', '/rounding'], ['unknown-field', '/catalogue']],
  );
});

test('amounts cross as strings, never as JavaScript numbers', () => {
  const bundle = JSON.stringify({
    schema_version: 1,
    currency: 'CNY',
    catalog: [{ id: 'big', name: 'Big', kind: 'part', price: '999999999999.99' }],
  });
  const outcome = quote(bundle, JSON.stringify({ lines: [{ item: 'big', quantity: '999999999' }] }));
  assert.equal(outcome.status, 'quoted');
  // 999999999999.99 × 999999999 is far beyond 2^53: a float would have rounded it.
  assert.equal(outcome.quote.total, '999999998999990000000.01');
  assert.equal(typeof outcome.quote.lines[0].amount, 'string');
});

test('hostile input gives problems, never an exception or a trap', () => {
  const deep = '['.repeat(100000);
  for (const text of ['', 'null', deep, '"\\ud800"', '{"schema_version":1e400}', '\u0000']) {
    const report = validate(text);
    assert.equal(report.ok, false, text.slice(0, 20));
    assert.ok(report.problems.length >= 1);
  }
  assert.equal(schemaVersion(), 2);
});

test('bundle corpus: valid bundles load clean and invalid ones report exactly their expected problems', () => {
  const dir = join(here, '../bundles');
  const list = (sub) => {
    try {
      return readdirSync(join(dir, sub)).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json')).sort();
    } catch {
      return [];
    }
  };
  for (const file of list('valid')) {
    const report = validate(readFileSync(join(dir, 'valid', file), 'utf8'));
    assert.deepEqual(report.problems, [], file);
    assert.equal(report.ok, true, file);
  }
  for (const file of list('invalid')) {
    const report = validate(readFileSync(join(dir, 'invalid', file), 'utf8'));
    const expected = JSON.parse(readFileSync(join(dir, 'invalid', file.replace(/\.json$/, '.expected.json')), 'utf8'));
    assert.deepEqual(report.problems.map((p) => [p.code, p.path]), expected, file);
  }
});
