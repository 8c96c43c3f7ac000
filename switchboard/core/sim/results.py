"""What a simulation produced: per queue and interval, per queue over the run, per agent.

Calls are counted in the interval they arrived in, and in the queue they
arrived at (an overflowed call stays with its first queue). The service
level is the Erlang A one: calls answered within the target over all calls
that ended (answered, abandoned or expired), so an abandon counts as a miss;
with patient callers it is the usual answered-within-target share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


class Tally:
    """Running counters for one queue, one slot per interval. Internal to the engine."""

    __slots__ = (
        "offered",
        "answered",
        "in_target",
        "abandoned",
        "expired",
        "waited",
        "wait_sum",
        "handled",
        "handle_sum",
        "longest",
    )

    def __init__(self, intervals: int) -> None:
        for name in self.__slots__:
            zero = 0.0 if name in ("wait_sum", "handle_sum", "longest") else 0
            setattr(self, name, [zero] * intervals)


@dataclass(frozen=True, slots=True)
class QueueInterval:
    """One queue's figures for one interval (or, with interval None, for the whole run).

    `waited`: calls that found no agent free and queued (P(wait) = waited / offered);
    `occupancy`: busy share of the staffed time of the agents who have the
    queue's skills (busy = ringing, talking, wrap-up; staffed = busy + available).
    """

    queue: str
    interval: int | None
    start_s: float
    offered: int
    answered: int
    abandoned: int
    expired: int
    waited: int
    answered_in_target: int
    service_level: float | None
    asa_s: float | None
    aht_s: float | None
    occupancy: float | None
    longest_wait_s: float

    @property
    def prob_wait(self) -> float | None:
        """Share of offered calls that had to queue."""
        return self.waited / self.offered if self.offered else None

    @property
    def abandon_rate(self) -> float | None:
        """Share of offered calls whose caller hung up before an answer."""
        return self.abandoned / self.offered if self.offered else None


@dataclass(frozen=True, slots=True)
class AgentResult:
    """One agent over the run: staffed and busy seconds within the intervals, calls answered."""

    agent: str
    staffed_s: float
    busy_s: float
    answered: int

    @property
    def occupancy(self) -> float | None:
        """Busy share of staffed time."""
        return self.busy_s / self.staffed_s if self.staffed_s else None


@dataclass(frozen=True, slots=True)
class Results:
    """Everything one run measured. `to_dict()` is JSON-ready."""

    name: str
    seed: int
    interval_s: float
    start_clock_s: float
    intervals: dict[str, list[QueueInterval]]
    totals: dict[str, QueueInterval]
    agents: list[AgentResult]
    calls: int
    unfinished: int
    events: int

    def to_dict(self) -> dict:
        """Plain data for JSON, with the derived shares filled in."""

        def row(r: QueueInterval) -> dict:
            data = asdict(r)
            data["prob_wait"] = r.prob_wait
            data["abandon_rate"] = r.abandon_rate
            return data

        return {
            "name": self.name,
            "seed": self.seed,
            "interval_s": self.interval_s,
            "start_clock_s": self.start_clock_s,
            "calls": self.calls,
            "unfinished": self.unfinished,
            "router_events": self.events,
            "queues": {
                queue: {"totals": row(self.totals[queue]), "intervals": [row(r) for r in rows]}
                for queue, rows in self.intervals.items()
            },
            "agents": [dict(asdict(a), occupancy=a.occupancy) for a in self.agents],
        }


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def summarize(
    queue: str,
    tally: Tally,
    interval: int | None,
    start_s: float,
    busy: float,
    staffed: float,
) -> QueueInterval:
    """Freeze one interval's counters (or, with interval None, all of them) into a row."""
    if interval is None:
        take = sum
        longest = max(tally.longest, default=0.0)
    else:

        def take(values):
            return values[interval]

        longest = tally.longest[interval]
    answered = take(tally.answered)
    abandoned = take(tally.abandoned)
    expired = take(tally.expired)
    return QueueInterval(
        queue=queue,
        interval=interval,
        start_s=start_s,
        offered=take(tally.offered),
        answered=answered,
        abandoned=abandoned,
        expired=expired,
        waited=take(tally.waited),
        answered_in_target=take(tally.in_target),
        service_level=_ratio(take(tally.in_target), answered + abandoned + expired),
        asa_s=_ratio(take(tally.wait_sum), answered),
        aht_s=_ratio(take(tally.handle_sum), take(tally.handled)),
        occupancy=_ratio(busy, staffed),
        longest_wait_s=longest,
    )
