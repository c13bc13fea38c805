"""Running a sweep elsewhere: GNU parallel and Slurm job arrays, and what to rerun there.

OUT/jobs.txt holds one shell command per run, in the sweep's run order, with absolute paths, so
`parallel` can spread it over hosts that share the file system (--sshloginfile). Each command
does what the local runner does and writes the same layout: skip the run if its summary.json
exists, write run.json, run clustersim into OUT/runs/<run_id>, record stderr.txt and exit_code.
OUT/sweep.sbatch is a Slurm job array whose task i runs line i + 1 of jobs.txt, or with
--runs-per-task N lines i N + 1 to (i + 1) N, one after the other; OUT/slurm.json records N and
which runs the script covers, so that `sweep.py collect OUT` (which writes runs.csv and
points.csv) can name the array tasks that hold the failed and missing runs."""
import hashlib, json, os, re, shlex

from . import safeio
from .runner import run_dir, spec_text, write_atomically


def job_line(out, spec, clustersim):
    d = shlex.quote(run_dir(out, spec))
    run = [clustersim, "run", spec.scenario, "--quiet", "--out", run_dir(out, spec)] + spec.set_args()
    return (f"d={d}; test -f \"$d/summary.json\" || {{ mkdir -p \"$d\" && find \"$d\" -mindepth 1 -delete && "
            f"printf '%s\\n' {shlex.quote(spec_text(spec).rstrip(chr(10)))} > \"$d/run.json\" && "
            f"{' '.join(shlex.quote(a) for a in run)} 2> \"$d/stderr.txt\"; "
            f"code=$?; echo $code > \"$d/exit_code\"; exit $code; }}")


def write_jobs(sweep, out, clustersim):
    """Writes OUT/jobs.txt; returns its path and the number of runs."""
    path = os.path.join(out, "jobs.txt")
    lines = [job_line(out, spec, clustersim) for spec in sweep.runs()]
    write_atomically(path, "".join(line + "\n" for line in lines))
    return path, len(lines)


def parallel_commands(out, jobs_path):
    """How to run jobs.txt here, and on the hosts listed in a file (which must see OUT, the
    scenario and clustersim at the same paths)."""
    common = f"--jobs 100% --joblog {shlex.quote(os.path.join(out, 'parallel.log'))}"
    return [f"parallel {common} < {shlex.quote(jobs_path)}",
            f"parallel --sshloginfile HOSTS {common} < {shlex.quote(jobs_path)}"]


# Slurm's own spellings (sbatch(1)); anything else would break the #SBATCH line or the script.
SLURM_OPTIONS = {
    "partition": (re.compile(r"[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*\Z"), "a partition name (or several, comma-separated)"),
    "account": (re.compile(r"[A-Za-z0-9_.-]+\Z"), "an account name"),
    "time": (re.compile(r"(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|UNLIMITED|INFINITE)\Z"),
             "a time limit as MINUTES, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"),
    "mem": (re.compile(r"\d+[KMGT]?\Z"), "memory per node such as 2G or 500M (K, M, G or T; M without one)"),
}


def slurm_option_problem(name, value):
    """None if value is a valid --NAME for sbatch, else what is expected."""
    pattern, expected = SLURM_OPTIONS[name]
    return None if pattern.match(value) else f"expected {expected}, got {json.dumps(value)}"


def runs_digest(sweep):
    """Names the list of runs, in order: a script for another version of the sweep has another."""
    return hashlib.sha1("\n".join(s.run_id for s in sweep.runs()).encode()).hexdigest()


