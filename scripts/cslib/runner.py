"""Running a sweep's runs on this machine: the output layout, resumption and progress.

    OUT/sweep.json        the sweep as resolved
    OUT/runs/<run_id>/    clustersim's output dir, plus run.json (the run's spec, written before
                          the run), stderr.txt and exit_code (written when clustersim ends)

A run is done when its folder holds a summary.json matching its spec (clustersim writes it
last, atomically): resumption skips those and nothing else, so an interrupted sweep loses no
finished run and reruns none. A lock on OUT/.lock keeps two sweeps from running the same runs;
the clustersim processes inherit it, so it holds until the last of them ends even if this
process is killed. Temporary files (<file>.tmp<pid>, ours and clustersim's) never outlive an
interrupt: ours are removed as the exception passes, a stopped run's are removed once it has
ended, and a run's stale ones (from a runner killed outright) before it starts again."""
import fcntl, json, os, re, shutil, signal, subprocess, sys, threading, time, queue

from . import interrupts, safeio
from .sweepfile import SweepError, canonical, pointer_get

Interrupted = interrupts.Interrupted  # SIGINT or SIGTERM; args[0] is the signal


def run_dir(out, spec):
    return os.path.join(out, "runs", spec.run_id)


def spec_text(spec):
    """run.json's bytes; one line, so the shell jobs of backends.py write the very same file."""
    return json.dumps(spec.to_json()) + "\n"


def summary_matches(summary, spec):
    try:
        return (os.path.realpath(summary["scenario_file"]) == os.path.realpath(spec.scenario)
                and summary["seed"] == spec.seed
                and all(canonical(pointer_get(summary["scenario"], p)) == canonical(v) for p, v in spec.overrides))
    except (KeyError, TypeError, ValueError):  # ValueError: a path with a NUL byte
        return False


def read_summary(out, spec):
    """The run's summary.json if it holds this spec's results, else None (also when it is no
    regular file or no JSON object: such a run is not done)."""
    try:
        summary = safeio.load_json(os.path.join(run_dir(out, spec), "summary.json"))
    except safeio.FileProblem:
        return None
    return summary if isinstance(summary, dict) and summary_matches(summary, spec) else None


def status(out, spec):
    """ok (results present), failed (clustersim ended with an error) or missing."""
    if read_summary(out, spec) is not None:
        return "ok"
    try:
        code = safeio.read_bytes(os.path.join(run_dir(out, spec), "exit_code"), 4096).strip()
    except safeio.FileProblem:
        return "missing"
    return "failed" if code not in (b"", b"0") else "missing"


def write_atomically(path, text):
    """Writes path.tmp<pid>, then renames it to path: readers see the old file or the new one. A
    signal is held back until the rename is done; any failure removes the temporary file."""
    tmp = f"{path}.tmp{os.getpid()}"
    with interrupts.deferred():
        try:
            with open(tmp, "w") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            remove_quietly(tmp)
            raise


def remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


_TEMPORARY = re.compile(r"\.tmp(\d+)$")


def remove_temporaries(directory, pid=None):
    """Removes directory's files named *.tmp<pid> (any pid if None): what a writer that was
    stopped between writing and renaming left."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = _TEMPORARY.search(name)
        if m and (pid is None or int(m.group(1)) == pid):
            remove_quietly(os.path.join(directory, name))


def prepare_out(sweep, out):
    """Refuses an OUT that holds another sweep's runs (SweepError), then writes OUT/sweep.json."""
    existing = os.path.join(out, "sweep.json")
    if os.path.lexists(out) and not os.path.isdir(out):
        raise SweepError(sweep.file, "", f"--out {out} exists and is not a directory; choose another --out")
    if os.path.lexists(existing):
        try:
            old = safeio.load_json(existing)
        except safeio.FileProblem as e:
            raise SweepError(sweep.file, "", f"--out {out}: unreadable {existing} ({e}); choose another --out") from None
        if not isinstance(old, dict):
            raise SweepError(sweep.file, "", f"--out {out}: {existing} is not a sweep's (not a JSON object); "
                             f"choose another --out")
        for key, pointer in (("name", "/name"), ("scenario", "/scenario")):
            if old.get(key) != sweep.doc[key]:
                raise SweepError(sweep.file, pointer, f"--out {out} holds runs of another sweep ({key} "
                                 f"{json.dumps(old.get(key))}, here {json.dumps(sweep.doc[key])}); "
                                 f"choose another --out or delete it")
    elif os.path.isdir(out) and os.listdir(out):
        raise SweepError(sweep.file, "", f"--out {out} is not empty and holds no sweep.json: not a sweep's output; "
                         f"choose another --out")
    os.makedirs(os.path.join(out, "runs"), exist_ok=True)
    write_atomically(existing, json.dumps(sweep.resolved(), indent=2) + "\n")


