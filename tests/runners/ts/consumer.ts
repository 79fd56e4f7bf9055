// A portal's TypeScript against the package's generated declarations: every Engine and Ticket
// member with typed results. `tsc -p tests/runners/ts` (strict) must accept it; it is not run.
import {
  Engine,
  Ticket,
  validate,
  quote,
  schemaVersion,
  engineVersion,
  type FormEvaluation,
  type Happening,
  type JimuError,
  type JsonValue,
  type OrderInput,
  type Problem,
  type QuoteOutcome,
  type QuoteRequest,
  type Script,
  type SettleOutcome,
  type SettleReport,
  type Statement,
  type TicketCommand,
  type TicketState,
  type Timeline,
  type ValidationReport,
} from '../../../web/pkg/node/jimu.js';
import * as web from '../../../web/pkg/jimu.js';
import * as bundler from '../../../web/pkg/bundler/jimu.js';

declare const bundleText: string;

export function isJimuError(err: unknown): err is JimuError {
  return err instanceof Error && err.name === 'JimuError';
}

export function load(text: string): Engine | Problem[] {
  try {
    return new Engine(text);
  } catch (err) {
    if (isJimuError(err)) {
      const where: string = err.path;
      const code: string = err.code;
      console.log(code, where, err.messages['zh-CN'], err.messages.en);
      return err.problems;
    }
    throw err;
  }
}

