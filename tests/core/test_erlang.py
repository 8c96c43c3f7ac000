"""Staffing math: pinned worked examples, independent cross-checks, properties.

The Erlang A figures are checked against methods that share nothing with
the implementation: the birth-death chain solved numerically (P(wait),
P(abandon)), the tagged caller's absorbing Markov chain solved by
uniformization (service level), and the Laplace transform of the offered
wait (ASA).
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from switchboard.core.erlang import (
    Staffing,
    average_speed_of_answer,
    erlang_a,
    erlang_a_asa,
    erlang_a_prob_abandon,
    erlang_a_prob_wait,
    erlang_a_service_level,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
)

# --------------------------------------------------------------------------
# Independent reference methods (tests only; deliberately slow and plain).


def birth_death_chain(a, n, aht, patience):
    """Stationary M/M/n+M by the balance equations, truncated far in the tail.

    Returns (P(fewer than n busy), [P(n + k in system) for k = 0..K]).
    """
    lam, mu, theta = a / aht, 1 / aht, 1 / patience
    weights = [1.0]
    j = 0
    while True:
        j += 1
        death = j * mu if j <= n else n * mu + (j - n) * theta
        w = weights[-1] * lam / death
        weights.append(w)
        if w > 1e250:
            weights = [v / 1e250 for v in weights]
        if j > n and death > lam and weights[-1] < 1e-22 * max(weights):
            break
    total = math.fsum(weights)
    probs = [w / total for w in weights]
    return math.fsum(probs[:n]), probs[n:]


def chain_prob_wait_and_abandon(a, n, aht, patience):
    _, queue = birth_death_chain(a, n, aht, patience)
    lam, theta = a / aht, 1 / patience
    prob_wait = math.fsum(queue)
    # abandonment rate = theta * E[queue length]; per offered call:
    prob_abandon = theta * math.fsum(k * p for k, p in enumerate(queue)) / lam
    return prob_wait, prob_abandon


def uniformized_service_level(a, n, aht, patience, t):
    """P(answered within t) from the tagged caller's absorbing chain.

    A caller who finds k others queued moves up at rate n*mu + k*theta
    (service completions plus abandonments ahead) and gives up at rate theta.
    """
    below, queue = birth_death_chain(a, n, aht, patience)
    mu, theta = 1 / aht, 1 / patience
    size = len(queue)
    rate = n * mu + (size - 1) * theta + theta
    v = list(queue)
    served = 0.0
    steps = int(rate * t + 12 * math.sqrt(rate * t) + 30)
    result = 0.0
    for m in range(steps + 1):
        weight = math.exp(-rate * t + m * math.log(rate * t) - math.lgamma(m + 1)) if t else m == 0
        result += weight * served
        nxt = [0.0] * size
        for k, p in enumerate(v):
            if not p:
                continue
            up = (n * mu + k * theta) / rate
            if k == 0:
                served += p * up
            else:
                nxt[k - 1] += p * up
            nxt[k] += p * (1 - up - theta / rate)
        v = nxt
    return below + result


def laplace_asa(a, n, aht, patience):
    """Mean wait of answered calls: E[V e^-theta V] per queue position k."""
    _, queue = birth_death_chain(a, n, aht, patience)
    below = 1 - math.fsum(queue)
    r, theta = n / aht, 1 / patience
    served = below
    wait_served = 0.0
    product = 1.0
    harmonic = 0.0
    for k, p in enumerate(queue):
        product *= (r + k * theta) / (r + (k + 1) * theta)  # E[e^-theta V_k]
        harmonic += 1 / (r + (k + 1) * theta)  # -d/ds log at s = theta
        served += p * product
        wait_served += p * product * harmonic
    return wait_served / served


def poisson_pmf(k, m):
    return math.exp(-m + k * math.log(m) - math.lgamma(k + 1))


# --------------------------------------------------------------------------
# Pinned worked examples


def test_the_textbook_erlang_c_example_needs_14_agents():
    s = required_agents(100, 1800, 180, 0.8, 20)
    assert s.agents == 14
    assert s.service_level == pytest.approx(0.8884, abs=5e-5)
    assert s.prob_wait == pytest.approx(0.1741, abs=5e-5)
    assert s.prob_abandon is None
    assert s.asa_seconds == pytest.approx(7.84, abs=5e-3)
    assert s.occupancy == pytest.approx(0.714, abs=5e-4)


def test_thirty_percent_shrinkage_schedules_20_people_for_14_on_the_phones():
    s = required_agents(100, 1800, 180, 0.8, 20, shrinkage=0.3)
    assert s.agents == 20
    assert s.productive_agents == 14
    # the other figures are those of the 14 on the phones
    assert s.service_level == pytest.approx(0.8884, abs=5e-5)
    assert s.occupancy == pytest.approx(10 / 14)


def test_360_calls_with_55_agents_match_the_published_figures():
    traffic = 360 * 240 / 1800
    assert erlang_c(traffic, 55) == pytest.approx(0.2387, abs=5e-5)
    assert average_speed_of_answer(traffic, 55, 240) == pytest.approx(8.18, abs=5e-3)
    assert service_level(traffic, 55, 15, 240) == pytest.approx(0.8459, abs=5e-5)
    assert occupancy(traffic, 55) == pytest.approx(48 / 55)


def test_erlang_b_matches_the_textbook_recurrence():
    b = 1.0
    for n in range(1, 301):
        b = 37.5 * b / (n + 37.5 * b)
        assert erlang_b(37.5, n) == pytest.approx(b, rel=1e-12)


def test_erlang_c_with_too_few_agents_means_everyone_waits_forever():
    assert erlang_c(10, 10) == 1.0
    assert service_level(10, 9, 20, 180) == 0.0
    assert average_speed_of_answer(10, 10, 180) == math.inf


# --------------------------------------------------------------------------
# Erlang A against independent methods

ERLANG_A_CASES = [
    # traffic, agents, aht, patience, target seconds
    (10.0, 14, 180, 120, 20),
    (10.0, 11, 180, 600, 60),
    (48.0, 50, 240, 60, 15),
    (30.0, 25, 180, 300, 30),  # overloaded: fewer agents than Erlangs
    (40.0, 40, 100, 100, 600),  # patience = AHT, a long target
    (5.0, 3, 300, 30, 10),
]


@pytest.mark.parametrize(("a", "n", "aht", "patience", "t"), ERLANG_A_CASES)
def test_erlang_a_wait_and_abandon_match_the_birth_death_chain(a, n, aht, patience, t):
    prob_wait, prob_abandon = chain_prob_wait_and_abandon(a, n, aht, patience)
    assert erlang_a_prob_wait(a, n, aht, patience) == pytest.approx(prob_wait, rel=1e-9)
    assert erlang_a_prob_abandon(a, n, aht, patience) == pytest.approx(prob_abandon, rel=1e-9)


@pytest.mark.parametrize(("a", "n", "aht", "patience", "t"), ERLANG_A_CASES)
def test_erlang_a_service_level_matches_the_tagged_caller_chain(a, n, aht, patience, t):
    expected = uniformized_service_level(a, n, aht, patience, t)
    assert erlang_a_service_level(a, n, t, aht, patience) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("a", "n", "aht", "patience", "t"), ERLANG_A_CASES)
def test_erlang_a_asa_matches_the_laplace_transform_of_the_wait(a, n, aht, patience, t):
    expected = laplace_asa(a, n, aht, patience)
    assert erlang_a_asa(a, n, aht, patience) == pytest.approx(expected, rel=1e-9)


def test_erlang_a_with_250_agents_and_a_600_second_target_does_not_collapse():
    # 5,000 calls an hour at 180 s AHT = 250 Erlangs; patience = AHT makes
    # the number in system Poisson(250) exactly (it behaves as M/M/inf).
    f = erlang_a(250, 250, 180, 180, target_seconds=600)
    ks = range(250, 600)
    assert f.prob_wait == pytest.approx(math.fsum(poisson_pmf(k, 250) for k in ks), rel=1e-9)
    expected_abandon = math.fsum((k - 250) * poisson_pmf(k, 250) for k in ks) / 250
    assert f.prob_abandon == pytest.approx(expected_abandon, rel=1e-9)
    assert f.service_level == pytest.approx(0.975, abs=1e-3)
    assert f.service_level <= 1 - f.prob_abandon


def test_erlang_a_stays_finite_and_ordered_at_100000_agents():
    for n in (99_000, 99_500, 100_000, 101_000):
        f = erlang_a(99_500, n, 180, 120, target_seconds=20)
        assert 0 <= f.prob_abandon <= f.prob_wait <= 1
        assert 0 <= f.service_level <= 1 - f.prob_abandon
        assert math.isfinite(f.asa_seconds)
    levels = [erlang_a_service_level(99_500, n, 20, 180, 120) for n in range(99_400, 99_800, 50)]
    assert levels == sorted(levels)


def test_erlang_c_stays_finite_at_100000_agents():
    b = erlang_b(99_000, 100_000)
    assert 0 < b < 1e-4
    c = erlang_c(99_000, 100_000)
    assert b < c < 1
    assert service_level(99_000, 100_000, 0, 180) == pytest.approx(1 - c, rel=1e-12)
    assert service_level(99_000, 99_010, 1, 180) < service_level(99_000, 99_010, 2, 180) < 1


def test_a_long_target_tends_to_everyone_who_does_not_hang_up():
    for t in (600, 3600, 86_400, 1e9):
        f = erlang_a(48, 50, 240, 60, target_seconds=t)
        assert f.service_level == pytest.approx(1 - f.prob_abandon, abs=1e-6 if t == 600 else 1e-12)


def test_infinite_patience_is_erlang_c():
    f = erlang_a(10, 14, 180, math.inf, target_seconds=20)
    assert f.prob_wait == pytest.approx(erlang_c(10, 14))
    assert f.prob_abandon == 0.0
    assert f.service_level == pytest.approx(service_level(10, 14, 20, 180))


# --------------------------------------------------------------------------
# Properties

traffics = st.floats(min_value=0.1, max_value=300, allow_nan=False)
ahts = st.floats(min_value=10, max_value=900)
patiences = st.floats(min_value=5, max_value=1200)
targets = st.floats(min_value=0, max_value=300)


@settings(max_examples=60, deadline=None)
@given(a=traffics, n=st.integers(min_value=1, max_value=400), t=targets, aht=ahts)
def test_erlang_b_and_c_improve_with_every_added_agent(a, n, t, aht):
    assert erlang_b(a, n + 1) <= erlang_b(a, n)
    assert erlang_c(a, n + 1) <= erlang_c(a, n)
    assert service_level(a, n + 1, t, aht) >= service_level(a, n, t, aht)


@settings(max_examples=60, deadline=None)
@given(a=traffics, n=st.integers(min_value=1, max_value=400), t=targets, aht=ahts)
def test_erlang_c_gets_worse_as_traffic_grows(a, n, t, aht):
    more = a * 1.01
    assert erlang_b(more, n) >= erlang_b(a, n)
    assert erlang_c(more, n) >= erlang_c(a, n)
    assert service_level(more, n, t, aht) <= service_level(a, n, t, aht)


@settings(max_examples=60, deadline=None)
@given(
    a=traffics, n=st.integers(min_value=1, max_value=400), t=targets, aht=ahts, patience=patiences
)
def test_erlang_a_improves_with_agents_and_worsens_with_traffic(a, n, t, aht, patience):
    f = erlang_a(a, n, aht, patience, target_seconds=t)
    more_agents = erlang_a(a, n + 1, aht, patience, target_seconds=t)
    more_traffic = erlang_a(a * 1.01, n, aht, patience, target_seconds=t)
    slack = 1e-9  # floating-point noise of the series, far below any figure a planner reads
    assert more_agents.prob_wait <= f.prob_wait + slack
    assert more_agents.prob_abandon <= f.prob_abandon + slack
    assert more_agents.service_level >= f.service_level - slack
    assert more_traffic.prob_wait >= f.prob_wait - slack
    assert more_traffic.prob_abandon >= f.prob_abandon - slack
    assert more_traffic.service_level <= f.service_level + slack
    assert 0 <= f.prob_abandon <= f.prob_wait <= 1
    assert 0 <= f.service_level <= 1 - f.prob_abandon + slack


@settings(max_examples=40, deadline=None)
@given(a=st.floats(min_value=0.5, max_value=60), extra=st.integers(1, 20), t=targets, aht=ahts)
def test_erlang_a_tends_to_erlang_c_as_patience_grows(a, extra, t, aht):
    n = math.floor(a) + extra
    # Abandonment shifts the queue's drift by about theta / (n mu (1 - rho)**2)
    # in relative terms, so near-critical queues need far more patience.
    rho = a / n
    patience = 1e7 * aht / (n * (1 - rho) ** 2)
    f = erlang_a(a, n, aht, patience, target_seconds=t)
    assert f.prob_wait == pytest.approx(erlang_c(a, n), abs=1e-5)
    assert f.service_level == pytest.approx(service_level(a, n, t, aht), abs=1e-5)
    assert f.asa_seconds == pytest.approx(average_speed_of_answer(a, n, aht), rel=1e-4, abs=1e-6)
    assert f.prob_abandon < 1e-7


def test_erlang_a_approaches_erlang_c_step_by_step():
    gaps = [
        abs(erlang_a_service_level(48, 50, 15, 240, p) - service_level(48, 50, 15, 240))
        for p in (60, 600, 6_000, 60_000, 600_000, 6_000_000)
    ]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 2e-4


def _misses(s, n, a, aht, fraction, t, patience, cap):
    if n <= 0:
        return True
    if patience is None:
        sl, occ = service_level(a, n, t, aht), occupancy(a, n)
    else:
        f = erlang_a(a, n, aht, patience, target_seconds=t)
        sl, occ = f.service_level, f.occupancy
    return sl < fraction or (cap is not None and occ > cap)


@settings(max_examples=80, deadline=None)
@given(
    calls=st.floats(min_value=1, max_value=3000),
    aht=st.floats(min_value=30, max_value=600),
    fraction=st.floats(min_value=0.3, max_value=0.99),
    t=st.floats(min_value=0, max_value=120),
    patience=st.none() | patiences,
    cap=st.none() | st.floats(min_value=0.5, max_value=0.95),
)
def test_required_agents_is_the_minimum_one_fewer_misses_the_target(
    calls, aht, fraction, t, patience, cap
):
    a = calls * aht / 1800
    assume(a < 500)
    s = required_agents(calls, 1800, aht, fraction, t, patience_seconds=patience, max_occupancy=cap)
    n = s.productive_agents
    assert n == s.agents
    assert s.service_level >= fraction
    assert cap is None or s.occupancy <= cap
    assert _misses(s, n - 1, a, aht, fraction, t, patience, cap)
    assert (s.prob_abandon is None) == (patience is None)


def test_an_occupancy_cap_can_be_the_binding_constraint():
    loose = required_agents(1000, 1800, 180, 0.5, 60)
    capped = required_agents(1000, 1800, 180, 0.5, 60, max_occupancy=0.85)
    assert capped.agents == math.ceil(100 / 0.85) > loose.agents
    assert capped.occupancy <= 0.85 < 100 / (capped.agents - 1)


def test_erlang_a_needs_fewer_agents_when_callers_hang_up_quickly():
    c = required_agents(100, 1800, 180, 0.8, 20)
    a = required_agents(100, 1800, 180, 0.8, 20, patience_seconds=120)
    assert a.agents < c.agents
    assert 0 < a.prob_abandon < a.prob_wait


def test_no_calls_need_no_agents():
    assert required_agents(0, 1800, 180, 0.8, 20) == Staffing(0, 1.0, 0.0, None, 0.0, 0.0, 0)


def test_big_centers_staff_quickly_and_sensibly():
    s = required_agents(600_000, 1800, 180, 0.8, 20)  # 60,000 Erlangs
    assert 60_000 < s.agents < 60_300
    sa = required_agents(600_000, 1800, 180, 0.8, 20, patience_seconds=120)
    # So big a center with 2-minute patience is efficiency-driven: everyone
    # waits, the wait is nearly fixed at w where P(patience > w) = n / A,
    # and 80% of calls are answered within 20 s while about 15% hang up.
    assert sa.agents < s.agents
    assert sa.prob_wait > 0.99
    assert sa.asa_seconds == pytest.approx(120 * math.log(60_000 / sa.agents), abs=0.1)
    assert sa.prob_abandon == pytest.approx(1 - sa.agents / 60_000, abs=1e-3)


# --------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"calls_per_interval": -1}, "calls_per_interval"),
        ({"interval_seconds": 0}, "interval_seconds"),
        ({"aht_seconds": 0}, "aht_seconds"),
        ({"aht_seconds": -180}, "aht_seconds"),
        ({"target_fraction": 0}, "target_fraction"),
        ({"target_fraction": 1.2}, "target_fraction"),
        ({"target_fraction": float("nan")}, "target_fraction"),
        ({"target_seconds": -5}, "target_seconds"),
        ({"patience_seconds": 0}, "patience_seconds"),
        ({"max_occupancy": 1.5}, "max_occupancy"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"shrinkage": -0.1}, "shrinkage"),
    ],
)
def test_required_agents_names_the_bad_parameter(kwargs, name):
    args = {
        "calls_per_interval": 100,
        "interval_seconds": 1800,
        "aht_seconds": 180,
        "target_fraction": 0.8,
        "target_seconds": 20,
    } | kwargs
    positional = [
        args.pop(k)
        for k in (
            "calls_per_interval",
            "interval_seconds",
            "aht_seconds",
            "target_fraction",
            "target_seconds",
        )
    ]
    with pytest.raises(ValueError, match=name):
        required_agents(*positional, **args)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: erlang_b(-1, 3), "traffic"),
        (lambda: erlang_c(5, -1), "agents"),
        (lambda: erlang_c(5, 2.5), "agents"),
        (lambda: service_level(5, 7, 20, 0), "aht_seconds"),
        (lambda: erlang_a(5, 7, 180, -1), "patience_seconds"),
        (lambda: erlang_a_service_level(5, 7, -1, 180, 60), "target_seconds"),
    ],
)
def test_the_formulas_name_the_bad_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
