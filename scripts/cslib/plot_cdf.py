"""cdf: the empirical CDF of one column of a per-entity CSV (requests.csv's latency_s, jobs.csv's
jct_s, ...), pooling every selected run (so all repetitions), one curve per series value and,
with group_by, per value of a CSV column (a request's tier, say)."""
from .plot_data import PlotError, describe_where, natural_key, runs_with_csv, select, series_keys, to_float
from .plot_stats import ecdf
from .plot_style import Figure, Line, axis_label, human, quantity_label, rescale, seconds_scale

REQUIRED = ("csv", "column")
OPTIONAL = ("series", "group_by")


def default_name(spec):
    stem = spec["csv"].rsplit("/", 1)[-1].removesuffix(".csv")
    return f"cdf_{stem}_{spec['column']}" + (f"_per_{spec['group_by']}" if spec.get("group_by") else "")


def prepare(sweep, spec, name):
    series = sweep.axis(spec["series"], "series") if spec.get("series") else None
    column, group_by, csv_name = spec["column"], spec.get("group_by"), spec["csv"]
    runs = select(sweep, sweep.runs(), lambda r: r.point, spec.get("where"), {series.path} if series else set())
    columns = {"column": column} | ({"group_by": group_by} if group_by else {})
    tables = runs_with_csv(sweep, runs, csv_name, columns)

    pooled = {}  # (series key, group) -> values
    for run, rows in tables:
        key = run.point[series.path] if series else None
        for i, row in enumerate(rows, start=2):
            value = to_float(row[column], f"runs/{run.run_id}/{csv_name} line {i}, {column}")
            if value is not None:  # an empty cell: the entity never got a value (unfinished)
                pooled.setdefault((key, row[group_by] if group_by else None), []).append(value)
    groups = sorted({g for _, g in pooled}, key=lambda g: natural_key(g or ""))
    if spec.get("logx") and any(v <= 0 for values in pooled.values() for v in values):
        raise PlotError(f"logx needs positive values in {column}")

    lines = []
    for si, key in enumerate(series_keys(series, [r for r, _ in tables], lambda r: r.point)):
        for gi, group in enumerate(groups):
            values = pooled.get((key, group))
            if not values:
                continue
            xs, ys = ecdf(values)
            label = " / ".join(t for t in [series.labels[key] if series else None,
                                           f"{group_by}={group}" if group_by else None] if t) or human(column)
            # Series set the colour and groups the dash, unless groups are all there is.
            lines.append(Line(label=f"{label} (n={len(values)})", x=[xs[0]] + list(xs), y=[0.0] + list(ys),
                              color=si if series else gi, dashes=gi if series else 0, steps=True))
    if not lines:
        raise PlotError(f"{csv_name} has no values in column '{column}'")
    scale = seconds_scale(column, [x for line in lines for x in line.x])
    rescale(lines, scale, axis="x")
    legend = " / ".join(t for t in [axis_label(series.path) if series else None, group_by] if t) or None
    return Figure(kind="cdf", name=name, title=spec.get("title") or f"CDF of {human(column)} ({csv_name})",
                  xlabel=quantity_label(column, scale), ylabel="Fraction ≤ x", runs=len(tables), sweep=sweep.name,
                  where=describe_where(spec.get("where")), note="all repetitions pooled", legend_title=legend,
                  lines=lines, logx=bool(spec.get("logx")), logy=bool(spec.get("logy")))
