#!/usr/bin/python3
"""scripts/compare.py: pass (exit 0) and fail (exit 1) paths for each kind of tolerance, bad
input (exit 2), and --update-reference."""
import csv, datetime, json, os, shutil, tempfile, unittest

import sweep_testlib as lib


def write_runs(directory, header, rows):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "runs.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return directory


def edit_runs(directory, fn):
    """Rewrites runs.csv through fn(list of dict rows) -> rows."""
    path = os.path.join(directory, "runs.csv")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    rows = fn(rows)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


class Compare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="cs-compare-test-")
        cls.sweep_out = os.path.join(cls._tmp.name, "sweep")
        path = lib.write_json(os.path.join(cls._tmp.name, "s.json"), lib.tiny_sweep(repetitions=2))
        done = lib.sweep_py("run", path, "--out", cls.sweep_out, "--clustersim", lib.CLUSTERSIM)
        assert done.returncode == 0, done.stderr

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir=self._tmp.name)
        self.current = os.path.join(self.tmp, "current")
        shutil.copytree(self.sweep_out, self.current, ignore=shutil.ignore_patterns("runs"))

    def tolerances(self, doc):
        return lib.write_json(os.path.join(self.tmp, "tol.json"), doc, comment="tolerances")

    def scale(self, metric, factor, bandwidth="25Gbps"):
        def fn(rows):
            for r in rows:
                if r["/platform/link/bandwidth"] == bandwidth:
                    r[metric] = repr(float(r[metric]) * factor)
            return rows
        edit_runs(self.current, fn)

    def test_identical_passes(self):
        done = lib.compare_py(self.current, self.sweep_out)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("ok: 6 ok", done.stdout)
        header = done.stdout.splitlines()[3].split()
        self.assertEqual(header, ["metric", "point", "reference", "current", "change", "verdict"])

    def test_default_tolerance_catches_any_change(self):
        self.scale("jct_mean_s", 1 + 1e-6)
        done = lib.compare_py(self.current, self.sweep_out)
        self.assertEqual(done.returncode, 1, done.stdout)
        row = [line for line in done.stdout.splitlines() if "bandwidth=25Gbps" in line and line.startswith("jct_mean_s")]
        self.assertEqual(len(row), 1)
        self.assertTrue(row[0].endswith("changed"), row[0])
        self.assertIn("+0.000%", row[0])
        self.assertIn("REGRESSION", done.stdout)

    def test_relative_and_absolute_tolerances(self):
        self.scale("jct_mean_s", 1.01)
        self.assertEqual(lib.compare_py(self.current, self.sweep_out, "--tolerances",
                                        self.tolerances({"metrics": {"jct_mean_s": {"relative": 0.02}}})).returncode, 0)
        self.assertEqual(lib.compare_py(self.current, self.sweep_out, "--tolerances",
                                        self.tolerances({"metrics": {"jct_mean_s": {"relative": 0.005}}})).returncode, 1)
        self.assertEqual(lib.compare_py(self.current, self.sweep_out, "--tolerances",
                                        self.tolerances({"default": {"absolute": 1e9}})).returncode, 0)
        # Only the compared metrics count.
        self.assertEqual(lib.compare_py(self.current, self.sweep_out, "--metrics", "makespan_s,energy_j").returncode, 0)

    def test_direction(self):
        tol = self.tolerances({"metrics": {"jct_mean_s": {"relative": 0.001, "better": "lower"}}})
        self.scale("jct_mean_s", 0.9)
        done = lib.compare_py(self.current, self.sweep_out, "--tolerances", tol)
        self.assertEqual(done.returncode, 0, done.stdout)
        self.assertIn("improved", done.stdout)
        self.scale("jct_mean_s", 1.2 / 0.9)
        done = lib.compare_py(self.current, self.sweep_out, "--tolerances", tol)
        self.assertEqual(done.returncode, 1)
        self.assertIn("regressed", done.stdout)
        self.assertIn("+20.000%", done.stdout)

    def test_missing_and_new_runs(self):
        edit_runs(self.current, lambda rows: rows[1:])
        done = lib.compare_py(self.current, self.sweep_out)
        self.assertEqual(done.returncode, 1)
        self.assertIn("missing", done.stdout)
        # A failed run counts as missing too.
        shutil.copy(os.path.join(self.sweep_out, "runs.csv"), self.current)
        edit_runs(self.current, lambda rows: [dict(r, status="failed") if i == 0 else r for i, r in enumerate(rows)])
        self.assertEqual(lib.compare_py(self.current, self.sweep_out).returncode, 1)
        # A point only the current sweep has is new, not a failure.
        shutil.copy(os.path.join(self.sweep_out, "runs.csv"), self.current)
        reference = os.path.join(self.tmp, "reference")
        shutil.copytree(self.current, reference)
        edit_runs(reference, lambda rows: [r for r in rows if r["/platform/link/bandwidth"] == "10Gbps"])
        done = lib.compare_py(self.current, reference)
        self.assertEqual(done.returncode, 0, done.stdout)
        self.assertIn("new", done.stdout)

    def test_welch(self):
        header = ["run_id", "/x", "repetition", "seed", "status", "m"]
        ref = write_runs(os.path.join(self.tmp, "wref"), header,
                         [[f"r{i}", "a", i, i, "ok", v] for i, v in enumerate([1.0, 2.0, 3.0])])
        near = write_runs(os.path.join(self.tmp, "wnear"), header,
                          [[f"r{i}", "a", i, i, "ok", v] for i, v in enumerate([1.5, 2.5, 3.5])])
        far = write_runs(os.path.join(self.tmp, "wfar"), header,
                         [[f"r{i}", "a", i, i, "ok", v] for i, v in enumerate([10.0, 11.0, 12.0])])
        tol = self.tolerances({"metrics": {"m": {"welch_alpha": 0.05}}})
        # Means 2 and 2.5, s = 1 each: t = 0.61, p = 0.57. Means 2 and 11: p < 1e-4.
        self.assertEqual(lib.compare_py(near, ref, "--tolerances", tol).returncode, 0)
        done = lib.compare_py(far, ref, "--tolerances", tol)
        self.assertEqual(done.returncode, 1)
        self.assertIn("+450.000%", done.stdout)
        # The same shift fails the default exact check.
        self.assertEqual(lib.compare_py(near, ref).returncode, 1)

    def test_bad_input(self):
        def bad(args, text):
            done = lib.compare_py(*args)
            self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
            self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
            self.assertIn(text, done.stderr)

        bad([os.path.join(self.tmp, "nothing"), self.sweep_out], "cannot read runs.csv")
        tol = self.tolerances({"metrics": {"jct_mean_s": {"relativ": 0.1}}})
        bad([self.current, self.sweep_out, "--tolerances", tol], f"{tol}: /metrics/jct_mean_s/relativ: unknown key")
        tol = self.tolerances({"metrics": {"jct_mean_s": {"welch_alpha": 2}}})
        bad([self.current, self.sweep_out, "--tolerances", tol], "/metrics/jct_mean_s/welch_alpha")
        tol = self.tolerances({"metrics": {"no_such_metric": {"relative": 0.1}}})
        bad([self.current, self.sweep_out, "--tolerances", tol], "no_such_metric")
        bad([self.current, self.sweep_out, "--metrics", "nope"], "no metric \"nope\"")
        other = write_runs(os.path.join(self.tmp, "other_axes"), ["run_id", "/y", "repetition", "seed", "status", "jct_mean_s"],
                           [["r", "1", 0, 3, "ok", 1.0]])
        bad([other, self.sweep_out], "different axes")
        one = write_runs(os.path.join(self.tmp, "one"), ["run_id", "/x", "repetition", "seed", "status", "m"],
                         [["r", "a", 0, 1, "ok", 1.0]])
        bad([one, one, "--tolerances", self.tolerances({"default": {"welch_alpha": 0.05}})], "two repetitions")


