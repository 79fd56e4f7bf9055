#!/usr/bin/env bash
# Load test of the sync server on loopback, bounded in count and time, with SQLite (default) or
# PostgreSQL (JIMU_DATABASE_URL: an empty database). Not part of CI; the method and the figures
# are in BENCHMARKS.md.
#
#   cargo install oha --locked            # the load generator (crates.io)
#   crates/jimu-server/benches/load.sh [GET_REQUESTS] [PUBLISHES]
#
# Phases, each bounded by its count or duration and by `timeout`:
#   1. cached GET (If-None-Match, 304), 64 connections
#   2. GET of the whole bundle (200), 64 connections
#   3. publishes one at a time (1 connection), then 16 at once: each a new bundle
#   4. a reader at a steady READ_RATE (default 1000/s, 8 connections, 304s) for PHASE_SECONDS
#      (default 15): at rest, then while two publishers send a ~3 MB bundle over and over;
#      ROUNDS times (default 3), alternating, so both see the same background load; then the
#      median p99 of each and their ratio
# JIMU_BIN measures that binary instead of building one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
gets=${1:-200000}
publishes=${2:-20000}
rate=${READ_RATE:-1000}
phase=${PHASE_SECONDS:-15}
rounds=${ROUNDS:-3}
command -v oha >/dev/null || { echo "oha is missing: cargo install oha --locked" >&2; exit 2; }
if [ -n "${JIMU_BIN:-}" ]; then
  jimu=$JIMU_BIN
else
  cargo build --release -q -p jimu-cli --manifest-path "$root/Cargo.toml"
  jimu="$target/release/jimu"
fi
data=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$data"' EXIT
store="${JIMU_DATABASE_URL:+PostgreSQL}"
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
echo "store: ${store:-SQLite}; $(nproc) cores; $("$jimu" --version) at $commit"
reader=$("$jimu" token create --role reader --label load-reader --data "$data")
publisher=$("$jimu" token create --role publisher --label load-publisher --data "$data")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$jimu" serve --addr "127.0.0.1:$port" --data "$data" >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port/api/bundles"
# tests/conformance/bundles/home-services.json without its `name`, so it may be published
# under any name (a bundle's own name must match the one it is published as).
bundle="$data/bundle.json"
python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); b.pop("name", None); sys.stdout.write(json.dumps(b, ensure_ascii=False, indent=2))' \
  "$root/tests/conformance/bundles/home-services.json" >"$bundle"
