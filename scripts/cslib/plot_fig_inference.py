"""HawkVision's figures: P99 per system and tier (grouped bars), P99 against load, the latency
CDF per tier, and edge power on a GPU against an FPGA (see cslib/plot_figures.py)."""
import json, os

from .plot_data import PlotError, natural_key, quantity
from .plot_figdata import MS, REPO, chosen_runs, column_values, lines_over_x, name_of, ordered_keys, \
    repetitions_note, run_table
from .plot_stats import ecdf, mean_bootstrap95
from .plot_style import Bars, Figure, Line, Ref

SYSTEM, RATE, DEVICE = "/workload/system", "/workload/arrivals/rate", "/workload/edge/device"
TIER_COLUMNS = ["tier", "accuracy_target", "deadline_s", "latency_p99_s", "accuracy_met"]


def deadline_refs(sweep, runs):
    """The tiers' deadlines (tiers.csv) as dashed lines, in ms; one line per distinct deadline."""
    deadlines = set()
    for run in runs:
        rows = run_table(sweep, run, "tiers.csv", ["tier", "deadline_s"])
        deadlines |= {v for v in column_values([r for r in rows if r["tier"] != "all"], "deadline_s",
                                                f"runs/{run.run_id}/tiers.csv") if v is not None}
    return [Ref(d * MS, f"deadline {d * MS:g} ms") for d in sorted(deadlines)]


def headroom(bars, refs, factor=1.45):
    """A y limit leaving the top of the axes to the legend, above every bar, whisker and line."""
    tops = [v for b in bars for v in b.values + b.high if v is not None] + [r.value for r in refs]
    return max(tops) * factor if tops else None


def tier_name(row):
    return f"tier {int(row['tier']) + 1} (accuracy ≥ {float(row['accuracy_target']):g})"


def p99_per_system(sweep):
    """Bars grouped by system, one per accuracy tier and one for all requests: P99 latency, mean
    over seeds with bootstrap whiskers; hatched where a seed missed the tier's accuracy target."""
    runs = chosen_runs(sweep, None, (SYSTEM,))
    axis = sweep.axis(SYSTEM, "x")
    per = {}  # (system key, tier) -> [(p99 ms, accuracy met)]
    tiers = {}
    for run in runs:
        for row in run_table(sweep, run, "tiers.csv", TIER_COLUMNS):
            tier = row["tier"]
            if tier != "all":
                tiers[tier] = tier_name(row)
            p99 = float(row["latency_p99_s"]) * MS
            met = row["accuracy_met"] in ("", "1")  # "all" has no target of its own
            per.setdefault((run.point[SYSTEM], tier), []).append((p99, met))
    order = sorted(tiers, key=natural_key) + ["all"]
    names = {**tiers, "all": "all requests"}
    systems = [k for k in axis.keys if any((k, t) in per for t in order)]
    bars, warnings, ns = [], [], set()
    for i, tier in enumerate(order):
        values, low, high, hatched = [], [], [], []
        for key in systems:
            got = per.get((key, tier), [])
            ns.add(len(got))
            m, lo, hi = mean_bootstrap95([p for p, _ in got]) if got else (None, None, None)
            values.append(m), low.append(lo), high.append(hi)
            hatched.append(any(not met for _, met in got))
            if not got:
                warnings.append(f"{name_of(axis, key)}: no {names[tier]} in tiers.csv")
        bars.append(Bars(label=names[tier], values=values, low=low, high=high, color=i, hatched=hatched,
                         annotate="{:.1f}" if tier == "all" else None))
    refs = deadline_refs(sweep, runs)
    return Figure(kind="paper", name="hawkvision_p99_per_system",
                  title="HawkVision: P99 latency per system and accuracy tier (reproduction scenario)",
                  xlabel="Serving system", ylabel="P99 latency (ms)", runs=len(runs), sweep=sweep.name,
                  note=repetitions_note(sorted(ns), "whiskers"), legend_title="Requests", bars=bars,
                  categories=[name_of(axis, k) for k in systems], refs=refs,
                  hatch_label="tier's accuracy target missed", ylim=(0, headroom(bars, refs))), warnings


def p99_vs_load(sweep):
    lines, missing, warnings, runs, ns = lines_over_x(sweep, "latency_p99_s", RATE, SYSTEM, scale=MS)
    axis = sweep.axis(RATE, "x")
    keys, _ = ordered_keys(axis)
    return Figure(kind="paper", name="hawkvision_p99_vs_load",
                  title="HawkVision: P99 latency vs load (16 cameras, 4 Jetson Xavier edges, 2 V100s)",
                  xlabel="Frame rate per camera (frames/s)", ylabel="P99 latency (ms)", runs=runs, sweep=sweep.name,
                  note=repetitions_note(ns), legend_title="Serving system", lines=lines, missing=missing,
                  xticks=[(p, f"{p:g}") for _, p in keys], refs=deadline_refs(sweep, chosen_runs(sweep, None, (RATE, SYSTEM))),
                  ylim=(0, None)), warnings