export function everything(): void {
  const report: ValidationReport = Engine.validate(bundleText);
  const fromObject: ValidationReport = Engine.validate({ schema_version: 2 });
  const ok: boolean = report.ok && fromObject.ok;
  const engine = new Engine(JSON.parse(bundleText) as object);
  const name: string = engine.name;
  const currency: string = engine.currency;
  const version: number = engine.schemaVersion;
  const warnings: Problem[] = engine.warnings();
  console.log(ok, name, currency, version, warnings.length, schemaVersion(), engineVersion());

  const values: Record<string, JsonValue> = { deal_amount: '1200.00', phone: '13812345678', tags: ['a', 1, null] };
  const form: FormEvaluation = engine.evaluateForm('deal', values, {
    role: 'finance',
    context: { channel: 'app', region: 'bj', now: '2026-11-16T09:00:00+08:00', user: 'li' },
  });
  const plain: FormEvaluation = engine.evaluateForm('deal', values);
  for (const field of form.fields) {
    const shown: string | undefined = field.masked;
    const value: JsonValue | undefined = field.value;
    console.log(field.id, field.access, shown, value, plain.valid);
  }
  const margin: JsonValue | undefined = form.values['margin'];
  console.log(margin, form.errors.map((e) => e.path), form.route);

  const request: QuoteRequest = {
    lines: [{ item: 'ac-clean', quantity: '2' }, { item: 'filter', quantity: 1 }],
    context: { now: '2026-11-11T10:00:00+08:00', distance_km: '7', form: { floor: 3 } },
  };
  const outcome: QuoteOutcome = engine.quote(request);
  if (outcome.status === 'quoted') {
    const total: string = outcome.quote.total;
    const steps = outcome.quote.trace?.map((s) => `${s.rule}: ${s.outcome} ${s.formula ?? ''}`);
    console.log(total, steps, outcome.quote.lines[0]?.unit_price);
  } else {
    const stage: 'bundle' | 'request' | 'quote' = outcome.stage;
    console.log(stage, outcome.problems.map((p) => p.path));
  }
  const fromText: QuoteOutcome = engine.quote(JSON.stringify(request));
  const oneShot: QuoteOutcome = quote(bundleText, JSON.stringify(request));
  const checked: ValidationReport = validate(bundleText);
  console.log(fromText.status, oneShot.status, checked.ok);

  const order: OrderInput = {
    id: 'fd-1', amount: '999.99', placed_at: '2026-03-31T10:00:00+08:00',
    store_type: 'franchise', payees: { store: 'gz-tianhe' },
  };
  const one: SettleOutcome = engine.settleOrder(order);
  if (one.status === 'settled') {
    const shares: string[] = one.split.shares.map((s) => `${s.payee} ${s.amount}`);
    console.log(shares, one.split.unallocated);
  } else {
    console.log(one.problems.map((p) => [p.code, p.path, p.line]));
  }
  const line: SettleOutcome = engine.settleOrder(JSON.stringify(order));
  const batch: SettleReport = engine.settleBatch([order, order], {
    keepLines: false,
    every: 100,
    onProgress: (done: number, total: number) => console.log(done, total),
  });
  const fromLines: SettleReport = engine.settleBatch('{"id": "a"}\n{"id": "b"}\n');
  const statements: Statement[] = batch.statements;
  const counts: number = batch.summary.orders + batch.summary.settled + batch.summary.invalid;
  console.log(line.status, fromLines.results.length, statements[0]?.total, counts);

  const create: TicketCommand = {
    at: '2026-11-16T09:00:00+08:00',
    create: { id: 'T1', title: '空调不制冷', region: 'bj', customer: { id: 'c1' }, fields: { needs_parts: false } },
  };
  const ticket: Ticket = engine.createTicket('appliance-repair', create);
  const acted: Happening[] = engine.act(ticket, { at: '2026-11-16T09:30:00+08:00', act: 'submit', by: 'li', data: { note: 'ok' } });
  engine.act(ticket, { at: '2026-11-16T09:40:00+08:00', comment: { customer: true } });
  engine.act(ticket, { at: '2026-11-16T09:50:00+08:00', pause: true });
  engine.act(ticket, { at: '2026-11-16T09:55:00+08:00', resume: true });
  engine.act(ticket, { at: '2026-11-16T10:00:00+08:00', assign: 'wang' });
  engine.act(ticket, { at: '2026-11-16T10:01:00+08:00', loads: { wang: 3 } });
  engine.act(ticket, { at: '2026-11-16T10:02:00+08:00', acknowledge: 'T1-n1' });
  engine.act(ticket, { at: '2026-11-16T10:03:00+08:00', arrival: '2026-11-16T11:00:00+08:00' });
  const fired: Happening[] = engine.tick(ticket, '2026-11-17T09:00:00+08:00');
  for (const h of [...acted, ...fired]) {
    const at: string = h.at;
    switch (h.kind) {
      case 'acted': console.log(at, h.node, h.action, h.by); break;
      case 'event': console.log(at, h.name, h.payload); break;
      case 'notify': console.log(at, h.channel, h.send_at, h.values); break;
      case 'sla_breach': console.log(at, h.target, h.due); break;
      default: console.log(at, h.kind);
    }
  }
  const due: string | undefined = engine.nextDue(ticket);
  const state: TicketState = ticket.state();
  const log: Happening[] = ticket.log();
  console.log(due, state.at, state.clocks.map((c) => c.due), state.assignee, log.length);
  ticket.free();

  const script: Script = { flow: 'appliance-repair', until: '2026-11-20T00:00:00+08:00', commands: [create, { at: '2026-11-16T09:30:00+08:00', act: 'submit' }] };
  const timeline: Timeline = engine.simulate(script);
  const again: Timeline = engine.simulate(JSON.stringify(script));
  const refused: [number, string][] = timeline.refusals.map(([i, r]) => [i, r.code]);
  console.log(timeline.ticket?.closed ?? null, timeline.next_due, refused, again.timeline.length);
  engine.free();
}

// The browser build: init() first; the bundler build: the same classes.
export async function inBrowser(): Promise<void> {
  await web.default();
  const engine: web.Engine = new web.Engine(bundleText);
  const outcome: web.QuoteOutcome = engine.quote({ lines: [] });
  const viaBundler: bundler.ValidationReport = bundler.Engine.validate(bundleText);
  console.log(outcome.status, viaBundler.ok);
}
