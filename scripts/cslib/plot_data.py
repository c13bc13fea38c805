"""Reading a sweep's output directory for plotting (sweep.json, runs.csv, points.csv and the
run folders), choosing the runs or points a plot draws on, and placing axis values on an axis.

No matplotlib here: a bad plot request fails before anything is imported or drawn."""
import csv, json, math, os, re


class PlotError(Exception):
    """A plot that cannot be drawn from this input; the message names the problem."""


def canon(value):
    """One spelling per value, so 256 in sweep.json, "256" in runs.csv and "256.0" in a --where
    compare equal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(float(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    text = str(value).strip()
    try:
        return _number(float(text))
    except ValueError:
        pass
    if text in ("true", "True", "false", "False"):
        return text.lower()
    if text[:1] in '[{"':  # JSON spellings, e.g. a string written with its quotes
        try:
            return canon(json.loads(text))
        except ValueError:
            pass
    return text


def _number(x):
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def display(value):
    """An axis value as a legend or tick label shows it."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value)


def to_float(text, where):
    """A CSV cell as a number; None when empty (e.g. jct_s of an unfinished job)."""
    if text is None or text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise PlotError(f"{where}: '{text}' is not a number") from None


# Quantities with a unit, as scenarios write them ("10Gbps", "60ms", "5/s"), so such axes get
# numeric positions (and a log scale), sorted by magnitude, while their ticks keep the spelling.
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*(?:/[A-Za-z]+)?)\s*$")
_PREFIXES = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "Ki": 2**10, "Mi": 2**20,
             "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "m": 1e-3, "u": 1e-6, "n": 1e-9}
_BASES = ("bps", "Bps", "/s", "B", "b", "f", "s", "W", "J", "Hz")


def quantity(value):
    """(magnitude in base units, base unit) of "10Gbps"-like text, or None."""
    if not isinstance(value, str):
        return None
    m = _QUANTITY.match(value)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    if not unit:
        return None
    for base in _BASES:
        if unit.endswith(base) and unit[:-len(base)] in _PREFIXES:
            return number * _PREFIXES[unit[:-len(base)]], base
    return None


class Axis:
    """One sweep axis: its JSON pointer and values, in the sweep file's order."""

    def __init__(self, path, values):
        self.path, self.values = path, list(values)
        self.keys = [canon(v) for v in self.values]
        self.labels = {k: display(v) for k, v in zip(self.keys, self.values)}

    def placement(self):
        """(positions by value key, ticks [(position, label)], numeric): numbers and same-unit
        quantities sit at their magnitude, anything else evenly in the sweep file's order."""
        numbers = [_as_number(v) for v in self.values]
        if all(x is not None for x in numbers):
            positions = dict(zip(self.keys, numbers))
            return positions, sorted((p, self.labels[k]) for k, p in positions.items()), True
        quantities = [quantity(v) for v in self.values]
        if all(quantities) and len({base for _, base in quantities}) == 1:
            positions = {k: q[0] for k, q in zip(self.keys, quantities)}
            return positions, sorted((p, self.labels[k]) for k, p in positions.items()), True
        positions = {k: float(i) for i, k in enumerate(self.keys)}
        return positions, [(p, self.labels[k]) for k, p in positions.items()], False


def _as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None


class Run:
    def __init__(self, run_id, point, repetition, status, directory):
        self.run_id, self.point, self.repetition, self.status, self.dir = run_id, point, repetition, status, directory


