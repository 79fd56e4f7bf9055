// The portal package's API (web/pkg, built by `cargo xtask wasm-pkg`) under Node, through its
// Node build: every Engine and Ticket method, its results checked against the bundles in
// tests/bundles/valid, and its error paths (JimuError). Timelines must equal, byte for byte,
// the native ones kept in tests/conformance/expected (the corpus's simulate cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Engine, Ticket, validate, quote, schemaVersion, engineVersion } from '../../web/pkg/node/jimu.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '../../web/pkg');
const bundleText = (name) => readFileSync(join(here, `../bundles/valid/${name}.json`), 'utf8');
const bundle = (name) => new Engine(bundleText(name));

/** Calls `f`, which must throw a JimuError; returns it. */
function jimuError(f) {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof Error, 'a JimuError is an Error');
    assert.equal(err.name, 'JimuError');
    assert.equal(typeof err.code, 'string');
    assert.equal(typeof err.path, 'string');
    assert.ok(err.messages['zh-CN'] && err.messages.en);
    assert.equal(err.message, err.messages.en);
    assert.ok(Array.isArray(err.problems) && err.problems.length >= 1);
    return err;
  }
  assert.fail('expected a JimuError');
}

test('the package: one package.json with node, browser and import builds and a README', () => {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.name, '@jimu/engine');
  assert.equal(manifest.version, engineVersion());
  const root = manifest.exports['.'];
  assert.deepEqual(Object.keys(root), ['node', 'browser', 'import', 'default']);
  for (const entry of Object.values(root)) {
    readFileSync(join(pkg, entry.default));
    readFileSync(join(pkg, entry.types));
  }
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  for (const part of ['<script type="module">', 'With a bundler', 'In Node']) {
    assert.ok(readme.includes(part), part);
  }
  assert.equal(schemaVersion(), 2);
});

test('no exported declaration says `any`', () => {
  for (const file of ['jimu.d.ts', 'bundler/jimu.d.ts', 'node/jimu.d.ts']) {
    const dts = readFileSync(join(pkg, file), 'utf8');
    // Comments may say "any"; code may not.
    const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, file);
    for (const name of ['class Engine', 'class Ticket', 'interface JimuError', 'type JsonValue', 'interface FormEvaluation', 'type Happening', 'interface Timeline', 'interface SettleReport']) {
      assert.ok(code.includes(name), `${file} declares ${name}`);
    }
  }
});

test('a bad bundle throws a JimuError carrying every problem', () => {
  const text = '{"schema_version": 2, "currency": "XXX", "catalogue": []}';
  const err = jimuError(() => new Engine(text));
  assert.equal(err.code, 'invalid-bundle');
  assert.equal(err.path, '/currency');
  assert.deepEqual(err.problems.map((p) => [p.code, p.path]), [['unknown-currency', '/currency'], ['unknown-field', '/catalogue']]);
  assert.deepEqual(err.problems, validate(text).problems);
  // An object works like its text; a syntax error has its line and column.
  const syntax = jimuError(() => new Engine('{\n  "schema_version": 2,\n}'));
  assert.equal(syntax.problems[0].code, 'json-syntax');
  assert.equal(syntax.problems[0].line, 3);
  assert.ok(jimuError(() => new Engine({ schema_version: 2 })).problems.some((p) => p.path === '/currency'));
});

