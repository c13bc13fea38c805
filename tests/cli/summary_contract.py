#!/usr/bin/python3
"""Runs a scenario and checks the contract that scripts rely on: summary.json's fields,
metric names in snake_case (each under "<workload>/" when the scenario has several), numbers
only in metrics and strings only in info, every listed file present with rows, and one row of
jobs.csv per job. ctest runs it on every shipped scenario."""
import csv, json, os, re, subprocess, sys

clustersim, scenario, out = sys.argv[1:4]
subprocess.run([clustersim, "run", scenario, "--quiet", "--out", out], check=True)
summary = json.load(open(os.path.join(out, "summary.json")))
for key in ["clustersim", "simgrid_version", "scenario_file", "seed", "scenario", "run", "metrics", "info", "files"]:
    assert key in summary, f"summary.json lacks {key}"
assert summary["simgrid_version"].startswith("3.32"), summary["simgrid_version"]
assert set(summary["run"]) >= {"wall_clock_s", "simulated_activities", "activities_per_wall_s"}
name = re.compile(r"^([a-z][a-z0-9_]*/)?[a-z][a-z0-9]*(_[a-z0-9]+)*$")
for metric, value in summary["metrics"].items():
    assert name.match(metric), f"metric {metric} is not snake_case"
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"metric {metric} is not a number"
def strings_only(node, where):
    for key, value in node.items():
        if isinstance(value, dict):
            strings_only(value, f"{where}{key}/")
        else:
            assert isinstance(value, str), f"info {where}{key} is not a string"
strings_only(summary["info"], "")
for f in summary["files"]:
    with open(os.path.join(out, f)) as handle:
        rows = list(csv.DictReader(handle))
    assert rows, f"{f} has no rows"
prefixes = {m.rsplit("/", 1)[0] + "/" if "/" in m else "" for m in summary["metrics"]}
for prefix in prefixes:
    if prefix + "jobs_total" in summary["metrics"]:
        table = prefix.replace("/", ".") + "jobs.csv"
        jobs = list(csv.DictReader(open(os.path.join(out, table))))
        assert len(jobs) == summary["metrics"][prefix + "jobs_total"], table
print(f"ok: {len(summary['metrics'])} metrics, files {summary['files']}")
