// End to end: the money editors (issue 19), driven in headless Chromium by mouse and keyboard
// as an admin would — a region discount added to the price rules and seen in the quote and its
// trace, a tier edited and seen in the chart and the quote, a commission switched from marginal
// to retroactive and seen in the chart and the statements, sample orders imported and split,
// the catalog sorted and filtered, undo, redo and a reload. Screenshots land in target/e2e/;
// every screen is checked with axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkA11y, openApp, ready, shot, startServer, text, useTemplate, validBundles } from './support.mjs';

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

const total = (page) => page.$eval('#quote-total', (e) => e.textContent);
const chartPath = (page, id) => page.getAttribute(`#${id} .chart-line`, 'd');

test('pricing: a region discount moves the quote and its trace; a tier edit moves the chart and the quote', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'pricing-beijing-ac-cleaning');
  await page.waitForSelector('.money-page[data-section="pricing"]');
  await checkA11y(page, 'the pricing editor');

  // A Shanghai customer, 2 cleanings and 1 repair: no rule applies (the Beijing one does not).
  await page.selectOption('#ctx-region', 'sh-pudong');
  const qty = page.locator('input.qty[data-item="ac-clean"]');
  await qty.click();
  await qty.press('Control+A');
  await page.keyboard.type('2');
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent === '440.00');

  // A region discount, built with the pickers: Shanghai Pudong, 15% off.
  await page.click('#group-0-add-rule');
  await page.click('.rule-row[data-rule="1"] .rule-name');
  await page.selectOption('#rule-0-1-when-field', 'region');
  await page.selectOption('#rule-0-1-when-value', 'sh-pudong');
  await page.waitForFunction(() => document.querySelector('#rule-0-1-when-expr')?.value === "region == 'sh-pudong'");
  await page.fill('#rule-0-1-name-zh', '浦东 85 折');
  await page.fill('#rule-0-1-name-en', 'Pudong 15% off');
  await page.fill('#rule-0-1-percent', '15');
  // 240.00 → 204.00 and 200.00 → 170.00 (both lines are air-conditioning, the group's scope).
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent === '374.00');
  const applied = page.locator('#trace tr.trace-step[data-outcome="applied"]');
  assert.equal(await applied.count(), 2);
  assert.match(await applied.first().innerText(), /浦东 85 折/);
  assert.match(await applied.first().innerText(), /240\.00 → 204\.00/);
  await shot(page, 'pricing-region-discount.png');
  await checkA11y(page, 'a price rule open in the editor');

  // Stacking order: the new rule dragged above the Beijing one; the group is "first match".
  await page.dragAndDrop('.rule-row[data-rule="1"]', '.rule-row[data-rule="0"]');
  await page.waitForFunction(() => document.querySelector('.rule-row[data-rule="0"] .rule-name')?.textContent.includes('浦东'));
  assert.match(await text(page, '#group-0-stacking-said'), /第一条/);
  let doc = await savedDoc(page);
  assert.equal(doc.pricing.groups[0].rules[0].when, "region == 'sh-pudong'");
  assert.equal(doc.pricing.groups[0].rules[0].effect.percent, '15');

  // Undo takes the move back; redo puts it again.
  await page.click('.topbar');
  await page.keyboard.press('Control+Z');
  await page.waitForFunction(() => document.querySelector('.rule-row[data-rule="1"] .rule-name')?.textContent.includes('浦东'));
  await page.keyboard.press('Control+Shift+Z');
  await page.waitForFunction(() => document.querySelector('.rule-row[data-rule="0"] .rule-name')?.textContent.includes('浦东'));

  // The catalog: sorted by price, filtered, exported as CSV and imported back with a change.
  await page.click('.th-sort[data-col="4"]');
  const prices = await page.$$eval('#catalog-table tbody input[data-col="price"]', (is) => is.map((i) => Number(i.value)));
  assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
  await page.fill('#catalog-filter', 'repair');
  assert.equal(await page.locator('#catalog-table tbody tr').count(), 1);
  await page.fill('#catalog-filter', '');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#catalog-export')]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv, /ac-clean/);
  await page.setInputFiles('#catalog-import', server.file('catalog.csv', csv.replace('120.00', '130.00')));
  // 2 × 130.00 = 260.00 → 221.00 (15% off) and 170.00: 391.00.
  await page.waitForFunction(() => document.querySelector('#quote-total')?.textContent === '391.00');
  doc = await savedDoc(page);
  assert.equal(doc.catalog.find((i) => i.id === 'ac-clean').price, '130.00');
  await shot(page, 'catalog-table.png');

  // A reload finds the rule and the quote as they were.
  await page.reload();
  await ready(page);
  await page.waitForSelector('.rule-row[data-rule="0"]');
  assert.match(await text(page, '.rule-row[data-rule="0"] .rule-name'), /浦东/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('pricing: the call-out fee table is edited and its chart and the quote follow', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'pricing-call-out-distance');
  await page.waitForSelector('#table-0-chart .chart-line');
  // The rule rounds distance up to whole km before the table: the chart says so.
  assert.match(await text(page, '.money-table[data-table="0"] figcaption'), /1/);
  await page.fill('#ctx-distance_km', '7');
  // 7 km: 30 for the first 3 km, then 4 × 5.00 = 50.00 for the call-out.
  await page.waitForFunction(() => [...document.querySelectorAll('#quote td')].some((td) => td.textContent === '50.00'));
  const before = await total(page);
  const pathBefore = await chartPath(page, 'table-0-chart');
  // The second band's price per km, 5 → 6: 30 + 4 × 6 = 54.00.
  await page.fill('#pt-1-unit', '6');
  await page.press('#pt-1-unit', 'Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('#quote td')].some((td) => td.textContent === '54.00'));
  assert.notEqual(await chartPath(page, 'table-0-chart'), pathBefore);
  const after = await total(page);
  assert.equal((Number(after) - Number(before)).toFixed(2), '4.00');
  // A band added before the open one, and the model switched to volume: the chart follows.
  await page.click('#pt-add');
  await page.waitForSelector('#pt-2-unit');
  await page.selectOption('#table-0-model', 'volume');
  await page.waitForFunction((p) => document.querySelector('#table-0-chart .chart-line')?.getAttribute('d') !== p, pathBefore);
  await page.locator('#table-0-chart').scrollIntoViewIfNeeded();
  await shot(page, 'pricing-tier-chart.png');
  await checkA11y(page, 'the tier table editor');
  const doc = await savedDoc(page);
  assert.equal(doc.pricing.tier_tables[0].charge.model, 'volume');
  assert.equal(doc.pricing.tier_tables[0].charge.tiers.length, 3);
  assert.deepEqual(errors, []);
  await page.context().close();
});

