"""Pools: the indexes that make routing cheap.

A pool is one way of matching calls to agents: a skill requirement plus the
strategy that ranks agents (plus the queue, for round robin, whose turns are
per queue). It holds two things, and never both at once:
- `available`: a heap of the available agents who meet the requirement, keyed
  by the strategy's rank, so the best agent for a call is `available[0]`;
- `waiting`: a heap of the calls that need exactly this requirement, ordered
  by aged priority, then arrival, so the next call is `waiting[0]`.

A call arriving looks at one pool; an agent becoming free looks at the few
pools whose requirement they meet. Nothing scans all agents or all calls.

Both heaps delete lazily: an agent who stops being available, or a call that
leaves, only changes a token; entries whose token no longer matches are
dropped when they reach the top, or all at once when a heap doubles. So an
agent taking a call costs O(1), not one deletion per pool. Entries hold only
numbers (the agent or call is found by its sequence number), so the garbage
collector stops tracking them and never walks the heaps.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from .config import Requirement, Strategy
from .strategies import rank

if TYPE_CHECKING:
    from .model import Agent, WorkItem

PoolKey = tuple[Requirement, Strategy, Any]


class Pool:
    """Available agents and waiting calls (two heaps, never both non-empty) for one requirement."""

    __slots__ = (
        "key",
        "requirement",
        "strategy",
        "kind",
        "available",
        "limit",
        "waiting",
        "turn",
        "stale",
        "_by_seq",
    )

    def __init__(self, key: PoolKey, by_seq: dict[int, Any]) -> None:
        self.key = key
        self.requirement, self.strategy, _ = key
        self.kind = _KINDS[self.strategy]
        self.available: list[tuple] = []  # (k1, k2, agent seq, token), heap
        self.limit = 64  # compact `available` when it grows past this
        self.waiting: list[tuple] = []  # (aged priority, arrived, call seq, token), heap
        self.turn = 0  # round-robin turns given out
        self.stale = 0  # heap entries of calls that left
        self._by_seq = by_seq

    def top(self) -> WorkItem | None:
        """The next waiting call, dropping entries of calls that already left."""
        waiting = self.waiting
        by_seq = self._by_seq
        while waiting:
            entry = waiting[0]
            item = by_seq.get(entry[2])
            if item is not None and item.token == entry[3]:
                return item
            heapq.heappop(waiting)
            self.stale -= 1
        return None

    def best_agent(self) -> Agent | None:
        """The best available agent, dropping entries of agents no longer available."""
        available = self.available
        by_seq = self._by_seq
        while available:
            entry = available[0]
            agent = by_seq[entry[2]]
            if agent.avail_token == entry[3]:
                return agent
            heapq.heappop(available)
        return None

    def push_agent(self, entry: tuple) -> None:
        """Add an available agent's entry (Index.add_available inlines this)."""
        heapq.heappush(self.available, entry)
        if len(self.available) > self.limit:
            self.compact()

    def compact(self) -> None:
        """Drop the stale entries of agents no longer available, once they pile up."""
        by_seq = self._by_seq
        live = [e for e in self.available if by_seq[e[2]].avail_token == e[3]]
        heapq.heapify(live)
        self.available = live
        self.limit = 2 * len(live) + 64


