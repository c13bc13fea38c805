#!/usr/bin/python3
"""Every kind of bad sweep input: exit code 2, one line on stderr naming the sweep file, the
JSON path in it and the problem, and nothing run or written. Hostile files too: a directory, a
FIFO or /dev/zero where a file belongs, binary data, JSON nested without end, a sweep of 10^30
runs. And interrupts: SIGINT (or SIGTERM) at any moment of `sweep.py run` prints one line, exits
130 (143), never a traceback, and leaves no temporary or half-written file."""
import csv, glob, json, os, shutil, signal, subprocess, time

import sweep_testlib as lib

INA = os.path.join(lib.REPO, "scenarios", "ina", "sweep_base.json")


def with_(doc=None, **changes):
    doc = dict(doc or lib.tiny_sweep())
    doc.update(changes)
    return doc


def without(key):
    doc = lib.tiny_sweep()
    del doc[key]
    return doc


BW = "/platform/link/bandwidth"
CASES = {
    # name: (sweep document, JSON path in the message, text in the message)
    "unknown_axis_path": (with_(axes=[{"path": "/platform/link/bandwith", "values": ["1Gbps"]}]),
                          "/axes/0/path", "does not exist in the scenario"),
    "axis_parent_missing": (with_(axes=[{"path": BW, "values": ["1Gbps"]}, {"path": "/platform/nothing/x", "values": [1]}]),
                            "/axes/1/path", "does not exist in the scenario"),
    "empty_axis": (with_(axes=[{"path": BW, "values": []}]), "/axes/0/values", "non-empty"),
    "axis_values_not_a_list": (with_(axes=[{"path": BW, "values": "10Gbps"}]), "/axes/0/values", "list"),
    "wrong_value_type": (with_(axes=[{"path": BW, "values": ["10Gbps", 10]}]), "/axes/0/values/1", "bare number"),
    "bad_value": (with_(axes=[{"path": "/platform/network_model", "values": ["CM02", "XX"]}]), "/axes/0/values/1",
                  "unknown value"),
    "rejected_combination": ({"name": "combo", "scenario": INA,
                              "axes": [{"path": "/policies/switch_allocation", "values": ["esa", "switchml"]},
                                       {"path": "/workload/ina/aggregators", "values": [256, 32]}]},
                             "/axes", "switchml_pool"),
    "duplicate_axis": (with_(axes=[{"path": BW, "values": ["1Gbps"]}, {"path": BW, "values": ["2Gbps"]}]),
                       "/axes/1/path", "same path as /axes/0/path"),
    "duplicate_value": (with_(axes=[{"path": BW, "values": ["1Gbps", "1Gbps"]}]), "/axes/0/values/1", "repeats"),
    "seed_axis": (with_(axes=[{"path": "/seed", "values": [1, 2]}]), "/axes/0/path", "base_seed"),
    "axis_also_fixed": (with_(axes=[{"path": "/workload/jobs/0/iterations", "values": [1, 2]}]), "/axes/0/path",
                        "also fixed by /set/~1workload~1jobs~10~1iterations"),
    "unknown_axis_key": (with_(axes=[{"path": BW, "values": ["1Gbps"], "value": 1}]), "/axes/0/value",
                         "unknown key \"value\" (did you mean \"values\"?)"),
    "axis_without_path": (with_(axes=[{"values": ["1Gbps"]}]), "/axes/0/path", "missing"),
    "unknown_key": (with_(repetition=2), "/repetition", "did you mean \"repetitions\""),
    "bad_fixed_value": (with_(set={"/workload/jobs/0/iterations": "many"}), "/set/~1workload~1jobs~10~1iterations",
                        "expected an integer"),
    "fixed_path_missing": (with_(set={"/workload/jobz": 1}), "/set/~1workload~1jobz", "does not exist in the scenario"),
    "fixed_not_a_pointer": (with_(set={"workload": 1}), "/set/workload", "not a JSON pointer"),
    "no_such_scenario": (with_(scenario="missing.json"), "/scenario", "no such file"),
    "no_name": (without("name"), "/name", "missing"),
    "bad_name": (with_(name="a/b"), "/name", "names the output folder"),
    "zero_repetitions": (with_(repetitions=0), "/repetitions", "integer >= 1"),
    "negative_seed": (with_(base_seed=-1), "/base_seed", "integer >= 0"),
    "fractional_repetitions": (with_(repetitions=1.5), "/repetitions", "integer"),
    "empty_metrics": (with_(metrics=[]), "/metrics", "non-empty"),
    "metric_not_a_name": (with_(metrics=["jct_mean_s", 3]), "/metrics/1", "metric name"),
    "not_an_object": ([1, 2], "", "JSON object"),
    "plot_of_unlisted_metric": (with_(plots=[{"kind": "metric_vs_axis", "x": BW, "y": "jct_mean"}]), "/plots/0/y",
                                "metric \"jct_mean\" is not in /metrics (did you mean \"jct_mean_s\"?)"),
}


