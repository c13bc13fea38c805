"""The paper figures of the seed headlines (results/figures/, drawn by scripts/figures.py): which
sweep each is drawn from and what it shows. A builder takes the sweep's output (plot_data.Sweep)
and returns (plot_style.Figure, warnings): a warning for each series or point that cannot be
drawn, which the figure also marks."""
from dataclasses import dataclass

from . import plot_fig_inference, plot_fig_training


@dataclass
class PaperFigure:
    name: str         # results/figures/<name>.png
    sweep_file: str   # relative to the repository; its "name" is the output folder's
    build: object     # Sweep -> (Figure, [warning])
    shows: str


FIGURES = [
    PaperFigure("esa_jct_vs_memory", "sweeps/esa_memory.json", plot_fig_training.esa_jct_vs_memory,
                "mean JCT of ESA, ATP and SwitchML against the switch's aggregators"),
    PaperFigure("thc_tta_vs_bandwidth", "sweeps/thc_bandwidth.json", plot_fig_training.thc_tta_vs_bandwidth,
                "time to 80% test accuracy of THC, uncompressed and TopK against link bandwidth"),
    PaperFigure("thc_accuracy_vs_time", "sweeps/thc_bandwidth.json", plot_fig_training.thc_accuracy_vs_time,
                "test accuracy against simulated time at 10 Gbps, THC, uncompressed and TopK, 80% target"),
    PaperFigure("hawkvision_p99_per_system", "sweeps/hawkvision_systems.json",
                plot_fig_inference.p99_per_system, "P99 latency per system and accuracy tier, 200 ms deadline"),
    PaperFigure("hawkvision_p99_vs_load", "sweeps/hawkvision_load.json", plot_fig_inference.p99_vs_load,
                "P99 latency against frames per second per camera, HawkVision, INFaaS-style, DC-only"),
    PaperFigure("hawkvision_latency_cdf", "results/figures/sweeps/hawkvision_latency.json",
                plot_fig_inference.latency_cdf, "latency CDF per accuracy tier, HawkVision and INFaaS-style"),
    PaperFigure("hawkvision_power_gpu_vs_fpga", "sweeps/hawkvision_edge_device.json",
                plot_fig_inference.power_gpu_vs_fpga, "mean power per edge device, Jetson Xavier vs FPGA"),
]
