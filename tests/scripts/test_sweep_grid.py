#!/usr/bin/python3
"""`sweep.py grid`, the quick sweep without a sweep file (what scripts/grid_sweep.py was): its
grid.csv holds, per point, the very numbers `clustersim run` gives at the scenario's own seed;
values keep their JSON type; bad axes are one-line errors."""
import csv, json, os, subprocess

import sweep_testlib as lib

ITER = "/workload/jobs/0/iterations"
BW = "/platform/link/bandwidth"


class Grid(lib.TempDirTest):
    def grid(self, *args, out=None):
        return lib.sweep_py("grid", lib.QUICKSTART, "--out", out or os.path.join(self.tmp, "out"), "--jobs", "2",
                            "--clustersim", lib.CLUSTERSIM, *args)

    def test_grid_matches_plain_runs(self):
        out = os.path.join(self.tmp, "out")
        done = self.grid("--axis", f"{BW}=10Gbps,25Gbps", "--axis", f"{ITER}=1,2", "--axis", "/workload/jobs/1/iterations=1",
                         "--metrics", "jct_mean_s,makespan_s")
        self.assertEqual(done.returncode, 0, done.stderr)
        table = lib.read(os.path.join(out, "grid.csv"))
        self.assertTrue(done.stdout.endswith(table))  # printed too
        rows = list(csv.reader(table.splitlines()))
        self.assertEqual(rows[0], [BW, ITER, "/workload/jobs/1/iterations", "jct_mean_s", "makespan_s"])
        self.assertEqual([r[:2] for r in rows[1:]], [["10Gbps", "1"], ["10Gbps", "2"], ["25Gbps", "1"], ["25Gbps", "2"]])
        for row in rows[1:]:
            plain = os.path.join(self.tmp, f"plain_{row[0]}_{row[1]}")
            subprocess.run([lib.CLUSTERSIM, "run", lib.QUICKSTART, "--quiet", "--out", plain, "--set", f"{BW}={row[0]}",
                            "--set", f"{ITER}={row[1]}", "--set", "/workload/jobs/1/iterations=1"], check=True)
            with open(os.path.join(plain, "summary.json")) as f:
                metrics = json.load(f)["metrics"]
            self.assertEqual(row[3:], [repr(metrics["jct_mean_s"]), repr(metrics["makespan_s"])], row)
        sweep = json.loads(lib.read(os.path.join(out, "sweep.json")))
        self.assertEqual(sweep["name"], "grid_quickstart")
        self.assertEqual(sweep["axes"][1]["values"], [1, 2])  # JSON numbers, not strings
        self.assertEqual(sweep["base_seed"], 1)  # the scenario's seed
        with open(os.path.join(out, "runs.csv")) as f:
            runs = list(csv.DictReader(f))
        self.assertEqual([r[f"{BW}:value"] for r in runs], ["10000000000.0"] * 2 + ["25000000000.0"] * 2)
        self.assertEqual({r[f"{BW}:unit"] for r in runs}, {"bps"})
        self.assertNotIn(f"{ITER}:value", runs[0])  # numbers need no second column

    def test_bad_axes(self):
        for args, text in ((["--axis", "platform/link/bandwidth=1Gbps"], "expected /json/pointer=v1,v2,..."),
                           (["--axis", f"{BW}="], "expected /json/pointer=v1,v2,..."),
                           (["--axis", "/platform/link/bandwith=1Gbps"], "/axes/0/path: /platform/link/bandwith does "
                                                                        "not exist in the scenario"),
                           (["--axis", f"{BW}=1Gbps,1Gbps"], "/axes/0/values/1: \"1Gbps\" repeats")):
            with self.subTest(args[1]):
                done = self.grid(*args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
                self.assertTrue(done.stderr.startswith(f"error: grid {lib.QUICKSTART}: "), done.stderr)
                self.assertIn(text, done.stderr)
                self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))
        done = lib.sweep_py("grid", lib.QUICKSTART)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--axis", done.stderr)


if __name__ == "__main__":
    lib.main()
