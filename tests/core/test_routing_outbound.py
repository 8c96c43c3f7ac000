"""An agent's own outbound call: busy for its whole length, then the queue's wrap-up."""

import pytest

from switchboard.core.routing import (
    AgentDialedOut,
    AgentStateChanged,
    CallCompleted,
    CallEnded,
    CallerHungUp,
    ImpossibleEvent,
    Outcome,
    Router,
    Tick,
    UnknownQueue,
)
from switchboard.core.routing.model import AgentState

from .floor import Floor


def test_an_agent_dialing_out_is_on_call_and_gets_no_inbound_offer():
    floor = Floor()
    floor.ready("bilal")
    out = floor.send(AgentDialedOut(1, "bilal", "o1", "sales"))
    assert [(d.agent, d.state) for d in out if isinstance(d, AgentStateChanged)] == [
        ("bilal", AgentState.ON_CALL)
    ]
    assert floor.router.agent("bilal").call == "o1"
    floor.arrive("c1", at=2)
    assert floor.offers() == []


def test_when_the_outbound_call_ends_the_agent_wraps_up_and_then_takes_the_waiting_call():
    floor = Floor()
    floor.ready("bilal")
    floor.send(AgentDialedOut(1, "bilal", "o1", "sales"))
    floor.arrive("c1", at=2)
    out = floor.send(CallCompleted(40, "o1"))
    assert [d.outcome for d in out if isinstance(d, CallEnded)] == [Outcome.COMPLETED]
    assert floor.state("bilal") is AgentState.WRAP_UP
    floor.send(Tick(71))  # sales wraps up in 30 s
    assert floor.offers() == [("c1", "bilal")]


def test_the_called_party_hanging_up_ends_the_outbound_call_too():
    floor = Floor()
    floor.ready("bilal")
    floor.send(AgentDialedOut(1, "bilal", "o1", "sales"))
    floor.send(CallerHungUp(5, "o1"))
    assert floor.state("bilal") is AgentState.WRAP_UP
    assert floor.router.calls() == []


def test_an_agent_in_wrap_up_may_call_a_customer_back():
    floor = Floor()
    floor.ready("bilal")
    floor.send(AgentDialedOut(1, "bilal", "o1", "sales"))
    floor.send(CallCompleted(2, "o1"))
    floor.send(AgentDialedOut(3, "bilal", "o2", "sales"))
    assert floor.state("bilal") is AgentState.ON_CALL


@pytest.mark.parametrize("state", ["break", "on_call", "ringing", "logged_out"])
def test_an_agent_on_break_busy_or_away_cannot_dial_out_and_nothing_changes(state):
    floor = Floor()
    floor.ready("bilal")
    if state == "on_call":
        floor.send(AgentDialedOut(1, "bilal", "o0", "sales"))
    elif state == "ringing":
        floor.arrive("c1", at=1)
    elif state == "break":
        from switchboard.core.routing import AgentWentOnBreak

        floor.send(AgentWentOnBreak(1, "bilal", "lunch"))
    else:
        from switchboard.core.routing import AgentLoggedOut

        floor.send(AgentLoggedOut(1, "bilal"))
    before = floor.router.snapshot()
    with pytest.raises(ImpossibleEvent):
        floor.send(AgentDialedOut(2, "bilal", "o1", "sales"))
    assert floor.router.snapshot() == before


def test_dialing_out_under_an_unknown_queue_is_refused():
    floor = Floor()
    floor.ready("bilal")
    with pytest.raises(UnknownQueue):
        floor.send(AgentDialedOut(1, "bilal", "o1", "nowhere"))
    assert floor.state("bilal") is AgentState.AVAILABLE


def test_outbound_calls_do_not_count_as_offered_or_answered_in_the_queue():
    floor = Floor()
    floor.ready("bilal")
    floor.send(AgentDialedOut(1, "bilal", "o1", "sales"))
    floor.send(CallCompleted(9, "o1"))
    stats = floor.router.queue_stats("sales")
    assert (stats.offered, stats.answered, stats.abandoned) == (0, 0, 0)


def test_a_snapshot_taken_during_an_outbound_call_restores_it():
    floor = Floor()
    floor.ready("bilal")
    floor.send(AgentDialedOut(1, "bilal", "o1", "sales"))
    restored = Router.restore(floor.config, floor.router.snapshot())
    restored.handle(CallCompleted(5, "o1"))
    assert restored.agent("bilal").state is AgentState.WRAP_UP
