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
Regressed, changed and missing fail the comparison.

Every problem with the input (a runs.csv that is missing, binary, empty, cut short, not a
regular file, or holds a cell that is no number) is a BadInput naming the file and, where there
is one, the line and column. Reading and matching take time linear in the number of runs: runs
and points are looked up by key, never searched for."""
import csv, io, json, math, os, re, shutil

from . import interrupts, quantities, safeio, stats
from .safeio import one_line
from .sweepfile import SweepError, load_json_with_comments, pointer_escape

FAILING = ("regressed", "changed", "missing")
DEFAULT_TOLERANCE = {"relative": 1e-9}
_TOLERANCE_KEYS = ("relative", "absolute", "welch_alpha", "better")


class BadInput(Exception):
    """Bad input: one line naming the file and the problem (control characters escaped)."""

    def __init__(self, message):
        super().__init__(one_line(message))


FIXED_COLUMNS = ("run_id", "repetition", "seed", "status")
# What aggregate.number writes (repr of a double, or an int): no "nan", "inf", "1_000" or " 1".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def _shown(text, limit=40):
    """A cell as it can go into a one-line message: quoted, escaped, cut."""
    return json.dumps(text[:limit]) + ("..." if len(text) > limit else "")


class Runs:
    """One runs.csv: its axes, metrics and rows keyed by (point, seed).

    rows: {(point, seed): (status, {metric: value or None})}; by_point: {point: {seed: same}},
    points in file order; run_ids: every row's run_id, in file order."""

    def __init__(self, directory):
        path = os.path.join(directory, "runs.csv")
        hint = f"is {directory} a sweep's output?"
        try:
            data = safeio.read_bytes(path)
        except safeio.FileProblem as e:
            raise BadInput(f"{path}: cannot read runs.csv ({e}); {hint}") from None
        try:
            text = safeio.decode_utf8(data)
        except safeio.FileProblem as e:
            raise BadInput(f"{path}: {e}") from None
        if "\0" in text:
            line, column = safeio.position(text, text.index("\0"))
            raise BadInput(f"{path}: line {line} column {column}: a NUL byte; is it a binary file?")
        self._load(path, self._records(path, text), hint)

    @classmethod
    def from_rows(cls, path, rows):
        """The Runs of a table given as lists of cells (the header first), named `path` in
        messages: what the tests use to count the work matching does."""
        runs = cls.__new__(cls)
        runs._load(path, enumerate(rows, start=1), "")
        return runs

    @staticmethod
    def _records(path, text):
        """(line, cells) of each CSV record, line being where the record starts."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        line = 1
        try:
            for row in reader:
                yield line, row
                line = reader.line_num + 1
        except csv.Error as e:
            raise BadInput(f"{path}: line {reader.line_num}: not CSV ({e})") from None

    def _load(self, path, records, hint):
        self.path = path
        header = next(records, (1, None))[1]
        if not header:
            raise BadInput(f"{path}: empty (no header line); not a sweep's runs.csv{'; ' + hint if hint else ''}")
        missing = [c for c in FIXED_COLUMNS if c not in header]
        if missing:
            raise BadInput(f"{path}: not a sweep's runs.csv (its header lacks {', '.join(missing)})")
        seen = {}
        for i, name in enumerate(header, start=1):
            if not name:
                raise BadInput(f"{path}: line 1 column {i}: an empty column name")
            if name in seen:
                raise BadInput(f"{path}: line 1 column {i}: column {_shown(name)} repeats column {seen[name]}")
            seen[name] = i
        r = header.index("repetition")
        if header[0] != "run_id" or header[r + 1:r + 3] != ["seed", "status"]:
            raise BadInput(f"{path}: not a sweep's runs.csv (its header is not run_id, the axes, repetition, seed, "
                           f"status, then the metrics)")
        s = r + 2
        # A quantity axis's PATH:value and PATH:unit columns follow from the axis: they are no
        # axes of their own, so tables written before they existed still compare.
        typed = {c for p in header[1:r] for c in quantities.typed_columns(p)}
        axis_columns = [i for i in range(1, r) if header[i] not in typed]
        self.axes, self.metrics = [header[i] for i in axis_columns], header[s + 1:]
        self.metric_set = set(self.metrics)
        self.rows, self.by_point, self.run_ids = {}, {}, []
        first_line = {}
        width = len(header)
        for line, row in records:
            if len(row) != width:
                raise BadInput(f"{path}: line {line} has {len(row)} cells, the header {width}" if row else
                               f"{path}: line {line} is empty")
            point, seed = tuple(row[i] for i in axis_columns), row[r + 1]
            values = {}
            for column, (metric, v) in enumerate(zip(self.metrics, row[s + 1:]), start=s + 2):
                values[metric] = self._number(path, line, column, metric, v)
            key = (point, seed)
            if key in first_line:
                raise BadInput(f"{path}: line {line} has the point and seed of line {first_line[key]}")
            first_line[key] = line
            self.rows[key] = (row[s], values)
            self.by_point.setdefault(point, {})[seed] = self.rows[key]
            self.run_ids.append(row[0])

    @staticmethod
    def _number(path, line, column, metric, v):
        if not v:
            return None
        x = float(v) if _NUMBER.match(v) else None
        if x is None or not math.isfinite(x):
            raise BadInput(f"{path}: line {line} column {column} ({metric}): {_shown(v)} is not a "
                           f"{'number' if x is None else 'finite number'}")
        return x

    @property
    def order(self):
        """The points in file order."""
        return list(self.by_point)

    def at(self, point):
        """{seed: (status, metrics)} of the point's runs."""
        return self.by_point.get(point, {})


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
            elif (isinstance(v, bool) or not isinstance(v, (int, float)) or not _finite(v) or v < 0
                  or (key == "welch_alpha" and not 0 < v < 1)):
                raise SweepError(path, f"{at}/{key}", f"expected a finite number {'in (0, 1)' if key == 'welch_alpha' else '>= 0'}")
            else:
                t[key] = float(v)
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


