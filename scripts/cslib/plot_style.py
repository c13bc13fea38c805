"""What every figure shares: labels with units from metric and column names, the caption line,
and drawing a prepared figure to PNG and PDF. Plot kinds only prepare numbers (a Figure);
matplotlib is imported here, on first draw."""
import os, textwrap
from dataclasses import dataclass, field

# Unit suffixes of metric and column names (docs/metrics.md).
_UNITS = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds", "bytes": "bytes",
          "bits": "bits", "j": "joules", "w": "watts", "bps": "bits/s", "flops": "flop/s", "hz": "hertz"}
_ACRONYMS = {"jct", "ina", "vnmse", "p50", "p90", "p95", "p99", "p999", "cpu", "gpu", "ps", "rtt", "ecn", "sla"}


def split_unit(name):
    """("jct mean", "seconds") for jct_mean_s; (name with spaces, None) without a unit suffix."""
    parts = name.split("_")
    if len(parts) > 1 and parts[-1].lower() in _UNITS:
        return " ".join(parts[:-1]), _UNITS[parts[-1].lower()]
    return " ".join(parts), None


def human(name):
    """jct_mean_s -> "JCT mean", test_accuracy -> "test accuracy"."""
    words = split_unit(name)[0].split(" ")
    return " ".join(w.upper() if w.lower() in _ACRONYMS else w for w in words)


def sentence(text):
    return text[:1].upper() + text[1:]


def quantity_label(name, scale=1.0):
    """An axis label for a metric or CSV column: "JCT mean (seconds)", or "(ms)" when its values
    are drawn scaled by 1000 (see seconds_scale)."""
    text, unit = sentence(human(name)), split_unit(name)[1]
    if unit == "seconds" and scale == 1000.0:
        unit = "ms"
    return f"{text} ({unit})" if unit else text


def seconds_scale(name, values):
    """1000 for a quantity in seconds whose values all lie below one second (latencies, round
    times), so that it reads in ms; 1 otherwise."""
    finite = [abs(v) for v in values if v is not None]
    return 1000.0 if split_unit(name)[1] == "seconds" and finite and max(finite) < 1.0 else 1.0


def rescale(items, factor, axis="y"):
    """Multiplies the Lines' y (or x) with their bands, or the Bars' values and whiskers, in place."""
    def times(values):
        return None if values is None else [None if v is None else v * factor for v in values]
    for item in items:
        if isinstance(item, Bars):
            item.values, item.low, item.high = times(item.values), times(item.low), times(item.high)
        elif axis == "x":
            item.x = times(item.x)
        else:
            item.y, item.low, item.high = times(item.y), times(item.low), times(item.high)
    return items


# Sweep axes the shipped sweeps use, named as a paper would; their values carry their own units
# ("10Gbps", "5/s"), which the ticks show.
AXIS_NAMES = {
    "/workload/ina/aggregators": "Switch memory (aggregators)",
    "/policies/switch_allocation": "Switch allocation policy",
    "/platform/link/bandwidth": "Link bandwidth",
    "/platform/link/loss_rate": "Link loss rate",
    "/platform/client_link/loss_rate": "Camera-link loss rate",
    "/workload/compression/scheme": "Compression scheme",
    "/workload/arrivals/rate": "Frame rate per camera (frames/s)",
    "/workload/system": "Serving system",
    "/workload/edge/device": "Edge device",
    "/workload/frame/transport": "Camera transport",
}


def axis_label(path):
    """An axis label for a sweep axis, never its JSON pointer: a known axis' name, else its last
    segment in words ("/workload/jobs/0/workers" -> "Workers") with the unit that segment names."""
    if path in AXIS_NAMES:
        return AXIS_NAMES[path]
    return quantity_label(last_segment(path))


def last_segment(path):
    return path.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Line:
    label: str
    x: list
    y: list
    low: list = None   # 95% confidence band; None entries where there is none (n = 1)
    high: list = None
    color: int = 0
    dashes: int = 0
    thin: bool = False  # one run among several whose x values differ
    steps: bool = False
    marker: bool = False


