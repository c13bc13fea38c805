#!/usr/bin/env bash
# Fuzzes every input reader (tests/fuzz/fuzz_target.cpp) with libFuzzer for SECONDS, built with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer in BUILD_DIR. Seeds: the scenarios,
# the bad-input scenarios, their traces and CSVs, the profiles, and every earlier finding.
# Exits 1 on any finding (a crash, a sanitizer report, an exception other than BadInput, a
# timeout, running out of memory, a leak), after copying the input into tests/fuzz/regressions/.
# The inputs that add coverage are kept in BUILD_DIR/fuzz-corpus for the next run.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS}
seconds=${2:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS}
cd "$(dirname "$0")/../.."
build=$(realpath -m "$build")

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCLUSTERSIM_FUZZ=ON -DCLUSTERSIM_TESTS=OFF \
  -DCLUSTERSIM_BENCH=OFF >/dev/null
ninja -C "$build" -j "$(nproc)" --quiet fuzz_readers

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 tests/fuzz/make_seeds.py . "$work/seeds" >/dev/null
mkdir -p "$build/fuzz-corpus" "$work/artifacts" tests/fuzz/regressions
log=$build/fuzz.log
echo "fuzzing for ${seconds}s (log: $log)"
# The target's scratch files go under $TMPDIR, removed with $work. libFuzzer writes new inputs
# into the first folder only; the seeds and regressions are read.
status=0
TMPDIR=$work UBSAN_OPTIONS=print_stacktrace=1 "$build/tests/fuzz/fuzz_readers" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/scenario.dict \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$build/fuzz-corpus" "$work/seeds" tests/fuzz/regressions >"$log" 2>&1 || status=$?

executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
echo "executed ${executed:-an unknown number of} inputs"
findings=("$work"/artifacts/*)
if [ -e "${findings[0]}" ]; then
  for f in "${findings[@]}"; do
    # Stored self-contained (a "v" input becomes the scenario text and --set lines it stands
    # for), named by its kind (crash, timeout, oom, leak, slow-unit) and sha1.
    CLUSTERSIM_FUZZ_EXPAND=$work/expanded TMPDIR=$work "$build/tests/fuzz/fuzz_readers" "$f" >/dev/null 2>&1
    name=$(basename "$f" | sed 's/-[0-9a-f]*$//')-$(sha1sum <"$work/expanded" | cut -c1-40)
    cp "$work/expanded" "tests/fuzz/regressions/$name"
    echo "FINDING: tests/fuzz/regressions/$name added; fix the cause, then commit it with the fix" >&2
  done
  grep -E -A 30 '^==[0-9]+==|ERROR: libFuzzer|runtime error|fuzz finding' "$log" | head -n 60 >&2 || true
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "FAILED: the fuzzer exited with status $status and no finding; see $log" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
# libFuzzer only adds to the corpus: merged down to the inputs that each add coverage, so that
# the next run does not spend a growing share of its time replaying it.
rm -rf "$build/fuzz-corpus.merged"
mkdir "$build/fuzz-corpus.merged"
if TMPDIR=$work "$build/tests/fuzz/fuzz_readers" -merge=1 -timeout=10 -rss_limit_mb=2048 \
  "$build/fuzz-corpus.merged" "$build/fuzz-corpus" >>"$log" 2>&1; then
  rm -rf "$build/fuzz-corpus"
  mv "$build/fuzz-corpus.merged" "$build/fuzz-corpus"
fi
echo "no finding ($(ls "$build/fuzz-corpus" | wc -l) inputs kept for the next run)"
