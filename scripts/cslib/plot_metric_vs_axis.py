"""metric_vs_axis: a summary metric against one sweep axis, one line per value of a series axis,
each point the mean over repetitions with its 95% confidence band (both from points.csv).
P99 vs load, mean JCT vs memory, time-to-accuracy vs bandwidth."""
from .plot_data import PlotError, describe_where, select, series_keys
from .plot_style import Figure, Line, axis_label, human, last_segment, quantity_label, sentence

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

    lines, runs, banded = [], 0, False
    for i, key in enumerate(series_keys(series, rows, lambda p: p["point"])):
        mine = [p for p in rows if p["mean"] is not None and (series is None or p["point"][series.path] == key)]
        mine.sort(key=lambda p: positions[p["point"][x_axis.path]])
        if not mine:
            continue
        # n = 1 has no interval: the band stops there rather than pretending certainty.
        low = [p["low"] if p["n"] > 1 else None for p in mine]
        high = [p["high"] if p["n"] > 1 else None for p in mine]
        banded |= any(v is not None for v in low)
        runs += sum(p["n"] for p in mine)
        lines.append(Line(label=series.labels[key] if series else human(metric),
                          x=[positions[p["point"][x_axis.path]] for p in mine], y=[p["mean"] for p in mine],
                          low=low, high=high, color=i, marker=True))
    if not lines:
        raise PlotError(f"metric '{metric}' has no values at the selected points")
    drawn = {x for line in lines for x in line.x}
    return Figure(kind="metric_vs_axis", name=name,
                  title=spec.get("title") or sentence(f"{human(metric)} vs {last_segment(x_axis.path)}"),
                  xlabel=axis_label(x_axis.path), ylabel=quantity_label(metric), runs=runs, sweep=sweep.name,
                  where=describe_where(spec.get("where")),
                  note="mean, band: 95% CI over repetitions" if banded else "mean over repetitions",
                  legend_title=series.path if series else None, lines=lines, xticks=[t for t in ticks if t[0] in drawn],
                  logx=bool(spec.get("logx")), logy=bool(spec.get("logy")))
