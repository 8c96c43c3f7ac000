"""Pools: the indexes that make routing cheap.

A pool is one way of matching calls to agents: a skill requirement plus the
strategy that ranks agents (plus the queue, for round robin, whose turns are
per queue). It holds two things, and never both at once:
- `available`: the available agents who meet the requirement, in a list
  sorted by the strategy's key, so the best agent for a call is `available[0]`;
- `waiting`: a heap of the calls that need exactly this requirement, ordered
  by aged priority, then arrival, so the next call is `waiting[0]`.

A call arriving looks at one pool; an agent becoming free looks at the few
pools whose requirement they meet. Nothing scans all agents or all calls.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from typing import TYPE_CHECKING, Any

from .config import Requirement, Strategy
from .model import CallState
from .strategies import rank

if TYPE_CHECKING:
    from .model import Agent, WorkItem

PoolKey = tuple[Requirement, Strategy, Any]


class Pool:
    """Available agents (sorted by strategy) or waiting calls (a heap) for one requirement."""

    __slots__ = ("key", "requirement", "strategy", "available", "waiting", "turn", "stale")

    def __init__(self, key: PoolKey) -> None:
        self.key = key
        self.requirement, self.strategy, _ = key
        self.available: list[tuple] = []  # (k1, k2, agent seq, Agent), sorted
        self.waiting: list[tuple] = []  # (aged priority, arrived, seq, token, WorkItem), heap
        self.turn = 0  # round-robin turns given out
        self.stale = 0  # heap entries of calls that left

    def top(self) -> WorkItem | None:
        """The next waiting call, dropping entries of calls that already left."""
        waiting = self.waiting
        while waiting:
            entry = waiting[0]
            if entry[3] == entry[4].token:
                return entry[4]
            heapq.heappop(waiting)
            self.stale -= 1
        return None


def qualifies(skills: dict[str, int], req: Requirement) -> bool:
    """Whether an agent with these skills meets every minimum level of the requirement."""
    return all(skills.get(skill, 0) >= level for skill, level in req)


class Index:
    """All pools, and which agents belong to which. The router's only lookup structure."""

    def __init__(self, aging_per_s: float) -> None:
        self.aging_per_s = aging_per_s
        self.pools: dict[PoolKey, Pool] = {}
        self._by_first_skill: dict[str, list[Pool]] = {}
        self._unskilled: list[Pool] = []
        self._agents_by_skill: dict[str, dict[str, Agent]] = {}
        self._agents: dict[str, Agent] = {}
        self._tokens = 0

    # -- pools and membership ------------------------------------------------

    def pool(self, req: Requirement, strategy: Strategy, queue: str) -> Pool:
        """The pool for a requirement and strategy, created (and filled) on first use."""
        key = (req, strategy, queue if strategy is Strategy.ROUND_ROBIN else None)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = Pool(key)
            if req:
                self._by_first_skill.setdefault(req[0][0], []).append(pool)
                members = self._agents_by_skill.get(req[0][0], {}).values()
            else:
                self._unskilled.append(pool)
                members = self._agents.values()
            for agent in members:
                if qualifies(agent.skills, req):
                    agent.pools.append(pool)
                    if agent.entries is not None:
                        entry = (*rank(agent, pool), agent.seq, agent)
                        agent.entries.append(entry)
                        insort(pool.available, entry)
        return pool

    def attach(self, agent: Agent) -> None:
        """Register an agent (again, after a change of skills) and find their pools."""
        self.detach(agent)
        self._agents[agent.id] = agent
        for skill in agent.skills:
            self._agents_by_skill.setdefault(skill, {})[agent.id] = agent
        pools = list(self._unskilled)
        for skill in agent.skills:
            for pool in self._by_first_skill.get(skill, ()):
                if qualifies(agent.skills, pool.requirement):
                    pools.append(pool)
        agent.pools = pools

    def detach(self, agent: Agent) -> None:
        """Forget an agent's pool memberships (they must not be available)."""
        assert agent.entries is None
        for skill in agent.skills:
            self._agents_by_skill.get(skill, {}).pop(agent.id, None)
        self._agents.pop(agent.id, None)
        agent.pools = []

    # -- agents ----------------------------------------------------------------

    def add_available(self, agent: Agent) -> None:
        """Put an available agent into each of their pools at their strategy's rank."""
        entries = []
        for pool in agent.pools:
            entry = (*rank(agent, pool), agent.seq, agent)
            entries.append(entry)
            insort(pool.available, entry)
        agent.entries = entries

    def remove_available(self, agent: Agent) -> None:
        """Take an agent out of every pool's available list."""
        for pool, entry in zip(agent.pools, agent.entries or (), strict=True):
            available = pool.available
            del available[bisect_left(available, entry)]
        agent.entries = None

    def pick_agent(self, item: WorkItem) -> Agent | None:
        """The best available agent for the call under its queue's strategy, or None."""
        available = item.pool.available
        return available[0][3] if available else None

    # -- calls -----------------------------------------------------------------

    def push_waiting(self, item: WorkItem) -> None:
        """Put a waiting call into its pool's heap at its place (aged priority, arrival)."""
        self._tokens += 1
        item.token = self._tokens
        aged = item.arrived_at * self.aging_per_s - item.priority
        heapq.heappush(item.pool.waiting, (aged, item.arrived_at, item.seq, item.token, item))

    def drop_waiting(self, item: WorkItem) -> None:
        """Take a call out of its pool's heap (lazily: its entry goes stale)."""
        item.token = 0
        pool = item.pool
        pool.stale += 1
        if pool.stale > 64 and pool.stale * 2 > len(pool.waiting):
            pool.waiting = [entry for entry in pool.waiting if entry[3] == entry[4].token]
            heapq.heapify(pool.waiting)
            pool.stale = 0

    def pick_item(self, agent: Agent) -> WorkItem | None:
        """The waiting call the agent should take next, across all their pools, or None."""
        best = None
        best_entry = None
        for pool in agent.pools:
            if pool.waiting and pool.top() is not None:
                entry = pool.waiting[0]
                if best_entry is None or entry < best_entry:
                    best, best_entry = pool, entry
        return None if best is None else best_entry[4]

    def note_offer(self, item: WorkItem, agent: Agent) -> None:
        """Record the round-robin turn the agent took from the call's pool."""
        pool = item.pool
        if pool.strategy is Strategy.ROUND_ROBIN:
            pool.turn += 1
            agent.rr_last[pool.key] = pool.turn

    def is_waiting(self, item: WorkItem) -> bool:
        """Whether the call sits in its pool's heap."""
        return item.state is CallState.WAITING and item.token != 0
