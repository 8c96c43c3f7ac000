"""Log-space building blocks of the Erlang formulas (Loader 2000, "Fast and accurate
computation of binomial probabilities"; the same functions R uses in dpois).

Private to switchboard.core.erlang: nothing here forms A**n / n!, so nothing overflows.
"""

from __future__ import annotations

import math

EPS = 1e-17  # stop a series once a term can no longer change the sum
_LN_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _stirlerr(z: float) -> float:
    """log(Gamma(z+1)) - log(sqrt(2 pi z) (z/e)**z), accurate for z > 0."""
    if z <= 15.0:
        return math.lgamma(z + 1.0) - (z + 0.5) * math.log(z) + z - _LN_SQRT_2PI
    zz = z * z
    if z > 500:
        return (1 / 12 - (1 / 360) / zz) / z
    if z > 80:
        return (1 / 12 - (1 / 360 - (1 / 1260) / zz) / zz) / z
    if z > 35:
        return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680) / zz) / zz) / zz) / z
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - (1 / 1188) / zz) / zz) / zz) / zz) / z


def _bd0(x: float, m: float) -> float:
    """x log(x/m) + m - x, without cancellation when x is close to m."""
    if abs(x - m) < 0.1 * (x + m):
        v = (x - m) / (x + m)
        s = (x - m) * v
        ej = 2.0 * x * v
        v2 = v * v
        j = 1
        while True:
            ej *= v2
            s1 = s + ej / (2 * j + 1)
            if s1 == s:
                return s1
            s = s1
            j += 1
    return x * math.log(x / m) + m - x


def _log_poisson(x: float, m: float) -> float:
    """log(e**-m m**x / Gamma(x+1)) for real x > 0, m > 0."""
    return -_stirlerr(x) - _bd0(x, m) - _LN_SQRT_2PI - 0.5 * math.log(x)


def _digamma_diff(a: float, b: float) -> float:
    """psi(b) - psi(a) for 0 < a < b, accurate even when b/a is close to 1."""
    acc = 0.0
    while a < 12.0:  # psi(a) = psi(a+1) - 1/a
        acc += 1.0 / a
        a += 1.0
    while b < 12.0:
        acc -= 1.0 / b
        b += 1.0
    d = b - a
    ia2, ib2 = 1.0 / (a * a), 1.0 / (b * b)
    acc += math.log1p(d / a) + d / (2.0 * a * b)
    acc += d * (a + b) * ia2 * ib2 / 12.0
    acc -= (ia2**2 - ib2**2) / 120.0
    acc += (ia2**3 - ib2**3) / 252.0
    acc -= (ia2**4 - ib2**4) / 240.0
    acc += (ia2**5 - ib2**5) / 132.0
    return acc


def _log_erlang_b(n: int, a: float) -> float:
    """log of Erlang B, in O(sqrt(a)) terms, for any n >= 0 and a >= 0."""
    if n == 0:
        return 0.0
    if a == 0.0:
        return -math.inf
    if n <= a:
        # 1/B = sum_j n (n-1) ... (n-j+1) / a**j: terms fall from 1.
        total = 1.0
        term = 1.0
        for i in range(n):
            term *= (n - i) / a
            total += term
            if term < EPS * total:
                break
        return -math.log(total)
    # B = p / P(N <= n) with N ~ Poisson(a), p = P(N = n); the tail
    # P(N > n) / p = sum_j a**j / ((n+1) ... (n+j)) has falling terms.
    log_p = _log_poisson(n, a)
    tail = 0.0
    term = 1.0
    i = n
    while True:
        i += 1
        term *= a / i
        tail += term
        if term < EPS * tail:
            break
    return log_p - math.log1p(-math.exp(log_p + math.log(tail)))


def _logistic_neg(z: float) -> float:
    """1 / (1 + e**z) without overflow."""
    if z > 0:
        e = math.exp(-z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(z))