test('Engine.validate never throws, and loaded bundles describe themselves', () => {
  assert.deepEqual(Engine.validate(bundleText('pricing-double-11')), { ok: true, problems: [] });
  assert.deepEqual(Engine.validate(JSON.parse(bundleText('pricing-double-11'))), { ok: true, problems: [] });
  const bad = Engine.validate({ schema_version: 2, currency: 'CNY', catalog: [{ id: 'a' }] });
  assert.equal(bad.ok, false);
  assert.ok(bad.problems.every((p) => p.path.startsWith('/catalog/0')));
  const notJson = Engine.validate(10n);
  assert.equal(notJson.ok, false);
  assert.equal(notJson.problems[0].code, 'not-json');
  const engine = new Engine(JSON.parse(bundleText('form-permissions')));
  assert.equal(engine.name, 'permissions');
  assert.equal(engine.currency, 'CNY');
  assert.equal(engine.schemaVersion, 2);
  assert.deepEqual(engine.warnings(), []);
  // A bundle that loads with a warning keeps it; validating reports it without failing.
  const warned = {
    schema_version: 2,
    currency: 'CNY',
    catalog: [{ id: 'a', name: 'A', kind: 'service', price: '10' }],
    pricing: { groups: [{ id: 'g', name: '空', stacking: 'first_match', applies_to: { scope: 'ticket' } }] },
  };
  const warnings = new Engine(warned).warnings();
  assert.deepEqual(warnings.map((p) => [p.severity, p.path]), [['warning', '/pricing/groups/0/rules']]);
  assert.deepEqual(Engine.validate(warned), { ok: true, problems: warnings });
  engine.free();
});

test('evaluateForm: computed values, roles, masking, and unknown forms and roles', () => {
  const engine = bundle('form-permissions');
  const values = { deal_amount: '1200.00', cost: '700.00', phone: '13812345678', id_number: '11010519491231002X' };
  const finance = engine.evaluateForm('deal', values, { role: 'finance', context: { channel: 'app' } });
  assert.equal(finance.valid, true);
  assert.equal(finance.role, 'finance');
  assert.equal(finance.values.margin, '500.00');
  const phone = finance.fields.find((f) => f.id === 'phone');
  assert.equal(phone.access, 'masked');
  assert.equal(phone.masked, '138****5678');
  assert.equal(phone.value, undefined);
  assert.equal(finance.values.phone, '138****5678');
  // Sales sees neither the cost nor the margin, and the ID number masked.
  const sales = engine.evaluateForm('deal', values, { role: 'sales' });
  assert.deepEqual(Object.keys(sales.values).sort(), ['deal_amount', 'id_number', 'phone']);
  assert.notEqual(sales.values.id_number, values.id_number);
  // A masked value never appears raw, anywhere in the answer.
  for (const role of ['finance', 'auditor']) {
    assert.ok(!JSON.stringify(engine.evaluateForm('deal', values, { role })).includes('13812345678'), role);
  }
  assert.ok(!JSON.stringify(sales).includes('11010519491231002X'));
  const bad = engine.evaluateForm('deal', { deal_amount: 'twelve' });
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.errors.map((e) => e.path), ['/deal_amount']);

  const form = jimuError(() => engine.evaluateForm('dael', values));
  assert.equal(form.code, 'unknown-form');
  assert.equal(form.problems[0].code, 'unknown-reference');
  assert.ok(form.problems[0].hint.en.includes('deal'));
  const role = jimuError(() => engine.evaluateForm('deal', values, { role: 'boss' }));
  assert.equal(role.code, 'unknown-role');
  assert.equal(role.path, '/role');
  assert.equal(jimuError(() => engine.evaluateForm('deal', values, { context: { nope: 'x' } })).code, 'invalid-options');
  // The core's form-request reader: every context problem at once, pointers into the request.
  const context = jimuError(() => engine.evaluateForm('deal', values, { context: { now: 'yesterday', regoin: 'bj', user: 7 } }));
  assert.equal(context.code, 'invalid-options');
  assert.deepEqual(context.problems.map((p) => [p.code, p.path]), [
    ['invalid-instant', '/context/now'],
    ['unknown-field', '/context/regoin'],
    ['wrong-type', '/context/user'],
  ]);
  assert.equal(engine.evaluateForm('deal', values, { context: { channel: null } }).valid, true);
  // The options complete the request the core reads (`FormRequest`), as the CLI's arguments do:
  // a role that is not text and an option that does not exist are problems at their pointers.
  const typed = jimuError(() => engine.evaluateForm('deal', values, { role: 7 }));
  assert.deepEqual([typed.code, typed.problems.map((p) => [p.code, p.path])], ['unknown-role', [['wrong-type', '/role']]]);
  const misspelt = jimuError(() => engine.evaluateForm('deal', values, { rol: 'finance' }));
  assert.deepEqual([misspelt.code, misspelt.path, misspelt.problems[0].code], ['invalid-options', '/rol', 'unknown-field']);
  assert.equal(misspelt.problems[0].hint.en, 'did you mean `role`?');
  assert.equal(jimuError(() => engine.evaluateForm('deal', values, 'finance')).code, 'invalid-options');
  // A role is refused by a bundle that defines none.
  const noRoles = bundle('form-shared-variants');
  const refused = jimuError(() => noRoles.evaluateForm('service-order', {}, { role: 'staff' }));
  assert.deepEqual([refused.code, refused.path], ['unknown-role', '/role']);
  noRoles.free();
});

