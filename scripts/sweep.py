#!/usr/bin/python3
"""Runs a sweep file: a scenario over a grid of overrides, with repetitions.

    scripts/sweep.py run SWEEP.json [--out DIR] [--jobs N] [--clustersim PATH]
    scripts/sweep.py emit-parallel SWEEP.json [--out DIR] [--clustersim PATH]
    scripts/sweep.py emit-slurm SWEEP.json [--out DIR] [--clustersim PATH] [--partition P] [--account A]
                                [--time LIMIT] [--mem MEM] [--runs-per-task N]
    scripts/sweep.py collect DIR
    scripts/sweep.py grid SCENARIO --axis /json/pointer=v1,v2,... [--axis ...] [--metrics m1,m2]
                          [--out DIR] [--jobs N] [--clustersim PATH]

run       runs every run not done yet, N at a time (default: every core), then writes
          DIR/runs.csv and DIR/points.csv and, if the sweep lists plots, calls scripts/plot.py.
          Rerunning resumes: finished runs are kept, unfinished ones run. DIR may only hold runs
          of the same sweep (name and scenario); after adding values or repetitions, the runs
          already there are reused.
emit-*    writes DIR/jobs.txt (one shell command per run) for GNU parallel, or also
          DIR/sweep.sbatch (a Slurm job array over jobs.txt; --runs-per-task N runs N of them one
          after the other in each array task), and prints how to launch it; afterwards
          `collect DIR` aggregates.
collect   writes DIR/runs.csv and DIR/points.csv from whatever runs are there, lists the failed
          and missing runs with their stderr files, and prints the `sbatch --array=...` that
          resubmits the array tasks holding them.
grid      a quick sweep without a sweep file: the scenario over the axes given on the command line
          (values parsed as JSON where they are, else strings), one run per point at the
          scenario's own seed; writes DIR/grid.csv (a column per axis and metric, a row per run;
          the format of the tables under results/ina and results/thc), prints it, and writes
          runs.csv and points.csv too. DIR defaults to out/sweeps/grid_<scenario name>.

DIR defaults to out/sweeps/<name>. The sweep file format is in scripts/cslib/sweepfile.py;
repetition r runs with seed base_seed + r. Every override is checked with `clustersim validate`
before anything runs. The binary is --clustersim, else $CLUSTERSIM, else `clustersim` on PATH,
else build/sim/clustersim in this repository.
A metric the sweep names (in metrics, or as a metric_vs_axis plot's y) must be reported by some
run: clustersim cannot list a scenario's metrics before running it, so the first run to finish
is checked (a name one typo away from one of its metrics stops the sweep there) and every
finished run at the end; either way exit 2.
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

import argparse, difflib, glob, io, json, shutil, subprocess  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib.requires import require  # noqa: E402

require("sweep.py", "numpy", "scipy.stats")
from cslib import aggregate, backends, cli, interrupts, runner, sweepfile  # noqa: E402

PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot.py")


class NoBinary(Exception):
    """No clustersim to run: one line."""


def find_clustersim(given):
    """The clustersim binary's absolute path: --clustersim, else $CLUSTERSIM, else `clustersim`
    on PATH, else this repository's build/sim/clustersim. Raises NoBinary."""
    if given or os.environ.get("CLUSTERSIM"):
        path = os.path.abspath(given or os.environ["CLUSTERSIM"])
        source = "--clustersim" if given else "$CLUSTERSIM"
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise NoBinary(f"{source} {path}: no such executable file")
        return path
    on_path = shutil.which("clustersim")
    if on_path:
        return os.path.abspath(on_path)
    built = os.path.join(sweepfile.REPO, "build", "sim", "clustersim")
    if os.path.isfile(built) and os.access(built, os.X_OK):
        return built
    raise NoBinary(f"no clustersim: none on PATH and no {built}; build it (scripts/build.sh) or pass --clustersim PATH")


def prepared(a, sweep=None):
    """The sweep, checked with clustersim, its output dir and the binary; raises SweepError or NoBinary."""
    clustersim = find_clustersim(a.clustersim)
    sweep = sweep or sweepfile.load(a.sweep)
    sweepfile.check_with_clustersim(sweep, clustersim, a.jobs if "jobs" in a else os.cpu_count())
    out = os.path.abspath(a.out or os.path.join("out", "sweeps", sweep.name))
    runner.prepare_out(sweep, out)
    return sweep, out, clustersim


def finish(sweep, out):
    """Aggregates, lists what did not finish and how to rerun it; plots when no run is missing.
    The exit code."""
    collected = aggregate.collect(sweep, out)
    counts = collected.counts
    print(f"sweep {sweep.name}: {counts['ok']} ok, {counts['failed']} failed, {counts['missing']} missing; "
          f"{os.path.join(out, 'runs.csv')}, {os.path.join(out, 'points.csv')}")
    sys.stdout.flush()
    backends.report_unfinished(sweep, out, collected.unfinished, sys.stderr)
    if collected.unknown:
        print(f"error: {sweepfile.SweepError(sweep.file, '', str(collected.unknown))}", file=sys.stderr)
        return 2
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
            proc = subprocess.Popen([sys.executable, PLOT, "sweep", out], stdin=subprocess.DEVNULL, start_new_session=True)
        return proc.wait()
    except BaseException:
        if proc is None:
            raise
        proc.kill()
        proc.wait()
        for partial in glob.glob(os.path.join(glob.escape(out), "plots", "*.partial")):
            runner.remove_quietly(partial)  # plot_style writes NAME.png.partial, then renames it
        raise


