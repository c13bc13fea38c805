#!/usr/bin/env bash
# Simulated requests per wall second of an inference scenario (target: 50,000 for
# scenarios/hawkvision/reproduction.json on one core). Runs `clustersim run SCENARIO` RUNS times
# one after the other, each pinned to one core when taskset exists, and prints the median of
# summary.json's run.requests_per_wall_s (the simulation and its tables, requests.csv included)
# and of the whole process's wall time (which adds loading the data set and the cached proxies,
# and writing the files), with and without requests.csv.
#
#   bench/inference_rate.sh BUILD_DIR [RUNS=5] [SCENARIO=scenarios/hawkvision/reproduction.json]
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [RUNS] [SCENARIO]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 3 ]] || usage
build=$1
runs=${2:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scenario=${3:-$here/../scenarios/hawkvision/reproduction.json}
clustersim=$build/sim/clustersim
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
[[ -x $clustersim ]] || { echo "error: $clustersim not built" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
field() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['run']['requests_per_wall_s'], d['metrics']['requests'])" "$1"; }

"$clustersim" run "$scenario" --quiet --out "$tmp/warm" >/dev/null  # trains or loads the proxies once
for csv in true false; do
  : >"$tmp/rates"; : >"$tmp/walls"
  for ((i = 0; i < runs; ++i)); do
    start=$(date +%s%N)
    "${pin[@]}" "$clustersim" run "$scenario" --quiet --out "$tmp/run" --set /workload/requests_csv=$csv >/dev/null
    end=$(date +%s%N)
    read -r rate requests < <(field "$tmp/run/summary.json")
    echo "$rate" >>"$tmp/rates"
    awk -v s="$start" -v e="$end" 'BEGIN {print (e - s) / 1e9}' >>"$tmp/walls"
  done
  rate=$(median <"$tmp/rates")
  wall=$(median <"$tmp/walls")
  printf 'requests.csv %-5s  %d requests  run: %.0f requests/wall s  whole process: %.2f s (%.0f requests/wall s), median of %d\n' \
    "$csv" "$requests" "$rate" "$wall" "$(awk -v r="$requests" -v w="$wall" 'BEGIN {print r / w}')" "$runs"
done