def _finite(v):
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer beyond any double
        return False


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
    current_metrics = set(current.metrics)
    names = metrics or [m for m in reference.metrics if m in current_metrics]
    for m in names:
        for runs in (reference, current):
            if m not in runs.metric_set:
                raise BadInput(f"{runs.path} has no metric \"{m}\" (it has: {', '.join(runs.metrics) or 'none'})")
    compared = set(names)
    for m in tolerances["metrics"]:
        if m not in compared:
            raise BadInput(f"the tolerance file names metric \"{m}\", which is not compared")
    results, failed = [], False
    # Dict lookups only: time linear in the runs (30,000 runs took 42 s with list searches).
    points = list(reference.by_point) + [p for p in current.by_point if p not in reference.by_point]
    pairs = {}  # point -> (its reference seeds, [(reference run, current run)] of the seeds ok in both)
    for point in points:
        ref_at, cur_at = reference.at(point), current.at(point)
        pairs[point] = (len(ref_at), [(r, cur_at[seed]) for seed, r in ref_at.items()
                                      if r[0] == "ok" and seed in cur_at and cur_at[seed][0] == "ok"])
    for name in names:
        tol = tolerances["metrics"].get(name, tolerances["default"])
        for point in points:
            n_ref, matched = pairs[point]
            ref_values = [r[1][name] for r, _ in matched]
            cur_values = [c[1][name] for _, c in matched]
            ref_mean, cur_mean = _mean(ref_values), _mean(cur_values)
            if not n_ref:
                verdict = "new"
            elif len(matched) < n_ref:
                verdict = "missing"
            elif "welch_alpha" in tol:
                verdict = _welch_verdict(name, point, ref_values, cur_values, tol, (reference.path, current.path))
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


