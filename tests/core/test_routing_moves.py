"""A supervisor moves a waiting call to another queue."""

import pytest

from switchboard.core.routing import (
    CallMoved,
    CallOverflowed,
    ImpossibleEvent,
    UnknownQueue,
)

from .floor import Floor


def test_a_moved_call_is_offered_to_an_agent_of_the_new_queue():
    floor = Floor()
    floor.ready("chandra")
    floor.arrive("c1", "sales", at=1)
    floor.send(CallMoved(5, "c1", "billing"))
    assert CallOverflowed(5, "c1", "sales", "billing", False) in floor.out
    assert floor.offers() == [("c1", "chandra")]
    assert floor.router.queue_stats("sales").waiting == 0
    assert floor.router.queue_stats("billing").overflowed_in == 1


def test_a_moved_call_waits_in_the_new_queue_when_nobody_there_is_free():
    floor = Floor()
    floor.arrive("c1", "sales", at=1)
    floor.send(CallMoved(5, "c1", "billing"))
    assert floor.router.call("c1").queue == "billing"
    assert floor.router.queue_stats("billing").waiting == 1


def test_a_ringing_call_cannot_be_moved_and_nothing_changes():
    floor = Floor()
    floor.ready("bilal")
    floor.arrive("c1", "sales", at=1)
    with pytest.raises(ImpossibleEvent):
        floor.send(CallMoved(2, "c1", "billing"))
    with pytest.raises(UnknownQueue):
        floor.send(CallMoved(2, "c1", "nowhere"))
    assert floor.router.call("c1").queue == "sales"
