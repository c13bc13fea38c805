"""Plots of a sweep's output directory (see scripts/plot.py for the command line).

A plot is a dict like a sweep file's "plots" entries: {"kind": ..., options}. Each kind lives in
cslib/plot_<kind>.py and only prepares numbers (a plot_style.Figure); plot_style draws them to
OUT/plots/<name>.png and .pdf. Every problem with the request or the data is a PlotError whose
message names it, raised before anything is drawn."""
import os, re

from . import plot_cdf, plot_curve, plot_metric_vs_axis, plot_per_job, plot_style
from .plot_data import PlotError, Sweep, display

__all__ = ["KINDS", "PlotError", "Sweep", "check", "prepare", "plot", "plot_sweep", "plots_dir"]

KINDS = {"metric_vs_axis": plot_metric_vs_axis, "cdf": plot_cdf, "per_job": plot_per_job, "curve": plot_curve}
COMMON = ("kind", "name", "title", "where", "logx", "logy")
_TEXT_OPTIONS = ("name", "title", "x", "y", "series", "csv", "column", "group_by")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=-]*$")


def plots_dir(sweep):
    return os.path.join(sweep.dir, "plots")


def check(spec):
    """The kind's module, once the request's options are known and well typed."""
    if not isinstance(spec, dict):
        raise PlotError(f"a plot must be a JSON object, not {spec!r}")
    kind = spec.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise PlotError(f"unknown plot kind '{kind}' (kinds: {', '.join(KINDS)})")
    module = KINDS[kind]
    allowed = COMMON + module.REQUIRED + module.OPTIONAL
    unknown = [k for k in spec if k not in allowed]
    if unknown:
        raise PlotError(f"{kind}: unknown option '{unknown[0]}' (options: {', '.join(allowed[1:])})")
    missing = [k for k in module.REQUIRED if spec.get(k) in (None, "")]
    if missing:
        raise PlotError(f"{kind}: missing option '{missing[0]}'")
    for key in _TEXT_OPTIONS:
        if key in spec and not (isinstance(spec[key], str) and spec[key]):
            raise PlotError(f"{kind}: option '{key}' must be a non-empty string")
    for key in ("logx", "logy"):
        if key in spec and not isinstance(spec[key], bool):
            raise PlotError(f"{kind}: option '{key}' must be true or false")
    if "where" in spec and not isinstance(spec["where"], dict):
        raise PlotError(f"{kind}: \"where\" must map axis paths to values")
    if "name" in spec and not _FILE_NAME.match(spec["name"]):
        raise PlotError(f"{kind}: name '{spec['name']}' must be a plain file name (letters, digits, . _ = -)")
    return module


def default_name(spec):
    """A file name from the plot's options, "where" included: the same request always lands in
    the same file, and the same plot at two fixed points in two files."""
    name = check(spec).default_name(spec)
    for path, value in (spec.get("where") or {}).items():
        name += f"_{plot_style.last_segment(path)}={display(value)}"
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", name).strip("_.") or spec["kind"]


def prepare(sweep, spec, name=None):
    """The plot's Figure (numbers, labels, caption), without drawing it."""
    module = check(spec)
    try:
        return module.prepare(sweep, spec, name or spec.get("name") or default_name(spec))
    except PlotError as e:
        raise PlotError(f"{spec['kind']}: {e}") from None


def plot(sweep, spec, name=None):
    """Draws one plot into the sweep's plots/ folder; returns (Figure, [png path, pdf path])."""
    figure = prepare(sweep, spec, name)
    return figure, plot_style.draw(figure, plots_dir(sweep))


def plot_sweep(sweep):
    """Draws every plot the sweep file lists, all or none: each is checked and prepared before
    the first is drawn. Unnamed plots whose derived names clash get _2, _3, ... in list order."""
    specs = sweep.spec.get("plots") or []
    if not isinstance(specs, list):
        raise PlotError("sweep.json's \"plots\" must be a list")
    names, figures = set(), []
    for i, spec in enumerate(specs):
        try:
            check(spec)
            name = spec.get("name")
            if name in names:
                raise PlotError(f"another plot is already named '{name}'")
            if name is None:
                base = name = default_name(spec)
                n = 1
                while name in names or any(s.get("name") == name for s in specs if isinstance(s, dict)):
                    n += 1
                    name = f"{base}_{n}"
            names.add(name)
            figures.append(prepare(sweep, spec, name))
        except PlotError as e:
            kind = spec.get("kind") if isinstance(spec, dict) else None
            message = str(e)
            if not isinstance(kind, str):
                kind = None
            if kind and message.startswith(f"{kind}: "):
                message = message[len(kind) + 2:]
            raise PlotError(f"plots[{i}]" + (f" ({kind})" if kind else "") + f": {message}") from None
    return [(figure, plot_style.draw(figure, plots_dir(sweep))) for figure in figures]