def lock(out):
    """An exclusive lock on OUT, or None if another sweep (or its clustersim runs) holds it."""
    fd = os.open(os.path.join(out, ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class Progress:
    """One status line on stderr: redrawn in place on a terminal, else printed every ~10%."""

    def __init__(self, name, total, skipped, stream=sys.stderr):
        self.name, self.total, self.skipped, self.stream = name, total, skipped, stream
        self.tty = stream.isatty()
        self.ok = self.failed = 0
        self.start = time.monotonic()
        self.printed_decile, self.printed = -1, None

    def line(self):
        todo = self.total - self.skipped
        done = self.ok + self.failed
        text = f"sweep {self.name}: {self.skipped + done}/{self.total} done"
        if self.skipped:
            text += f" ({self.skipped} already)"
        if self.failed:
            text += f", {self.failed} failed"
        if 0 < done < todo:
            eta = (time.monotonic() - self.start) / done * (todo - done)
            text += f", ETA {int(eta // 60)}m{int(eta % 60):02d}s"
        return text

    def update(self, final=False):
        todo = self.total - self.skipped
        if self.tty:
            self.stream.write("\r\033[K" + self.line() + ("\n" if final else ""))
        else:
            decile = 10 * (self.ok + self.failed) // todo if todo else 10
            if decile > self.printed_decile or (final and self.line() != self.printed):
                self.printed_decile, self.printed = decile, self.line()
                self.stream.write(self.printed + "\n")
        self.stream.flush()

    def note(self, message):
        """A message on its own line, above the status line."""
        self.stream.write(("\r\033[K" if self.tty else "") + message + "\n")
        self.update()


def run_all(sweep, out, clustersim, jobs, stream=sys.stderr, first_ok=None):
    """Runs every run that is not done, `jobs` at a time; returns (ok, failed, skipped).
    SIGINT or SIGTERM stops the clustersim processes and raises Interrupted; what finished stays.
    first_ok(spec, summary), if given, sees the first run that finishes ok; an exception it
    returns stops the sweep (the runs in flight too) and is raised."""
    specs = sweep.runs()
    lock_fd = lock(out)
    if lock_fd is None:
        raise RuntimeError(f"{out} is locked: another sweep.py (or clustersim runs it started) is still running there")
    try:
        todo = [s for s in specs if read_summary(out, s) is None]
        progress = Progress(sweep.name, len(specs), len(specs) - len(todo), stream)
        progress.update()
        stop = threading.Event()
        running = {}  # run_id -> Popen, for stopping them
        running_lock = threading.RLock()  # the signal handler takes it on the main thread too
        pending = queue.Queue()
        for s in todo:
            pending.put(s)
        finished = queue.Queue()

        def execute(spec):
            d = run_dir(out, spec)
            os.makedirs(d, exist_ok=True)
            remove_temporaries(d)  # we hold the lock: no clustersim writes here now
            # A run not done starts from an empty folder (it is this sweep's own): clustersim
            # refuses a folder holding files of no result of its own.
            for name in os.listdir(d):
                path = os.path.join(d, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.remove(path)
            write_atomically(os.path.join(d, "run.json"), spec_text(spec))
            with open(os.path.join(d, "stderr.txt"), "w") as err:
                with running_lock:
                    if stop.is_set():
                        return None
                    # A session of its own: a terminal's Ctrl-C reaches only this process, which
                    # then stops the runs itself, so no run is recorded as failed by the interrupt.
                    proc = subprocess.Popen([clustersim, "run", spec.scenario, "--quiet", "--out", d] + spec.set_args(),
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                            start_new_session=True, pass_fds=(lock_fd,))
                    running[spec.run_id] = proc
                code = proc.wait()
            with running_lock:
                del running[spec.run_id]
            if stop.is_set():
                remove_temporaries(d, proc.pid)  # it may have been stopped between writing and renaming
                return None
            write_atomically(os.path.join(d, "exit_code"), f"{code}\n")
            return code

        def worker():
            while not stop.is_set():
                try:
                    spec = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    finished.put((spec, execute(spec)))
                except BaseException as e:  # an I/O error in OUT: report it, stop the sweep
                    finished.put((spec, e))
                    return

        def on_signal(signum, frame):
            if stop.is_set():
                return  # already stopping
            stop.set()
            with running_lock:
                for proc in running.values():
                    stop_run(proc)
            raise interrupts.interrupt(signum)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)
                    if signal.getsignal(s) != signal.SIG_IGN}
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(jobs, len(todo)))]
        try:
            for t in threads:
                t.start()
            for _ in todo:
                while True:
                    try:
                        spec, code = finished.get(timeout=1.0)
                        break
                    except queue.Empty:
                        if progress.tty:
                            progress.update()  # keeps the ETA moving during long runs
                if isinstance(code, BaseException):
                    raise code
                summary = read_summary(out, spec) if code == 0 else None
                if summary is not None:
                    progress.ok += 1
                    problem = first_ok(spec, summary) if first_ok and progress.ok == 1 else None
                    if problem:
                        raise problem
                    progress.update()
                else:
                    progress.failed += 1
                    if progress.failed <= 5:
                        progress.note(f"run {spec.run_id} failed (exit code {code}): {last_line(run_dir(out, spec))}")
                    else:
                        progress.update()
        except BaseException:
            stop.set()
            with running_lock:
                for proc in running.values():
                    stop_run(proc)
            for t in threads:
                t.join()
            raise
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        for t in threads:
            t.join()
        progress.update(final=True)
        return progress.ok, progress.failed, progress.skipped
    finally:
        os.close(lock_fd)


def stop_run(proc):
    """Stops a run and whatever it started: each run is a session of its own, and every process in
    it holds OUT's lock, so the lock is free again once they are gone, not only the run itself."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        proc.terminate()


def last_line(d):
    try:
        with open(os.path.join(d, "stderr.txt")) as f:
            lines = [l.strip() for l in f if l.strip()]
        return lines[-1] if lines else "(no message)"
    except OSError:
        return "(no stderr.txt)"
