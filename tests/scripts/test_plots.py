#!/usr/bin/python3
"""scripts/plot.py and cslib.plots: every plot kind on a synthetic sweep output with known
numbers (checking the plotted values, then the PNG and PDF), one bad input per kind through the
command line, and per_job on two real tiny simulations laid out as a sweep by hand.

    test_plots.py [CLUSTERSIM]      (without it, the end-to-end test is skipped)"""
import csv, json, math, os, random, subprocess, sys, tempfile, unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOT = os.path.join(REPO, "scripts", "plot.py")
PYTHON = "/usr/bin/python3"
sys.path.insert(0, os.path.join(REPO, "scripts"))
from cslib import plot_style, plots  # noqa: E402

# The binary comes first when given; other arguments (test names) go to unittest.
CLUSTERSIM = sys.argv.pop(1) if len(sys.argv) > 1 and os.path.isfile(sys.argv[1]) else None

LOAD, SERVING, BANDWIDTH = "/workload/load", "/policies/serving", "/platform/link/bandwidth"
AXES = [{"path": LOAD, "values": [0.5, 0.7, 0.9]}, {"path": SERVING, "values": ["fifo", "edf"]},
        {"path": BANDWIDTH, "values": ["1Gbps", "10Gbps"]}]
REPETITIONS = 2
FAILED = (0.9, "edf", "1Gbps", 1)  # this run failed: its point has n = 1 and it appears in no plot
T975_1 = 12.706                     # Student t, 1 degree of freedom


def jct_mean(load, serving, bandwidth, rep):
    return 10 * load + (1.0 if serving == "fifo" else 0.0) + (0.5 if bandwidth == "1Gbps" else 0.0) + 0.2 * rep


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def make_synthetic_sweep(out):
    """A finished sweep's output as scripts/sweep.py lays it out, with numbers the tests know."""
    os.makedirs(os.path.join(out, "runs"))
    sweep = {"name": "synthetic", "scenario": "scenarios/none.json", "axes": AXES, "repetitions": REPETITIONS,
             "base_seed": 1, "metrics": ["jct_mean_s", "jct_p99_s"], "plots": []}
    write_json(os.path.join(out, "sweep.json"), sweep)
    runs_rows, by_point, index = [], {}, 0
    for load in AXES[0]["values"]:
        for serving in AXES[1]["values"]:
            for bandwidth in AXES[2]["values"]:
                for rep in range(REPETITIONS):
                    run_id, seed = f"r{index:04d}", 1 + rep
                    index += 1
                    point = {LOAD: load, SERVING: serving, BANDWIDTH: bandwidth}
                    run_dir = os.path.join(out, "runs", run_id)
                    os.makedirs(run_dir)
                    write_json(os.path.join(run_dir, "run.json"),
                               {"run_id": run_id, "scenario": "scenarios/none.json", "seed": seed, "repetition": rep,
                                "overrides": [f"{k}={v}" for k, v in point.items()], "point": point})
                    failed = (load, serving, bandwidth, rep) == FAILED
                    m = jct_mean(load, serving, bandwidth, rep)
                    metrics = {"jct_mean_s": m, "jct_p99_s": 2 * m}
                    runs_rows.append([run_id, load, serving, bandwidth, rep, seed, "failed" if failed else "ok"]
                                     + (["", ""] if failed else [metrics["jct_mean_s"], metrics["jct_p99_s"]]))
                    if failed:
                        continue
                    for name, value in metrics.items():
                        by_point.setdefault((load, serving, bandwidth, name), []).append(value)
                    write_json(os.path.join(run_dir, "summary.json"), {"metrics": metrics})
                    # Job c never finishes in the 0.9 fifo runs: an empty jct_s, as clustersim writes it.
                    write_csv(os.path.join(run_dir, "jobs.csv"), ["job", "model", "jct_s"],
                              [["a", "ResNet50", m], ["b", "VGG16", 2 * m],
                               ["c", "VGG16", "" if (load, serving) == (0.9, "fifo") else 3 * m]])
                    rng = random.Random(index)
                    write_csv(os.path.join(run_dir, "requests.csv"), ["request", "tier", "latency_s"],
                              [[i, tier, rng.lognormvariate(-3 if tier == "edge" else -1, 0.5) * (1 + load)]
                               for i, tier in enumerate(["edge", "cloud"] * 20)])
                    # fifo's rounds land at the same times in every repetition (their mean is drawn),
                    # edf's drift with the repetition (each run is drawn thin).
                    step = 1.0 if serving == "fifo" else 1.0 + 0.01 * (rep + 1)
                    write_csv(os.path.join(run_dir, "accuracy.csv"), ["job", "round", "time_s", "test_accuracy"],
                              [["a", r, r * step, 1 - math.exp(-r / 5) + 0.01 * rep] for r in range(1, 21)])
    write_csv(os.path.join(out, "runs.csv"),
              ["run_id", LOAD, SERVING, BANDWIDTH, "repetition", "seed", "status", "jct_mean_s", "jct_p99_s"],
              runs_rows)
    points_rows = []
    for (load, serving, bandwidth, name), values in by_point.items():
        n, mean = len(values), sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else float("nan")
        half = T975_1 * std / math.sqrt(n) if n == 2 else float("nan")
        points_rows.append([load, serving, bandwidth, name, n, mean, std, mean - half, mean + half])
    write_csv(os.path.join(out, "points.csv"),
              [LOAD, SERVING, BANDWIDTH, "metric", "n", "mean", "std", "ci95_low", "ci95_high"], points_rows)
    return sweep


