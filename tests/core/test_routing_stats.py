"""Running statistics, and the snapshot that rebuilds the whole router."""

import json

from switchboard.core.routing import (
    AgentState,
    CallCompleted,
    CallerHungUp,
    DayStarted,
    OfferAccepted,
    Router,
    Tick,
)

from .floor import Floor


def test_queue_stats_count_offered_answered_abandoned_and_within_target():
    floor = Floor()
    floor.arrive("quick", at=0)
    floor.arrive("slow", at=0)
    floor.arrive("gone", at=0)
    floor.ready("bilal", at=10)
    floor.send(OfferAccepted(12, "quick", "bilal"))  # 12 s <= 20 s target
    floor.ready("dipa", at=40)
    floor.send(OfferAccepted(41, "slow", "dipa"))  # 41 s: outside target
    floor.send(Tick(50))
    stats = floor.router.queue_stats("sales")
    assert (stats.waiting, stats.longest_wait_s) == (1, 50)
    floor.send(CallerHungUp(60, "gone"))
    stats = floor.router.queue_stats("sales")
    assert (stats.offered, stats.answered, stats.answered_in_target) == (3, 2, 1)
    assert (stats.abandoned, stats.waiting, stats.longest_wait_s) == (1, 0, 0)
    assert stats.service_level == 0.5
    assert stats.average_speed_of_answer_s == (12 + 41) / 2


def test_agent_stats_count_the_time_spent_in_each_state():
    floor = Floor()
    floor.ready("bilal", at=0)
    floor.arrive("c1", at=10)
    floor.send(OfferAccepted(12, "c1", "bilal"))
    floor.send(CallCompleted(100, "c1"))
    floor.send(Tick(200))
    seconds = floor.router.agent_stats("bilal").seconds
    assert seconds[AgentState.AVAILABLE] == 10 + 70
    assert seconds[AgentState.RESERVED] == 2
    assert seconds[AgentState.ON_CALL] == 88
    assert seconds[AgentState.WRAP_UP] == 30
    assert floor.router.agent_stats("bilal").occupancy == 120 / 200


def test_a_new_day_resets_the_daily_figures_but_keeps_waiting_calls():
    floor = Floor()
    floor.arrive("c1", at=0)
    floor.ready("bilal", at=5)
    floor.arrive("c2", at=6)
    floor.send(DayStarted(100))
    stats = floor.router.queue_stats("sales")
    assert (stats.offered, stats.waiting) == (0, 1)
    assert sum(floor.router.agent_stats("bilal").seconds.values()) == 0


def test_a_snapshot_survives_json_and_restores_to_the_same_state():
    floor = Floor()
    floor.ready("bilal", "chandra")
    floor.arrive("c1", at=1)
    floor.arrive("c2", at=2)
    floor.arrive("c3", "billing", at=3)
    floor.send(OfferAccepted(4, "c1", "bilal"))
    data = json.loads(json.dumps(floor.router.snapshot()))
    restored = Router.restore(floor.config, data)
    assert restored.snapshot() == floor.router.snapshot()
    later = CallCompleted(50, "c1")
    assert restored.handle(later) == floor.router.handle(later)
    assert restored.handle(Tick(100)) == floor.router.handle(Tick(100))
