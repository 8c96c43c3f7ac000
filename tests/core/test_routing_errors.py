"""Events the router refuses: a named error, and nothing changes."""

import pytest

from switchboard.core.routing import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentWentOnBreak,
    AgentWentReady,
    CallArrived,
    CallbackRequested,
    CallCompleted,
    CallerHungUp,
    ClockWentBackwards,
    DuplicateCall,
    ImpossibleEvent,
    InvalidConfig,
    OfferAccepted,
    OfferTimedOut,
    OverflowRule,
    QueueConfig,
    RouterConfig,
    UnknownAgent,
    UnknownCall,
    UnknownQueue,
    WrapUpEnded,
)

from .floor import Floor


def refused(floor: Floor, event, error: type[Exception]) -> None:
    before = floor.router.snapshot()
    with pytest.raises(error):
        floor.router.handle(event)
    assert floor.router.snapshot() == before


def test_an_event_naming_an_unknown_agent_raises_and_changes_nothing():
    floor = Floor()
    floor.ready("bilal")
    refused(floor, AgentWentReady(1, "nobody"), UnknownAgent)
    refused(floor, AgentLoggedIn(1, "nobody"), UnknownAgent)  # first login needs skills


def test_a_call_into_an_unknown_queue_raises_and_changes_nothing():
    floor = Floor()
    refused(floor, CallArrived(1, "c1", "nowhere"), UnknownQueue)
    with pytest.raises(UnknownQueue):
        floor.router.queue_stats("nowhere")


def test_an_event_naming_an_unknown_call_raises_and_changes_nothing():
    floor = Floor()
    floor.ready("bilal")
    refused(floor, CallerHungUp(1, "ghost"), UnknownCall)
    refused(floor, OfferAccepted(1, "ghost", "bilal"), UnknownCall)


def test_accepting_an_offer_that_timed_out_is_impossible_and_changes_nothing():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferTimedOut(16, "c1", "bilal"))
    refused(floor, OfferAccepted(17, "c1", "bilal"), ImpossibleEvent)


def test_accepting_a_call_offered_to_someone_else_is_impossible():
    floor = Floor()
    floor.ready("bilal", "dipa")
    floor.arrive("c1", at=1)
    refused(floor, OfferAccepted(2, "c1", "dipa"), ImpossibleEvent)


def test_impossible_agent_moves_raise_and_change_nothing():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferAccepted(2, "c1", "bilal"))
    refused(floor, AgentLoggedOut(3, "bilal"), ImpossibleEvent)  # mid-call
    refused(floor, AgentWentOnBreak(3, "bilal", "lunch"), ImpossibleEvent)
    refused(floor, WrapUpEnded(3, "bilal"), ImpossibleEvent)
    refused(floor, AgentWentReady(3, "bilal"), ImpossibleEvent)
    refused(floor, AgentLoggedIn(3, "bilal"), ImpossibleEvent)
    refused(floor, CallbackRequested(3, "c1"), ImpossibleEvent)


def test_completing_a_call_that_is_not_connected_is_impossible():
    floor = Floor()
    floor.arrive("c1", at=1)
    refused(floor, CallCompleted(2, "c1"), ImpossibleEvent)


def test_a_second_call_with_the_same_id_is_refused():
    floor = Floor()
    floor.arrive("c1", at=1)
    refused(floor, CallArrived(2, "c1", "sales"), DuplicateCall)


def test_an_event_from_the_past_is_refused():
    floor = Floor()
    floor.arrive("c1", at=10)
    refused(floor, CallArrived(9, "c2", "sales"), ClockWentBackwards)


def test_a_skill_level_outside_one_to_ten_is_refused():
    floor = Floor()
    refused(floor, AgentLoggedIn(0, "x", {"sales": 11}), InvalidConfig)
    refused(floor, CallArrived(0, "c1", "sales", skills={"bangla": 0}), InvalidConfig)


def test_a_configuration_that_contradicts_itself_is_refused():
    with pytest.raises(InvalidConfig):
        RouterConfig(queues=(QueueConfig("a"), QueueConfig("a")))
    with pytest.raises(InvalidConfig):
        RouterConfig(queues=(QueueConfig("a", overflow=(OverflowRule(5, move_to="b"),)),))
    with pytest.raises(InvalidConfig):
        OverflowRule(5)
    with pytest.raises(TypeError):
        Floor().router.handle("not an event")  # type: ignore[arg-type]
