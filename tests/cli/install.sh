#!/usr/bin/env bash
# `cmake --install` lays out a prefix that works on its own: the binary, the man page (when
# help2man was found), the bash completion, the profiles and the scenarios. The prefix, moved
# elsewhere as a whole, still runs a shipped inference scenario (which needs the profiles) from
# its own copies, with metrics and tables byte-identical to the build tree's binary.
set -u
cmake=$1 build=$2 clustersim=$3 sources=$4 work=$5 man=$6  # man: ON when the build makes the man page
fail() { echo "FAIL: $1"; exit 1; }
rm -rf "$work" && mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/staged" >"$work/install.log" 2>&1 || fail "cmake --install: $(tail -3 "$work/install.log")"
mv "$work/staged" "$work/moved"  # nothing may point back to where it was installed
p=$work/moved
[ -x "$p/bin/clustersim" ] || fail "no bin/clustersim"
[ -f "$p/share/bash-completion/completions/clustersim" ] || fail "no bash completion"
[ -f "$p/share/clustersim/profiles/inference/devices.json" ] || fail "no profiles"
[ -f "$p/share/clustersim/scenarios/hawkvision/fpga_edge.json" ] || fail "no scenarios"
[ -f "$p/share/clustersim/scenarios/hawkvision/traces/wan_latency.csv" ] || fail "no scenario traces"
if [ "$man" = ON ]; then
  [ -f "$p/share/man/man1/clustersim.1" ] || fail "no man page"
  grep -q 'Perfetto' "$p/share/man/man1/clustersim.1" || fail "the man page lacks run's options"
fi

scenario=hawkvision/fpga_edge.json
short=(--set /workload/duration=10s --quiet)
"$clustersim" run "$sources/scenarios/$scenario" "${short[@]}" --out "$work/build_tree" || fail "build-tree run"
(cd / && "$p/bin/clustersim" run "$p/share/clustersim/scenarios/$scenario" "${short[@]}" --out "$work/installed") \
  || fail "installed run"
results() { /usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps([s["metrics"], s["files"]], sort_keys=True))' "$1"; }
[ "$(results "$work/build_tree/summary.json")" = "$(results "$work/installed/summary.json")" ] || fail "metrics differ"
for f in "$work"/build_tree/*.csv; do cmp "$f" "$work/installed/$(basename "$f")" || fail "$(basename "$f") differs"; done

# The installed binary reads its prefix's profiles, not the source tree's: without them it stops
# on the first one missing, naming its path under the moved prefix.
rm "$p/share/clustersim/profiles/inference/devices.json"
err=$("$p/bin/clustersim" validate "$p/share/clustersim/scenarios/$scenario" 2>&1); code=$?
[ "$code" -eq 2 ] || fail "validate without the profiles exited $code, expected 2"
case "$err" in *"$p/share/clustersim/profiles/inference/devices.json"*) ;; *) fail "not its own profiles: $err" ;; esac
echo "ok: $(cd "$work/installed" && ls *.csv | wc -l) tables identical from $p"
