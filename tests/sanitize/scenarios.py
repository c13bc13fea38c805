#!/usr/bin/env python3
"""Every shipped scenario under AddressSanitizer and UndefinedBehaviorSanitizer (issue 12).

    scenarios.py NORMAL_CLUSTERSIM SANITIZED_CLUSTERSIM SOURCE_DIR WORK_DIR

Each scenario first runs with the normal build, which gives its simulated time T and its work W
(SimGrid activities plus a 40th of its INA packets, which cost less; both deterministic).
The sanitized build (about 20-50x slower, with SimGrid's thread contexts) then runs it cut at
`until` = T x min(1, budget / W): short scenarios run whole, to their end (where leaks of
undelivered messages show), long ones a prefix, the same prefix every time. A run passes when
it exits 0 and its stderr holds no sanitizer report."""
import concurrent.futures
import glob
import json
import os
import resource
import subprocess
import sys
import time

BUDGET = 100_000  # activities (or 40 INA packets) each sanitized run gets: seconds under ASan
REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


def cpu_of(command, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, cpu, time.monotonic() - start


def check(normal, sanitized, scenario, work):
    name = os.path.relpath(scenario, os.path.join(SOURCE, "scenarios")).replace("/", "_")[:-5]
    out = os.path.join(work, name)
    proc, cpu, _ = cpu_of([normal, "run", scenario, "--quiet", "--out", out + "-normal"])
    if proc.returncode != 0:
        return name, False, f"the normal build failed (exit {proc.returncode}): {proc.stderr.strip()[:300]}"
    with open(os.path.join(out + "-normal", "summary.json")) as f:
        summary = json.load(f)
    simulated = summary["metrics"]["simulated_time_s"]
    work = summary["run"]["simulated_activities"] + summary["run"]["simulated_packets"] / 40
    fraction = min(1.0, BUDGET / max(work, 1))
    args = [sanitized, "run", scenario, "--quiet", "--out", out]
    if fraction < 1.0:
        args += ["--set", f"/until={simulated * fraction!r}s"]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
    proc, scpu, wall = cpu_of(args, env)
    report = next((line for line in proc.stderr.splitlines() if any(r in line for r in REPORTS)), None)
    ok = proc.returncode == 0 and report is None
    what = "whole" if fraction >= 1.0 else f"until {simulated * fraction:.3g} s of {simulated:.3g} s"
    detail = f"{what}, {scpu:.1f} s CPU sanitized ({cpu:.2f} s normal)"
    if not ok:
        detail += f"; exit {proc.returncode}: {report or proc.stderr.strip()[-500:]}; rerun: {' '.join(args)}"
    return name, ok, detail


def main():
    global SOURCE
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    normal, sanitized, SOURCE, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    scenarios = sorted(glob.glob(os.path.join(SOURCE, "scenarios", "**", "*.json"), recursive=True))
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for name, ok, detail in pool.map(lambda s: check(normal, sanitized, s, work), scenarios):
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
            failures += not ok
    print(f"{len(scenarios) - failures} of {len(scenarios)} scenarios clean under ASan + UBSan")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
