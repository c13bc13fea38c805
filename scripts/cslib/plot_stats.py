"""The statistics plots compute themselves (points.csv carries the per-point ones): means with a
Student-t 95% confidence interval over repetitions, and empirical CDFs. No scipy, hence the table."""
import math

import numpy as np

# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom.
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042]
_T975_LARGE = [(40, 2.021), (60, 2.000), (120, 1.980)]


def t975(df):
    if df <= len(_T975):
        return _T975[df - 1]
    for limit, t in _T975_LARGE:
        if df <= limit:
            return t
    return 1.960


def mean_ci95(values):
    """(mean, low, high); low and high are None for a single value, where there is no interval."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, None, None
    half = t975(len(values) - 1) * float(values.std(ddof=1)) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def ecdf(values):
    """(sorted values, fraction of values <= each)."""
    xs = np.sort(np.asarray(values, dtype=float))
    return xs, np.arange(1, len(xs) + 1) / len(xs)
