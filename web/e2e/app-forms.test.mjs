// End to end: the form designer (issue 18), driven in headless Chromium by mouse and keyboard
// as an admin would — the repair work order built from nothing (sections, fields dragged from
// the palette, a parts section shown only when parts were used, a computed total), fields
// reordered by dragging, a required-if set with the pickers and seen in the preview, a phone
// masked for agents with the preview switched between roles, a form that extends another,
// undo and redo, and a reload that finds everything as it was. Screenshots land in
// target/e2e/; every screen is checked with axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, openApp, ready, shot, startServer, text } from './support.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** The document of the open draft, as saved. */
async function savedDoc(page) {
  await page.waitForSelector('#save-state[data-state="saved"]');
  return page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('jimu.drafts'));
    return JSON.parse(localStorage.getItem(`jimu.draft.${index.current}`)).doc;
  });
}

/** Drags a palette kind into a section's drop zone (`none`: the fields in no section). */
async function dragKind(page, kind, section) {
  await page.dragAndDrop(`.palette-item[data-kind="${kind}"]`, `.fd-section[data-section-index="${section}"] .fd-drop`);
}

/** Renames the selected field (the properties panel's id box; committed by Enter). */
async function rename(page, id) {
  await page.fill('#fd-id', id);
  await page.press('#fd-id', 'Enter');
  await page.waitForSelector(`.fd-card.selected[data-field="${id}"]`);
}

/** Types a text in both languages into a pair of inputs. */
async function both(page, id, zh, en) {
  await page.fill(`#${id}-zh`, zh);
  await page.fill(`#${id}-en`, en);
}

/** The field ids of each section of the structure, in order. */
async function structure(page) {
  return page.$$eval('.fd-section', (ss) =>
    ss.map((s) => [...s.querySelectorAll('.fd-card')].map((c) => c.dataset.field)),
  );
}

const ORG = JSON.stringify({
  roles: [
    { id: 'agent', name: { 'zh-CN': '代理商', en: 'Agent' } },
    { id: 'technician', name: { 'zh-CN': '师傅', en: 'Technician' } },
  ],
});