test('quote: rules, adjustments and the trace; problems are answers, not exceptions', () => {
  const engine = bundle('pricing-double-11');
  const request = {
    lines: [{ item: 'ac-clean', quantity: '3' }, { item: 'washer-clean', quantity: 1 }],
    context: { now: '2026-11-11T10:00:00+08:00' },
  };
  const outcome = engine.quote(request);
  assert.equal(outcome.status, 'quoted');
  assert.deepEqual(outcome.quote.lines.map((l) => [l.item, l.list_amount, l.amount]), [['ac-clean', '360.00', '297.00'], ['washer-clean', '100.00', '85.00']]);
  assert.equal(outcome.quote.subtotal, '382.00');
  assert.deepEqual(outcome.quote.adjustments.map((a) => [a.rule, a.amount]), [['d11-over-300-minus-30', '-30.00']]);
  assert.equal(outcome.quote.total, '352.00');
  assert.ok(outcome.quote.trace.some((s) => s.outcome === 'applied' && s.formula));
  // Same bytes as the one-shot function and as the text form.
  const text = JSON.stringify(request);
  assert.equal(JSON.stringify(engine.quote(text)), JSON.stringify(quote(bundleText('pricing-double-11'), text)));
  const unknown = engine.quote({ lines: [{ item: 'nope', quantity: '3' }] });
  assert.deepEqual([unknown.status, unknown.stage, unknown.problems[0].code, unknown.problems[0].path], ['invalid', 'request', 'unknown-item', '/lines/0/item']);
  const missing = engine.quote({ lines: [{ item: 'ac-clean', quantity: '1' }] });
  assert.deepEqual([missing.status, missing.stage, missing.problems[0].code], ['invalid', 'quote', 'missing-context']);
  assert.equal(engine.quote('{oops').problems[0].code, 'json-syntax');
});

const payees = { store: 'gz-tianhe', 'regional-agent': 'agent-south', technician: 'tech-li' };
const franchise = (id, amount) => ({
  id, amount, placed_at: '2026-03-31T10:00:00+08:00', store_type: 'franchise',
  province: 'guangdong', promotion: 'spring-sale', payees,
});

test('settleOrder: a split to the cent, or the problems with the order', () => {
  const engine = bundle('settlement-franchise-vs-direct');
  const ok = engine.settleOrder(franchise('fd-1', '999.99'));
  assert.equal(ok.status, 'settled');
  assert.equal(ok.split.plan, 'franchise-south-promo');
  assert.deepEqual(ok.split.shares.map((s) => [s.payee, s.amount]), [['gz-tianhe', '679.99'], ['agent-south', '70.00'], ['tech-li', '100.00'], ['hq', '150.00']]);
  assert.equal(ok.split.unallocated, '0.00');
  assert.deepEqual(engine.settleOrder(JSON.stringify(franchise('fd-1', '999.99'))), ok);
  const { promotion, ...noPromotion } = franchise('fd-9', '100.00');
  const invalid = engine.settleOrder(noPromotion);
  assert.equal(invalid.status, 'invalid');
  assert.ok(invalid.problems.some((p) => p.path === '/promotion'), JSON.stringify(invalid));
  const typo = engine.settleOrder({ ...franchise('fd-8', '1.00'), amuont: '1.00' });
  assert.deepEqual(typo.problems.map((p) => [p.code, p.path]), [['unknown-field', '/amuont']]);
  assert.equal(engine.settleOrder('{"id": "x",').problems[0].code, 'json-syntax');
});

