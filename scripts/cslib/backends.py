"""Running a sweep elsewhere: GNU parallel and Slurm job arrays.

OUT/jobs.txt holds one shell command per run, in the sweep's run order, with absolute paths, so
`parallel` can spread it over hosts that share the file system (--sshloginfile). Each command
does what the local runner does and writes the same layout: skip the run if its summary.json
exists, write run.json, run clustersim into OUT/runs/<run_id>, record stderr.txt and exit_code.
OUT/sweep.sbatch is a Slurm job array whose task i runs line i + 1 of jobs.txt. Afterwards
`sweep.py collect OUT` writes runs.csv and points.csv."""
import os, shlex

from .runner import run_dir, spec_text, write_atomically


def job_line(out, spec, clustersim):
    d = shlex.quote(run_dir(out, spec))
    run = [clustersim, "run", spec.scenario, "--quiet", "--out", run_dir(out, spec)] + spec.set_args()
    return (f"d={d}; test -f \"$d/summary.json\" || {{ mkdir -p \"$d\" && rm -f \"$d/exit_code\" && "
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


def write_slurm(sweep, out, clustersim):
    """Writes OUT/jobs.txt and OUT/sweep.sbatch (and OUT/slurm/ for the task logs, which Slurm
    does not create); returns the script's path."""
    jobs_path, n = write_jobs(sweep, out, clustersim)
    os.makedirs(os.path.join(out, "slurm"), exist_ok=True)
    path = os.path.join(out, "sweep.sbatch")
    write_atomically(path, f"""#!/bin/bash
# Sweep {sweep.name}: {n} clustersim runs as a Slurm job array; task i runs line i + 1 of
# {jobs_path}.
# Submit with `sbatch {path}` (append %K to --array to run at most K at once), then
# `scripts/sweep.py collect {out}`. Clusters cap arrays at MaxArraySize (often 1001 tasks).
#SBATCH --job-name={sweep.name}
#SBATCH --array=0-{n - 1}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output={os.path.join(out, 'slurm', '%A_%a.log')}
set -u
line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" {shlex.quote(jobs_path)})
[ -n "$line" ] || {{ echo "no line $((SLURM_ARRAY_TASK_ID + 1)) in {jobs_path}" >&2; exit 1; }}
exec bash -c "$line"
""")
    return path
