"""What happens to a call after the offer: misses, hang-ups, overflow, expiry, callbacks."""

from switchboard.core.routing import (
    AgentLoggedOut,
    AgentWentReady,
    CallbackRequested,
    CallbackScheduled,
    CallEnded,
    CallerHungUp,
    CallOffered,
    CallOverflowed,
    CarePolicy,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    OfferWithdrawn,
    Outcome,
    OverflowRule,
    QueueConfig,
    Reason,
    Tick,
)
from switchboard.core.routing.model import AgentState, CallState

from .floor import Floor

MISSES = CarePolicy(max_talk_s=None, cool_down_s=None, max_missed_offers=2)


def test_ring_no_answer_makes_the_agent_not_ready_and_offers_the_call_to_the_next_agent():
    floor = Floor()
    floor.ready("bilal", "dipa")
    floor.arrive("c1", at=1)
    floor.send(OfferTimedOut(16, "c1", "bilal"))
    assert floor.router.agent("bilal").state is AgentState.BREAK
    assert floor.router.agent("bilal").reason == Reason.RING_NO_ANSWER
    assert floor.offers() == [("c1", "dipa")]


def test_a_call_that_rang_unanswered_goes_back_to_its_old_place_in_line():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.arrive("c2", at=2)
    floor.send(OfferTimedOut(16, "c1", "bilal"))
    floor.ready("dipa", at=17)
    assert floor.offers() == [("c1", "dipa")]


def test_a_rejected_call_goes_to_another_free_agent_first():
    floor = Floor(care=MISSES)
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.ready("dipa", at=2)
    floor.send(OfferRejected(3, "c1", "bilal"))
    assert floor.offers() == [("c1", "dipa")]
    assert floor.state("bilal") is AgentState.AVAILABLE


def test_after_two_missed_offers_in_a_row_the_agent_goes_not_ready():
    floor = Floor(care=MISSES)
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferRejected(2, "c1", "bilal"))
    assert floor.offers() == [("c1", "bilal")]  # nobody else: it comes back to bilal
    floor.send(OfferRejected(3, "c1", "bilal"))
    assert floor.router.agent("bilal").reason == Reason.MISSED_OFFERS
    assert floor.router.call("c1").state is CallState.WAITING


def test_an_answered_offer_resets_the_missed_offer_count():
    floor = Floor(care=MISSES)
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferRejected(2, "c1", "bilal"))
    floor.send(OfferAccepted(3, "c1", "bilal"))
    assert floor.router.agent("bilal").missed_in_row == 0


def test_a_caller_hanging_up_while_waiting_is_counted_abandoned():
    floor = Floor()
    floor.arrive("c1", at=1)
    floor.send(CallerHungUp(30, "c1"))
    assert floor.out == [CallEnded(30, "c1", "sales", Outcome.ABANDONED)]
    stats = floor.router.queue_stats("sales")
    assert (stats.waiting, stats.abandoned) == (0, 1)


def test_a_caller_hanging_up_while_ringing_withdraws_the_offer_and_frees_the_agent():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(CallerHungUp(3, "c1"))
    assert OfferWithdrawn(3, "c1", "bilal") in floor.out
    assert floor.state("bilal") is AgentState.AVAILABLE


def test_logging_out_while_ringing_puts_the_call_back_in_line():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.ready("dipa", at=2)
    floor.send(AgentLoggedOut(3, "bilal"))
    assert floor.offers() == [("c1", "dipa")]
    assert floor.state("bilal") is AgentState.LOGGED_OUT


def test_overflow_widens_the_skills_a_call_needs_after_its_delay():
    queue = QueueConfig(
        "sales",
        skills={"sales": 7},
        overflow=(OverflowRule(after_s=30, widen_to={"sales": 3}),),
    )
    floor = Floor(queue)
    floor.ready("bilal")
    floor.arrive("c1", at=0)
    assert floor.offers() == []
    floor.send(Tick(29))
    assert floor.offers() == []
    floor.send(Tick(31))
    assert CallOverflowed(30, "c1", "sales", "sales", True) in floor.out
    assert floor.offers() == [("c1", "bilal")]


def test_overflow_moves_a_call_to_another_queue_where_it_keeps_its_arrival_time():
    sales = QueueConfig("sales", skills={"sales": 9}, overflow=(OverflowRule(60, move_to="any"),))
    anyone = QueueConfig("any", skills={})
    floor = Floor(sales, anyone)
    floor.arrive("c1", "sales", at=0)
    floor.arrive("c2", "any", at=30)
    floor.send(Tick(60))
    assert CallOverflowed(60, "c1", "sales", "any", False) in floor.out
    floor.ready("chandra", at=61)
    assert floor.offers() == [("c1", "chandra")]
    assert floor.router.queue_stats("sales").overflowed_out == 1
    assert floor.router.queue_stats("any").overflowed_in == 1


def test_a_call_that_waits_the_queues_maximum_ends_expired():
    floor = Floor(QueueConfig("sales", skills={"sales": 1}, max_wait_s=120))
    floor.arrive("c1", at=0)
    floor.send(Tick(500))
    assert floor.out == [CallEnded(120, "c1", "sales", Outcome.EXPIRED)]
    assert floor.router.queue_stats("sales").expired == 1


def test_a_callback_keeps_its_place_in_line_and_never_expires():
    floor = Floor(QueueConfig("sales", skills={"sales": 1}, max_wait_s=120))
    floor.arrive("c1", at=0)
    floor.send(CallbackRequested(10, "c1"))
    assert floor.out == [CallbackScheduled(10, "c1", "sales")]
    floor.arrive("c2", at=20)
    floor.send(Tick(130))
    assert floor.router.call("c1").state is CallState.WAITING
    floor.ready("bilal", at=500)
    assert floor.offers() == [("c1", "bilal")]
    assert [d.callback for d in floor.out if isinstance(d, CallOffered)] == [True]


def test_a_ringing_call_does_not_overflow_or_expire():
    floor = Floor(QueueConfig("sales", skills={"sales": 1}, max_wait_s=60))
    floor.ready("bilal")
    floor.arrive("c1", at=0)
    floor.send(Tick(100))
    assert floor.router.call("c1").state is CallState.OFFERED


def test_an_agent_made_not_ready_can_come_back_when_they_choose():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", at=1)
    floor.send(OfferTimedOut(16, "c1", "bilal"))
    floor.send(AgentWentReady(20, "bilal"))
    assert floor.offers() == [("c1", "bilal")]
