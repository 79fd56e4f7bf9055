#!/usr/bin/env bash
# Builds the seed corpus for the `load_validate` fuzz target from the repository's test data.
# Idempotent: the seeds (files named seed-*) are rewritten each run and stale ones removed;
# files the fuzzer added are left alone.
#   - each bundle alone (no NUL: the request text is empty): tests/conformance/bundles/*.json
#     and tests/bundles/{valid,invalid}/*.json (not the *.expected.json outputs);
#   - each conformance quote case as its bundle + "\0" + its request (`request` compacted, or
#     `request_text` verbatim);
#   - each valid bundle + "\0" + a request for its first two catalog items, so the quote path
#     starts from every bundle shape too.
# Needs bash and python3. Usage: bash fuzz/seed.sh   (from anywhere)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tests="$here/../tests"
out="$here/corpus/load_validate"
mkdir -p "$out"

python3 - "$tests" "$out" <<'PY'
import json, pathlib, sys

tests, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
conformance = tests / "conformance"
written = set()

def write(name, data):
    written.add(name)
    path = out / name
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)

def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

for label, folder in (("conformance", conformance / "bundles"),
                      ("valid", tests / "bundles" / "valid"),
                      ("invalid", tests / "bundles" / "invalid")):
    for bundle in sorted(folder.glob("*.json")):
        if not bundle.name.endswith(".expected.json"):
            write(f"seed-bundle-{label}-{bundle.stem}", bundle.read_bytes())

for case_path in sorted((conformance / "cases").glob("*.json")):
    case = json.loads(case_path.read_text(encoding="utf-8"))
    if case.get("kind", "quote") != "quote":
        continue  # forms, settlement and timelines: their bundles are seeded above
    bundle = (conformance / "bundles" / case["bundle"]).read_bytes()
    if "request_text" in case:
        request = case["request_text"].encode("utf-8")
    else:
        request = compact(case["request"])
    write(f"seed-case-{case_path.stem}", bundle + b"\0" + request)

for bundle in sorted((tests / "bundles" / "valid").glob("*.json")):
    catalog = json.loads(bundle.read_text(encoding="utf-8")).get("catalog") or []
    ids = [item["id"] for item in catalog if isinstance(item, dict) and "id" in item][:2]
    if ids:
        lines = [{"item": i, "quantity": q} for i, q in zip(ids, ["2", 1.5])]
        write(f"seed-quote-{bundle.stem}", bundle.read_bytes() + b"\0" + compact({"lines": lines}))

for stale in out.glob("seed-*"):
    if stale.name not in written:
        stale.unlink()

print(f"{len(written)} seeds in {out}")
PY
