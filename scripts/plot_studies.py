#!/usr/bin/python3
"""Draws the studies of several workloads on one cluster (docs/studies.md) from the output of
their sweeps:

    scripts/plot_studies.py inference_under_training OUT [DEST]
    scripts/plot_studies.py compressed_training_beside_inference OUT [DEST]

One figure per study, DEST/<study>.{png,pdf} (DEST defaults to OUT/plots): against the study's
ordered axis (the training load), a line per series through the mean over seeds with every
seed's run as a dot, one panel per metric. Every run is drawn, so nothing is hidden by an
interval; a series with no runs is warned about and named in the legend as missing.
Exit status: 0 drawn, 2 bad input (one line naming the problem)."""
import csv, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cslib.requires import require  # noqa: E402

require("plot_studies.py", "numpy", "matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SYSTEM = "/workloads/0/system"
COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
MARKERS = ["o", "s", "^", "D", "v", "P"]


def scheme_name(cell):
    # runs.csv holds a string value as it is and an object as JSON.
    return "fp32" if cell == "none" else json.loads(cell)["scheme"].upper()


# x: (axis path, [(value, label)] from least to most load, axis label); series: how a run is
# named in the legend; panels: (metric, label, scale).
STUDIES = {
    "inference_under_training": {
        "title": "Edge inference while ring all-reduce jobs load the leaf-spine behind the WAN",
        "x": ("/workloads/1/job_defaults/compute",
              [("10000s", "none"), ("1s", "1 s"), ("200ms", "200 ms"), ("50ms", "50 ms"), ("0s", "0 s\n(back to back)")],
              "training compute per iteration (load grows to the right)"),
        "series": lambda r: r[SYSTEM],
        "legend": "serving system",
        "panels": [("hv/latency_p99_s", "inference P99 latency (ms)", 1e3),
                   ("hv/latency_p50_s", "inference median latency (ms)", 1e3),
                   ("train/iterations_completed", "training iterations completed\n(4 ring jobs, 32 s)", 1)],
    },
    "compressed_training_beside_inference": {
        "title": "Edge inference beside PS training under leaf0: THC-compressed or fp32 gradients",
        "x": ("/workloads/1/job_defaults/compute", [("500ms", "500 ms"), ("100ms", "100 ms"), ("20ms", "20 ms")],
              "training compute per iteration (load grows to the right)"),
        "series": lambda r: f"{r[SYSTEM]}, {scheme_name(r['/workloads/1/job_defaults/compression'])} training",
        "legend": "serving system, gradients",
        "panels": [("hv/latency_p99_s", "inference P99 latency (ms)", 1e3),
                   ("train/iterations_completed", "training iterations completed\n(4 PS jobs, 32 s)", 1)],
        "deadline_ms": 200,
    },
}


def main(argv):
    if len(argv) not in (2, 3) or argv[0] not in STUDIES:
        sys.exit(__doc__)
    study, out = STUDIES[argv[0]], argv[1]
    dest = argv[2] if len(argv) == 3 else os.path.join(out, "plots")
    path = os.path.join(out, "runs.csv")
    try:
        with open(path, newline="") as f:
            runs = [r for r in csv.DictReader(f) if r.get("status") == "ok"]
    except OSError as e:
        sys.exit(f"plot_studies.py: {path}: {e.strerror}")
    axis, values, axis_label = study["x"]
    if not runs or any(k not in runs[0] for k in (axis, study["panels"][0][0])):
        sys.exit(f"plot_studies.py: {path}: not a {argv[0]} sweep")
    order = {value: i for i, (value, _) in enumerate(values)}
    unknown = {r[axis] for r in runs} - order.keys()
    if unknown:
        sys.exit(f"plot_studies.py: {path}: {axis} values {sorted(unknown)} have no place on the axis")
    series = sorted({study["series"](r) for r in runs})
    panels = study["panels"]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2))
    for ax, (metric, label, scale) in zip(axes, panels):
        for k, name in enumerate(series):
            mine = [r for r in runs if study["series"](r) == name]
            color, marker = COLORS[k % len(COLORS)], MARKERS[k % len(MARKERS)]
            xs, means = [], []
            for value, _ in values:
                points = [float(r[metric]) * scale for r in mine if r[axis] == value]
                if not points:
                    print(f"warning: {name} has no run at {value}", file=sys.stderr)
                    continue
                x = order[value] + (k - (len(series) - 1) / 2) * 0.06  # side by side, so the dots stay apart
                ax.scatter([x] * len(points), points, color=color, marker=marker, s=14, alpha=0.45)
                xs.append(x)
                means.append(sum(points) / len(points))
            ax.plot(xs, means, color=color, marker=marker, label=name)
        if "deadline_ms" in study and metric.endswith("latency_p99_s"):
            ax.axhline(study["deadline_ms"], color="black", linestyle=":", linewidth=1)
            ax.text(len(values) - 1, study["deadline_ms"], " tier deadline", va="bottom", ha="right", fontsize=8)
        ax.set_xticks(range(len(values)), [label_ for _, label_ in values])
        ax.set_xlabel(axis_label)
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(title=study["legend"], fontsize=8)
    fig.suptitle(f"{study['title']} (dots: seeds; lines: means)")
    fig.tight_layout()
    os.makedirs(dest, exist_ok=True)
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(dest, f"{argv[0]}.{ext}"), dpi=130)
    print(f"wrote {dest}/{argv[0]}.png and .pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
