"""The baseline the benchmark compares against: a router that scans instead of indexing.

It makes the same decisions as Router (same ranks, same tie-breaks) but finds
them the obvious way: every agent is scanned for each call to place, every
waiting call for each agent who frees up.
"""

from __future__ import annotations

from switchboard.core.routing import Router
from switchboard.core.routing.model import Agent, WorkItem
from switchboard.core.routing.pools import Index, qualifies
from switchboard.core.routing.strategies import rank


class NaiveIndex(Index):
    """Index with the same interface and no per-skill structure: full scans."""

    def __init__(self, aging_per_s: float) -> None:
        super().__init__(aging_per_s)
        self.waiting: dict[str, tuple] = {}

    def add_available(self, agent: Agent) -> None:
        agent.avail_token = 1  # marks the agent available; no heaps to keep

    def remove_available(self, agent: Agent) -> None:
        agent.avail_token = 0

    def pick_agent(self, item: WorkItem) -> Agent | None:
        best, best_key = None, None
        for agent in self._agents.values():
            if agent.avail_token and qualifies(agent.skills, item.requirement):
                key = (*rank(agent, item.pool), agent.seq)
                if best_key is None or key < best_key:
                    best, best_key = agent, key
        return best

    def push_waiting(self, item: WorkItem) -> None:
        self._tokens += 1
        item.token = self._tokens
        aged = item.arrived_at * self.aging_per_s - item.priority
        self.waiting[item.id] = (aged, item.arrived_at, item.seq, item)

    def drop_waiting(self, item: WorkItem) -> None:
        item.token = 0
        self.waiting.pop(item.id, None)

    def pick_item(self, agent: Agent) -> WorkItem | None:
        best = None
        for entry in self.waiting.values():
            if (best is None or entry[:3] < best[:3]) and qualifies(
                agent.skills, entry[3].requirement
            ):
                best = entry
        return None if best is None else best[3]


class NaiveRouter(Router):
    """Router on the naive index."""

    index_class = NaiveIndex
