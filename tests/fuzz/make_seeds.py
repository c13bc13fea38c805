#!/usr/bin/env python3
"""Writes the fuzz target's seed corpus into OUT: every scenario and bad-input scenario (with
the --set overrides of its "// args:" line), every trace and CSV under scenarios/ and
tests/bad_input/, and the shipped profiles, each behind the selector byte that sends it to its
reader (tests/fuzz/fuzz_target.cpp). Usage: make_seeds.py SOURCE_DIR OUT"""
import hashlib
import pathlib
import shlex
import sys


def main():
    source, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    seeds = []

    scenario_files = sorted(source.glob("scenarios/**/*.json")) + sorted(source.glob("tests/bad_input/*.json"))
    for f in scenario_files:
        text = f.read_bytes()
        overrides = []
        for line in text.decode("utf-8", "replace").splitlines():
            if line.startswith("// args:"):
                args = shlex.split(line[len("// args:"):])
                overrides += [args[i + 1] for i in range(len(args) - 1) if args[i] == "--set"]
        seed = b"s" + text
        if overrides:
            seed += b"\n--set\n" + "\n".join(overrides).encode()
        seeds.append(seed)

    csv_files = sorted(source.glob("scenarios/**/*.csv")) + sorted(source.glob("tests/bad_input/**/*.csv"))
    for f in csv_files:
        text = f.read_bytes()
        header = next((l for l in text.decode("utf-8", "replace").splitlines() if l and not l.startswith("#")), "")
        cells = [c.strip() for c in header.split(",")]
        if header in ("time_s", "time_s,camera"):
            seeds.append(b"a4" + text)
        elif cells[0] == "time_s":
            seeds += [b"tb" + text, b"td" + text]  # bandwidth and latency traces
        elif "submit_time_s" in cells:
            seeds.append(b"j" + text)
        elif cells[0] == "sample_id":
            seeds.append(b"o" + text)
        else:
            sys.exit(f"make_seeds.py: which reader takes {f}? (header {header!r})")

    devices = (source / "profiles/inference/devices.json").read_bytes()
    models = (source / "profiles/inference/models.json").read_bytes()
    seeds.append(b"p" + devices.rstrip(b"\n") + b"\n--models\n" + models)
    costs = (source / "profiles/compression_costs.json").read_bytes()
    seeds += [b"c" + str(i).encode() + costs for i in range(7)]  # each scheme (kNames)

    for seed in seeds:
        (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{len(seeds)} seeds in {out}")


if __name__ == "__main__":
    main()
