"""A sweep's tidy tables from whatever its run folders hold:

    runs.csv    one row per run: run_id, one column per axis (headed by its path), repetition,
                seed, status (ok|failed|missing), one column per metric (empty when the run is
                not ok or did not report the metric)
    points.csv  one row per (point, metric): axis columns, metric, n (ok runs reporting it),
                mean, std (sample), ci95_low, ci95_high (Student t); std and the interval are
                empty below two values, everything but n below one

An axis whose values are all quantities ("10Gbps", "5/s") has two more columns right after its
own: PATH:value, the value in SI base units (1e10 for "10Gbps"), and PATH:unit ("bps"), so
pandas and spreadsheets sort it by value; the axis column keeps the sweep file's spelling.
Numbers are written as Python's repr, which reads back to the same double; both files are
replaced atomically."""
import csv, difflib, io, math, os, sys

from . import quantities, stats
from .runner import read_summary, status, write_atomically
from .sweepfile import canonical, cell, load


def number(x):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    return str(x) if isinstance(x, int) else repr(float(x))


def _csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _object(x):
    """x if a JSON object, else {}: a summary.json edited by hand must not crash the tables."""
    return x if isinstance(x, dict) else {}


class UnknownMetrics(Exception):
    """Metric names the sweep asks for that no finished run reports: a typo, or a metric of
    another workload. One line."""


def unknown_metrics(names, reported, what):
    """The UnknownMetrics for those of names not in the set `reported` (whose source `what`
    describes), or None."""
    unknown = [n for n in names if n not in reported]
    if not unknown:
        return None
    hints = []
    for n in unknown:
        near = difflib.get_close_matches(n, sorted(reported), n=1)
        hints.append(f"\"{n}\"" + (f" (did you mean \"{near[0]}\"?)" if near else ""))
    return UnknownMetrics(f"{'metric' if len(unknown) == 1 else 'metrics'} {', '.join(hints)} not reported by "
                          f"{what} (it reports: {', '.join(sorted(reported)) or 'none'})")


def requested_metrics(sweep):
    """The metric names the sweep file asks for: its metrics and its metric_vs_axis plots' y."""
    names = list(sweep.metrics or [])
    for plot in sweep.plots or []:
        y = plot.get("y") if isinstance(plot, dict) and plot.get("kind") == "metric_vs_axis" else None
        if isinstance(y, str) and y not in names:
            names.append(y)
    return names


def axis_header(sweep):
    """The axis columns: each axis's path, then PATH:value and PATH:unit for a quantity axis."""
    header = []
    for path, values in sweep.axes:
        header += [path] + (list(quantities.typed_columns(path)) if quantities.axis_is_quantity(values) else [])
    return header


def axis_cells(sweep, point):
    cells = []
    for path, values in sweep.axes:
        cells.append(cell(point[path]))
        if quantities.axis_is_quantity(values):
            si, unit = quantities.parse(point[path])
            cells += [number(si), unit]
    return cells


class Collected:
    """What collect() found: counts ({status: number of runs}), unfinished ([(RunSpec, status)] of
    the failed and missing runs, in run order) and unknown (an UnknownMetrics when the sweep
    names a metric that no finished run reports, else None)."""

    def __init__(self, counts, unfinished, unknown, names, runs):
        self.counts, self.unfinished, self.unknown = counts, unfinished, unknown
        self.names, self.runs = names, runs  # the metric columns; [(RunSpec, status, metrics)]


def metric_value(metrics, name):
    """A run's metric as a number, or None (absent, not a number, an integer beyond any double)."""
    v = metrics.get(name)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    try:
        float(v)
    except OverflowError:
        return None
    return v


def collect(sweep, out, stream=sys.stderr):
    """Writes OUT/runs.csv and OUT/points.csv; returns a Collected."""
    runs = []
    for spec in sweep.runs():
        summary = read_summary(out, spec)
        metrics = _object(summary.get("metrics")) if summary else {}
        commit = _object((summary or {}).get("clustersim")).get("commit")
        runs.append((spec, "ok" if summary else status(out, spec), metrics, commit if isinstance(commit, str) else None))
    ok_metrics = [m for _, s, m, _ in runs if s == "ok"]
    names = sweep.metrics or sorted({k for m in ok_metrics for k, v in m.items() if isinstance(v, (int, float))})
    unknown = unknown_metrics(requested_metrics(sweep), {k for m in ok_metrics for k in m},
                              f"any of the {len(ok_metrics)} finished runs") if ok_metrics else None
    commits = sorted({c for _, s, _, c in runs if s == "ok" and c})
    if len(commits) > 1:
        stream.write(f"warning: sweep {sweep.name}: runs come from different clustersim builds ({', '.join(commits)}); "
                     f"rerun into a fresh --out to compare like with like\n")

    axes = axis_header(sweep)
    rows = [["run_id"] + axes + ["repetition", "seed", "status"] + names]
    for spec, s, metrics, _ in runs:
        rows.append([spec.run_id] + axis_cells(sweep, spec.point) + [spec.repetition, spec.seed, s] +
                    [number(metric_value(metrics, n)) for n in names])
    write_atomically(os.path.join(out, "runs.csv"), _csv(rows))

    by_point = {}
    for spec, s, metrics, _ in runs:
        if s == "ok":
            by_point.setdefault(canonical(spec.point), []).append(metrics)
    rows = [axes + ["metric", "n", "mean", "std", "ci95_low", "ci95_high"]]
    for point in sweep.points():
        members = by_point.get(canonical(point), [])
        for name in names:
            xs = [v for v in (metric_value(m, name) for m in members) if v is not None]
            low, high = stats.ci95(xs)
            rows.append(axis_cells(sweep, point) +
                        [name, len(xs), number(stats.mean(xs)), number(stats.std(xs)), number(low), number(high)])
    write_atomically(os.path.join(out, "points.csv"), _csv(rows))
    counts = {"ok": 0, "failed": 0, "missing": 0}
    for _, s, _, _ in runs:
        counts[s] += 1
    return Collected(counts, [(spec, s) for spec, s, _, _ in runs if s != "ok"], unknown, names,
                     [(spec, s, m) for spec, s, m, _ in runs])


def write_grid(sweep, out, collected):
    """Writes OUT/grid.csv, `sweep.py grid`'s table: a column per axis (as spelled on the command
    line) and per metric, a row per run; returns its text."""
    rows = [[p for p, _ in sweep.axes] + collected.names]
    for spec, _, metrics in collected.runs:
        rows.append([cell(spec.point[p]) for p, _ in sweep.axes] +
                    [number(metric_value(metrics, n)) for n in collected.names])
    text = _csv(rows)
    write_atomically(os.path.join(out, "grid.csv"), text)
    return text


def load_resolved(out):
    """The sweep stored in OUT/sweep.json (for collect)."""
    return load(os.path.join(out, "sweep.json"), scenario_must_exist=False)