test('an admin builds the repair work order, previews its logic and masking, extends it, and finds it again after a reload', async () => {
  const { page, errors } = await openApp(server);
  await page.click('.nav-link[data-section="org"]');
  await page.fill('#member-panel textarea', ORG);
  await page.waitForFunction(() => !document.querySelector('.text-problems'));

  // From nothing: a new form with two sections.
  await page.click('.nav-link[data-section="forms"]');
  await page.waitForSelector('.empty-flows');
  await checkA11y(page, 'the forms section without forms');
  await page.click('#add-form');
  await page.waitForSelector('#fd-form-id');
  await page.fill('#fd-form-id', 'repair');
  await both(page, 'fd-form-name', '维修工单', 'Repair work order');
  await page.click('#fd-add-section');
  await page.click('#fd-add-section');
  await both(page, 'fd-section-0-title', '报修信息', 'Request');
  await both(page, 'fd-section-1-title', '配件', 'Parts');
  await page.fill('#fd-section-1-visible', 'parts_used == true');
  await page.waitForSelector('.fd-section[data-section-index="1"] .fd-drop');

  // Fields from the palette, dragged into the sections, renamed and labelled.
  const add = async (kind, section, id, zh, en) => {
    await dragKind(page, kind, section);
    await page.waitForSelector(`.fd-card.selected`);
    await rename(page, id);
    await both(page, 'fd-label', zh, en);
  };
  await add('text', 0, 'customer', '客户姓名', 'Customer');
  await add('phone', 0, 'phone', '联系电话', 'Phone');
  await add('yes_no', 0, 'parts_used', '使用了配件', 'Parts used');
  await add('money', 0, 'labour', '人工费', 'Labour');
  await add('money', 1, 'parts_cost', '配件费', 'Parts cost');
  await add('computed', 0, 'total', '合计', 'Total');
  await page.fill('#fd-formula', 'labour + (parts_used ? parts_cost : 0)');
  await page.selectOption('#fd-value-type', 'money');
  await page.waitForSelector('#status[data-state="valid"]');
  assert.deepEqual(await structure(page), [
    ['customer', 'phone', 'parts_used', 'labour', 'total'],
    ['parts_cost'],
  ]);
  // The total reads the fields its formula names, and says so on its card.
  assert.match(await text(page, '.fd-card[data-field="total"] .fd-reads'), /labour parts_used parts_cost/);

  // The preview: the parts section appears when parts were used, and the total computes.
  await page.fill('#pf-labour', '80');
  assert.equal(await page.locator('#form-preview [data-field="parts_cost"]').count(), 0);
  await page.check('#form-preview [data-field="parts_used"] input[type="checkbox"]');
  await page.waitForSelector('#form-preview [data-field="parts_cost"]');
  await page.fill('#pf-parts_cost', '120');
  await page.waitForFunction(() => document.querySelector('#pf-total')?.textContent.includes('200'));
  await shot(page, 'form-built.png');
  await checkA11y(page, 'the form designer');

  // Reordering by dragging: the phone before the customer's name, then the total into parts.
  await page.dragAndDrop('.fd-card[data-field="phone"]', '.fd-card[data-field="customer"]');
  await page.waitForFunction(() => document.querySelector('.fd-section .fd-card')?.dataset.field === 'phone');
  await page.dragAndDrop('.fd-card[data-field="total"]', '.fd-section[data-section-index="1"] .fd-drop');
  assert.deepEqual(await structure(page), [
    ['phone', 'customer', 'parts_used', 'labour'],
    ['parts_cost', 'total'],
  ]);
  // And by keyboard: Alt+↑ on a card moves it up (the total back into the first section).
  await page.focus('.fd-card[data-field="total"] .fd-card-main');
  await page.keyboard.press('Alt+ArrowUp');
  await page.keyboard.press('Alt+ArrowUp');
  await page.waitForFunction(() => document.activeElement?.closest('.fd-card')?.dataset.field === 'total');
  assert.deepEqual(await structure(page), [
    ['phone', 'customer', 'parts_used', 'labour', 'total'],
    ['parts_cost'],
  ]);
  let doc = await savedDoc(page);
  assert.deepEqual(doc.forms[0].sections.map((s) => s.fields), [
    ['phone', 'customer', 'parts_used', 'labour', 'total'],
    ['parts_cost'],
  ]);
  await shot(page, 'form-reordered.png');

  // A required-if with the pickers: the customer's name is required once parts were used.
  await page.click('.fd-card[data-field="customer"] .fd-card-main');
  await page.click('#fd-logic-group > summary');
  await page.selectOption('#fd-required-if-field', 'parts_used');
  await page.waitForFunction(() => document.querySelector('#fd-required-if-expr').value === 'parts_used == true');
  await page.waitForSelector('#form-preview [data-field="customer"] .required');
  assert.match(await text(page, '#form-validity'), /有错误|errors/);
  // Unticking parts: no longer required, and the parts section is gone.
  await page.uncheck('#form-preview [data-field="parts_used"] input[type="checkbox"]');
  await page.waitForSelector('#form-preview [data-field="customer"] .required', { state: 'detached' });
  await page.check('#form-preview [data-field="parts_used"] input[type="checkbox"]');
  await page.waitForSelector('#form-preview [data-field="customer"] .required');
  // A mistake typed into the raw expression is shown at its characters.
  await page.fill('#fd-required-if-expr', 'parts_used == ');
  await page.waitForSelector('.fd-logic .field-expr.invalid .expr-marked mark');
  await shot(page, 'form-logic-error.png');
  await page.fill('#fd-required-if-expr', 'parts_used == true');
  await page.waitForSelector('.fd-logic .field-expr:not(.invalid) #fd-required-if-expr');
  await page.waitForSelector('.fd-card[data-field="customer"] [data-badge="required_if"]');
  await shot(page, 'form-required-if.png');

  // Masking: agents see the phone masked; switching roles in the preview shows it.
  await page.click('.fd-card[data-field="phone"] .fd-card-main');
  await page.selectOption('#fd-access-agent', 'masked');
  await page.waitForSelector('#fd-mask-agent');
  await page.selectOption('#fd-access-technician', 'read_only');
  await page.fill('#pf-phone', '13812345678');
  await page.selectOption('#preview-role', 'agent');
  await page.waitForFunction(() => document.querySelector('#pf-phone')?.value === '138****5678');
  assert.equal(await page.getAttribute('#form-preview [data-field="phone"]', 'data-access'), 'masked');
  await page.locator('#fd-access-agent').scrollIntoViewIfNeeded();
  await shot(page, 'form-masked-agent.png');
  await page.selectOption('#preview-role', 'technician');
  await page.waitForFunction(() => document.querySelector('#pf-phone')?.value === '13812345678');
  assert.equal(await page.getAttribute('#form-preview [data-field="phone"]', 'data-access'), 'read_only');
  await page.selectOption('#preview-role', '');
  doc = await savedDoc(page);
  const phone = doc.forms[0].fields.find((f) => f.id === 'phone');
  assert.deepEqual(phone.permissions, [
    { roles: ['agent'], access: 'masked', mask: { pattern: 'phone' } },
    { roles: ['technician'], access: 'read_only' },
  ]);
  await checkA11y(page, 'the field properties');

  // A form that extends the work order: it drops the customer's name and adds a rating.
  await page.click('#add-form');
  await page.waitForSelector('.tab[data-item="form"][aria-selected="true"]');
  await page.fill('#fd-form-id', 'repair_vip');
  await both(page, 'fd-form-name', 'VIP 维修工单', 'VIP repair');
  await page.selectOption('#fd-extends', 'repair');
  await page.waitForSelector('.fd-card[data-field="customer"].inherited');
  await page.click('.fd-card[data-field="customer"] .fd-remove');
  await page.waitForSelector('.fd-removed [data-removed="customer"]');
  await dragKind(page, 'rating', 0);
  await page.waitForSelector('.fd-card[data-field="rating"] .tag-added');
  await page.click('.fd-card[data-field="rating"] .fd-card-main');
  await both(page, 'fd-label', '满意度', 'Satisfaction');
  // The inherited phone, overridden here: it can then be changed in this form only.
  await page.click('.fd-card[data-field="phone"] .fd-card-main');
  await page.click('#fd-override');
  await page.waitForSelector('.fd-card[data-field="phone"] .tag-changed');
  await page.click('.tab[data-item="repair_vip"]');
  await page.waitForSelector('#fd-inherit-summary');
  assert.match(await text(page, '#fd-inherit-summary'), /4 .*1 .*1 .*1 /);
  doc = await savedDoc(page);
  const vip = doc.forms[1];
  assert.equal(vip.extends, 'repair');
  assert.deepEqual(vip.remove_fields, ['customer']);
  assert.deepEqual(vip.fields.map((f) => f.id).sort(), ['phone', 'rating']);
  assert.deepEqual(vip.sections.map((s) => s.fields), [
    ['phone', 'parts_used', 'labour', 'total', 'rating'],
    ['parts_cost'],
  ]);
  await page.waitForFunction(() => document.querySelector('#preview-form')?.value === 'repair_vip');
  await shot(page, 'form-extends.png');
  await checkA11y(page, 'a form that extends another');

  // Undo and redo: the override goes and comes back.
  await page.click('.topbar');
  await page.keyboard.press('Control+Z');
  await page.waitForSelector('.fd-card[data-field="phone"].inherited');
  await page.keyboard.press('Control+Shift+Z');
  await page.waitForSelector('.fd-card[data-field="phone"] .tag-changed');
  await page.keyboard.press('Control+Z');
  await page.waitForSelector('.fd-card[data-field="phone"].inherited');
  await page.keyboard.press('Control+Y');
  await page.waitForSelector('.fd-card[data-field="phone"] .tag-changed');
  await shot(page, 'undo-redo.png');

  // A reload finds both forms as they were.
  const shown = await structure(page);
  const saved = await savedDoc(page);
  await page.reload();
  await ready(page);
  await page.waitForSelector('.fd-card');
  assert.deepEqual((await savedDoc(page)).forms, saved.forms);
  await page.click('.tab[data-item="repair_vip"]');
  await page.waitForSelector('.fd-removed [data-removed="customer"]');
  assert.deepEqual(await structure(page), shown);
  await shot(page, 'form-after-reload.png');

  // The language switch: the designer and the preview speak English.
  await page.click('#lang-toggle');
  await page.waitForSelector('html[lang="en"]');
  assert.match(await text(page, '.fd-card[data-field="rating"] .fd-label'), /Satisfaction/);
  await shot(page, 'form-designer-en.png');
  assert.deepEqual(errors, []);
});