test('settleBatch: results in order, statements, and progress every n orders and at the end', () => {
  const engine = bundle('settlement-franchise-vs-direct');
  const orders = [franchise('fd-1', '999.99'), franchise('fd-2', '1000.00'), { id: 'bad', amount: 'x' }, franchise('fd-3', '10.00'), franchise('fd-4', '10.00')];
  const calls = [];
  const report = engine.settleBatch(orders, { every: 2, onProgress: (done, total) => calls.push([done, total]) });
  assert.deepEqual(calls, [[2, 5], [4, 5], [5, 5]]);
  assert.deepEqual(report.results.map((r) => r.status), ['settled', 'settled', 'invalid', 'settled', 'settled']);
  assert.deepEqual(report.summary, { orders: 5, settled: 4, invalid: 1, currency: 'CNY' });
  const agent = report.statements.find((s) => s.payee === 'agent-south');
  assert.equal(agent.orders, 4);
  assert.equal(agent.total, '141.40'); // 7% of 999.99, 1000.00, 10.00 and 10.00
  assert.equal(agent.lines.length, 4);
  assert.equal(agent.settles_on, '2026-04-01');
  // JSON Lines text: the same answers, problems with their line; totals only without lines.
  const lines = orders.map((o) => JSON.stringify(o)).join('\n') + '\n\n';
  const once = [];
  const text = engine.settleBatch(lines, { keepLines: false, onProgress: (d, t) => once.push([d, t]) });
  assert.deepEqual(once, [[5, 5]]);
  assert.equal(text.results[2].problems[0].line, 3);
  assert.deepEqual(text.statements.map((s) => [s.payee, s.total]), report.statements.map((s) => [s.payee, s.total]));
  assert.ok(text.statements.every((s) => s.lines.length === 0));
  // A callback that throws stops nothing inside, and its error reaches the caller.
  assert.throws(() => engine.settleBatch(orders, { onProgress: () => { throw new RangeError('stop'); } }), RangeError);
  assert.equal(jimuError(() => engine.settleBatch(42)).code, 'wrong-type');
  // Options of the wrong kind are refused at their name, before any order is read.
  for (const [options, path] of [[{ every: -1 }, '/every'], [{ every: 1.5 }, '/every'], [{ keepLines: 'no' }, '/keepLines'], [{ onProgress: 3 }, '/onProgress']]) {
    const err = jimuError(() => engine.settleBatch(orders, options));
    assert.deepEqual([err.code, err.path], ['invalid-options', path], JSON.stringify(options));
  }
  assert.equal(engine.settleBatch(orders, { every: null, keepLines: undefined }).summary.settled, 4);
});

const repairCreate = {
  at: '2026-11-16T09:00:00+08:00',
  create: { id: 'T1', title: '空调不制冷', region: 'bj', customer: { id: 'c1', region: 'bj' },
    fields: { appliance: 'ac', fault: '不制冷', needs_parts: false } },
};

