#!/usr/bin/env python3
"""The cost of a training run against the platform's size, per fidelity level (issue 13).

    bench/scale.py CLUSTERSIM [--hosts 64,128,...] [--exact-max 1024] [--runs 1]
                   [--placement random|pack] [--iterations 20]

A two-tier fabric of 16-host racks (25 Gbps host links, 100 Gbps uplinks) holds hosts / 16
ring all-reduce jobs of 16 workers, 100 MB gradients, 20 iterations, arriving together. With
`random` placement (the issue's measurement) jobs share ToR uplinks; with `pack` each job fills
one rack and runs alone. For every size and level it prints the median CPU time (user +
system) of `clustersim run`, the simulated activities per CPU second and the skipped
iterations, and each faster level's mean JCT error against exact where exact ran, then the
exponent of a least-squares fit CPU ~ hosts^e per level. Exact runs stop at --exact-max hosts
(1,024 took 114 s of CPU), and so do fast-forward runs (with random placement every job shares
links, so fast-forward simulates all of it exactly). A benchmark, not a test: nothing is asserted."""
import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile


def scenario(hosts, placement, iterations):
    racks = hosts // 16
    jobs = [{"name": f"j{i}", "gradient_size": "100MB", "aggregation": "ring", "workers": 16,
             "iterations": iterations, "compute": "20ms"} for i in range(hosts // 16)]
    return {"name": f"scale{hosts}", "seed": 1,
            "platform": {"topology": "two_tier", "racks": racks, "hosts_per_rack": 16, "host": {"speed": "100Tf"},
                         "link": {"bandwidth": "25Gbps", "latency": "2us"},
                         "uplink": {"bandwidth": "100Gbps", "latency": "5us"}},
            "workload": {"kind": "training", "jobs": jobs},
            "policies": {"placement": placement},
            "outputs": {"iterations_csv": False, "links_csv": False, "hosts_csv": False}}


def run_once(clustersim, path, fidelity, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([clustersim, "run", path, "--quiet", "--set", f"/fidelity={fidelity}", "--out", out],
                          capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"scale.py: {path} ({fidelity}) failed: {proc.stderr.strip()}")
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, summary


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("clustersim")
    p.add_argument("--hosts", default="64,128,256,512,1024,2048,4096")
    p.add_argument("--exact-max", type=int, default=1024)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--placement", choices=["random", "pack"], default="random")
    p.add_argument("--iterations", type=int, default=20)
    a = p.parse_args()
    sizes = [int(h) for h in a.hosts.split(",")]
    work = tempfile.mkdtemp(prefix="clustersim-scale-")
    fits = {}
    print(f"{'hosts':>6} {'fidelity':>13} {'CPU s':>9} {'activities/CPU s':>17} {'JCT mean s':>12} {'vs exact':>9} {'skipped':>8}", flush=True)
    exact_jct = {}
    for fidelity in ("exact", "fast_forward", "analytical"):
        points = []
        for hosts in sizes:
            # Fast-forward runs jobs that share links exactly: with random placement it costs what exact does.
            if fidelity != "analytical" and hosts > a.exact_max:
                continue
            path = os.path.join(work, f"scale{hosts}.json")
            with open(path, "w") as f:
                json.dump(scenario(hosts, a.placement, a.iterations), f)
            results = [run_once(a.clustersim, path, fidelity, os.path.join(work, f"out{hosts}{fidelity}{r}"))
                       for r in range(a.runs)]
            cpu = statistics.median(r[0] for r in results)
            m = results[0][1]["metrics"]
            run = results[0][1].get("run", {})
            activities = run.get("simulated_activities", 0)
            if fidelity == "exact":
                exact_jct[hosts] = m["jct_mean_s"]
            error = f"{100 * (m['jct_mean_s'] / exact_jct[hosts] - 1):+.2f}%" if hosts in exact_jct and fidelity != "exact" else ""
            print(f"{hosts:>6} {fidelity:>13} {cpu:>9.2f} {activities / max(cpu, 1e-9):>17,.0f} "
                  f"{m['jct_mean_s']:>12.6f} {error:>9} {m.get('iterations_skipped', 0):>8}", flush=True)
            points.append((hosts, cpu))
        if len(points) >= 2:
            xs = [math.log(h) for h, _ in points]
            ys = [math.log(max(c, 1e-3)) for _, c in points]
            mx, my = statistics.mean(xs), statistics.mean(ys)
            fits[fidelity] = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    for fidelity, e in fits.items():
        print(f"{fidelity}: CPU ~ hosts^{e:.2f}")


if __name__ == "__main__":
    main()