_KINDS = {
    Strategy.LONGEST_IDLE: 0,
    Strategy.LEAST_OCCUPIED: 1,
    Strategy.BEST_SKILL: 2,
    Strategy.ROUND_ROBIN: 3,
}


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
        self._by_seq: dict[int, Any] = {}  # agents and waiting calls by sequence number
        self._tokens = 0

    # -- pools and membership ------------------------------------------------

    def pool(self, req: Requirement, strategy: Strategy, queue: str) -> Pool:
        """The pool for a requirement and strategy, created (and filled) on first use."""
        key = (req, strategy, queue if strategy is Strategy.ROUND_ROBIN else None)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = Pool(key, self._by_seq)
            if req:
                self._by_first_skill.setdefault(req[0][0], []).append(pool)
                members = self._agents_by_skill.get(req[0][0], {}).values()
            else:
                self._unskilled.append(pool)
                members = self._agents.values()
            for agent in members:
                if qualifies(agent.skills, req):
                    self._join(agent, pool)
                    if agent.avail_token:
                        pool.push_agent((*rank(agent, pool), agent.seq, agent.avail_token))
        return pool

    def _join(self, agent: Agent, pool: Pool) -> None:
        static = rank(agent, pool)[0] if pool.kind == 2 else 0
        agent.pools.append((pool, pool.kind, static))

    def attach(self, agent: Agent) -> None:
        """Register an agent (again, after a change of skills) and find their pools."""
        self.detach(agent)
        self._agents[agent.id] = agent
        self._by_seq[agent.seq] = agent
        for skill in agent.skills:
            self._agents_by_skill.setdefault(skill, {})[agent.id] = agent
        for pool in self._unskilled:
            self._join(agent, pool)
        for skill in agent.skills:
            for pool in self._by_first_skill.get(skill, ()):
                if qualifies(agent.skills, pool.requirement):
                    self._join(agent, pool)

    def detach(self, agent: Agent) -> None:
        """Forget an agent's pool memberships (they must not be available)."""
        assert not agent.avail_token
        for skill in agent.skills:
            self._agents_by_skill.get(skill, {}).pop(agent.id, None)
        self._agents.pop(agent.id, None)
        agent.pools = []

    # -- agents ----------------------------------------------------------------

    def add_available(self, agent: Agent) -> None:
        """Put an available agent into each of their pools at their strategy's rank.

        The ranks are strategies.rank(), inlined: this loop is the router's hot path.
        """
        self._tokens += 1
        token = agent.avail_token = self._tokens
        seq = agent.seq
        since = agent.available_since
        push = heapq.heappush
        for pool, kind, static in agent.pools:
            available = pool.available
            if kind == 0:
                push(available, (since, 0.0, seq, token))
            elif kind == 2:
                push(available, (static, since, seq, token))
            elif kind == 1:
                push(available, (agent.busy_today, since, seq, token))
            else:
                push(available, (agent.rr_last.get(pool.key, 0), 0.0, seq, token))
            if len(available) > pool.limit:
                pool.compact()

    def remove_available(self, agent: Agent) -> None:
        """Take an agent out of every pool: O(1), their entries simply go stale."""
        agent.avail_token = 0

    def pick_agent(self, item: WorkItem) -> Agent | None:
        """The best available agent for the call under its queue's strategy, or None."""
        pool = item.pool
        return pool.best_agent() if pool.available else None

    # -- calls -----------------------------------------------------------------

    def push_waiting(self, item: WorkItem) -> None:
        """Put a waiting call into its pool's heap at its place (aged priority, arrival)."""
        self._tokens += 1
        item.token = self._tokens
        self._by_seq[item.seq] = item
        aged = item.arrived_at * self.aging_per_s - item.priority
        heapq.heappush(item.pool.waiting, (aged, item.arrived_at, item.seq, item.token))

    def drop_waiting(self, item: WorkItem) -> None:
        """Take a call out of its pool's heap (lazily: its entry goes stale)."""
        item.token = 0
        pool = item.pool
        pool.stale += 1
        if pool.stale > 64 and pool.stale * 2 > len(pool.waiting):
            by_seq = self._by_seq
            live = [e for e in pool.waiting if getattr(by_seq.get(e[2]), "token", 0) == e[3]]
            heapq.heapify(live)
            pool.waiting = live
            pool.stale = 0

    def forget(self, item: WorkItem) -> None:
        """The call left the router: drop it from the lookup by sequence number."""
        self._by_seq.pop(item.seq, None)

    def pick_item(self, agent: Agent) -> WorkItem | None:
        """The waiting call the agent should take next, across all their pools, or None."""
        best = None
        best_entry = None
        for pool, _, _ in agent.pools:
            if pool.waiting:
                item = pool.top()
                if item is not None:
                    entry = pool.waiting[0]
                    if best_entry is None or entry < best_entry:
                        best, best_entry = item, entry
        return best

    def note_offer(self, item: WorkItem, agent: Agent) -> None:
        """Record the round-robin turn the agent took from the call's pool."""
        pool = item.pool
        if pool.strategy is Strategy.ROUND_ROBIN:
            pool.turn += 1
            agent.rr_last[pool.key] = pool.turn
