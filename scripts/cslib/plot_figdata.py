"""What the paper figures (cslib/plot_figures.py) read from a sweep's output: each run's metrics
and CSVs grouped by point, axis values in value order, paper names for axis values, and lines of
means with bootstrap bands in which a point without a value is marked, never dropped.

No matplotlib here: the numbers are checked before anything is drawn."""
import math, os

from .plot_data import PlotError, describe_where, select, to_float
from .plot_stats import mean_bootstrap95
from .plot_style import Line, Missing, axis_label

# How the papers name the values of the shipped sweeps' axes (legends, bar groups).
NAMES = {
    "esa": "ESA", "atp": "ATP", "switchml": "SwitchML",
    "thc": "THC", "uhc": "UHC", "none": "Uncompressed", "topk": "TopK (10%)", "terngrad": "TernGrad",
    "qsgd": "QSGD", "fp16": "FP16",
    "hawkvision": "HawkVision", "infaas": "INFaaS-style", "dc_only": "DC-only", "edge_only": "Edge-only",
    "jetson_xavier": "Jetson AGX Xavier (GPU)", "fpga": "ZCU104 (FPGA)",
}
MS = 1000.0  # seconds to milliseconds
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def name_of(axis, key):
    return NAMES.get(key, axis.labels.get(key, key))


def ordered_keys(axis):
    """The axis' value keys with their positions, by value when the values are numbers or
    quantities of one unit ("5/s" before "10/s" whatever the sweep file's order), else in the
    sweep file's order (categories)."""
    positions, _, numeric = axis.placement()
    keys = sorted(axis.keys, key=lambda k: positions[k]) if numeric else list(axis.keys)
    return [(k, positions[k]) for k in keys], numeric


def check_complete(sweep):
    """Refuses a sweep that is not collected (no runs.csv: still running, or run elsewhere) and
    returns a warning when some of its runs failed or are missing: a figure must not quietly show
    part of a sweep."""
    path = os.path.join(sweep.dir, "runs.csv")
    if not os.path.exists(path):
        raise PlotError(f"{path} not found: the sweep is unfinished or not collected "
                        f"(scripts/sweep.py collect {sweep.dir})")
    all_runs = sweep.all_runs()
    done = sweep.runs()
    if len(done) < len(all_runs):
        return [f"{len(all_runs) - len(done)} of {len(all_runs)} runs failed or are missing; "
                f"the figure shows the {len(done)} finished"]
    return []


def chosen_runs(sweep, where, free):
    return select(sweep, sweep.runs(), lambda r: r.point, where, set(free))


def metric_by_point(sweep, metric, free, where=None):
    """{(values of the `free` axes' keys): [value or None per run]}: None where a run does not
    report the metric (a job that never reached its target has no time to accuracy)."""
    runs = chosen_runs(sweep, where, free)
    if not any(metric in sweep.metrics(r) for r in runs):
        raise PlotError(f"no run of sweep {sweep.name} reports metric '{metric}'")
    grouped = {}
    for run in runs:
        value = sweep.metrics(run).get(metric)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        grouped.setdefault(tuple(run.point[p] for p in free), []).append(float(value) if ok else None)
    return grouped


def run_table(sweep, run, name, columns):
    """The rows of one run's CSV, after checking it exists and has `columns`."""
    table = sweep.run_csv(run, name)
    if table is None:
        raise PlotError(f"runs/{run.run_id}/{name} not found (does the sweep write it?)")
    header, rows = table
    lacking = [c for c in columns if c not in header]
    if lacking:
        raise PlotError(f"runs/{run.run_id}/{name} has no column '{lacking[0]}'")
    return rows


def column_values(rows, column, where):
    return [to_float(row[column], f"{where} line {i}, {column}") for i, row in enumerate(rows, start=2)]


def lines_over_x(sweep, metric, x_path, series_path, scale=1.0, where=None, missing_reason="no value"):
    """A line per series value through the mean over repetitions at each x (in value order), with
    its bootstrap 95% band; a point where any repetition lacks the metric is left out of the line
    and marked as Missing (a mean over the runs that did reach it would flatter the series).
    Returns (lines, missing, warnings, runs, repetitions per point) ."""
    x_axis, s_axis = sweep.axis(x_path, "x"), sweep.axis(series_path, "series")
    grouped = metric_by_point(sweep, metric, (series_path, x_path), where)
    xs, _ = ordered_keys(x_axis)
    lines, missing, warnings, runs, ns = [], [], [], 0, set()
    for i, skey in enumerate(s_axis.keys):
        label = name_of(s_axis, skey)
        xy, lacking = [], []
        for xkey, position in xs:
            values = grouped.get((skey, xkey))
            if values is None:
                continue
            runs += len(values)
            ns.add(len(values))
            if any(v is None for v in values):
                got = sum(v is not None for v in values)
                lacking.append((position, x_axis.labels[xkey], got, len(values)))
                continue
            xy.append((position,) + mean_bootstrap95([v * scale for v in values]))
        if xy:
            lines.append(Line(label=label, x=[p[0] for p in xy], y=[p[1] for p in xy], low=[p[2] for p in xy],
                              high=[p[3] for p in xy], color=i, marker=True))
        if lacking:
            where_text = ", ".join(f"{lab}" + (f" (in {got} of {n} runs)" if got else "") for _, lab, got, n in lacking)
            missing.append(Missing(label=f"{label}: {missing_reason} " + ("at any point" if not xy else f"at {where_text}")
                                   + ", marked ×", x=[p for p, *_ in lacking], color=i))
            warnings.append(f"{label}: {missing_reason} at {axis_label(x_axis.path).lower()} {where_text}"
                            + (f" where {describe_where(where)}" if where else "") + "; marked × on the figure")
    if not lines and not missing:
        raise PlotError(f"metric '{metric}' has no values in sweep {sweep.name}")
    return lines, missing, warnings, runs, sorted(ns)


def repetitions_note(ns, interval="band"):
    n = "/".join(str(v) for v in ns) or "0"
    return f"mean of {n} seeds per point; {interval}: bootstrap 95% interval of the mean"

