"""Sweep files: loading, checking and expanding them into runs.

A sweep file is JSON with // and /* */ comments:

    {"name": "esa_memory", "description": "...",
     "scenario": "../scenarios/ina/sweep_base.json",   // relative to the sweep file
     "set": {"/workload/jobs/0/iterations": 1},         // fixed overrides for every run (optional)
     "axes": [{"path": "/policies/switch_allocation", "values": ["esa", "atp"]}, ...],
     "repetitions": 3, "base_seed": 1,                  // optional: 1 and 1
     "metrics": ["jct_mean_s"],                         // optional: every metric the runs report
     "plots": [...]}                                    // optional, opaque: scripts/plot.py reads it

Runs are the axes' cartesian product (first axis slowest) times the repetitions (innermost);
repetition r (0-based) runs with seed base_seed + r, the same seeds at every point, so points
compare on common random numbers. A run's id is a readable slug of its point and seed plus a
hash of (scenario path relative to the repository, sorted overrides, seed): the same run keeps
its id when axes or values are added, which lets a grown sweep reuse its finished runs.

Checks here are structural; check_with_clustersim() then asks `clustersim validate` about every
override. Every problem is a SweepError naming the sweep file, the JSON path in it and the
problem."""
import concurrent.futures, difflib, hashlib, itertools, json, os, re, signal, subprocess, threading

from . import interrupts, safeio
from .safeio import one_line

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

KEYS = ("name", "description", "scenario", "set", "axes", "repetitions", "base_seed", "metrics", "plots")
AXIS_KEYS = ("path", "values")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_RUNS = 1_000_000  # points x repetitions; beyond, a sweep is a typo (or an attack), not an experiment


class SweepError(Exception):
    """Bad input, before any run starts: `FILE: /json/path: problem`, on one line."""

    def __init__(self, file, pointer, problem):
        self.file, self.pointer, self.problem = file, pointer, problem
        super().__init__(one_line(f"{file}: {pointer}: {problem}" if pointer else f"{file}: {problem}"))


_LEXEME = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|//[^\n]*|/\*.*?(?:\*/|\Z)', re.S)


def strip_comments(text):
    """The JSON text without // and /* */ comments, strings untouched; comments become spaces
    (newlines kept) so the JSON parser's line and column numbers still point into the file."""
    return _LEXEME.sub(lambda m: m.group() if m.group()[0] == '"' else re.sub(r"[^\n]", " ", m.group()), text)


def load_json_with_comments(path, shown_name=None):
    """The document; a SweepError for a file that is missing, not a regular file (a directory,
    a FIFO, /dev/zero), larger than safeio.MAX_JSON_BYTES, not UTF-8, not JSON, or nested deeper
    than safeio.MAX_JSON_DEPTH."""
    shown = shown_name or path
    try:
        return safeio.parse_json(strip_comments(safeio.read_text(path, safeio.MAX_JSON_BYTES)))
    except safeio.FileProblem as e:
        raise SweepError(shown, "", str(e)) from None


def pointer_escape(key):
    return key.replace("~", "~0").replace("/", "~1")


def pointer_get(doc, pointer):
    """The value at a JSON pointer, or raises KeyError."""
    if pointer == "":
        return doc
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, list):
            if not token.isdigit() or int(token) >= len(doc):
                raise KeyError(pointer)
            doc = doc[int(token)]
        elif isinstance(doc, dict) and token in doc:
            doc = doc[token]
        else:
            raise KeyError(pointer)
    return doc