const LIVE_ORDERS = `id,amount,placed_at,channel,traffic_source,live_viewers,payees.streamer
o-1,80000.00,2026-11-03T10:00:00+08:00,douyin-live,live,20000,anchor-a
o-2,60000.00,2026-11-20T10:00:00+08:00,douyin-live,ad,500,anchor-a
`;

test('settlement: orders imported and split; a commission switched from marginal to retroactive moves its chart and the statements', async () => {
  const { page, errors } = await openApp(server);
  await useTemplate(page, 'settlement-live-stream');
  await page.waitForSelector('.money-page[data-section="settlement"]');
  await page.waitForFunction(() => document.querySelector('#orders-preview')?.textContent.includes('payees.streamer'));
  await page.setInputFiles('#orders-file', server.file('orders.csv', LIVE_ORDERS));
  await page.waitForSelector('#splits tr.split[data-order="o-2"]');
  // o-1: 10% base commission 8,000.00 and the 2% traffic bonus 1,600.00 to the streamer, 5% =
  // 4,000.00 to the MCN, the rest to the brand; o-2 (no bonus): 6,000.00, 3,000.00, 51,000.00.
  const o1 = await text(page, '#splits tr[data-order="o-1"]');
  for (const share of ['streamer anchor-a 8000.00', 'streamer anchor-a 1600.00', 'mcn mcn 4000.00', 'brand brand 66400.00']) {
    assert.ok(o1.includes(share), `${share} in ${o1}`);
  }
  assert.ok((await text(page, '#splits tr[data-order="o-2"]')).includes('brand brand 51000.00'));
  // The monthly GMV tiers settle on the statement: 140,000.00 in November, marginal:
  // 100,000 × 2% + 40,000 × 4% = 3,600.00, so the streamer's month is 19,200.00.
  const statement = async () => text(page, '#statements tr[data-payee="anchor-a"]');
  const marginal = await statement();
  assert.match(marginal, /19200\.00/);
  // The split per payee as a chart (the largest bar full width), and both tables as CSV.
  assert.equal(await page.getAttribute('#split-chart li[data-payee="brand"] .bar', 'style'), 'width: 100.0%');
  assert.ok(await page.locator('#split-chart li[data-payee="anchor-a"]').count());
  const [splits] = await Promise.all([page.waitForEvent('download'), page.click('#export-splits')]);
  const splitsCsv = readFileSync(await splits.path(), 'utf8');
  assert.match(splitsCsv, /^\uFEFF?order,plan,period,party,payee,component,amount/);
  assert.match(splitsCsv, /o-1,live-commerce,2026-11,streamer,anchor-a,base-commission,8000\.00/);
  const [statements] = await Promise.all([page.waitForEvent('download'), page.click('#export-statements')]);
  assert.match(readFileSync(await statements.path(), 'utf8'), /anchor-a,streamer,2026-11,2026-11-30,2,19200\.00/);
  await shot(page, 'settlement-splits.png');

  // The impact diff against the published version (here the template's file): nothing yet.
  await page.setInputFiles('#impact-file', join(validBundles, 'settlement-live-stream.json'));
  await page.waitForSelector('#impact-summary');
  assert.match(await text(page, '#impact-summary'), /2 单中 0 单/);
  // The base commission raised from 10% to 12%: 2% of 140,000.00 moves from the brand (the
  // remainder) to the streamer, 1,600.00 on o-1 and 1,200.00 on o-2.
  await page.fill('#comp-0-0-rate', '0.12');
  await page.waitForFunction(() => document.querySelector('#impact-parties tr[data-party="streamer"]')?.textContent.includes('+2800.00'));
  assert.match(await text(page, '#impact-parties tr[data-party="brand"]'), /-2800\.00/);
  assert.match(await text(page, '#impact-parties tr[data-party="mcn"]'), /(^|\s)0(\.00)?$/);
  assert.match(await text(page, '#impact-orders li[data-order="o-1"]'), /streamer \+1600\.00/);
  assert.match(await text(page, '#impact-summary'), /2 单中 2 单/);
  await page.locator('#impact').scrollIntoViewIfNeeded();
  await shot(page, 'impact-diff.png');
  await checkA11y(page, 'the impact diff');
  await page.fill('#comp-0-0-rate', '0.10');
  await page.waitForFunction(() => document.querySelector('#impact-summary')?.textContent.includes('2 单中 0 单'));

  // The tiered component: marginal → retroactive.
  const component = '.component[data-kind="tiered"]';
  await page.locator(component).scrollIntoViewIfNeeded();
  const chart = await page.$eval(`${component} .chart-line`, (p) => p.getAttribute('d'));
  await page.check(`${component} input[type="radio"][id$="-retroactive"]`);
  await page.waitForFunction((c) => document.querySelector('.component[data-kind="tiered"] .chart-line')?.getAttribute('d') !== c, chart);
  const statementHas = (amount) =>
    page.waitForFunction((a) => document.querySelector('#statements tr[data-payee="anchor-a"]')?.textContent.includes(a), amount);
  await statementHas('21200.00');
  // Retroactive: all 140,000 at the 4% band it reached, 5,600.00: the month is 21,200.00.
  assert.match(await statement(), /21200\.00/);
  let doc = await savedDoc(page);
  assert.equal(doc.settlement.plans[0].components.find((c) => c.kind === 'tiered').mode, 'retroactive');
  await shot(page, 'settlement-retroactive.png');
  await checkA11y(page, 'the settlement editor');

  // Undo puts marginal back, and the statements with it.
  await page.click('.topbar');
  await page.keyboard.press('Control+Z');
  await statementHas('19200.00');
  await page.keyboard.press('Control+Y');
  await statementHas('21200.00');
  doc = await savedDoc(page);
  assert.equal(doc.settlement.plans[0].components.find((c) => c.kind === 'tiered').mode, 'retroactive');
  assert.deepEqual(errors, []);
  await page.context().close();
});