test('tickets: create, act, refuse without a trace, tick and next due', () => {
  const engine = bundle('flow-appliance-repair');
  const ticket = engine.createTicket('appliance-repair', repairCreate);
  assert.ok(ticket instanceof Ticket);
  const state = ticket.state();
  assert.equal(state.id, 'T1');
  assert.deepEqual(state.at, ['report']);
  assert.equal(state.sla_policy, 'standard');
  assert.equal(state.log, undefined, 'state() has no log');
  assert.deepEqual(ticket.log().map((h) => h.kind).slice(0, 2), ['created', 'sla_started']);
  // The first response is due in 4 working hours; its warning, an hour before, comes first.
  assert.equal(engine.nextDue(ticket), '2026-11-16T04:00:00Z');

  const happened = engine.act(ticket, { at: '2026-11-16T09:30:00+08:00', act: 'submit', by: 'li' });
  assert.deepEqual(happened[0], { at: '2026-11-16T01:30:00Z', kind: 'acted', node: 'report', action: 'submit', by: 'li' });
  assert.ok(happened.some((h) => h.kind === 'event' && h.name === 'dispatch.requested' && h.payload.region === 'bj'));
  assert.deepEqual(ticket.state().at, ['inspect']);
  assert.equal(ticket.state().assignee, 'wang');

  // A refusal throws with the refusal's code and leaves state and log exactly as they were,
  // even when something fell due before the refused command.
  const [before, logBefore] = [JSON.stringify(ticket.state()), JSON.stringify(ticket.log())];
  const refused = jimuError(() => engine.act(ticket, { at: '2026-11-16T14:00:00+08:00', act: 'nope' }));
  assert.equal(refused.code, 'no-such-action');
  assert.ok(refused.messages.en.includes('inspected'));
  assert.equal(JSON.stringify(ticket.state()), before);
  assert.equal(JSON.stringify(ticket.log()), logBefore);
  const invalid = jimuError(() => engine.act(ticket, { at: 'monday', act: 'inspected' }));
  assert.equal(invalid.code, 'invalid-command');
  assert.equal(invalid.path, '/at');
  assert.equal(JSON.stringify(ticket.log()), logBefore);
  assert.equal(jimuError(() => engine.act(ticket, repairCreate)).code, 'exists');

  const fired = engine.tick(ticket, '2026-11-19T10:00:00+08:00');
  assert.deepEqual(fired.map((h) => h.kind), ['deadline_warning', 'deadline_breach', 'sla_warning', 'sla_breach']);
  assert.equal(ticket.state().clocks.find((c) => c.target === 'resolution').breached, true);
  assert.equal(jimuError(() => engine.tick(ticket, '2026-11-18T10:00:00+08:00')).code.length > 0, true);

  engine.act(ticket, { at: '2026-11-19T11:00:00+08:00', act: 'inspected', by: 'wang' });
  const closing = engine.act(ticket, { at: '2026-11-19T12:00:00+08:00', act: 'rated' });
  assert.equal(closing.at(-1).kind, 'closed');
  assert.equal(ticket.state().closed, true);
  assert.equal(engine.nextDue(ticket), undefined);
  assert.equal(jimuError(() => engine.act(ticket, { at: '2026-11-19T13:00:00+08:00', act: 'rated' })).code, 'closed');
  ticket.free();

  assert.equal(jimuError(() => engine.createTicket('nope', repairCreate)).problems.length, 1);
  assert.equal(jimuError(() => engine.createTicket('appliance-repair', { at: '2026-11-16T09:00:00+08:00', act: 'x' })).problems[0].code.length > 0, true);
  assert.equal(jimuError(() => engine.createTicket('appliance-repair', { at: '2026-11-16T09:00:00+08:00', create: { amount: 3 } })).path, '/create/amount');
});

test('simulate: the same JSON as the native engine, byte for byte, from text or an object', () => {
  // The conformance corpus's simulate cases (wasm.test.mjs runs them too, from text).
  const corpus = join(here, '../conformance');
  const cases = readdirSync(join(corpus, 'cases')).filter((f) => f.startsWith('simulate-')).sort();
  assert.ok(cases.length >= 6);
  for (const file of cases) {
    const spec = JSON.parse(readFileSync(join(corpus, 'cases', file), 'utf8'));
    const engine = new Engine(readFileSync(join(corpus, 'bundles', spec.bundle), 'utf8'));
    const text = readFileSync(join(corpus, spec.script), 'utf8');
    const expected = readFileSync(join(corpus, 'expected', file), 'utf8');
    assert.equal(JSON.stringify(engine.simulate(JSON.parse(text)), null, 2) + '\n', expected, file);
    engine.free();
  }
  const timeline = bundle('flow-appliance-repair').simulate(readFileSync(join(here, 'scripts/appliance-repair.json'), 'utf8'));
  assert.deepEqual(timeline.refusals.map(([i, r]) => [i, r.code]), [[4, 'no-such-action'], [6, 'closed']]);
  assert.equal(timeline.ticket.closed, true);
  const err = jimuError(() => bundle('flow-appliance-repair').simulate({ commands: [{ at: 'monday', tick: true }, { at: '2026-11-16T09:00:00+08:00' }] }));
  assert.equal(err.code, 'invalid-script');
  assert.deepEqual(err.problems.map((p) => p.path), ['/commands/0/at', '/commands/1']);
});
