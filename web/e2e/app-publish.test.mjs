// End to end: publishing from the configurator to the `jimu serve` it is served by, in headless
// Chromium — a new bundle under the name it gives itself, the next version over the one opened,
// a conflict with someone else's publish that loses nothing, refusals said plainly, and a
// bundle's history: open or compare any version, roll back to one.
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

async function history(name) {
  const res = await server.api(`bundles/${name}/versions`);
  return { status: res.status, versions: res.ok ? (await res.json()).versions : [] };
}

async function newest(name) {
  const res = await server.api(`bundles/${name}`);
  return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

async function publishBehind(name, content, { token, etag, message = '' }) {
  const condition = etag ? { 'if-match': etag } : { 'if-none-match': '*' };
  const res = await server.api(`bundles/${name}?message=${encodeURIComponent(message)}`, {
    method: 'PUT',
    token,
    headers: { 'content-type': 'application/json', ...condition },
    body: content,
  });
  assert.ok(res.status === 200 || res.status === 201, `publish ${name}: ${res.status} ${await res.clone().text()}`);
  return { etag: res.headers.get('etag'), ...(await res.json()) };
}

/** Every request the page makes to /api, with its method, path, headers and body. */
function watchApi(page) {
  const seen = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) {
      seen.push({
        method: request.method(),
        path: url.pathname + url.search,
        headers: request.headers(),
        body: request.postData(),
      });
    }
  });
  return (method) => seen.filter((r) => !method || r.method === method);
}

async function enterToken(page, token) {
  await page.fill('#server-token', token);
  await page.locator('#server-token').press('Tab');
}

/** The outcome box once it says `kind`; its text. */
async function outcome(page, kind) {
  await page.waitForSelector(`#publish-outcome[data-kind="${kind}"]`);
  return text(page, '#publish-outcome');
}

async function publish(page, message) {
  await page.fill('#publish-message', message);
  await page.click('#publish');
}

