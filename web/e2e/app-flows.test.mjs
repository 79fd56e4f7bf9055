// End to end: the flow designer (issue 17), driven in headless Chromium by mouse and keyboard
// as an admin would — the complaint-escalation flow built from an empty bundle (nodes dragged
// from the palette, connected port to node, a branch condition, a 24 h / 48 h escalation), a
// problem drawn on an unreachable node and fixed, the automatic layout, a ticket simulated on
// the canvas, undo and redo of a move and a connection, and a reload that finds the canvas as
// it was. Screenshots land in target/e2e/; every screen is checked with axe-core.
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

/** The centre of an element on the screen. */
async function centre(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags from one element's centre to another's (or to a point), with the mouse. */
async function drag(page, from, to) {
  const a = typeof from === 'string' ? await centre(page, from) : from;
  const b = typeof to === 'string' ? await centre(page, to) : to;
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

/** Connects two nodes by dragging from the first one's port to the second. */
async function connect(page, from, to) {
  await drag(page, `[data-node="${from}"] .port`, `g.node[data-node="${to}"] .node-shape`);
}

/** Adds a node by dragging its kind from the palette onto a point of the canvas. */
async function addFromPalette(page, kind, x, y) {
  const canvas = await page.locator('#flow-canvas').boundingBox();
  await page.dragAndDrop(`.palette-item[data-kind="${kind}"]`, '#flow-canvas', {
    targetPosition: { x: x - 0, y: y - 0 },
  });
  return canvas;
}

/** The document of the open draft, as saved. */
async function savedDoc(page) {
  await page.waitForSelector('#save-state[data-state="saved"]');
  return page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('jimu.drafts'));
    return JSON.parse(localStorage.getItem(`jimu.draft.${index.current}`)).doc;
  });
}

async function transformOf(page, id) {
  return page.getAttribute(`g.node[data-node="${id}"]`, 'transform');
}

const ORG = JSON.stringify({
  roles: [
    { id: 'cs', name: { 'zh-CN': '客服', en: 'Customer service' } },
    { id: 'regional-manager', name: { 'zh-CN': '区域经理', en: 'Regional manager' } },
    { id: 'supervisor', name: { 'zh-CN': '区域主管', en: 'Supervisor' } },
  ],
});

const SLA = JSON.stringify(
  [
    {
      id: 'complaint-24-48',
      targets: { first_response: { within: '24h' } },
      escalations: [
        { on: 'breach', target: 'first_response', action: { do: 'reassign', to: { role: 'regional-manager' } } },
        { on: 'breach', target: 'first_response', after: '24h', action: { do: 'reassign', to: { role: 'supervisor' } } },
      ],
    },
  ],
  null,
  2,
);

