#!/usr/bin/env bash
# The command line's usage contract: help on request exits 0 with the usage on stdout, for the
# program and for every command; a mistyped command or option gets a did-you-mean, one line on
# stderr and exit 2; a listing given an argument exits 2 instead of ignoring it.
set -u
clustersim=$1
fail() { echo "FAIL: $1"; exit 1; }
expect_help() {  # $1: text the help must contain; the rest: the arguments
  local expect=$1; shift
  out=$("$clustersim" "$@" 2>/dev/null) || fail "clustersim $* exited $?"
  case "$out" in *"$expect"*) ;; *) fail "clustersim $* printed no \"$expect\"" ;; esac
}
for args in "--help" "-h" "help"; do
  # shellcheck disable=SC2086
  expect_help "clustersim run FILE" $args
done
# The whole help lists every command's options (the man page is made of it).
for option in --set --out --trace --scheme --calibrate; do expect_help "  $option" help; done
for command in run validate models topologies compress; do
  expect_help "Usage: clustersim $command" "$command" --help
  expect_help "Usage: clustersim $command" "$command" -h
  expect_help "Usage: clustersim $command" help "$command"
done
expect_help "--set POINTER=VALUE" run --help
expect_help "--topk-ratio" compress --help
check_error() {  # expected exit 2 and one line on stderr containing $1, for the arguments after it
  local expect=$1; shift
  err=$("$clustersim" "$@" 2>&1 >/dev/null); code=$?
  [ "$code" -eq 2 ] || fail "clustersim $* exited $code, expected 2"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "clustersim $*: expected one line on stderr, got: $err"
  case "$err" in *"$expect"*) ;; *) fail "clustersim $*: no \"$expect\" in: $err" ;; esac
}
check_error 'unknown command "rn" (did you mean "run"?)' rn x.json
check_error 'unknown command "valdate" (did you mean "validate"?)' valdate x.json
check_error 'unknown command "hlep" (did you mean "help"?)' hlep
check_error 'unknown command "runn" (did you mean "run"?)' help runn
check_error 'models takes no arguments, got "x"' models x
check_error 'topologies takes no arguments, got "x"' topologies x
# A mistyped option, in every command: the closest option, and where the options are listed.
check_error 'unknown option "--seeed" (did you mean "--seed"?); see clustersim compress --help' compress --seeed 3
check_error 'unknown option "--qiet" (did you mean "--quiet"?); see clustersim run --help' run x.json --qiet
check_error 'unknown option "--ot" (did you mean "--out"?)' run x.json --ot dir
check_error 'unknown option "--sett" (did you mean "--set"?); see clustersim validate --help' validate x.json --sett /seed=1
check_error 'unknown option "--hepl" (did you mean "--help"?); see clustersim models --help' models --hepl
check_error 'unknown option "--foo"; see clustersim topologies --help' topologies --foo
check_error 'unknown option "--calibrtae" (did you mean "--calibrate"?)' compress --calibrtae
# Other mistakes Boost finds: one line too.
check_error "see clustersim run --help" run x.json --out
check_error "see clustersim compress --help" compress --workers many
check_error 'run takes exactly one scenario file' run a.json b.json
echo ok
