#!/usr/bin/python3
"""Every kind of bad sweep input: exit code 2, one line on stderr naming the sweep file, the
JSON path in it and the problem, and nothing run or written."""
import os

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
        self.assertIn("no clustersim at", done.stderr)


if __name__ == "__main__":
    lib.main()
