#!/usr/bin/python3
"""Runs a scenario and checks the contract that scripts rely on: summary.json's fields,
metric names in snake_case with a unit suffix, every listed file present, and CSV headers."""
import csv, json, os, re, subprocess, sys

clustersim, scenario, out = sys.argv[1:4]
subprocess.run([clustersim, "run", scenario, "--quiet", "--out", out], check=True)
summary = json.load(open(os.path.join(out, "summary.json")))
for key in ["clustersim", "simgrid_version", "scenario_file", "seed", "scenario", "run", "metrics", "files"]:
    assert key in summary, f"summary.json lacks {key}"
assert summary["simgrid_version"].startswith("3.32"), summary["simgrid_version"]
assert set(summary["run"]) >= {"wall_clock_s", "simulated_activities", "activities_per_wall_s"}
name = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
for metric, value in summary["metrics"].items():
    assert name.match(metric), f"metric {metric} is not snake_case"
    assert isinstance(value, (int, float)), f"metric {metric} is not a number"
for f in summary["files"]:
    with open(os.path.join(out, f)) as handle:
        rows = list(csv.DictReader(handle))
    assert rows, f"{f} has no rows"
jobs = list(csv.DictReader(open(os.path.join(out, "jobs.csv"))))
assert len(jobs) == summary["metrics"]["jobs_total"]
print(f"ok: {len(summary['metrics'])} metrics, files {summary['files']}")
