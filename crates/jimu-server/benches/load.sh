#!/usr/bin/env bash
# Load test of the sync server on loopback, bounded in count and time: a cached read (304)
# and a publish, with SQLite (default) or PostgreSQL (JIMU_DATABASE_URL). Not part of CI;
# the method and the figures are in BENCHMARKS.md.
#
#   cargo install oha --locked            # the load generator (crates.io)
#   crates/jimu-server/benches/load.sh [GET_REQUESTS] [PUBLISHES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
gets=${1:-200000}
publishes=${2:-20000}
command -v oha >/dev/null || { echo "oha is missing: cargo install oha --locked" >&2; exit 2; }
cargo build --release -q -p jimu-cli --manifest-path "$root/Cargo.toml"
jimu="$target/release/jimu"
data=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
reader=$("$jimu" token create --role reader --label load-reader --data "$data")
publisher=$("$jimu" token create --role publisher --label load-publisher --data "$data")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=warn "$jimu" serve --addr "127.0.0.1:$port" --data "$data" >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port/api/bundles"
bundle="$root/tests/conformance/bundles/home-services.json"
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
echo "cached GET (If-None-Match, 304): $gets requests, 64 connections"
timeout 120 oha -n "$gets" -c 64 --no-tui --output-format json \
  -H "authorization: Bearer $reader" -H "if-none-match: $etag" "$base/load" | summary
echo "publish (PUT, If-None-Match: *, a new bundle each): $publishes requests, 16 connections"
timeout 120 oha -n "$publishes" -c 16 --no-tui --output-format json -m PUT \
  -H "authorization: Bearer $publisher" -H 'if-none-match: *' -H 'content-type: application/json' \
  -D "$bundle" --rand-regex-url "$base/l[a-z0-9]{20}" | summary
