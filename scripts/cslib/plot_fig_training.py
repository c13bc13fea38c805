"""The training headlines' figures: ESA's JCT against switch memory, THC's time to accuracy
against bandwidth and its test accuracy against simulated time (see cslib/plot_figures.py)."""
from .plot_data import PlotError, describe_where, quantity
from .plot_figdata import MS, chosen_runs, column_values, lines_over_x, metric_by_point, name_of, ordered_keys, \
    repetitions_note, run_table
from .plot_stats import mean_bootstrap95
from .plot_style import Figure, Line, Ref

POLICY, AGGREGATORS = "/policies/switch_allocation", "/workload/ina/aggregators"
SCHEME, BANDWIDTH = "/workload/compression/scheme", "/platform/link/bandwidth"
GBPS = 1e9


def esa_jct_vs_memory(sweep):
    lines, missing, warnings, runs, ns = lines_over_x(sweep, "jct_mean_s", AGGREGATORS, POLICY, scale=MS,
                                                      missing_reason="a job did not finish")
    axis = sweep.axis(AGGREGATORS, "x")
    keys, _ = ordered_keys(axis)
    return Figure(kind="paper", name="esa_jct_vs_memory", title="ESA: mean job completion time vs switch memory",
                  xlabel="Switch memory (aggregators)", ylabel="Mean JCT (ms)", runs=runs, sweep=sweep.name,
                  note=repetitions_note(ns), legend_title="Switch allocation policy", lines=lines,
                  missing=missing, xticks=[(p, axis.labels[k]) for k, p in keys], logx=True), warnings


def target_accuracy(sweep, runs):
    """The target the runs' jobs were measured against (compression_jobs.csv), one for all."""
    targets = set()
    for run in runs:
        rows = run_table(sweep, run, "compression_jobs.csv", ["target_accuracy"])
        targets |= {v for v in column_values(rows, "target_accuracy", f"runs/{run.run_id}/compression_jobs.csv")
                    if v is not None}
    if len(targets) != 1:
        raise PlotError(f"the runs' target accuracies are {sorted(targets) or 'missing'}, expected one value")
    return targets.pop()


def thc_tta_vs_bandwidth(sweep):
    target = target_accuracy(sweep, chosen_runs(sweep, None, (SCHEME, BANDWIDTH)))
    lines, missing, warnings, runs, ns = lines_over_x(
        sweep, "time_to_accuracy_mean_s", BANDWIDTH, SCHEME,
        missing_reason=f"never reaches {target:.0%} test accuracy")
    for item in lines + missing:  # bandwidth in Gbps, so the ticks read as numbers
        item.x = [x / GBPS for x in item.x]
    keys, _ = ordered_keys(sweep.axis(BANDWIDTH, "x"))
    return Figure(kind="paper", name="thc_tta_vs_bandwidth",
                  title=f"THC: time to {target:.0%} test accuracy vs link bandwidth (VGG16, software PS)",
                  xlabel="Link bandwidth (Gbps)", ylabel=f"Time to {target:.0%} test accuracy (s)", runs=runs,
                  sweep=sweep.name, note=repetitions_note(ns), legend_title="Compression scheme", lines=lines,
                  missing=missing, xticks=[(p / GBPS, f"{p / GBPS:g}") for _, p in keys], logx=True,
                  ylim=(0, None)), warnings


def accuracy_curves(sweep, runs):
    """{scheme key: [(times, accuracies) per run]} from accuracy.csv."""
    curves = {}
    for run in runs:
        rows = run_table(sweep, run, "accuracy.csv", ["time_s", "test_accuracy"])
        where = f"runs/{run.run_id}/accuracy.csv"
        pairs = sorted(zip(column_values(rows, "time_s", where), column_values(rows, "test_accuracy", where)))
        curves.setdefault(run.point[SCHEME], []).append(pairs)
    return curves


def thc_accuracy_vs_time(sweep, bandwidth="10Gbps"):
    """Test accuracy against simulated time at one bandwidth: a line per scheme through the mean
    over seeds (the seeds evaluate at the same times), the target as a dashed line, and on it each
    scheme's mean time to the target over seeds (the runs' own metric, as in thc_tta_vs_bandwidth)."""
    where = {BANDWIDTH: bandwidth}
    runs = chosen_runs(sweep, where, (SCHEME,))
    target = target_accuracy(sweep, runs)
    curves, scheme_axis = accuracy_curves(sweep, runs), sweep.axis(SCHEME, "series")
    tta = metric_by_point(sweep, "time_to_accuracy_mean_s", (SCHEME,), where)
    lines, warnings, ns = [], [], set()
    for i, key in enumerate(k for k in scheme_axis.keys if k in curves):
        members, name = curves[key], name_of(scheme_axis, key)
        ns.add(len(members))
        times = [t for t, _ in members[0]]
        if any([t for t, _ in m] != times for m in members):
            raise PlotError(f"{name}'s seeds evaluate accuracy at different times")
        stats = [mean_bootstrap95([m[j][1] for m in members]) for j in range(len(times))]
        reached = tta.get((key,), [])
        got = [v for v in reached if v is not None]
        if got and len(got) == len(reached):
            mean_tta = sum(got) / len(got)
            label = f"{name}: {target:.0%} at {mean_tta:.1f} s"
        else:
            mean_tta = None
            label = f"{name}: never reaches {target:.0%} (best {max(s[0] for s in stats):.1%})" if not got else \
                f"{name}: reaches {target:.0%} in {len(got)} of {len(reached)} seeds only"
            warnings.append(f"{label} at {bandwidth}")
        lines.append(Line(label=label, x=times, y=[s[0] for s in stats], low=[s[1] for s in stats],
                          high=[s[2] for s in stats], color=i))
        if mean_tta is not None:
            lines.append(Line(label=None, x=[mean_tta], y=[target], color=i, marker=True))
    if not lines:
        raise PlotError(f"no accuracy.csv rows where {describe_where(where)}")
    shown = f"{quantity(bandwidth)[0] / GBPS:g} Gbps"
    return Figure(kind="paper", name="thc_accuracy_vs_time",
                  title=f"THC: test accuracy vs simulated time at {shown} (VGG16 times, softmax proxy)",
                  xlabel="Simulated time (s)", ylabel="Test accuracy (fraction)", runs=len(runs), sweep=sweep.name,
                  note=repetitions_note(sorted(ns)) + "; dot: mean time to target over seeds",
                  legend_title="Compression scheme", lines=lines, refs=[Ref(target, f"target {target:.0%}")]), warnings
