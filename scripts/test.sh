#!/usr/bin/env bash
# The whole test suite: every ctest test of a normal build (the Slurm one last, verbose); then,
# under AddressSanitizer and UndefinedBehaviorSanitizer (SimGrid's thread contexts, which ASan can
# follow), the unit, bad-input and simulation tests and every shipped scenario; then 60 s of
# libFuzzer over every input reader (clang).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
bash scripts/build.sh
ctest --test-dir build -j "$jobs" --output-on-failure -LE slurm
# On its own and verbose, so its log says why when it is skipped (ctest hides a skipped test's output).
echo "== a real single-node Slurm (tests/slurm) =="
ctest --test-dir build -L slurm --output-on-failure -V
echo "== sanitizers (ASan + UBSan): unit, bad-input and simulation tests =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLUSTERSIM_SANITIZE=ON -DCLUSTERSIM_BENCH=OFF >/dev/null
ninja -C build-asan -j "$jobs" --quiet unit_tests sim_tests clustersim fuzz_replay
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j "$jobs" -L 'unit|bad_input|sim' --timeout 1800 --output-on-failure
echo "== sanitizers (ASan + UBSan): every shipped scenario =="
python3 tests/sanitize/scenarios.py build/sim/clustersim build-asan/sim/clustersim . build-asan/test-out/sanitize
echo "== fuzzing (libFuzzer, 60 s) =="
bash tests/fuzz/run.sh build-fuzz 60
