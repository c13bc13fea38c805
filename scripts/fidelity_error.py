#!/usr/bin/python3
"""The analytical fidelity level's error against exact: every job's JCT in random training mixes
and in the shipped training scenarios, run at both levels.

    scripts/fidelity_error.py CLUSTERSIM [--seeds N] [--jobs J] [--csv FILE] [--markdown FILE]
                              [--no-shipped] [--check COMMITTED_CSV]

Mixes: per topology (star, two_tier) and aggregation (ps, ring, ina, and all three mixed), N
random mixes (default 12) of 2-8 jobs, placed at random (jobs share links and sometimes hosts),
arriving at random, with random gradients, compute times and iteration counts; INA mixes draw
the switch memory from scarce to ample and the policy from ESA, ATP and SwitchML. Each job's
error is (analytical - exact) / exact of its JCT; per group the table gives the mean absolute
error, the mean signed error (bias) and the worst absolute error, over all jobs.

--csv writes the per-group table (results/fidelity/analytical_error.csv is the committed one,
which sim/training/analytical_error.cpp must match: tests/sim/analytical_test.cpp checks it);
--markdown writes the tables as Markdown. Runs J simulations at a time (default 2).
--no-shipped leaves the shipped scenarios out. --check COMMITTED_CSV fails (exit 1) when a job's
error exceeds its group's worst in the committed table: the first N seeds are the same mixes
the table measured, so that can only happen when the model changed without a new table."""
import argparse, concurrent.futures, csv, io, json, os, random, subprocess, sys, tempfile, zlib


