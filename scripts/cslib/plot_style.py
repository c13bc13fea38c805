"""What every figure shares: labels with units from metric and column names, the caption line,
and drawing a prepared figure to PNG and PDF. Plot kinds only prepare numbers (a Figure);
matplotlib is imported here, on first draw."""
import os, textwrap
from dataclasses import dataclass, field

# Unit suffixes of metric and column names (README, "Results").
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


def quantity_label(name):
    """An axis label for a metric or CSV column: "JCT mean (seconds)"."""
    text, unit = sentence(human(name)), split_unit(name)[1]
    return f"{text} ({unit})" if unit else text


def axis_label(path):
    """An axis label for a sweep axis: its JSON pointer, plus the unit its last segment names."""
    unit = split_unit(path.rstrip("/").rsplit("/", 1)[-1])[1]
    return f"{path} ({unit})" if unit else path


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

    def caption(self):
        parts = [f"sweep {self.sweep}", f"{self.runs} run{'' if self.runs == 1 else 's'}"]
        if self.where:
            parts.append(f"where {self.where}")
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


_DASHES = ["-", "--", ":", "-."]


def draw(figure, directory):
    """Writes DIRECTORY/<name>.png and .pdf; returns their paths. Same figure, same bytes."""
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
                ax.bar(at, values, width, color=f"C{bars.color % 10}", label=bars.label)
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
        for ext, metadata in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
            path = os.path.join(directory, f"{figure.name}.{ext}")
            partial = path + ".partial"
            fig.savefig(partial, format=ext, dpi=150, metadata=metadata)
            os.replace(partial, path)  # never a half-written figure under the final name
            paths.append(path)
        plt.close(fig)
    return paths