@dataclass
class Bars:
    label: str
    values: list        # one per category, None where there is no value
    low: list
    high: list
    color: int = 0
    hatched: list = None  # per category: True draws the bar hatched (Figure.hatch_label says why)
    annotate: str = None  # a format such as "{:.1f}": each bar's value written above it


@dataclass
class Ref:
    """A target or deadline: a dashed line across the axes at `value` (on y, or x when axis="x"),
    or, with `category`, a short one over that bar group only."""
    value: float
    label: str
    axis: str = "y"
    category: int = None
    style: str = "--"


@dataclass
class Missing:
    """A series that has no value where it should (a scheme never reaching the target): a cross at
    the top of the axes at each x it lacks, in the series' colour, named in the legend."""
    label: str
    x: list
    color: int = 0


@dataclass
class Figure:
    kind: str
    name: str
    title: str
    xlabel: str
    ylabel: str
    runs: int
    sweep: str
    where: str = ""
    note: str = ""
    legend_title: str = None
    lines: list = field(default_factory=list)
    bars: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # bar groups' tick labels
    xticks: list = None                             # [(position, label)] for sweep-axis values
    logx: bool = False
    logy: bool = False
    refs: list = field(default_factory=list)      # Ref: targets, deadlines, bounds
    missing: list = field(default_factory=list)   # Missing: series that cannot be drawn somewhere
    hatch_label: str = None                       # what a hatched bar means, for the legend
    ylim: tuple = None                            # (low, high), either None for automatic

    def caption(self):
        parts = [f"sweep {self.sweep}", f"{self.runs} run{'' if self.runs == 1 else 's'}"]
        if self.where:
            parts.append(f"where {self.where}")
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


_DASHES = ["-", "--", ":", "-."]


