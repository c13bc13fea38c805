#!/usr/bin/python3
"""The paper figures' logic (cslib/plot_fig*.py, scripts/figures.py) on synthetic sweep outputs
with known numbers: numeric axes in value order whatever the sweep file's order, bootstrap
intervals that stay inside the metric's domain where Student-t leaves it, a series that never
reaches its target marked (not dropped) and warned about, deadlines and targets drawn, values
in ms, and bad input as one line with exit status 2.

    test_figures.py"""
import csv, json, os, subprocess, sys, tempfile, unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIGURES = os.path.join(REPO, "scripts", "figures.py")
sys.path.insert(0, os.path.join(REPO, "scripts"))
from cslib import plot_fig_inference, plot_fig_training, plot_figdata, plot_style, plots, stats  # noqa: E402
from cslib.plot_data import Axis, PlotError, Sweep  # noqa: E402
from cslib.plot_stats import mean_bootstrap95  # noqa: E402

SCHEME, BANDWIDTH = plot_fig_training.SCHEME, plot_fig_training.BANDWIDTH
SYSTEM, RATE = plot_fig_inference.SYSTEM, plot_fig_inference.RATE


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f)


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def make_sweep(out, name, axes, repetitions, run, failed=()):
    """A finished sweep as scripts/sweep.py lays it out (run folders with run.json and
    summary.json, runs.csv); run(point, repetition, folder) returns the run's metrics and may
    write CSVs into its folder. The run ids in `failed` are marked failed and have no summary."""
    os.makedirs(os.path.join(out, "runs"))
    write_json(os.path.join(out, "sweep.json"), {"name": name, "scenario": "none.json", "axes": axes,
                                                 "repetitions": repetitions, "base_seed": 1})
    points = [{}]
    for axis in axes:
        points = [dict(p, **{axis["path"]: v}) for p in points for v in axis["values"]]
    rows = []
    for i, point in enumerate(points):
        for rep in range(repetitions):
            run_id = f"r{i}_{rep}"
            folder = os.path.join(out, "runs", run_id)
            os.makedirs(folder)
            write_json(os.path.join(folder, "run.json"), {"point": point, "repetition": rep, "seed": 1 + rep})
            metrics = run(point, rep, folder)
            if run_id not in failed:
                write_json(os.path.join(folder, "summary.json"), {"metrics": metrics})
            rows.append([run_id] + [point[a["path"]] for a in axes]
                        + [rep, 1 + rep, "failed" if run_id in failed else "ok"])
    write_csv(os.path.join(out, "runs.csv"), ["run_id"] + [a["path"] for a in axes] + ["repetition", "seed", "status"],
              rows)
    return Sweep(out)


class Bootstrap(unittest.TestCase):
    def test_latency_band_stays_above_zero_where_student_t_does_not(self):
        values = [0.002, 0.003, 0.250]  # two fast runs and one stuck behind a timeout
        t_low, _ = stats.ci95(values)
        self.assertLess(t_low, 0.0)  # the interval this replaces: a negative latency
        mean, low, high = mean_bootstrap95(values)
        self.assertAlmostEqual(mean, sum(values) / 3)
        self.assertGreaterEqual(low, min(values))
        self.assertLessEqual(high, max(values))
        self.assertLess(low, mean)
        self.assertGreater(high, mean)

    def test_deterministic_degenerate_and_single(self):
        values = [1.0, 4.0, 2.5, 3.0]
        self.assertEqual(mean_bootstrap95(values), mean_bootstrap95(values))
        self.assertEqual(mean_bootstrap95([0.5, 0.5, 0.5]), (0.5, 0.5, 0.5))
        self.assertEqual(mean_bootstrap95([7.0]), (7.0, None, None))

    def test_two_values_give_their_range(self):
        # Resampled means of two values are a, (a+b)/2 or b with odds 1/4, 1/2, 1/4.
        self.assertEqual(mean_bootstrap95([2.0, 6.0]), (4.0, 2.0, 6.0))


