#!/usr/bin/python3
"""Draws study (a), edge inference while training loads the DC fabric, from the output of
`scripts/sweep.py run sweeps/inference_under_training.json`:

    scripts/plot_inference_under_training.py OUT [DEST]

One figure, DEST/inference_under_training.{png,pdf} (DEST defaults to OUT/plots): against the
training load (the ring jobs' compute per iteration, from none while the cameras run to back to
back), a line per serving system through the mean over seeds with every seed's run as a dot, for
the inference P99 latency (ms), its median (ms), and the training iterations completed in the
run (how much the fabric carried). Every run is drawn, so nothing is hidden by an interval.
Exit status: 0 drawn, 2 bad input (one line naming the problem)."""
import csv, os, sys

try:
    import matplotlib
except ImportError:
    sys.exit("plot_inference_under_training.py: needs matplotlib: apt-get install python3-matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SYSTEM = "/workloads/0/system"
LOAD = "/workloads/1/job_defaults/compute"
# From no load to the most: a longer compute per iteration sends less often.
LOADS = [("10000s", "none"), ("1s", "1 s"), ("200ms", "200 ms"), ("50ms", "50 ms"), ("0s", "0 s\n(back to back)")]
STYLE = {"hawkvision": ("tab:blue", "o"), "infaas": ("tab:orange", "s"), "dc_only": ("tab:green", "^")}
PANELS = [("hv/latency_p99_s", "inference P99 latency (ms)", 1e3), ("hv/latency_p50_s", "inference median latency (ms)", 1e3),
          ("train/iterations_completed", "training iterations completed\n(4 ring jobs, 32 s)", 1)]


def main(argv):
    if len(argv) not in (1, 2):
        sys.exit(__doc__)
    out = argv[0]
    dest = argv[1] if len(argv) == 2 else os.path.join(out, "plots")
    path = os.path.join(out, "runs.csv")
    try:
        with open(path, newline="") as f:
            runs = [r for r in csv.DictReader(f) if r.get("status") == "ok"]
    except OSError as e:
        sys.exit(f"plot_inference_under_training.py: {path}: {e.strerror}")
    if not runs or any(k not in runs[0] for k in (SYSTEM, LOAD, PANELS[0][0])):
        sys.exit(f"plot_inference_under_training.py: {path}: not an inference_under_training sweep")
    order = {value: i for i, (value, _) in enumerate(LOADS)}
    unknown = {r[LOAD] for r in runs} - order.keys()
    if unknown:
        sys.exit(f"plot_inference_under_training.py: {path}: loads {sorted(unknown)} have no place on the axis")
    fig, axes = plt.subplots(1, len(PANELS), figsize=(5 * len(PANELS), 4))
    for ax, (metric, label, scale) in zip(axes, PANELS):
        for k, (system, (color, marker)) in enumerate(STYLE.items()):
            mine = [r for r in runs if r[SYSTEM] == system]
            if not mine:
                print(f"warning: no runs of {system}", file=sys.stderr)
                continue
            xs, means = [], []
            for value, _ in LOADS:
                values = [float(r[metric]) * scale for r in mine if r[LOAD] == value]
                if not values:
                    continue
                x = order[value] + (k - 1) * 0.08  # side by side, so the dots stay apart
                ax.scatter([x] * len(values), values, color=color, marker=marker, s=14, alpha=0.45)
                xs.append(x)
                means.append(sum(values) / len(values))
            ax.plot(xs, means, color=color, marker=marker, label=system)
        ax.set_xticks(range(len(LOADS)), [label_ for _, label_ in LOADS])
        ax.set_xlabel("training compute per iteration (load grows to the right)")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(title="serving system")
    fig.suptitle("Edge inference while ring all-reduce jobs load the leaf-spine behind the WAN (dots: seeds; lines: means)")
    fig.tight_layout()
    os.makedirs(dest, exist_ok=True)
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(dest, f"inference_under_training.{ext}"), dpi=130)
    print(f"wrote {dest}/inference_under_training.png and .pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
