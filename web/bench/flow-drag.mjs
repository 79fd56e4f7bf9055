// Flow-canvas drag benchmark (issue 17): a flow of 200 nodes and 300 edges opened in the flow
// designer in headless Chromium, one node dragged by the mouse in 120 small moves, and each
// move timed in the page from its `pointermove` to the next animation frame (what the person
// waits for). A MutationObserver counts which parts of the canvas the drag changed: only the
// dragged node and its own edges (and the minimap, which shows it) may change.
//
//   cargo build -p jimu-cli && trunk build --release=true --offline
//   node web/bench/flow-drag.mjs            (JIMU_BIN, JIMU_DIST as for the e2e tests)
//
// Prints one table; results and the method are in BENCHMARKS.md. Not part of the test command.
import { openApp, startServer } from '../e2e/support.mjs';

const NODES = 200;
const EDGES = 300;
const COLUMNS = 20;

/** A flow of `NODES` nodes in a grid: a chain through every node, and skips forward with a guard. */
function largeFlow() {
  const nodes = [];
  const layout = {};
  let edges = 0;
  for (let i = 0; i < NODES; i++) {
    layout[`n${i}`] = { x: (i % COLUMNS) * 260, y: Math.floor(i / COLUMNS) * 140 };
    if (i === 0) {
      nodes.push({ id: 'n0', name: '开始', kind: 'start', next: 'n1' });
    } else if (i === NODES - 1) {
      nodes.push({ id: `n${i}`, name: '结束', kind: 'end' });
    } else {
      nodes.push({
        id: `n${i}`,
        name: `步骤 ${i}`,
        kind: 'task',
        assign: { strategy: 'round_robin', to: { role: 'cs' } },
        actions: [{ id: 'next', label: '下一步', to: `n${i + 1}` }],
      });
    }
    edges++;
  }
  edges--; // the end has none
  // Skips: from the first tasks, forward by 3 to 21 nodes, until there are EDGES edges.
  for (let i = 1; edges < EDGES && i < NODES - 1; i += 1) {
    const to = Math.min(NODES - 1, i + 3 + (i % 19));
    if (to > i + 1) {
      nodes[i].actions.push({ id: 'skip', label: '跳过', to: `n${to}`, guard: "ticket.priority == 'urgent'" });
      edges++;
    }
  }
  return {
    bundle: {
      schema_version: 2,
      name: 'big-flow',
      currency: 'CNY',
      time_zone: 'Asia/Shanghai',
      org: { roles: [{ id: 'cs', name: '客服' }] },
      flows: [{ id: 'big', name: '大流程', nodes }],
      editor: { layout: { big: { nodes: layout } } },
    },
    edges,
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (x) => (x === undefined ? '—' : x.toFixed(1));

const server = await startServer();
try {
  const { bundle, edges } = largeFlow();
  const { page } = await openApp(server);
  await page.setInputFiles('#bundle-file', server.file('big-flow.json', JSON.stringify(bundle, null, 2)));
  await page.waitForFunction(() => document.querySelector('#draft-name')?.textContent.trim() === 'big-flow');
  await page.click('.nav-link[data-section="flows"]');
  await page.waitForSelector(`g.node[data-node="n${NODES - 1}"]`, { state: 'attached', timeout: 120_000 });
  const drawn = await page.evaluate(() => ({
    nodes: document.querySelectorAll('#flow-canvas g.node').length,
    edges: document.querySelectorAll('#flow-canvas .edge').length,
  }));
  if (drawn.nodes !== NODES) throw new Error(`drew ${drawn.nodes} nodes`);
  await page.waitForTimeout(1000);

  // The dragged node: in the sixth column of the third row, with a skip in and out.
  const id = 'n45';
  const box = await page.locator(`g.node[data-node="${id}"] .node-shape`).boundingBox();
  if (!box) throw new Error('the node is not on screen');
  await page.evaluate((id) => {
    window.__frames = [];
    window.__changed = new Set();
    let t0 = 0;
    const canvas = document.querySelector('#flow-canvas');
    canvas.addEventListener(
      'pointermove',
      () => {
        const start = performance.now();
        t0 = start;
        requestAnimationFrame(() => {
          if (t0 === start) window.__frames.push(performance.now() - start);
        });
      },
      true,
    );
    // What the drag touched: the node or edge each mutation is inside.
    new MutationObserver((list) => {
      for (const m of list) {
        let el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        while (el && el !== canvas) {
          if (el.dataset?.node) {
            window.__changed.add(`node:${el.dataset.node}`);
            break;
          }
          if (el.dataset?.from) {
            window.__changed.add(`edge:${el.dataset.from}->${el.dataset.to}`);
            break;
          }
          if (el.classList?.contains('minimap')) {
            window.__changed.add('minimap');
            break;
          }
          el = el.parentElement;
        }
        if (!el || el === canvas) window.__changed.add(`other:${m.target.nodeName}`);
      }
    }).observe(canvas, { subtree: true, attributes: true, childList: true, characterData: true });
  }, id);
  const x0 = box.x + box.width / 2;
  const y0 = box.y + box.height / 2;
  if (process.env.PRESELECT) {
    await page.mouse.click(x0, y0);
    await page.waitForTimeout(1000);
    await page.evaluate(() => (window.__frames = []));
  }
  let cdp;
  if (process.env.PROFILE) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) {
    await page.mouse.move(x0 + i * 1.5, y0 + Math.sin(i / 10) * 30);
    await page.waitForTimeout(8);
  }
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = profile.timeDeltas;
    profile.samples.forEach((id, i) => {
      const n = byId.get(id);
      const name = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)} ms ${k}`).join('\n'));
  }
  const during = await page.evaluate(() => ({ frames: window.__frames, changed: [...window.__changed].sort() }));
  await page.mouse.up();
  await page.waitForTimeout(500);
  const moved = await page.evaluate(
    (id) => document.querySelector(`g.node[data-node="${id}"]`).getAttribute('transform'),
    id,
  );
  const s = stats(during.frames);
  const worst = during.frames.indexOf(Math.max(...during.frames));
  const rest = stats(during.frames.filter((_, i) => i !== worst));
  console.log(`flow: ${NODES} nodes, ${edges} edges (${drawn.edges} drawn), Chromium headless; node ${id} now at ${moved}`);
  console.log('| what | n | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| pointermove → next frame, dragging one node | ${s.n} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.max)} |`);
  console.log(`| the same without the slowest move (#${worst}) | ${rest.n} | ${fmt(rest.median)} | ${fmt(rest.p95)} | ${fmt(rest.max)} |`);
  console.log(`changed during the drag: ${during.changed.join(', ')}`);
  const slow = during.frames.map((f, i) => [i, f]).filter(([, f]) => f > 16);
  console.log(`moves over 16 ms: ${slow.map(([i, f]) => `#${i} ${fmt(f)}`).join(', ') || 'none'}`);
  await page.context().close();
} finally {
  await server.stop();
}