class SweepPlotBands(unittest.TestCase):
    def test_metric_vs_axis_band_from_the_runs_not_the_negative_t_interval(self):
        # DC-only at 50 frames/s in sweeps/hawkvision_load.json: two seeds, P99 436 and 712 ms.
        p99 = {0: 0.43623731199924165, 1: 0.7123063812061482}
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "load")
            sweep = make_sweep(out, "load", [{"path": RATE, "values": ["50/s"]}, {"path": SYSTEM, "values": ["dc_only"]}],
                               2, lambda p, r, d: {"latency_p99_s": p99[r]})
            t_low, t_high = stats.ci95(list(p99.values()))
            self.assertLess(t_low, -1.0)
            write_csv(os.path.join(out, "points.csv"), [RATE, SYSTEM, "metric", "n", "mean", "std", "ci95_low",
                                                        "ci95_high"],
                      [["50/s", "dc_only", "latency_p99_s", 2, sum(p99.values()) / 2, 0.195, t_low, t_high]])
            figure = plots.prepare(sweep, {"kind": "metric_vs_axis", "x": RATE, "y": "latency_p99_s",
                                           "series": SYSTEM})
        line, = figure.lines
        self.assertAlmostEqual(line.y[0], 574.2718466, places=5)
        self.assertAlmostEqual(line.low[0], 436.2373120, places=5)
        self.assertAlmostEqual(line.high[0], 712.3063812, places=5)
        self.assertEqual(figure.ylabel, "Latency P99 (ms)")
        self.assertEqual(figure.xlabel, "Frame rate per camera (frames/s)")


class NumericOrder(unittest.TestCase):
    def test_rates_and_bandwidths_sort_by_value(self):
        keys, numeric = plot_figdata.ordered_keys(Axis(RATE, ["10/s", "5/s", "50/s", "20/s"]))
        self.assertTrue(numeric)
        self.assertEqual([k for k, _ in keys], ["5/s", "10/s", "20/s", "50/s"])
        keys, _ = plot_figdata.ordered_keys(Axis(BANDWIDTH, ["100Gbps", "10Gbps", "25Gbps"]))
        self.assertEqual([p for _, p in keys], [10e9, 25e9, 100e9])

    def test_categories_keep_the_sweep_files_order(self):
        keys, numeric = plot_figdata.ordered_keys(Axis(SYSTEM, ["infaas", "hawkvision", "dc_only"]))
        self.assertFalse(numeric)
        self.assertEqual([k for k, _ in keys], ["infaas", "hawkvision", "dc_only"])

    def test_p99_vs_load_line_runs_in_rate_order_in_ms_with_deadline(self):
        def run(point, rep, folder):
            write_csv(os.path.join(folder, "tiers.csv"), plot_fig_inference.TIER_COLUMNS,
                      [[0, 0.8, 0.2, 0.05, 1], ["all", "", "", 0.05, ""]])
            rate = float(point[RATE].removesuffix("/s"))
            return {"latency_p99_s": rate / 1000 + rep / 10000}
        with tempfile.TemporaryDirectory() as tmp:
            sweep = make_sweep(os.path.join(tmp, "load"), "load", [
                {"path": RATE, "values": ["20/s", "5/s", "10/s"]}, {"path": SYSTEM, "values": ["hawkvision"]}], 2, run)
            figure, warnings = plot_fig_inference.p99_vs_load(sweep)
        self.assertEqual(warnings, [])
        line, = figure.lines
        self.assertEqual(line.x, [5.0, 10.0, 20.0])
        for got, want in zip(line.y, [5.05, 10.05, 20.05]):  # mean of rate ms and rate ms + 0.1 ms
            self.assertAlmostEqual(got, want)
        self.assertEqual([t for _, t in figure.xticks], ["5", "10", "20"])
        self.assertEqual(figure.ylabel, "P99 latency (ms)")
        self.assertEqual([(r.value, r.label) for r in figure.refs], [(200.0, "deadline 200 ms")])


def thc_run(point, rep, folder, never=("topk",), partial=None):
    """A THC-like run: accuracy.csv every 10 s, the target 0.8 reached at 10 s x (1 + rep) for
    reaching schemes; `never` schemes never reach it, nor does the `partial` (scheme, bandwidth)
    in repetition 1."""
    scheme = point[SCHEME]
    reaches = scheme not in never and not (partial == (scheme, point[BANDWIDTH]) and rep == 1)
    write_csv(os.path.join(folder, "compression_jobs.csv"), ["job", "target_accuracy"], [["j", 0.8]])
    write_csv(os.path.join(folder, "accuracy.csv"), ["time_s", "test_accuracy"],
              [[10 * k, (0.85 if k > rep else 0.5) if reaches else 0.7 + 0.01 * k] for k in range(1, 5)])
    return {"final_accuracy_mean": 0.8} | ({"time_to_accuracy_mean_s": 10.0 * (1 + rep)} if reaches else {})


