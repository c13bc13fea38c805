"""The statistics plots compute themselves: means over repetitions with a bootstrap 95% interval,
which, unlike points.csv's Student-t interval, stays within the metric's domain, and empirical
CDFs."""
import numpy as np

from . import stats

BOOTSTRAP_RESAMPLES = 10000
BOOTSTRAP_SEED = 0  # fixed: the same runs give the same interval, so a redrawn figure is identical


def mean_bootstrap95(values, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """(mean, low, high) with the percentile-bootstrap 95% interval of the mean: every resample's
    mean lies within the values' range, so the interval never leaves the metric's domain (a
    latency band stays above zero, an accuracy within [0, 1]), unlike mean +- t s / sqrt(n) with
    few, spread repetitions. With n values it cannot be wider than their range: a small n gives an
    optimistic interval, which the caption states by giving n. low and high are None for n = 1."""
    xs = np.asarray([float(v) for v in values], dtype=float)
    if len(xs) < 2:
        return (float(xs[0]) if len(xs) else None), None, None
    m = float(stats.mean(list(xs)))
    if np.all(xs == xs[0]):
        return m, m, m
    rng = np.random.default_rng(seed)
    means = xs[rng.integers(0, len(xs), size=(resamples, len(xs)))].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    # Rounding in the resampled means must not push a bound past the mean or the data's range.
    return m, float(max(min(low, m), xs.min())), float(min(max(high, m), xs.max()))


def ecdf(values):
    """(sorted values, fraction of values <= each)."""
    xs = np.sort(np.asarray(values, dtype=float))
    return xs, np.arange(1, len(xs) + 1) / len(xs)
