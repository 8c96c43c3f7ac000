"""The router's moving parts: state changes of agents and calls, offers, timers.

Router (router.py) validates each event, then calls these transitions. Every
transition appends what it did to `self._out`; none validates, none raises.
"""

from __future__ import annotations

import math

from .config import CarePolicy, QueueConfig, RouterConfig, merge, requirement
from .decisions import (
    AgentStateChanged,
    CallEnded,
    CallOffered,
    CallOverflowed,
    CallQueued,
    CallRequeued,
    Decision,
)
from .model import Agent, AgentState, CallState, Outcome, Reason, WorkItem
from .pools import Index
from .stats import QueueCounters
from .timers import AGENT, Timers

_BUSY = (AgentState.ON_CALL, AgentState.WRAP_UP, AgentState.RESERVED)
_OFF = (AgentState.BREAK, AgentState.LOGGED_OUT)


class Flow:
    """State and transitions shared by Router; see Router for the public API."""

    index_class = Index

    def __init__(self, config: RouterConfig) -> None:
        self.config = config
        self._queues: dict[str, QueueConfig] = {queue.id: queue for queue in config.queues}
        self._counters = {queue.id: QueueCounters() for queue in config.queues}
        self._agents: dict[str, Agent] = {}
        self._calls: dict[str, WorkItem] = {}
        self._index = self.index_class(config.aging_per_s)
        self._timers = Timers()
        self._now = -math.inf
        self._seq = 0
        self._out: list[Decision] = []
        for queue in config.queues:
            # pools exist before agents log in, so logins find them without a rescan
            self._index.pool(queue.requirement, queue.strategy, queue.id)
            for rule in queue.overflow:
                if rule.widen_to is not None:
                    self._index.pool(requirement(rule.widen_to), queue.strategy, queue.id)

    # -- agents ----------------------------------------------------------------

    def _care(self, agent: Agent) -> CarePolicy:
        return agent.care or self.config.care

    def _settle(self, agent: Agent) -> None:
        """Count the time spent in the current state up to now (safe to call twice)."""
        now = self._now
        state = agent.state
        elapsed = now - agent.counted
        agent.counted = now
        agent.time_in_state[state] += elapsed
        if state in _BUSY:
            agent.busy_today += elapsed
            if state is AgentState.ON_CALL:
                agent.talk_since_break += elapsed
        elif state in _OFF:
            # a break long enough clears the talk time and any pending cool-down
            care = self._care(agent)
            rested = now - agent.since
            if rested >= care.micro_break_s:
                agent.talk_since_break = 0.0
            if care.cool_down_s is None or rested >= care.cool_down_s:
                agent.difficult = False

    def _set_state(
        self, agent: Agent, state: AgentState, reason: str | None = None, until: float | None = None
    ) -> None:
        now = self._now
        self._settle(agent)
        if agent.avail_token:
            self._index.remove_available(agent)
        agent.state = state
        agent.reason = reason
        agent.since = agent.counted = now
        agent.until = until
        agent.timer_token += 1
        if until is not None:
            self._timers.add(until, AGENT, agent.id, agent.timer_token)
        self._out.append(AgentStateChanged(now, agent.id, state, reason, until))

    def _become_available(self, agent: Agent) -> None:
        """Make the agent available, unless care imposes a break first; offer the next call."""
        care = self._care(agent)
        now = self._now
        self._settle(agent)
        if agent.difficult and care.cool_down_s:
            agent.difficult = False
            self._set_state(agent, AgentState.BREAK, Reason.COOL_DOWN, now + care.cool_down_s)
            return
        if care.max_talk_s is not None and agent.talk_since_break >= care.max_talk_s:
            self._set_state(agent, AgentState.BREAK, Reason.MICRO_BREAK, now + care.micro_break_s)
            return
        self._set_state(agent, AgentState.AVAILABLE)
        agent.available_since = now
        item = self._index.pick_item(agent)
        if item is None:
            self._index.add_available(agent)
        else:
            self._index.drop_waiting(item)
            self._offer(item, agent)

    def _release(self, agent: Agent) -> WorkItem:
        """Free the agent from the call ringing on their phone; return that call."""
        item = self._calls[agent.call]  # type: ignore[index]
        agent.call = None
        item.agent = None
        return item

    # -- calls -----------------------------------------------------------------

    def _offer(self, item: WorkItem, agent: Agent) -> None:
        """Ring the agent with the call (the call is already out of its pool's heap)."""
        item.state = CallState.OFFERED
        item.agent = agent.id
        item.timer_token += 1  # no overflow or expiry while it rings
        agent.call = item.id
        self._counters[item.queue].waiting.pop(item.id, None)
        self._index.note_offer(item, agent)
        self._out.append(CallOffered(self._now, item.id, agent.id, item.queue, item.callback))
        self._set_state(agent, AgentState.RESERVED)

    def _place(self, item: WorkItem, requeued: bool) -> None:
        """Offer the call to the best available agent, or let it wait in its pool."""
        item.state = CallState.WAITING
        self._counters[item.queue].waiting[item.id] = item.arrived_at
        if requeued:
            self._out.append(CallRequeued(self._now, item.id, item.queue))
        agent = self._index.pick_agent(item)
        if agent is not None:
            self._offer(item, agent)
            return
        self._index.push_waiting(item)
        self._schedule(item)
        if not requeued:
            self._out.append(CallQueued(self._now, item.id, item.queue))

    def _end(self, item: WorkItem, outcome: Outcome) -> None:
        counters = self._counters[item.queue]
        if item.state is CallState.WAITING:
            self._index.drop_waiting(item)
            counters.waiting.pop(item.id, None)
        if outcome is Outcome.ABANDONED:
            counters.abandoned += 1
        elif outcome is Outcome.EXPIRED:
            counters.expired += 1
        item.timer_token += 1
        del self._calls[item.id]
        self._index.forget(item)
        self._out.append(CallEnded(self._now, item.id, item.queue, outcome))

    def _complete(self, item: WorkItem, difficult: bool) -> None:
        agent = self._agents[item.agent]  # type: ignore[index]
        agent.call = None
        agent.difficult = difficult
        self._end(item, Outcome.COMPLETED)
        wrap_up_s = self._queues[item.queue].wrap_up_s
        if wrap_up_s == 0:
            self._become_available(agent)
        else:
            until = None if wrap_up_s is None else self._now + wrap_up_s
            self._set_state(agent, AgentState.WRAP_UP, until=until)

    # -- timers ----------------------------------------------------------------

    def _schedule(self, item: WorkItem) -> None:
        """(Re)schedule the waiting call's next overflow rule and its maximum wait."""
        item.timer_token += 1
        queue = self._queues[item.queue]
        if item.step < len(queue.overflow):
            deadline = item.enqueued_at + queue.overflow[item.step].after_s
            self._timers.add(deadline, 1, item.id, item.timer_token)
        if queue.max_wait_s is not None and not item.callback:
            self._timers.add(item.enqueued_at + queue.max_wait_s, 1, item.id, item.timer_token)

    def _fire(self, kind: int, ref: str, token: int) -> None:
        if kind == AGENT:
            agent = self._agents.get(ref)
            if agent is not None and agent.timer_token == token:
                self._become_available(agent)
            return
        item = self._calls.get(ref)
        if item is None or item.timer_token != token or item.state is not CallState.WAITING:
            return
        queue = self._queues[item.queue]
        waited = self._now - item.enqueued_at
        if queue.max_wait_s is not None and not item.callback and waited >= queue.max_wait_s:
            self._end(item, Outcome.EXPIRED)
        elif item.step < len(queue.overflow) and waited >= queue.overflow[item.step].after_s:
            self._overflow(item, queue)

    def _overflow(self, item: WorkItem, queue: QueueConfig) -> None:
        rule = queue.overflow[item.step]
        if rule.widen_to is not None:
            self._index.drop_waiting(item)
            item.step += 1
            item.requirement = merge(requirement(rule.widen_to), item.extra)
            item.pool = self._index.pool(item.requirement, queue.strategy, queue.id)
            self._out.append(CallOverflowed(self._now, item.id, queue.id, queue.id, True))
            self._place(item, requeued=False)
        else:
            self._move(item, self._queues[rule.move_to])  # type: ignore[index]

    def _move(self, item: WorkItem, target: QueueConfig) -> None:
        """Take a waiting call to another queue (overflow, or a supervisor's move)."""
        self._index.drop_waiting(item)
        old = self._counters[item.queue]
        old.waiting.pop(item.id, None)
        old.overflowed_out += 1
        new = self._counters[target.id]
        new.offered += 1
        new.overflowed_in += 1
        source = item.queue
        item.queue = target.id
        item.step = 0
        item.enqueued_at = self._now
        item.priority = target.priority + item.own_priority
        item.requirement = merge(target.requirement, item.extra)
        item.pool = self._index.pool(item.requirement, target.strategy, target.id)
        self._out.append(CallOverflowed(self._now, item.id, source, target.id, False))
        self._place(item, requeued=False)
