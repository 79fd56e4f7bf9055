// Settlement through the portal package under Node: `Engine.settleBatch` on the plan the
// native bench `crates/jimu-core/benches/settle.rs` reads (`benches/fixtures/settle-bundle.json`:
// four parties, a marginal tier table) and the same pool of orders, so the wasm
// engine's speed can be compared with the native one and between builds of the package.
//
//   node crates/jimu-wasm/bench/settle.mjs [PKG_DIR] [WASM_FILE]
//
// PKG_DIR is a `wasm-bindgen --target web` build (default web/pkg, written by
// `cargo xtask wasm-pkg`); WASM_FILE the wasm to run with its glue (default PKG_DIR/jimu_bg.wasm).
// Prints the best of 7 runs of 50,000 orders, each run one `settleBatch` call with statements
// keeping totals only (as the native bench), after one warm-up run. Results: BENCHMARKS.md.

import { readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const pkgDir = resolve(process.argv[2] ?? `${root}/web/pkg`);
const wasmFile = resolve(process.argv[3] ?? `${pkgDir}/jimu_bg.wasm`);
const jimu = await import(pathToFileURL(`${pkgDir}/jimu.js`).href);
jimu.initSync({ module: readFileSync(wasmFile) });

const bundle = readFileSync(`${root}/crates/jimu-core/benches/fixtures/settle-bundle.json`, "utf8");

// The native bench's pool of 1,024 orders (amounts 100.00 to 5,099.99), repeated.
const pool = Array.from({ length: 1024 }, (_, i) => {
  const cents = 10_000 + ((i * 7_919) % 500_000);
  const pad = (n) => String(n).padStart(2, "0");
  return {
    id: `o${i}`,
    amount: `${Math.floor(cents / 100)}.${pad(cents % 100)}`,
    quantity: String((i % 3) + 1),
    store_type: i % 4 === 0 ? "direct" : "franchise",
    placed_at: `2026-11-${pad((i % 28) + 1)}T${pad(i % 24)}:30:00+08:00`,
    payees: { store: `s${i % 37}`, tech: `t${i % 101}` },
  };
});
const ORDERS = 50_000;
// One JSON line per order: the package reads them as it would a file of orders.
const lines = Array.from({ length: ORDERS }, (_, i) => JSON.stringify(pool[i % pool.length])).join("\n");

const engine = new jimu.Engine(bundle);
let statements = "";
const run = () => {
  const start = process.hrtime.bigint();
  const report = engine.settleBatch(lines, { keepLines: false, every: ORDERS });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const settled = report.results.filter((r) => r.status === "settled").length;
  if (settled !== ORDERS) {
    const other = report.results.find((r) => r.status !== "settled");
    throw new Error(`only ${settled} of ${ORDERS} orders settled: ${JSON.stringify(other)}`);
  }
  statements = JSON.stringify(report.statements);
  return ms;
};
run();
const times = Array.from({ length: 7 }, run).sort((a, b) => a - b);
const best = times[0];
// A digest of the statements, so two builds can be seen to give the same totals.
const { createHash } = await import("node:crypto");
const digest = createHash("sha256").update(statements).digest("hex").slice(0, 16);
console.log(
  `statements sha256 ${digest}; ${wasmFile}: ${ORDERS} orders, best ${best.toFixed(1)} ms (${Math.round((ORDERS / best) * 1000).toLocaleString("en")} orders/s), median ${times[3].toFixed(1)} ms`,
);
