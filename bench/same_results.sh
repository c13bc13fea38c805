#!/usr/bin/env bash
# Runs scenarios with two clustersim binaries (say, before and after a speed-up that must not
# change results) and checks that every output is identical: each CSV and other file byte for
# byte, summary.json entirely except its "run" section (wall clock, rates) and the binary's
# "clustersim" version and commit. Prints each scenario's CPU time (user + system, with GNU time)
# under both binaries and their ratio. Exit code 1 when any output differs or a run fails.
#
#   bench/same_results.sh OLD_CLUSTERSIM NEW_CLUSTERSIM [SCENARIO...] [-- RUN_OPTIONS...]
#
# Without scenarios it runs scenarios/**/*.json and bench/scenarios/*.json. RUN_OPTIONS go to
# both runs, e.g. `-- --set /until=10s` to shorten long scenarios. OUT_DIR (default: a temporary
# directory, removed at the end) keeps the outputs.
set -euo pipefail

usage() { echo "usage: $0 OLD_CLUSTERSIM NEW_CLUSTERSIM [SCENARIO...] [-- RUN_OPTIONS...]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
old=$1 new=$2
shift 2
for b in "$old" "$new"; do [[ -x $b ]] || { echo "error: $b is not executable" >&2; exit 2; }; done
scenarios=()
while [[ $# -gt 0 && $1 != -- ]]; do scenarios+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
options=("$@")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ${#scenarios[@]} -eq 0 ]]; then
  mapfile -t scenarios < <(find "$here/scenarios" "$here/bench/scenarios" -name '*.json' -not -path '*/traces/*' | sort)
fi

out=${OUT_DIR:-}
if [[ -z $out ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

# cpu_of LOG COMMAND...: runs COMMAND, prints its user + system CPU seconds ("-" without GNU time).
cpu_of() {
  local log=$1
  shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%U %S' -o "$log.time" "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
    awk '{ printf "%.2f", $1 + $2 }' "$log.time"
  else
    "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
    echo -
  fi
}

# The summary without what legitimately differs between two binaries and two runs.
summary_body() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d.pop("run", None); d.pop("clustersim", None)
print(json.dumps(d, sort_keys=True, indent=1))' "$1"
}

compared=0 differing=0
printf '%-50s %9s %9s %7s  %s\n' scenario old_cpu_s new_cpu_s ratio outputs
for s in "${scenarios[@]}"; do
  id=$(realpath --relative-to="$here" "$s" | tr '/' '_')
  rm -rf "$out/old-$id" "$out/new-$id"
  t_old=$(cpu_of "$out/old-$id.log" "$old" run "$s" --quiet --out "$out/old-$id" "${options[@]}") || { echo "FAIL: $s (old binary)"; differing=$((differing + 1)); continue; }
  t_new=$(cpu_of "$out/new-$id.log" "$new" run "$s" --quiet --out "$out/new-$id" "${options[@]}") || { echo "FAIL: $s (new binary)"; differing=$((differing + 1)); continue; }
  verdict=identical
  files_old=$(cd "$out/old-$id" && find . -type f | sort) files_new=$(cd "$out/new-$id" && find . -type f | sort)
  if [[ $files_old != "$files_new" ]]; then
    verdict="different file lists"
  else
    differ=()
    while read -r f; do
      if [[ $f == ./summary.json ]]; then
        cmp -s <(summary_body "$out/old-$id/$f") <(summary_body "$out/new-$id/$f") || differ+=("${f#./}")
      else
        cmp -s "$out/old-$id/$f" "$out/new-$id/$f" || differ+=("${f#./}")
      fi
    done <<<"$files_old"
    [[ ${#differ[@]} -eq 0 ]] || verdict="differs: ${differ[*]}"
  fi
  compared=$((compared + 1))
  [[ $verdict == identical ]] || differing=$((differing + 1))
  ratio=$(awk -v a="$t_old" -v b="$t_new" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }')
  printf '%-50s %9s %9s %7s  %s (%d files)\n' "$(realpath --relative-to="$here" "$s")" "$t_old" "$t_new" "$ratio" "$verdict" \
    "$(wc -l <<<"$files_old")"
done
echo "$compared scenarios compared, $differing differing or failed"
[[ $differing -eq 0 ]]
