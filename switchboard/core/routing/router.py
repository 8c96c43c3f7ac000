"""The router: events in, decisions out.

    router = Router(config)
    decisions = router.handle(CallArrived(at=12.0, call="c1", queue="sales"))

It never does I/O and never reads a clock: time comes with the events, and
timers (wrap-up, overflow, maximum wait, care breaks) fire when a Tick passes
them. An event the router refuses raises a RoutingError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import events as ev
from ._flow import Flow
from .config import RouterConfig, merge, requirement
from .decisions import CallbackScheduled, Decision, OfferWithdrawn
from .errors import (
    CareBreakNotOver,
    ClockWentBackwards,
    DuplicateCall,
    ImpossibleEvent,
    UnknownAgent,
    UnknownCall,
    UnknownQueue,
)
from .model import Agent, AgentInfo, AgentState, CallInfo, CallState, Outcome, Reason, WorkItem
from .stats import AgentStats, QueueStats, queue_stats
from .timers import AGENT


class Router(Flow):
    """A skills-based ACD: queues, agents, strategies, overflow and operator care.

    Drive it with `handle(event)`; read it with `agent`, `call`, `queue_stats`,
    `agent_stats` and `next_deadline`; persist it with `snapshot` and
    `Router.restore`.
    """

    def __init__(self, config: RouterConfig) -> None:
        super().__init__(config)
        self._handlers: dict[type, Callable[[Any], None]] = {
            ev.AgentLoggedIn: self._on_logged_in,
            ev.AgentWentReady: self._on_ready,
            ev.AgentWentOnBreak: self._on_break,
            ev.AgentLoggedOut: self._on_logged_out,
            ev.WrapUpEnded: self._on_wrap_up_ended,
            ev.CallArrived: self._on_call_arrived,
            ev.AgentDialedOut: self._on_dialed_out,
            ev.CallMoved: self._on_call_moved,
            ev.OfferAccepted: self._on_accepted,
            ev.OfferRejected: self._on_rejected,
            ev.OfferTimedOut: self._on_timed_out,
            ev.CallerHungUp: self._on_hung_up,
            ev.CallbackRequested: self._on_callback,
            ev.CallCompleted: self._on_completed,
            ev.Tick: self._on_tick,
            ev.DayStarted: self._on_day_started,
        }

    # -- the one entry point ------------------------------------------------------

    def handle(self, event: ev.Event) -> list[Decision]:
        """Apply one event; return the decisions and facts it produced, in order.

        Raises a RoutingError subclass (UnknownAgent, UnknownCall, UnknownQueue,
        ImpossibleEvent and its kin) without changing anything when the event
        cannot be applied.
        """
        handler = self._handlers.get(type(event))
        if handler is None:
            raise TypeError(f"not a routing event: {event!r}")
        if event.at < self._now:
            raise ClockWentBackwards(f"{event!r} is earlier than {self._now}")
        self._out = []
        handler(event)
        return self._out

    # -- reading ------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The time of the last event handled (-inf before the first)."""
        return self._now

    def next_deadline(self) -> float | None:
        """When the next timer is due: a simulator sends Tick(at=this) to jump there.

        Never earlier than `now`: a timer already overdue (a requeued call whose overflow
        step passed while it rang) is due now, and a Tick cannot go back in time.
        """
        timers = self._timers
        while timers.heap:
            _, _, kind, ref, token = timers.heap[0]
            owner = self._agents.get(ref) if kind == AGENT else self._calls.get(ref)
            if owner is not None and owner.timer_token == token:
                return max(timers.heap[0][0], self._now)
            timers.pop_due(timers.heap[0][0])
        return None

    def agent(self, agent_id: str) -> AgentInfo:
        """A read-only view of the agent; UnknownAgent if never seen."""
        a = self._agent(agent_id)
        return AgentInfo(
            a.id,
            a.state,
            a.reason,
            a.since,
            a.until,
            a.call,
            dict(a.skills),
            a.talk_since_break,
            a.missed_in_row,
        )

    def agents(self) -> list[AgentInfo]:
        """Every agent the router knows, in the order they first logged in."""
        return [self.agent(agent_id) for agent_id in self._agents]

    def call(self, call_id: str) -> CallInfo:
        """A read-only view of a call still in the router; UnknownCall otherwise."""
        i = self._call(call_id)
        return CallInfo(
            i.id,
            i.queue,
            i.state,
            i.agent,
            i.arrived_at,
            i.priority,
            i.requirement,
            i.callback,
            dict(i.attributes),
        )

    def calls(self) -> list[CallInfo]:
        """Every call still in the router, in arrival order."""
        return [self.call(call_id) for call_id in self._calls]

    def queue_stats(self, queue_id: str) -> QueueStats:
        """The queue's running figures as of now; UnknownQueue if not configured."""
        if queue_id not in self._queues:
            raise UnknownQueue(queue_id)
        return queue_stats(queue_id, self._counters[queue_id], self._now)

    def agent_stats(self, agent_id: str) -> AgentStats:
        """Seconds the agent spent in each state today, up to now."""
        a = self._agent(agent_id)
        seconds = dict(a.time_in_state)
        seconds[a.state] += self._now - a.counted
        return AgentStats(a.id, seconds)

    def snapshot(self) -> dict:
        """The whole state as plain JSON-ready data; Router.restore(config, it) rebuilds it."""
        from .snapshot import take

        return take(self)

    @classmethod
    def restore(cls, config: RouterConfig, data: dict) -> Router:
        """A router in exactly the state `snapshot` captured, under the same configuration."""
        from .snapshot import rebuild

        return rebuild(cls, config, data)

    # -- lookups that raise -------------------------------------------------------

    def _agent(self, agent_id: str) -> Agent:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise UnknownAgent(agent_id) from None

    def _call(self, call_id: str) -> WorkItem:
        try:
            return self._calls[call_id]
        except KeyError:
            raise UnknownCall(call_id) from None

    def _offered(self, event: Any) -> tuple[WorkItem, Agent]:
        item = self._call(event.call)
        agent = self._agent(event.agent)
        if item.state is not CallState.OFFERED or item.agent != agent.id:
            raise ImpossibleEvent(f"{event.call!r} is not ringing on {event.agent!r}")
        return item, agent

    # -- agent events: validate everything first, then change ----------------------

    def _on_logged_in(self, event: ev.AgentLoggedIn) -> None:
        agent = self._agents.get(event.agent)
        if agent is None and event.skills is None:
            raise UnknownAgent(f"{event.agent!r} logs in for the first time without skills")
        if agent is not None and agent.state is not AgentState.LOGGED_OUT:
            raise ImpossibleEvent(f"{event.agent!r} is already logged in")
        if event.skills is not None:
            requirement(event.skills)  # validates the levels
        self._now = event.at
        if agent is None:
            self._seq += 1
            agent = self._agents[event.agent] = Agent(event.agent, self._seq, {}, event.at)
        if event.skills is not None:
            self._index.detach(agent)  # under the old skills
            agent.skills = dict(event.skills)
            self._index.attach(agent)
        if event.care is not None:
            agent.care = event.care
        self._set_state(agent, AgentState.BREAK, Reason.LOGGED_IN)

    def _on_ready(self, event: ev.AgentWentReady) -> None:
        agent = self._agent(event.agent)
        if agent.state is AgentState.BREAK:
            enforced = agent.reason in Reason.ENFORCED and agent.until is not None
            if enforced and event.at < agent.until:  # type: ignore[operator]
                raise CareBreakNotOver(f"{event.agent!r} is on {agent.reason} until {agent.until}")
        elif agent.state is not AgentState.WRAP_UP:
            raise ImpossibleEvent(f"{event.agent!r} cannot go ready from {agent.state.value}")
        self._now = event.at
        self._become_available(agent)

    def _on_break(self, event: ev.AgentWentOnBreak) -> None:
        agent = self._agent(event.agent)
        if agent.state not in (AgentState.AVAILABLE, AgentState.WRAP_UP, AgentState.BREAK):
            raise ImpossibleEvent(f"{event.agent!r} cannot take a break from {agent.state.value}")
        self._now = event.at
        self._set_state(agent, AgentState.BREAK, event.reason)

    def _on_logged_out(self, event: ev.AgentLoggedOut) -> None:
        agent = self._agent(event.agent)
        if agent.state in (AgentState.LOGGED_OUT, AgentState.ON_CALL):
            raise ImpossibleEvent(f"{event.agent!r} cannot log out from {agent.state.value}")
        self._now = event.at
        ringing = self._release(agent) if agent.state is AgentState.RESERVED else None
        self._set_state(agent, AgentState.LOGGED_OUT)
        if ringing is not None:
            self._out.append(OfferWithdrawn(self._now, ringing.id, agent.id))
            self._place(ringing, requeued=True)

    def _on_wrap_up_ended(self, event: ev.WrapUpEnded) -> None:
        agent = self._agent(event.agent)
        if agent.state is not AgentState.WRAP_UP:
            raise ImpossibleEvent(f"{event.agent!r} is not in wrap-up")
        self._now = event.at
        self._become_available(agent)

    # -- call events --------------------------------------------------------------

    def _on_call_arrived(self, event: ev.CallArrived) -> None:
        queue = self._queues.get(event.queue)
        if queue is None:
            raise UnknownQueue(event.queue)
        if event.call in self._calls:
            raise DuplicateCall(event.call)
        extra = requirement(event.skills)
        self._now = event.at
        self._seq += 1
        item = WorkItem(
            event.call, self._seq, queue.id, event.priority, extra, event.attributes, event.at
        )
        item.priority = queue.priority + event.priority
        item.requirement = merge(queue.requirement, extra)
        item.pool = self._index.pool(item.requirement, queue.strategy, queue.id)
        self._calls[item.id] = item
        self._counters[queue.id].offered += 1
        self._place(item, requeued=False)

    def _on_dialed_out(self, event: ev.AgentDialedOut) -> None:
        agent = self._agent(event.agent)
        queue = self._queues.get(event.queue)
        if queue is None:
            raise UnknownQueue(event.queue)
        if event.call in self._calls:
            raise DuplicateCall(event.call)
        if agent.state not in (AgentState.AVAILABLE, AgentState.WRAP_UP):
            raise ImpossibleEvent(f"{event.agent!r} cannot dial out from {agent.state.value}")
        self._now = event.at
        self._seq += 1
        item = WorkItem(event.call, self._seq, queue.id, 0, (), None, event.at)
        item.requirement = queue.requirement
        item.pool = self._index.pool(item.requirement, queue.strategy, queue.id)
        item.state = CallState.CONNECTED
        item.agent = agent.id
        self._calls[item.id] = item
        agent.call = item.id
        self._set_state(agent, AgentState.ON_CALL)

    def _on_call_moved(self, event: ev.CallMoved) -> None:
        item = self._call(event.call)
        target = self._queues.get(event.queue)
        if target is None:
            raise UnknownQueue(event.queue)
        if item.state is not CallState.WAITING:
            raise ImpossibleEvent(f"{event.call!r} is not waiting")
        self._now = event.at
        self._move(item, target)

    def _on_accepted(self, event: ev.OfferAccepted) -> None:
        item, agent = self._offered(event)
        self._now = event.at
        item.state = CallState.CONNECTED
        agent.missed_in_row = 0
        counters = self._counters[item.queue]
        waited = event.at - item.arrived_at
        counters.answered += 1
        counters.wait_total += waited
        if waited <= self._queues[item.queue].sl_target_s:
            counters.answered_in_target += 1
        self._set_state(agent, AgentState.ON_CALL)

    def _on_rejected(self, event: ev.OfferRejected) -> None:
        item, agent = self._offered(event)
        self._now = event.at
        self._release(agent)
        agent.missed_in_row += 1
        # the call first goes to someone else if anyone is free, then the agent comes back
        self._place(item, requeued=True)
        limit = self._care(agent).max_missed_offers
        if limit is not None and agent.missed_in_row >= limit:
            self._set_state(agent, AgentState.BREAK, Reason.MISSED_OFFERS)
        else:
            self._become_available(agent)

    def _on_timed_out(self, event: ev.OfferTimedOut) -> None:
        item, agent = self._offered(event)
        self._now = event.at
        self._release(agent)
        agent.missed_in_row += 1
        self._set_state(agent, AgentState.BREAK, Reason.RING_NO_ANSWER)
        self._place(item, requeued=True)

    def _on_hung_up(self, event: ev.CallerHungUp) -> None:
        item = self._call(event.call)
        self._now = event.at
        if item.state is CallState.CONNECTED:
            self._complete(item, difficult=False)
        elif item.state is CallState.OFFERED:
            agent = self._agents[item.agent]  # type: ignore[index]
            self._release(agent)
            self._out.append(OfferWithdrawn(self._now, item.id, agent.id))
            self._end(item, Outcome.ABANDONED)
            self._become_available(agent)
        else:
            self._end(item, Outcome.ABANDONED)

    def _on_callback(self, event: ev.CallbackRequested) -> None:
        item = self._call(event.call)
        if item.state is not CallState.WAITING or item.callback:
            raise ImpossibleEvent(f"{event.call!r} cannot ask for a callback now")
        self._now = event.at
        item.callback = True
        self._schedule(item)  # a callback never expires
        self._out.append(CallbackScheduled(self._now, item.id, item.queue))

    def _on_completed(self, event: ev.CallCompleted) -> None:
        item = self._call(event.call)
        if item.state is not CallState.CONNECTED:
            raise ImpossibleEvent(f"{event.call!r} is not connected")
        self._now = event.at
        self._complete(item, event.difficult)

    # -- time -----------------------------------------------------------------------

    def _on_tick(self, event: ev.Tick) -> None:
        timers = self._timers
        while (entry := timers.pop_due(event.at)) is not None:
            # fire each timer at its own deadline, so times in state stay exact
            self._now = max(self._now, entry[0])
            self._fire(entry[2], entry[3], entry[4])
        self._now = event.at

    def _on_day_started(self, event: ev.DayStarted) -> None:
        self._now = event.at
        for agent in self._agents.values():
            self._settle(agent)
            agent.time_in_state = dict.fromkeys(AgentState, 0.0)
            agent.counted = event.at
            agent.busy_today = 0.0
            if agent.avail_token:  # least-occupied ranks change with busy_today
                self._index.remove_available(agent)
                self._index.add_available(agent)
        for counters in self._counters.values():
            counters.reset()
