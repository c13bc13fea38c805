#!/usr/bin/python3
"""Draws plots of a sweep's output directory (scripts/sweep.py's OUT) into OUT/plots/<name>.{png,pdf}.

    scripts/plot.py sweep OUT                 every plot OUT/sweep.json lists under "plots"
    scripts/plot.py KIND OUT [options]        one plot, with the options a "plots" entry takes

kinds and their options:
    metric_vs_axis  --x AXIS --y METRIC [--series AXIS]      mean over repetitions, 95% CI band
    cdf             --csv FILE --column COL [--series AXIS] [--group-by COL]
    per_job         [--csv jobs.csv] [--column jct_s] [--series AXIS]
    curve           --csv FILE --x COL --y COL [--series AXIS] [--group-by COL]
  all kinds: [--where AXIS=VALUE]... [--logx] [--logy] [--title TEXT] [--name FILE_NAME]

AXIS is a sweep axis' JSON pointer (e.g. /workload/ina/aggregators); every axis other than x
and the series must take one value, or be fixed with --where. Prints the files written.
Exit status: 0 drawn, 2 bad input (one line on stderr naming the sweep and the problem)."""
import argparse, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib.requires import require  # noqa: E402

require("plot.py", "numpy", "matplotlib", "scipy.stats")
from cslib import plots  # noqa: E402

TEXT_OPTIONS = ("x", "y", "series", "csv", "column", "group_by", "title", "name")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                usage="%(prog)s {sweep," + ",".join(plots.KINDS) + "} OUT [options]")
    p.add_argument("command", help="'sweep' or a plot kind")
    p.add_argument("out", help="the sweep's output directory")
    for key in TEXT_OPTIONS:
        p.add_argument(f"--{key.replace('_', '-')}")
    p.add_argument("--where", action="append", default=[], metavar="AXIS=VALUE")
    p.add_argument("--logx", action="store_true")
    p.add_argument("--logy", action="store_true")
    a = p.parse_args(argv)

    sweep_name = a.out
    try:
        sweep = plots.Sweep(a.out)
        sweep_name = sweep.name
        if a.command == "sweep":
            given = [f"--{k.replace('_', '-')}" for k in TEXT_OPTIONS if getattr(a, k) is not None] + \
                    (["--where"] if a.where else []) + [f"--{k}" for k in ("logx", "logy") if getattr(a, k)]
            if given:
                raise plots.PlotError(f"'sweep' draws the sweep file's plots and takes no {given[0]}")
            drawn = plots.plot_sweep(sweep)
            if not drawn:
                print(f"no plots listed in {os.path.join(a.out, 'sweep.json')}")
        else:
            drawn = [plots.plot(sweep, spec_from_options(a))]
    except plots.PlotError as e:
        print(f"plot.py: sweep {sweep_name}: {e}", file=sys.stderr)
        return 2
    for _, paths in drawn:
        for path in paths:
            print(path)
    return 0


def spec_from_options(a):
    """The command line as a "plots" entry, holding only the options given."""
    spec = {"kind": a.command}
    for key in TEXT_OPTIONS:
        if getattr(a, key) is not None:
            spec[key] = getattr(a, key)
    for key in ("logx", "logy"):
        if getattr(a, key):
            spec[key] = True
    if a.where:
        spec["where"] = {}
        for item in a.where:
            path, sep, value = item.partition("=")
            if not sep or not path.startswith("/"):
                raise plots.PlotError(f"--where {item}: expected /axis/path=value")
            spec["where"][path] = value
    return spec


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
