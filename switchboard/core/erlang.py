"""Staffing math: Erlang B, Erlang C (M/M/c) and Erlang A (M/M/c+M).

Everything here is pure Python (standard library only) and numerically
stable from 1 to 100,000 agents and for long answer targets:

* Erlang B is never built from ``A**n / n!``.  Below the traffic we sum the
  backward series ``1/B = sum_j n!/(n-j)! / A**j`` (terms <= 1, so no
  overflow); above it we take the Poisson probability of ``n`` in log space
  (Loader's saddle-point form, as R's ``dpois``) and a short tail series.
  Either way only O(sqrt(A)) terms are needed.
* Erlang A works relative to ``pi_n`` (the probability that all agents are
  just busy).  The queue part of the birth-death chain is the series
  ``A(x, y) = sum_k y**k / ((x+1)...(x+k))`` with ``x = n*mu/theta`` and
  ``y = lambda/theta`` -- Mandelbaum & Zeltyn's ``A(x, y)``, equal to
  ``x e**y y**-x gamma(x, y)`` with the lower incomplete gamma.  We sum it
  outward from its largest term (whose log comes from the same stable
  Poisson form), so it needs O(sqrt(y)) terms and cannot overflow.
* Service level with abandonment: an arrival that finds ``k`` callers
  queued waits (if it were infinitely patient) ``V_k``, a sum of
  exponentials with rates ``n*mu + j*theta``, ``j = 0..k``; then
  ``1 - exp(-theta*V_k)`` is Beta(k+1, x) distributed.  Summing over ``k``
  gives the mass of callers answered *after* ``t`` as
  ``x/(x+1) * exp(y*(1 - e**(-theta*t)) - (x+1)*theta*t) * A(x+1, y*e**(-theta*t))``
  (again only incomplete gamma functions), which goes smoothly to zero for
  long targets instead of collapsing.

Definitions used for Erlang A: service level is the fraction of *all*
offered calls that are answered within the target (callers who hang up
count as misses, whenever they hang up); ASA is the mean wait of the
answered calls (including those answered at once); occupancy is the
carried load per agent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from switchboard.core._numerics import (
    EPS as _EPS,
)
from switchboard.core._numerics import (
    _digamma_diff,
    _log_erlang_b,
    _log_poisson,
    _logistic_neg,
)

__all__ = [
    "ErlangA",
    "Staffing",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_a_asa",
    "erlang_a_prob_abandon",
    "erlang_a_prob_wait",
    "erlang_a_service_level",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "required_agents",
    "service_level",
]

_MAX_AGENTS = 10_000_000  # a search that gets here has a target it can never meet


# --------------------------------------------------------------------------
# Input checks: every public function names the parameter that is wrong.


def _check_number(name: str, value: float) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(v):
        raise ValueError(f"{name} must be a number, got NaN")
    return v


def _check_nonnegative(name: str, value: float) -> float:
    v = _check_number(name, value)
    if v < 0 or math.isinf(v):
        raise ValueError(f"{name} must be zero or more (and finite), got {value!r}")
    return v


def _check_positive(name: str, value: float, *, allow_inf: bool = False) -> float:
    v = _check_number(name, value)
    if v <= 0 or (math.isinf(v) and not allow_inf):
        raise ValueError(f"{name} must be more than zero, got {value!r}")
    return v


def _check_agents(value: int) -> int:
    if isinstance(value, bool):
        raise ValueError(f"agents must be a whole number, got {value!r}")
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"agents must be a whole number, got {value!r}") from None
    if n != value or n < 0:
        raise ValueError(f"agents must be a whole number, zero or more, got {value!r}")
    return n


def _check_fraction(name: str, value: float, *, low_open: bool, high: float = 1.0) -> float:
    v = _check_number(name, value)
    if v > high or v < 0 or (low_open and v == 0):
        bracket = "(0, 1]" if low_open else "[0, 1)"
        raise ValueError(f"{name} must be in {bracket}, got {value!r}")
    return v


# --------------------------------------------------------------------------
# Erlang B and C


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of an M/M/c/c system offered ``traffic`` Erlangs."""
    a = _check_nonnegative("traffic", traffic)
    n = _check_agents(agents)
    return math.exp(_log_erlang_b(n, a))


