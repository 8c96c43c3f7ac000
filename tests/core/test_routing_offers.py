"""Who gets which call: strategies, skills, priorities, first-come first-served."""

from switchboard.core.routing import (
    AgentWentReady,
    CallCompleted,
    CallQueued,
    OfferAccepted,
    QueueConfig,
    Strategy,
    Tick,
    WrapUpEnded,
)
from switchboard.core.routing.model import AgentState

from .floor import Floor


def test_it_offers_the_call_to_the_longest_idle_agent():
    floor = Floor()
    floor.ready("bilal", at=1)
    floor.ready("amina", at=2)
    floor.arrive("c1", at=5)
    assert floor.offers() == [("c1", "bilal")]
    assert floor.state("bilal") is AgentState.RESERVED


def test_it_queues_a_call_when_no_available_agent_has_the_skills():
    floor = Floor()
    floor.ready("chandra")
    floor.arrive("c1", "sales", at=1)
    assert [type(d) for d in floor.out] == [CallQueued]
    assert floor.router.queue_stats("sales").waiting == 1


def test_it_offers_a_waiting_call_to_the_agent_who_becomes_ready():
    floor = Floor()
    floor.arrive("c1", at=1)
    floor.ready("bilal", at=3)
    assert floor.offers() == [("c1", "bilal")]


def test_it_ignores_agents_below_the_queues_minimum_level():
    floor = Floor(QueueConfig("sales", skills={"sales": 5}))
    floor.ready("bilal", "amina")
    floor.arrive("c1")
    assert floor.offers() == [("c1", "amina")]


def test_a_call_with_an_extra_skill_waits_for_an_agent_who_has_it():
    floor = Floor()
    floor.ready("amina", "bilal")
    floor.arrive("c1", skills={"bangla": 3})
    assert floor.offers() == []
    floor.ready("dipa", at=1)
    assert floor.offers() == [("c1", "dipa")]


def test_least_occupied_offers_to_the_agent_with_least_busy_time_today():
    floor = Floor(QueueConfig("sales", skills={"sales": 1}, strategy=Strategy.LEAST_OCCUPIED))
    floor.ready("amina", at=0)
    floor.arrive("c1", at=1)
    floor.send(OfferAccepted(2, "c1", "amina"))
    floor.send(CallCompleted(100, "c1"))
    floor.send(Tick(200))  # amina is idle again since 130, bilal becomes ready later
    floor.ready("bilal", at=300)
    floor.arrive("c2", at=301)
    assert floor.offers() == [("c2", "bilal")]


def test_best_skill_offers_to_the_highest_level_first():
    floor = Floor(QueueConfig("sales", skills={"sales": 1}, strategy=Strategy.BEST_SKILL))
    floor.ready("bilal", "dipa", "amina")
    floor.arrive("c1")
    assert floor.offers() == [("c1", "amina")]


def test_best_skill_breaks_ties_by_longest_idle():
    floor = Floor(QueueConfig("billing", skills={"billing": 1}, strategy=Strategy.BEST_SKILL))
    floor.ready("chandra", at=5)
    floor.arrive("c0", "billing", at=6)  # takes chandra away
    floor.ready("amina", at=7)
    floor.arrive("c1", "billing", at=8)
    assert floor.offers() == [("c1", "amina")]


def test_round_robin_gives_each_agent_a_turn():
    floor = Floor(
        QueueConfig("sales", skills={"sales": 1}, strategy=Strategy.ROUND_ROBIN, wrap_up_s=0)
    )
    floor.ready("amina", "bilal", "dipa")
    taken = []
    for n in range(6):
        floor.arrive(f"c{n}", at=n)
        ((call, agent),) = floor.offers()
        taken.append(agent)
        floor.send(OfferAccepted(n, call, agent))
        floor.send(CallCompleted(n, call))  # wrap-up 0: straight back to available
    assert taken == ["amina", "bilal", "dipa", "amina", "bilal", "dipa"]


def test_a_higher_priority_queue_is_served_first():
    floor = Floor()
    floor.arrive("sale", "sales", at=0)
    floor.arrive("bill", "billing", at=1)
    floor.ready("amina", at=2)  # has sales and billing
    assert floor.offers() == [("bill", "amina")]


def test_priority_ages_so_an_old_call_overtakes_a_new_one_of_higher_priority():
    floor = Floor(aging=1.0)  # one priority point per second waited
    floor.arrive("old", "sales", at=0)
    floor.arrive("new", "billing", at=10)  # billing priority 5 < 10 s of waiting
    floor.ready("amina", at=11)
    assert floor.offers() == [("old", "amina")]


def test_calls_of_equal_priority_are_served_first_come_first_served():
    floor = Floor()
    for n in range(3):
        floor.arrive(f"c{n}", at=n)
    served = []
    for name in ("bilal", "dipa", "amina"):
        floor.ready(name, at=10)
        served += [call for call, _ in floor.offers()]
    assert served == ["c0", "c1", "c2"]


def test_an_agent_ending_wrap_up_takes_the_oldest_waiting_call():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferAccepted(2, "c1", "bilal"))
    floor.arrive("c2", at=3)
    floor.arrive("c3", at=4)
    floor.send(CallCompleted(5, "c1"))
    floor.send(WrapUpEnded(6, "bilal"))
    assert floor.offers() == [("c2", "bilal")]


def test_wrap_up_ends_by_itself_on_the_queues_timer():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferAccepted(2, "c1", "bilal"))
    floor.send(CallCompleted(10, "c1"))
    assert floor.router.agent("bilal").until == 40
    assert floor.router.next_deadline() == 40
    floor.send(Tick(39))
    assert floor.state("bilal") is AgentState.WRAP_UP
    floor.send(Tick(45))
    assert floor.state("bilal") is AgentState.AVAILABLE
    assert floor.router.agent("bilal").since == 40


def test_a_queue_without_wrap_up_timer_waits_for_the_agent_to_end_it():
    floor = Floor()
    floor.ready("chandra")
    floor.arrive("c1", "billing", at=1)
    floor.send(OfferAccepted(2, "c1", "chandra"))
    floor.send(CallCompleted(10, "c1"))
    floor.send(Tick(10_000))
    assert floor.state("chandra") is AgentState.WRAP_UP
    floor.send(AgentWentReady(10_001, "chandra"))
    assert floor.state("chandra") is AgentState.AVAILABLE
