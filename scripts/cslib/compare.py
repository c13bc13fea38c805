"""Comparing a sweep's results with a reference, metric by metric and point by point.

Runs match by (point, seed), read from both runs.csv files. Each metric has a tolerance, from a
tolerance file (JSON, // comments allowed):

    {"default": {"relative": 1e-9},
     "metrics": {"jct_mean_s":          {"relative": 0.02, "better": "lower"},
                 "final_accuracy_mean": {"absolute": 0.005},
                 "round_time_mean_s":   {"welch_alpha": 0.05}}}

- relative r and/or absolute a: every matched run must satisfy |current - reference| <=
  max(a, r |reference|). The default, relative 1e-9, asks for the same numbers: the simulator
  is deterministic.
- welch_alpha: the point's repetitions (at least two on each side) differ when Welch's t-test
  gives p < alpha.
- better ("lower" or "higher", optional): a change in that direction is reported as "improved"
  and passes; without it any change beyond the tolerance fails.

Verdicts: ok, improved, regressed (worse beyond tolerance), changed (beyond tolerance, no
direction), missing (a reference run has no ok counterpart), new (a point only in current).
Regressed, changed and missing fail the comparison."""
import csv, json, math, os, shutil

from . import stats
from .sweepfile import SweepError, load_json_with_comments, pointer_escape

FAILING = ("regressed", "changed", "missing")
DEFAULT_TOLERANCE = {"relative": 1e-9}
_TOLERANCE_KEYS = ("relative", "absolute", "welch_alpha", "better")


class BadInput(Exception):
    pass


