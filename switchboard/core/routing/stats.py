"""Running statistics, kept as events pass so that reading them costs nothing per event.

Counters reset on DayStarted. "Offered" is the call-center meaning: calls
that entered the queue (arrived or overflowed in), not offers to agents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import AgentState


class QueueCounters:
    """Mutable per-queue counters and the calls waiting there. Internal: read QueueStats."""

    __slots__ = (
        "offered",
        "answered",
        "answered_in_target",
        "abandoned",
        "expired",
        "overflowed_in",
        "overflowed_out",
        "wait_total",
        "waiting",
    )

    def __init__(self) -> None:
        self.offered = 0
        self.answered = 0
        self.answered_in_target = 0
        self.abandoned = 0
        self.expired = 0
        self.overflowed_in = 0
        self.overflowed_out = 0
        self.wait_total = 0.0  # seconds waited by answered calls, for the ASA
        self.waiting: dict[str, float] = {}  # call id -> arrived_at, while waiting here

    def reset(self) -> None:
        """Start a new day; calls still waiting stay."""
        waiting = self.waiting
        self.__init__()  # type: ignore[misc]
        self.waiting = waiting

    COUNTERS = (
        "offered",
        "answered",
        "answered_in_target",
        "abandoned",
        "expired",
        "overflowed_in",
        "overflowed_out",
        "wait_total",
    )


@dataclass(frozen=True, slots=True)
class QueueStats:
    """One queue's figures at a moment."""

    queue: str
    waiting: int
    longest_wait_s: float
    offered: int
    answered: int
    answered_in_target: int
    abandoned: int
    expired: int
    overflowed_in: int
    overflowed_out: int
    average_speed_of_answer_s: float

    @property
    def service_level(self) -> float | None:
        """Share of answered calls answered within the target, None before any answer."""
        return self.answered_in_target / self.answered if self.answered else None


def queue_stats(queue: str, counters: QueueCounters, now: float) -> QueueStats:
    """Freeze a queue's counters into QueueStats as of `now`."""
    waiting = counters.waiting
    return QueueStats(
        queue=queue,
        waiting=len(waiting),
        longest_wait_s=now - min(waiting.values()) if waiting else 0.0,
        offered=counters.offered,
        answered=counters.answered,
        answered_in_target=counters.answered_in_target,
        abandoned=counters.abandoned,
        expired=counters.expired,
        overflowed_in=counters.overflowed_in,
        overflowed_out=counters.overflowed_out,
        average_speed_of_answer_s=counters.wait_total / counters.answered
        if counters.answered
        else 0.0,
    )


@dataclass(frozen=True, slots=True)
class AgentStats:
    """Seconds an agent spent in each state today, the current state counted up to now."""

    agent: str
    seconds: Mapping[AgentState, float]

    @property
    def occupancy(self) -> float | None:
        """Share of logged-in, non-break time spent on calls and wrap-up."""
        busy = (
            self.seconds[AgentState.ON_CALL]
            + self.seconds[AgentState.WRAP_UP]
            + self.seconds[AgentState.RESERVED]
        )
        staffed = busy + self.seconds[AgentState.AVAILABLE]
        return busy / staffed if staffed else None