class UpdateReference(lib.TempDirTest):
    def test_copies_tables_and_logs_the_reason(self):
        out = os.path.join(self.tmp, "sweep")
        path = lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep(repetitions=1))
        self.assertEqual(lib.sweep_py("run", path, "--out", out, "--clustersim", lib.CLUSTERSIM).returncode, 0)
        ref = os.path.join(self.tmp, "results", "regression", "tiny")
        done = lib.compare_py("--update-reference", out, ref, "--reason", "initial references")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(ref)), ["CHANGELOG.md", "points.csv", "runs.csv"])
        for f in ("runs.csv", "points.csv"):
            self.assertEqual(lib.read(os.path.join(ref, f)), lib.read(os.path.join(out, f)))
        with open(os.path.join(out, "runs", os.listdir(os.path.join(out, "runs"))[0], "summary.json")) as f:
            commit = json.load(f)["clustersim"]["commit"]
        log = lib.read(os.path.join(ref, "CHANGELOG.md"))
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        self.assertIn(f"## {today}: initial references", log)
        self.assertIn(commit, log)
        self.assertEqual(lib.compare_py(out, ref).returncode, 0)
        done = lib.compare_py("--update-reference", out, ref, "--reason", "second")
        self.assertEqual(done.returncode, 0)
        log = lib.read(os.path.join(ref, "CHANGELOG.md"))
        self.assertLess(log.index("initial references"), log.index(": second"))
        # A sweep with a run that is not ok is no reference; a reason is required.
        edit_runs(out, lambda rows: [dict(rows[0], status="missing")] + rows[1:])
        self.assertEqual(lib.compare_py("--update-reference", out, ref, "--reason", "x").returncode, 2)
        self.assertEqual(lib.compare_py("--update-reference", out, ref).returncode, 2)


if __name__ == "__main__":
    lib.main()
