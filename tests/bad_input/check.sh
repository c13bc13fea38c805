#!/usr/bin/env bash
# Runs clustersim on one bad scenario and checks the contract for bad input: exit code 2,
# exactly one line on stderr that names the file and contains the expected text, and no
# output directory written. The scenario file says what it expects in its first lines:
#   // expect: <text the error must contain>
#   // args: <extra command-line arguments, optional>
set -u
clustersim=$1 file=$2 out=$3
expect=$(sed -n 's|^// expect: ||p' "$file" | head -n 1)
args=$(sed -n 's|^// args: ||p' "$file" | head -n 1)
[ -n "$expect" ] || { echo "FAIL: $file has no '// expect:' line"; exit 1; }
rm -rf "$out"
# shellcheck disable=SC2086
stderr=$("$clustersim" run "$file" $args --quiet --out "$out" 2>&1 >/dev/null)
code=$?
fail() { echo "FAIL: $1"; echo "stderr was: $stderr"; exit 1; }
[ "$code" -eq 2 ] || fail "exit code $code, expected 2"
[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "expected one line on stderr"
case "$stderr" in *"$(basename "$file")"*) ;; *) fail "the message does not name the file" ;; esac
case "$stderr" in *"$expect"*) ;; *) fail "the message does not contain: $expect" ;; esac
[ ! -e "$out" ] || fail "an output directory was written"
echo "ok: $stderr"
