#!/usr/bin/python3
"""cslib.stats (scipy underneath) against hand-computed and textbook values, and points.csv's
statistics on known numbers. scipy's t quantiles (cephes' stdtri) are good to about 1e-10 relative
for small df, so closed forms are compared at 1e-9 relative."""
import math, os, unittest

import sweep_testlib as lib
from cslib import aggregate, quantities, stats, sweepfile


class SampleStatistics(unittest.TestCase):
    def test_mean_and_sample_std(self):
        xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
        self.assertEqual(stats.mean(xs), 5.0)
        # Sum of squared deviations 32, over n - 1 = 7.
        self.assertAlmostEqual(stats.std(xs), math.sqrt(32 / 7), places=14)
        self.assertTrue(math.isnan(stats.std([1.0])))
        self.assertTrue(math.isnan(stats.mean([])))

    def test_ci95_by_hand(self):
        # n = 3: mean 2, s = 1, t(0.975, 2) = 0.95 / sqrt(2 * 0.975 * 0.025) = 4.30265272975 (tables: 4.303).
        low, high = stats.ci95([1.0, 2.0, 3.0])
        half = 0.95 / math.sqrt(2 * 0.975 * 0.025) / math.sqrt(3)
        self.assertAlmostEqual(low, 2.0 - half, delta=1e-9)
        self.assertAlmostEqual(high, 2.0 + half, delta=1e-9)
        self.assertAlmostEqual(low + high, 4.0, places=14)  # symmetric about the mean
        self.assertEqual(stats.ci95([5.0, 5.0, 5.0]), (5.0, 5.0))
        self.assertTrue(all(math.isnan(x) for x in stats.ci95([1.0])))

    def test_t_quantiles_match_tables(self):
        # Two-sided 95% critical values from any statistics textbook's t table.
        table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 10: 2.228, 20: 2.086, 30: 2.042, 120: 1.980}
        for df, t in table.items():
            self.assertAlmostEqual(stats.t_quantile(0.975, df), t, places=3, msg=f"df={df}")
        # Closed forms: df = 1 (Cauchy) tan(pi (q - 1/2)); df = 2 (2q - 1) / sqrt(2q(1 - q));
        # df = 4, with a = 4q(1 - q): 2 sqrt(cos(acos(sqrt(a)) / 3) / sqrt(a) - 1).
        for q in (0.6, 0.9, 0.975, 0.995):
            a = 4 * q * (1 - q)
            closed = {1: math.tan(math.pi * (q - 0.5)), 2: (2 * q - 1) / math.sqrt(2 * q * (1 - q)),
                      4: 2 * math.sqrt(math.cos(math.acos(math.sqrt(a)) / 3) / math.sqrt(a) - 1)}
            for df, t in closed.items():
                self.assertAlmostEqual(stats.t_quantile(q, df) / t, 1.0, delta=1e-9, msg=f"q={q} df={df}")
        # The value of R's qt(0.975, 4) and scipy's t.ppf, to the last digit or two.
        self.assertAlmostEqual(stats.t_quantile(0.975, 4), 2.7764451051977987, delta=1e-14)
        self.assertAlmostEqual(stats.t_quantile(0.025, 7), -stats.t_quantile(0.975, 7), places=13)
        self.assertAlmostEqual(stats.t_cdf(stats.t_quantile(0.9, 3), 3), 0.9, delta=1e-9)
        for bad in (0.0, 1.0, -0.5):
            with self.assertRaises(ValueError):
                stats.t_quantile(bad, 3)

    def test_t_distribution_closed_forms(self):
        # df = 1 is Cauchy: P(|T| > t) = 1 - 2 atan(t) / pi; df = 2: 1 - t / sqrt(2 + t^2).
        for t in (0.1, 0.7, 1.7, 5.0, 40.0):
            self.assertAlmostEqual(stats.t_two_sided_p(t, 1), 1 - 2 * math.atan(t) / math.pi, places=12)
            self.assertAlmostEqual(stats.t_two_sided_p(t, 2), 1 - t / math.sqrt(2 + t * t), places=12)
        # I_x(2, 3) = sum_{j=2..4} C(4, j) x^j (1-x)^(4-j); I_x(1/2, 1/2) = 2 asin(sqrt(x)) / pi.
        self.assertAlmostEqual(stats.betainc(2, 3, 0.4), 0.5248, places=13)
        self.assertAlmostEqual(stats.betainc(0.5, 0.5, 0.3), 2 * math.asin(math.sqrt(0.3)) / math.pi, places=13)

    def test_welch_textbook_example(self):
        # Wikipedia, "Welch's t-test", example 1: t = -2.46, df = 24.99, p = 0.021.
        a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
        a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
        t, df, p = stats.welch(a1, a2)
        self.assertAlmostEqual(t, -2.46, places=2)
        self.assertAlmostEqual(df, 24.99, places=2)
        self.assertAlmostEqual(p, 0.021, places=3)
        # By hand: means 2 and 5, variances 1 and 4 over n = 3: t = -3 / sqrt(5/3), df = (5/3)^2 /
        # ((1/3)^2/2 + (4/3)^2/2) = 50/17; the p-value is the t tail at those.
        t, df, p = stats.welch([1.0, 2.0, 3.0], [3.0, 5.0, 7.0])
        self.assertAlmostEqual(t, -3 / math.sqrt(5 / 3), places=12)
        self.assertAlmostEqual(df, 50 / 17, places=12)
        self.assertAlmostEqual(p, stats.t_two_sided_p(3 / math.sqrt(5 / 3), 50 / 17), places=15)
        self.assertTrue(0.1 < p < 0.2)

    def test_welch_without_spread(self):
        self.assertEqual(stats.welch([1.0, 1.0], [1.0, 1.0])[2], 1.0)
        self.assertEqual(stats.welch([1.0, 1.0], [2.0, 2.0])[2], 0.0)
        with self.assertRaises(ValueError):
            stats.welch([1.0], [1.0, 2.0])


