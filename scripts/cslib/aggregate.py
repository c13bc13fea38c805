"""A sweep's tidy tables from whatever its run folders hold:

    runs.csv    one row per run: run_id, one column per axis (headed by its path), repetition,
                seed, status (ok|failed|missing), one column per metric (empty when the run is
                not ok or did not report the metric)
    points.csv  one row per (point, metric): axis columns, metric, n (ok runs reporting it),
                mean, std (sample), ci95_low, ci95_high (Student t); std and the interval are
                empty below two values, everything but n below one

Numbers are written as Python's repr, which reads back to the same double; both files are
replaced atomically."""
import csv, io, math, os, sys

from . import stats
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


def collect(sweep, out, stream=sys.stderr):
    """Writes OUT/runs.csv and OUT/points.csv; returns {status: count}."""
    runs = []
    for spec in sweep.runs():
        summary = read_summary(out, spec)
        metrics = _object(summary.get("metrics")) if summary else {}
        commit = _object((summary or {}).get("clustersim")).get("commit")
        runs.append((spec, "ok" if summary else status(out, spec), metrics, commit if isinstance(commit, str) else None))
    ok_metrics = [m for _, s, m, _ in runs if s == "ok"]
    names = sweep.metrics or sorted({k for m in ok_metrics for k, v in m.items() if isinstance(v, (int, float))})
    for name in names:
        if ok_metrics and not any(name in m for m in ok_metrics):
            stream.write(f"warning: sweep {sweep.name}: no run reports metric \"{name}\"\n")
    commits = sorted({c for _, s, _, c in runs if s == "ok" and c})
    if len(commits) > 1:
        stream.write(f"warning: sweep {sweep.name}: runs come from different clustersim builds ({', '.join(commits)}); "
                     f"rerun into a fresh --out to compare like with like\n")

    def value(metrics, name):
        v = metrics.get(name)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        try:
            float(v)
        except OverflowError:  # an integer beyond any double
            return None
        return v

    axes = [p for p, _ in sweep.axes]
    rows = [["run_id"] + axes + ["repetition", "seed", "status"] + names]
    for spec, s, metrics, _ in runs:
        rows.append([spec.run_id] + [cell(spec.point[p]) for p in axes] + [spec.repetition, spec.seed, s] +
                    [number(value(metrics, n)) for n in names])
    write_atomically(os.path.join(out, "runs.csv"), _csv(rows))

    by_point = {}
    for spec, s, metrics, _ in runs:
        if s == "ok":
            by_point.setdefault(canonical(spec.point), []).append(metrics)
    rows = [axes + ["metric", "n", "mean", "std", "ci95_low", "ci95_high"]]
    for point in sweep.points():
        members = by_point.get(canonical(point), [])
        for name in names:
            xs = [v for v in (value(m, name) for m in members) if v is not None]
            low, high = stats.ci95(xs)
            rows.append([cell(point[p]) for p in axes] +
                        [name, len(xs), number(stats.mean(xs)), number(stats.std(xs)), number(low), number(high)])
    write_atomically(os.path.join(out, "points.csv"), _csv(rows))
    counts = {"ok": 0, "failed": 0, "missing": 0}
    for _, s, _, _ in runs:
        counts[s] += 1
    return counts


def load_resolved(out):
    """The sweep stored in OUT/sweep.json (for collect)."""
    return load(os.path.join(out, "sweep.json"), scenario_must_exist=False)