test('an admin publishes a new bundle, the next version, and meets a conflict that loses nothing', async () => {
  const { page, errors } = await openApp(server);
  const sent = watchApi(page);
  await useTemplate(page, 'pricing-vip-service-fee');
  await page.click('.nav-link[data-section="publish"]');
  await page.waitForSelector('#publish-card');
  assert.equal(await page.getAttribute('#server-token', 'type'), 'password');
  await enterToken(page, server.tokens.publisher);
  assert.equal(await page.evaluate(() => localStorage.getItem('jimu.token')), server.tokens.publisher);
  // The name published is the bundle's own; it is new on the server.
  assert.equal(await text(page, '#publish-name'), 'vip-service-fee');
  await page.waitForSelector('#publish-base[data-mode="create"]');
  await page.waitForSelector('#history-none');
  await publish(page, '首版 first prices');
  assert.match(await outcome(page, 'published'), /vip-service-fee.*版本 1/);
  await page.waitForSelector('#publish-base[data-mode="update"][data-version="1"][data-edited="false"]');
  await page.waitForSelector('#history tr[data-version="1"]');
  await shot(page, 'publish-new.png');
  await checkA11y(page, 'the publish section');

  let stored = await history('vip-service-fee');
  assert.deepEqual(
    stored.versions.map((v) => [v.version, v.author, v.message]),
    [[1, 'alice', '首版 first prices']],
  );
  const v1 = await newest('vip-service-fee');
  assert.deepEqual(JSON.parse(v1.text), JSON.parse(bundleText('pricing-vip-service-fee')), 'the bundle as opened');
  const [create] = sent('PUT');
  assert.equal(create.path, `/api/bundles/vip-service-fee?message=${encodeURIComponent('首版 first prices')}`);
  assert.equal(create.headers.authorization, `Bearer ${server.tokens.publisher}`);
  assert.equal(create.headers['if-none-match'], '*');
  assert.equal(create.headers['if-match'], undefined);

  // An edit in the pricing section, published over version 1 (If-Match of its ETag).
  await page.click('.nav-link[data-section="pricing"]');
  await selectInTextArea(page, '#member-panel textarea', '"price": "', 0);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('1');
  await page.click('.nav-link[data-section="publish"]');
  await page.waitForSelector('#publish-base[data-version="1"][data-edited="true"]');
  await publish(page, 'prices up');
  assert.match(await outcome(page, 'published'), /vip-service-fee 已发布为版本 2/);
  const update = sent('PUT')[1];
  assert.equal(update.headers['if-match'], v1.etag);
  const v2 = await newest('vip-service-fee');
  assert.equal(update.body, v2.text);

  // Someone else publishes version 3 behind the app's back.
  const theirs = JSON.stringify({ ...JSON.parse(v2.text), description: { 'zh-CN': '鲍勃的版本', en: "Bob's version" } }, null, 2);
  const bobs = await publishBehind('vip-service-fee', theirs, { token: server.tokens.bob, etag: v2.etag, message: 'bob' });
  assert.equal(bobs.version, 3);

  // The app publishes over version 2: refused, nothing overwritten; who and which version.
  await page.click('.nav-link[data-section="overview"]');
  await page.fill('#setting-desc-en', 'Alice edits');
  await page.click('.nav-link[data-section="publish"]');
  await publish(page, 'mine');
  const conflict = await outcome(page, 'conflict');
  assert.match(conflict, /bob/);
  assert.match(conflict, /3/);
  assert.equal((await history('vip-service-fee')).versions.length, 3, 'nothing stored');
  await shot(page, 'publish-conflict.png');
  // Loading theirs is an undoable step: undo brings mine back.
  await page.click('#load-theirs');
  await page.waitForSelector('#publish-base[data-version="3"]');
  await page.click('.nav-link[data-section="overview"]');
  assert.equal(await page.inputValue('#setting-desc-en'), "Bob's version");
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#setting-desc-en').value === 'Alice edits');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('refusals say why and never change the draft: errors, no token, a reader, archived, offline', async () => {
  const { page, errors } = await openApp(server);
  const sent = watchApi(page);
  await useTemplate(page, 'pricing-porterage');
  await page.click('.nav-link[data-section="publish"]');
  await page.waitForSelector('#publish-card');

  // No token: said before anything is sent.
  await page.click('#publish');
  assert.match(await outcome(page, 'not-sent'), /令牌/);
  await enterToken(page, server.tokens.publisher);

  // Errors found in the browser: nothing is sent.
  await page.click('.nav-link[data-section="overview"]');
  await page.fill('#setting-currency', 'XYZ');
  await page.waitForSelector('#status[data-state="invalid"]');
  await page.click('.nav-link[data-section="publish"]');
  await page.click('#publish');
  assert.match(await outcome(page, 'not-sent'), /个错误/);
  assert.deepEqual(sent('PUT'), [], 'no publish request');
  await page.click('#undo');
  await page.waitForSelector('#status[data-state="valid"]');

  // A reader's token may read but not publish: 403, in English too.
  await enterToken(page, server.tokens.reader);
  await page.click('#lang-toggle');
  await page.click('#publish');
  assert.match(await outcome(page, 'forbidden'), /publisher role/);
  await shot(page, 'publish-forbidden-en.png');
  await page.click('#lang-toggle');

  // A wrong token: 401, said plainly.
  await enterToken(page, `jimu_${'0'.repeat(64)}`);
  await page.click('#publish');
  assert.match(await outcome(page, 'unauthorized'), /令牌/);

  // Server problems are listed like local ones, each picked lands on what it names.
  await enterToken(page, server.tokens.publisher);
  const refused = await server.api('bundles/porterage', {
    method: 'PUT',
    token: server.tokens.publisher,
    headers: { 'content-type': 'application/json', 'if-none-match': '*' },
    body: bundleText('pricing-porterage').replace('"CNY"', '"XYZ"'),
  });
  assert.equal(refused.status, 422);
  const problemBody = await refused.text();
  await page.route('**/api/bundles/porterage*', (route) =>
    route.request().method() === 'PUT'
      ? route.fulfill({ status: 422, contentType: 'application/problem+json', body: problemBody })
      : route.continue(),
  );
  await page.click('#publish');
  assert.match(await outcome(page, 'invalid'), /服务器/);
  const item = page.locator('#server-problems li.problem[data-path="/currency"] button');
  await item.click();
  await waitPath(page, '/');
  await page.unroute('**/api/bundles/porterage*');

  // The server cannot be reached: said so.
  await page.click('.nav-link[data-section="publish"]');
  await page.route('**/api/bundles/porterage*', (route) => route.abort('connectionrefused'));
  await page.click('#publish');
  assert.match(await outcome(page, 'network'), /无法连接服务器/);
  await page.unroute('**/api/bundles/porterage*');

  // An archived bundle refuses publishes: 409.
  await page.click('#publish');
  await outcome(page, 'published');
  assert.equal((await server.api('bundles/porterage/archive', { method: 'POST', token: server.tokens.publisher })).status, 200);
  await page.click('.nav-link[data-section="overview"]');
  await page.fill('#setting-desc-en', 'after archiving');
  await page.click('.nav-link[data-section="publish"]');
  await page.click('#publish');
  assert.match(await outcome(page, 'archived'), /porterage/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the history: every version with author and message; open and compare any; a confirmed rollback', async () => {
  const name = 'double-11';
  const base = bundleText('pricing-double-11');
  const v1 = await publishBehind(name, base, { token: server.tokens.bob, message: 'first' });
  const second = base.replace('"99.00"', '"89.00"');
  await publishBehind(name, second, { token: server.tokens.bob, etag: v1.etag, message: '一口价 89' });

  const { page, errors } = await openApp(server, '/publish');
  await enterToken(page, server.tokens.publisher);
  await page.click(`#bundle-list tr[data-name="${name}"] .open-bundle`);
  await page.waitForSelector('#publish-base[data-mode="update"][data-version="2"]');
  assert.equal(await text(page, '#draft-name'), name);
  await page.click('.nav-link[data-section="publish"]');
  await page.waitForSelector('#history tr[data-version="2"]');
  assert.match(await text(page, '#history tr[data-version="2"]'), /bob.*一口价 89/);

  // Compare version 1 with the draft: the one price that changed.
  await page.click('#history tr[data-version="1"] .compare-version');
  await page.waitForSelector('#differences');
  const rows = await page.$$eval('#differences tr.difference', (rs) => rs.map((r) => [r.dataset.path, r.dataset.kind]));
  assert.deepEqual(rows, [['/pricing/groups/0/rules/0/effect/price', 'changed']]);
  assert.match(await text(page, '#differences'), /99\.00.*89\.00/);
  await shot(page, 'history-compare.png');
  await checkA11y(page, 'the history with a comparison');

  // Open version 1: it replaces the draft as one undoable step, and becomes the base.
  await page.click('#history tr[data-version="1"] .open-version');
  await page.waitForSelector('#publish-base[data-version="1"]');
  await page.click('.nav-link[data-section="pricing"]');
  await page.click('#tab-pricing');
  assert.match(await page.inputValue('#member-panel textarea'), /"99\.00"/);
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#member-panel textarea').value.includes('"89.00"'));
  await page.click('#redo');

  // A renamed draft says, before anything is sent, that it publishes under the new name.
  await page.click('.nav-link[data-section="overview"]');
  await page.fill('#setting-name', 'double-11-copy');
  await page.click('.nav-link[data-section="publish"]');
  await page.waitForSelector('#publish-renamed');
  assert.match(await text(page, '#publish-renamed'), /double-11.*double-11-copy/);
  await page.click('#undo');
  await page.waitForSelector('#publish-renamed', { state: 'detached' });

  // Roll back to version 1 after confirming.
  await page.click('#history tr[data-version="1"] .rollback');
  await page.waitForSelector('#rollback-confirm');
  await shot(page, 'history-rollback-confirm.png');
  await page.click('#rollback-yes');
  assert.match(await outcome(page, 'rolled-back'), /版本 1/);
  await page.waitForSelector('#history tr[data-version="3"]');
  const stored = await history(name);
  assert.equal(stored.versions[0].version, 3);
  assert.equal((await newest(name)).text, base);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a reload keeps the server version a draft was opened from', async () => {
  const { page, errors } = await openApp(server, '/publish');
  await enterToken(page, server.tokens.publisher);
  await publishBehind('kept-base', bundleText('catalog-home-services').replace('"home-services"', '"kept-base"'), {
    token: server.tokens.bob,
  });
  await page.click('#refresh-bundles');
  await page.click('#bundle-list tr[data-name="kept-base"] .open-bundle');
  await page.waitForSelector('#publish-base[data-version="1"]');
  await page.reload();
  await ready(page);
  await page.click('.nav-link[data-section="publish"]');
  await page.waitForSelector('#publish-base[data-mode="update"][data-version="1"]');
  assert.deepEqual(errors, []);
  await page.context().close();
});