def canonical(value):
    """One JSON spelling per value: compares values and feeds the run-id hash."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def cell(value):
    """A value as runs.csv and points.csv write it: strings bare, anything else as JSON."""
    return value if isinstance(value, str) else canonical(value)


def relative_to_repo(path):
    rel = os.path.relpath(path, REPO)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


class RunSpec:
    """One run: the scenario, its overrides ([(path, value)], fixed ones first), seed and point."""

    def __init__(self, scenario, overrides, seed, repetition, point):
        self.scenario, self.overrides, self.seed = scenario, overrides, seed
        self.repetition, self.point = repetition, point
        key = canonical([relative_to_repo(scenario), sorted([p, v] for p, v in overrides), seed])
        digest = hashlib.sha1(key.encode()).hexdigest()[:10]
        slug = "_".join(re.sub(r"[^A-Za-z0-9.+-]", "", cell(v))[:16] for v in point.values())
        self.run_id = (slug[:48] + "_" if slug else "") + f"s{seed}-{digest}"

    def set_args(self):
        """The override arguments of `clustersim run`; values as JSON keep their type ("7" stays a string)."""
        args = []
        for path, value in self.overrides + [("/seed", self.seed)]:
            args += ["--set", f"{path}={canonical(value)}"]
        return args

    def to_json(self):
        return {"run_id": self.run_id, "scenario": self.scenario,
                "overrides": [{"path": p, "value": v} for p, v in self.overrides],
                "seed": self.seed, "repetition": self.repetition, "point": self.point}


class Sweep:
    def __init__(self, file, doc):
        self.file, self.doc = file, doc
        self.name, self.description = doc["name"], doc.get("description", "")
        self.scenario = doc["scenario"]
        self.fixed = list(doc.get("set", {}).items())
        self.axes = [(a["path"], a["values"]) for a in doc.get("axes", [])]
        self.repetitions, self.base_seed = doc.get("repetitions", 1), doc.get("base_seed", 1)
        self.metrics = doc.get("metrics")
        self.plots = doc.get("plots")

    def seed(self, repetition):
        return self.base_seed + repetition

    def points(self):
        """Every point ({axis path: value}) in the sweep's order, the first axis slowest."""
        paths = [p for p, _ in self.axes]
        return [dict(zip(paths, combo)) for combo in itertools.product(*[v for _, v in self.axes])]

    def runs(self):
        return [RunSpec(self.scenario, self.fixed + list(point.items()), self.seed(r), r, point)
                for point in self.points() for r in range(self.repetitions)]

    def resolved(self):
        """The document sweep.json stores: defaults filled in, the scenario path absolute."""
        doc = {"name": self.name, "description": self.description, "scenario": self.scenario,
               "set": dict(self.fixed), "axes": [{"path": p, "values": v} for p, v in self.axes],
               "repetitions": self.repetitions, "base_seed": self.base_seed}
        if self.metrics is not None:
            doc["metrics"] = self.metrics
        if self.plots is not None:
            doc["plots"] = self.plots
        return doc


def load(path, scenario_must_exist=True):
    """Reads and checks a sweep file; raises SweepError."""
    return check(path, load_json_with_comments(path), os.path.dirname(os.path.abspath(path)), scenario_must_exist)


