#!/usr/bin/python3
"""GNU parallel and Slurm: jobs.txt run by `parallel -j2` and then collected gives what the
local runner gives; the Slurm script is valid bash and its task i runs line i + 1 of jobs.txt."""
import csv, json, os, re, subprocess

import sweep_testlib as lib

RUN_ID = re.compile(r"/runs/([A-Za-z0-9_.+-]+)")  # a run id, as jobs.txt spells its folder
# What differs between two runs of the same scenario and seed: how long they took.
_WALL = {"wall_clock_s", "activities_per_wall_s", "packets_per_wall_s"}


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


if __name__ == "__main__":
    lib.main()
