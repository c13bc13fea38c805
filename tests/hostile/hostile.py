#!/usr/bin/env python3
"""Hostile-input corpus for clustersim (issue 12): generated cases that must each end with
exit 2 and exactly one line on stderr (or, for the cases marked so, exit 1 and one line), never
a signal, a hang or a memory blow-up, and leave no output behind.

usage: hostile.py CLUSTERSIM SOURCE_DIR WORK_DIR [--list] [--only SUBSTRING] [--validate-only]

Every case runs under a wall-clock limit (TIME_LIMIT_S, then SIGKILL) and an address-space
limit (MEMORY_LIMIT, RLIMIT_AS) set by this harness. Both `run` and, for scenario input,
`validate` are tried: validate must reject whatever run rejects as input.
"""
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys

TIME_LIMIT_S = 20
MEMORY_LIMIT = 2 << 30  # bytes of address space


def training_base(work):
    return {
        "name": "hostile",
        "seed": 1,
        "until": "100s",
        "platform": {
            "topology": "star", "network_model": "CM02", "tcp_window": "4MiB", "hosts": 8,
            "host": {"speed": "1Tf", "cores": 1, "idle_power": "90W", "busy_power": "300W"},
            "switch": {"speed": "1Tf"},
            "link": {"bandwidth": "10Gbps", "latency": "5us",
                     "bandwidth_trace": "bw.csv", "latency_trace": "lat.csv"},
        },
        "workload": {
            "kind": "training",
            "ina": {"header": "60B", "ecn_threshold": "64kB", "rto": "1ms", "ps_packet_cost": "20ns"},
            "compression": {"scheme": "thc", "packet_payload": "1kB",
                            "costs": {"encode": "1ns", "add": "1ns", "finish": "1ns", "decode": "1ns"}},
            "jobs": [
                {"name": "ps", "gradient_size": "10MB", "workers": 2, "iterations": 2, "compute": "1ms",
                 "arrival": "0s"},
                {"name": "ina", "model": "ResNet18", "workers": 2, "aggregation": "ina", "iterations": 2,
                 "compute": "1ms"},
            ],
        },
    }


# (JSON pointer, a large unit, a small unit) for every quantity of the training base.
TRAINING_QUANTITIES = [
    ("/until", "h", "ns"), ("/platform/tcp_window", "TiB", "b"), ("/platform/host/speed", "Pf", "f"),
    ("/platform/host/idle_power", "kW", "mW"), ("/platform/host/busy_power", "kW", "mW"),
    ("/platform/switch/speed", "Pf", "f"), ("/platform/link/bandwidth", "TBps", "bps"),
    ("/platform/link/latency", "h", "ns"), ("/workload/jobs/0/gradient_size", "TiB", "b"),
    ("/workload/jobs/0/compute", "h", "ns"), ("/workload/jobs/0/arrival", "h", "ns"),
    ("/workload/ina/header", "TiB", "b"), ("/workload/ina/ecn_threshold", "TiB", "b"),
    ("/workload/ina/rto", "h", "ns"), ("/workload/ina/ps_packet_cost", "h", "ns"),
    ("/workload/compression/packet_payload", "TiB", "b"), ("/workload/compression/costs/encode", "h", "ns"),
    ("/workload/compression/costs/add", "h", "ns"),
]
INFERENCE_QUANTITIES = [
    ("/workload/duration", "h", "ns"), ("/workload/arrivals/rate", "/s", "/h"),
    ("/workload/tiers/0/deadline", "h", "ns"), ("/platform/wan/bandwidth", "TBps", "bps"),
    ("/platform/client_link/latency", "h", "ns"), ("/platform/edge/speed", "Pf", "f"),
]
# Values that overflow, vanish (denormal or tiny), are NaN-like, or are huge after conversion.
BIG_VALUES = ["1e400", "1e308", "1.7976931348623157e308", "nan", "inf", "-inf", "1e30", "1e20"]
SMALL_VALUES = ["1e-320", "4.9e-324", "1e-310", "1e-300", "1e-30", "-1e-320"]


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


