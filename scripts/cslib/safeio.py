"""Reading input files that may be hostile: a directory, a FIFO, /dev/zero, binary data, JSON
nested a million levels deep. Every problem is a FileProblem whose text says what is wrong (and,
where it can, the line and column); callers put the file's name in front. Nothing here blocks
(a FIFO is refused, never opened for a blocking read) or reads without bound."""
import json, os, re, stat

MAX_JSON_BYTES = 64 << 20  # sweep, tolerance and summary files are kilobytes; this only stops runaways
MAX_JSON_DEPTH = 200  # far below the interpreter's recursion limit, far above any sensible document


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text):
    """text with control characters escaped (a newline as \\n): an error message stays one
    line, whatever file name, key or cell it quotes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class FileProblem(Exception):
    """What is wrong with a file, without its name: "is a directory", "line 3 column 4: ..."."""


def _kind(mode):
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode):
        return "is a character device (such as /dev/zero), not a regular file"
    if stat.S_ISBLK(mode):
        return "is a block device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def check_regular(path):
    """Raises FileProblem unless path is (a symlink to) a regular file; OSError texts as problems."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise FileProblem(e.strerror or str(e)) from None
    except ValueError as e:  # an embedded NUL byte
        raise FileProblem(str(e)) from None
    if not stat.S_ISREG(mode):
        raise FileProblem(_kind(mode))


def read_bytes(path, limit=None):
    """The bytes of a regular file, at most `limit` of them (FileProblem beyond). The file is
    opened without blocking and checked again once open, so a FIFO swapped in after the first
    check is refused too."""
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise FileProblem(e.strerror or str(e)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem(_kind(mode))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read() if limit is None else f.read(limit + 1)
    except OSError as e:
        raise FileProblem(e.strerror or str(e)) from None
    finally:
        os.close(fd)
    if limit is not None and len(data) > limit:
        size = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit} bytes"
        raise FileProblem(f"larger than {size}: not a file this script reads")
    return data


def position(data, offset):
    """(line, column) of a byte or character offset, both from 1."""
    line = data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1
    start = data.rfind(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1
    return line, offset - start + 1


def decode_utf8(data):
    """The text of UTF-8 bytes (a leading byte-order mark dropped); FileProblem naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, column = position(data, e.start)
        raise FileProblem(f"line {line} column {column}: not UTF-8 text (byte 0x{data[e.start]:02x}); "
                          f"is it a binary file?") from None


def read_text(path, limit=None):
    return decode_utf8(read_bytes(path, limit))


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def check_depth(text, max_depth=MAX_JSON_DEPTH):
    """FileProblem at the first bracket nested deeper than max_depth (strings skipped)."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for m in _TOKEN.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > max_depth:
                line, column = position(text, m.start())
                raise FileProblem(f"line {line} column {column}: nested deeper than {max_depth} levels")
        elif c in "]}":
            depth -= 1


def parse_json(text):
    """json.loads with every failure a FileProblem: syntax (with line and column), nesting too
    deep, numbers Python refuses (integers of thousands of digits)."""
    check_depth(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise FileProblem(f"line {e.lineno} column {e.colno}: {e.msg}") from None
    except RecursionError:
        raise FileProblem(f"nested too deeply (more than {MAX_JSON_DEPTH} levels)") from None
    except ValueError as e:
        raise FileProblem(f"not valid JSON: {e}") from None


def load_json(path, limit=MAX_JSON_BYTES):
    """A plain JSON file (no comments); FileProblem for anything that keeps it from loading."""
    return parse_json(read_text(path, limit))
