"""metric_vs_axis: a summary metric against one sweep axis, one line per value of a series axis,
each point the mean over repetitions (points.csv) with the bootstrap 95% band of that mean from
the runs' own values, which stays within the metric's domain (a latency band above zero) where
points.csv's Student-t interval may not. P99 vs load, mean JCT vs memory, time-to-accuracy vs
bandwidth. Seconds below one second are drawn in ms."""
from .plot_data import PlotError, describe_where, select, series_keys
from .plot_stats import mean_bootstrap95
from .plot_style import Figure, Line, axis_label, human, last_segment, quantity_label, rescale, seconds_scale, \
    sentence

REQUIRED = ("x", "y")
OPTIONAL = ("series",)


def default_name(spec):
    return f"{spec['y']}_vs_{last_segment(spec['x'])}"


def prepare(sweep, spec, name):
    x_axis = sweep.axis(spec["x"], "x")
    series = sweep.axis(spec["series"], "series") if spec.get("series") else None
    if series is not None and series.path == x_axis.path:
        raise PlotError(f"x and series are the same axis ({x_axis.path})")
    metric = spec["y"]
    points = sweep.points()
    known = sorted({p["metric"] for p in points})
    if metric not in known:
        raise PlotError(f"unknown metric '{metric}' (points.csv has: {', '.join(known) or 'none'})")
    free = {x_axis.path} | ({series.path} if series else set())
    rows = select(sweep, [p for p in points if p["metric"] == metric], lambda p: p["point"], spec.get("where"), free)
    positions, ticks, numeric = x_axis.placement()
    if spec.get("logx") and (not numeric or any(p <= 0 for p in positions.values())):
        raise PlotError(f"logx needs positive numeric values on {x_axis.path}")

    samples = run_values(sweep, metric)
    lines, runs, banded = [], 0, False
    for i, key in enumerate(series_keys(series, rows, lambda p: p["point"])):
        mine = [p for p in rows if p["mean"] is not None and (series is None or p["point"][series.path] == key)]
        mine.sort(key=lambda p: positions[p["point"][x_axis.path]])
        if not mine:
            continue
        # n = 1 has no interval: the band stops there rather than pretending certainty.
        bands = [mean_bootstrap95(samples.get(_key(p["point"]), []))[1:] if p["n"] > 1 else (None, None)
                 for p in mine]
        low, high = [b[0] for b in bands], [b[1] for b in bands]
        banded |= any(v is not None for v in low)
        runs += sum(p["n"] for p in mine)
        lines.append(Line(label=series.labels[key] if series else human(metric),
                          x=[positions[p["point"][x_axis.path]] for p in mine], y=[p["mean"] for p in mine],
                          low=low, high=high, color=i, marker=True))
    if not lines:
        raise PlotError(f"metric '{metric}' has no values at the selected points")
    drawn = {x for line in lines for x in line.x}
    scale = seconds_scale(metric, [y for line in lines for y in line.y])
    rescale(lines, scale)
    return Figure(kind="metric_vs_axis", name=name,
                  title=spec.get("title") or sentence(f"{human(metric)} vs {last_segment(x_axis.path)}"),
                  xlabel=axis_label(x_axis.path), ylabel=quantity_label(metric, scale), runs=runs, sweep=sweep.name,
                  where=describe_where(spec.get("where")),
                  note="mean, band: bootstrap 95% interval over repetitions" if banded else "mean over repetitions",
                  legend_title=axis_label(series.path) if series else None, lines=lines, xticks=[t for t in ticks if t[0] in drawn],
                  logx=bool(spec.get("logx")), logy=bool(spec.get("logy")))


def _key(point):
    return tuple(sorted(point.items()))


def run_values(sweep, metric):
    """{point: [the metric's value in each finished run there]}, from the runs' summary.json."""
    values = {}
    for run in sweep.runs():
        value = sweep.metrics(run).get(metric)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values.setdefault(_key(run.point), []).append(float(value))
    return values