class BadInput(lib.TempDirTest):
    def check(self, path, pointer, text, *args, command="run", out=None):
        out = out or os.path.join(self.tmp, "out")
        done = lib.sweep_py(command, path, "--out", out, "--clustersim", lib.CLUSTERSIM, *args)
        self.assertEqual(done.returncode, 2, done.stderr)
        lines = done.stderr.splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertTrue(lines[0].startswith(f"error: {path}: {pointer}: " if pointer else f"error: {path}: "), lines[0])
        self.assertIn(text, lines[0])
        return out

    def test_every_case(self):
        for name, (doc, pointer, text) in CASES.items():
            with self.subTest(name):
                path = lib.write_json(os.path.join(self.tmp, f"{name}.json"), doc, comment=name)
                out = self.check(path, pointer, text, out=os.path.join(self.tmp, f"out_{name}"))
                self.assertFalse(os.path.exists(out), "bad input wrote an output dir")

    def test_syntax_error_gives_line_and_column(self):
        path = os.path.join(self.tmp, "syntax.json")
        with open(path, "w") as f:
            f.write('// a comment\n{"name": "x",\n "scenario": }\n')
        self.check(path, "", "line 3 column 14")

    def test_emitters_check_too(self):
        path = lib.write_json(os.path.join(self.tmp, "e.json"), CASES["wrong_value_type"][0])
        for command in ("emit-parallel", "emit-slurm"):
            out = self.check(path, "/axes/0/values/1", "bare number", command=command)
            self.assertFalse(os.path.exists(out))

    def test_out_holding_another_sweep(self):
        out = os.path.join(self.tmp, "out")
        first = lib.write_json(os.path.join(self.tmp, "first.json"), lib.tiny_sweep(name="first", repetitions=1))
        self.assertEqual(lib.sweep_py("emit-parallel", first, "--out", out, "--clustersim", lib.CLUSTERSIM).returncode, 0)
        before = sorted(os.listdir(out))
        other_name = lib.write_json(os.path.join(self.tmp, "second.json"), lib.tiny_sweep(name="second"))
        self.check(other_name, "/name", "holds runs of another sweep", out=out)
        other_scenario = lib.write_json(os.path.join(self.tmp, "third.json"),
                                        lib.tiny_sweep(name="first", scenario=INA, set={}, metrics=None,
                                                       axes=[{"path": "/workload/ina/aggregators", "values": [256]}]))
        self.check(other_scenario, "/scenario", "holds runs of another sweep", out=out)
        self.assertEqual(sorted(os.listdir(out)), before)
        # A grown version of the same sweep may reuse the folder.
        grown = lib.write_json(os.path.join(self.tmp, "first_grown.json"), lib.tiny_sweep(name="first", repetitions=2))
        self.assertEqual(lib.sweep_py("emit-parallel", grown, "--out", out, "--clustersim", lib.CLUSTERSIM).returncode, 0)

    def test_out_that_is_not_a_sweep(self):
        out = os.path.join(self.tmp, "busy")
        os.makedirs(out)
        open(os.path.join(out, "notes.txt"), "w").close()
        path = lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep())
        self.check(path, "", "holds no sweep.json", out=out)

    def test_no_clustersim(self):
        path = lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep())
        done = lib.sweep_py("run", path, "--clustersim", os.path.join(self.tmp, "nothing"))
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr, f"error: --clustersim {self.tmp}/nothing: no such executable file\n")


