"""The simulator's floor: reproducible runs, shifts, breaks, skills, misses and operator care.

A recording router wrapper keeps every decision, so the tests can check what
the real router did inside a simulation.
"""

import pytest

from switchboard.core.routing import AgentState, AgentStateChanged, CallOffered, CarePolicy, Reason
from switchboard.core.routing.config import NO_CARE
from switchboard.core.sim import (
    AgentSpec,
    BreakSpec,
    QueueSpec,
    Scenario,
    Simulation,
    empirical,
    exponential,
    fixed,
    lognormal,
    simulate,
)

HOUR = 3600.0

SALES = QueueSpec(
    "sales",
    calls=(120.0,) * 4,
    talk=lognormal(180, 90),
    wrap_up=exponential(20),
    patience=exponential(120),
    skills={"sales": 3},
)
BILLING = QueueSpec(
    "billing",
    calls=(60.0,) * 4,
    talk=empirical([120, 240, 300]),
    wrap_up=fixed(10),
    patience=empirical([30, 60, 600]),
    skills={"billing": 2},
)


def floor(*agents: AgentSpec, queues=(SALES, BILLING), care=NO_CARE, **kw) -> Scenario:
    """A four-hour morning in one-hour intervals, care off unless given."""
    return Scenario(queues=queues, agents=agents, interval_s=HOUR, care=care, **kw)


def recorded(scenario: Scenario, seed: int = 1):
    """Run the scenario; return its results and every decision the router made."""
    sim = Simulation(scenario, seed=seed)
    decisions = []
    handle = sim.router.handle

    def recording(event):
        out = handle(event)
        decisions.extend(out)
        return out

    sim.router.handle = recording
    return sim.run(), decisions


MIXED = (
    AgentSpec("amina", skills={"sales": 8, "billing": 3}, count=6),
    AgentSpec("bilal", skills={"sales": 4}, count=8),
    AgentSpec("chandra", skills={"billing": 9}, count=4),
)


def test_the_same_seed_gives_identical_results():
    first = simulate(floor(*MIXED), seed=5).to_dict()
    again = simulate(floor(*MIXED), seed=5).to_dict()
    other = simulate(floor(*MIXED), seed=6).to_dict()
    assert first == again
    assert first != other


def test_the_scenario_seed_is_used_unless_another_is_given():
    scenario = floor(*MIXED, seed=9)
    assert simulate(scenario).to_dict() == simulate(scenario, seed=9).to_dict()


def test_every_call_is_counted_once_as_answered_abandoned_or_unfinished():
    results = simulate(floor(*MIXED), seed=2)
    offered = sum(t.offered for t in results.totals.values())
    ended = sum(t.answered + t.abandoned + t.expired for t in results.totals.values())
    assert offered == results.calls > 500
    assert ended + results.unfinished == offered
    assert results.unfinished == 0  # everyone's shift lasts until the queues drain


def test_calls_needing_a_skill_are_offered_only_to_agents_who_have_it():
    _, decisions = recorded(floor(*MIXED))
    offers = [d for d in decisions if isinstance(d, CallOffered)]
    assert {d.queue for d in offers} == {"sales", "billing"}
    for d in offers:
        if d.queue == "billing":
            assert d.agent.startswith(("amina", "chandra"))
        else:
            assert d.agent.startswith(("amina", "bilal"))


def test_no_call_is_offered_to_an_agent_outside_their_shift():
    early = AgentSpec("early", skills={"sales": 5, "billing": 5}, count=5, end_s=2 * HOUR)
    late = AgentSpec("late", skills={"sales": 5, "billing": 5}, count=5, start_s=1 * HOUR)
    day = AgentSpec("day", skills={"sales": 5, "billing": 5}, count=6)
    _, decisions = recorded(floor(early, late, day))
    offers = [d for d in decisions if isinstance(d, CallOffered)]
    early_offers = [d.at for d in offers if d.agent.startswith("early")]
    late_offers = [d.at for d in offers if d.agent.startswith("late")]
    assert early_offers and late_offers
    assert max(early_offers) <= 2 * HOUR
    assert min(late_offers) >= 1 * HOUR
    # the early shift went home: each logged out once, at or after (a call in progress) 2:00
    logouts = [
        d
        for d in decisions
        if isinstance(d, AgentStateChanged)
        and d.state is AgentState.LOGGED_OUT
        and d.agent.startswith("early")
    ]
    assert len(logouts) == 5
    assert all(2 * HOUR <= d.at < 2 * HOUR + 900 for d in logouts)


