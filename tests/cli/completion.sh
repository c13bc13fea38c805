#!/usr/bin/env bash
# The bash completion (completion/clustersim.bash) offers the commands, each command's options
# as its --help lists them, and scenario files and folders for run and validate.
set -u
clustersim=$1 script=$2 work=$3
fail() { echo "FAIL: $1"; exit 1; }
rm -rf "$work" && mkdir -p "$work/scenarios/sub" && cd "$work" || exit 1
: > scenarios/a.json && : > scenarios/b.json && : > scenarios/notes.txt
# shellcheck source=/dev/null
source "$script"
complete_line() {  # prints the completions of the words given, the last being completed
  COMP_WORDS=("$clustersim" "$@")
  COMP_CWORD=$#
  _clustersim
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
expect() {  # $1: the completions expected (sorted, space-separated); the rest: the words
  local want=$1; shift
  got=$(complete_line "$@")
  [ "$got" = "$want " ] || fail "completing \"$*\": got \"$got\", expected \"$want\""
}
expect "compress" co
expect "models" mo
expect "--help --version" --
expect "run" help ru
expect "--set" run x.json --se
expect "--quiet" run --q
expect "--topk-ratio" compress --to
expect "--calibrate" compress --cal
# Every command's --help option is offered (the options come from its help).
for command in run validate models topologies compress; do
  case " $(complete_line "$command" --) " in *" --help "*) ;; *) fail "$command: no --help offered" ;; esac
done
expect "scenarios/a.json scenarios/b.json scenarios/sub" run scenarios/
expect "scenarios/a.json scenarios/b.json scenarios/sub" validate scenarios/a.json scenarios/
expect "scenarios/sub" run x.json --out scenarios/
echo ok
