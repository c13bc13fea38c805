#!/usr/bin/env bash
# Routing cost at scale: times two clustersim binaries (say, before and after a routing change)
# on star, two_tier and edge_dc platforms of growing size, and prints the median CPU time (user +
# system, GNU time) of RUNS runs of each, their ratio, and whether the two binaries' outputs are
# identical (metrics and CSVs, as bench/same_results.sh checks them). Runs alternate between the
# binaries so that load from other processes falls on both.
#
#   bench/routing_scale.sh OLD_CLUSTERSIM NEW_CLUSTERSIM [RUNS=3] [SIZES="64 256 1024"]
#
# The platforms and workloads are shipped scenarios resized with --set:
#   star      bench/scenarios/train64.json with SIZE hosts and SIZE/8 jobs of 8 hosts each
#             (alternately a ring all-reduce over 8 and 7 workers with a PS), 20 iterations,
#             25 MB gradients, arrivals spread over 0.7 s;
#   two_tier  scenarios/training/two_tier_contention.json with SIZE/32 racks of 32 hosts and the
#             same jobs (each inside a rack);
#   edge_dc   scenarios/hawkvision/reproduction.json with SIZE cameras on SIZE/4 edges, 5 frames/s
#             each for 4 s.
# A size must be a multiple of 32. Exit code 1 when a run fails or outputs differ.
set -euo pipefail

usage() { echo "usage: $0 OLD_CLUSTERSIM NEW_CLUSTERSIM [RUNS] [SIZES]" >&2; exit 2; }
[[ $# -ge 2 && $# -le 4 ]] || usage
old=$1 new=$2 runs=${3:-3} sizes=${4:-"64 256 1024"}
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
for b in "$old" "$new"; do [[ -x $b ]] || { echo "error: $b is not executable" >&2; exit 2; }; done
[[ -x /usr/bin/time ]] || { echo "error: needs GNU time (/usr/bin/time)" >&2; exit 2; }
for n in $sizes; do [[ $n =~ ^[0-9]+$ && $((n % 32)) -eq 0 && $n -gt 0 ]] || { echo "error: size $n is not a multiple of 32" >&2; exit 2; }; done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# jobs N: the training jobs filling N hosts, as JSON for --set /workload/jobs=...
jobs() {
  /usr/bin/python3 -c 'import json, sys
n = int(sys.argv[1])
jobs = []
for j in range(n // 8):
    a, common = j * 8, {"gradient_size": "25MB", "iterations": 20, "compute": "60ms", "arrival": "%.1fs" % (j % 8 * 0.1)}
    if j % 2 == 0:
        jobs.append({"name": "ring%d" % j, "workers": ["host[%d-%d]" % (a, a + 7)], "aggregation": "ring", **common})
    else:
        jobs.append({"name": "ps%d" % j, "workers": ["host[%d-%d]" % (a, a + 6)], "servers": ["host%d" % (a + 7)],
                     "aggregation": "ps", **common})
print(json.dumps(jobs, separators=(",", ":")))' "$1"
}

# args TOPOLOGY N: sets the clustersim run arguments (scenario and overrides) in `run_args`.
args() {
  case $1 in
    star) run_args=("$here/bench/scenarios/train64.json" --set "/platform/hosts=$2" --set "/workload/jobs=$(jobs "$2")") ;;
    two_tier) run_args=("$here/scenarios/training/two_tier_contention.json" --set "/platform/racks=$(($2 / 32))"
                        --set /platform/hosts_per_rack=32 --set "/workload/jobs=$(jobs "$2")") ;;
    edge_dc) run_args=("$here/scenarios/hawkvision/reproduction.json" --set "/platform/clients=$2"
                       --set "/platform/edges=$(($2 / 4))" --set /workload/duration=4s --set /workload/arrivals/rate=5/s) ;;
  esac
}

# cpu BINARY OUT: runs the current configuration, prints its CPU seconds.
cpu() {
  rm -rf "$2"
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$1" run "${run_args[@]}" --quiet --out "$2" >"$tmp/log" 2>&1 ||
    { cat "$tmp/log" >&2; echo "FAIL: $1 run ${run_args[*]:0:1}" >&2; return 1; }
  awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/time"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

summary_body() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d.pop("run", None); d.pop("clustersim", None)
print(json.dumps(d, sort_keys=True))' "$1"
}

same_outputs() {
  local a=$1 b=$2 f
  [[ $(cd "$a" && find . -type f | sort) == $(cd "$b" && find . -type f | sort) ]] || return 1
  for f in "$a"/*; do
    if [[ ${f##*/} == summary.json ]]; then
      cmp -s <(summary_body "$f") <(summary_body "$b/summary.json") || return 1
    else
      cmp -s "$f" "$b/${f##*/}" || return 1
    fi
  done
}

echo "old      $old"
echo "new      $new"
echo "machine  $(nproc) cores, $(uname -sr); median of $runs runs each, CPU seconds (user + system)"
printf '%-9s %6s %10s %10s %7s  %s\n' topology hosts old_cpu_s new_cpu_s old/new outputs
status=0
for topology in star two_tier edge_dc; do
  for n in $sizes; do
    args "$topology" "$n"
    : >"$tmp/old.times"
    : >"$tmp/new.times"
    for ((r = 0; r < runs; r++)); do
      cpu "$old" "$tmp/out-old" >>"$tmp/old.times" || exit 1
      cpu "$new" "$tmp/out-new" >>"$tmp/new.times" || exit 1
    done
    t_old=$(median <"$tmp/old.times") t_new=$(median <"$tmp/new.times")
    verdict=identical
    same_outputs "$tmp/out-old" "$tmp/out-new" || { verdict=DIFFERENT; status=1; }
    printf '%-9s %6d %10.3f %10.3f %7.2f  %s\n' "$topology" "$n" "$t_old" "$t_new" \
      "$(awk -v a="$t_old" -v b="$t_new" 'BEGIN { print (b > 0) ? a / b : 0 }')" "$verdict"
  done
done
exit $status