class Corpus:
    def __init__(self, clustersim, source, work):
        self.clustersim, self.source, self.work = clustersim, source, work
        self.cases = []  # (name, argv, expected exit, check validate too)

    def add(self, name, args, expect=2, validate=True, env=None, shell_prefix=None):
        self.cases.append((name, args, expect, validate, env, shell_prefix))

    def scenario(self, name, document):
        path = os.path.join(self.work, name + ".json")
        write(path, document if isinstance(document, (str, bytes)) and not isinstance(document, bytes)
              else json.dumps(document), "w")
        return path


def build(clustersim, source, work):
    c = Corpus(clustersim, source, work)
    write(os.path.join(work, "bw.csv"), "time_s,bandwidth\n1,5Gbps\n2,10Gbps\n")
    write(os.path.join(work, "lat.csv"), "time_s,latency\n1,10us\n")
    base = training_base(work)
    base_file = os.path.join(work, "base.json")
    write(base_file, json.dumps(base))
    inference_file = os.path.join(source, "scenarios/hawkvision/volatile_wan.json")

    # 1. Quantities: overflowing, vanishing and NaN-like values in every field.
    for pointer, big, small in TRAINING_QUANTITIES:
        for v in BIG_VALUES:
            c.add(f"quantity{pointer}={v}{big}", [base_file, "--set", f"{pointer}={v}{big}"])
        for v in SMALL_VALUES:
            c.add(f"quantity{pointer}={v}{small}", [base_file, "--set", f"{pointer}={v}{small}"])
    for pointer, big, small in INFERENCE_QUANTITIES:
        for v in ["1e308", "1e30", "nan"]:
            c.add(f"inference{pointer}={v}{big}", [inference_file, "--set", f"{pointer}={v}{big}"])
        for v in ["1e-320", "1e-30"]:
            c.add(f"inference{pointer}={v}{small}", [inference_file, "--set", f"{pointer}={v}{small}"])

    # 2. Trace files: bad numbers in every column, odd files.
    traces = {
        "bw_value_1e400": ("bandwidth", "time_s,bandwidth\n1,1e400Gbps\n"),
        "bw_value_overflow": ("bandwidth", "time_s,bandwidth\n1,1e308TBps\n"),
        "bw_value_denormal": ("bandwidth", "time_s,bandwidth\n1,1e-320bps\n"),
        "bw_value_huge": ("bandwidth", "time_s,bandwidth\n1,1e30Tbps\n"),
        "bw_value_nan": ("bandwidth", "time_s,bandwidth\n1,nanGbps\n"),
        "bw_time_1e400": ("bandwidth", "time_s,bandwidth\n1e400,1Gbps\n"),
        "bw_time_1e20": ("bandwidth", "time_s,bandwidth\n1e20,1Gbps\n"),
        "bw_time_nan": ("bandwidth", "time_s,bandwidth\nnan,1Gbps\n"),
        "bw_time_denormal": ("bandwidth", "time_s,bandwidth\n1e-320,1Gbps\n"),
        "bw_time_empty": ("bandwidth", "time_s,bandwidth\n,1Gbps\n"),
        "bw_time_text": ("bandwidth", "time_s,bandwidth\nabc,1Gbps\n"),
        "bw_binary": ("bandwidth", "time_s,bandwidth\n1,\xff\xfe\x00Gbps\n"),
        "lat_value_overflow": ("latency", "time_s,latency\n1,1e308h\n"),
        "lat_value_denormal": ("latency", "time_s,latency\n1,1e-320s\n"),
        "lat_value_1e20": ("latency", "time_s,latency\n1,1e20s\n"),
    }
    for name, (kind, text) in traces.items():
        path = os.path.join(work, name + ".csv")
        with open(path, "wb") as f:
            f.write(text.encode("latin-1"))
        c.add(f"trace/{name}", [base_file, "--set", f"/platform/link/{kind}_trace={path}"])
    fifo = os.path.join(work, "fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    sparse = os.path.join(work, "sparse_65MiB")
    with open(sparse, "wb") as f:
        f.truncate(65 << 20)
    odd_files = {"directory": work, "fifo": fifo, "dev_zero": "/dev/zero", "missing": os.path.join(work, "nope"),
                 "sparse_65MiB": sparse, "dev_stdin": "/dev/stdin"}
    for name, path in odd_files.items():
        c.add(f"trace_file/{name}", [base_file, "--set", f"/platform/link/bandwidth_trace={path}"])
        c.add(f"jobs_trace_file/{name}", [base_file, "--set", f"/workload/jobs_trace={path}"])
        c.add(f"cost_profile_file/{name}", [base_file, "--set", f"/workload/compression/cost_profile={path}"])
        c.add(f"scenario_file/{name}", [path])

    # Job traces: bad numbers in every column, absurd counts.
    header = "submit_time_s,model,workers,iterations,compute_s\n"
    job_rows = {
        "submit_1e20": "1e20,ResNet18,2,1,0.001", "submit_1e400": "1e400,ResNet18,2,1,0.001",
        "submit_nan": "nan,ResNet18,2,1,0.001", "submit_denormal": "1e-320,ResNet18,2,1,0.001",
        "submit_negative": "-1,ResNet18,2,1,0.001", "submit_hex": "0x10,ResNet18,2,1,0.001",
        "workers_1e12": "0,ResNet18,1e12,1,0.001", "workers_1e20": "0,ResNet18,1e20,1,0.001",
        "workers_1e400": "0,ResNet18,1e400,1,0.001", "workers_fraction": "0,ResNet18,1.5,1,0.001",
        "iterations_1e20": "0,ResNet18,2,1e20,0.001", "iterations_9e18": "0,ResNet18,2,9223372036854775807,0.001",
        "iterations_1e400": "0,ResNet18,2,1e400,0.001", "iterations_1e9": "0,ResNet18,2,1e9,0.001",
        "compute_1e20": "0,ResNet18,2,1,1e20", "compute_denormal": "0,ResNet18,2,1,1e-320",
        "compute_inf": "0,ResNet18,2,1,inf", "compute_empty": "0,ResNet18,2,1,",
        "too_many_cells": "0,ResNet18,2,1,0.001,x",
    }
    for name, row in job_rows.items():
        path = write(os.path.join(work, f"jobs_{name}.csv"), header + row + "\n")
        c.add(f"jobs_trace/{name}", [base_file, "--set", f"/workload/jobs_trace={path}"])
    many = write(os.path.join(work, "jobs_many.csv"), header + "0,ResNet18,1,1,0.001\n" * 20001)
    c.add("jobs_trace/20001_jobs", [base_file, "--set", f"/workload/jobs_trace={many}"])

    # 3. Absurd counts and sizes.
    counts = [
        ("/platform/hosts", ["1e9", "1e20", "1e400", "-1", "1.5", "60001", "9223372036854775808"]),
        ("/platform/host/cores", ["1e10", "0", "1e300"]),
        ("/workload/jobs/0/iterations", ["1e18", "1e300", "9007199254740993", "18446744073709551616", "0"]),
        ("/workload/jobs/0/workers", ["1e12", "1e300", "4294967297", "0"]),
        ("/workload/jobs/1/workers", ["65", "1e12"]),
        ("/workload/ina/aggregators", ["1e10", "4294967296"]),
        ("/workload/ina/unit", ["1e30", "4294967296"]),
        ("/workload/ina/values_per_packet", ["1e9", "0"]),
        ("/workload/ina/window", ['{"min": 1e9}', '{"max": 1e20}']),
        ("/seed", ["-1", "1e300", "18446744073709551616", "1.5"]),
        ("/outputs", ['{"trace_max_events": 1e10}', '{"trace_max_events": 1e400}']),
        ("/workload/jobs/0/compute_jitter", ["1e300", "nan"]),
        ("/workload/compression/partition", ["1e30", "3"]),
        ("/workload/compression/threads", ["1e9"]),
    ]
    for pointer, values in counts:
        for v in values:
            c.add(f"count{pointer}={v}", [base_file, "--set", f"{pointer}={v}"])
    ina_sizes = [("gradient_size", '"1000TB"'), ("gradient_size", '"1PB"'), ("gradient_size", '"100TB"'),
                 ("gradient_size", '"100GB"')]
    for key, v in ina_sizes:
        c.add(f"ina/{key}={v}", [base_file, "--set", "/workload/jobs/1/model=null", "--set",
                                 f'/workload/jobs/1={{"gradient_size": {v}, "workers": 2, "aggregation": "ina", '
                                 f'"iterations": 2, "compute": "1ms"}}'])
    c.add("ina/total_fragments", [base_file, "--set",
                                  '/workload/jobs/1={"gradient_size": "60GB", "workers": 2, "aggregation": "ina", '
                                  '"iterations": 100000000, "compute": "1ms"}'])
    c.add("ina/rto_1e-300", [base_file, "--set", "/workload/ina/rto=1e-300s"])
    c.add("ina/rto_1ps", [base_file, "--set", "/workload/ina/rto=1e-12s"])
    c.add("arrival_1e20", [base_file, "--set", "/workload/jobs/0/arrival=1e20s"])

    # 4. Odd scenario files and names.
    deep = c.scenario("deep_nesting", "[" * 200000 + "]" * 200000)
    c.add("file/deep_nesting", [deep])
    deep_object = c.scenario("deep_object", '{"name": "x", "description": ' + "[" * 100 + "]" * 100 + "}")
    c.add("file/deep_nesting_in_value", [deep_object])
    unterminated = c.scenario("deep_unterminated", '{"a":' * 300000)
    c.add("file/deep_unterminated", [unterminated])
    bad_utf8 = os.path.join(work, "bad_utf8.json")
    with open(bad_utf8, "wb") as f:
        f.write(json.dumps(base).replace('"hostile"', '"ho\xffst"').encode("latin-1"))
    c.add("file/invalid_utf8_string", [bad_utf8])
    bad_key = os.path.join(work, "bad_utf8_key.json")
    with open(bad_key, "wb") as f:
        f.write(b'{"\xc3\x28": 1}')
    c.add("file/invalid_utf8_key", [bad_key])
    # Did-you-mean suggestions cost length x length: a 60 MB unknown key, and a --set parent
    # looked up among a million keys, each took tens of seconds before they were bounded.
    c.add("file/huge_unknown_key", [c.scenario("huge_key", '{"name": "x", "' + "k" * 60_000_000 + '": 1}')])
    many_keys = c.scenario("many_keys", '{"name": "x", "platform": {'
                           + ",".join(f'"k{i:07}": 1' for i in range(1_000_000)) + "}}")
    c.add("set/parent_among_a_million_keys", [many_keys, "--set", "/platform/k00000zz/x=1"])
    c.add("file/empty", [c.scenario("empty", "")])
    c.add("file/nul_byte", [c.scenario("nul", '{"name": "a\x00b"}')])
    newline_name = os.path.join(work, "new\nline.json")
    write(newline_name, "{")
    c.add("file/newline_in_file_name", [newline_name])
    names = {"long": "x" * 300, "slash": "a/b", "dotdot": "..", "nul": "a\u0000b", "newline": "a\nb",
             "control": "a\u0007b", "empty": ""}
    for key, name in names.items():
        doc = dict(base, name=name)
        c.add(f"name/{key}", [c.scenario(f"name_{key}", doc)])
    c.add("name/set_long", [base_file, "--set", "/name=" + "y" * 256])
    c.add("name/set_slash", [base_file, "--set", "/name=a/b"])
    c.add("string/newline_in_value", [base_file, "--set", '/platform/topology="st\\nar"'])
    c.add("string/nul_in_trace_path", [base_file, "--set", '/platform/link/bandwidth_trace="bw.csv\\u0000x"'])

    # 5. Odd JSON pointers in --set.
    pointers = ["", "=", "/", "/=1", "x=1", "/~2=1", "/~=1", "/workload/jobs/99999999999999999999999/name=x",
                "/workload/jobs/-1/name=x", "/workload/jobs/01/name=x", "/workload/jobs/ 0/name=x",
                "/platform/hosts/x=1", "/name/0=x", "/nonexistent/deeper=1", "/name=\udcff\udcfe",
                "/\udcff=1", "/platform=null", "/workload=[]", "/workload/jobs=[]", "/workload/jobs/0={}",
                "/name=" + "[" * 100000, "/description=" + "[" * 60000 + "]" * 60000,
                '/name="\\u0000"', "/name=\udced\udca0\udc80", "/workload/jobs/0/" + "a/" * 1000 + "=1"]
    for p in pointers:
        c.add(f"set/{p[:40]!r}", [base_file, "--set", p])

    # 6. --out and --trace problems: found before the simulation starts.
    a_file = write(os.path.join(work, "a_file"), "x")
    for name, out in {"file_as_parent": os.path.join(a_file, "sub"), "file_as_out": a_file,
                      "proc": "/proc/clustersim-hostile", "sys": "/sys/clustersim/x",
                      "dev_null_parent": "/dev/null/x"}.items():
        c.add(f"out/{name}", [base_file, "--out", out], validate=False)
    c.add("trace/file_as_parent", [base_file, "--trace", os.path.join(a_file, "t.json")], validate=False)
    c.add("trace/proc", [base_file, "--trace", "/proc/clustersim-trace.json"], validate=False)
    c.add("trace/directory", [base_file, "--trace", work], validate=False)
    # A full disk (a file-size limit, SIGXFSZ ignored) fails the run: exit 1, one line, no temporaries.
    c.add("disk_full", [base_file], expect=1, validate=False, shell_prefix="trap '' XFSZ; ulimit -f 1;")
    return c


def limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_case(c, name, args, expect, validate, env, shell_prefix, out):
    problems = []
    commands = [("run", ["run"] + args + ([] if "--out" in args else ["--out", out]) + ["--quiet"])]
    if validate:
        commands.append(("validate", ["validate"] + args))
    for label, argv in commands:
        shutil.rmtree(out, ignore_errors=True)
        argv = [c.clustersim] + argv
        if shell_prefix:
            argv = ["bash", "-c", shell_prefix + ' exec "$@"', "bash"] + argv
        try:
            p = subprocess.run([os.fsencode(a) if isinstance(a, str) else a for a in argv], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=TIME_LIMIT_S,
                               preexec_fn=limits, cwd=c.work)
        except subprocess.TimeoutExpired:
            problems.append(f"{label}: hang (killed after {TIME_LIMIT_S} s)")
            continue
        lines = p.stderr.decode("utf-8", "replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if p.returncode < 0:
            problems.append(f"{label}: killed by signal {signal.Signals(-p.returncode).name}")
        elif p.returncode != expect:
            problems.append(f"{label}: exit {p.returncode}, expected {expect}")
        if len(lines) != 1:
            problems.append(f"{label}: {len(lines)} lines on stderr")
        elif not lines[0].startswith("error: "):
            problems.append(f"{label}: stderr does not start with 'error: '")
        if label == "run" and "--out" not in args and os.path.exists(out):
            problems.append(f"{label}: output written")
        leftovers = [f for f in os.listdir(c.work) if ".tmp" in f]
        if leftovers:
            problems.append(f"{label}: temporary files left: {leftovers}")
            for f in leftovers:
                os.remove(os.path.join(c.work, f))
        if problems:
            problems.append("stderr: " + " | ".join(lines)[:300])
            break
    return problems


def main():
    clustersim, source, work = sys.argv[1:4]
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    clustersim = os.path.abspath(clustersim)
    os.makedirs(work, exist_ok=True)
    corpus = build(clustersim, source, os.path.abspath(work))
    out = os.path.join(os.path.abspath(work), "out")
    failed = 0
    tried = 0
    for name, args, expect, validate, env, shell_prefix in corpus.cases:
        if only and only not in name:
            continue
        if "--list" in sys.argv:
            print(name)
            continue
        tried += 1
        problems = run_case(corpus, name, args, expect, validate, env, shell_prefix, out)
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
    print(f"{tried} cases, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
