#!/usr/bin/python3
"""scripts/compare.py: pass (exit 0) and fail (exit 1) paths for each kind of tolerance, bad
input (exit 2), and --update-reference. Hostile input (binary, empty, cut-short or non-numeric
runs.csv files, directories, FIFOs and devices where files belong, JSON nested without end) gets
one line naming the file and exit 2; matching runs does work linear in their number, counted
(not timed) on 30,000 runs."""
import csv, datetime, json, os, shutil, signal, subprocess, sys, tempfile, unittest

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

    def test_tables_from_before_the_typed_columns_compare(self):
        """A reference written before runs.csv had PATH:value and PATH:unit (as the committed ones
        under results/regression/) matches a current table that has them, either way round."""
        header = lib.read(os.path.join(self.current, "runs.csv")).splitlines()[0].split(",")
        self.assertEqual(header[1:4], ["/platform/link/bandwidth", "/platform/link/bandwidth:value",
                                       "/platform/link/bandwidth:unit"])
        old = os.path.join(self.tmp, "old")
        with open(os.path.join(self.current, "runs.csv"), newline="") as f:
            rows = list(csv.reader(f))
        write_runs(old, [c for i, c in enumerate(rows[0]) if i not in (2, 3)],
                   [[c for i, c in enumerate(r) if i not in (2, 3)] for r in rows[1:]])
        for current, reference in ((self.current, old), (old, self.current)):
            done = lib.compare_py(current, reference)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            self.assertIn("ok: 6 ok", done.stdout)
            self.assertIn("jct_mean_s  bandwidth=10Gbps ", done.stdout)  # one axis, not three
            self.assertNotIn(":value", done.stdout)

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


HEADER = ["run_id", "/x", "repetition", "seed", "status", "m1", "m2"]


def compare_guarded(*args):
    """compare.py with a timeout: a FIFO read by mistake would block forever."""
    return subprocess.run([lib.PYTHON, os.path.join(lib.SCRIPTS, "compare.py")] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=120)


