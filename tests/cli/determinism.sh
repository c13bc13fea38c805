#!/usr/bin/env bash
# The same scenario and seed give byte-identical metrics and CSVs across two processes.
set -eu
clustersim=$1 scenario=$2 out=$3
rm -rf "$out"
"$clustersim" run "$scenario" --quiet --out "$out/a"
"$clustersim" run "$scenario" --quiet --out "$out/b"
for f in "$out"/a/*.csv; do cmp "$f" "$out/b/$(basename "$f")"; done
metrics() { /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["metrics"], sort_keys=True))' "$1"; }
[ "$(metrics "$out/a/summary.json")" = "$(metrics "$out/b/summary.json")" ] || { echo "FAIL: metrics differ"; exit 1; }
echo "ok: $(ls "$out/a" | wc -l) files identical"