test('an admin builds the complaint-escalation flow on the canvas, simulates it, and finds it again after a reload', async () => {
  const { page, errors } = await openApp(server);

  // The roles escalations reassign to, typed into the organisation's text view.
  await page.click('.nav-link[data-section="org"]');
  await page.fill('#member-panel textarea', ORG);
  await page.waitForFunction(() => !document.querySelector('.text-problems'));

  // An empty flows section, then a new flow: a start and an end.
  await page.click('.nav-link[data-section="flows"]');
  await page.waitForSelector('.empty-flows');
  await checkA11y(page, 'the flows section without flows');
  await page.click('#add-flow');
  await page.waitForSelector('g.node[data-node="start"]');
  await page.waitForSelector('g.node[data-node="end"]');

  // Nodes from the palette: a task, a gateway and a second end.
  const canvas = await page.locator('#flow-canvas').boundingBox();
  await addFromPalette(page, 'task', canvas.width * 0.35, canvas.height * 0.3);
  await page.waitForSelector('g.node[data-node="task"]');
  await addFromPalette(page, 'exclusive', canvas.width * 0.6, canvas.height * 0.3);
  await page.waitForSelector('g.node[data-node="exclusive"]');
  await addFromPalette(page, 'end', canvas.width * 0.8, canvas.height * 0.6);
  await page.waitForSelector('g.node[data-node="end-2"]');

  // task → gateway (an action), gateway → end (its default), gateway → end-2 (a branch):
  // the task and the gateway are not reached from the start, and the problem is drawn on them.
  await connect(page, 'task', 'exclusive');
  await connect(page, 'exclusive', 'end');
  await connect(page, 'exclusive', 'end-2');
  await page.waitForSelector('g.node[data-node="task"].has-problem .node-problem');
  await shot(page, 'flow-problem-unreachable.png');
  assert.match(await text(page, '#flow-problems'), /\/flows\/0\/nodes\/\d/);
  // Picking the problem on the node selects the node; its inspector opens.
  await page.click('g.node[data-node="task"] .node-problem');
  await page.waitForSelector('.inspector #inspector-title code');
  assert.equal(await text(page, '.inspector #inspector-title code'), 'task');
  // start → task fixes it.
  await connect(page, 'start', 'task');
  await page.waitForSelector('g.node[data-node="task"]:not(.has-problem)');
  await page.waitForSelector('g.node.has-problem', { state: 'detached' });
  let doc = await savedDoc(page);
  let nodes = Object.fromEntries(doc.flows[0].nodes.map((n) => [n.id, n]));
  assert.equal(nodes.start.next, 'task');
  assert.equal(nodes.task.actions[0].to, 'exclusive');
  assert.equal(nodes.exclusive.default, 'end');
  assert.equal(nodes.exclusive.branches[0].to, 'end-2');

  // The branch condition, typed into the edge's inspector: a mistake is shown at its
  // characters as it is typed, then fixed.
  await page.click('.edge-label[data-from="exclusive"][data-to="end-2"]');
  await page.waitForSelector('#edge-when');
  await page.fill('#edge-when', 'ticket.priority == ');
  await page.waitForSelector('.field-expr.invalid .expr-marked mark');
  await shot(page, 'flow-guard-error.png');
  await page.fill('#edge-when', "ticket.priority == 'urgent'");
  await page.waitForSelector('.field-expr:not(.invalid) #edge-when');
  await page.waitForFunction(() =>
    document.querySelector('.edge-label[data-to="end-2"]')?.textContent.includes("ticket.priority == 'urgent'"),
  );

  // The 24 h / 48 h escalation, in the flow's SLA policies (nothing selected: the flow).
  await page.keyboard.press('Escape');
  await page.click('#flow-canvas', { position: { x: 20, y: canvas.height - 60 } });
  await page.waitForSelector('#sla-editor');
  await page.click('#sla-add');
  await page.fill('#sla-0-id', 'complaint-24-48');
  await page.fill('#sla-0-first_response', '24h');
  // Step 1: at the breach of the first response, reassign to the regional manager.
  await page.click('#sla-0-esc-add');
  await page.selectOption('#esc-0-0-on', 'breach');
  await page.selectOption('#esc-0-0-do', 'reassign');
  await page.selectOption('#esc-0-0-who', 'regional-manager');
  // Step 2: 24 h later (48 h in all), reassign to the supervisor.
  await page.click('#sla-0-esc-add');
  await page.selectOption('#esc-0-1-do', 'reassign');
  await page.selectOption('#esc-0-1-who', 'supervisor');
  await page.fill('#esc-0-1-after', '24h');
  await page.locator('#esc-0-1-after').blur();
  await page.waitForSelector('#status[data-state="valid"]');
  doc = await savedDoc(page);
  assert.deepEqual(doc.flows[0].sla, JSON.parse(SLA));
  await shot(page, 'flow-sla-escalations.png');
  await checkA11y(page, 'the flow designer');
  await shot(page, 'flow-built.png');

  // The automatic layout: left to right along the edges.
  await page.click('#layout-flow');
  await page.waitForFunction(() => {
    const x = (id) => Number(document.querySelector(`g.node[data-node="${id}"]`)?.getAttribute('transform').match(/translate\(([-\d.]+)/)[1]);
    return x('start') < x('task') && x('task') < x('exclusive') && x('exclusive') < x('end');
  });
  await shot(page, 'flow-layout.png');

  // A ticket simulated: it waits at the task; the first response breaches at 24 h and the
  // escalations follow at 24 h and 48 h.
  await page.locator('#flow-simulation').scrollIntoViewIfNeeded();
  await page.waitForSelector('#timeline-chart');
  const escalations = await page.$$eval('#timeline-chart .mark-escalated', (ms) => ms.length);
  assert.equal(escalations, 2);
  assert.equal(await page.locator('#timeline-chart .mark-breach').count(), 1);
  await page.waitForSelector('g.node[data-node="task"].current');
  assert.ok(await page.locator('g.node[data-node="start"].visited').count());
  // Step back to the beginning: nothing entered yet; step forward: the start lights up.
  await page.fill('#sim-scrub', '0');
  await page.dispatchEvent('#sim-scrub', 'input');
  await page.waitForSelector('g.node[data-node="task"]:not(.current)');
  await page.click('#sim-step');
  await page.click('#sim-step');
  await page.waitForSelector('g.node.current');
  await page.click('#sim-play');
  await page.waitForSelector('g.node[data-node="task"].current', { timeout: 20_000 });
  await shot(page, 'flow-simulation.png');
  await checkA11y(page, 'the flow simulation');

  // Undo and redo a move and a connection.
  await page.locator('#flow-canvas').scrollIntoViewIfNeeded();
  const before = await transformOf(page, 'end-2');
  await drag(page, 'g.node[data-node="end-2"] .node-shape', {
    ...(await centre(page, 'g.node[data-node="end-2"] .node-shape')),
    y: (await centre(page, 'g.node[data-node="end-2"] .node-shape')).y + 90,
  });
  await page.waitForFunction((b) => document.querySelector('g.node[data-node="end-2"]').getAttribute('transform') !== b, before);
  const moved = await transformOf(page, 'end-2');
  await connect(page, 'task', 'end-2');
  await page.waitForSelector('.edge[data-from="task"][data-to="end-2"]');
  await page.keyboard.press('Control+Z');
  await page.waitForSelector('.edge[data-from="task"][data-to="end-2"]', { state: 'detached' });
  await page.keyboard.press('Control+Z');
  await page.waitForFunction((b) => document.querySelector('g.node[data-node="end-2"]').getAttribute('transform') === b, before);
  await page.keyboard.press('Control+Shift+Z');
  await page.waitForFunction((m) => document.querySelector('g.node[data-node="end-2"]').getAttribute('transform') === m, moved);
  await page.keyboard.press('Control+Y');
  await page.waitForSelector('.edge[data-from="task"][data-to="end-2"]');
  await shot(page, 'flow-undo-redo.png');

  // A reload finds the canvas as it was: every node where it was, every edge.
  const positions = await page.$$eval('g.node', (ns) => ns.map((n) => [n.dataset.node, n.getAttribute('transform')]));
  const edges = await page.$$eval('g.edge', (es) => es.map((e) => e.dataset.edge).sort());
  await page.reload();
  await ready(page);
  await page.waitForSelector('g.node[data-node="end-2"]');
  assert.deepEqual(
    await page.$$eval('g.node', (ns) => ns.map((n) => [n.dataset.node, n.getAttribute('transform')])),
    positions,
  );
  assert.deepEqual(await page.$$eval('g.edge', (es) => es.map((e) => e.dataset.edge).sort()), edges);
  await shot(page, 'flow-reloaded.png');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the canvas by keyboard: nodes added from the palette, moved with the arrows, copied, pasted and deleted', async () => {
  const { page, errors } = await openApp(server);
  await page.click('#new-from-template');
  await page.click('[data-template="flow-appliance-repair"] button');
  await page.waitForSelector('g.node[data-node="dispatch"]');
  // Enter on a palette item adds the node in the middle of the view.
  await page.focus('.palette-item[data-kind="approval"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('g.node[data-node="approval"].selected');
  // The arrows move the selection (one undo step for a run of presses).
  const before = await transformOf(page, 'approval');
  await page.focus('#flow-canvas');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.querySelector('g.node[data-node="approval"]').getAttribute('transform') !== b, before);
  // Copy and paste: a second approval, selected, beside the first.
  await page.keyboard.press('Control+C');
  await page.keyboard.press('Control+V');
  await page.waitForSelector('g.node[data-node="approval-2"].selected');
  // Delete takes the pasted one away; undo brings it back.
  await page.keyboard.press('Delete');
  await page.waitForSelector('g.node[data-node="approval-2"]', { state: 'detached' });
  await page.keyboard.press('Control+Z');
  await page.waitForSelector('g.node[data-node="approval-2"]');
  // The inspector: the seasonal switch draws the node as disabled (fit first: the pasted
  // node widened the flow and the view keeps its place).
  await page.click('#fit-view');
  await shot(page, 'flow-keyboard-fit.png');
  await page.click('g.node[data-node="parts"] .node-shape');
  await page.uncheck('#insp-enabled');
  await page.waitForSelector('g.node[data-node="parts"].disabled');
  await page.selectOption('#insp-when-disabled', 'skip:rating');
  await page.waitForSelector('.edge[data-from="parts"][data-to="rating"].edge-skip');
  // Zoom with the keys, fit again.
  await page.focus('#flow-canvas');
  await page.keyboard.press('+');
  await page.waitForFunction(() => document.querySelector('.zoom-level').textContent !== '100%');
  await page.keyboard.press('f');
  await shot(page, 'flow-keyboard.png');
  await checkA11y(page, 'the flow designer with a node selected');
  assert.deepEqual(errors, []);
  await page.context().close();
});
