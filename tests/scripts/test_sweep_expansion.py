#!/usr/bin/python3
"""Sweep files: comments, defaults, expansion into axes x repetitions, seeds and run ids."""
import json, os

import sweep_testlib as lib
from cslib import sweepfile


class Expansion(lib.TempDirTest):
    def load(self, doc, text=None):
        path = os.path.join(self.tmp, "s.json")
        if text is None:
            lib.write_json(path, doc)
        else:
            with open(path, "w") as f:
                f.write(text)
        return sweepfile.load(path)

    def test_axes_times_repetitions_in_order(self):
        doc = lib.tiny_sweep(axes=[{"path": "/platform/link/bandwidth", "values": ["10Gbps", "25Gbps", "40Gbps"]},
                                   {"path": "/platform/link/latency", "values": ["1us", "5us"]}], repetitions=3)
        runs = self.load(doc).runs()
        self.assertEqual(len(runs), 3 * 2 * 3)
        # First axis slowest, repetitions innermost; seed = base_seed + repetition at every point.
        self.assertEqual([(r.point["/platform/link/bandwidth"], r.point["/platform/link/latency"], r.repetition, r.seed)
                          for r in runs[:7]],
                         [("10Gbps", "1us", 0, 3), ("10Gbps", "1us", 1, 4), ("10Gbps", "1us", 2, 5),
                          ("10Gbps", "5us", 0, 3), ("10Gbps", "5us", 1, 4), ("10Gbps", "5us", 2, 5),
                          ("25Gbps", "1us", 0, 3)])
        self.assertEqual(len({r.run_id for r in runs}), len(runs))
        # Fixed overrides come first, then the point's; the seed goes last on the command line.
        self.assertEqual(runs[0].overrides, [("/workload/jobs/0/iterations", 1), ("/workload/jobs/1/iterations", 1),
                                             ("/platform/link/bandwidth", "10Gbps"), ("/platform/link/latency", "1us")])
        self.assertEqual(runs[0].set_args()[-2:], ["--set", "/seed=3"])
        self.assertIn("--set", runs[0].set_args())
        self.assertIn('/platform/link/bandwidth="10Gbps"', runs[0].set_args())

    def test_defaults_and_no_axes(self):
        sweep = self.load({"name": "plain", "scenario": lib.QUICKSTART})
        runs = sweep.runs()
        self.assertEqual([(r.point, r.seed, r.repetition) for r in runs], [({}, 1, 0)])
        self.assertTrue(runs[0].run_id.startswith("s1-"))
        resolved = sweep.resolved()
        self.assertEqual((resolved["repetitions"], resolved["base_seed"], resolved["axes"], resolved["set"]), (1, 1, [], {}))
        self.assertNotIn("metrics", resolved)

    def test_run_ids_are_stable(self):
        small = self.load(lib.tiny_sweep(axes=[{"path": "/platform/link/bandwidth", "values": ["10Gbps"]}])).runs()
        grown = self.load(lib.tiny_sweep(axes=[{"path": "/platform/link/bandwidth", "values": ["40Gbps", "10Gbps"]}],
                                         repetitions=3)).runs()
        # The same run keeps its id when values and repetitions are added around it...
        self.assertTrue({r.run_id for r in small} <= {r.run_id for r in grown})
        # ... and the id is readable: the point's values and the seed, then the hash.
        self.assertRegex(small[0].run_id, r"^10Gbps_s3-[0-9a-f]{10}$")
        # The fixed overrides' order does not matter; their values do.
        doc = lib.tiny_sweep()
        doc["set"] = dict(reversed(list(doc["set"].items())))
        self.assertEqual([r.run_id for r in self.load(doc).runs()], [r.run_id for r in self.load(lib.tiny_sweep()).runs()])
        doc["set"]["/workload/jobs/0/iterations"] = 2
        self.assertNotEqual(self.load(doc).runs()[0].run_id, self.load(lib.tiny_sweep()).runs()[0].run_id)

    def test_comments_and_relative_scenario(self):
        os.makedirs(os.path.join(self.tmp, "sub"))
        scenario = os.path.relpath(lib.QUICKSTART, self.tmp)
        text = ('// a sweep\n{"name": "c", /* the scenario, relative to this file */ "scenario": "%s",\n'
                ' "description": "a // not a comment /* nor this */",\n "axes": []}\n' % scenario)
        sweep = self.load(None, text)
        self.assertEqual(sweep.scenario, lib.QUICKSTART)
        self.assertEqual(sweep.description, "a // not a comment /* nor this */")
        # The run id hashes the scenario's path relative to the repository, not how the sweep
        # file spells it.
        other = sweepfile.load(lib.write_json(os.path.join(self.tmp, "sub", "o.json"),
                                              {"name": "c", "scenario": os.path.relpath(lib.QUICKSTART, os.path.join(self.tmp, "sub"))}))
        self.assertEqual(other.runs()[0].run_id, sweep.runs()[0].run_id)

    def test_values_keep_their_json_type(self):
        doc = lib.tiny_sweep(axes=[{"path": "/workload/jobs/0/iterations", "values": [1, "2"]}])
        doc["set"] = {}
        runs = self.load(doc).runs()
        self.assertIn("/workload/jobs/0/iterations=1", runs[0].set_args())
        self.assertIn('/workload/jobs/0/iterations="2"', runs[-1].set_args())
        self.assertEqual(json.loads(json.dumps(runs[-1].to_json()))["point"], {"/workload/jobs/0/iterations": "2"})


if __name__ == "__main__":
    lib.main()
