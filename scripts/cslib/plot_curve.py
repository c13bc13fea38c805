"""curve: one CSV column against another within each run (accuracy vs simulated time, say), one
line per series value. Repetitions whose x values coincide become their mean with a bootstrap 95% band;
otherwise each run is drawn thin, since averaging would mean inventing values between samples."""
import numpy as np

from .plot_data import PlotError, describe_where, natural_key, runs_with_csv, select, series_keys, to_float
from .plot_stats import mean_bootstrap95
from .plot_style import Figure, Line, axis_label, human, quantity_label, rescale, seconds_scale, sentence

REQUIRED = ("csv", "x", "y")
OPTIONAL = ("series", "group_by")


def default_name(spec):
    stem = spec["csv"].rsplit("/", 1)[-1].removesuffix(".csv")
    return f"curve_{stem}_{spec['y']}_vs_{spec['x']}" + (f"_per_{spec['group_by']}" if spec.get("group_by") else "")


def prepare(sweep, spec, name):
    series = sweep.axis(spec["series"], "series") if spec.get("series") else None
    csv_name, x_col, y_col, group_by = spec["csv"], spec["x"], spec["y"], spec.get("group_by")
    runs = select(sweep, sweep.runs(), lambda r: r.point, spec.get("where"), {series.path} if series else set())
    columns = {"x": x_col, "y": y_col} | ({"group_by": group_by} if group_by else {})
    tables = runs_with_csv(sweep, runs, csv_name, columns)

    curves = {}  # (series key, group) -> [(run, xs, ys)]
    for run, rows in tables:
        per_group = {}
        for i, row in enumerate(rows, start=2):
            where = f"runs/{run.run_id}/{csv_name} line {i}"
            x, y = to_float(row[x_col], f"{where}, {x_col}"), to_float(row[y_col], f"{where}, {y_col}")
            if x is not None and y is not None:
                per_group.setdefault(row[group_by] if group_by else None, []).append((x, y))
        for group, pairs in per_group.items():
            pairs.sort()
            xs = [x for x, _ in pairs]
            if len(set(xs)) < len(xs):
                raise PlotError(f"runs/{run.run_id}/{csv_name} repeats {x_col} values"
                                + (" within a group" if group_by else ": split the curves with group_by (e.g. job)"))
            curves.setdefault((run.point[series.path] if series else None, group), []).append(
                (run, np.array(xs), np.array([y for _, y in pairs])))
    if not curves:
        raise PlotError(f"{csv_name} has no rows with both {x_col} and {y_col}")
    groups = sorted({g for _, g in curves}, key=lambda g: natural_key(g or ""))

    lines, thin_any, mean_any = [], False, False
    for si, key in enumerate(series_keys(series, [r for r, _ in tables], lambda r: r.point)):
        for gi, group in enumerate(groups):
            members = curves.get((key, group))
            if not members:
                continue
            label = " / ".join(t for t in [series.labels[key] if series else None,
                                           f"{group_by}={group}" if group_by else None] if t) or human(y_col)
            color, dashes = (si, gi) if series else (gi, 0)
            first_xs = members[0][1]
            if all(len(xs) == len(first_xs) and np.allclose(xs, first_xs, rtol=1e-9, atol=0) for _, xs, _ in members):
                stats = [mean_bootstrap95([ys[j] for _, _, ys in members]) for j in range(len(first_xs))]
                mean_any |= len(members) > 1
                lines.append(Line(label=f"{label}" + (f" (mean of {len(members)})" if len(members) > 1 else ""),
                                  x=list(first_xs), y=[s[0] for s in stats], low=[s[1] for s in stats],
                                  high=[s[2] for s in stats], color=color, dashes=dashes,
                                  marker=len(first_xs) <= 25))  # few samples: show where they are
            else:
                thin_any = True
                for j, (run, xs, ys) in enumerate(members):
                    lines.append(Line(label=f"{label} ({len(members)} runs)" if j == 0 else None, x=list(xs),
                                      y=list(ys), color=color, dashes=dashes, thin=True))
    notes = (["band: bootstrap 95% interval over repetitions"] if mean_any else []) + \
            (["thin lines: one per run (x values differ)"] if thin_any else [])
    x_scale = seconds_scale(x_col, [x for line in lines for x in line.x])
    y_scale = seconds_scale(y_col, [y for line in lines for y in line.y])
    rescale(rescale(lines, x_scale, axis="x"), y_scale)
    legend = " / ".join(t for t in [axis_label(series.path) if series else None, group_by] if t) or None
    return Figure(kind="curve", name=name, title=spec.get("title") or sentence(f"{human(y_col)} vs {human(x_col)}"),
                  xlabel=quantity_label(x_col, x_scale), ylabel=quantity_label(y_col, y_scale), runs=len(tables), sweep=sweep.name,
                  where=describe_where(spec.get("where")), note="; ".join(notes), legend_title=legend, lines=lines,
                  logx=bool(spec.get("logx")), logy=bool(spec.get("logy")))
