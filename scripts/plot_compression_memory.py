#!/usr/bin/python3
"""Draws study (b), THC and fp32 jobs sharing scarce switch memory, from the output of
`scripts/sweep.py run sweeps/compression_memory.json`:

    scripts/plot_compression_memory.py OUT [DEST]

One figure, DEST/compression_memory.{png,pdf} (DEST defaults to OUT/plots): a column per switch
memory size, a line per policy against the share of THC jobs, rows for the mean JCT, the mean
switch occupancy in aggregators, and the memory conflicts (collisions under ATP and ESA,
preemptions under ESA, on a log scale with 0 drawn at 1). Points are means over the sweep's
seeds, with their 95% interval as a band in the first two rows.

The share is read from the /workload/job_overrides axis: {"compression": "none"} is 0 (every
job fp32), {} is the scenario's own mix (2 of 4 jobs THC: 0.5), a THC object is 1.
Exit status: 0 drawn, 2 bad input (one line naming the problem)."""
import csv, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib.requires import require  # noqa: E402

require("plot_compression_memory.py", "numpy", "matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

POLICY = "/policies/switch_allocation"
OVERRIDES = "/workload/job_overrides"
MEMORY = "/workload/ina/aggregators"
STYLE = {"esa": ("tab:blue", "o"), "atp": ("tab:orange", "s"), "switchml": ("tab:green", "^")}


def thc_share(cell):
    overrides = json.loads(cell)
    if "compression" not in overrides:
        return 0.5  # the scenario's own mix: jobs a and b THC, c and d fp32
    return 0.0 if overrides["compression"] == "none" else 1.0


def load(out):
    path = os.path.join(out, "points.csv")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"plot_compression_memory.py: {path}: {e.strerror}")
    if not rows or any(k not in rows[0] for k in (POLICY, OVERRIDES, MEMORY)):
        sys.exit(f"plot_compression_memory.py: {path}: not a compression_memory sweep (axes {POLICY}, {OVERRIDES}, {MEMORY})")
    points = {}  # (policy, memory, share, metric) -> (mean, low, high)
    for r in rows:
        if r["mean"] == "":
            continue
        mean = float(r["mean"])
        low = float(r["ci95_low"]) if r["ci95_low"] else mean
        high = float(r["ci95_high"]) if r["ci95_high"] else mean
        points[(r[POLICY], int(r[MEMORY]), thc_share(r[OVERRIDES]), r["metric"])] = (mean, low, high)
    return points


def main(argv):
    if len(argv) not in (1, 2):
        sys.exit(__doc__)
    out = argv[0]
    dest = argv[1] if len(argv) == 2 else os.path.join(out, "plots")
    points = load(out)
    policies = [p for p in STYLE if any(k[0] == p for k in points)]
    memories = sorted({k[1] for k in points})
    shares = sorted({k[2] for k in points})
    # Occupancy is reported as a share of the switch's aggregators; aggregators held is what
    # compares across memory sizes.
    rows = [("jct_mean_s", "mean JCT (ms)", lambda v, m: v * 1e3),
            ("switch_occupancy_mean", "mean aggregators held", lambda v, m: v * m),
            ("conflicts", "collisions (ATP, ESA) and\npreemptions (ESA, dashed), log", None)]
    fig, axes = plt.subplots(len(rows), len(memories), figsize=(4.2 * len(memories), 3.2 * len(rows)), squeeze=False,
                             sharex=True)
    for c, memory in enumerate(memories):
        for r, (metric, label, scale) in enumerate(rows):
            ax = axes[r][c]
            for p in policies:
                color, marker = STYLE[p]
                series = [("ina_collisions", "-")] if metric == "conflicts" else [(metric, "-")]
                if metric == "conflicts" and p == "esa":
                    series.append(("ina_preemptions", "--"))
                if metric == "conflicts" and p == "switchml":
                    continue  # static pools: nothing collides or is preempted
                for name, dash in series:
                    xs, ys, lo, hi = [], [], [], []
                    for s in shares:
                        v = points.get((p, memory, s, name))
                        if v is None:
                            continue
                        f = scale or (lambda x, m: x)
                        xs.append(s), ys.append(f(v[0], memory)), lo.append(f(v[1], memory)), hi.append(f(v[2], memory))
                    if not xs:
                        continue
                    legend = p if dash == "-" else f"{p} preemptions"
                    if metric == "conflicts":
                        # Counts spread over orders of magnitude: log scale, where a 95% band
                        # from two seeds (t = 12.7) would reach below zero, so no band.
                        ys = [max(y, 1) for y in ys]
                    else:
                        ax.fill_between(xs, lo, hi, color=color, alpha=0.15, linewidth=0)
                    ax.plot(xs, ys, dash, color=color, marker=marker, label=legend)
            if r == 0:
                ax.set_title(f"{memory} aggregators")
            if c == 0:
                ax.set_ylabel(label)
            if r == len(rows) - 1:
                ax.set_xlabel("share of THC jobs")
            ax.set_xticks(shares)
            if metric == "conflicts":
                ax.set_yscale("log")
            else:
                ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            if c == 0 and r in (0, len(rows) - 1):
                ax.legend(fontsize=8)
    fig.suptitle("THC and fp32 INA jobs sharing one switch (4 jobs, 100 Gbps; mean of the sweep's seeds, 95% band)",
                 fontsize=10)
    fig.tight_layout()
    os.makedirs(dest, exist_ok=True)
    for ext in ("png", "pdf"):
        path = os.path.join(dest, f"compression_memory.{ext}")
        # Fixed metadata so that the same numbers give the same file.
        fig.savefig(path, dpi=110, metadata={"CreationDate": None} if ext == "pdf" else {"Software": None})
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