def run_plot(*args):
    return subprocess.run([PYTHON, PLOT, *args], capture_output=True, text=True)


class FigureFiles(unittest.TestCase):
    def assert_figure_files(self, directory, name):
        for ext, signature in (("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF")):
            path = os.path.join(directory, "plots", f"{name}.{ext}")
            self.assertTrue(os.path.exists(path), path)
            data = read_bytes(path)
            self.assertTrue(data.startswith(signature), f"{path} is not a {ext}")
            self.assertGreater(len(data), 1024, path)


class SyntheticSweep(FigureFiles):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "sweep")
        make_synthetic_sweep(cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def plot(self, spec):
        figure, paths = plots.plot(plots.Sweep(self.out), spec)
        self.assertEqual([os.path.basename(p) for p in paths], [f"{figure.name}.png", f"{figure.name}.pdf"])
        self.assert_figure_files(self.out, figure.name)
        return figure

    def test_metric_vs_axis_means_bands_and_n1(self):
        figure = self.plot({"kind": "metric_vs_axis", "x": LOAD, "y": "jct_mean_s", "series": SERVING,
                            "where": {BANDWIDTH: "1Gbps"}})
        self.assertEqual(figure.name, "jct_mean_s_vs_load_bandwidth=1Gbps")
        self.assertEqual([line.label for line in figure.lines], ["fifo", "edf"])  # the sweep file's order
        fifo, edf = figure.lines
        self.assertEqual(fifo.x, [0.5, 0.7, 0.9])
        for x, y in zip(fifo.x, fifo.y):
            self.assertAlmostEqual(y, (jct_mean(x, "fifo", "1Gbps", 0) + jct_mean(x, "fifo", "1Gbps", 1)) / 2)
        # The band is the runs' bootstrap, not points.csv's Student-t interval (+-1.27 here): with
        # two runs 0.2 apart, the two runs themselves.
        self.assertAlmostEqual(fifo.low[0], jct_mean(0.5, "fifo", "1Gbps", 0))
        self.assertAlmostEqual(fifo.high[0], jct_mean(0.5, "fifo", "1Gbps", 1))
        self.assertIn("bootstrap 95% interval", figure.caption())
        self.assertEqual(figure.legend_title, "Serving")  # the axis named, not its JSON pointer
        # The failed repetition leaves (0.9, edf, 1Gbps) with one run: its mean, no band.
        self.assertAlmostEqual(edf.y[-1], jct_mean(0.9, "edf", "1Gbps", 0))
        self.assertIsNone(edf.low[-1])
        self.assertEqual(figure.runs, 11)
        self.assertIn("sweep synthetic", figure.caption())
        self.assertIn("11 runs", figure.caption())
        self.assertEqual(figure.ylabel, "JCT mean (seconds)")

    def test_metric_vs_axis_quantity_axis_logx(self):
        figure = self.plot({"kind": "metric_vs_axis", "x": BANDWIDTH, "y": "jct_p99_s", "series": SERVING,
                            "where": {LOAD: 0.7}, "logx": True, "name": "p99_vs_bandwidth"})
        self.assertEqual(figure.lines[0].x, [1e9, 1e10])  # numeric positions ...
        self.assertEqual(figure.xticks, [(1e9, "1Gbps"), (1e10, "10Gbps")])  # ... the sweep's spelling

    def test_cdf_per_series_and_tier(self):
        figure = self.plot({"kind": "cdf", "csv": "requests.csv", "column": "latency_s", "series": SERVING,
                            "group_by": "tier", "where": {LOAD: 0.5, BANDWIDTH: "10Gbps"}, "logx": True})
        self.assertEqual(figure.name, "cdf_requests_latency_s_per_tier_load=0.5_bandwidth=10Gbps")
        self.assertEqual([line.label for line in figure.lines],
                         ["fifo / tier=cloud (n=40)", "fifo / tier=edge (n=40)",
                          "edf / tier=cloud (n=40)", "edf / tier=edge (n=40)"])
        for line in figure.lines:
            self.assertEqual(line.y[0], 0.0)
            self.assertEqual(line.y[-1], 1.0)
            self.assertEqual(line.x, sorted(line.x))
        self.assertEqual(figure.runs, 4)
        self.assertEqual(figure.xlabel, "Latency (seconds)")

    def test_per_job_means_and_unfinished(self):
        figure = self.plot({"kind": "per_job", "series": SERVING, "where": {LOAD: 0.9, BANDWIDTH: "10Gbps"}})
        self.assertEqual(figure.categories, ["a", "b", "c"])
        fifo, edf = figure.bars
        expected = (jct_mean(0.9, "fifo", "10Gbps", 0) + jct_mean(0.9, "fifo", "10Gbps", 1)) / 2
        self.assertAlmostEqual(fifo.values[0], expected)
        self.assertAlmostEqual(fifo.values[1], 2 * expected)
        self.assertIsNone(fifo.values[2])  # job c never finished under fifo at load 0.9
        self.assertIsNotNone(edf.values[2])
        self.assertIsNotNone(fifo.low[0])

    def test_curve_mean_when_x_coincides_else_thin(self):
        figure = self.plot({"kind": "curve", "csv": "accuracy.csv", "x": "time_s", "y": "test_accuracy",
                            "series": SERVING, "where": {LOAD: 0.5, BANDWIDTH: "10Gbps"}})
        fifo = [line for line in figure.lines if line.color == 0]
        edf = [line for line in figure.lines if line.color == 1]
        self.assertEqual(len(fifo), 1)
        self.assertFalse(fifo[0].thin)
        self.assertAlmostEqual(fifo[0].y[0], 1 - math.exp(-1 / 5) + 0.005)
        self.assertEqual(len(edf), 2)
        self.assertTrue(all(line.thin for line in edf))
        self.assertEqual([line.label for line in edf], ["edf (2 runs)", None])

    def test_cli_one_off_and_sweep_file(self):
        done = run_plot("metric_vs_axis", self.out, "--x", LOAD, "--y", "jct_mean_s", "--series", SERVING,
                        "--where", f"{BANDWIDTH}=10Gbps", "--name", "cli_one_off")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.split(),
                         [os.path.join(self.out, "plots", f"cli_one_off.{e}") for e in ("png", "pdf")])
        self.assert_figure_files(self.out, "cli_one_off")

        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "sweep")
            sweep = make_synthetic_sweep(out)
            jct_vs_load = {"kind": "metric_vs_axis", "x": LOAD, "y": "jct_mean_s"}
            sweep["plots"] = [
                jct_vs_load | {"series": SERVING, "where": {BANDWIDTH: "1Gbps"}},
                jct_vs_load | {"series": SERVING, "where": {BANDWIDTH: "10Gbps"}},
                jct_vs_load | {"where": {BANDWIDTH: "10Gbps", SERVING: "edf"},
                               "name": "jct_mean_s_vs_load_bandwidth=10Gbps_2"},
                jct_vs_load | {"series": SERVING, "where": {BANDWIDTH: "10Gbps"}, "logy": True,
                               "title": "Mean JCT, log y"},
                {"kind": "cdf", "csv": "requests.csv", "column": "latency_s", "series": SERVING, "group_by": "tier",
                 "where": {LOAD: 0.9, BANDWIDTH: "1Gbps"}},
                {"kind": "per_job", "series": SERVING, "where": {LOAD: 0.5, BANDWIDTH: "1Gbps"},
                 "title": "JCT per job"},
                {"kind": "curve", "csv": "accuracy.csv", "x": "time_s", "y": "test_accuracy", "series": SERVING,
                 "group_by": "job", "where": {LOAD: 0.5, BANDWIDTH: "1Gbps"}}]
            write_json(os.path.join(out, "sweep.json"), sweep)
            # A name given in the file wins; clashing derived names get _2, _3, ... skipping taken ones.
            names = ["jct_mean_s_vs_load_bandwidth=1Gbps", "jct_mean_s_vs_load_bandwidth=10Gbps",
                     "jct_mean_s_vs_load_bandwidth=10Gbps_2", "jct_mean_s_vs_load_bandwidth=10Gbps_3",
                     "cdf_requests_latency_s_per_tier_load=0.9_bandwidth=1Gbps",
                     "per_job_jct_s_load=0.5_bandwidth=1Gbps",
                     "curve_accuracy_test_accuracy_vs_time_s_per_job_load=0.5_bandwidth=1Gbps"]
            done = run_plot("sweep", out)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout.split(),
                             [os.path.join(out, "plots", f"{n}.{e}") for n in names for e in ("png", "pdf")])
            for name in names:
                self.assert_figure_files(out, name)
            before = {n: read_bytes(os.path.join(out, "plots", n)) for n in os.listdir(os.path.join(out, "plots"))}
            self.assertEqual(run_plot("sweep", out).returncode, 0)
            after = {n: read_bytes(os.path.join(out, "plots", n)) for n in os.listdir(os.path.join(out, "plots"))}
            self.assertEqual(before, after, "redrawing changed the files")

    def assert_bad_input(self, args, *fragments):
        done = run_plot(*args)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        lines = done.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn("sweep synthetic", lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        self.assertEqual(done.stdout, "")

    def test_bad_unknown_kind(self):
        self.assert_bad_input(["histogram", self.out], "unknown plot kind 'histogram'")

    def test_bad_metric_vs_axis_unknown_metric(self):
        self.assert_bad_input(["metric_vs_axis", self.out, "--x", LOAD, "--y", "jct_p42_s", "--series", SERVING,
                               "--where", f"{BANDWIDTH}=1Gbps"], "unknown metric 'jct_p42_s'", "jct_mean_s")

    def test_bad_metric_vs_axis_axis_left_free(self):
        self.assert_bad_input(["metric_vs_axis", self.out, "--x", LOAD, "--y", "jct_mean_s", "--series", SERVING],
                              f"axis {BANDWIDTH} takes 2 values", "where")

    def test_bad_cdf_unknown_column(self):
        self.assert_bad_input(["cdf", self.out, "--csv", "requests.csv", "--column", "latency_ms", "--series", SERVING,
                               "--where", f"{LOAD}=0.5", "--where", f"{BANDWIDTH}=1Gbps"],
                              "requests.csv has no column 'latency_ms'", "latency_s")

    def test_bad_per_job_unknown_axis(self):
        self.assert_bad_input(["per_job", self.out, "--series", "/policies/scheduler"],
                              "unknown axis '/policies/scheduler' for series", SERVING)

    def test_bad_curve_unknown_csv(self):
        self.assert_bad_input(["curve", self.out, "--csv", "rounds.csv", "--x", "time_s", "--y", "test_accuracy",
                               "--where", f"{LOAD}=0.5", "--where", f"{BANDWIDTH}=1Gbps", "--series", SERVING],
                              "no finished run has rounds.csv")

    def test_bad_where_value(self):
        self.assert_bad_input(["per_job", self.out, "--series", SERVING, "--where", f"{LOAD}=0.6",
                               "--where", f"{BANDWIDTH}=1Gbps"], f"where {LOAD}=0.6", "0.5, 0.7, 0.9")

    def test_bad_sweep_file_draws_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "sweep")
            sweep = make_synthetic_sweep(out)
            sweep["plots"] = [{"kind": "per_job", "series": SERVING, "where": {LOAD: 0.5, BANDWIDTH: "1Gbps"}},
                              {"kind": "curve", "csv": "accuracy.csv", "x": "time_s", "y": "test_accuracy",
                               "seris": SERVING}]
            write_json(os.path.join(out, "sweep.json"), sweep)
            done = run_plot("sweep", out)
            self.assertEqual(done.returncode, 2)
            self.assertEqual(done.stderr.strip(), "plot.py: sweep synthetic: plots[1] (curve): unknown option 'seris' "
                             "(options: name, title, where, logx, logy, csv, x, y, series, group_by)")
            self.assertFalse(os.path.exists(os.path.join(out, "plots")), "a bad sweep file still drew plots")