def first_run_check(sweep):
    """What run_all asks about the first run to finish: the sweep's metric names one typo away
    from one of its metrics stop the sweep (a name it merely lacks may be reported by other
    runs only, as time to accuracy is by the jobs that reach it: finish() checks those)."""
    def check(spec, summary):
        metrics = summary.get("metrics") if isinstance(summary.get("metrics"), dict) else {}
        typos = [n for n in aggregate.requested_metrics(sweep)
                 if n not in metrics and difflib.get_close_matches(n, list(metrics), n=1, cutoff=0.85)]
        problem = aggregate.unknown_metrics(typos, set(metrics), f"the first run to finish ({spec.run_id})")
        return sweepfile.SweepError(sweep.file, "", str(problem)) if problem else None
    return check


def cmd_run(a, sweep=None):
    sweep, out, clustersim = prepared(a, sweep)
    try:
        runner.run_all(sweep, out, clustersim, a.jobs, first_ok=first_run_check(sweep))
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
        options = {k: getattr(a, k) for k in backends.SLURM_OPTIONS}
        script, tasks = backends.write_slurm(sweep, out, clustersim, options, a.runs_per_task)
        in_tasks = f" ({tasks} array tasks of {a.runs_per_task})" if a.runs_per_task > 1 else ""
        print(f"{len(sweep.runs())} runs{in_tasks} in {script}; submit with\n  sbatch {script}\n"
              f"then aggregate with\n  {sys.argv[0]} collect {out}")
    return 0


def cmd_collect(a):
    return finish(aggregate.load_resolved(os.path.abspath(a.dir)), os.path.abspath(a.dir))


def grid_sweep(a):
    """The Sweep of `grid`'s command line; raises SweepError."""
    shown = f"grid {a.scenario}"
    try:
        scenario_seed = sweepfile.load_json_with_comments(a.scenario).get("seed", 1)
    except (sweepfile.SweepError, AttributeError):
        scenario_seed = 1  # clustersim validate says what is wrong with the scenario
    axes = []
    for spec in a.axis:
        path, _, values = spec.partition("=")
        if not path.startswith("/") or not values:
            raise sweepfile.SweepError(shown, "", f"--axis {spec}: expected /json/pointer=v1,v2,...")
        axes.append({"path": path, "values": [json_or_string(v) for v in values.split(",")]})
    stem = os.path.splitext(os.path.basename(a.scenario))[0]
    doc = {"name": "grid_" + "".join(c if c.isalnum() or c in "_.-" else "_" for c in stem),
           "scenario": os.path.abspath(a.scenario), "axes": axes,
           "base_seed": scenario_seed if isinstance(scenario_seed, int) and not isinstance(scenario_seed, bool) else 1}
    if a.metrics:
        doc["metrics"] = [m for m in a.metrics.split(",") if m]
    return sweepfile.check(shown, doc, os.getcwd())


def json_or_string(text):
    """256 -> 256, 0.001 -> 0.001, true -> true, esa -> "esa": what `clustersim run --set` does."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if not isinstance(value, (dict, list)) else text


def cmd_grid(a):
    sweep = grid_sweep(a)
    code = cmd_run(a, sweep)
    out = os.path.abspath(a.out or os.path.join("out", "sweeps", sweep.name))
    if code != 2:
        print(aggregate.write_grid(sweep, out, aggregate.collect(sweep, out, stream=io.StringIO())), end="")
    return code


def slurm_option(name):
    """An argparse type: the value if sbatch takes it as --NAME, else a one-line error."""
    def check(value):
        problem = backends.slurm_option_problem(name, value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value
    return check


def main(argv):
    interrupts.install()
    p = cli.Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("run", "emit-parallel", "emit-slurm", "grid"):
        s = sub.add_parser(name)
        if name == "grid":
            s.add_argument("scenario", help="the scenario file")
            s.add_argument("--axis", action="append", required=True, help="/json/pointer=v1,v2,... (repeatable)")
            s.add_argument("--metrics", help="comma-separated metrics (default: every metric the runs report)")
        else:
            s.add_argument("sweep", help="the sweep file")
        s.add_argument("--out", help="output dir (default out/sweeps/<name>)")
        s.add_argument("--clustersim", help="the binary (default: $CLUSTERSIM, else clustersim on PATH, "
                       "else build/sim/clustersim)")
        if name in ("run", "grid"):
            s.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="runs at once (default: every core)")
        if name == "emit-slurm":
            for option, (_, expected) in backends.SLURM_OPTIONS.items():
                s.add_argument(f"--{option}", type=slurm_option(option), help=f"#SBATCH --{option}: {expected}")
            s.add_argument("--runs-per-task", type=int, default=1, metavar="N",
                           help="runs per array task, one after the other (default 1)")
    s = sub.add_parser("collect")
    s.add_argument("dir", help="a sweep's output dir")
    a = p.parse_args(argv)
    if getattr(a, "jobs", 1) < 1:
        p.error("--jobs must be at least 1")
    if getattr(a, "runs_per_task", 1) < 1:
        p.error("--runs-per-task must be at least 1")
    try:
        return {"run": cmd_run, "emit-parallel": cmd_emit, "emit-slurm": cmd_emit, "collect": cmd_collect,
                "grid": cmd_grid}[a.command](a)
    except (sweepfile.SweepError, NoBinary) as e:
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