def write_slurm(sweep, out, clustersim, options=None, runs_per_task=1):
    """Writes OUT/jobs.txt, OUT/sweep.sbatch and OUT/slurm.json (and OUT/slurm/ for the task
    logs, which Slurm does not create); returns (the script's path, the number of array tasks).
    options: {"partition"|"account"|"time"|"mem": value}, each an #SBATCH line (checked by the
    caller with slurm_option_problem)."""
    jobs_path, n = write_jobs(sweep, out, clustersim)
    tasks = -(-n // runs_per_task)
    os.makedirs(os.path.join(out, "slurm"), exist_ok=True)
    path = os.path.join(out, "sweep.sbatch")
    extra = "".join(f"#SBATCH --{k}={v}\n" for k, v in (options or {}).items() if v)
    if runs_per_task == 1:
        what = f"{n} clustersim runs as a Slurm job array; task i runs line i + 1 of\n# {jobs_path}."
        body = f"""line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" {shlex.quote(jobs_path)})
[ -n "$line" ] || {{ echo "no line $((SLURM_ARRAY_TASK_ID + 1)) in {jobs_path}" >&2; exit 1; }}
exec bash -c "$line"
"""
    else:
        what = (f"{n} clustersim runs as a Slurm job array of {tasks} tasks; task i runs lines\n"
                f"# i*{runs_per_task} + 1 to (i + 1)*{runs_per_task} of {jobs_path}, one after the other.")
        body = f"""first=$((SLURM_ARRAY_TASK_ID * {runs_per_task} + 1))
[ "$first" -le {n} ] || {{ echo "no line $first in {jobs_path}" >&2; exit 1; }}
code=0
for i in $(seq "$first" $((first + {runs_per_task - 1}))); do
  [ "$i" -le {n} ] || break  # the last task may hold fewer runs
  line=$(sed -n "${{i}}p" {shlex.quote(jobs_path)})
  bash -c "$line" || code=1  # a failed run does not stop the task's other runs
done
exit $code
"""
    write_atomically(path, f"""#!/bin/bash
# Sweep {sweep.name}: {what}
# Submit with `sbatch {path}` (append %K to --array to run at most K at once), then
# `scripts/sweep.py collect {out}`. Clusters cap arrays at MaxArraySize (often 1001 tasks).
#SBATCH --job-name={sweep.name}
#SBATCH --array=0-{tasks - 1}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
{extra}#SBATCH --output={os.path.join(out, 'slurm', '%A_%a.log')}
set -u
{body}""")
    write_atomically(os.path.join(out, "slurm.json"), json.dumps(
        {"script": path, "runs_per_task": runs_per_task, "tasks": tasks, "runs": n, "runs_digest": runs_digest(sweep)},
        indent=2) + "\n")
    return path, tasks


def array_ranges(indices):
    """"3,7-9" for [3, 7, 8, 9]: sbatch --array's compact spelling."""
    parts, run = [], []
    for i in sorted(set(indices)):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
        run = [i]
    if run:
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ",".join(parts)


MAX_LISTED = 20  # unfinished runs listed one per line; runs.csv's status column has them all


def report_unfinished(sweep, out, unfinished, stream):
    """Lists the failed and missing runs ([(RunSpec, status)]) with their stderr files, then how
    to rerun them: the Slurm array tasks that hold them, or GNU parallel over jobs.txt."""
    if not unfinished:
        return
    for spec, state in unfinished[:MAX_LISTED]:
        d = run_dir(out, spec)
        err = os.path.join(d, "stderr.txt")
        if state == "failed":
            try:
                code = safeio.read_bytes(os.path.join(d, "exit_code"), 4096).decode("ascii", "replace").strip()
            except safeio.FileProblem:
                code = "?"
            stream.write(f"failed  {spec.run_id} (exit code {code}): {err}\n")
        else:
            started = "started, never finished" if os.path.exists(err) else "not started"
            stream.write(f"missing {spec.run_id} ({started}): {err}\n")
    if len(unfinished) > MAX_LISTED:
        stream.write(f"... and {len(unfinished) - MAX_LISTED} more (status in {os.path.join(out, 'runs.csv')})\n")
    position = {s.run_id: i for i, s in enumerate(sweep.runs())}
    slurm = _slurm_record(out)
    if slurm is not None and slurm.get("runs_digest") == runs_digest(sweep):
        per = slurm["runs_per_task"]
        tasks = array_ranges(position[s.run_id] // per for s, _ in unfinished)
        stream.write(f"resubmit the array tasks that hold them (finished runs are skipped) with\n"
                     f"  sbatch --array={tasks} {shlex.quote(slurm['script'])}\n"
                     f"task logs: {os.path.join(out, 'slurm', '<job>_<task>.log')}\n")
    elif slurm is not None:
        stream.write(f"{os.path.join(out, 'sweep.sbatch')} was written for another version of the sweep: "
                     f"run emit-slurm again, then submit it (finished runs are skipped)\n")
    elif os.path.isfile(os.path.join(out, "jobs.txt")):
        stream.write(f"rerun them (finished runs are skipped) with\n  {parallel_commands(out, os.path.join(out, 'jobs.txt'))[0]}\n")


def _slurm_record(out):
    """OUT/slurm.json as emit-slurm wrote it, or None."""
    try:
        doc = safeio.load_json(os.path.join(out, "slurm.json"))
    except safeio.FileProblem:
        return None
    per = doc.get("runs_per_task") if isinstance(doc, dict) else None
    if isinstance(per, bool) or not isinstance(per, int) or per < 1 or not isinstance(doc.get("script"), str):
        return None
    return doc
