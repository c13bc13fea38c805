#!/usr/bin/python3
"""GNU parallel and Slurm: jobs.txt run by `parallel -j2` and then collected gives what the
local runner gives; the Slurm script is valid bash and its task i runs line i + 1 of jobs.txt (or
its N lines with --runs-per-task N); its #SBATCH options; collect's list of unfinished runs and
the array tasks to resubmit; where the clustersim binary comes from."""
import csv, json, os, re, shutil, subprocess

import sweep_testlib as lib

RUN_ID = re.compile(r"/runs/([A-Za-z0-9_.+-]+)")  # a run id, as jobs.txt spells its folder
# What differs between two runs of the same scenario and seed: when and how long they took, and
# the command line that ran them.
_WALL = {"wall_clock_s", "activities_per_wall_s", "packets_per_wall_s", "started_utc", "command_line"}


def comparable_summary(path):
    with open(path) as f:
        summary = json.load(f)
    summary["run"] = {k: v for k, v in summary["run"].items() if k not in _WALL}
    return summary


class Backends(lib.TempDirTest):
    def setUp(self):
        super().setUp()
        self.sweep = lib.write_json(os.path.join(self.tmp, "sweep.json"), lib.tiny_sweep(repetitions=2))

    def emit(self, kind, out):
        done = lib.sweep_py(kind, self.sweep, "--out", out, "--clustersim", lib.CLUSTERSIM)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    def test_parallel_matches_local_runner(self):
        local, par = os.path.join(self.tmp, "local"), os.path.join(self.tmp, "parallel")
        done = lib.sweep_py("run", self.sweep, "--out", local, "--jobs", "2", "--clustersim", lib.CLUSTERSIM)
        self.assertEqual(done.returncode, 0, done.stderr)
        printed = self.emit("emit-parallel", par)
        self.assertIn("parallel --jobs", printed)
        jobs = os.path.join(par, "jobs.txt")
        lines = lib.read(jobs).splitlines()
        self.assertEqual(len(lines), 4)
        self.assertTrue(all(par in line and lib.CLUSTERSIM in line for line in lines))  # absolute paths
        with open(jobs) as f:
            ran = subprocess.run(["parallel", "-j2"], stdin=f, capture_output=True, text=True)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        done = lib.sweep_py("collect", par)
        self.assertEqual(done.returncode, 0, done.stderr)
        for table in ("runs.csv", "points.csv"):
            self.assertEqual(lib.read(os.path.join(par, table)), lib.read(os.path.join(local, table)), table)
        self.assertEqual(lib.read(os.path.join(par, "sweep.json")), lib.read(os.path.join(local, "sweep.json")))
        for run_id in os.listdir(os.path.join(local, "runs")):
            a, b = os.path.join(local, "runs", run_id), os.path.join(par, "runs", run_id)
            self.assertEqual(sorted(os.listdir(a)), sorted(os.listdir(b)))
            for name in os.listdir(a):
                if name == "summary.json":
                    self.assertEqual(comparable_summary(os.path.join(a, name)), comparable_summary(os.path.join(b, name)))
                else:
                    self.assertEqual(lib.read(os.path.join(a, name)), lib.read(os.path.join(b, name)), f"{run_id}/{name}")
        # Rerunning the job list skips what is done.
        stamps = [os.stat(os.path.join(par, "runs", r, "summary.json")).st_mtime_ns for r in sorted(os.listdir(local + "/runs"))]
        with open(jobs) as f:
            subprocess.run(["parallel", "-j2"], stdin=f, check=True, capture_output=True)
        self.assertEqual(stamps, [os.stat(os.path.join(par, "runs", r, "summary.json")).st_mtime_ns
                                  for r in sorted(os.listdir(local + "/runs"))])

    def test_collect_marks_missing_runs(self):
        par = os.path.join(self.tmp, "partial")
        self.emit("emit-parallel", par)
        first = lib.read(os.path.join(par, "jobs.txt")).splitlines()[0]
        subprocess.run(["bash", "-c", first], check=True)
        done = lib.sweep_py("collect", par)
        self.assertEqual(done.returncode, 1)
        self.assertIn("1 ok, 0 failed, 3 missing", done.stdout)
        with open(os.path.join(par, "runs.csv")) as f:
            self.assertEqual([r["status"] for r in csv.DictReader(f)], ["ok", "missing", "missing", "missing"])

    def test_slurm_array_task_runs_its_line(self):
        out = os.path.join(self.tmp, "slurm")
        self.emit("emit-slurm", out)
        script = os.path.join(out, "sweep.sbatch")
        subprocess.run(["bash", "-n", script], check=True)
        text = lib.read(script)
        self.assertRegex(text, r"(?m)^#SBATCH --array=0-3$")
        self.assertTrue(os.path.isdir(os.path.join(out, "slurm")))  # Slurm does not create log dirs
        lines = lib.read(os.path.join(out, "jobs.txt")).splitlines()
        for i, line in enumerate(lines):
            run_id = RUN_ID.search(line).group(1)
            before = set(os.listdir(os.path.join(out, "runs")))
            subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID=str(i)), check=True)
            self.assertEqual(set(os.listdir(os.path.join(out, "runs"))) - before, {run_id}, f"task {i}")
            self.assertTrue(os.path.exists(os.path.join(out, "runs", run_id, "summary.json")))
        self.assertEqual(lib.sweep_py("collect", out).returncode, 0)
        # The array's order is jobs.txt's, which is runs.csv's.
        with open(os.path.join(out, "runs.csv")) as f:
            self.assertEqual([r["run_id"] for r in csv.DictReader(f)],
                             [RUN_ID.search(line).group(1) for line in lines])
        self.assertNotEqual(subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID="4"),
                                           capture_output=True).returncode, 0)

    def test_default_slurm_script_is_unchanged(self):
        """Without the new options the script is, byte for byte, the one emit-slurm always wrote."""
        out = os.path.join(self.tmp, "slurm")
        self.emit("emit-slurm", out)
        jobs = os.path.join(out, "jobs.txt")
        self.assertEqual(lib.read(os.path.join(out, "sweep.sbatch")), f"""#!/bin/bash
# Sweep tiny: 4 clustersim runs as a Slurm job array; task i runs line i + 1 of
# {jobs}.
# Submit with `sbatch {out}/sweep.sbatch` (append %K to --array to run at most K at once), then
# `scripts/sweep.py collect {out}`. Clusters cap arrays at MaxArraySize (often 1001 tasks).
#SBATCH --job-name=tiny
#SBATCH --array=0-3
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output={out}/slurm/%A_%a.log
set -u
line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" {jobs})
[ -n "$line" ] || {{ echo "no line $((SLURM_ARRAY_TASK_ID + 1)) in {jobs}" >&2; exit 1; }}
exec bash -c "$line"
""")

    def test_slurm_options_and_runs_per_task(self):
        out = os.path.join(self.tmp, "slurm")
        done = lib.sweep_py("emit-slurm", self.sweep, "--out", out, "--clustersim", lib.CLUSTERSIM,
                            "--partition", "short,long", "--account", "proj-1", "--time", "0-01:30:00",
                            "--mem", "2G", "--runs-per-task", "3")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("4 runs (2 array tasks of 3)", done.stdout)
        script = os.path.join(out, "sweep.sbatch")
        subprocess.run(["bash", "-n", script], check=True)
        text = lib.read(script)
        for line in ("#SBATCH --array=0-1", "#SBATCH --partition=short,long", "#SBATCH --account=proj-1",
                     "#SBATCH --time=0-01:30:00", "#SBATCH --mem=2G"):
            self.assertRegex(text, f"(?m)^{re.escape(line)}$")
        lines = lib.read(os.path.join(out, "jobs.txt")).splitlines()
        ids = [RUN_ID.search(line).group(1) for line in lines]
        # Task 0 runs lines 1-3, task 1 line 4 (the last task holds fewer runs), task 2 none.
        for task, expected in ((0, ids[:3]), (1, ids[3:])):
            before = set(os.listdir(os.path.join(out, "runs")))
            subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID=str(task)), check=True)
            self.assertEqual(set(os.listdir(os.path.join(out, "runs"))) - before, set(expected), f"task {task}")
        self.assertNotEqual(subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID="2"),
                                           capture_output=True).returncode, 0)
        self.assertEqual(json.loads(lib.read(os.path.join(out, "slurm.json")))["runs_per_task"], 3)
        done = lib.sweep_py("collect", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("4 ok, 0 failed, 0 missing", done.stdout)
        self.assertNotIn("sbatch", done.stderr)

    def test_a_failed_run_does_not_stop_its_task(self):
        out = os.path.join(self.tmp, "slurm")
        done = lib.sweep_py("emit-slurm", self.sweep, "--out", out, "--clustersim", lib.CLUSTERSIM, "--runs-per-task", "2")
        self.assertEqual(done.returncode, 0, done.stderr)
        script, jobs = os.path.join(out, "sweep.sbatch"), os.path.join(out, "jobs.txt")
        lines = lib.read(jobs).splitlines()
        ids = [RUN_ID.search(line).group(1) for line in lines]
        # The task's first run gets a clustersim that fails; the second runs normally.
        failing = os.path.join(self.tmp, "failing")
        with open(failing, "w") as f:
            f.write("#!/bin/sh\necho 'error: made to fail' >&2\nexit 3\n")
        os.chmod(failing, 0o755)
        with open(jobs, "w") as f:
            f.write("\n".join([lines[0].replace(lib.CLUSTERSIM, failing)] + lines[1:]) + "\n")
        ran = subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID="0"), capture_output=True)
        self.assertNotEqual(ran.returncode, 0)
        self.assertTrue(os.path.exists(os.path.join(out, "runs", ids[1], "summary.json")))
        self.assertEqual(lib.read(os.path.join(out, "runs", ids[0], "exit_code")), "3\n")

    def test_collect_lists_unfinished_runs_and_array_tasks(self):
        sweep = lib.write_json(os.path.join(self.tmp, "six.json"), lib.tiny_sweep(repetitions=3))
        out = os.path.join(self.tmp, "slurm")
        done = lib.sweep_py("emit-slurm", sweep, "--out", out, "--clustersim", lib.CLUSTERSIM)
        self.assertEqual(done.returncode, 0, done.stderr)
        script = os.path.join(out, "sweep.sbatch")
        lines = lib.read(os.path.join(out, "jobs.txt")).splitlines()
        ids = [RUN_ID.search(line).group(1) for line in lines]
        for task in (0, 3, 4):
            subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID=str(task)), check=True)
        # Run 1 failed (as clustersim records it), runs 2 and 5 never ran.
        d = os.path.join(out, "runs", ids[1])
        os.makedirs(d)
        with open(os.path.join(d, "exit_code"), "w") as f:
            f.write("3\n")
        with open(os.path.join(d, "stderr.txt"), "w") as f:
            f.write("error: boom\n")
        done = lib.sweep_py("collect", out)
        self.assertEqual(done.returncode, 1)
        self.assertIn("3 ok, 1 failed, 2 missing", done.stdout)
        self.assertIn(f"failed  {ids[1]} (exit code 3): {d}/stderr.txt\n", done.stderr)
        self.assertIn(f"missing {ids[2]} (not started): {out}/runs/{ids[2]}/stderr.txt\n", done.stderr)
        self.assertIn(f"missing {ids[5]} (not started)", done.stderr)
        self.assertIn(f"\n  sbatch --array=1-2,5 {script}\n", done.stderr)
        # Two runs per task: runs 1 and 2 are tasks 0 and 1, run 5 task 2.
        done = lib.sweep_py("emit-slurm", sweep, "--out", out, "--clustersim", lib.CLUSTERSIM, "--runs-per-task", "2")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"\n  sbatch --array=0-2 {script}\n", lib.sweep_py("collect", out).stderr)
        done = lib.sweep_py("emit-slurm", sweep, "--out", out, "--clustersim", lib.CLUSTERSIM, "--runs-per-task", "4")
        self.assertIn(f"\n  sbatch --array=0-1 {script}\n", lib.sweep_py("collect", out).stderr)
        # Resubmitting (here: running) the listed tasks finishes the sweep, except the failure,
        # whose exit_code stays until the run is retried; finished runs are skipped.
        os.remove(os.path.join(d, "exit_code"))
        for task in (0, 1):
            subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID=str(task)), check=True)
        done = lib.sweep_py("collect", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("6 ok, 0 failed, 0 missing", done.stdout)

    def test_collect_after_parallel_says_how_to_rerun(self):
        par = os.path.join(self.tmp, "par")
        self.emit("emit-parallel", par)
        done = lib.sweep_py("collect", par)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"rerun them (finished runs are skipped) with\n  parallel --jobs 100% --joblog "
                      f"{par}/parallel.log < {par}/jobs.txt\n", done.stderr)
        self.assertNotIn("sbatch", done.stderr)

    def test_bad_slurm_options(self):
        out = os.path.join(self.tmp, "slurm")
        for option, value, expected in (("--time", "1h", "--time: expected a time limit"),
                                        ("--mem", "2GB", "--mem: expected memory per node"),
                                        ("--partition", "a b", "--partition: expected a partition name"),
                                        ("--account", "x\n#SBATCH --qos=top", "--account: expected an account name"),
                                        ("--runs-per-task", "0", "--runs-per-task must be at least 1")):
            done = lib.sweep_py("emit-slurm", self.sweep, "--out", out, "--clustersim", lib.CLUSTERSIM, option, value)
            self.assertEqual(done.returncode, 2, option)
            self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
            self.assertIn(expected, done.stderr)
            self.assertFalse(os.path.exists(out), option)  # refused before writing anything

    def test_array_ranges(self):
        from cslib import backends
        self.assertEqual(backends.array_ranges([9, 3, 7, 8]), "3,7-9")
        self.assertEqual(backends.array_ranges([0, 1, 2, 2]), "0-2")
        self.assertEqual(backends.array_ranges([5]), "5")
        self.assertEqual(backends.array_ranges([]), "")


