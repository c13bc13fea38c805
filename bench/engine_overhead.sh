#!/usr/bin/env bash
# Engine overhead of clustersim: runs `clustersim run SCENARIO` and bench/bare_training (plain
# SimGrid, same platform, same actors) alternately, one process after the other, RUNS times
# each, and prints the median wall time of each process, their ratio (target: clustersim within
# 1.3x of the bare program) and the simulated activities (messages + executions) per wall second.
# When GNU time (/usr/bin/time) is installed it also prints the median CPU time (user + system)
# of each: on a shared machine CPU time is the steadier figure, wall time the one the target is on.
# Fails when the two programs do not simulate the same makespan (1e-9 relative).
#
#   bench/engine_overhead.sh BUILD_DIR [RUNS=5] [SCENARIO=bench/scenarios/train64.json]
#
# Builds nothing: BUILD_DIR must hold sim/clustersim and bench/bare_training
# (`ninja -C BUILD_DIR bench_engine_overhead` builds them, then runs this script).
#
# Wall times on a shared 2-core machine vary by 30% or more from run to run. For a figure that
# does not depend on the load, compare instruction counts on a smaller copy of the scenario
# (fewer iterations), e.g.
#   valgrind --tool=callgrind --callgrind-out-file=cs.out BUILD_DIR/sim/clustersim run S.json --quiet --out /tmp/o
#   valgrind --tool=callgrind --callgrind-out-file=bare.out BUILD_DIR/bench/bare_training S.json
#   callgrind_annotate --inclusive=yes cs.out | grep -E 'cs::|TOTALS'
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [RUNS] [SCENARIO]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 3 ]] || usage
build=$1
runs=${2:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scenario=${3:-$here/scenarios/train64.json}
clustersim=$build/sim/clustersim
bare=$build/bench/bare_training
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
for f in "$clustersim" "$bare"; do [[ -x $f ]] || { echo "error: $f not built" >&2; exit 2; }; done
[[ -r $scenario ]] || { echo "error: cannot read $scenario" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }
gnu_time=()
[[ -x /usr/bin/time ]] && gnu_time=(/usr/bin/time -f '%U %S' -o "$tmp/cpu")

# timed LOG COMMAND...: runs COMMAND with output to LOG; sets wall and cpu (seconds, cpu "-"
# without GNU time). GNU time costs the same fork + exec for both programs.
timed() {
  local log=$1 t0 t1
  shift
  t0=$(now_ns)
  "${gnu_time[@]}" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  t1=$(now_ns)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  cpu=-
  if [[ ${#gnu_time[@]} -gt 0 ]]; then cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$tmp/cpu"); fi
}

# Each run_* sets: wall, cpu (seconds), makespan, activities.
run_clustersim() {
  rm -rf "$tmp/out"
  timed "$tmp/cs.log" "$clustersim" run "$scenario" --quiet --out "$tmp/out"
  makespan=$(sed -n 's/^ *"makespan_s": *\([^,]*\),\{0,1\}$/\1/p' "$tmp/out/summary.json")
  activities=$(sed -n 's/^ *"simulated_activities": *\([0-9]*\),\{0,1\}$/\1/p' "$tmp/out/summary.json")
}
run_bare() {
  timed "$tmp/bare.log" "$bare" "$scenario"
  makespan=$(awk '$1 == "makespan_s" { print $2 }' "$tmp/bare.log")
  activities=$(awk '$1 == "activities" { print $2 }' "$tmp/bare.log")
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

same() {  # same A B: relative difference within 1e-9
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); n = (b < 0 ? -b : b);
                                   if (n > m) m = n; exit !(d <= 1e-9 * m) }'
}

echo "scenario   $scenario"
echo "runs       $runs of each, alternating, after one untimed warm-up run of each"
echo "machine    $(nproc) cores, $(uname -sr)"

run_clustersim; run_bare  # warm-up: page cache, dynamic loader

cs_walls=() bare_walls=() cs_cpus=() bare_cpus=()
for ((i = 1; i <= runs; ++i)); do
  run_clustersim
  cs_walls+=("$wall"); cs_cpus+=("$cpu"); cs_makespan=$makespan; cs_activities=$activities
  run_bare
  bare_walls+=("$wall"); bare_cpus+=("$cpu"); bare_makespan=$makespan; bare_activities=$activities
  printf 'run %-3d   wall: clustersim %7.3f s  bare %7.3f s   cpu: clustersim %7s s  bare %7s s   makespan %s / %s\n' \
    "$i" "${cs_walls[-1]}" "${bare_walls[-1]}" "${cs_cpus[-1]}" "${bare_cpus[-1]}" "$cs_makespan" "$bare_makespan"
  if [[ -z $cs_makespan || -z $bare_makespan ]] || ! same "$cs_makespan" "$bare_makespan"; then
    echo "error: the programs disagree on the makespan: clustersim $cs_makespan s, bare $bare_makespan s" >&2
    exit 1
  fi
  if [[ $cs_activities != "$bare_activities" ]]; then
    echo "error: the programs disagree on the activities: clustersim $cs_activities, bare $bare_activities" >&2
    exit 1
  fi
done

cs_median=$(printf '%s\n' "${cs_walls[@]}" | median)
bare_median=$(printf '%s\n' "${bare_walls[@]}" | median)
awk -v c="$cs_median" -v b="$bare_median" -v n="$cs_activities" -v m="$cs_makespan" 'BEGIN {
  printf "simulated  makespan %.6f s, %d activities (messages + executions), identical in both\n", m, n
  printf "clustersim median wall %8.3f s   %10.0f activities per wall second\n", c, n / c
  printf "bare       median wall %8.3f s   %10.0f activities per wall second\n", b, n / b
  printf "ratio      clustersim / bare wall = %.3f   (target <= 1.30: %s)\n", c / b, (c / b <= 1.3) ? "met" : "NOT met"
}'
if [[ ${#gnu_time[@]} -gt 0 ]]; then
  cs_cpu=$(printf '%s\n' "${cs_cpus[@]}" | median)
  bare_cpu=$(printf '%s\n' "${bare_cpus[@]}" | median)
  awk -v c="$cs_cpu" -v b="$bare_cpu" 'BEGIN {
    printf "cpu        median user+sys: clustersim %.3f s, bare %.3f s, ratio %.3f\n", c, b, c / b }'
fi
if [[ $(awk -v l="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)" -v n="$(nproc)" 'BEGIN { print (l > n) }') == 1 ]]; then
  echo "note       load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores: other processes shared the machine"
fi
