#!/usr/bin/env bash
# The headline `run` prints: each workload's own metrics (inference: P99 latency and the tiers'
# service levels; training that learns: time to accuracy first), each under its workload's
# name when a scenario has several, and the overrides applied.
set -u
clustersim=$1 scenarios=$2 out=$3
fail() { echo "FAIL: $1"; echo "$headline"; exit 1; }
rm -rf "$out"
first_metric() { printf '%s\n' "$headline" | sed -n '/^  [a-z]/{/overrides:/d;s/^ *\([a-z0-9_]*\) .*/\1/p;q}'; }
has() { printf '%s\n' "$headline" | grep -Eq "$1" || fail "no line matching $1"; }
lacks() { ! printf '%s\n' "$headline" | grep -Eq "$1" || fail "a line matches $1"; }

# HawkVision (inference), shortened by an override, which the description line shows.
headline=$("$clustersim" run "$scenarios/hawkvision/reproduction.json" --out "$out/hv" --set /workload/duration=10s 2>/dev/null) \
  || fail "hawkvision run"
has '^hawkvision_reproduction: HawkVision vs modeless baselines'
has '^  overrides: --set /workload/duration=10s$'
[ "$(first_metric)" = latency_p99_s ] || fail "first headline metric $(first_metric), expected latency_p99_s"
for m in latency_p99_s share_tier_met share_deadline_met tiers_accuracy_met accuracy simulated_time_s energy_j; do
  has "^  $m +[0-9]"
done
lacks 'jct_mean_s|makespan_s'

# THC with a learning proxy: time to accuracy first, then the JCT.
headline=$("$clustersim" run "$scenarios/thc/ps_vgg16.json" --out "$out/thc" 2>/dev/null) || fail "thc run"
lacks 'overrides:'
[ "$(first_metric)" = time_to_accuracy_mean_s ] || fail "first headline metric $(first_metric), expected time_to_accuracy_mean_s"
for m in time_to_accuracy_mean_s jobs_reaching_target final_accuracy_mean jct_mean_s vnmse_mean; do has "^  $m +[0-9]"; done
lacks 'latency_p99_s'
# A scheme that never reaches the target: its time to accuracy is shown missing, not left out.
headline=$("$clustersim" run "$scenarios/thc/ps_vgg16.json" --out "$out/thc_short" \
  --set /workload/jobs/0/iterations=20 2>/dev/null) || fail "short thc run"
has '^  time_to_accuracy_mean_s +n/a$'
has '^  jobs_reaching_target +0$'

# Two workloads: each headline under its name and kind, the run's own after them.
headline=$("$clustersim" run "$scenarios/studies/inference_under_training/leaf_spine_shared.json" --out "$out/two" \
  --set /until=6s --set /workloads/0/duration=5s 2>/dev/null) || fail "two-workload run"
has '^  hv \(inference\):$'
has '^  train \(training\):$'
printf '%s\n' "$headline" | sed -n '/^  hv (inference):$/,/^  train/p' | grep -Eq '^    latency_p99_s +[0-9]' || fail "hv's P99 not under hv"
printf '%s\n' "$headline" | sed -n '/^  train (training):$/,/^  [a-z]/p' | grep -Eq '^    jct_mean_s +|^    iteration_time_mean_s +[0-9]' \
  || fail "train's metrics not under train"
has '^  simulated_time_s +[0-9]'
has '^results in .*/two/summary.json$'
echo ok