etag=$(curl -sf -D - -o /dev/null -X PUT "$base/load" -H "authorization: Bearer $publisher" \
  -H 'if-none-match: *' -H 'content-type: application/json' --data-binary "@$bundle" |
  tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
echo "bundle: $(wc -c <"$bundle") bytes, ETag $etag"
summary() { python3 -c "$(cat <<'PY'
import json, sys
r = json.load(sys.stdin)
s, l, codes = r['summary'], r['latencyPercentiles'], r['statusCodeDistribution']
print(f"  {s['requestsPerSec']:,.0f} requests/s over {s['total']:.2f} s; "
      f"p50 {l['p50'] * 1000:.2f} ms, p99 {l['p99'] * 1000:.2f} ms; status {codes}")
PY
)"; }
load() { echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

echo "1. cached GET (If-None-Match, 304): $gets requests, 64 connections"; load
timeout 120 oha -n "$gets" -c 64 --no-tui --output-format json \
  -H "authorization: Bearer $reader" -H "if-none-match: $etag" "$base/load" | summary
echo "2. GET of the whole bundle (200): $((gets / 2)) requests, 64 connections"; load
timeout 120 oha -n "$((gets / 2))" -c 64 --no-tui --output-format json \
  -H "authorization: Bearer $reader" "$base/load" | summary
echo "3a. publish one at a time (PUT, If-None-Match: *, a new bundle each): $((publishes / 10)) requests, 1 connection"; load
timeout 120 oha -n "$((publishes / 10))" -c 1 --no-tui --output-format json -m PUT \
  -H "authorization: Bearer $publisher" -H 'if-none-match: *' -H 'content-type: application/json' \
  -D "$bundle" --rand-regex-url "$base/s[a-z0-9]{20}" | summary
echo "3b. publish 16 at once: $publishes requests, 16 connections"; load
timeout 120 oha -n "$publishes" -c 16 --no-tui --output-format json -m PUT \
  -H "authorization: Bearer $publisher" -H 'if-none-match: *' -H 'content-type: application/json' \
  -D "$bundle" --rand-regex-url "$base/l[a-z0-9]{20}" | summary

# A bundle of ~3 MB: the one of `cargo bench -p jimu-core --bench load` at 11 times its size.
big="$data/big.json"
python3 - 11 big >"$big" <<'PY'
import json, sys
scale, name = int(sys.argv[1]), sys.argv[2]
nodes = []
for i in range(500 * scale):
    if i == 0:
        nodes.append({"id": "n0", "name": "开始", "kind": "start", "next": "n1"})
    elif i == 500 * scale - 1:
        nodes.append({"id": f"n{i}", "name": "结束", "kind": "end"})
    else:
        nodes.append({"id": f"n{i}", "name": f"步骤 {i}", "kind": "task",
                      "assign": {"strategy": "round_robin", "to": {"role": "cs"}},
                      "actions": [{"id": "next", "label": "下一步", "to": f"n{i + 1}",
                                   "guard": f"ticket.priority != 'low' or {i} > 3"}]})
fields = [dict({"id": f"f{i}", "kind": "number", "label": f"字段 {i}"},
               **({"visible_if": f"f{i - 1} > 0"} if i else {})) for i in range(200 * scale)]
groups = [{"id": f"g{g}", "name": f"规则组 {g}", "stacking": "all_in_order",
           "applies_to": {"scope": "ticket"},
           "rules": [{"id": f"g{g}-r{r}", "name": f"规则 {g}-{r}", "priority": r,
                      "when": f"region == '北京' and distance_km > {r} and tier != 'normal'",
                      "effect": {"kind": "percent_off", "percent": "5"}} for r in range(100)]}
          for g in range(10 * scale)]
sys.stdout.write(json.dumps({
    "schema_version": 2, "name": name, "currency": "CNY", "time_zone": "Asia/Shanghai",
    "org": {"roles": [{"id": "cs", "name": "客服"}]},
    "catalog": [{"id": "call-out", "name": "上门费", "kind": "service", "price": "30.00"}],
    "forms": [{"id": "big", "name": "大表单", "fields": fields}],
    "flows": [{"id": "long", "name": "长流程", "nodes": nodes}],
    "pricing": {"groups": groups}}, ensure_ascii=False, separators=(",", ":")))
PY
created=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$base/big" -H "authorization: Bearer $publisher" \
  -H 'if-none-match: *' -H 'content-type: application/json' --data-binary "@$big")
echo "large bundle: $(wc -c <"$big") bytes, created: HTTP $created"
reads() {
  timeout $((phase + 30)) oha -z "${phase}s" -q "$rate" -c 8 --latency-correction --no-tui \
    --output-format json -H "authorization: Bearer $reader" -H "if-none-match: $etag" "$base/load" \
    >"$data/$1.json"
  summary <"$data/$1.json"
}
for round in $(seq "$rounds"); do
  echo "4a. round $round: reader at $rate/s for ${phase} s (304), at rest"; load
  reads "rest-$round"
  echo "4b. round $round: the same reader while 2 publishers send the large bundle over and over"
  timeout $((phase + 40)) oha -z "$((phase + 6))s" -c 2 --no-tui --output-format json -m PUT \
    -H "authorization: Bearer $publisher" -H 'if-match: *' -H 'content-type: application/json' \
    -D "$big" "$base/big" >"$data/publishers-$round.json" &
  publishing=$!
  sleep 3
  load
  reads "busy-$round"
  wait "$publishing"
  echo "  publishers over $((phase + 6)) s:"
  summary <"$data/publishers-$round.json"
done
load
python3 - "$data" "$rounds" <<'PY'
import json, statistics, sys
data, rounds = sys.argv[1], int(sys.argv[2])
def p99(kind):
    return [json.load(open(f"{data}/{kind}-{i}.json"))["latencyPercentiles"]["p99"] * 1000
            for i in range(1, rounds + 1)]
rest, busy = p99("rest"), p99("busy")
print(f"4. reader p99 over {rounds} rounds: at rest {', '.join(f'{v:.2f}' for v in rest)} ms "
      f"(median {statistics.median(rest):.2f}); beside publishers "
      f"{', '.join(f'{v:.2f}' for v in busy)} ms (median {statistics.median(busy):.2f}); "
      f"ratio of medians {statistics.median(busy) / statistics.median(rest):.1f}x")
PY