class UnknownMetrics(lib.TempDirTest):
    """A metric the sweep names that no run reports: exit 2, one error line. clustersim cannot
    list a scenario's metrics before running, so a typo stops the sweep at the first run to
    finish, and any other unknown name fails once every run is in."""

    def sweep(self, metrics):
        return lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep(metrics=metrics))

    def summaries(self, out):
        return glob.glob(os.path.join(out, "runs", "*", "summary.json"))

    def test_a_typo_stops_at_the_first_finished_run(self):
        path, out = self.sweep(["jct_mean_s", "makespan"]), os.path.join(self.tmp, "out")
        done = lib.sweep_py("run", path, "--out", out, "--jobs", "1", "--clustersim", lib.CLUSTERSIM)
        self.assertEqual(done.returncode, 2, done.stderr)
        last = done.stderr.splitlines()[-1]
        self.assertRegex(last, rf"^error: {path}: metric \"makespan\" \(did you mean \"makespan_s\"\?\) not reported "
                               rf"by the first run to finish \([^)]+\) \(it reports: energy_j, .*jct_mean_s, .*\)$")
        self.assertLess(len(self.summaries(out)), 4)  # the other runs were not waited for
        self.assertEqual(temporaries(out), [])

    def test_a_metric_no_run_reports(self):
        path, out = self.sweep(["jct_mean_s", "goodput_gbps"]), os.path.join(self.tmp, "out")
        done = lib.sweep_py("run", path, "--out", out, "--jobs", "2", "--clustersim", lib.CLUSTERSIM)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertEqual(len(self.summaries(out)), 4)  # no near miss: every run ran before the verdict
        self.assertIn("4 ok, 0 failed, 0 missing", done.stdout)
        self.assertRegex(done.stderr.splitlines()[-1], rf"^error: {path}: metric \"goodput_gbps\" not reported by any "
                                                       rf"of the 4 finished runs \(it reports: energy_j, .*\)$")
        with open(os.path.join(out, "runs.csv")) as f:  # the tables are still written
            self.assertEqual([r["goodput_gbps"] for r in csv.DictReader(f)], [""] * 4)
        done = lib.sweep_py("collect", out)
        self.assertEqual(done.returncode, 2)
        self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
        self.assertIn(f"error: {out}/sweep.json: metric \"goodput_gbps\" not reported by any of the 4 finished runs",
                      done.stderr)


def sweep_guarded(*args, **kwargs):
    """sweep.py with a timeout: reading a FIFO by mistake would block forever."""
    return subprocess.run([lib.PYTHON, os.path.join(lib.SCRIPTS, "sweep.py")] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=120, **kwargs)


def temporaries(out):
    """Every file under out whose name says it is temporary (ours and clustersim's are NAME.tmp<pid>,
    plot_style's NAME.partial)."""
    return [os.path.join(d, f) for d, _, files in os.walk(out) for f in files if ".tmp" in f or f.endswith(".partial")]