class Runs:
    """One runs.csv: its axes, metrics and rows keyed by (point, seed)."""

    def __init__(self, directory):
        path = os.path.join(directory, "runs.csv")
        try:
            with open(path, newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                rows = list(reader)
        except (OSError, StopIteration) as e:
            raise BadInput(f"{path}: cannot read runs.csv ({e or 'empty'}); is {directory} a sweep's output?") from None
        fixed = ("run_id", "repetition", "seed", "status")
        if header[:1] != ["run_id"] or any(c not in header for c in fixed):
            raise BadInput(f"{path}: not a sweep's runs.csv (its header lacks {', '.join(fixed)})")
        r, s = header.index("repetition"), header.index("status")
        self.path, self.axes, self.metrics = path, header[1:r], header[s + 1:]
        self.rows = {}
        self.order = []  # points in file order
        for line, row in enumerate(rows, start=2):
            if len(row) != len(header):
                raise BadInput(f"{path}: line {line} has {len(row)} cells, the header {len(header)}")
            point = tuple(row[1:r])
            if point not in self.order:
                self.order.append(point)
            values = {m: (float(v) if v != "" else None) for m, v in zip(self.metrics, row[s + 1:])}
            self.rows[(point, row[header.index("seed")])] = (row[s], values)

    def at(self, point):
        """{seed: (status, metrics)} of the point's runs."""
        if not hasattr(self, "_by_point"):
            self._by_point = {}
            for (p, seed), r in self.rows.items():
                self._by_point.setdefault(p, {})[seed] = r
        return self._by_point.get(point, {})


def load_tolerances(path):
    """{"default": tolerance, "metrics": {name: tolerance}}; raises SweepError naming the path."""
    if path is None:
        return {"default": DEFAULT_TOLERANCE, "metrics": {}}
    doc = load_json_with_comments(path)
    if not isinstance(doc, dict) or any(k not in ("default", "metrics") for k in doc):
        bad = next((k for k in doc if k not in ("default", "metrics")), None) if isinstance(doc, dict) else None
        raise SweepError(path, f"/{pointer_escape(bad)}" if bad else "",
                         "expected an object with \"default\" and \"metrics\"" + (f": unknown key \"{bad}\"" if bad else ""))

    def check(t, at):
        if not isinstance(t, dict) or not t:
            raise SweepError(path, at, "expected a tolerance such as {\"relative\": 0.01}")
        for key, v in t.items():
            if key not in _TOLERANCE_KEYS:
                raise SweepError(path, f"{at}/{pointer_escape(key)}",
                                 f"unknown key \"{key}\" (known: {', '.join(_TOLERANCE_KEYS)})")
            if key == "better":
                if v not in ("lower", "higher"):
                    raise SweepError(path, f"{at}/better", "expected \"lower\" or \"higher\"")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or (key == "welch_alpha" and not 0 < v < 1):
                raise SweepError(path, f"{at}/{key}", f"expected a number {'in (0, 1)' if key == 'welch_alpha' else '>= 0'}")
        if "welch_alpha" in t and ("relative" in t or "absolute" in t):
            raise SweepError(path, at, "welch_alpha is a test of its own: give it without relative/absolute")
        if not any(k in t for k in ("relative", "absolute", "welch_alpha")):
            raise SweepError(path, at, "needs relative, absolute or welch_alpha")
        return t

    metrics = doc.get("metrics", {})
    if not isinstance(metrics, dict):
        raise SweepError(path, "/metrics", "expected an object {metric: tolerance}")
    return {"default": check(doc["default"], "/default") if "default" in doc else DEFAULT_TOLERANCE,
            "metrics": {m: check(t, f"/metrics/{pointer_escape(m)}") for m, t in metrics.items()}}


def _direction(diff, better):
    if better is None:
        return "changed"
    return "improved" if (diff < 0) == (better == "lower") else "regressed"


def _within(ref, cur, tol):
    if ref is None or cur is None:
        return ref is None and cur is None
    allowed = max(tol.get("absolute", 0.0), tol.get("relative", 0.0) * abs(ref))
    return abs(cur - ref) <= allowed


def compare(reference, current, tolerances, metrics=None):
    """Rows (metric, point, reference mean, current mean, change %, verdict) and whether any failed."""
    if reference.axes != current.axes:
        raise BadInput(f"the sweeps have different axes: {reference.path} has {reference.axes or 'none'}, "
                       f"{current.path} has {current.axes or 'none'}")
    names = metrics or [m for m in reference.metrics if m in current.metrics]
    for m in names:
        for runs in (reference, current):
            if m not in runs.metrics:
                raise BadInput(f"{runs.path} has no metric \"{m}\" (it has: {', '.join(runs.metrics) or 'none'})")
    for m in tolerances["metrics"]:
        if m not in names:
            raise BadInput(f"the tolerance file names metric \"{m}\", which is not compared")
    results, failed = [], False
    points = reference.order + [p for p in current.order if p not in reference.order]
    for name in names:
        tol = tolerances["metrics"].get(name, tolerances["default"])
        for point in points:
            ref_runs = {seed: r for seed, r in reference.at(point).items() if r[0] == "ok"}
            cur_runs = {seed: r for seed, r in current.at(point).items() if r[0] == "ok"}
            ref_all = list(reference.at(point))
            matched = [seed for seed in ref_all if seed in cur_runs and seed in ref_runs]
            ref_values = [ref_runs[s][1][name] for s in matched]
            cur_values = [cur_runs[s][1][name] for s in matched]
            ref_mean, cur_mean = _mean(ref_values), _mean(cur_values)
            if not ref_all:
                verdict = "new"
            elif len(matched) < len(ref_all):
                verdict = "missing"
            elif "welch_alpha" in tol:
                verdict = _welch_verdict(name, point, ref_values, cur_values, tol)
            else:
                verdict = "ok"
                for r, c in zip(ref_values, cur_values):
                    if not _within(r, c, tol):
                        v = "changed" if r is None or c is None else _direction(c - r, tol.get("better"))
                        verdict = v if verdict in ("ok", "improved") else verdict
            failed |= verdict in FAILING
            results.append((name, point, ref_mean, cur_mean, _change(ref_mean, cur_mean), verdict))
    return results, failed


def _mean(values):
    xs = [v for v in values if v is not None]
    return stats.mean(xs) if xs and len(xs) == len(values) else None


def _change(ref, cur):
    if ref is None or cur is None:
        return None
    if ref == 0:
        return 0.0 if cur == 0 else math.copysign(math.inf, cur)
    return (cur - ref) / abs(ref) * 100.0


def _welch_verdict(name, point, ref_values, cur_values, tol):
    if any(v is None for v in ref_values + cur_values):
        return "ok" if ref_values == cur_values else "changed"
    if len(ref_values) < 2:
        raise BadInput(f"metric {name}: welch_alpha needs two repetitions or more per point, "
                       f"point ({', '.join(point) or 'the only one'}) has {len(ref_values)}")
    _, _, p = stats.welch(ref_values, cur_values)
    if p >= tol["welch_alpha"]:
        return "ok"
    return _direction(stats.mean(cur_values) - stats.mean(ref_values), tol.get("better"))


def format_table(results, axes):
    def point_text(point):
        return ", ".join(f"{a.rsplit('/', 1)[-1]}={v}" for a, v in zip(axes, point)) or "-"

    def num(x):
        return "-" if x is None else f"{x:.6g}"

    def pct(x):
        return "-" if x is None else f"{x:+.3f}%"

    rows = [("metric", "point", "reference", "current", "change", "verdict")]
    rows += [(m, point_text(p), num(r), num(c), pct(ch), v) for m, p, r, c, ch, v in results]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i < 2 or i == 5 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def update_reference(sweep_out, reference_dir, reason, today):
    """Copies SWEEP_OUT's runs.csv and points.csv into REFERENCE_DIR and appends the reason, the
    date and the clustersim build to REFERENCE_DIR/CHANGELOG.md; refuses a sweep with runs that
    are not ok. Returns the number of runs."""
    runs = Runs(sweep_out)
    bad = [r for r in runs.rows.values() if r[0] != "ok"]
    if bad:
        raise BadInput(f"{runs.path}: {len(bad)} runs are not ok; a reference needs every run")
    if not reason.strip():
        raise BadInput("--reason must say why the reference changes")
    builds = set()
    with open(runs.path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                with open(os.path.join(sweep_out, "runs", row["run_id"], "summary.json")) as s:
                    c = json.load(s)["clustersim"]
                builds.add(f"{c['commit']} (version {c['version']})")
            except (OSError, ValueError, KeyError):
                builds.add("unknown (no summary.json)")
    try:
        with open(os.path.join(sweep_out, "sweep.json")) as f:
            name = json.load(f).get("name", "?")
    except (OSError, ValueError):
        name = os.path.basename(os.path.normpath(sweep_out))
    os.makedirs(reference_dir, exist_ok=True)
    for f in ("runs.csv", "points.csv"):
        tmp = os.path.join(reference_dir, f".{f}.tmp")
        shutil.copyfile(os.path.join(sweep_out, f), tmp)
        os.replace(tmp, os.path.join(reference_dir, f))
    log = os.path.join(reference_dir, "CHANGELOG.md")
    entry = (f"\n## {today}: {reason.strip()}\n\n- sweep: {name}, {len(runs.rows)} runs\n"
             f"- clustersim commit: {', '.join(sorted(builds))}\n")
    if not os.path.exists(log):
        entry = (f"# Reference results: {name}\n\n`scripts/compare.py OUT {reference_dir.rstrip('/')}` compares a "
                 f"sweep's output with runs.csv here; every update appends why.\n" + entry)
    with open(log, "a") as f:
        f.write(entry)
    return len(runs.rows)
