#!/usr/bin/env bash
# run --out DIR writes into a new or empty folder, or over a previous clustersim result, whose
# own files (those its summary.json lists) it replaces; it never touches anything else, and
# refuses (exit 2, one line naming DIR) a folder holding files no clustersim result explains.
set -u
clustersim=$1 scenario=$2 out=$3
fail() { echo "FAIL: $1"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
run() { "$clustersim" run "$scenario" --quiet "$@"; }
refused() {  # $1: DIR; $2: text the one-line message must contain; the rest: run's extra arguments
  local dir=$1 expect=$2; shift 2
  err=$(run --out "$dir" "$@" 2>&1 >/dev/null); code=$?
  [ "$code" -eq 2 ] || fail "--out $dir: exit $code, expected 2"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "--out $dir: expected one line, got: $err"
  case "$err" in *"--out $dir: "*"$expect"*) ;; *) fail "--out $dir: no \"$expect\" in: $err" ;; esac
}
listing() { (cd "$1" && ls -A | sort | tr '\n' ' '); }

# The reference: a fresh run into a folder that does not exist yet.
run --out "$out/fresh" || fail "fresh run"

# A user's folder with their own notes: refused, and left exactly as it was.
mkdir "$out/user" && echo "my notes" > "$out/user/notes.csv"
refused "$out/user" "holds notes.csv but no clustersim summary.json"
[ "$(listing "$out/user")" = "notes.csv " ] || fail "the refused folder changed: $(listing "$out/user")"
[ "$(cat "$out/user/notes.csv")" = "my notes" ] || fail "notes.csv changed"
# A summary.json that clustersim did not write vouches for nothing.
echo '{"files": ["notes.csv"]}' > "$out/user/summary.json"
refused "$out/user" "holds notes.csv (and 1 more) but no clustersim summary.json"
[ "$(cat "$out/user/notes.csv")" = "my notes" ] || fail "notes.csv changed"

# The sweep runner's own files (written before and around clustersim) do not count, and stay.
mkdir "$out/sweep_run" && echo '{"run_id": "r0"}' > "$out/sweep_run/run.json" && : > "$out/sweep_run/stderr.txt"
echo 1 > "$out/sweep_run/exit_code"
run --out "$out/sweep_run" || fail "a folder with run.json, stderr.txt and exit_code was refused"
[ "$(cat "$out/sweep_run/run.json")" = '{"run_id": "r0"}' ] && [ "$(cat "$out/sweep_run/exit_code")" = 1 ] \
  || fail "the sweep runner's files changed"

# A rerun over a previous result, with the user's notes beside it: the result is replaced by
# one identical to a fresh run's tables, the notes survive.
run --out "$out/rerun" || fail "first run"
echo "my notes" > "$out/rerun/notes.csv"
run --out "$out/rerun" || fail "rerun over a previous result"
for f in "$out"/fresh/*.csv; do cmp "$f" "$out/rerun/$(basename "$f")" || fail "$(basename "$f") differs"; done
[ "$(cat "$out/rerun/notes.csv")" = "my notes" ] || fail "notes.csv beside a result changed"
[ "$(listing "$out/fresh")" = "hosts.csv iterations.csv jobs.csv links.csv summary.json " ] || fail "fresh: $(listing "$out/fresh")"
[ "$(listing "$out/rerun")" = "hosts.csv iterations.csv jobs.csv links.csv notes.csv summary.json " ] \
  || fail "rerun left: $(listing "$out/rerun")"

# A previous run that wrote more tables than the new one: none of its tables stays behind.
run --out "$out/fewer" || fail "run with every table"
run --out "$out/fewer" --set '/outputs={"links_csv": false, "iterations_csv": false}' || fail "run with fewer tables"
[ "$(listing "$out/fewer")" = "hosts.csv jobs.csv summary.json " ] || fail "stale tables: $(listing "$out/fewer")"

# Over a previous result, a file it did not write is never overwritten: the run that would write
# links.csv over the user's is refused, after the run, with nothing changed.
echo "user's links" > "$out/fewer/links.csv"
refused "$out/fewer" "links.csv is there and the previous result does not list it"
[ "$(cat "$out/fewer/links.csv")" = "user's links" ] || fail "the user's links.csv was overwritten"
[ "$(listing "$out/fewer")" = "hosts.csv jobs.csv links.csv summary.json " ] || fail "folder changed: $(listing "$out/fewer")"
echo ok
