// End to end: the configurator's foundation, driven in headless Chromium by keyboard and mouse
// as an admin would — templates, the quote preview with its context and trace, sample orders,
// undo and redo across sections, a draft that survives a reload, imports that never replace
// work silently, problems that land on what they name, and the language switch. Every screen
// is checked with axe-core's WCAG 2 A/AA rules; screenshots land in target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  bundleText,
  checkA11y,
  openApp,
  ready,
  selectInTextArea,
  shot,
  startServer,
  text,
  useTemplate,
  waitPath,
} from './support.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** The document of the open draft, as saved in localStorage (after the save settles). */
async function savedDoc(page) {
  await page.waitForSelector('#save-state[data-state="saved"]');
  return page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('jimu.drafts'));
    return JSON.parse(localStorage.getItem(`jimu.draft.${index.current}`)).doc;
  });
}

async function section(page, slug) {
  await page.click(`.nav-link[data-section="${slug}"]`);
  await page.waitForSelector(`.nav-link[data-section="${slug}"][aria-current="page"]`);
  await page.waitForSelector(`main[data-section="${slug}"]`);
}

test('a first visit starts blank; a template from the gallery opens in its section', async () => {
  const { page, errors } = await openApp(server);
  assert.equal(await text(page, '#draft-name'), 'my-bundle');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await checkA11y(page, 'the overview of a blank bundle');

  await page.click('#new-from-template');
  await waitPath(page, '/templates');
  const cards = await page.locator('.template-card').count();
  assert.ok(cards >= 35, `every scenario bundle is offered (${cards})`);
  // Each card says what the template is and what it holds, in the interface's language.
  const repair = page.locator('[data-template="flow-appliance-repair"]');
  assert.match(await repair.innerText(), /家电报修/);
  assert.match(await repair.innerText(), /1 个流程 · 8 个节点 · 1 张表单 · 6 个字段/);
  await shot(page, 'template-gallery.png');
  await checkA11y(page, 'the template gallery');

  // Keyboard: focus the template's button and press Enter.
  await page.focus('[data-template="pricing-double-11"] button');
  await page.keyboard.press('Enter');
  await waitPath(page, '/pricing');
  await ready(page);
  assert.equal(await text(page, '#draft-name'), 'double-11');
  assert.match(await text(page, '#notice'), /double-11/);
  assert.equal((await savedDoc(page)).name, 'double-11');
  // The blank draft was untouched, so the template took its place (undo goes back to it).
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#draft-name').textContent.trim() === 'my-bundle');
  await page.click('#redo');
  await page.waitForFunction(() => document.querySelector('#draft-name').textContent.trim() === 'double-11');
  // Another template with another name opens as a draft of its own; both are kept.
  await useTemplate(page, 'settlement-live-stream');
  assert.equal(await text(page, '#draft-name'), 'settlement-live-stream');
  await page.click('#drafts-toggle');
  const listed = await page.locator('#drafts-panel .draft-name').allInnerTexts();
  assert.deepEqual(listed.sort(), ['double-11', 'settlement-live-stream']);
  await checkA11y(page, 'the drafts list');
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('pricing: a context from the bundle\'s region tree prices the quote, and the trace says why', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'pricing-beijing-ac-cleaning');
  assert.match(page.url(), /\/pricing$/);
  // Without a region the rule that reads it cannot be judged: the quote says what is missing.
  await page.waitForSelector('#quote-problems');
  assert.match(await text(page, '#quote-problems'), /missing-context/);

  // The region comes from the bundle's tree; quantities are typed per catalog item.
  await page.selectOption('#ctx-region', 'bj-chaoyang');
  const qty = page.locator('input.qty[data-item="ac-clean"]');
  await qty.click();
  await qty.press('Control+A');
  await page.keyboard.type('2');
  // The corpus case pricing-beijing-ac-cleaning-20-off: 2 × 120.00 = 240.00 → 192.00, + 200.00.
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent === '392.00');
  assert.equal(await text(page, '#quote-subtotal'), '392.00');
  const applied = page.locator('#trace tr.trace-step[data-outcome="applied"]');
  assert.equal(await applied.count(), 1);
  assert.match(await applied.innerText(), /北京空调清洗 8 折/);
  assert.match(await applied.innerText(), /240\.00 → 192\.00/);
  // The repair line is in the group but not a target of the rule.
  const notTargeted = page.locator('#trace tr.trace-step[data-outcome="not-matched"]');
  assert.match(await notTargeted.innerText(), /不在规则的适用范围内/);
  await page.locator('#trace').scrollIntoViewIfNeeded();
  await shot(page, 'quote-trace.png');
  await checkA11y(page, 'the pricing section with its quote');

  // Shanghai is outside the rule: no discount.
  await page.selectOption('#ctx-region', 'sh-pudong').catch(async () => {
    const ids = await page.$$eval('#ctx-region option', (os) => os.map((o) => o.value));
    await page.selectOption('#ctx-region', ids.find((id) => id.startsWith('sh') || id.startsWith('shanghai')));
  });
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent === '440.00');
  // A quantity that is not a number is shown at its input, and the quote says where.
  await qty.click();
  await qty.press('Control+A');
  await page.keyboard.type('two');
  await page.waitForSelector('input.qty.invalid[data-item="ac-clean"]');
  assert.match(await text(page, '#quote-problems'), /\/lines\/0\/quantity/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

const ORDERS_CSV = `id,amount,placed_at,store_type,province,promotion,payees.store,payees.regional-agent,payees.technician
o-1,200.00,2026-11-03T10:00:00+08:00,franchise,guangdong,double-11,store-gz-01,agent-south,tech-li
o-2,abc,2026-11-03T11:00:00+08:00,direct,beijing,double-11,store-bj-01,,tech-wang
o-3,150.00,2026-11-04T09:30:00+08:00,direct,beijing,double-11,store-bj-01,,tech-wang
`;

test('settlement: sample orders imported as CSV are split per party, with the period statements', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'settlement-franchise-vs-direct');
  assert.match(page.url(), /\/settlement$/);
  // The columns the plans need are named before any order is given.
  // (once the template's bundle is checked: the check runs after a pause, never at once)
  await page.waitForFunction(() => document.querySelector('#orders-preview')?.textContent.includes('payees.regional-agent'));
  await page.setInputFiles('#orders-file', server.file('orders.csv', ORDERS_CSV));
  await page.waitForSelector('#splits tr.split[data-order="o-1"]');
  // o-1: the franchise promotion plan of South China: 68% store, 7% agent, 10% technician,
  // the remainder to HQ: 136.00 + 14.00 + 20.00 + 30.00 of 200.00.
  const o1 = await text(page, '#splits tr[data-order="o-1"]');
  for (const share of ['store store-gz-01 136.00', 'regional-agent agent-south 14.00', 'technician tech-li 20.00', 'hq hq 30.00']) {
    assert.ok(o1.includes(share), `${share} in ${o1}`);
  }
  // A row that is not an order says which line and which field.
  const o2 = await text(page, '#splits tr[data-order="o-2"]');
  assert.match(o2, /第 3 行/);
  assert.match(o2, /\/amount/);
  assert.match(await text(page, '#orders-summary'), /3 单中 2 单已结算/);
  // Statements: the technician tech-li earned on o-1 only.
  assert.match(await text(page, '#statements tr[data-payee="tech-li"]'), /2026-11.*20\.00/);
  await page.locator('#statements').scrollIntoViewIfNeeded();
  await shot(page, 'order-splits.png');
  await checkA11y(page, 'the settlement section with its splits');

  // Changing a rate in the plan re-splits at once (typed into the text view).
  await selectInTextArea(page, '#member-panel textarea', '"0.68"');
  await page.keyboard.type('"0.60"');
  await page.waitForFunction(() =>
    document.querySelector('#splits tr[data-order="o-1"]')?.textContent.includes('120.00'),
  );
  // The orders are kept with the draft.
  await page.reload();
  await ready(page);
  await page.waitForSelector('#splits tr.split[data-order="o-1"]');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('three edits in three sections undo and redo in order, by keys and by buttons', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'settlement-franchise-vs-direct');
  const original = await savedDoc(page);

  // 1. The overview: the bundle's name, typed into its settings.
  await section(page, 'overview');
  await page.click('#setting-name');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('my-shop');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.querySelector('#draft-name').textContent.trim() === 'my-shop');

  // 2. Settlement: a rate, in the text view.
  await section(page, 'settlement');
  await selectInTextArea(page, '#member-panel textarea', '"0.68"');
  await page.keyboard.type('"0.70"');
  await page.keyboard.press('Tab');

  // 3. Calendars & organisation: the organisation (empty in this template) gains a role.
  await section(page, 'org');
  const orgArea = '#member-panel textarea';
  const orgText = await page.inputValue(orgArea);
  assert.equal(orgText.trim(), '', 'this template has no organisation yet');
  await page.click(orgArea);
  await page.keyboard.type('{"roles": [{"id": "auditor", "name": "审计"}]}');
  await page.keyboard.press('Tab');

  let doc = await savedDoc(page);
  assert.equal(doc.name, 'my-shop');
  assert.equal(doc.settlement.plans[0].components[0].rate, '0.70');
  assert.deepEqual(doc.org, { roles: [{ id: 'auditor', name: '审计' }] });

  // Undo walks back one edit at a time, whatever section it was made in.
  await page.keyboard.press('Control+Z');
  doc = await savedDoc(page);
  assert.equal(doc.org, undefined, 'the org edit is undone first');
  assert.equal(doc.settlement.plans[0].components[0].rate, '0.70');
  await page.keyboard.press('Control+Z');
  doc = await savedDoc(page);
  assert.equal(doc.settlement.plans[0].components[0].rate, '0.68');
  assert.equal(doc.name, 'my-shop');
  await page.click('#undo');
  doc = await savedDoc(page);
  assert.deepEqual(doc, original, 'back to the template exactly');
  // The history lists the three steps that can be redone, above the one undo goes to next.
  await page.click('#history-toggle');
  assert.equal(await page.locator('#history-panel .step-redo').count(), 3);
  assert.match(await text(page, '#history-panel .step-current'), /打开了整个方案/);
  assert.match(await text(page, '#history-panel'), /\/settlement\/plans\/0\/components\/0\/rate/);
  await checkA11y(page, 'the edit history');
  await shot(page, 'undo-redo.png');
  await page.keyboard.press('Escape');

  // Redo: Ctrl+Shift+Z, Ctrl+Y and the button.
  await page.keyboard.press('Control+Shift+Z');
  assert.equal((await savedDoc(page)).name, 'my-shop');
  await page.keyboard.press('Control+Y');
  assert.equal((await savedDoc(page)).settlement.plans[0].components[0].rate, '0.70');
  await page.click('#redo');
  doc = await savedDoc(page);
  assert.deepEqual(doc.org, { roles: [{ id: 'auditor', name: '审计' }] });
  assert.ok(await page.isDisabled('#redo'), 'nothing more to redo');
  await checkA11y(page, 'the organisation section');

  // A reload finds the draft, its section and its history.
  await page.reload();
  await ready(page);
  assert.match(page.url(), /\/org$/);
  await page.waitForSelector('.nav-link[data-section="org"][aria-current="page"]');
  assert.equal(await text(page, '#draft-name'), 'my-shop');
  assert.match(await page.inputValue('#member-panel textarea'), /auditor/);
  await shot(page, 'draft-restored.png');
  await page.keyboard.press('Control+Z');
  doc = await savedDoc(page);
  assert.equal(doc.org, undefined, 'the history came back with the draft');
  await page.keyboard.press('Control+Z');
  assert.equal((await savedDoc(page)).settlement.plans[0].components[0].rate, '0.68');
  // Back and forward move between sections.
  await page.goBack();
  await page.waitForSelector('main[data-section]');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('text that is not JSON yet is kept, shown with where it breaks, and survives a reload', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'pricing-call-out-distance');
  await page.fill('#ctx-distance_km', '3.2');
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent);
  const before = await text(page, '#quote-total');
  // One stray character: the document keeps its last good value, the quote stays (stale).
  await selectInTextArea(page, '#member-panel textarea', '"30.00"');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('x');
  await page.waitForSelector('.text-problems');
  assert.match(await text(page, '.text-problems'), /json-syntax/);
  await page.waitForSelector('#quote-preview .stale-badge');
  assert.equal(await text(page, '#quote-total'), before, 'the last good quote is still shown');
  await page.reload();
  await ready(page);
  assert.match(await page.inputValue('#member-panel textarea'), /"30\.00"x/, 'no keystroke lost');
  await page.waitForSelector('.text-problems');
  // Undo drops the text that is not JSON; the bundle is as it was.
  await page.click('#undo');
  await page.waitForFunction(() => !document.querySelector('.text-problems'));
  assert.doesNotMatch(await page.inputValue('#member-panel textarea'), /"30\.00"x/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a broken file shows its problems and the draft stays as it was; good ones open by picker, drop or paste', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'pricing-double-11');
  const draft = await savedDoc(page);
  const steps = await page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('jimu.drafts'));
    return JSON.parse(localStorage.getItem(`jimu.draft.${index.current}`)).history.undo.length;
  });

  // Not JSON: the syntax problem with its line and column.
  await page.setInputFiles('#bundle-file', server.file('broken.json', '{\n  "schema_version": 2,\n  "name": "x",,\n}'));
  await page.waitForSelector('#refused[open]');
  assert.match(await text(page, '#refused'), /broken\.json/);
  assert.match(await text(page, '#refused-problems'), /json-syntax.*第 3 行/);
  assert.equal(await page.locator('#refused-open-anyway').count(), 0, 'nothing to open');
  await checkA11y(page, 'the refused-import dialog');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#refused').open);

  // JSON but not a loadable bundle: every problem with its pointer.
  const invalid = bundleText('pricing-double-11').replace('"CNY"', '"XYZ"').replace('"120.00"', '"-1"');
  await page.setInputFiles('#bundle-file', server.file('invalid.json', invalid));
  await page.waitForSelector('#refused[open]');
  const listed = await page.$$eval('#refused-problems .problem', (ps) => ps.map((p) => p.dataset.path));
  assert.ok(listed.includes('/currency'), listed.join(' '));
  assert.ok(listed.some((p) => p.startsWith('/catalog/0/price')), listed.join(' '));
  await shot(page, 'import-refused.png');
  await page.click('#refused-close');

  // The draft is exactly as it was, history included.
  assert.deepEqual(await savedDoc(page), draft);
  assert.equal(
    await page.evaluate(() => {
      const index = JSON.parse(localStorage.getItem('jimu.drafts'));
      return JSON.parse(localStorage.getItem(`jimu.draft.${index.current}`)).history.undo.length;
    }),
    steps,
  );
  assert.equal(await text(page, '#draft-name'), 'double-11');

  // A good file dropped on the page opens (in a draft of its own: another bundle name).
  await page.evaluate((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], 'porterage.json', { type: 'application/json' }));
    const target = document.querySelector('.app');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bundleText('pricing-porterage'));
  await page.waitForFunction(() => document.querySelector('#draft-name').textContent.trim() === 'porterage');

  // Pasted text opens the same way.
  await page.click('#paste-open');
  await page.waitForSelector('dialog[open] #paste-input');
  await checkA11y(page, 'the paste dialog');
  await page.fill('#paste-input', bundleText('pricing-vip-service-fee'));
  await page.click('#paste-submit');
  await page.waitForFunction(() => document.querySelector('#draft-name').textContent.trim() === 'vip-service-fee');
  await page.click('#drafts-toggle');
  const drafts = await page.locator('#drafts-panel .draft-name').allInnerTexts();
  assert.deepEqual(drafts.sort(), ['double-11', 'porterage', 'vip-service-fee']);
  // Discarding asks first.
  await page.click('#drafts-panel [data-draft] >> text=丢弃 >> nth=0');
  await page.click('#drafts-panel .confirm .btn-danger');
  await page.waitForFunction(() => document.querySelectorAll('#drafts-panel .draft-row').length === 2);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a problem picked lands on what it names: its section opens and the value is selected', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'pricing-double-11');
  // A mistake in a rule: a percent off above 100.
  await page.click('#tab-pricing');
  await selectInTextArea(page, '#member-panel textarea', '"percent": "', 0);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  const line = await page.$eval('#member-panel textarea', (a) => a.value.slice(a.selectionStart, a.selectionEnd));
  assert.match(line, /"percent": "\d+"/);
  await page.keyboard.type('"percent": "150"');
  await page.waitForSelector('#status[data-state="invalid"]');
  await page.waitForSelector('.nav-link[data-section="pricing"] .nav-badge-error');

  // From the overview's list of every problem.
  await section(page, 'overview');
  const problem = page.locator('#problems .problem').first();
  const path = await problem.getAttribute('data-path');
  assert.match(path, /^\/pricing\/groups\/\d+\/rules\/\d+\/effect\/percent$/);
  await problem.locator('button').click();
  await waitPath(page, '/pricing');
  await page.waitForSelector('#tab-pricing[aria-selected="true"]');
  assert.equal(await text(page, '.selected-pointer'), path);
  const selected = await page.$eval('#member-panel textarea', (a) => ({
    focused: document.activeElement === a,
    text: a.value.slice(a.selectionStart, a.selectionEnd),
  }));
  assert.ok(selected.focused, 'the text view has the focus');
  assert.equal(selected.text, '"percent": "150"');
  // The quote keeps its last good result, marked stale.
  await page.waitForSelector('#quote-preview .stale-badge');
  await shot(page, 'problem-selected.png');
  await checkA11y(page, 'the pricing section with a problem selected');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the language switches every text, is kept, and every section passes axe in both', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'flow-appliance-repair');
  await page.click('#lang-toggle');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await text(page, '.nav-link[data-section="flows"] .nav-label'), 'Flows');
  assert.match(await text(page, '#flow-simulation'), /Simulate a ticket/);
  // The canvas and the timeline chart speak English too, with the bundle's English names.
  assert.match(await text(page, '.palette'), /Exclusive gateway/);
  await page.waitForSelector('#timeline-chart .stay');
  // (an SVG element: its text content, as a screen reader reads it)
  assert.match(await page.locator('#timeline-chart').textContent(), /Report|Dispatch|Start/);
  await shot(page, 'language-en.png');
  for (const slug of ['overview', 'flows', 'forms', 'pricing', 'settlement', 'org', 'publish']) {
    await section(page, slug);
    await checkA11y(page, `the ${slug} section in English`);
  }
  await page.reload();
  await ready(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is kept');
  await page.click('#lang-toggle');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  for (const slug of ['overview', 'flows', 'forms']) {
    await section(page, slug);
    await checkA11y(page, `the ${slug} section in Chinese`);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('forms: the preview fills, computes, masks by role and routes', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'form-permissions');
  await page.fill('#pf-deal_amount', '1000.00');
  await page.fill('#pf-cost', '600.00');
  await page.fill('#pf-phone', '13812345678');
  await page.waitForFunction(() => document.querySelector('#pf-margin')?.textContent.includes('400.00'));
  // Finance sees the phone masked; sales do not see the cost at all.
  await page.selectOption('#preview-role', 'finance');
  await page.waitForFunction(() => document.querySelector('#pf-phone')?.value === '138****5678');
  assert.equal(await page.getAttribute('#form-preview [data-field="phone"]', 'data-access'), 'masked');
  await page.selectOption('#preview-role', 'sales');
  await page.waitForSelector('#form-preview [data-field="cost"]', { state: 'detached' });
  await shot(page, 'form-preview.png');
  await checkA11y(page, 'the forms section with its preview');
  assert.deepEqual(errors, []);
  await page.context().close();
});