class Quantities(unittest.TestCase):
    """Axis values read as clustersim reads them (models/core/units.cpp), in SI base units."""

    def test_values_in_si_units(self):
        cases = {"10Gbps": (1e10, "bps"), "5/s": (5.0, "/s"), "2ms": (0.002, "s"), "1.5 us": (1.5e-6, "s"),
                 "64MiB": (67108864.0, "B"), "10GB": (1e10, "B"), "10Gb": (1.25e9, "B"), "1GBps": (8e9, "bps"),
                 "30/min": (0.5, "/s"), "200W": (200.0, "W"), "5kJ": (5000.0, "J"), "10Tf": (1e13, "f"), "0s": (0.0, "s"),
                 ".5h": (1800.0, "s"), "1e3ms": (1.0, "s")}
        for text, expected in cases.items():
            self.assertEqual(quantities.parse(text), expected, text)
        for text in ("esa", "10", "10 parsecs", "Gbps", "-1s", "+1s", "infs", "nan ms", 10, None, ["1s"], "1s2"):
            self.assertIsNone(quantities.parse(text), text)

    def test_which_axes_get_typed_columns(self):
        self.assertTrue(quantities.axis_is_quantity(["5/s", "10/s", "50/s"]))
        self.assertFalse(quantities.axis_is_quantity(["esa", "atp"]))
        self.assertFalse(quantities.axis_is_quantity([128, 256]))  # numbers sort already
        self.assertFalse(quantities.axis_is_quantity(["10Gbps", "fast"]))
        # Sorted by value "5/s" comes before "10/s"; as text it would not.
        values = ["10/s", "5/s", "40/s"]
        self.assertEqual(sorted(values, key=lambda v: quantities.parse(v)[0]), ["5/s", "10/s", "40/s"])
        self.assertEqual(sorted(values), ["10/s", "40/s", "5/s"])


class PointsCsv(lib.TempDirTest):
    """aggregate.collect on fabricated run folders: known numbers in, known statistics out."""

    def test_points_statistics(self):
        doc = lib.tiny_sweep(repetitions=3, axes=[{"path": "/platform/link/bandwidth", "values": ["10Gbps"]}],
                             metrics=["jct_mean_s"])
        sweep = sweepfile.load(lib.write_json(os.path.join(self.tmp, "s.json"), doc))
        out = os.path.join(self.tmp, "out")
        for spec, value in zip(sweep.runs(), [1.0, 2.0, 3.0]):
            d = os.path.join(out, "runs", spec.run_id)
            os.makedirs(d)
            scenario = sweepfile.load_json_with_comments(lib.QUICKSTART)
            scenario["seed"] = spec.seed
            for path, v in spec.overrides:
                parent, key = path.rsplit("/", 1)
                target = sweepfile.pointer_get(scenario, parent)
                target[int(key) if isinstance(target, list) else key] = v
            lib.write_json(os.path.join(d, "summary.json"), {
                "scenario_file": lib.QUICKSTART, "seed": spec.seed, "scenario": scenario,
                "clustersim": {"commit": "x", "version": "0"}, "metrics": {"jct_mean_s": value}})
        collected = aggregate.collect(sweep, out)
        self.assertEqual(collected.counts, {"ok": 3, "failed": 0, "missing": 0})
        self.assertEqual(collected.unfinished, [])
        self.assertIsNone(collected.unknown)
        rows = lib.read(os.path.join(out, "points.csv")).splitlines()
        # "10Gbps" is a quantity: its SI value and unit follow the axis column.
        self.assertEqual(rows[0], "/platform/link/bandwidth,/platform/link/bandwidth:value,/platform/link/bandwidth:unit,"
                                  "metric,n,mean,std,ci95_low,ci95_high")
        cells = rows[1].split(",")
        self.assertEqual(cells[:7], ["10Gbps", "10000000000.0", "bps", "jct_mean_s", "3", "2.0", "1.0"])
        self.assertAlmostEqual(float(cells[7]) + float(cells[8]), 4.0, places=14)
        self.assertAlmostEqual(float(cells[8]) - 2.0, stats.t_quantile(0.975, 2) / math.sqrt(3), places=15)
        runs = lib.read(os.path.join(out, "runs.csv")).splitlines()
        self.assertEqual(runs[0], "run_id,/platform/link/bandwidth,/platform/link/bandwidth:value,"
                                  "/platform/link/bandwidth:unit,repetition,seed,status,jct_mean_s")
        self.assertEqual([r.split(",")[1:] for r in runs[1:]],
                         [["10Gbps", "10000000000.0", "bps", "0", "3", "ok", "1.0"],
                          ["10Gbps", "10000000000.0", "bps", "1", "4", "ok", "2.0"],
                          ["10Gbps", "10000000000.0", "bps", "2", "5", "ok", "3.0"]])


if __name__ == "__main__":
    lib.main()
