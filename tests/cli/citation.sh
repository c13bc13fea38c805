#!/usr/bin/env bash
# CITATION.cff cites the version the binary reports (CMakeLists.txt's project version), so the
# two cannot drift apart.
set -euo pipefail
clustersim=$1 citation=$2
binary=$("$clustersim" --version | sed -n 's/^clustersim \([0-9][0-9.]*\) .*/\1/p')
cited=$(sed -n 's/^version: *"\{0,1\}\([0-9][0-9.]*\)"\{0,1\} *$/\1/p' "$citation")
[[ -n $binary && -n $cited ]] || { echo "FAIL: no version (binary '$binary', CITATION.cff '$cited')"; exit 1; }
[[ $binary == "$cited" ]] || { echo "FAIL: clustersim is $binary, CITATION.cff cites $cited"; exit 1; }
echo "ok: $cited"