class Sweep:
    """The output directory of one sweep; files are read on first use."""

    def __init__(self, directory):
        self.dir = directory
        self.name = os.path.basename(os.path.normpath(directory)) or directory
        path = os.path.join(directory, "sweep.json")
        try:
            with open(path) as f:
                self.spec = json.load(f)
        except FileNotFoundError:
            raise PlotError(f"{path} not found (is {directory} a sweep's output?)") from None
        except (OSError, ValueError) as e:
            raise PlotError(f"{path}: {e}") from None
        if not isinstance(self.spec, dict):
            raise PlotError(f"{path}: not a JSON object")
        self.name = str(self.spec.get("name") or self.name)
        try:
            self.axes = [Axis(a["path"], a["values"]) for a in self.spec.get("axes", [])]
        except (KeyError, TypeError):
            raise PlotError(f"{path}: every axis needs \"path\" and \"values\"") from None
        self._runs = self._points = None
        self._csv_cache = {}

    def axis(self, path, role):
        for a in self.axes:
            if a.path == path:
                return a
        known = ", ".join(a.path for a in self.axes) or "none"
        raise PlotError(f"unknown axis '{path}' for {role} (axes: {known})")

    def runs(self):
        """The runs with results, in runs.csv's order: status ok there (not failed or missing) and
        a summary.json in the folder (clustersim writes it last). Without runs.csv (a sweep still
        running), the run folders' run.json and summary.json alone decide."""
        if self._runs is None:
            self._runs = [r for r in self.all_runs()
                          if r.status in ("ok", None) and os.path.exists(os.path.join(r.dir, "summary.json"))]
        return self._runs

    def all_runs(self):
        runs_dir = os.path.join(self.dir, "runs")
        path = os.path.join(self.dir, "runs.csv")
        if os.path.exists(path):
            with open(path, newline="") as f:
                reader = csv.DictReader(f)
                header = reader.fieldnames or []
                for a in self.axes:
                    if a.path not in header:
                        raise PlotError(f"{path} has no column for axis {a.path}")
                if "run_id" not in header:
                    raise PlotError(f"{path} has no run_id column")
                return [Run(row["run_id"], {a.path: canon(row[a.path]) for a in self.axes}, row.get("repetition", ""),
                            row["status"] if "status" in header else None, os.path.join(runs_dir, row["run_id"]))
                        for row in reader]
        if not os.path.isdir(runs_dir):
            raise PlotError(f"neither {path} nor {runs_dir} exists")
        runs = []
        for run_id in sorted(os.listdir(runs_dir)):
            try:
                with open(os.path.join(runs_dir, run_id, "run.json")) as f:
                    info = json.load(f)
            except (OSError, ValueError):
                continue
            point = info.get("point", {})
            runs.append(Run(run_id, {a.path: canon(point.get(a.path)) for a in self.axes},
                            str(info.get("repetition", "")), None, os.path.join(runs_dir, run_id)))
        return runs

    def points(self):
        """points.csv as dicts: point (axis path -> value key), metric, n, mean, low, high."""
        if self._points is None:
            path = os.path.join(self.dir, "points.csv")
            if not os.path.exists(path):
                raise PlotError(f"{path} not found")
            with open(path, newline="") as f:
                reader = csv.DictReader(f)
                header = reader.fieldnames or []
                missing = [c for c in [a.path for a in self.axes] + ["metric", "n", "mean", "ci95_low", "ci95_high"]
                           if c not in header]
                if missing:
                    raise PlotError(f"{path} lacks columns {', '.join(missing)}")
                self._points = []
                for i, row in enumerate(reader, start=2):
                    where = f"points.csv line {i}"
                    n = to_float(row["n"], where)
                    self._points.append({"point": {a.path: canon(row[a.path]) for a in self.axes},
                                         "metric": row["metric"], "n": int(n or 0),
                                         "mean": _finite(to_float(row["mean"], where)),
                                         "low": _finite(to_float(row["ci95_low"], where)),
                                         "high": _finite(to_float(row["ci95_high"], where))})
        return self._points

    def metrics(self, run):
        """The "metrics" object of a finished run's summary.json."""
        path = os.path.join(run.dir, "summary.json")
        try:
            with open(path) as f:
                metrics = json.load(f).get("metrics", {})
        except (OSError, ValueError, AttributeError) as e:
            raise PlotError(f"{path}: {e}") from None
        if not isinstance(metrics, dict):
            raise PlotError(f"{path}: \"metrics\" is not an object")
        return metrics

    def run_csv(self, run, name):
        """(header, rows as dicts) of one run's CSV, or None if that run has no such file."""
        if os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
            raise PlotError(f"csv '{name}' must name a file inside the run folders")
        key = (run.run_id, name)
        if key not in self._csv_cache:
            path = os.path.join(run.dir, name)
            if not os.path.exists(path):
                self._csv_cache[key] = None
            else:
                with open(path, newline="") as f:
                    reader = csv.DictReader(f)
                    rows = list(reader)
                    self._csv_cache[key] = (reader.fieldnames or [], rows)
        return self._csv_cache[key]


def _finite(x):
    return x if x is not None and math.isfinite(x) else None


def select(sweep, items, point_of, where, free):
    """The items (runs or points) matching `where` ({axis path: value}); every axis outside
    `free` (the plot's x and series) must then take one value, or the plot would silently mix
    unlike runs."""
    where = where or {}
    if not isinstance(where, dict):
        raise PlotError("\"where\" must map axis paths to values")
    for path, value in where.items():
        axis = sweep.axis(path, "where")
        if canon(value) not in axis.keys:
            raise PlotError(f"where {path}={display(value)}: not one of the axis' values "
                            f"({', '.join(axis.labels[k] for k in axis.keys)})")
    wanted = {path: canon(value) for path, value in where.items()}
    items = [it for it in items if all(point_of(it).get(p) == v for p, v in wanted.items())]
    if not items:
        raise PlotError("no finished runs match" + (f" where {_describe(where)}" if where else ""))
    for axis in sweep.axes:
        if axis.path in free:
            continue
        seen = sorted({point_of(it)[axis.path] for it in items})
        if len(seen) > 1:
            raise PlotError(f"axis {axis.path} takes {len(seen)} values here ({', '.join(seen)}): "
                            f"fix one with \"where\" or make it the series")
    return items


def _describe(where):
    return ", ".join(f"{p}={display(v)}" for p, v in where.items())


def describe_where(where):
    return _describe(where or {})


def series_keys(axis, items, point_of):
    """The series values present among items, in the sweep file's order ([None] without a series)."""
    if axis is None:
        return [None]
    present = {point_of(it)[axis.path] for it in items}
    return [k for k in axis.keys if k in present]


def natural_key(text):
    """Sorts CSV group values numerically when they are numbers, else alphabetically."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def runs_with_csv(sweep, runs, name, columns):
    """[(run, rows)] for the runs that have the CSV `name`, after checking it has `columns`
    ({role: column}); runs without the file (another kind of workload) are left out."""
    found = []
    for run in runs:
        table = sweep.run_csv(run, name)
        if table is None:
            continue
        header, rows = table
        for role, column in columns.items():
            if column not in header:
                raise PlotError(f"{name} has no column '{column}' for {role} (columns: {', '.join(header)})")
        found.append((run, rows))
    if not found:
        raise PlotError(f"no finished run has {name}" + (f" (of {len(runs)} selected)" if runs else ""))
    return found
