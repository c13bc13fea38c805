#!/usr/bin/python3
"""Runs a scenario over a grid of overrides and prints (and writes) one CSV row per run.

    scripts/grid_sweep.py SCENARIO --axis /policies/switch_allocation=esa,atp,switchml \
        --axis /workload/ina/aggregators=256,512,1024 [--metrics m1,m2] [--out DIR] [--jobs N]
        [--clustersim PATH]

Each run is `clustersim run SCENARIO --set AXIS=VALUE ... --quiet --out DIR/<run>`; the CSV
has a column per axis and the metrics below. For repetitions over seeds, resumption, GNU
parallel / Slurm, statistics and plots, use scripts/sweep.py with a sweep file; this quick grid
made the committed tables under results/ina and results/thc."""
import argparse, concurrent.futures, csv, itertools, json, os, subprocess, sys

METRICS = ["jct_mean_s", "jct_p99_s", "makespan_s", "ina_collisions", "ina_preemptions", "ina_retransmissions",
           "ina_lost_packets", "ina_switch_aggregated_share", "switch_occupancy_mean", "switch_idle_held_share"]

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario")
    p.add_argument("--axis", action="append", default=[], help="/json/pointer=v1,v2,...")
    p.add_argument("--out", default="out/grid_sweep")
    p.add_argument("--jobs", type=int, default=os.cpu_count())
    p.add_argument("--clustersim", default="build/sim/clustersim")
    p.add_argument("--metrics", default=",".join(METRICS), help="comma-separated summary metrics (default: INA's)")
    a = p.parse_args()
    axes = []
    for spec in a.axis:
        path, _, values = spec.partition("=")
        if not path.startswith("/") or not values:
            sys.exit(f"error: --axis {spec}: expected /json/pointer=v1,v2,...")
        axes.append((path, values.split(",")))
    runs = [dict(zip([p for p, _ in axes], combo)) for combo in itertools.product(*[v for _, v in axes])]

    def run(i, point):
        out = os.path.join(a.out, f"run{i:04d}")
        cmd = [a.clustersim, "run", a.scenario, "--quiet", "--out", out]
        for path, value in point.items():
            cmd += ["--set", f"{path}={value}"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"error: {' '.join(cmd)}: {done.stderr.strip()}")
        return json.load(open(os.path.join(out, "summary.json")))["metrics"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        results = list(pool.map(lambda ip: run(*ip), enumerate(runs)))
    os.makedirs(a.out, exist_ok=True)
    metrics = a.metrics.split(",")
    columns = [p for p, _ in axes] + metrics
    with open(os.path.join(a.out, "sweep.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for point, m in zip(runs, results):
            w.writerow([point[p] for p, _ in axes] + [m.get(k, "") for k in metrics])
    print(open(os.path.join(a.out, "sweep.csv")).read(), end="")

if __name__ == "__main__":
    main()
