#!/usr/bin/env bash
# The command line's usage contract: help on request exits 0 with the usage on stdout; a
# mistyped command gets a did-you-mean and exit 2; a listing given an argument exits 2 instead
# of ignoring it.
set -u
clustersim=$1
fail() { echo "FAIL: $1"; exit 1; }
for args in "--help" "help" "run --help" "run -h" "validate --help"; do
  # shellcheck disable=SC2086
  out=$("$clustersim" $args 2>/dev/null) || fail "clustersim $args exited $?"
  case "$out" in *"clustersim run FILE"*) ;; *) fail "clustersim $args printed no usage" ;; esac
done
check_error() {  # expected exit 2 and a message containing $1, for the arguments after it
  local expect=$1; shift
  err=$("$clustersim" "$@" 2>&1 >/dev/null); code=$?
  [ "$code" -eq 2 ] || fail "clustersim $* exited $code, expected 2"
  case "$err" in *"$expect"*) ;; *) fail "clustersim $*: no \"$expect\" in: $err" ;; esac
}
check_error 'unknown command "rn" (did you mean "run"?)' rn x.json
check_error 'unknown command "valdate" (did you mean "validate"?)' valdate x.json
check_error 'models takes no arguments, got "--foo"' models --foo
check_error 'topologies takes no arguments, got "x"' topologies x
echo ok