def _erlang_c_from_b(a: float, n: int, b: float) -> float:
    return b / (1.0 - (a / n) * (1.0 - b))


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call waits (Erlang C); 1.0 when agents <= traffic."""
    a = _check_nonnegative("traffic", traffic)
    n = _check_agents(agents)
    if a == 0.0:
        return 0.0
    if n <= a:
        return 1.0
    return _erlang_c_from_b(a, n, math.exp(_log_erlang_b(n, a)))


def service_level(traffic: float, agents: int, target_seconds: float, aht_seconds: float) -> float:
    """Erlang C fraction of calls answered within ``target_seconds``."""
    a = _check_nonnegative("traffic", traffic)
    n = _check_agents(agents)
    t = _check_nonnegative("target_seconds", target_seconds)
    aht = _check_positive("aht_seconds", aht_seconds)
    if a == 0.0:
        return 1.0
    if n <= a:
        return 0.0
    c = erlang_c(a, n)
    return 1.0 - c * math.exp(-(n - a) * t / aht)


def average_speed_of_answer(traffic: float, agents: int, aht_seconds: float) -> float:
    """Erlang C mean wait over all calls, in seconds (inf when agents <= traffic)."""
    a = _check_nonnegative("traffic", traffic)
    n = _check_agents(agents)
    aht = _check_positive("aht_seconds", aht_seconds)
    if a == 0.0:
        return 0.0
    if n <= a:
        return math.inf
    return erlang_c(a, n) * aht / (n - a)


def occupancy(traffic: float, agents: int) -> float:
    """Erlang C share of agent time spent on calls: traffic / agents, at most 1."""
    a = _check_nonnegative("traffic", traffic)
    n = _check_agents(agents)
    if a == 0.0:
        return 0.0
    if n <= a:
        return 1.0
    return a / n


# --------------------------------------------------------------------------
# Erlang A (M/M/n+M)


@dataclass(frozen=True, slots=True)
class ErlangA:
    """Figures of an M/M/n+M queue. ``service_level`` is None without a target."""

    prob_wait: float
    prob_abandon: float
    service_level: float | None
    asa_seconds: float
    occupancy: float


def _queue_sums(
    x: float, y: float, *, moments: bool, asa: bool
) -> tuple[float, float, float, float]:
    """Sums over the queue part r_k = y**k / ((x+1)...(x+k)), k >= 0.

    Returns ``(log_scale, s0, s1, sa)`` with every sum divided by
    ``exp(log_scale)`` (the largest term): ``s0 = sum r_k`` (that is,
    A(x, y)), ``s1 = sum k r_k`` and
    ``sa = sum r_k x/(x+k+1) (psi(x+k+2) - psi(x+1))``.
    """
    if y <= 0.0:
        return 0.0, 1.0, 0.0, (x / (x + 1.0)) / (x + 1.0)
    # The terms rise while y/(x+k) >= 1: start at the top, sum both ways.
    k0 = int(y - x) if y > x else 0
    log_scale = _log_poisson(x + k0, y) - _log_poisson(x, y) if k0 else 0.0
    eps = _EPS
    if not moments:
        s0 = 1.0
        term = 1.0
        k = k0
        while True:
            k += 1
            term *= y / (x + k)
            s0 += term
            if term < eps * s0:
                break
        term = 1.0
        k = k0
        while k > 0:
            term *= (x + k) / y
            k -= 1
            s0 += term
            if term < eps * s0:
                break
        return log_scale, s0, 0.0, 0.0
    if not asa:
        s0 = 1.0
        s1 = float(k0)
        term = 1.0
        k = k0
        while True:
            k += 1
            term *= y / (x + k)
            s0 += term
            s1 += k * term
            if term < eps * s0 and k * term < eps * s1:
                break
        term = 1.0
        k = k0
        while k > 0:
            term *= (x + k) / y
            k -= 1
            s0 += term
            s1 += k * term
            if term < eps * s0 and k * term < eps * s1:
                break
        return log_scale, s0, s1, 0.0
    # With the ASA sum: h_k = psi(x+k+2) - psi(x+1) = sum_{j=1..k+1} 1/(x+j).
    if k0 < 64:
        h0 = math.fsum(1.0 / (x + j) for j in range(1, k0 + 2))
    else:
        h0 = _digamma_diff(x + 1.0, x + k0 + 2.0)
    s0 = 1.0
    s1 = float(k0)
    sa = x / (x + k0 + 1) * h0
    term = 1.0
    h = h0
    k = k0
    while True:
        k += 1
        term *= y / (x + k)
        h += 1.0 / (x + k + 1)
        s0 += term
        s1 += k * term
        inc = term * x / (x + k + 1) * h
        sa += inc
        if term < eps * s0 and k * term < eps * s1 and inc < eps * sa:
            break
    term = 1.0
    h = h0
    k = k0
    while k > 0:
        term *= (x + k) / y
        h -= 1.0 / (x + k + 1)
        k -= 1
        s0 += term
        s1 += k * term
        inc = term * x / (x + k + 1) * h
        sa += inc
        if term < eps * s0 and k * term < eps * s1 and inc < eps * sa:
            break
    return log_scale, s0, s1, sa


def _erlang_a(
    a: float, n: int, aht: float, patience: float, target: float | None, want_asa: bool
) -> ErlangA:
    """Erlang A figures; inputs already checked."""
    if a == 0.0:
        return ErlangA(0.0, 0.0, None if target is None else 1.0, 0.0, 0.0)
    if n == 0:
        return ErlangA(1.0, 1.0, None if target is None else 0.0, math.inf, 0.0)
    if math.isinf(patience):
        return _erlang_c_as_a(a, n, aht, target)
    x = n * patience / aht  # n mu / theta
    y = a * patience / aht  # lambda / theta
    log_b = _log_erlang_b(n, a)
    if log_b == -math.inf:  # nobody ever waits (to double precision)
        return ErlangA(0.0, 0.0, None if target is None else 1.0, 0.0, a / n)
    log_scale, s0, s1, sa = _queue_sums(x, y, moments=True, asa=want_asa)
    log_queue = log_scale + math.log(s0)  # log A(x, y): queue mass / pi_n
    # Mass below n agents / pi_n is 1/B - 1.
    log_below = math.log1p(-math.exp(log_b)) - log_b
    prob_wait = _logistic_neg(log_below - log_queue)
    prob_abandon = min(prob_wait, prob_wait * (s1 / s0) / y)
    sl = None
    if target is not None:
        theta_t = target / patience
        y_t = y * math.exp(-theta_t)
        log_scale_t, s0_t, _, _ = _queue_sums(x + 1.0, y_t, moments=False, asa=False)
        log_late = (
            math.log(x / (x + 1.0))
            - y * math.expm1(-theta_t)
            - (x + 1.0) * theta_t
            + log_scale_t
            + math.log(s0_t)
            - log_queue
        )
        late = prob_wait * math.exp(log_late) if log_late < 700 else prob_wait
        sl = min(1.0, max(0.0, 1.0 - prob_abandon - late))
    served = 1.0 - prob_abandon
    if want_asa:
        asa = (prob_wait * (sa / s0) * patience / served) if served > 0 else math.inf
    else:
        asa = math.nan
    return ErlangA(prob_wait, prob_abandon, sl, asa, min(1.0, a * served / n))


def _erlang_c_as_a(a: float, n: int, aht: float, target: float | None) -> ErlangA:
    # Infinite patience: Erlang C, unstable when n <= a.
    if n <= a:
        return ErlangA(1.0, 0.0, None if target is None else 0.0, math.inf, 1.0)
    c = _erlang_c_from_b(a, n, math.exp(_log_erlang_b(n, a)))
    sl = None if target is None else 1.0 - c * math.exp(-(n - a) * target / aht)
    return ErlangA(c, 0.0, sl, c * aht / (n - a), a / n)


def _check_a_args(traffic, agents, aht_seconds, patience_seconds):
    return (
        _check_nonnegative("traffic", traffic),
        _check_agents(agents),
        _check_positive("aht_seconds", aht_seconds),
        _check_positive("patience_seconds", patience_seconds, allow_inf=True),
    )


def erlang_a(
    traffic: float,
    agents: int,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float | None = None,
) -> ErlangA:
    """All Erlang A figures at once (M/M/n+M, exponential patience).

    ``traffic`` is in Erlangs (arrival rate x AHT); ``patience_seconds`` is
    the callers' mean patience (``math.inf`` gives Erlang C).  Cost is
    O(sqrt(traffic * patience / aht)) terms, or fewer.
    """
    a, n, aht, patience = _check_a_args(traffic, agents, aht_seconds, patience_seconds)
    t = None if target_seconds is None else _check_nonnegative("target_seconds", target_seconds)
    return _erlang_a(a, n, aht, patience, t, want_asa=True)


def erlang_a_prob_wait(
    traffic: float, agents: int, aht_seconds: float, patience_seconds: float
) -> float:
    """Erlang A probability that a call has to wait (all agents busy on arrival)."""
    a, n, aht, patience = _check_a_args(traffic, agents, aht_seconds, patience_seconds)
    return _erlang_a(a, n, aht, patience, None, want_asa=False).prob_wait


def erlang_a_prob_abandon(
    traffic: float, agents: int, aht_seconds: float, patience_seconds: float
) -> float:
    """Erlang A probability that a caller hangs up before being answered."""
    a, n, aht, patience = _check_a_args(traffic, agents, aht_seconds, patience_seconds)
    return _erlang_a(a, n, aht, patience, None, want_asa=False).prob_abandon


def erlang_a_service_level(
    traffic: float,
    agents: int,
    target_seconds: float,
    aht_seconds: float,
    patience_seconds: float,
) -> float:
    """Erlang A fraction of all offered calls answered within ``target_seconds``."""
    a, n, aht, patience = _check_a_args(traffic, agents, aht_seconds, patience_seconds)
    t = _check_nonnegative("target_seconds", target_seconds)
    return _erlang_a(a, n, aht, patience, t, want_asa=False).service_level


def erlang_a_asa(traffic: float, agents: int, aht_seconds: float, patience_seconds: float) -> float:
    """Erlang A mean wait of answered calls, in seconds."""
    a, n, aht, patience = _check_a_args(traffic, agents, aht_seconds, patience_seconds)
    return _erlang_a(a, n, aht, patience, None, want_asa=True).asa_seconds


# --------------------------------------------------------------------------
# Staffing


@dataclass(frozen=True, slots=True)
class Staffing:
    """The answer of :func:`required_agents`.

    ``agents`` is the headcount to schedule.  With shrinkage it is
    ``ceil(productive_agents / (1 - shrinkage))``; every other figure
    (service level, P(wait), P(abandon), ASA, occupancy) describes the
    ``productive_agents`` actually on the phones, because shrinkage is
    time those extra people are not taking calls.  ``prob_abandon`` is
    None for Erlang C (no patience given).
    """

    agents: int
    service_level: float
    prob_wait: float
    prob_abandon: float | None
    asa_seconds: float
    occupancy: float
    productive_agents: int | None = None


def _occupancy_floor(a: float, max_occupancy: float) -> int:
    """Smallest n with a / n <= max_occupancy, decided by that very division."""
    n = max(1, math.ceil(a / max_occupancy))
    while n > 1 and a / (n - 1) <= max_occupancy:
        n -= 1
    while a / n > max_occupancy:
        n += 1
    return n


def _staff_erlang_c(
    a: float, aht: float, target: float, t: float, n_min: int
) -> tuple[int, float, float]:
    """Smallest n >= n_min meeting the Erlang C target; returns (n, C, SL).

    Starts at the stability bound and walks up with the Erlang B
    recurrence, O(1) per agent: the answer is O(sqrt(a)) above the bound.
    """
    n = max(n_min, math.floor(a) + 1)
    b = math.exp(_log_erlang_b(n, a))
    while True:
        c = _erlang_c_from_b(a, n, b)
        sl = 1.0 - c * math.exp(-(n - a) * t / aht)
        if sl >= target:
            return n, c, sl
        n += 1
        if n > _MAX_AGENTS:
            raise ValueError("target_fraction cannot be met by any number of agents")
        ab = a * b
        b = ab / (n + ab)


def _staff_erlang_a(
    a: float,
    aht: float,
    patience: float,
    target: float,
    t: float,
    max_occupancy: float | None,
    guess: int,
) -> int:
    """Smallest n meeting the Erlang A target (and occupancy cap).

    Gallops from ``guess`` (the Erlang C answer) towards the boundary, then
    bisects; every answer comes with an evaluated failing n - 1, so it is
    the true minimum as long as the figures are monotone in n.
    """

    def meets(n: int) -> bool:
        if n <= 0:
            return False
        f = _erlang_a(a, n, aht, patience, t, want_asa=False)
        if f.service_level < target:
            return False
        return max_occupancy is None or f.occupancy <= max_occupancy

    guess = max(1, guess)
    if meets(guess):
        good, step = guess, 1
        while True:
            cand = good - step
            if cand <= 0:
                bad = 0
                break
            if meets(cand):
                good, step = cand, step * 2
            else:
                bad = cand
                break
    else:
        bad, step = guess, 1
        while True:
            cand = bad + step
            if cand > _MAX_AGENTS:
                raise ValueError("target_fraction cannot be met by any number of agents")
            if meets(cand):
                good = cand
                break
            bad, step = cand, step * 2
    while good - bad > 1:
        mid = (good + bad) // 2
        if meets(mid):
            good = mid
        else:
            bad = mid
    return good


def required_agents(
    calls_per_interval: float,
    interval_seconds: float,
    aht_seconds: float,
    target_fraction: float,
    target_seconds: float,
    *,
    patience_seconds: float | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> Staffing:
    """The true minimum number of agents meeting a service-level target.

    ``target_fraction`` of calls answered within ``target_seconds`` (0.8 and
    20 for "80/20").  Without ``patience_seconds`` the model is Erlang C;
    with it, Erlang A (callers hang up after an exponential patience with
    that mean, and count as misses).  ``max_occupancy`` additionally caps
    the share of time agents spend on calls.  The figures are those at the
    minimum; see :class:`Staffing` for how ``shrinkage`` changes ``agents``.

    A target fraction of exactly 1 is met where the computed service level
    rounds to 1.0 in double precision.
    """
    calls = _check_nonnegative("calls_per_interval", calls_per_interval)
    interval = _check_positive("interval_seconds", interval_seconds)
    aht = _check_positive("aht_seconds", aht_seconds)
    target = _check_fraction("target_fraction", target_fraction, low_open=True)
    t = _check_nonnegative("target_seconds", target_seconds)
    patience = (
        None
        if patience_seconds is None
        else _check_positive("patience_seconds", patience_seconds, allow_inf=True)
    )
    cap = (
        None
        if max_occupancy is None
        else _check_fraction("max_occupancy", max_occupancy, low_open=True)
    )
    shrink = _check_fraction("shrinkage", shrinkage, low_open=False)
    if shrink == 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")

    a = calls * aht / interval
    if a == 0.0:
        return Staffing(0, 1.0, 0.0, None if patience is None else 0.0, 0.0, 0.0, 0)

    n_min = 1 if cap is None else _occupancy_floor(a, cap)
    n_c, c, sl_c = _staff_erlang_c(a, aht, target, t, n_min)
    if patience is None or math.isinf(patience):
        n = n_c
        figures = (sl_c, c, None if patience is None else 0.0, c * aht / (n - a), a / n)
    else:
        n = _staff_erlang_a(a, aht, patience, target, t, cap, n_c)
        f = _erlang_a(a, n, aht, patience, t, want_asa=True)
        figures = (f.service_level, f.prob_wait, f.prob_abandon, f.asa_seconds, f.occupancy)
    # The small slack keeps 14 / (1 - 0.3) = 20.000000000000004 at 20.
    scheduled = math.ceil(n / (1.0 - shrink) - 1e-9) if shrink else n
    return Staffing(scheduled, *figures, productive_agents=n)
