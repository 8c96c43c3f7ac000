"""The simulator, driving the real router, reproduces Erlang C and Erlang A on one queue.

Quick versions (about 20,000 calls each); bench/sim.py runs 600,000 calls per case.
The tolerance is max(3 standard errors, 0.005), the standard errors from batch means.
"""

import pytest

from switchboard.core.erlang import erlang_a
from switchboard.core.sim.validation import check_against_erlang


def assert_all_within(checks):
    failed = [
        f"{c.measure}: simulated {c.simulated:.4f}, expected {c.expected:.4f}, "
        f"tolerance {c.tolerance:.4f}"
        for c in checks
        if not c.within
    ]
    assert failed == []


def test_with_patient_callers_wait_and_service_level_match_erlang_c():
    checks = check_against_erlang(10, 7.0, 60.0, None, target_s=20, batches=40, seed=11)
    assert {c.measure for c in checks} == {"prob_wait", "service_level"}
    assert_all_within(checks)
    # the tolerance is meaningful: well below the figures themselves
    assert all(c.tolerance < 0.05 for c in checks)


def test_with_impatient_callers_wait_abandon_and_service_level_match_erlang_a():
    checks = check_against_erlang(10, 9.0, 60.0, 60.0, target_s=20, batches=40, seed=12)
    assert {c.measure for c in checks} == {"prob_wait", "prob_abandon", "service_level"}
    assert_all_within(checks)
    abandon = next(c for c in checks if c.measure == "prob_abandon")
    assert abandon.expected == pytest.approx(0.086, abs=0.002)
    assert abandon.tolerance < 0.015


def test_a_check_fails_when_the_simulation_disagrees():
    # one agent too many: the simulation must not pass against the other staffing level
    wait = next(
        c
        for c in check_against_erlang(11, 9.0, 60.0, 60.0, batches=20, seed=12)
        if c.measure == "prob_wait"
    )
    ten_agents = erlang_a(9.0, 10, 60.0, 60.0).prob_wait
    assert wait.within
    assert abs(wait.simulated - ten_agents) > wait.tolerance