def check(path, doc, base_dir, scenario_must_exist=True):
    """Checks a sweep document, named `path` in messages, whose scenario path is relative to
    base_dir; the Sweep, or raises SweepError."""
    def fail(pointer, problem):
        raise SweepError(path, pointer, problem)

    def unknown_keys(obj, allowed, at):
        for key in obj:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean \"{near[0]}\"?)" if near else f" (known: {', '.join(allowed)})"
                fail(f"{at}/{pointer_escape(key)}", f"unknown key \"{key}\"{hint}")

    def integer(key, default, minimum):
        value = doc.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            fail(f"/{key}", f"expected an integer >= {minimum}, got {json.dumps(value)}")

    if not isinstance(doc, dict):
        fail("", "a sweep file is a JSON object")
    unknown_keys(doc, KEYS, "")
    for key in ("name", "scenario"):
        if key not in doc:
            fail(f"/{key}", "missing (required)")
    if not isinstance(doc["name"], str) or not _NAME.match(doc["name"]):
        fail("/name", "expected a name of letters, digits, '_', '.' and '-' (it names the output folder)")
    if not isinstance(doc.get("description", ""), str):
        fail("/description", "expected a string")
    if not isinstance(doc["scenario"], str) or not doc["scenario"]:
        fail("/scenario", "expected the scenario file's path, relative to the sweep file")
    scenario = os.path.normpath(os.path.join(base_dir, doc["scenario"]))
    if "\0" in scenario:
        fail("/scenario", "the path holds a NUL character")
    if scenario_must_exist and not os.path.isfile(scenario):
        fail("/scenario", f"no such file: {scenario}" if not os.path.lexists(scenario) else
             f"not a regular file: {scenario}")
    doc["scenario"] = scenario

    fixed = doc.get("set", {})
    if not isinstance(fixed, dict):
        fail("/set", "expected an object {\"/json/pointer\": value}")
    for key in fixed:
        at = f"/set/{pointer_escape(key)}"
        if not key.startswith("/"):
            fail(at, f"\"{key}\" is not a JSON pointer (it starts with /)")
        if "\0" in key:
            fail("/set", f"the JSON pointer {json.dumps(key)} holds a NUL character")
        if key == "/seed":
            fail(at, "the seed comes from base_seed and the repetition; set base_seed instead")

    axes = doc.get("axes", [])
    if not isinstance(axes, list):
        fail("/axes", "expected a list of {\"path\", \"values\"}")
    seen = {}
    for i, axis in enumerate(axes):
        at = f"/axes/{i}"
        if not isinstance(axis, dict):
            fail(at, "expected an object {\"path\", \"values\"}")
        unknown_keys(axis, AXIS_KEYS, at)
        for key in AXIS_KEYS:
            if key not in axis:
                fail(f"{at}/{key}", "missing (required)")
        p = axis["path"]
        if not isinstance(p, str) or not p.startswith("/"):
            fail(f"{at}/path", f"expected a JSON pointer such as \"/platform/link/bandwidth\", got {json.dumps(p)}")
        if "\0" in p:
            fail(f"{at}/path", "the JSON pointer holds a NUL character")
        if p == "/seed":
            fail(f"{at}/path", "the seed comes from base_seed and repetitions; sweep them instead")
        if p in seen:
            fail(f"{at}/path", f"same path as /axes/{seen[p]}/path")
        if p in fixed:
            fail(f"{at}/path", f"also fixed by /set/{pointer_escape(p)}")
        seen[p] = i
        values = axis["values"]
        if not isinstance(values, list) or not values:
            fail(f"{at}/values", "expected a non-empty list of values" if isinstance(values, list) else
                 f"expected a list of values, got {json.dumps(values)}")
        spellings = {}
        for j, v in enumerate(values):
            if canonical(v) in spellings:
                fail(f"{at}/values/{j}", f"{json.dumps(v)} repeats /axes/{i}/values/{spellings[canonical(v)]}")
            spellings[canonical(v)] = j

    integer("repetitions", 1, 1)
    integer("base_seed", 1, 0)
    points = 1
    for axis in axes:
        points = min(points * len(axis["values"]), MAX_RUNS + 1)
    repetitions = doc.get("repetitions", 1)
    if points > MAX_RUNS:
        fail("/axes", f"the axes make more than {MAX_RUNS:,} points; split the sweep")
    if points * repetitions > MAX_RUNS:
        fail("/repetitions", f"{points:,} points x {repetitions if repetitions <= MAX_RUNS else 'so many'} "
             f"repetitions is more than {MAX_RUNS:,} runs; split the sweep")
    metrics = doc.get("metrics")
    if metrics is not None:
        if not isinstance(metrics, list) or not metrics:
            fail("/metrics", "expected a non-empty list of metric names (or leave it out for every metric)")
        for j, m in enumerate(metrics):
            if not isinstance(m, str) or not m:
                fail(f"/metrics/{j}", f"expected a metric name, got {json.dumps(m)}")
            if metrics.index(m) != j:
                fail(f"/metrics/{j}", f"\"{m}\" is listed twice")
    plots = doc.get("plots")
    if metrics is not None and isinstance(plots, list):
        # points.csv holds the listed metrics only: a plot of another one would find nothing.
        for j, plot in enumerate(plots):
            y = plot.get("y") if isinstance(plot, dict) and plot.get("kind") == "metric_vs_axis" else None
            if isinstance(y, str) and y not in metrics:
                near = difflib.get_close_matches(y, metrics, n=1)
                fail(f"/plots/{j}/y", f"metric \"{y}\" is not in /metrics" +
                     (f" (did you mean \"{near[0]}\"?)" if near else f" ({', '.join(metrics)}); add it there"))
    return Sweep(path, doc)


