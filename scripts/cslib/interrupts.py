"""Stopping a script on SIGINT (Ctrl-C) or SIGTERM with one line and exit code 128 + N, never a
traceback and never a half-written file.

install() makes either signal raise Interrupted in the main thread, once: a second signal while
the first one's clean-up runs is ignored, so clean-up (removing temporary files, stopping child
processes) runs to its end. Code that must not be cut in the middle (writing a file and renaming
it into place) runs under deferred(): a signal arriving there is raised when the block ends.
Interrupted derives from BaseException, so no `except Exception` on the way up swallows it."""
import contextlib, signal, sys, threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """Raised by the signal handler; args[0] is the signal number."""

    @property
    def signum(self):
        return self.args[0]

    def exit_code(self):
        return 128 + self.signum


_state = {"stopping": False, "deferring": 0, "pending": None}


def interrupt(signum):
    """The exception to raise for signal `signum`; marks the process as stopping (later signals
    are ignored)."""
    _state["stopping"] = True
    return Interrupted(signum)


def _handler(signum, frame):
    if _state["stopping"]:
        return
    if _state["deferring"]:
        _state["pending"] = signum
        return
    raise interrupt(signum)


def install():
    """Makes SIGINT and SIGTERM raise Interrupted, except one the process was started ignoring
    (as a shell does for its background jobs' SIGINT)."""
    for s in SIGNALS:
        if signal.getsignal(s) != signal.SIG_IGN:
            signal.signal(s, _handler)


def ignore():
    """From now on both signals are ignored (the script is printing its last line)."""
    _state["stopping"] = True
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)


@contextlib.contextmanager
def deferred():
    """Holds a signal back until the block ends (main thread only: signal handlers run there;
    other threads' blocks are not interrupted anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state["deferring"] += 1
    try:
        yield
    finally:
        _state["deferring"] -= 1
        if not _state["deferring"] and _state["pending"] is not None and not _state["stopping"]:
            signum, _state["pending"] = _state["pending"], None
            raise interrupt(signum)


def report(e, message, stream=None):
    """Prints the interruption's one line; returns the exit code."""
    ignore()
    stream = stream or sys.stderr
    try:
        stream.write(message + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass
    return e.exit_code()