class HostileFiles(lib.TempDirTest):
    def one_line(self, done, start, *texts):
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertNotIn("Traceback", done.stderr)
        lines = done.stderr.splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertTrue(lines[0].startswith(start), lines[0])
        for text in texts:
            self.assertIn(text, lines[0])

    def file(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())
        return path

    def test_sweep_files(self):
        fifo = os.path.join(self.tmp, "fifo.json")
        os.mkfifo(fifo)
        directory = os.path.join(self.tmp, "dir.json")
        os.makedirs(directory)
        doc = lib.tiny_sweep()
        cases = {
            # path: (JSON path in the message, text in it)
            directory: ("", "is a directory"),
            fifo: ("", "is a FIFO"),
            "/dev/zero": ("", "is a character device"),
            self.file("latin1.json", b'{"name": "caf\xe9"}'): ("", "line 1 column 14: not UTF-8 text (byte 0xe9)"),
            self.file("binary.json", bytes(range(256))): ("", "not UTF-8 text"),
            self.file("deep.json", "[" * 100000): ("", "line 1 column 201: nested deeper than 200 levels"),
            self.file("deep_value.json", json.dumps(dict(doc, set={"/x": "@"})).replace('"@"', "[" * 300 + "]" * 300)):
                ("", "nested deeper than 200 levels"),
            self.file("long_int.json", '{"name": "x", "repetitions": ' + "7" * 5000 + "}"): ("", "not valid JSON"),
            self.file("empty.json", ""): ("", "line 1 column 1"),
            self.file("nul_pointer.json", json.dumps(dict(doc, set={"/work\u0000load": 1}))):
                ("/set", 'the JSON pointer "/work\\u0000load" holds a NUL character'),
            self.file("newline_key.json", json.dumps(dict(doc, **{"na\nme": 1}))):
                ("/na\\nme", 'unknown key "na\\nme"'),
            self.file("many_points.json", json.dumps(dict(doc, axes=[{"path": f"/a{i}", "values": list(range(10))}
                                                                      for i in range(7)]))):
                ("/axes", "more than 1,000,000 points"),
            self.file("many_runs.json", json.dumps(dict(doc, repetitions=10 ** 30))):
                ("/repetitions", "is more than 1,000,000 runs"),
            self.file("huge_seed.json", json.dumps(dict(doc, base_seed=2 ** 60))): ("/base_seed", "out of range"),
            self.file("seeds_past_the_range.json", json.dumps(dict(doc, base_seed=2 ** 53, repetitions=3))):
                ("/repetitions", "the seeds run up to 9007199254740994"),
        }
        for path, (pointer, text) in cases.items():
            with self.subTest(os.path.basename(path)):
                out = os.path.join(self.tmp, "out_" + os.path.basename(path))
                for command in ("run", "emit-parallel"):
                    done = sweep_guarded(command, path, "--out", out, "--clustersim", lib.CLUSTERSIM)
                    self.one_line(done, f"error: {path}: {pointer}: " if pointer else f"error: {path}: ", text)
                    self.assertFalse(os.path.exists(out), "bad input wrote an output dir")

    def test_outputs_that_are_not_what_they_seem(self):
        sweep = lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep())
        a_file = self.file("a_file", "x")
        self.one_line(sweep_guarded("run", sweep, "--out", a_file, "--clustersim", lib.CLUSTERSIM), f"error: {sweep}: ",
                      "exists and is not a directory")
        self.one_line(sweep_guarded("collect", a_file), f"error: {a_file}/sweep.json: ", "Not a directory")
        for name, make in (("fifo", os.mkfifo), ("zero", lambda p: os.symlink("/dev/zero", p)),
                           ("dir", os.makedirs), ("binary", lambda p: self.file(p, b"\xff\xfe"))):
            with self.subTest(name):
                out = os.path.join(self.tmp, f"out_{name}")
                os.makedirs(out)
                make(os.path.join(out, "sweep.json"))
                self.one_line(sweep_guarded("run", sweep, "--out", out, "--clustersim", lib.CLUSTERSIM),
                              f"error: {sweep}: ", "unreadable", "choose another --out")
                self.one_line(sweep_guarded("collect", out), f"error: {out}/sweep.json: ")

    def test_run_files_that_are_not_files(self):
        """A summary.json or exit_code that is a FIFO or a directory: the run is not done, nothing hangs."""
        out = os.path.join(self.tmp, "out")
        sweep = lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep(repetitions=1))
        self.assertEqual(sweep_guarded("run", sweep, "--out", out, "--clustersim", lib.CLUSTERSIM).returncode, 0)
        runs = sorted(glob.glob(os.path.join(out, "runs", "*")))
        os.remove(os.path.join(runs[0], "summary.json"))
        os.mkfifo(os.path.join(runs[0], "summary.json"))
        os.remove(os.path.join(runs[0], "exit_code"))
        os.mkfifo(os.path.join(runs[0], "exit_code"))
        os.remove(os.path.join(runs[1], "summary.json"))
        os.makedirs(os.path.join(runs[1], "summary.json"))
        done = sweep_guarded("collect", out)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("0 ok, 0 failed, 2 missing", done.stdout)
        # A rerun runs them again: clustersim replaces the FIFO; the directory is its to refuse.
        shutil.rmtree(os.path.join(runs[1], "summary.json"))
        done = sweep_guarded("run", sweep, "--out", out, "--clustersim", lib.CLUSTERSIM)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("2 ok, 0 failed, 0 missing", done.stdout)

    def test_command_line_errors_are_one_line(self):
        self.one_line(sweep_guarded("run", "x.json", "--jobs", "many"), "error: ", "--jobs", "invalid int")
        self.one_line(sweep_guarded("fly"), "error: ", "invalid choice")


