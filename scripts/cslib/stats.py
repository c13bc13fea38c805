"""Sample statistics for sweeps and comparisons: mean, standard deviation, Student-t confidence
intervals and Welch's t-test, on plain Python lists (no scipy on the project's machines).

The t distribution comes from the regularized incomplete beta function,
    P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2),
evaluated by its continued fraction (modified Lentz), as in Numerical Recipes 6.4."""
import math

_EPS = 1e-15
_TINY = 1e-300


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


def _beta_continued_fraction(a, b, x):
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        for numerator in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge (a={a}, b={b}, x={x})")


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    # The continued fraction converges fast only below the mean of the beta distribution;
    # above it, use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t, df):
    """P(|T| >= |t|) for Student's t with df degrees of freedom (df may be fractional)."""
    if math.isinf(t):
        return 0.0
    return betainc(df / 2.0, 0.5, df / (df + t * t))


def t_cdf(t, df):
    p = 0.5 * t_two_sided_p(t, df)
    return 1.0 - p if t > 0 else p


def t_quantile(q, df):
    """The t such that P(T <= t) = q, by bisection on t_cdf (monotone; 200 halvings reach
    double precision from any bracket)."""
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile {q} outside (0, 1)")
    if q < 0.5:
        return -t_quantile(1.0 - q, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < q:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if t_cdf(mid, df) < q:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


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
    if vx + vy == 0.0:
        return (0.0, math.inf, 1.0) if mx == my else (math.copysign(math.inf, mx - my), math.inf, 0.0)
    t = (mx - my) / math.sqrt(vx + vy)
    # Welch-Satterthwaite degrees of freedom.
    df = (vx + vy) ** 2 / (vx ** 2 / (len(xs) - 1) + vy ** 2 / (len(ys) - 1))
    return t, df, t_two_sided_p(t, df)
