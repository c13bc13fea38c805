#!/usr/bin/python3
"""The regression check: runs sweeps/ci_ina.json, ci_thc.json, ci_hawkvision.json and the paper-scale
ci_paper_esa.json, ci_paper_training.json and ci_paper_thc.json, and study (b)'s
compression_memory.json (54 runs of about a second: THC and fp32 jobs sharing switch memory) and study (a)'s
inference_under_training.json (60 runs of half a second: inference beside training) and study (c)'s
compressed_training_beside_inference.json (36 runs of a second) and ina_two_level.json (8 runs of a
second: one vs two INA levels) with the clustersim under test and
compares them with results/regression/<name>/ at the default tolerance (the same numbers). A moved
headline number fails here; if the move is intended, refresh the reference:
    scripts/sweep.py run sweeps/ci_ina.json && \\
    scripts/compare.py --update-reference out/sweeps/ci_ina results/regression/ci_ina --reason "..."

    regression_ci.py CLUSTERSIM [OUT_DIR]"""
import os, shutil, sys, tempfile

import sweep_testlib as lib

SWEEPS = ("ci_ina", "ci_thc", "ci_hawkvision", "ci_paper_esa", "ci_paper_training", "ci_paper_thc", "compression_memory",
          "inference_under_training", "compressed_training_beside_inference", "ina_two_level")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    clustersim = os.path.abspath(sys.argv[1])
    base = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="cs-regression-")
    failed = []
    for name in SWEEPS:
        out = os.path.join(base, name)
        shutil.rmtree(out, ignore_errors=True)  # a fresh run: never compare stale results
        done = lib.sweep_py("run", os.path.join(lib.REPO, "sweeps", f"{name}.json"), "--out", out,
                            "--clustersim", clustersim)
        sys.stdout.write(done.stdout)
        if done.returncode != 0:
            sys.stdout.write(done.stderr)
            failed.append(f"{name}: sweep failed (exit code {done.returncode})")
            continue
        compared = lib.compare_py(out, os.path.join(lib.REPO, "results", "regression", name))
        sys.stdout.write(compared.stdout + compared.stderr)
        if compared.returncode != 0:
            failed.append(f"{name}: differs from results/regression/{name} (exit code {compared.returncode})")
    if len(sys.argv) <= 2:
        shutil.rmtree(base, ignore_errors=True)
    for f in failed:
        print(f"FAIL: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
