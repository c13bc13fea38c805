#!/usr/bin/python3
"""The local runner: a whole sweep, failures, and resumption after an interrupt (SIGTERM) and
after the runner itself is killed (SIGKILL): nothing finished is lost or rerun, nothing runs
twice. A wrapper around clustersim logs every `run` it starts, which counts the runs."""
import csv, fcntl, glob, os, pty, signal, subprocess, time

import sweep_testlib as lib


class Runner(lib.TempDirTest):
    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "started.log")
        self.wrapper = os.path.join(self.tmp, "clustersim")
        with open(self.wrapper, "w") as f:
            # $5 is the --out dir of `run FILE --quiet --out DIR ...` (runner.py's argument order).
            f.write(f'#!/bin/sh\nif [ "$1" = run ]; then\n  echo "$(basename "$5")" >> {self.log}\n'
                    f'  case "$5" in *"${{FAIL_RUN:-@none@}}"*) echo "error: made to fail" >&2; exit 3;; esac\n'
                    f'  sleep "${{SLEEP_BEFORE_RUN:-0}}"\nfi\n'
                    f'exec {lib.CLUSTERSIM} "$@"\n')
        os.chmod(self.wrapper, 0o755)
        self.out = os.path.join(self.tmp, "out")

    def started(self):
        try:
            return lib.read(self.log).split()
        except FileNotFoundError:
            return []

    def runs_csv(self):
        with open(os.path.join(self.out, "runs.csv")) as f:
            return list(csv.DictReader(f))

    def summaries(self):
        """{run_id: (inode, mtime_ns)} of every finished run."""
        return {os.path.basename(os.path.dirname(p)): (os.stat(p).st_ino, os.stat(p).st_mtime_ns)
                for p in glob.glob(os.path.join(self.out, "runs", "*", "summary.json"))}

    def sweep(self, doc, *args, env=None):
        path = lib.write_json(os.path.join(self.tmp, "sweep.json"), doc)
        return lib.sweep_py("run", path, "--out", self.out, "--clustersim", self.wrapper, *args,
                            env=dict(os.environ, **(env or {})))

    def test_whole_sweep_then_nothing_to_do(self):
        done = self.sweep(lib.tiny_sweep(), "--jobs", "2")
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = self.runs_csv()
        self.assertEqual([(r["/platform/link/bandwidth"], r["repetition"], r["seed"], r["status"]) for r in rows],
                         [("10Gbps", "0", "3", "ok"), ("10Gbps", "1", "4", "ok"), ("25Gbps", "0", "3", "ok"),
                          ("25Gbps", "1", "4", "ok")])
        self.assertEqual(sorted(self.started()), sorted(r["run_id"] for r in rows))
        for r in rows:
            d = os.path.join(self.out, "runs", r["run_id"])
            self.assertEqual(lib.read(os.path.join(d, "exit_code")), "0\n")
            self.assertEqual(lib.read(os.path.join(d, "run.json")).count("\n"), 1)
            self.assertGreater(float(r["jct_mean_s"]), 0)
        # Progress on a pipe: a line at the start and per ~10%, never redrawn.
        self.assertNotIn("\r", done.stderr)
        self.assertIn("sweep tiny: 4/4 done", done.stderr)
        before = self.summaries()
        again = self.sweep(lib.tiny_sweep())
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(len(self.started()), 4)
        self.assertEqual(self.summaries(), before)
        self.assertIn("4/4 done (4 already)", again.stderr)

    def test_failed_runs_are_marked_and_retried(self):
        doc = lib.tiny_sweep()
        done = self.sweep(doc, env={"FAIL_RUN": "25Gbps_s4"})
        self.assertEqual(done.returncode, 1)
        self.assertIn("failed (exit code 3): error: made to fail", done.stderr)
        rows = {(r["/platform/link/bandwidth"], r["seed"]): r for r in self.runs_csv()}
        self.assertEqual(rows[("25Gbps", "4")]["status"], "failed")
        self.assertEqual(rows[("25Gbps", "4")]["jct_mean_s"], "")
        self.assertEqual([r["status"] for k, r in rows.items() if k != ("25Gbps", "4")], ["ok"] * 3)
        with open(os.path.join(self.out, "points.csv")) as f:
            n = {(p["/platform/link/bandwidth"], p["metric"]): p["n"] for p in csv.DictReader(f)}
        self.assertEqual((n[("10Gbps", "jct_mean_s")], n[("25Gbps", "jct_mean_s")]), ("2", "1"))
        again = self.sweep(doc)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual([r["status"] for r in self.runs_csv()], ["ok"] * 4)
        self.assertEqual(len(self.started()), 5)

    def test_progress_redraws_on_a_terminal(self):
        master, slave = pty.openpty()
        path = lib.write_json(os.path.join(self.tmp, "sweep.json"), lib.tiny_sweep())
        proc = subprocess.Popen([lib.PYTHON, os.path.join(lib.SCRIPTS, "sweep.py"), "run", path, "--out", self.out,
                                 "--clustersim", self.wrapper], stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
        os.close(master)
        self.assertEqual(proc.wait(), 0)
        self.assertIn(b"\r\x1b[K", seen)
        self.assertIn(b"sweep tiny: 4/4 done", seen)

    def interrupt_after_two(self, doc, sig, env=None):
        """Starts the sweep on one core and sends `sig` once two runs have finished and the third
        has started."""
        path = lib.write_json(os.path.join(self.tmp, "sweep.json"), doc)
        proc = subprocess.Popen([lib.PYTHON, os.path.join(lib.SCRIPTS, "sweep.py"), "run", path, "--out", self.out,
                                 "--jobs", "1", "--clustersim", self.wrapper],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, **(env or {})))
        deadline = time.monotonic() + 120
        while len(self.summaries()) < 2 or len(self.started()) < 3:
            self.assertIsNone(proc.poll(), "the sweep ended before it could be interrupted")
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.005)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        return proc.returncode, err

    def resume_and_check(self, finished_before, runs):
        done = self.sweep(self.doc)
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = self.runs_csv()
        self.assertEqual([r["status"] for r in rows], ["ok"] * runs)
        self.assertEqual(len(os.listdir(os.path.join(self.out, "runs"))), runs)
        after = self.summaries()
        for run_id, stamp in finished_before.items():
            self.assertEqual(after[run_id], stamp, f"{run_id} finished before the interrupt and was rerun")
        started = self.started()
        for r in rows:
            # Runs finished before the interrupt started once; the one cut short at most twice.
            self.assertLessEqual(started.count(r["run_id"]), 1 if r["run_id"] in finished_before else 2)
        self.assertLessEqual(len(started), runs + 1)

    def test_resume_after_sigterm(self):
        self.doc = lib.tiny_sweep(repetitions=5, iterations=3)
        code, err = self.interrupt_after_two(self.doc, signal.SIGTERM)
        self.assertEqual(code, 128 + signal.SIGTERM, err)
        self.assertIn("interrupted", err)
        finished = self.summaries()
        self.assertLess(len(finished), 10, "every run finished before the interrupt: make them longer")
        # No run of the interrupted sweep is left running, and none is marked failed.
        self.assertFalse(any(os.path.exists(os.path.join(self.out, "runs", d, "exit_code")) and
                             lib.read(os.path.join(self.out, "runs", d, "exit_code")) != "0\n"
                             for d in os.listdir(os.path.join(self.out, "runs"))))
        self.resume_and_check(finished, 10)

    def test_resume_after_sigkill(self):
        self.doc = lib.tiny_sweep(repetitions=5, iterations=3)
        # Each run first sleeps 3 s, so the run in flight outlives its killed runner long
        # enough for a second sweep to try to start.
        code, _ = self.interrupt_after_two(self.doc, signal.SIGKILL, env={"SLEEP_BEFORE_RUN": "3"})
        self.assertEqual(code, -signal.SIGKILL)
        # That run holds the lock until it ends: the second sweep refuses to start rather than
        # run it twice.
        refused = self.sweep(self.doc)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertIn("locked", refused.stderr)
        fd = os.open(os.path.join(self.out, ".lock"), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits for the orphan run to end
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        self.resume_and_check(self.summaries(), 10)
        self.assertEqual(len(self.started()), len(set(self.started())), "a run started twice")


if __name__ == "__main__":
    lib.main()