class MissingSeries(unittest.TestCase):
    AXES = [{"path": BANDWIDTH, "values": ["25Gbps", "10Gbps"]}, {"path": SCHEME, "values": ["thc", "topk", "none"]}]

    def test_never_reaching_series_is_marked_and_warned(self):
        with tempfile.TemporaryDirectory() as tmp:
            sweep = make_sweep(os.path.join(tmp, "thc"), "thc", self.AXES, 2,
                               lambda p, r, d: thc_run(p, r, d, partial=("none", "25Gbps")))
            figure, warnings = plot_fig_training.thc_tta_vs_bandwidth(sweep)
            self.assertEqual([line.label for line in figure.lines], ["THC", "Uncompressed"])
            thc, none = figure.lines
            self.assertEqual(thc.x, [10.0, 25.0])  # Gbps, in value order
            self.assertEqual(thc.y, [15.0, 15.0])  # mean of 10 s and 20 s
            self.assertEqual((thc.low[0], thc.high[0]), (10.0, 20.0))
            # Uncompressed reached the target in one of two runs at 25 Gbps: no point there, a mark instead.
            self.assertEqual(none.x, [10.0])
            self.assertEqual([(m.label, m.x, m.color) for m in figure.missing], [
                ("TopK (10%): never reaches 80% test accuracy at any point, marked ×", [10.0, 25.0], 1),
                ("Uncompressed: never reaches 80% test accuracy at 25Gbps (in 1 of 2 runs), marked ×", [25.0], 2)])
            self.assertEqual(len(warnings), 2)
            self.assertIn("TopK (10%): never reaches 80% test accuracy at link bandwidth 10Gbps, 25Gbps", warnings[0])
            self.assertNotIn("/platform", warnings[0])
            # The mark is drawn: a figure with it differs from the same figure without it.
            with_mark = plot_style.draw(figure, os.path.join(tmp, "a"), formats=("png",))[0]
            figure.missing = []
            without = plot_style.draw(figure, os.path.join(tmp, "b"), formats=("png",))[0]
            with open(with_mark, "rb") as a, open(without, "rb") as b:
                self.assertNotEqual(a.read(), b.read())

    def test_accuracy_curve_names_the_scheme_that_misses_and_draws_the_target(self):
        with tempfile.TemporaryDirectory() as tmp:
            sweep = make_sweep(os.path.join(tmp, "thc"), "thc", self.AXES, 2, thc_run)
            figure, warnings = plot_fig_training.thc_accuracy_vs_time(sweep, bandwidth="10Gbps")
        labels = [line.label for line in figure.lines if line.label]
        self.assertEqual(labels, ["THC: 80% at 15.0 s", "TopK (10%): never reaches 80% (best 74.0%)",
                                  "Uncompressed: 80% at 15.0 s"])
        self.assertEqual(warnings, ["TopK (10%): never reaches 80% (best 74.0%) at 10Gbps"])
        self.assertEqual([(r.value, r.axis) for r in figure.refs], [(0.8, "y")])
        self.assertIn("10 Gbps", figure.title)
        thc = figure.lines[0]
        self.assertEqual(thc.y, [0.675, 0.85, 0.85, 0.85])  # seeds 0.85/0.5 at 10 s, then both 0.85
        self.assertGreaterEqual(min(thc.low), 0.5)


