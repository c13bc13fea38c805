"""The statistics plots compute themselves (points.csv carries the per-point ones): means with a
Student-t 95% confidence interval over repetitions (stats.py's), and empirical CDFs."""
import numpy as np

from . import stats


def mean_ci95(values):
    """(mean, low, high); low and high are None for a single value, where there is no interval."""
    values = [float(v) for v in values]
    if len(values) < 2:
        return stats.mean(values), None, None
    low, high = stats.ci95(values)
    return stats.mean(values), low, high


def ecdf(values):
    """(sorted values, fraction of values <= each)."""
    xs = np.sort(np.asarray(values, dtype=float))
    return xs, np.arange(1, len(xs) + 1) / len(xs)
