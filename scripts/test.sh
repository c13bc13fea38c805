#!/usr/bin/env bash
# The whole test suite: every ctest test of a normal build, then the unit and bad-input
# tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
bash scripts/build.sh
ctest --test-dir build -j "$jobs" --output-on-failure
echo "== sanitizers (ASan + UBSan): unit and bad-input tests =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCLUSTERSIM_SANITIZE=ON -DCLUSTERSIM_BENCH=OFF >/dev/null
ninja -C build-asan -j "$jobs" --quiet unit_tests clustersim
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j "$jobs" -L 'unit|bad_input' --output-on-failure