class HawkVisionBars(unittest.TestCase):
    def test_p99_per_system_in_ms_hatched_where_a_tier_is_missed(self):
        def run(point, rep, folder):
            missed = point[SYSTEM] == "edge_only"
            write_csv(os.path.join(folder, "tiers.csv"), plot_fig_inference.TIER_COLUMNS, [
                [0, 0.83, 0.2, 0.010 + rep * 0.001, 1], [1, 0.85, 0.2, 0.060, 0 if missed else 1],
                ["all", "", "", 0.050, ""]])
            return {}
        with tempfile.TemporaryDirectory() as tmp:
            sweep = make_sweep(os.path.join(tmp, "sys"), "sys", [
                {"path": SYSTEM, "values": ["hawkvision", "edge_only"]}], 3, run)
            figure, warnings = plot_fig_inference.p99_per_system(sweep)
        self.assertEqual(warnings, [])
        self.assertEqual(figure.categories, ["HawkVision", "Edge-only"])
        self.assertEqual([b.label for b in figure.bars],
                         ["tier 1 (accuracy ≥ 0.83)", "tier 2 (accuracy ≥ 0.85)", "all requests"])
        tier1, tier2, everything = figure.bars
        self.assertAlmostEqual(tier1.values[0], 11.0)
        self.assertGreaterEqual(tier1.low[0], 10.0)
        self.assertEqual(tier2.hatched, [False, True])
        self.assertEqual(everything.values, [50.0, 50.0])
        self.assertEqual([r.value for r in figure.refs], [200.0])
        self.assertGreater(figure.ylim[1], 200.0)  # the deadline is on the figure

    def test_power_groups_by_device_with_loads_in_value_order(self):
        def run(point, rep, folder):
            return {"edge_power_mean_w": (8.0 if point["/workload/edge/device"] == "jetson_xavier" else 4.0)
                    + float(point[RATE].removesuffix("/s")) / 10}
        with tempfile.TemporaryDirectory() as tmp:
            sweep = make_sweep(os.path.join(tmp, "dev"), "dev", [
                {"path": "/workload/edge/device", "values": ["jetson_xavier", "fpga"]},
                {"path": RATE, "values": ["25/s", "10/s"]}], 2, run)
            figure, _ = plot_fig_inference.power_gpu_vs_fpga(sweep)
        self.assertEqual([b.label for b in figure.bars], ["10 frames/s per camera", "25 frames/s per camera"])
        self.assertEqual(figure.bars[0].values, [9.0, 5.0])
        self.assertEqual(figure.bars[1].values, [10.5, 6.5])
        idle = {(r.category, r.value) for r in figure.refs if r.label.startswith("idle")}
        self.assertEqual(idle, {(0, 7.6), (1, 3.0)})  # profiles/inference/devices.json


class CommandLine(unittest.TestCase):
    def run_figures(self, *args):
        return subprocess.run(["/usr/bin/python3", FIGURES, *args], capture_output=True, text=True)

    def test_missing_sweep_output_is_one_line_exit_2(self):
        with tempfile.TemporaryDirectory() as tmp:
            done = self.run_figures("--sweeps", tmp, "--dest", os.path.join(tmp, "png"), "esa_jct_vs_memory")
            self.assertEqual(done.returncode, 2)
            self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
            self.assertIn("esa_jct_vs_memory (from sweeps/esa_memory.json", done.stderr)
            self.assertIn("--run runs the sweep", done.stderr)
            self.assertFalse(os.path.exists(os.path.join(tmp, "png")))

    def test_uncollected_sweep_is_refused_and_failed_runs_warned(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "thc_bandwidth")
            make_sweep(out, "thc_bandwidth", MissingSeries.AXES, 1, thc_run, failed=("r0_0",))
            done = self.run_figures("--sweeps", tmp, "--dest", os.path.join(tmp, "png"), "thc_tta_vs_bandwidth")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("warning: thc_tta_vs_bandwidth: 1 of 6 runs failed or are missing", done.stderr)
            os.remove(os.path.join(out, "runs.csv"))  # as while the sweep still runs
            done = self.run_figures("--sweeps", tmp, "--dest", os.path.join(tmp, "png"), "thc_tta_vs_bandwidth")
            self.assertEqual(done.returncode, 2)
            self.assertIn("runs.csv not found: the sweep is unfinished or not collected", done.stderr)

    def test_unknown_figure(self):
        done = self.run_figures("esa_jct")
        self.assertEqual(done.returncode, 2)
        self.assertTrue(done.stderr.startswith("figures.py: unknown figure 'esa_jct' (figures: esa_jct_vs_memory,"))

    def test_draws_from_a_sweep_folder_and_warns(self):
        with tempfile.TemporaryDirectory() as tmp:
            make_sweep(os.path.join(tmp, "thc_bandwidth"), "thc_bandwidth", MissingSeries.AXES, 1, thc_run)
            done = self.run_figures("--sweeps", tmp, "--dest", os.path.join(tmp, "png"), "thc_tta_vs_bandwidth")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout.strip(), os.path.join(tmp, "png", "thc_tta_vs_bandwidth.png"))
            self.assertIn("warning: thc_tta_vs_bandwidth: TopK (10%): never reaches 80%", done.stderr)


class BadData(unittest.TestCase):
    def test_metric_no_run_reports(self):
        with tempfile.TemporaryDirectory() as tmp:
            sweep = make_sweep(os.path.join(tmp, "s"), "s", [{"path": RATE, "values": ["5/s"]},
                                                             {"path": SYSTEM, "values": ["hawkvision"]}], 1,
                               lambda p, r, d: {"accuracy": 0.8})
            with self.assertRaisesRegex(PlotError, "no run of sweep s reports metric 'latency_p99_s'"):
                plot_fig_inference.p99_vs_load(sweep)


if __name__ == "__main__":
    unittest.main(verbosity=2)
