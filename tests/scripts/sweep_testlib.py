"""Shared by the sweep and compare tests: paths, a tiny sweep on the quickstart scenario, and
running the scripts. Every test file takes the clustersim binary as its first argument."""
import json, os, subprocess, sys, tempfile, unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(REPO, "scripts")
PYTHON = "/usr/bin/python3"
QUICKSTART = os.path.join(REPO, "scenarios", "quickstart.json")
sys.path.insert(0, SCRIPTS)

CLUSTERSIM = None


def tiny_sweep(name="tiny", axes=None, repetitions=2, iterations=1, **extra):
    """A sweep over the quickstart scenario cut to a few iterations per job: runs of ~0.1 s."""
    doc = {"name": name, "scenario": QUICKSTART,
           "set": {"/workload/jobs/0/iterations": iterations, "/workload/jobs/1/iterations": iterations},
           "axes": axes if axes is not None else [{"path": "/platform/link/bandwidth", "values": ["10Gbps", "25Gbps"]}],
           "repetitions": repetitions, "base_seed": 3, "metrics": ["jct_mean_s", "makespan_s", "energy_j"]}
    doc.update(extra)
    return doc


def write_json(path, doc, comment=None):
    with open(path, "w") as f:
        if comment:
            f.write(f"// {comment}\n")
        json.dump(doc, f, indent=2)
    return path


def sweep_py(*args, **kwargs):
    return subprocess.run([PYTHON, os.path.join(SCRIPTS, "sweep.py")] + [str(a) for a in args],
                          capture_output=True, text=True, **kwargs)


def compare_py(*args):
    return subprocess.run([PYTHON, os.path.join(SCRIPTS, "compare.py")] + [str(a) for a in args],
                          capture_output=True, text=True)


def read(path):
    with open(path) as f:
        return f.read()


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="cs-sweep-test-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()


def main():
    """unittest.main, with the clustersim path taken off the command line first."""
    global CLUSTERSIM
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} CLUSTERSIM [unittest options]")
    CLUSTERSIM = os.path.abspath(sys.argv.pop(1))
    unittest.main(module="__main__", verbosity=2)