def table(n, points=None, value=lambda i: 1.0 + i):
    """runs.csv rows: n runs over `points` points (default n), seeds 1, 2, ... within a point."""
    points = points or n
    return [[f"r{i}", f"v{i % points}", i // points, 1 + i // points, "ok", repr(value(i)), repr(2.0 * i)]
            for i in range(n)]


class HostileInput(lib.TempDirTest):
    """Every file compare.py reads, made hostile: one line on stderr naming the file (and the line
    and column where there is one), exit 2, no traceback."""

    def setUp(self):
        super().setUp()
        self.good = write_runs(os.path.join(self.tmp, "good"), HEADER, table(3))

    def runs_dir(self, name, content):
        """A dir whose runs.csv holds `content` (bytes)."""
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        with open(os.path.join(d, "runs.csv"), "wb") as f:
            f.write(content)
        return d

    def good_text(self):
        with open(os.path.join(self.good, "runs.csv"), "rb") as f:
            return f.read()

    def bad(self, args, *texts):
        done = compare_guarded(*args)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertNotIn("Traceback", done.stderr)
        lines = done.stderr.splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertTrue(lines[0].startswith("error: "), lines[0])
        for text in texts:
            self.assertIn(text, lines[0])
        return lines[0]

    def test_bad_runs_csv(self):
        good = self.good_text()
        cases = {
            # name: (runs.csv bytes, texts the message holds besides the file's path)
            "non_numeric": (good.replace(b"ok,2.0,", b"ok,fast,"), ["line 3 column 6 (m1)", '"fast" is not a number']),
            "nan": (good.replace(b"ok,2.0,", b"ok,nan,"), ["line 3 column 6 (m1)", '"nan" is not a number']),
            "infinite": (good.replace(b"ok,2.0,", b"ok,1e999,"), ["line 3 column 6", "not a finite number"]),
            "binary": (bytes(range(256)) * 8, ["not UTF-8 text", "binary"]),
            "latin1": (good + "r9,caf\xe9,0,1,ok,1.0,1.0\n".encode("latin-1"), ["line 5 column 7", "not UTF-8 text (byte 0xe9)"]),
            "nul_byte": (good.replace(b"ok,2.0,", b"ok,2.0\0,"), ["line 3 column", "NUL byte"]),
            "empty": (b"", ["empty"]),
            "blank_line_only": (b"\n", ["empty"]),
            "missing_columns": (b"run_id,/x,seed\nr0,a,1\n", ["not a sweep's runs.csv", "lacks repetition, status"]),
            "columns_out_of_order": (b"run_id,/x,seed,repetition,status,m\nr0,a,1,0,ok,1\n", ["not a sweep's runs.csv"]),
            "repeated_column": (b"run_id,/x,repetition,seed,status,m,m\nr0,a,0,1,ok,1,2\n", ["line 1 column 7", "repeats column 6"]),
            "truncated_row": (good[:-6], ["line 4 has 6 cells, the header 7"]),
            "truncated_in_a_quote": (good + b'r9,"unfinished', ["line 5", "not CSV"]),
            "blank_line_inside": (good.replace(b"\nr1", b"\n\nr1"), ["line 3 is empty"]),
            "same_run_twice": (good + good.splitlines(keepends=True)[1], ["line 5 has the point and seed of line 2"]),
            "newline_in_a_cell": (good.replace(b"ok,2.0,", b'ok,"2\n0",'), ['"2\\n0" is not a number']),
        }
        for name, (content, texts) in cases.items():
            with self.subTest(name):
                d = self.runs_dir(name, content)
                path = os.path.join(d, "runs.csv")
                # As the current sweep and as the reference: the file is named either way.
                self.bad([d, self.good], f"error: {path}: ", *texts)
                self.bad([self.good, d], f"error: {path}: ", *texts)

    def test_not_a_regular_file(self):
        directory = os.path.join(self.tmp, "dir", "runs.csv")
        os.makedirs(directory)
        fifo = os.path.join(self.tmp, "fifo")
        os.makedirs(fifo)
        os.mkfifo(os.path.join(fifo, "runs.csv"))
        zero = os.path.join(self.tmp, "zero")
        os.makedirs(zero)
        os.symlink("/dev/zero", os.path.join(zero, "runs.csv"))
        for d, text in ((os.path.dirname(directory), "is a directory"), (fifo, "is a FIFO"),
                        (zero, "is a character device"), (os.path.join(self.tmp, "none"), "No such file")):
            with self.subTest(text):
                self.bad([d, self.good], f"{os.path.join(d, 'runs.csv')}: cannot read runs.csv ({text}")
        # CURRENT is a file, not a dir.
        self.bad([os.path.join(self.good, "runs.csv"), self.good], "Not a directory")

    def test_bad_tolerance_file(self):
        def file(name, content):
            path = os.path.join(self.tmp, name)
            with open(path, "wb") as f:
                f.write(content)
            return path

        fifo = os.path.join(self.tmp, "tol.fifo")
        os.mkfifo(fifo)
        cases = {
            file("binary.json", b'{"default": {"relative": 0.1}, "\xff": 1}'): "line 1 column 33: not UTF-8 text (byte 0xff)",
            file("deep.json", b"[" * 100000): "line 1 column 201: nested deeper than 200 levels",
            file("deep_objects.json", b'{"a": ' * 5000 + b"1" + b"}" * 5000): "nested deeper than 200 levels",
            file("long_int.json", b'{"default": {"relative": ' + b"1" * 5000 + b"}}"): "not valid JSON",
            file("huge_int.json", b'{"default": {"relative": 1' + b"0" * 400 + b"}}"): "/default/relative: expected a finite number",
            file("nan.json", b'{"default": {"absolute": NaN}}'): "/default/absolute: expected a finite number",
            file("truncated.json", b'{"default": {"relative": 1e-9}'): "line 1 column 31",
            file("empty.json", b""): "line 1 column 1",
            os.path.join(self.tmp): "is a directory",
            fifo: "is a FIFO",
            "/dev/zero": "is a character device",
        }
        for path, text in cases.items():
            with self.subTest(os.path.basename(path)):
                self.bad([self.good, self.good, "--tolerances", path], f"error: {path}: ", text)

    def test_command_line_errors_are_one_line(self):
        self.bad([self.good, self.good, "--no-such-option"], "unrecognized arguments")
        self.bad(["--update-reference", self.good, os.path.join(self.tmp, "ref")], "needs --reason")

    def test_update_reference_checks_before_writing(self):
        with open(os.path.join(self.good, "points.csv"), "w") as f:
            f.write("/x,metric,n,mean,std,ci95_low,ci95_high\n")
        a_file = os.path.join(self.tmp, "a_file")
        open(a_file, "w").close()
        self.bad(["--update-reference", self.good, a_file, "--reason", "x"], f"{a_file}: exists and is not a directory")
        ref = os.path.join(self.tmp, "ref")
        os.makedirs(os.path.join(ref, "CHANGELOG.md"))
        self.bad(["--update-reference", self.good, ref, "--reason", "x"], "CHANGELOG.md: is a directory")
        self.assertEqual(os.listdir(ref), ["CHANGELOG.md"], "it wrote before finding the problem")
        os.remove(os.path.join(self.good, "points.csv"))
        os.mkfifo(os.path.join(self.good, "points.csv"))
        self.bad(["--update-reference", self.good, os.path.join(self.tmp, "ref2"), "--reason", "x"],
                 "points.csv: cannot read points.csv (is a FIFO")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "ref2")))
        # And when it works, no temporary file stays; a reason of several lines becomes one.
        os.remove(os.path.join(self.good, "points.csv"))
        with open(os.path.join(self.good, "points.csv"), "w") as f:
            f.write("/x,metric,n,mean,std,ci95_low,ci95_high\n")
        ref3 = os.path.join(self.tmp, "ref3")
        done = compare_guarded("--update-reference", self.good, ref3, "--reason", "two\nlines")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(ref3)), ["CHANGELOG.md", "points.csv", "runs.csv"])
        self.assertIn(": two lines\n", lib.read(os.path.join(ref3, "CHANGELOG.md")))


