#!/usr/bin/env bash
# --set changes the scenario that runs, is recorded in summary.json, and moves the results.
set -eu
clustersim=$1 scenario=$2 out=$3
rm -rf "$out"
"$clustersim" run "$scenario" --quiet --out "$out/base"
"$clustersim" run "$scenario" --quiet --out "$out/fast" --set /platform/link/bandwidth=40Gbps --set /seed=7
/usr/bin/python3 - "$out" <<'PY'
import json, sys
base = json.load(open(sys.argv[1] + "/base/summary.json"))
fast = json.load(open(sys.argv[1] + "/fast/summary.json"))
assert fast["scenario"]["platform"]["link"]["bandwidth"] == "40Gbps", fast["scenario"]["platform"]["link"]
assert fast["seed"] == 7 and fast["scenario"]["seed"] == 7
assert fast["metrics"]["jct_mean_s"] < base["metrics"]["jct_mean_s"], "4x the bandwidth must shorten the JCT"
print("ok: jct_mean_s", base["metrics"]["jct_mean_s"], "->", fast["metrics"]["jct_mean_s"])
PY