def mix(topology, aggregation, seed):
    rng = random.Random(seed * 1000 + zlib.crc32(f"{topology}/{aggregation}".encode()))
    if topology == "star":
        hosts = 24
        platform = {"topology": "star", "hosts": hosts, "host": {"speed": "1Tf"},
                    "link": {"bandwidth": "25Gbps", "latency": "2us"}}
    else:
        hosts = 24
        platform = {"topology": "two_tier", "racks": 4, "hosts_per_rack": 6, "host": {"speed": "1Tf"},
                    "link": {"bandwidth": "25Gbps", "latency": "2us"},
                    "uplink": {"bandwidth": "40Gbps", "latency": "5us"}}
    kinds = ["ps", "ring", "ina"] if aggregation == "mixed" else [aggregation]
    jobs = []
    for j in range(rng.randint(2, 8)):
        kind = rng.choice(kinds)
        workers = rng.randint(2, 4)
        chosen = rng.sample(range(hosts), workers + (0 if kind == "ring" else 1))
        job = {"name": f"j{j}", "aggregation": kind,
               "workers": [f"host{h}" for h in chosen[:workers]],
               "iterations": rng.randint(5, 30),
               "compute": f"{rng.randint(1, 30)}ms",
               "arrival": f"{rng.randint(0, 300)}ms"}
        if kind == "ina":  # INA moves ~1 us of CPU per packet in exact: keep gradients small
            job["gradient_size"] = f"{rng.randint(1, 8)}MB"
            job["compute"] = f"{rng.randint(1, 5)}ms"
            job["arrival"] = f"{rng.randint(0, 20)}ms"
        else:
            job["gradient_size"] = f"{rng.randint(1, 50)}MB"
        if kind != "ring":
            job["servers"] = [f"host{chosen[-1]}"]
        jobs.append(job)
    workload = {"kind": "training", "jobs": jobs}
    scenario = {"name": f"{topology}-{aggregation}-{seed}", "seed": seed, "platform": platform, "workload": workload}
    if any(j["aggregation"] == "ina" for j in jobs):
        aggregators = rng.choice([128, 512, 4096])
        workload["ina"] = {"aggregators": aggregators, "aggregators_per_job": min(aggregators, 2800),
                           "switchml_pool": max(2, aggregators // 4)}
        scenario["policies"] = {"switch_allocation": rng.choice(["esa", "atp", "switchml"])}
    return scenario


def jcts(binary, path, fidelity, out):
    subprocess.run([binary, "run", path, "--set", f"/fidelity={fidelity}", "--out", out, "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "jobs.csv")) as f:
        return {row["job"]: float(row["jct_s"]) for row in csv.DictReader(f) if row["jct_s"]}


def jct_errors(binary, path, out):
    """Per job, (analytical - exact) / exact of its JCT."""
    exact, model = jcts(binary, path, "exact", out + "-exact"), jcts(binary, path, "analytical", out + "-analytical")
    return [(model[j] - exact[j]) / exact[j] for j in exact if j in model]


def compare(binary, scenario, workdir):
    path = os.path.join(workdir, f"{scenario['name']}.json")
    with open(path, "w") as f:
        json.dump(scenario, f)
    return jct_errors(binary, path, os.path.join(workdir, scenario["name"]))


def summarize(errors):
    if not errors:
        return {"jobs": 0, "mean_abs": 0.0, "bias": 0.0, "worst_abs": 0.0}
    return {"jobs": len(errors), "mean_abs": sum(abs(e) for e in errors) / len(errors),
            "bias": sum(errors) / len(errors), "worst_abs": max(abs(e) for e in errors)}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clustersim")
    ap.add_argument("--seeds", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--csv")
    ap.add_argument("--markdown")
    ap.add_argument("--no-shipped", action="store_true")
    ap.add_argument("--check")
    ap.add_argument("--scenarios", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios"))
    a = ap.parse_args(argv)
    groups = [(t, g) for t in ("star", "two_tier") for g in ("ps", "ring", "ina", "mixed")]
    results = {}
    shipped = []
    with tempfile.TemporaryDirectory() as work, concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = {pool.submit(compare, a.clustersim, mix(t, g, s), work): (t, g) for (t, g) in groups for s in range(1, a.seeds + 1)}
        for root, _, files in ([] if a.no_shipped else sorted(os.walk(a.scenarios))):
            for name in sorted(files):
                if not name.endswith(".json"):
                    continue
                path = os.path.join(root, name)
                text = "".join(line for line in open(path) if not line.lstrip().startswith("//"))
                scenario = json.loads(text)
                if scenario["workload"]["kind"] != "training":
                    continue
                rel = os.path.relpath(path, a.scenarios)
                if rel.startswith("paper_scale" + os.sep):  # what exact cannot run in hours
                    continue
                shipped.append((rel, pool.submit(jct_errors, a.clustersim, path, os.path.join(work, rel.replace("/", "_")))))
        for f in concurrent.futures.as_completed(futures):
            results.setdefault(futures[f], []).extend(f.result())
        shipped = [(rel, f.result()) for rel, f in shipped]
    table = io.StringIO()
    w = csv.writer(table, lineterminator="\n")
    w.writerow(["topology", "aggregation", "jobs", "mean_abs_error", "bias", "worst_abs_error"])
    for key in groups:
        s = summarize(results.get(key, []))
        w.writerow([key[0], key[1], s["jobs"], f"{s['mean_abs']:.4f}", f"{s['bias']:+.4f}", f"{s['worst_abs']:.4f}"])
    if a.csv:
        with open(a.csv, "w") as f:
            f.write(table.getvalue())
    md = ["| topology | aggregation | jobs | mean abs. error | bias | worst abs. error |", "|---|---|---|---|---|---|"]
    for key in groups:
        s = summarize(results.get(key, []))
        md.append(f"| {key[0]} | {key[1]} | {s['jobs']} | {100 * s['mean_abs']:.2f}% | {100 * s['bias']:+.2f}% | {100 * s['worst_abs']:.2f}% |")
    md += ["", "| shipped scenario | jobs | mean abs. error | bias | worst abs. error |", "|---|---|---|---|---|"]
    for rel, errors in shipped:
        s = summarize(errors)
        md.append(f"| {rel} | {s['jobs']} | {100 * s['mean_abs']:.2f}% | {100 * s['bias']:+.2f}% | {100 * s['worst_abs']:.2f}% |")
    text = "\n".join(md) + "\n"
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    sys.stdout.write(text)
    if a.check:
        with open(a.check) as f:
            committed = {(r["topology"], r["aggregation"]): float(r["worst_abs_error"]) for r in csv.DictReader(f)}
        over = [(key, max(abs(e) for e in errs), committed.get(key, 0.0)) for key, errs in results.items()
                if errs and max(abs(e) for e in errs) > committed.get(key, 0.0) + 5e-5]  # the CSV rounds to 1e-4
        for key, worst, bound in over:
            print(f"fidelity_error: {key[0]}/{key[1]}: a job's JCT error {worst:.4f} exceeds the committed worst {bound:.4f} "
                  f"({a.check}); regenerate it: scripts/fidelity_error.py CLUSTERSIM --csv {a.check}", file=sys.stderr)
        return 1 if over else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
