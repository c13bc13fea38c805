#!/usr/bin/python3
"""Runs a scenario and checks the contract that scripts rely on: summary.json's fields,
metric names in snake_case (each under "<workload>/" when the scenario has several), numbers
only in metrics and strings only in info, every listed file present with rows, and one row of
jobs.csv per job, and every metric defined in docs/metrics.md. ctest runs it on every shipped
scenario, so the metrics reference cannot miss a metric that a shipped scenario produces."""
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

# docs/metrics.md: rows "| `name` | run or workload | unit | definition |"; `<i>` in a name is an
# index (digits), any other `<...>` one or more of a-z, 0-9 and _. With several workloads a
# workload-scope metric appears as "<workload>/<name>".
doc_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "metrics.md")
row = re.compile(r"^\| `([a-z0-9_<>]+)` \| (run|workload) \|")
documented = []
for line in open(doc_path):
    m = row.match(line)
    if m:
        pattern = re.sub(r"<i>", "[0-9]+", m.group(1))
        pattern = re.sub(r"<[a-z_]+>", "[a-z0-9_]+", pattern)
        documented.append((re.compile(pattern + "$"), m.group(2), m.group(1)))
assert len(documented) > 50, f"docs/metrics.md: only {len(documented)} metric rows found"
workloads = {w["name"] for w in summary["scenario"].get("workloads", [])}
for metric in summary["metrics"]:
    prefix, _, base = metric.rpartition("/")
    assert not prefix or prefix in workloads, f"metric {metric}: {prefix} names no workload of the scenario"
    scopes = [(scope, name) for pattern, scope, name in documented if pattern.match(base)]
    assert scopes, f"metric {metric} is not defined in docs/metrics.md"
    if prefix:
        assert any(scope == "workload" for scope, _ in scopes), f"metric {metric}: docs/metrics.md gives {base} run scope"
print(f"ok: {len(summary['metrics'])} metrics, each defined in docs/metrics.md; files {summary['files']}")
