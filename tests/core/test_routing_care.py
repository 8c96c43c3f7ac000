"""Operator care: micro-breaks after long talk, cool-down after difficult calls."""

import pytest

from switchboard.core.routing import (
    AgentWentOnBreak,
    AgentWentReady,
    CallCompleted,
    CareBreakNotOver,
    CarePolicy,
    OfferAccepted,
    QueueConfig,
    Reason,
    Tick,
)
from switchboard.core.routing.model import AgentState

from .floor import Floor

QUEUE = QueueConfig("sales", skills={"sales": 1}, wrap_up_s=0)
CARE = CarePolicy(max_talk_s=3000, micro_break_s=600, cool_down_s=120, max_missed_offers=None)


def talk(floor: Floor, call: str, start: float, end: float, difficult: bool = False) -> None:
    floor.arrive(call, at=start)
    floor.send(OfferAccepted(start, call, floor.offers()[0][1]))
    floor.send(CallCompleted(end, call, difficult=difficult))


def test_after_the_maximum_talk_time_the_agent_gets_a_micro_break_instead_of_a_call():
    floor = Floor(QUEUE, care=CARE)
    floor.ready("bilal")
    talk(floor, "c1", 0, 2000)
    assert floor.state("bilal") is AgentState.AVAILABLE
    talk(floor, "c2", 2000, 3100)
    agent = floor.router.agent("bilal")
    assert (agent.state, agent.reason, agent.until) == (AgentState.BREAK, Reason.MICRO_BREAK, 3700)


def test_no_call_reaches_an_agent_on_a_micro_break_and_they_are_back_after_it():
    floor = Floor(QUEUE, care=CARE)
    floor.ready("bilal")
    talk(floor, "c1", 0, 3100)
    floor.arrive("c2", at=3200)
    assert floor.offers() == []
    floor.send(Tick(3700))
    assert floor.offers() == [("c2", "bilal")]
    assert floor.router.agent("bilal").talk_since_break == 0


def test_an_agent_cannot_cut_a_micro_break_short():
    floor = Floor(QUEUE, care=CARE)
    floor.ready("bilal")
    talk(floor, "c1", 0, 3100)
    before = floor.router.snapshot()
    with pytest.raises(CareBreakNotOver):
        floor.send(AgentWentReady(3200, "bilal"))
    assert floor.router.snapshot() == before


def test_a_long_enough_break_of_their_own_resets_the_talk_time():
    floor = Floor(QUEUE, care=CARE)
    floor.ready("bilal")
    talk(floor, "c1", 0, 2900)
    floor.send(AgentWentOnBreak(2900, "bilal", "lunch"))
    floor.send(AgentWentReady(2900 + 1800, "bilal"))
    assert floor.router.agent("bilal").talk_since_break == 0
    talk(floor, "c2", 5000, 5200)
    assert floor.state("bilal") is AgentState.AVAILABLE


def test_a_call_marked_difficult_starts_a_cool_down_with_no_calls():
    floor = Floor(QUEUE, care=CARE)
    floor.ready("bilal")
    talk(floor, "c1", 0, 100, difficult=True)
    agent = floor.router.agent("bilal")
    assert (agent.reason, agent.until) == (Reason.COOL_DOWN, 220)
    floor.arrive("c2", at=150)
    assert floor.offers() == []
    floor.send(Tick(220))
    assert floor.offers() == [("c2", "bilal")]


def test_care_rules_are_off_when_the_policy_says_none():
    floor = Floor(QUEUE)  # Floor defaults to NO_CARE
    floor.ready("bilal")
    talk(floor, "c1", 0, 10_000, difficult=True)
    assert floor.state("bilal") is AgentState.AVAILABLE


def test_an_agents_own_policy_overrides_the_floors():
    from switchboard.core.routing import AgentLoggedIn

    floor = Floor(QUEUE, care=CARE)
    floor.send(AgentLoggedIn(0, "bilal", {"sales": 4}, care=CarePolicy(cool_down_s=None)))
    floor.send(AgentWentReady(0, "bilal"))
    talk(floor, "c1", 0, 100, difficult=True)
    assert floor.state("bilal") is AgentState.AVAILABLE