def draw(figure, directory, formats=("png", "pdf")):
    """Writes DIRECTORY/<name>.<format> for each format; returns their paths. Same figure, same bytes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import NullLocator

    with plt.rc_context({"axes.grid": True, "grid.alpha": 0.3, "font.size": 9, "legend.fontsize": 8,
                         "legend.title_fontsize": 8, "pdf.compression": 6}):
        fig, ax = plt.subplots(figsize=(7.0, 4.6))
        for line in figure.lines:
            color, style = f"C{line.color % 10}", _DASHES[line.dashes % len(_DASHES)]
            width, alpha = (0.8, 0.6) if line.thin else (1.6, 1.0)
            if line.steps:
                ax.step(line.x, line.y, where="post", color=color, linestyle=style, linewidth=width, alpha=alpha,
                        label=line.label)
            else:
                ax.plot(line.x, line.y, color=color, linestyle=style, linewidth=width, alpha=alpha,
                        marker="o" if line.marker else None, markersize=4, label=line.label)
            if line.low is not None and any(v is not None for v in line.low):
                low = np.array([np.nan if v is None else v for v in line.low], dtype=float)
                high = np.array([np.nan if v is None else v for v in line.high], dtype=float)
                ax.fill_between(line.x, low, high, where=~np.isnan(low), color=color, alpha=0.18, linewidth=0)
        if figure.bars:
            positions = np.arange(len(figure.categories))
            width = 0.8 / len(figure.bars)
            for i, bars in enumerate(figure.bars):
                at = positions + (i - (len(figure.bars) - 1) / 2) * width
                values = np.array([np.nan if v is None else v for v in bars.values], dtype=float)
                hatched = [bool(h) for h in (bars.hatched or [False] * len(values))]
                ax.bar(at, values, width, color=f"C{bars.color % 10}", label=bars.label)
                for j in [j for j, h in enumerate(hatched) if h and not np.isnan(values[j])]:
                    ax.bar(at[j], values[j], width, color="none", hatch="///", edgecolor="0.15", linewidth=0)
                for j in [j for j in range(len(values)) if bars.annotate and not np.isnan(values[j])]:
                    top = bars.high[j] if bars.high[j] is not None else values[j]
                    ax.annotate(bars.annotate.format(values[j]), (at[j], top), xytext=(0, 2),
                                textcoords="offset points", ha="center", va="bottom", fontsize=7)
                with_ci = [j for j, lo in enumerate(bars.low) if lo is not None]
                if with_ci:
                    below = [values[j] - bars.low[j] for j in with_ci]
                    above = [bars.high[j] - values[j] for j in with_ci]
                    ax.errorbar(at[with_ci], values[with_ci], yerr=[below, above], fmt="none", ecolor="0.2",
                                elinewidth=1, capsize=3)
                for j in np.flatnonzero(np.isnan(values)):  # say so rather than leave a silent gap
                    ax.text(at[j], 0.01, "n/a", ha="center", va="bottom", fontsize=7, color="0.35",
                            transform=ax.get_xaxis_transform())  # axes height: also right on a log y
            long_names = max((len(c) for c in figure.categories), default=0) * len(figure.categories) > 60
            ax.set_xticks(positions, figure.categories, rotation=30 if long_names else 0,
                          ha="right" if long_names else "center")
            ax.grid(False, axis="x")
        if figure.hatch_label:
            ax.bar([0], [0], 0, color="white", hatch="///", edgecolor="0.15", label=figure.hatch_label)
        _draw_refs(ax, figure)
        for m in figure.missing:  # at the top, where no value of the series could be
            ax.plot(m.x, [0.97] * len(m.x), linestyle="none", marker="X", markersize=9, color=f"C{m.color % 10}",
                    transform=ax.get_xaxis_transform(), clip_on=False, label=m.label)
        if figure.ylim:
            ax.set_ylim(*figure.ylim)
        if figure.logx:
            ax.set_xscale("log")
        if figure.logy:
            ax.set_yscale("log")
        if figure.xticks and len(figure.xticks) <= 12:
            ax.set_xticks([p for p, _ in figure.xticks], [label for _, label in figure.xticks])
            ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel(figure.xlabel)
        ax.set_ylabel(figure.ylabel)
        ax.set_title(figure.title)
        ax.legend(title=figure.legend_title)
        caption = textwrap.wrap(figure.caption(), 125)
        fig.text(0.01, 0.01, "\n".join(caption), fontsize=7, color="0.35", ha="left", va="bottom")
        fig.tight_layout(rect=(0, 0.01 + 0.028 * len(caption), 1, 1))
        os.makedirs(directory, exist_ok=True)
        paths = []
        # PDFs carry no creation date, so a redraw gives the same file.
        metadata = {"png": {"Software": None}, "pdf": {"CreationDate": None}}
        for ext in formats:
            path = os.path.join(directory, f"{figure.name}.{ext}")
            partial = path + ".partial"
            fig.savefig(partial, format=ext, dpi=150, metadata=metadata[ext])
            os.replace(partial, path)  # never a half-written figure under the final name
            paths.append(path)
        plt.close(fig)
    return paths


def _draw_refs(ax, figure):
    """Targets and deadlines as dark dashed lines, labelled where they are."""
    for ref in figure.refs:
        kw = dict(color="0.15", linestyle=ref.style, linewidth=1.1, zorder=3)
        if ref.axis == "x":
            ax.axvline(ref.value, **kw)
            ax.text(ref.value, 0.5, f" {ref.label}", rotation=90, va="center", ha="right", fontsize=7,
                    color="0.15", transform=ax.get_xaxis_transform())
        elif ref.category is not None:
            ax.hlines(ref.value, ref.category - 0.45, ref.category + 0.45, **kw)
            ax.text(ref.category + 0.45, ref.value, f" {ref.label}", va="center", ha="left", fontsize=7,
                    color="0.15")
        else:
            ax.axhline(ref.value, **kw)
            ax.text(0.005, ref.value, f"{ref.label} ", va="bottom", ha="left", fontsize=7, color="0.15",
                    transform=ax.get_yaxis_transform())
