#!/usr/bin/env bash
# The same scenario and seed give byte-identical results across two processes: the CSVs, and
# summary.json's metrics, info and file list (its `run` section records when, where and how
# long, which differ by design).
set -eu
clustersim=$1 scenario=$2 out=$3
rm -rf "$out"
"$clustersim" run "$scenario" --quiet --out "$out/a"
"$clustersim" run "$scenario" --quiet --out "$out/b"
for f in "$out"/a/*.csv; do cmp "$f" "$out/b/$(basename "$f")"; done
results() {
  /usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps({k: s[k] for k in ("metrics", "info", "files")}, sort_keys=True))' "$1"
}
[ "$(results "$out/a/summary.json")" = "$(results "$out/b/summary.json")" ] || { echo "FAIL: results differ"; exit 1; }
echo "ok: $(ls "$out/a" | wc -l) files identical"