def _welch_verdict(name, point, ref_values, cur_values, tol, paths):
    if any(v is None for v in ref_values + cur_values):
        return "ok" if ref_values == cur_values else "changed"
    if len(ref_values) < 2:
        raise BadInput(f"metric {name}: welch_alpha needs two repetitions or more per point, "
                       f"point ({', '.join(point) or 'the only one'}) has {len(ref_values)}")
    try:
        _, _, p = stats.welch(ref_values, cur_values)
    except ArithmeticError as e:  # values so large that their squares overflow
        raise BadInput(f"{paths[0]} and {paths[1]}: metric {name} at point ({', '.join(point) or 'the only one'}): "
                       f"Welch's t-test fails on these values ({e})") from None
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


def _regular_or_absent(path):
    """BadInput if path exists and is not a regular file."""
    if os.path.lexists(path):
        try:
            safeio.check_regular(path)
        except safeio.FileProblem as e:
            raise BadInput(f"{path}: {e}") from None


def update_reference(sweep_out, reference_dir, reason, today):
    """Copies SWEEP_OUT's runs.csv and points.csv into REFERENCE_DIR and appends the reason, the
    date and the clustersim build to REFERENCE_DIR/CHANGELOG.md; refuses a sweep with runs that
    are not ok. Returns the number of runs. Checks everything before writing anything; the two
    tables are written to temporary files first, which an error or an interrupt removes."""
    runs = Runs(sweep_out)
    bad = [r for r in runs.rows.values() if r[0] != "ok"]
    if bad:
        raise BadInput(f"{runs.path}: {len(bad)} runs are not ok; a reference needs every run")
    reason = " ".join(reason.split())  # one line: it heads a CHANGELOG entry
    if not reason:
        raise BadInput("--reason must say why the reference changes")
    points = os.path.join(sweep_out, "points.csv")
    try:
        safeio.check_regular(points)
    except safeio.FileProblem as e:
        raise BadInput(f"{points}: cannot read points.csv ({e}); is {sweep_out} a sweep's output?") from None
    if os.path.lexists(reference_dir) and not os.path.isdir(reference_dir):
        raise BadInput(f"{reference_dir}: exists and is not a directory")
    log = os.path.join(reference_dir, "CHANGELOG.md")
    for path in (os.path.join(reference_dir, "runs.csv"), os.path.join(reference_dir, "points.csv"), log):
        _regular_or_absent(path)
    builds = set()
    for run_id in runs.run_ids:
        try:
            c = safeio.load_json(os.path.join(sweep_out, "runs", run_id, "summary.json"))["clustersim"]
            builds.add(f"{c['commit']} (version {c['version']})")
        except (safeio.FileProblem, KeyError, TypeError, IndexError):
            builds.add("unknown (no summary.json)")
    try:
        doc = safeio.load_json(os.path.join(sweep_out, "sweep.json"))
        name = doc["name"] if isinstance(doc, dict) and isinstance(doc.get("name"), str) else "?"
    except safeio.FileProblem:
        name = os.path.basename(os.path.normpath(sweep_out))
    os.makedirs(reference_dir, exist_ok=True)
    temporary = {f: os.path.join(reference_dir, f".{f}.tmp{os.getpid()}") for f in ("runs.csv", "points.csv")}
    with interrupts.deferred():
        try:
            for f, tmp in temporary.items():
                shutil.copyfile(os.path.join(sweep_out, f), tmp)
            for f, tmp in temporary.items():
                os.replace(tmp, os.path.join(reference_dir, f))
        except BaseException:
            for tmp in temporary.values():
                try:
                    os.remove(tmp)
                except OSError:
                    pass
            raise
        entry = (f"\n## {today}: {reason}\n\n- sweep: {name}, {len(runs.rows)} runs\n"
                 f"- clustersim commit: {', '.join(sorted(builds))}\n")
        if not os.path.exists(log):
            entry = (f"# Reference results: {name}\n\n`scripts/compare.py OUT {reference_dir.rstrip('/')}` compares a "
                     f"sweep's output with runs.csv here; every update appends why.\n" + entry)
        with open(log, "a") as f:
            f.write(entry)
    return len(runs.rows)
