#!/usr/bin/python3
"""summary.json's `run` section records how the results were made, apart from them: the command
line, the overrides, the start time (UTC, ISO 8601), the host, and the trace files written; two
runs differ there and nowhere in metrics, info and files."""
import datetime, json, os, shutil, socket, subprocess, sys

clustersim, scenario, out = sys.argv[1:4]
shutil.rmtree(out, ignore_errors=True)
trace = os.path.join(out, "timeline", "t.json")
before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
cmd_a = [clustersim, "run", scenario, "--quiet", "--out", os.path.join(out, "a"), "--set", "/seed=3", "--trace", trace]
cmd_b = [clustersim, "run", scenario, "--quiet", "--set", "/seed=3", "--out", os.path.join(out, "b")]
for cmd in (cmd_a, cmd_b):
    subprocess.run(cmd, check=True)
after = datetime.datetime.now(datetime.timezone.utc)
a, b = (json.load(open(os.path.join(out, d, "summary.json"))) for d in ("a", "b"))

run = a["run"]
assert run["command_line"] == cmd_a, run["command_line"]
assert run["overrides"] == ["/seed=3"], run["overrides"]
started = datetime.datetime.strptime(run["started_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
assert before <= started <= after, (before, run["started_utc"], after)
assert run["host"] == socket.gethostname(), run["host"]
assert run["trace_files"] == [os.path.abspath(trace)], run["trace_files"]
assert os.path.getsize(trace) > 0
assert "trace_files" not in b["run"], b["run"]  # no trace written, none recorded
assert b["run"]["command_line"] == cmd_b
# The record stays out of the results: these match byte for byte.
for key in ("metrics", "info", "files", "scenario", "seed"):
    assert json.dumps(a[key], sort_keys=True) == json.dumps(b[key], sort_keys=True), key
print(f"ok: started {run['started_utc']} on {run['host']}")
