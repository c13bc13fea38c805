#!/bin/bash
# The scale benchmark of issue 13, in one command:
#   bench/scale.sh CLUSTERSIM [--validate]
# 1. bench/scale.py: the cost curve from 64 to 4,096 hosts per fidelity level (16-worker ring
#    jobs placed at random on a two-tier fabric; exact and fast-forward up to 1,024 hosts), CPU
#    seconds, activities per CPU second, each level's JCT error against exact, fitted exponents.
# 2. Every scenario under scenarios/paper_scale/ at its own fidelity: CPU seconds and headline.
# 3. With --validate, the realistic ESA experiment's check: bench/scenarios/esa_realistic_8_reduced.json
#    (its jobs with a hundredth of the iterations and arrival times) at exact and at analytical,
#    mean JCT and the difference (the exact run takes several minutes of CPU).
# CPU time is user + system of the child (GNU time); the machines are shared, so read ratios.
set -euo pipefail
bin=$(realpath "${1:?usage: bench/scale.sh CLUSTERSIM [--validate]}")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/clustersim-scale-XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$root/bench/scale.py" "$bin" --placement random

cpu_run() {  # FILE OUT [--set ...]: prints CPU seconds
  local file=$1 out=$2
  shift 2
  /usr/bin/time -f "%U %S" -o "$work/time" "$bin" run "$file" --quiet --out "$out" "$@" >/dev/null
  awk '{printf "%.2f", $1 + $2}' "$work/time"
}
metric() { python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; print(m.get(sys.argv[2], ''))" "$1/summary.json" "$2"; }

echo
printf '%-38s %12s %9s %14s %14s\n' scenario fidelity "CPU s" "JCT mean s" "makespan s"
for f in "$root"/scenarios/paper_scale/*.json; do
  name=$(basename "$f" .json)
  cpu=$(cpu_run "$f" "$work/$name")
  fidelity=$(python3 -c "import json,sys; print(json.loads(''.join(l for l in open(sys.argv[1]) if not l.lstrip().startswith('//'))).get('fidelity', 'exact'))" "$f")
  printf '%-38s %12s %9s %14.4f %14.4f\n' "paper_scale/$name" "$fidelity" "$cpu" "$(metric "$work/$name" jct_mean_s)" "$(metric "$work/$name" makespan_s)"
done

if [ "${2:-}" = --validate ]; then
  echo
  reduced="$root/bench/scenarios/esa_realistic_8_reduced.json"
  for level in exact analytical; do
    cpu=$(cpu_run "$reduced" "$work/reduced-$level" --set "/fidelity=$level")
    printf '%-38s %12s %9s %14.6f\n' esa_realistic_8_reduced "$level" "$cpu" "$(metric "$work/reduced-$level" jct_mean_s)"
  done
  python3 -c "
import json, sys
a, b = (json.load(open(f'$work/reduced-{l}/summary.json'))['metrics']['jct_mean_s'] for l in ('exact', 'analytical'))
print(f'mean JCT, analytical vs exact: {100 * (b / a - 1):+.2f}%')"
fi
