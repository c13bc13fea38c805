#!/usr/bin/python3
"""Runs a sweep file: a scenario over a grid of overrides, with repetitions.

    scripts/sweep.py run SWEEP.json [--out DIR] [--jobs N] [--clustersim PATH]
    scripts/sweep.py emit-parallel SWEEP.json [--out DIR] [--clustersim PATH]
    scripts/sweep.py emit-slurm SWEEP.json [--out DIR] [--clustersim PATH]
    scripts/sweep.py collect DIR

run       runs every run not done yet, N at a time (default: every core), then writes
          DIR/runs.csv and DIR/points.csv and, if the sweep lists plots, calls scripts/plot.py.
          Rerunning resumes: finished runs are kept, unfinished ones run. DIR may only hold runs
          of the same sweep (name and scenario); after adding values or repetitions, the runs
          already there are reused.
emit-*    writes DIR/jobs.txt (one shell command per run) for GNU parallel, or also
          DIR/sweep.sbatch (a Slurm job array over jobs.txt), and prints how to launch it;
          afterwards `collect DIR` aggregates.
collect   writes DIR/runs.csv and DIR/points.csv from whatever runs are there (missing ones marked).

DIR defaults to out/sweeps/<name>. The sweep file format is in scripts/cslib/sweepfile.py;
repetition r runs with seed base_seed + r. Every override is checked with `clustersim validate`
before anything runs.
Exit codes: 0 every run ok; 1 a run failed or is missing, or another failure; 2 bad input (one
line: the sweep file, the JSON path in it, the problem); 128 + N when stopped by signal N
(Ctrl-C: 130, SIGTERM: 143), at any point, after which the same command resumes. A stop prints
one line, never a traceback, and leaves no temporary or half-written file: finished runs stay,
the runs in flight are stopped and their partial outputs' temporary files removed."""
import os, signal, sys


def _stop_early(signum, frame):
    # Until main() installs cslib.interrupts (while modules load) nothing is written yet.
    os.write(2, b"sweep.py: interrupted\n")
    os._exit(128 + signum)


for _signal in (signal.SIGINT, signal.SIGTERM):
    if signal.getsignal(_signal) != signal.SIG_IGN:  # a background job of a shell ignores SIGINT: so do we
        signal.signal(_signal, _stop_early)

import argparse, glob, subprocess  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib import aggregate, backends, cli, interrupts, runner, sweepfile  # noqa: E402

PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot.py")
PLOT_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable  # the one with matplotlib


def default_clustersim():
    return os.environ.get("CLUSTERSIM") or os.path.join(sweepfile.REPO, "build", "sim", "clustersim")


def prepared(a):
    """The sweep, checked with clustersim, and its output dir; raises SweepError."""
    sweep = sweepfile.load(a.sweep)
    clustersim = os.path.abspath(a.clustersim)
    if not (os.path.isfile(clustersim) and os.access(clustersim, os.X_OK)):
        raise sweepfile.SweepError(a.sweep, "", f"no clustersim at {clustersim} (build it, or pass --clustersim)")
    sweepfile.check_with_clustersim(sweep, clustersim, a.jobs if "jobs" in a else os.cpu_count())
    out = os.path.abspath(a.out or os.path.join("out", "sweeps", sweep.name))
    runner.prepare_out(sweep, out)
    return sweep, out, clustersim


def finish(sweep, out):
    """Aggregates; plots when no run is missing. The exit code."""
    counts = aggregate.collect(sweep, out)
    print(f"sweep {sweep.name}: {counts['ok']} ok, {counts['failed']} failed, {counts['missing']} missing; "
          f"{os.path.join(out, 'runs.csv')}, {os.path.join(out, 'points.csv')}")
    code = 0 if counts["ok"] == sum(counts.values()) else 1
    if sweep.plots and counts["missing"] == 0:
        if not os.path.exists(PLOT):
            print(f"warning: {PLOT} does not exist yet: no plots drawn", file=sys.stderr)
        elif plot(out) != 0:
            print(f"error: {PLOT} sweep {out} failed", file=sys.stderr)
            code = 1
    return code


def plot(out):
    """Runs plot.py on OUT; its exit code. In a session of its own, so a terminal's Ctrl-C
    reaches only this process, which then ends it and removes the figure it was writing."""
    proc = None
    try:
        with interrupts.deferred():  # no signal between starting it and knowing it
            proc = subprocess.Popen([PLOT_PYTHON, PLOT, "sweep", out], stdin=subprocess.DEVNULL, start_new_session=True)
        return proc.wait()
    except BaseException:
        if proc is None:
            raise
        proc.kill()
        proc.wait()
        for partial in glob.glob(os.path.join(glob.escape(out), "plots", "*.partial")):
            runner.remove_quietly(partial)  # plot_style writes NAME.png.partial, then renames it
        raise


def cmd_run(a):
    sweep, out, clustersim = prepared(a)
    try:
        runner.run_all(sweep, out, clustersim, a.jobs)
        return finish(sweep, out)
    except interrupts.Interrupted as e:
        e.message = (f"sweep {sweep.name}: interrupted; finished runs are kept in {out}, rerun the same command "
                     f"to resume")
        raise


def cmd_emit(a):
    sweep, out, clustersim = prepared(a)
    if a.command == "emit-parallel":
        jobs_path, n = backends.write_jobs(sweep, out, clustersim)
        here, hosts = backends.parallel_commands(out, jobs_path)
        print(f"{n} runs in {jobs_path}; run them with\n  {here}\nor on the hosts listed in HOSTS (a shared file "
              f"system)\n  {hosts}\nthen aggregate with\n  {sys.argv[0]} collect {out}")
    else:
        script = backends.write_slurm(sweep, out, clustersim)
        print(f"{len(sweep.runs())} runs in {script}; submit with\n  sbatch {script}\n"
              f"then aggregate with\n  {sys.argv[0]} collect {out}")
    return 0


def cmd_collect(a):
    return finish(aggregate.load_resolved(os.path.abspath(a.dir)), os.path.abspath(a.dir))


def main(argv):
    interrupts.install()
    p = cli.Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("run", "emit-parallel", "emit-slurm"):
        s = sub.add_parser(name)
        s.add_argument("sweep", help="the sweep file")
        s.add_argument("--out", help="output dir (default out/sweeps/<name>)")
        s.add_argument("--clustersim", default=default_clustersim(), help="the binary (default: $CLUSTERSIM, "
                       "else build/sim/clustersim)")
        if name == "run":
            s.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="runs at once (default: every core)")
    s = sub.add_parser("collect")
    s.add_argument("dir", help="a sweep's output dir")
    a = p.parse_args(argv)
    if getattr(a, "jobs", 1) < 1:
        p.error("--jobs must be at least 1")
    try:
        return {"run": cmd_run, "emit-parallel": cmd_emit, "emit-slurm": cmd_emit, "collect": cmd_collect}[a.command](a)
    except sweepfile.SweepError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


def stopped_message(e):
    text = getattr(e, "message", "sweep.py: interrupted")
    try:
        tty = sys.stderr.isatty()
    except (OSError, ValueError):
        tty = False
    # On a terminal the line replaces the progress line, which has no newline of its own.
    return ("\r\033[K" if tty else "") + text


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
        interrupts.ignore()  # done: a signal now would only cut the exit short
    except interrupts.Interrupted as e:
        code = interrupts.report(e, stopped_message(e))
    sys.exit(code)