WRAPPER = """#!/bin/sh
# Logs what it is asked (and its pid, and its sleep's), sleeps as told, then runs clustersim.
case "$1" in
  validate) echo "validate $$" >> {log}; sleep "${{SLEEP_VALIDATE:-0}}" & echo "sleep $!" >> {log}; wait $! ;;
  run) echo "run $$" >> {log}; sleep "${{SLEEP_RUN:-0}}" ;;
esac
exec {clustersim} "$@"
"""


class Interrupts(lib.TempDirTest):
    """SIGINT at every stage of `sweep.py run`: checking the overrides, running, aggregating."""

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "calls.log")
        self.wrapper = os.path.join(self.tmp, "clustersim")
        with open(self.wrapper, "w") as f:
            f.write(WRAPPER.format(log=self.log, clustersim=lib.CLUSTERSIM))
        os.chmod(self.wrapper, 0o755)
        # 12 runs of ~0.1 s, two at a time.
        self.sweep = lib.write_json(os.path.join(self.tmp, "s.json"), lib.tiny_sweep(
            repetitions=4, axes=[{"path": "/platform/link/bandwidth", "values": ["10Gbps", "25Gbps", "40Gbps"]}]))
        self.out = os.path.join(self.tmp, "out")

    def calls(self, kind):
        try:
            return [int(line.split()[1]) for line in lib.read(self.log).splitlines() if line.startswith(kind + " ")]
        except FileNotFoundError:
            return []

    def start(self, **env):
        # Popen from Python: SIGINT is not ignored in the child (as in a shell's background job).
        return subprocess.Popen([lib.PYTHON, os.path.join(lib.SCRIPTS, "sweep.py"), "run", self.sweep, "--out", self.out,
                                 "--jobs", "2", "--clustersim", self.wrapper],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, **{k: str(v) for k, v in env.items()}))

    def wait_until(self, proc, condition):
        deadline = time.monotonic() + 120
        while not condition():
            self.assertIsNone(proc.poll(), "the sweep ended before it could be interrupted")
            self.assertLess(time.monotonic(), deadline, "waited 120 s")
            time.sleep(0.01)

    def stop(self, proc, sig=signal.SIGINT):
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        return proc.returncode, err

    def assert_clean_stop(self, code, err, sig=signal.SIGINT):
        self.assertNotIn("Traceback", err)
        self.assertEqual(code, 128 + sig, err)
        lines = err.splitlines()
        self.assertIn("interrupted", lines[-1])
        self.assertEqual(sum("interrupted" in line for line in lines), 1, err)
        self.assertEqual(temporaries(self.out), [])

    def assert_tables_whole(self):
        """runs.csv and points.csv, if there, are whole: a header and one row per run or per point and metric."""
        for name, rows in (("runs.csv", 12), ("points.csv", 3 * 3)):
            path = os.path.join(self.out, name)
            if os.path.exists(path):
                with open(path) as f:
                    self.assertEqual(len(list(csv.reader(f))), 1 + rows, name)

    def assert_gone(self, pids):
        deadline = time.monotonic() + 30
        for pid in pids:
            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                self.assertLess(time.monotonic(), deadline, f"process {pid} outlived the sweep")
                time.sleep(0.05)

    def test_sigint_during_validation(self):
        proc = self.start(SLEEP_VALIDATE=60)
        self.wait_until(proc, lambda: self.calls("sleep"))
        code, err = self.stop(proc)
        self.assert_clean_stop(code, err)
        self.assertEqual(err, "sweep.py: interrupted\n")
        self.assertFalse(os.path.exists(self.out), "nothing is written before the overrides are checked")
        # The checks in flight (the wrapper and its sleep) were stopped, not left to run 60 s.
        self.assert_gone(self.calls("validate") + self.calls("sleep"))

    def test_sigint_during_runs_then_resume(self):
        proc = self.start(SLEEP_RUN=0.3)
        self.wait_until(proc, lambda: len(glob.glob(os.path.join(self.out, "runs", "*", "summary.json"))) >= 2)
        code, err = self.stop(proc)
        self.assert_clean_stop(code, err)
        self.assertIn("finished runs are kept", err.splitlines()[-1])
        self.assertLess(len(glob.glob(os.path.join(self.out, "runs", "*", "summary.json"))), 12)
        for d in glob.glob(os.path.join(self.out, "runs", "*")):  # no run marked failed by the interrupt
            if os.path.exists(os.path.join(d, "exit_code")):
                self.assertEqual(lib.read(os.path.join(d, "exit_code")), "0\n")
        done = sweep_guarded("run", self.sweep, "--out", self.out, "--clustersim", self.wrapper)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("12 ok, 0 failed, 0 missing", done.stdout)

    def test_sigterm(self):
        proc = self.start(SLEEP_RUN=0.3)
        self.wait_until(proc, lambda: self.calls("run"))
        code, err = self.stop(proc, signal.SIGTERM)
        self.assert_clean_stop(code, err, signal.SIGTERM)

    def fresh_start(self):
        """The sweep started anew, once it has begun checking (the interpreter is up, the script loaded)."""
        shutil.rmtree(self.out, ignore_errors=True)
        if os.path.exists(self.log):
            os.remove(self.log)
        proc = self.start()
        self.wait_until(proc, lambda: self.calls("validate"))
        return proc

    def test_sigint_at_any_moment(self):
        """SIGINT at 16 moments spread over a whole sweep (measured first, uninterrupted), from
        the first check on: in the checks, the runs and the aggregation. Never a traceback, never
        a temporary file, never a half-written table."""
        proc = self.fresh_start()
        begin = time.monotonic()
        _, err = proc.communicate(timeout=120)
        whole = time.monotonic() - begin
        self.assertEqual(proc.returncode, 0, err)
        for delay in [whole * i / 16 for i in range(16)]:
            with self.subTest(delay=delay):
                proc = self.fresh_start()
                time.sleep(delay)
                if proc.poll() is None:
                    code, err = self.stop(proc)
                else:
                    code, err = proc.returncode, proc.communicate()[1]
                if code == 0:  # it finished first
                    self.assertNotIn("Traceback", err)
                    self.assertEqual(temporaries(self.out), [])
                else:
                    self.assert_clean_stop(code, err)
                self.assert_tables_whole()

    def test_a_write_is_never_cut(self):
        """A signal during write_atomically waits for the rename: the file is whole, no temporary stays."""
        target = os.path.join(self.tmp, "table.csv")
        script = f"""
import os, signal, sys, time
sys.path.insert(0, {lib.SCRIPTS!r})
from cslib import interrupts, runner
interrupts.install()
real_replace = os.replace
def replace(a, b):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)  # the handler runs here, between writing and renaming
    real_replace(a, b)
os.replace = replace
try:
    runner.write_atomically({target!r}, "x" * 1000000)
except interrupts.Interrupted as e:
    sys.exit(interrupts.report(e, "interrupted"))
"""
        done = subprocess.run([lib.PYTHON, "-c", script], capture_output=True, text=True, timeout=60)
        self.assertEqual((done.returncode, done.stderr), (130, "interrupted\n"))
        self.assertEqual(lib.read(target), "x" * 1000000)
        self.assertEqual(temporaries(self.tmp), [])

    def test_a_failed_write_leaves_no_temporary(self):
        from cslib import runner
        target = os.path.join(self.tmp, "table.csv")
        with self.assertRaises(TypeError):
            runner.write_atomically(target, None)
        self.assertFalse(os.path.exists(target))
        self.assertEqual(temporaries(self.tmp), [])


if __name__ == "__main__":
    lib.main()
