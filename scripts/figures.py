#!/usr/bin/python3
"""Draws the seed headlines' paper figures (results/figures/README.md lists them) from their
sweeps' outputs:

    scripts/figures.py [--sweeps DIR] [--dest DIR] [--run [--clustersim PATH] [--jobs N]] [NAME...]

--sweeps DIR   where each sweep's output is, as DIR/<sweep name> (default out/sweeps, where
               `scripts/sweep.py run SWEEP` puts it)
--dest DIR     where the PNGs go (default results/figures)
--run          first run each needed sweep with scripts/sweep.py (resuming: finished runs are kept)
NAME...        only these figures (default: all)

A series or point that cannot be drawn (a scheme that never reaches the target) is marked on
the figure and named in a warning on stderr. Prints the files written.
Exit status: 0 drawn, 1 a sweep failed to run, 2 bad input (one line naming the sweep or
figure and the problem)."""
import argparse, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from cslib.requires import require  # noqa: E402

require("figures.py", "numpy", "matplotlib", "scipy.stats")
from cslib import plot_style  # noqa: E402
from cslib.plot_data import PlotError, Sweep  # noqa: E402
from cslib.plot_figdata import check_complete  # noqa: E402
from cslib.plot_figures import FIGURES  # noqa: E402
from cslib.sweepfile import SweepError, load_json_with_comments  # noqa: E402


def sweep_name(figure):
    doc = load_json_with_comments(os.path.join(REPO, figure.sweep_file), figure.sweep_file)
    return doc.get("name") if isinstance(doc, dict) else None


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", metavar="NAME")
    p.add_argument("--sweeps", default=os.path.join(REPO, "out", "sweeps"))
    p.add_argument("--dest", default=os.path.join(REPO, "results", "figures"))
    p.add_argument("--run", action="store_true")
    p.add_argument("--clustersim")
    p.add_argument("--jobs", default="1")
    a = p.parse_args(argv)

    known = {f.name: f for f in FIGURES}
    unknown = [n for n in a.names if n not in known]
    if unknown:
        print(f"figures.py: unknown figure '{unknown[0]}' (figures: {', '.join(known)})", file=sys.stderr)
        return 2
    chosen = [known[n] for n in a.names] if a.names else FIGURES
    try:
        outputs = {f.sweep_file: os.path.join(a.sweeps, sweep_name(f)) for f in chosen}
    except SweepError as e:
        print(f"figures.py: {e}", file=sys.stderr)
        return 2
    if a.run:
        for sweep_file, out in outputs.items():
            command = [sys.executable, os.path.join(HERE, "sweep.py"), "run", os.path.join(REPO, sweep_file),
                       "--out", out, "--jobs", a.jobs] + (["--clustersim", a.clustersim] if a.clustersim else [])
            code = subprocess.call(command)
            if code != 0:
                print(f"figures.py: {sweep_file}: scripts/sweep.py run exited {code}", file=sys.stderr)
                return 2 if code == 2 else 1

    # Every figure is prepared before the first is drawn: bad input leaves no partial set.
    prepared = []
    for figure in chosen:
        out = outputs[figure.sweep_file]
        try:
            sweep = Sweep(out)
            incomplete = check_complete(sweep)
            drawn, warnings = figure.build(sweep)
            prepared.append((drawn, incomplete + warnings))
        except PlotError as e:
            print(f"figures.py: {figure.name} (from {figure.sweep_file}, output {out}): {e}"
                  + ("" if a.run else "; --run runs the sweep"), file=sys.stderr)
            return 2
    for drawn, warnings in prepared:
        for warning in warnings:
            print(f"figures.py: warning: {drawn.name}: {warning}", file=sys.stderr)
        for path in plot_style.draw(drawn, a.dest, formats=("png",)):
            inside = os.path.abspath(path).startswith(REPO + os.sep)
            print(os.path.relpath(path, REPO) if inside else path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