class Labels(unittest.TestCase):
    def test_units_from_suffixes(self):
        self.assertEqual(plot_style.quantity_label("jct_mean_s"), "JCT mean (seconds)")
        self.assertEqual(plot_style.quantity_label("network_payload_bytes"), "Network payload (bytes)")
        self.assertEqual(plot_style.quantity_label("energy_j"), "Energy (joules)")
        self.assertEqual(plot_style.quantity_label("bandwidth_bps"), "Bandwidth (bits/s)")
        self.assertEqual(plot_style.quantity_label("test_accuracy"), "Test accuracy")

    def test_seconds_below_one_read_in_ms(self):
        self.assertEqual(plot_style.seconds_scale("latency_p99_s", [0.012, 0.6]), 1000.0)
        self.assertEqual(plot_style.seconds_scale("latency_p99_s", [0.012, 1.2]), 1.0)
        self.assertEqual(plot_style.seconds_scale("power_w", [0.5]), 1.0)
        self.assertEqual(plot_style.quantity_label("latency_p99_s", 1000.0), "Latency P99 (ms)")
        line = plot_style.Line("x", x=[1, 2], y=[0.012, None], low=[0.01, None], high=[0.02, None])
        plot_style.rescale([line], 1000.0)
        self.assertEqual((line.y, line.low, line.high), ([12.0, None], [10.0, None], [20.0, None]))
        self.assertEqual(line.x, [1, 2])

    def test_axis_labels_name_the_quantity_not_the_json_pointer(self):
        self.assertEqual(plot_style.axis_label("/workload/jobs/0/compute_s"), "Compute (seconds)")
        self.assertEqual(plot_style.axis_label("/workload/jobs/0/workers"), "Workers")
        self.assertEqual(plot_style.axis_label("/workload/ina/aggregators"), "Switch memory (aggregators)")
        self.assertEqual(plot_style.axis_label("/workload/arrivals/rate"), "Frame rate per camera (frames/s)")
        for path in plot_style.AXIS_NAMES:
            self.assertNotIn("/", plot_style.axis_label(path).replace("frames/s", ""), path)


