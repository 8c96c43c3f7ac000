"""The router's alarm clock: deadlines that fire when a Tick passes them.

An entry is (deadline, seq, kind, id, token). Entries are never removed; an
entry whose token no longer matches its agent's or call's is simply skipped,
which keeps rescheduling O(log n).
"""

from __future__ import annotations

import heapq

AGENT = 0  # wrap-up end, end of a care break
CALL = 1  # the call's next overflow rule or its maximum wait

TimerEntry = tuple[float, int, int, str, int]


class Timers:
    """A heap of deadlines with a stable order for equal times (insertion order)."""

    __slots__ = ("heap", "seq")

    def __init__(self) -> None:
        self.heap: list[TimerEntry] = []
        self.seq = 0

    def add(self, deadline: float, kind: int, ref: str, token: int) -> None:
        """Schedule a deadline for an agent (AGENT) or a call (CALL)."""
        self.seq += 1
        heapq.heappush(self.heap, (deadline, self.seq, kind, ref, token))

    def next_deadline(self) -> float | None:
        """The earliest scheduled deadline (possibly a stale one), or None."""
        return self.heap[0][0] if self.heap else None

    def pop_due(self, now: float) -> TimerEntry | None:
        """The earliest entry due at or before `now`, removed from the heap, or None."""
        if self.heap and self.heap[0][0] <= now:
            return heapq.heappop(self.heap)
        return None
