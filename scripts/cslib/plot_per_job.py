"""per_job: a bar per job of one jobs.csv column (jct_s by default), bars grouped by job and
coloured by series value; each bar the mean over repetitions, with a bootstrap 95% whisker when
there are several."""
from .plot_data import PlotError, describe_where, runs_with_csv, select, series_keys, to_float
from .plot_stats import mean_bootstrap95
from .plot_style import Bars, Figure, axis_label, human, quantity_label, rescale, seconds_scale, sentence

REQUIRED = ()
OPTIONAL = ("series", "csv", "column")
JOB_COLUMN = "job"


def default_name(spec):
    stem = spec.get("csv", "jobs.csv").rsplit("/", 1)[-1].removesuffix(".csv")
    return f"per_job_{spec.get('column', 'jct_s')}" + ("" if stem == "jobs" else f"_{stem}")


def prepare(sweep, spec, name):
    series = sweep.axis(spec["series"], "series") if spec.get("series") else None
    csv_name, column = spec.get("csv", "jobs.csv"), spec.get("column", "jct_s")
    runs = select(sweep, sweep.runs(), lambda r: r.point, spec.get("where"), {series.path} if series else set())
    tables = runs_with_csv(sweep, runs, csv_name, {"job": JOB_COLUMN, "column": column})

    jobs, values = [], {}  # jobs in their order in the CSVs; (series key, job) -> values over runs
    for run, rows in tables:
        key = run.point[series.path] if series else None
        for i, row in enumerate(rows, start=2):
            job = row[JOB_COLUMN]
            if job not in jobs:
                jobs.append(job)
            value = to_float(row[column], f"runs/{run.run_id}/{csv_name} line {i}, {column}")
            if value is not None:  # an unfinished job has no jct_s: no bar rather than zero
                values.setdefault((key, job), []).append(value)
    if not values:
        raise PlotError(f"{csv_name} has no values in column '{column}'")

    bars, unfinished = [], 0
    for i, key in enumerate(series_keys(series, [r for r, _ in tables], lambda r: r.point)):
        stats = [mean_bootstrap95(values[(key, job)]) if (key, job) in values else (None, None, None) for job in jobs]
        unfinished += sum(1 for s in stats if s[0] is None)
        bars.append(Bars(label=series.labels[key] if series else human(column), values=[s[0] for s in stats],
                         low=[s[1] for s in stats], high=[s[2] for s in stats], color=i))
    scale = seconds_scale(column, [v for b in bars for v in b.values])
    rescale(bars, scale)
    repeated = any(lo is not None for b in bars for lo in b.low)
    note = "mean, whiskers: bootstrap 95% interval over repetitions" if repeated else "one run per bar"
    if unfinished:
        note += f"; {unfinished} bar(s) missing: no value (unfinished)"
    return Figure(kind="per_job", name=name, title=spec.get("title") or sentence(f"{human(column)} per job"),
                  xlabel="Job", ylabel=quantity_label(column, scale), runs=len(tables), sweep=sweep.name,
                  where=describe_where(spec.get("where")), note=note,
                  legend_title=axis_label(series.path) if series else None, bars=bars, categories=jobs,
                  logx=bool(spec.get("logx")), logy=bool(spec.get("logy")))