class FindsTheBinary(lib.TempDirTest):
    """--clustersim, else $CLUSTERSIM, else clustersim on PATH, else the repository's build/sim/clustersim."""

    def emit(self, repo_scripts, env, *extra):
        sweep = lib.write_json(os.path.join(self.tmp, "sweep.json"), lib.tiny_sweep())
        out = os.path.join(self.tmp, "out")
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run([lib.PYTHON, os.path.join(repo_scripts, "sweep.py"), "emit-parallel", sweep, "--out", out,
                               *extra], capture_output=True, text=True, env=env)
        return done, out

    def test_on_path_then_error(self):
        bin_dir = os.path.join(self.tmp, "bin")
        os.makedirs(bin_dir)
        os.symlink(lib.CLUSTERSIM, os.path.join(bin_dir, "clustersim"))
        env = {k: v for k, v in os.environ.items() if k != "CLUSTERSIM"}
        # A copy of scripts/ in a folder without build/: no fallback binary there.
        scripts = os.path.join(self.tmp, "repo", "scripts")
        shutil.copytree(lib.SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        done, out = self.emit(scripts, dict(env, PATH=bin_dir + os.pathsep + "/usr/bin:/bin"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(os.path.join(bin_dir, "clustersim"), lib.read(os.path.join(out, "jobs.txt")))
        done, out = self.emit(scripts, dict(env, PATH="/usr/bin:/bin"))
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr, f"error: no clustersim: none on PATH and no {self.tmp}/repo/build/sim/clustersim; "
                                      f"build it (scripts/build.sh) or pass --clustersim PATH\n")
        done, _ = self.emit(scripts, dict(env, PATH="/usr/bin:/bin"), "--clustersim", os.path.join(self.tmp, "nope"))
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr, f"error: --clustersim {self.tmp}/nope: no such executable file\n")
        # $CLUSTERSIM comes before PATH.
        done, out = self.emit(scripts, dict(env, PATH=bin_dir + os.pathsep + "/usr/bin:/bin", CLUSTERSIM=lib.CLUSTERSIM))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn(bin_dir, lib.read(os.path.join(out, "jobs.txt")))


if __name__ == "__main__":
    lib.main()
