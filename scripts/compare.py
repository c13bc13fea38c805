#!/usr/bin/python3
"""Compares a sweep's results with a reference: the regression check.

    scripts/compare.py CURRENT REFERENCE [--tolerances FILE] [--metrics m1,m2,...]
    scripts/compare.py --update-reference SWEEP_OUT REFERENCE_DIR --reason "why"

CURRENT and REFERENCE are sweep output dirs (scripts/sweep.py's OUT) or reference dirs (such as
results/regression/ci_ina/, which hold runs.csv and points.csv only). Runs match by point and
seed; per metric the tolerance file says what counts as a change (relative, absolute, or
Welch's t-test over the repetitions; format in scripts/cslib/compare.py); without one every
metric must agree to a relative 1e-9, the simulator being deterministic. Prints a table
(metric, point, reference, current, change, verdict).

--update-reference copies SWEEP_OUT's runs.csv and points.csv (not the run folders) into
REFERENCE_DIR and appends the reason, the date and the clustersim commit to its CHANGELOG.md.

Exit codes: 0 nothing regressed; 1 a metric regressed or changed, or a reference run is missing,
or another failure; 2 bad input (one line naming the file and, where it can, the line and column:
a runs.csv that is missing, binary, empty, cut short or holds a cell that is no number, a
directory, FIFO or device where a file belongs, a tolerance file that is no JSON); 130 on Ctrl-C
(one line, no temporary file left)."""
import os, signal, sys


def _stop_early(signum, frame):
    os.write(2, b"compare.py: interrupted\n")  # while modules load: nothing written yet
    os._exit(128 + signum)


for _signal in (signal.SIGINT, signal.SIGTERM):
    if signal.getsignal(_signal) != signal.SIG_IGN:
        signal.signal(_signal, _stop_early)

import argparse, datetime  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib.requires import require  # noqa: E402

require("compare.py", "numpy", "scipy.stats")
from cslib import cli, compare, interrupts, sweepfile  # noqa: E402


def main(argv):
    interrupts.install()
    p = cli.Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Two positionals, not nargs=2 with a tuple metavar: argparse's --help cannot format that.
    p.add_argument("current", metavar="CURRENT")
    p.add_argument("reference", metavar="REFERENCE")
    p.add_argument("--tolerances", help="tolerance file (JSON)")
    p.add_argument("--metrics", help="comma-separated metrics (default: those both runs.csv have)")
    p.add_argument("--update-reference", action="store_true", help="copy CURRENT's tables into REFERENCE")
    p.add_argument("--reason", help="with --update-reference: why the reference changes")
    a = p.parse_args(argv)
    current, reference = a.current, a.reference
    try:
        if a.update_reference:
            if a.tolerances or a.metrics:
                p.error("--update-reference takes no --tolerances or --metrics")
            if not a.reason:
                p.error("--update-reference needs --reason")
            today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
            n = compare.update_reference(current, reference, a.reason, today)
            print(f"{reference}: runs.csv and points.csv of {current} ({n} runs); reason in "
                  f"{os.path.join(reference, 'CHANGELOG.md')}")
            return 0
        tolerances = compare.load_tolerances(a.tolerances)
        metrics = [m for m in a.metrics.split(",") if m] if a.metrics else None
        ref_runs, cur_runs = compare.Runs(reference), compare.Runs(current)
        results, failed = compare.compare(ref_runs, cur_runs, tolerances, metrics)
    except (compare.BadInput, sweepfile.SweepError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # writing the reference: a full disk, no permission
        print(f"error: {e}", file=sys.stderr)
        return 1
    counts = {}
    for row in results:
        counts[row[-1]] = counts.get(row[-1], 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    try:
        print(f"current:   {current}\nreference: {reference}\n")
        print(compare.format_table(results, ref_runs.axes))
        print(f"\n{'REGRESSION' if failed else 'ok'}: {summary}")
        sys.stdout.flush()
    except BrokenPipeError:  # `compare.py ... | head`: the verdict still counts
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
        interrupts.ignore()
    except interrupts.Interrupted as e:
        code = interrupts.report(e, "compare.py: interrupted")
    sys.exit(code)
