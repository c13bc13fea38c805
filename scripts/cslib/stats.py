"""Sample statistics for sweeps and comparisons: mean, standard deviation, Student-t confidence
intervals and Welch's t-test, on plain Python lists. The t distribution and the incomplete beta
function come from scipy (Debian's python3-scipy); mean and std stay here because they keep
equal values exact, which numpy's do not promise."""
import math

from scipy import special as _special, stats as _dist


def mean(xs):
    if not xs:
        return math.nan
    # Equal values (repetitions of a deterministic metric) keep their exact value, so their
    # spread is exactly 0 rather than a rounding error of the division.
    if all(x == xs[0] for x in xs):
        return float(xs[0])
    try:
        return math.fsum(xs) / len(xs)
    except OverflowError:  # the sum passes the largest double though the mean does not
        return math.fsum(x / len(xs) for x in xs)


def std(xs):
    """Sample standard deviation (n - 1 in the denominator); nan below two values."""
    if len(xs) < 2:
        return math.nan
    m = mean(xs)
    try:
        return math.sqrt(math.fsum((x - m) * (x - m) for x in xs) / (len(xs) - 1))
    except OverflowError:  # squares beyond the largest double
        return math.inf


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    return float(_special.betainc(a, b, min(max(x, 0.0), 1.0)))


def t_two_sided_p(t, df):
    """P(|T| >= |t|) for Student's t with df degrees of freedom (df may be fractional)."""
    return float(2.0 * _dist.t.sf(abs(t), df))


def t_cdf(t, df):
    return float(_dist.t.cdf(t, df))


def t_quantile(q, df):
    """The t such that P(T <= t) = q."""
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile {q} outside (0, 1)")
    return float(_dist.t.ppf(q, df))


def ci95(xs):
    """(low, high) of the 95% confidence interval of the mean, mean +- t(0.975, n-1) s / sqrt(n);
    (nan, nan) below two values."""
    n = len(xs)
    if n < 2:
        return math.nan, math.nan
    m, half = mean(xs), t_quantile(0.975, n - 1) * std(xs) / math.sqrt(n)
    return m - half, m + half


def welch(xs, ys):
    """Welch's unequal-variance t-test of equal means: (t, df, two-sided p). Needs two values in
    each sample. Two samples without spread give p = 1 if their means agree, else p = 0."""
    if len(xs) < 2 or len(ys) < 2:
        raise ValueError("Welch's t-test needs at least two values in each sample")
    mx, my = mean(xs), mean(ys)
    vx, vy = std(xs) ** 2 / len(xs), std(ys) ** 2 / len(ys)
    if vx + vy == 0.0:  # scipy gives nan here
        return (0.0, math.inf, 1.0) if mx == my else (math.copysign(math.inf, mx - my), math.inf, 0.0)
    # Welch-Satterthwaite degrees of freedom (scipy reports them only from 1.11 on; Debian 12 has 1.10).
    try:
        df = (vx + vy) ** 2 / (vx ** 2 / (len(xs) - 1) + vy ** 2 / (len(ys) - 1))
    except OverflowError:
        df = math.nan
    if not math.isfinite(df):
        raise ArithmeticError("the variances overflow a double")
    result = _dist.ttest_ind(xs, ys, equal_var=False)
    t, p = float(result.statistic), float(result.pvalue)
    if not math.isfinite(p):
        raise ArithmeticError("scipy's Welch test gives no p-value for these values")
    return t, df, p
