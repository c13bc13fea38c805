#!/usr/bin/env bash
# A real single-node Slurm: starts munged, slurmctld and slurmd (Debian's slurm-wlm and munge)
# as root in a private temporary folder, on ports nothing else uses; submits the sweep
# tests/slurm/sweep.json with `sweep.py emit-slurm` and `sbatch`; checks that every array task
# completed and that `sweep.py collect` gives exactly what the local runner gives
# (same_results.py). Always stops the daemons it started.
# Exit codes: 0 identical results; 1 a failure; 77 (ctest's skip) when the daemons cannot start
# here (not root, packages missing, a container that forbids them), with the reason and the
# daemons' logs printed. CLUSTERSIM_REQUIRE_SLURM=1 turns that skip into a failure, for
# machines known to run Slurm.
#   tests/slurm/run.sh CLUSTERSIM
set -u
clustersim=$(realpath "${1:?usage: tests/slurm/run.sh CLUSTERSIM}")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=/usr/bin/python3
sweep_py=("$python" "$repo/scripts/sweep.py")
started=$(date +%s)

fail() { echo "FAIL: $*"; [ -n "${tmp:-}" ] && echo "(logs kept in $tmp)"; keep=1; exit 1; }
skip() {
  echo "SKIP: $*"
  [ "${CLUSTERSIM_REQUIRE_SLURM:-0}" = 1 ] && fail "Slurm is required here (CLUSTERSIM_REQUIRE_SLURM=1)"
  exit 77
}
show_logs() {  # the end of each named daemon's log (else of its output, when it stopped before
  local name file   # opening its log), which says why it stopped
  for name in "$@"; do
    file=$tmp/log/$name.log
    [ -s "$file" ] || file=$tmp/log/$name.out
    [ -s "$file" ] && { echo "--- last lines of $file:"; tail -n 15 "$file"; }
  done
}

[ "$(id -u)" -eq 0 ] || skip "not root: slurmd must be root to start jobs as their user"
for cmd in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$cmd" >/dev/null || skip "no $cmd on PATH (scripts/setup.sh installs slurm-wlm and munge)"
done

# Short path: munged's socket path must fit in a sockaddr_un (108 bytes).
tmp=$(mktemp -d /tmp/clustersim-slurm.XXXXXX) || fail "mktemp"
keep=0
# munged refuses a socket in a folder that not everyone can enter; nothing secret is in here
# except the key, which stays 0600.
chmod 755 "$tmp"
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/out"
chmod 755 "$tmp/munge"

pids=() names=()
jid=
stop() {
  if [ -n "$jid" ]; then  # a timeout: end the jobs before their slurmd goes
    scancel "$jid" 2>/dev/null
    for _ in $(seq 20); do [ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  [ "$keep" = 1 ] || rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a daemon in the foreground as our child, so we know its pid and it cannot outlive us.
# Its own log is $tmp/log/NAME.log, what it prints $tmp/log/NAME.out.
start() {  # NAME COMMAND...
  local name=$1; shift
  "$@" >"$tmp/log/$name.out" 2>&1 &
  pids+=($!) names+=("$name")
  sleep 0.5
  kill -0 "$!" 2>/dev/null || { show_logs "$name"; skip "$name did not start"; }
}

socket=$tmp/munge/munge.socket
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge/munge.key"
start munged munged --foreground --socket="$socket" --key-file="$tmp/munge/munge.key" \
  --log-file="$tmp/log/munged.log" --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed"
for _ in $(seq 20); do munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && break; sleep 0.25; done
munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 ||
  { show_logs munged; skip "munged does not answer on $socket"; }

# Two free ports, not Slurm's defaults, so another Slurm on this host is not disturbed.
read -r ctld_port slurmd_port < <("$python" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
node=$(hostname -s)
memory_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
export SLURM_CONF=$tmp/slurm.conf
sed -e "s|@TMP@|$tmp|g" -e "s|@NODE@|$node|g" -e "s|@CPUS@|$(nproc)|g" -e "s|@MEMORY_MB@|$memory_mb|g" \
    -e "s|@CTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" "$here/slurm.conf.in" >"$SLURM_CONF"
start slurmctld slurmctld -D -f "$SLURM_CONF"
start slurmd slurmd -D -f "$SLURM_CONF" -N "$node"

state=
for _ in $(seq 60); do
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null)
  [ "$state" = idle ] && break
  dead=(); for i in "${!pids[@]}"; do kill -0 "${pids[i]}" 2>/dev/null || dead+=("${names[i]}"); done
  [ ${#dead[@]} -eq 0 ] || { show_logs "${dead[@]}"; skip "${dead[*]} stopped before node $node came up"; }
  sleep 0.5
done
[ "$state" = idle ] || { show_logs slurmctld slurmd; skip "node $node not idle after 30 s (state: ${state:-none})"; }
echo "slurm up in $(($(date +%s) - started)) s: node $node, ports $ctld_port/$slurmd_port, $tmp"

# From here on Slurm runs, so anything that goes wrong is a failure.
slurm_out=$tmp/out/slurm local_out=$tmp/out/local
"${sweep_py[@]}" emit-slurm "$here/sweep.json" --out "$slurm_out" --clustersim "$clustersim" >/dev/null ||
  fail "emit-slurm exited $?"
jid=$(sbatch --parsable "$slurm_out/sweep.sbatch") || fail "sbatch refused $slurm_out/sweep.sbatch"
"${sweep_py[@]}" run "$here/sweep.json" --out "$local_out" --jobs 1 --clustersim "$clustersim" >/dev/null 2>&1 ||
  fail "the local run exited $?"
for _ in $(seq 180); do [ -z "$(squeue -h -j "$jid")" ] && break; sleep 0.5; done
[ -z "$(squeue -h -j "$jid")" ] || { squeue -j "$jid"; show_logs slurmctld; fail "job $jid still queued after 90 s"; }

# Every array task ran on Slurm and ended well; collect then sees the same runs.
runs=$(grep -c . "$slurm_out/jobs.txt")
states=$(scontrol -o show job "$jid" |
         awk '{s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^(JobState|ExitCode)=/) s = s " " $i; print s}')
if [ "$(grep -c . <<<"$states")" -ne "$runs" ] || grep -qvx ' JobState=COMPLETED ExitCode=0:0' <<<"$states"; then
  show_logs slurmd
  fail "job $jid: expected $runs array tasks COMPLETED with exit 0, got:$(tr '\n' ';' <<<"$states")"
fi
for ((i = 0; i < runs; i++)); do
  [ -f "$slurm_out/slurm/${jid}_$i.log" ] || fail "no Slurm log for array task $i"
done
jid=
collected=$("${sweep_py[@]}" collect "$slurm_out") || fail "collect exited $?: $collected"
case "$collected" in *"$runs ok, 0 failed, 0 missing"*) ;; *) fail "collect: $collected" ;; esac
"$python" "$here/same_results.py" "$local_out" "$slurm_out" || fail "Slurm and local results differ"
echo "ok: $runs runs through sbatch identical to the local runner, $(($(date +%s) - started)) s"