class _Validator:
    """Runs `clustersim validate`, several at once from a thread pool; stop() ends the ones
    running and keeps new ones from starting. Each runs in a session of its own, so a terminal's
    Ctrl-C reaches only sweep.py, which stops them: none dies half-way and looks like a failure."""

    def __init__(self, clustersim):
        self.clustersim = clustersim
        self.lock = threading.Lock()
        self.procs, self.stopped = set(), False

    def __call__(self, scenario, overrides):
        """None if clustersim accepts the scenario with these overrides, else its message."""
        args = [self.clustersim, "validate", scenario]
        for path, value in overrides:
            args += ["--set", f"{path}={canonical(value)}"]
        proc = None
        try:
            with interrupts.deferred(), self.lock:  # no signal between starting it and recording it
                if self.stopped:
                    return None  # nobody reads it: the sweep is stopping
                proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
                self.procs.add(proc)
            _, err = proc.communicate()
        except BaseException:  # interrupted while waiting on the main thread
            if proc is not None:
                self._end(proc)
            raise
        finally:
            if proc is not None:
                with self.lock:
                    self.procs.discard(proc)
        if self.stopped:
            return None
        message = " ".join(err.decode("utf-8", "replace").split("\n")[0].split())
        if proc.returncode == 0:
            return None
        if proc.returncode != 2:
            raise RuntimeError(f"{' '.join(args)} failed (exit code {proc.returncode}): {message}")
        return message[len("error: "):] if message.startswith("error: ") else message

    @staticmethod
    def _signal(proc, sig):
        if proc.returncode is not None:
            return  # reaped: its process group id may be reused
        try:
            os.killpg(proc.pid, sig)  # its session's group: a wrapper script's children too
        except OSError:
            pass  # it has just ended

    def _end(self, proc):
        self._signal(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._signal(proc, signal.SIGKILL)
            proc.wait()

    def stop(self):
        """Ends the checks still running (the threads waiting on them then return) and keeps
        new ones from starting."""
        with self.lock:
            self.stopped = True
            for proc in self.procs:
                self._signal(proc, signal.SIGTERM)


def _missing_path(message):
    # clustersim's words for an override path that leads nowhere (see sim/scenario).
    return "no such key in the scenario" in message or "unknown key" in message


def check_with_clustersim(sweep, clustersim, jobs):
    """Asks `clustersim validate` about the fixed overrides (with the largest seed), then every
    axis value, then (with two axes or more) every combination; raises SweepError naming the
    first problem in file order."""
    f = sweep.file
    _validate = _Validator(clustersim)
    last_seed = ("/seed", sweep.seed(sweep.repetitions - 1))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        if _validate(sweep.scenario, sweep.fixed + [last_seed]):
            base = _validate(sweep.scenario, [])
            if base:
                raise SweepError(f, "/scenario", base)
            for (path, value), error in zip(sweep.fixed, pool.map(lambda o: _validate(sweep.scenario, [o]),
                                                                 sweep.fixed)):
                if error:
                    problem = f"{path} does not exist in the scenario: {error}" if _missing_path(error) else \
                        f"{json.dumps(value)} is rejected: {error}"
                    raise SweepError(f, f"/set/{pointer_escape(path)}", problem)
            error = _validate(sweep.scenario, [last_seed])
            if error:
                seed_key = "base_seed" if sweep.repetitions == 1 or _validate(sweep.scenario, [("/seed", sweep.base_seed)]) \
                    else "repetitions"
                raise SweepError(f, f"/{seed_key}", f"the seeds run up to {last_seed[1]}: {error}")
            raise SweepError(f, "/set", _validate(sweep.scenario, sweep.fixed + [last_seed]))
        cases = [(i, j, path, value) for i, (path, values) in enumerate(sweep.axes) for j, value in enumerate(values)]
        errors = pool.map(lambda c: _validate(sweep.scenario, sweep.fixed + [(c[2], c[3])]), cases)
        for (i, j, path, value), error in zip(cases, errors):
            if error and _missing_path(error):
                raise SweepError(f, f"/axes/{i}/path", f"{path} does not exist in the scenario: {error}")
            if error:
                raise SweepError(f, f"/axes/{i}/values/{j}", f"{json.dumps(value)} is rejected: {error}")
        if len(sweep.axes) > 1:
            points = sweep.points()
            errors = pool.map(lambda p: _validate(sweep.scenario, sweep.fixed + list(p.items())), points)
            for point, error in zip(points, errors):
                if error:
                    combo = ", ".join(f"{p}={cell(v)}" for p, v in point.items())
                    raise SweepError(f, "/axes", f"the combination {combo} is rejected: {error}")
    finally:
        _validate.stop()  # on an error or an interrupt: the checks still running are not needed
        pool.shutdown(wait=True, cancel_futures=True)