def _counted(op):
    def method(self, other):
        CountingStr.comparisons += 1
        return getattr(str, op)(self, other)
    return method


class CountingStr(str):
    """A cell that counts every comparison made with it: list searches compare a key with every
    element, dict lookups only with the entries of the same hash."""
    comparisons = 0
    __eq__, __ne__, __lt__ = _counted("__eq__"), _counted("__ne__"), _counted("__lt__")
    __le__, __gt__, __ge__ = _counted("__le__"), _counted("__gt__"), _counted("__ge__")
    __hash__ = str.__hash__


class Scaling(unittest.TestCase):
    """Matching current runs with reference runs does work linear in the number of runs. Counted,
    not timed: every cell is a CountingStr, so each comparison of a point or a seed is counted. A
    list search (what compare.py did before) makes ~n^2/2 of them: 450 million for 30,000 runs."""

    def comparisons(self, n, points):
        from cslib import compare
        rows = [[CountingStr(c) for c in row] for row in [HEADER] + [[str(c) for c in r] for r in table(n, points)]]
        # Distinct objects on each side, as two files read from disk give.
        other = [[CountingStr(str(c)) for c in row] for row in rows]
        CountingStr.comparisons = 0
        reference = compare.Runs.from_rows("reference/runs.csv", rows)
        current = compare.Runs.from_rows("current/runs.csv", other)
        results, failed = compare.compare(reference, current, compare.load_tolerances(None))
        self.assertFalse(failed)
        self.assertEqual(len(results), 2 * points)
        return CountingStr.comparisons

    def test_comparisons_grow_linearly(self):
        small, large = self.comparisons(3_000, 3_000), self.comparisons(30_000, 30_000)
        # A handful per run (9 when written): status checks, a lookup per point and seed. The
        # list searches compare.py used made 13.6 million for 3,000 runs (1.5 n^2).
        self.assertLessEqual(large, 20 * 30_000, f"{large} comparisons for 30,000 runs")
        self.assertLessEqual(large, 12 * small, f"{small} comparisons for 3,000 runs, {large} for 30,000")
        # Repetitions (many seeds per point) are looked up by key too.
        self.assertLessEqual(self.comparisons(30_000, 10), 20 * 30_000)

    def test_30000_runs_end_to_end(self):
        # The timeout only guards against a hang; nothing here is timed.
        tmp = tempfile.mkdtemp(prefix="cs-compare-scale-")
        try:
            reference = write_runs(os.path.join(tmp, "reference"), HEADER, table(30_000))
            current = write_runs(os.path.join(tmp, "current"), HEADER, table(30_000, value=lambda i: 1.0 + i + (i == 29_999)))
            done = subprocess.run([lib.PYTHON, os.path.join(lib.SCRIPTS, "compare.py"), current, reference],
                                  capture_output=True, text=True, timeout=600)
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn("REGRESSION: 1 changed, 59999 ok", done.stdout)
            self.assertIn("x=v29999", [line for line in done.stdout.splitlines() if line.endswith("changed")][0])
        finally:
            shutil.rmtree(tmp)


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
