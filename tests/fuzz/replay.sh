#!/usr/bin/env bash
# The ctest test fuzz/regressions: the fuzz target, without libFuzzer, on every input it ever
# found (tests/fuzz/regressions/) and on its seed corpus, rebuilt from the current scenarios.
# Usage: replay.sh FUZZ_REPLAY_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
replay=$1 source=$2 work=$3
rm -rf "$work/seeds"
/usr/bin/python3 "$source/tests/fuzz/make_seeds.py" "$source" "$work/seeds"
regressions=$source/tests/fuzz/regressions
[ -d "$regressions" ] || regressions=  # none yet: git keeps no empty folder
exec "$replay" "$work/seeds" ${regressions:+"$regressions"}
