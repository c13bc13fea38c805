#!/usr/bin/python3
"""Two outputs of the same sweep hold the same results: runs.csv, points.csv and sweep.json byte
for byte, the same runs, and in each run every file byte for byte except summary.json, whose
`run` section (wall-clock time and such: how this execution went) may differ while everything
else, the metrics included, must not, down to each number's digits.
    same_results.py EXPECTED_DIR ACTUAL_DIR     exit 0 same, 1 different (each difference printed)"""
import json, os, sys


def read(path):
    with open(path, "rb") as f:
        return f.read()


def results(summary_path):
    with open(summary_path) as f:
        summary = json.load(f, parse_float=str)  # numbers as written: two spellings of one double differ
    summary.pop("run", None)
    return summary


def differences(expected, actual):
    for name in ("runs.csv", "points.csv", "sweep.json"):
        if read(os.path.join(expected, name)) != read(os.path.join(actual, name)):
            yield f"{name} differs"
    runs = sorted(os.listdir(os.path.join(expected, "runs")))
    if runs != sorted(os.listdir(os.path.join(actual, "runs"))):
        yield f"different runs: {runs} vs {sorted(os.listdir(os.path.join(actual, 'runs')))}"
        return
    if not runs:
        yield "no runs"
    for run in runs:
        a, b = os.path.join(expected, "runs", run), os.path.join(actual, "runs", run)
        files = sorted(os.listdir(a))
        if files != sorted(os.listdir(b)):
            yield f"{run}: different files: {files} vs {sorted(os.listdir(b))}"
            continue
        if "summary.json" not in files:
            yield f"{run}: no summary.json"
        for name in files:
            same = (results(os.path.join(a, name)) == results(os.path.join(b, name)) if name == "summary.json"
                    else read(os.path.join(a, name)) == read(os.path.join(b, name)))
            if not same:
                yield f"{run}/{name} differs"


def main(expected, actual):
    found = list(differences(expected, actual))
    for line in found:
        print(f"{actual} vs {expected}: {line}")
    return 1 if found else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[-1].strip())
    sys.exit(main(*sys.argv[1:]))