def test_a_scheduled_break_takes_the_agent_off_the_phones_for_its_length():
    lunch = AgentSpec("dipa", skills={"sales": 5}, breaks=(BreakSpec(1.5 * HOUR, 1800, "lunch"),))
    crew = AgentSpec("crew", skills={"sales": 5, "billing": 5}, count=14)
    _, decisions = recorded(floor(lunch, crew))
    mine = [d for d in decisions if getattr(d, "agent", None) == "dipa"]
    went = next(d for d in mine if isinstance(d, AgentStateChanged) and d.reason == "lunch")
    back = next(
        d
        for d in mine
        if isinstance(d, AgentStateChanged) and d.at > went.at and d.state is not AgentState.BREAK
    )
    assert 1.5 * HOUR <= went.at < 1.5 * HOUR + 900  # after the call in progress, if any
    assert back.at - went.at == 1800
    assert not [d for d in mine if isinstance(d, CallOffered) and went.at <= d.at < back.at]


def test_agents_scripted_to_miss_go_not_ready_and_the_call_keeps_its_place():
    misser = AgentSpec("misser", skills={"sales": 5}, count=2, miss_share=1.0)
    crew = AgentSpec("crew", skills={"sales": 5, "billing": 5}, count=14)
    results, decisions = recorded(floor(misser, crew), seed=3)
    rna = [
        d
        for d in decisions
        if isinstance(d, AgentStateChanged) and d.reason == Reason.RING_NO_ANSWER
    ]
    assert rna and all(d.agent.startswith("misser") for d in rna)
    assert all(a.answered == 0 for a in results.agents if a.agent.startswith("misser"))
    assert results.totals["sales"].answered > 0.8 * results.totals["sales"].offered


def test_difficult_calls_start_the_routers_cool_down():
    queue = QueueSpec("complaints", calls=(40.0,) * 4, talk=exponential(300), difficult_share=0.5)
    crew = AgentSpec("crew", skills={"complaints": 5}, count=6)
    care = CarePolicy(max_talk_s=None, cool_down_s=120.0, max_missed_offers=None)
    _, decisions = recorded(floor(crew, queues=(queue,), care=care), seed=4)
    cool = [
        d for d in decisions if isinstance(d, AgentStateChanged) and d.reason == Reason.COOL_DOWN
    ]
    assert len(cool) > 20
    for d in cool[:20]:
        assert d.until == d.at + 120
        later = [x for x in decisions if getattr(x, "agent", None) == d.agent and x.at > d.at]
        first_offer = next(x for x in later if isinstance(x, CallOffered))
        assert first_offer.at >= d.until


def test_results_give_per_interval_figures_and_agent_occupancy():
    results = simulate(floor(*MIXED), seed=8)
    rows = results.intervals["sales"]
    assert [r.interval for r in rows] == [0, 1, 2, 3]
    assert [r.start_s for r in rows] == [0, HOUR, 2 * HOUR, 3 * HOUR]
    for r in rows:
        assert r.offered > 80
        assert 0 <= r.service_level <= 1
        assert 0 < r.occupancy <= 1
        assert r.asa_s >= 0 and r.longest_wait_s >= r.asa_s
        assert 150 < r.aht_s < 260  # lognormal 180 talk + exponential 20 wrap-up
    assert all(0 < a.occupancy <= 1 for a in results.agents)
    assert all(a.staffed_s == pytest.approx(4 * HOUR) for a in results.agents)


def test_a_ring_delay_makes_callers_wait_at_least_that_long():
    crew = AgentSpec("crew", skills={"sales": 5, "billing": 5}, count=30)
    results = simulate(floor(crew, ring_delay=fixed(3.0)), seed=1)
    assert results.totals["sales"].asa_s >= 3.0
    assert results.totals["sales"].waited < 0.05 * results.totals["sales"].offered