class QuickstartEndToEnd(FigureFiles):
    """Two real runs of the quickstart (seeds 1 and 2), laid out as a sweep of one axis value and
    two repetitions, then per_job through the command line."""

    def test_per_job_on_real_runs(self):
        if not CLUSTERSIM:
            self.skipTest("no clustersim given")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "quick")
            axis = "/workload/jobs/0/iterations"
            sweep = {"name": "quick", "scenario": os.path.join(REPO, "scenarios", "quickstart.json"),
                     "axes": [{"path": axis, "values": [2]}], "repetitions": 2, "base_seed": 1,
                     "metrics": ["jct_mean_s"], "plots": [{"kind": "per_job", "series": axis}]}
            os.makedirs(os.path.join(out, "runs"))
            write_json(os.path.join(out, "sweep.json"), sweep)
            runs_rows, jcts = [], {}
            for rep, seed in enumerate([1, 2]):
                run_id, sets = f"run{rep}", [f"{axis}=2", "/workload/jobs/1/iterations=2", f"/seed={seed}"]
                run_dir = os.path.join(out, "runs", run_id)
                cmd = [CLUSTERSIM, "run", sweep["scenario"], "--quiet", "--out", run_dir]
                for s in sets:
                    cmd += ["--set", s]
                subprocess.run(cmd, check=True)
                write_json(os.path.join(run_dir, "run.json"), {"run_id": run_id, "scenario": sweep["scenario"],
                           "overrides": sets, "seed": seed, "repetition": rep, "point": {axis: 2}})
                metrics = read_json(os.path.join(run_dir, "summary.json"))["metrics"]
                runs_rows.append([run_id, 2, rep, seed, "ok", metrics["jct_mean_s"]])
                with open(os.path.join(run_dir, "jobs.csv"), newline="") as f:
                    for row in csv.DictReader(f):
                        jcts.setdefault(row["job"], []).append(float(row["jct_s"]))
            write_csv(os.path.join(out, "runs.csv"), ["run_id", axis, "repetition", "seed", "status", "jct_mean_s"],
                      runs_rows)

            done = run_plot("sweep", out)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assert_figure_files(out, "per_job_jct_s")  # no where, so no suffix
            figure = plots.prepare(plots.Sweep(out), sweep["plots"][0])
            self.assertEqual(figure.categories, ["resnet50-ps", "vgg16-ring"])
            self.assertEqual(figure.runs, 2)
            for job, value in zip(figure.categories, figure.bars[0].values):
                self.assertAlmostEqual(value, sum(jcts[job]) / 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