def latency_cdf(sweep):
    """The CDF of end-to-end latency per tier (colour) and system (line style), every seed's
    requests pooled; unanswered requests (no latency) are counted and warned about."""
    runs = chosen_runs(sweep, None, (SYSTEM,))
    axis = sweep.axis(SYSTEM, "series")
    pooled, unanswered, names = {}, {}, {}
    for run in runs:
        rows = run_table(sweep, run, "requests.csv", ["tier", "latency_s"])
        latencies = column_values(rows, "latency_s", f"runs/{run.run_id}/requests.csv")
        key = run.point[SYSTEM]
        for row, latency in zip(rows, latencies):
            if latency is None:
                unanswered[key] = unanswered.get(key, 0) + 1
            else:
                pooled.setdefault((key, row["tier"]), []).append(latency * MS)
        for row in run_table(sweep, run, "tiers.csv", TIER_COLUMNS):
            if row["tier"] != "all":
                names[row["tier"]] = tier_name(row)
    tiers = sorted({t for _, t in pooled}, key=natural_key)
    lines = []
    for si, key in enumerate(k for k in axis.keys if any((k, t) in pooled for t in tiers)):
        for ti, tier in enumerate(tiers):
            values = pooled.get((key, tier))
            if values:
                xs, ys = ecdf(values)
                lines.append(Line(label=f"{name_of(axis, key)}, {names.get(tier, 'tier ' + tier)} (n={len(values)})",
                                  x=[xs[0]] + list(xs), y=[0.0] + list(ys), color=ti, dashes=si, steps=True))
    if not lines:
        raise PlotError(f"no answered request in sweep {sweep.name}'s requests.csv")
    warnings = [f"{name_of(axis, k)}: {n} request(s) never answered, left out of the CDF" for k, n in unanswered.items()]
    refs = [Ref(r.value, r.label, axis="x") for r in deadline_refs(sweep, runs)]
    # Plain numbers on the log axis (1-2-5 steps), up to the deadline.
    low, high = min(line.x[0] for line in lines), max([line.x[-1] for line in lines] + [r.value for r in refs])
    ticks = [m * 10 ** e for e in range(-3, 6) for m in (1, 2, 5) if low / 1.5 <= m * 10 ** e <= high * 1.5]
    return Figure(kind="paper", name="hawkvision_latency_cdf",
                  title="HawkVision: end-to-end latency CDF per accuracy tier (reproduction scenario)",
                  xlabel="End-to-end latency (ms, log scale)", ylabel="Fraction of requests ≤ latency",
                  runs=len(runs), sweep=sweep.name,
                  note=f"requests of {len(runs) // max(1, len(axis.keys))} seed(s) per system pooled",
                  legend_title="System, tier", lines=lines, refs=refs, xticks=[(t, f"{t:g}") for t in ticks],
                  logx=True, ylim=(0, 1.01)), warnings


def device_powers(path=None):
    """{device: (idle W, busy W)} from the inference device profiles."""
    path = path or os.path.join(REPO, "profiles", "inference", "devices.json")
    try:
        with open(path) as f:
            devices = json.load(f)["devices"]
        return {k: (quantity(d["idle_power"])[0], quantity(d["busy_power"])[0]) for k, d in devices.items()}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise PlotError(f"{path}: cannot read idle_power and busy_power ({e})") from None


def power_gpu_vs_fpga(sweep):
    """Bars grouped by edge device, one per load in value order: mean power per edge device, with
    each device's idle power (the floor) and power budget (busy power, the ceiling) drawn over its
    group, since the ratio of the two devices' means cannot leave those bounds."""
    device_axis, rate_axis = sweep.axis(DEVICE, "x"), sweep.axis(RATE, "series")
    grouped = {}
    for run in chosen_runs(sweep, None, (DEVICE, RATE)):
        grouped.setdefault((run.point[DEVICE], run.point[RATE]), []).append(
            sweep.metrics(run).get("edge_power_mean_w"))
    rates, _ = ordered_keys(rate_axis)
    devices = [k for k in device_axis.keys if any((k, r) in grouped for r, _ in rates)]
    bars, warnings, ns, runs = [], [], set(), 0
    for i, (rate, _) in enumerate(rates):
        stats = []
        for device in devices:
            values = grouped.get((device, rate), [])
            runs += len(values)
            ns.add(len(values))
            if not values or any(v is None for v in values):
                warnings.append(f"{name_of(device_axis, device)} at {rate_axis.labels[rate]}: no edge_power_mean_w")
                stats.append((None, None, None))
            else:
                stats.append(mean_bootstrap95(values))
        bars.append(Bars(label=f"{rate_axis.labels[rate].removesuffix('/s')} frames/s per camera",
                         values=[s[0] for s in stats], low=[s[1] for s in stats], high=[s[2] for s in stats], color=i,
                         annotate="{:.1f} W"))
    powers = device_powers()
    refs = []
    for ci, device in enumerate(devices):
        if device in powers:
            idle, busy = powers[device]
            refs += [Ref(idle, f"idle {idle:g} W", category=ci), Ref(busy, f"budget {busy:g} W", category=ci, style=":")]
    return Figure(kind="paper", name="hawkvision_power_gpu_vs_fpga",
                  title="HawkVision: mean power per edge device, GPU vs FPGA edge",
                  xlabel="Edge device", ylabel="Mean power per edge device (W)", runs=runs, sweep=sweep.name,
                  note=repetitions_note(sorted(ns), "whiskers") + "; dashed: idle power, dotted: busy power (profiles)",
                  legend_title="Load", bars=bars, categories=[name_of(device_axis, d) for d in devices],
                  refs=refs, ylim=(0, None)), warnings
