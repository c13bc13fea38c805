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

Exit codes: 0 nothing regressed; 1 a metric regressed or changed, or a reference run is missing;
2 bad input."""
import argparse, datetime, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib import compare, sweepfile  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    print(f"current:   {current}\nreference: {reference}\n")
    print(compare.format_table(results, ref_runs.axes))
    counts = {}
    for row in results:
        counts[row[-1]] = counts.get(row[-1], 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    print(f"\n{'REGRESSION' if failed else 'ok'}: {summary}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
