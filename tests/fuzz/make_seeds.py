#!/usr/bin/env python3
"""Writes the fuzz target's seed corpus into OUT: every scenario and bad-input scenario (with
the --set overrides of its "// args:" line), every trace and CSV under scenarios/ and
tests/bad_input/, and the shipped profiles, each behind the selector byte that sends it to its
reader (tests/fuzz/fuzz_target.cpp). Usage: make_seeds.py SOURCE_DIR OUT"""
import hashlib
import json
import pathlib
import shlex
import sys


def strip_comments(text):
    """JSON with // and /* */ comments (as the scenarios have) -> plain JSON."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i):
            i = text.find("*/", i + 2) + 2 if "*/" in text[i + 2:] else n
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def leaves(value, pointer=""):
    """(JSON pointer, value as --set takes it) of every scalar, in the order of nlohmann's
    flatten(): keys sorted, empty objects and arrays as scalars."""
    if isinstance(value, dict) and value:
        for key in sorted(value):
            yield from leaves(value[key], pointer + "/" + key.replace("~", "~0").replace("/", "~1"))
    elif isinstance(value, list) and value:
        for index, child in enumerate(value):
            yield from leaves(child, f"{pointer}/{index}")
    else:
        yield pointer, value if isinstance(value, str) else json.dumps(value)


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
    # Each shipped scenario with every scalar set to itself: short --set lines that mutate into
    # an absurd value for any key far more easily than the JSON does. And each scalar alone for
    # the "v" reader, which numbers the scenarios in path order as the target does.
    for index, f in enumerate(sorted(source.glob("scenarios/**/*.json"))):
        text = f.read_bytes()
        scalars = list(leaves(json.loads(strip_comments(text.decode()))))
        seeds.append(b"s" + text + b"\n--set\n" + "\n".join(f"{p}={v}" for p, v in scalars).encode())
        selector = chr(ord("0") + index).encode()
        seeds += [b"v" + selector + f"{n}={v}".encode() for n, (_, v) in enumerate(scalars)]

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
    seeds += [b"c" + str(i).encode() + costs for i in range(7)]  # each registered scheme (compression::schemes())

    for seed in seeds:
        (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{len(seeds)} seeds in {out}")


if __name__ == "__main__":
    main()
