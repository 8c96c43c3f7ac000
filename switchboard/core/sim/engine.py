"""The digital twin's event loop: callers, agents and a virtual clock around the real Router.

The simulator plays the telephony side. It draws arrivals, patience, talk
and wrap-up times, logs agents in and out of their shifts, sends them on
breaks, answers (or misses) the calls the router offers, and hands every
fact to `Router.handle()`; what the router decides comes back as decisions
that schedule the next facts. Router timers (care breaks, overflow,
maximum wait) fire through `Tick(router.next_deadline())`, so the clock
jumps from event to event and never polls.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import math
import random

from switchboard.core.routing import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentState,
    AgentStateChanged,
    AgentWentOnBreak,
    AgentWentReady,
    CallArrived,
    CallCompleted,
    CallEnded,
    CallerHungUp,
    CallOffered,
    CallQueued,
    CallRequeued,
    OfferAccepted,
    OfferTimedOut,
    OfferWithdrawn,
    Outcome,
    Reason,
    Router,
    Tick,
    WrapUpEnded,
)
from switchboard.core.routing.pools import qualifies

from .results import AgentResult, QueueInterval, Results, Tally, summarize
from .scenario import Scenario

# What the loop's heap holds: (time, seq, kind, ref, aux).
ARRIVE, ANSWER, TALK_END, WRAP_END, HANG_UP, MISS, READY = range(7)
LOG_IN, LOG_OUT, BREAK_START, BREAK_END, BOUNDARY = range(7, 12)

WAITING, TALKING, GONE = range(3)  # a call's life as the simulator sees it (ringing is WAITING)
LOG_OUT_LATER = "log out"

_AVAILABLE = AgentState.AVAILABLE
_WRAP_UP = AgentState.WRAP_UP
_BREAK = AgentState.BREAK
_ON_CALL = AgentState.ON_CALL
_RESERVED = AgentState.RESERVED
_LOGGED_OUT = AgentState.LOGGED_OUT
_CAN_BREAK = (_AVAILABLE, _WRAP_UP, _BREAK)
_NOT_READY = (Reason.RING_NO_ANSWER, Reason.MISSED_OFFERS)


class _Queue:
    __slots__ = ("id", "index", "rates", "exp", "talk", "wrap", "patience", "difficult",
                 "rng", "target_s", "requirement", "tally")  # fmt: skip


class _Agent:
    __slots__ = ("id", "spec", "state", "reason", "gen", "pending", "wrap", "miss_share",
                 "seen", "busy", "staffed", "answered", "last_busy", "last_staffed")  # fmt: skip


class _Call:
    __slots__ = ("id", "queue", "arrived", "interval", "patience_at", "offers", "agent",
                 "state", "hang_up_set", "wrap", "answered_at")  # fmt: skip

    def __init__(self, call_id, queue, arrived, interval, patience_at) -> None:
        self.id = call_id
        self.queue = queue
        self.arrived = arrived
        self.interval = interval
        self.patience_at = patience_at
        self.offers = 0  # bumped per offer and withdrawal: older ANSWER/MISS events are stale
        self.agent = None
        self.state = WAITING
        self.hang_up_set = False
        self.wrap = 0.0
        self.answered_at = 0.0


class Simulation:
    """One run of a scenario through a fresh Router.

        results = Simulation(scenario, seed=7).run()

    The same scenario and seed give identical results: every random stream
    is seeded from the seed and a fixed name (arrivals of queue "sales",
    talk times of queue "sales", ...), so changing one queue's volume leaves
    the draws of the others alone.
    """

    def __init__(self, scenario: Scenario, *, seed: int | None = None) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.router = Router(scenario.router_config())
        self.events = 0  # router.handle() calls
        self._heap: list[tuple] = []
        self._tiebreak = itertools.count().__next__  # equal times keep scheduling order
        self._calls: dict[str, _Call] = {}
        self._made = 0
        n = scenario.intervals
        self._queues = [self._queue(i, spec, n) for i, spec in enumerate(scenario.queues)]
        self._agents: dict[str, _Agent] = {}
        self._misses = random.Random(f"{self.seed}:misses")
        self._ring = scenario.ring_delay.sampler(random.Random(f"{self.seed}:ring"))
        for spec in scenario.agents:
            for agent_id in spec.agent_ids():
                self._agents[agent_id] = self._agent(agent_id, spec, n)

    def _queue(self, index, spec, intervals) -> _Queue:
        def stream(name: str) -> random.Random:
            return random.Random(f"{self.seed}:{name}:{spec.id}")

        q = _Queue()
        q.id, q.index = spec.id, index
        q.rates = [calls / self.scenario.interval_s for calls in spec.calls]
        q.exp = stream("arrivals").expovariate
        q.talk = spec.talk.sampler(stream("talk"))
        q.wrap = spec.wrap_up.sampler(stream("wrap_up"))
        q.patience = spec.patience.sampler(stream("patience")) if spec.patience else None
        q.difficult = spec.difficult_share
        q.rng = stream("difficult").random
        q.target_s = spec.sl_target_s
        q.requirement = self.router.config.queues[index].requirement
        q.tally = Tally(intervals)
        return q

    def _agent(self, agent_id, spec, intervals) -> _Agent:
        a = _Agent()
        a.id, a.spec = agent_id, spec
        a.state, a.reason, a.gen, a.pending, a.wrap = _LOGGED_OUT, None, 0, None, 0.0
        a.miss_share = spec.miss_share
        a.seen = False
        a.busy, a.staffed = [0.0] * intervals, [0.0] * intervals
        a.answered = 0
        a.last_busy = a.last_staffed = 0.0
        return a

    # -- scheduling -----------------------------------------------------------------

    def _at(self, when: float, kind: int, ref, aux=None) -> None:
        heapq.heappush(self._heap, (when, self._tiebreak(), kind, ref, aux))

    def _next_arrival(self, q: _Queue, t: float) -> None:
        """Schedule the queue's next call: Poisson, piecewise constant rate per interval.

        An exponential gap that crosses into the next interval is dropped and
        drawn again from the boundary at the new rate, which is exact for a
        Poisson process (it has no memory).
        """
        width = self.scenario.interval_s
        rates = q.rates
        i = int(t // width)
        while i < len(rates):
            end = (i + 1) * width
            if rates[i] > 0:
                nxt = t + q.exp(rates[i])
                if nxt < end:
                    self._at(nxt, ARRIVE, q, i)
                    return
            t, i = end, i + 1

    # -- the loop -------------------------------------------------------------------

    def run(self) -> Results:
        """Play the scenario to the end of its last interval, then let calls in progress end."""
        s = self.scenario
        for q in self._queues:
            self._next_arrival(q, 0.0)
        for a in self._agents.values():
            self._at(a.spec.start_s, LOG_IN, a)
            for b in a.spec.breaks:
                self._at(b.start_s, BREAK_START, a, (b.reason, b.duration_s))
            if a.spec.end_s is not None:
                self._at(a.spec.end_s, LOG_OUT, a)
        for i in range(s.intervals):
            self._at((i + 1) * s.interval_s, BOUNDARY, i)
        # The cyclic collector has nothing to find here (no cycles are made per
        # call) but, left on, CPython walks the ever older generations as the
        # run goes; freeze what set-up built and keep it off until the end.
        enabled = gc.isenabled()
        gc.collect()
        gc.freeze()
        gc.disable()
        try:
            self._loop(s.horizon_s, s.horizon_s + s.max_drain_s)
        finally:
            gc.unfreeze()
            if enabled:
                gc.enable()
        return self._results()

    def _loop(self, horizon: float, give_up: float) -> None:
        heap = self._heap
        pop = heapq.heappop
        router = self.router
        handle = router.handle
        next_deadline = router.next_deadline
        apply = self._apply
        calls = self._calls
        push = heapq.heappush
        tiebreak = self._tiebreak
        agents = self._agents
        while True:
            t = heap[0][0] if heap else math.inf
            deadline = next_deadline()
            if deadline is None and not heap:
                return
            if deadline is not None and deadline <= t:
                if deadline > horizon and (not calls or deadline > give_up):
                    return
                self.events += 1
                apply(handle(Tick(deadline)), deadline)
                continue
            if t > horizon and (not calls or t > give_up):
                return  # everything has ended, or we stop waiting for it
            _, _, kind, ref, aux = pop(heap)
            self.events += 1
            if kind == ARRIVE:
                self._made += 1
                call_id = f"c{self._made}"
                rec = _Call(call_id, ref, t, aux, t + ref.patience() if ref.patience else math.inf)
                calls[call_id] = rec
                ref.tally.offered[aux] += 1
                apply(handle(CallArrived(t, call_id, ref.id)), t)
                self._next_arrival(ref, t)
            elif kind == ANSWER:
                if ref.state != WAITING or ref.offers != aux:
                    self.events -= 1
                    continue
                ref.state = TALKING
                ref.answered_at = t
                q = ref.queue
                i = ref.interval
                waited = t - ref.arrived
                tally = q.tally
                tally.answered[i] += 1
                tally.wait_sum[i] += waited
                if waited <= q.target_s:
                    tally.in_target[i] += 1
                if waited > tally.longest[i]:
                    tally.longest[i] = waited
                agents[ref.agent].answered += 1
                apply(handle(OfferAccepted(t, ref.id, ref.agent)), t)
                ref.wrap = q.wrap()
                push(heap, (t + q.talk(), tiebreak(), TALK_END, ref, None))
            elif kind == TALK_END:
                q = ref.queue
                agents[ref.agent].wrap = ref.wrap
                difficult = q.difficult > 0 and q.rng() < q.difficult
                apply(handle(CallCompleted(t, ref.id, difficult)), t)
            elif kind == WRAP_END:
                if ref.gen == aux:
                    apply(handle(WrapUpEnded(t, ref.id)), t)
                else:
                    self.events -= 1
            elif kind == HANG_UP:
                if ref.state == WAITING:
                    apply(handle(CallerHungUp(t, ref.id)), t)
                else:
                    self.events -= 1
            else:
                self.events -= 1
                self._rare(t, kind, ref, aux)

    def _rare(self, t: float, kind: int, a, aux) -> None:
        """Events that happen a few times per agent per day, or to a few calls."""
        handle = self._send
        if kind == MISS:
            if a.state == WAITING and a.offers == aux:
                handle(OfferTimedOut(t, a.id, a.agent), t)
        elif kind == READY:
            if a.gen == aux:
                handle(AgentWentReady(t, a.id), t)
        elif kind == LOG_IN:
            handle(AgentLoggedIn(t, a.id, dict(a.spec.skills)), t)
            a.seen = True
            handle(AgentWentReady(t, a.id), t)
        elif kind == LOG_OUT:
            a.pending = LOG_OUT_LATER
            self._settle(a, t)
        elif kind == BREAK_START:
            if a.state is not _LOGGED_OUT and a.pending is not LOG_OUT_LATER:
                a.pending = aux
                self._settle(a, t)
        elif kind == BREAK_END:
            if a.gen == aux:
                handle(AgentWentReady(t, a.id), t)
        elif kind == BOUNDARY:
            handle(Tick(t), t)
            self._snapshot(a)

    def _send(self, event, t: float) -> None:
        self.events += 1
        self._apply(self.router.handle(event), t)

    def _settle(self, a: _Agent, t: float) -> None:
        """Carry out the agent's pending logout or break if their state allows it now."""
        pending = a.pending
        state = a.state
        if pending is LOG_OUT_LATER:
            if state is not _ON_CALL:
                a.pending = None
                if state is not _LOGGED_OUT:
                    self._send(AgentLoggedOut(t, a.id), t)
        elif pending is not None and state in _CAN_BREAK:
            a.pending = None
            reason, duration = pending
            self._send(AgentWentOnBreak(t, a.id, reason), t)
            self._at(t + duration, BREAK_END, a, a.gen)

    def _hang_up_later(self, rec: _Call, t: float) -> None:
        if not rec.hang_up_set and rec.patience_at != math.inf:
            rec.hang_up_set = True
            self._at(max(rec.patience_at, t), HANG_UP, rec)

    def _apply(self, out: list, t: float) -> None:
        """Turn the router's decisions into the simulator's next events."""
        agents = self._agents
        heap = self._heap
        push = heapq.heappush
        tiebreak = self._tiebreak
        later = None
        for d in out:
            kind = type(d)
            if kind is AgentStateChanged:
                a = agents[d.agent]
                state = a.state = d.state
                a.reason = d.reason
                a.gen += 1
                if a.pending is not None:
                    if later is None:
                        later = [a]
                    else:
                        later.append(a)
                elif state is _WRAP_UP:
                    push(heap, (t + a.wrap, tiebreak(), WRAP_END, a, a.gen))
                elif state is _BREAK and d.reason in _NOT_READY:
                    self._at(t + self.scenario.not_ready_s, READY, a, a.gen)
            elif kind is CallOffered:
                rec = self._calls[d.call]
                rec.offers += 1
                rec.agent = d.agent
                a = agents[d.agent]
                if a.miss_share and self._misses.random() < a.miss_share:
                    self._at(t + self.scenario.ring_timeout_s, MISS, rec, rec.offers)
                    self._hang_up_later(rec, t)  # the caller may give up while it rings
                    continue
                answer = t + self._ring()
                if rec.patience_at < answer:
                    self._hang_up_later(rec, t)  # the caller gives up while it rings
                else:
                    push(heap, (answer, tiebreak(), ANSWER, rec, rec.offers))
            elif kind is CallEnded:
                rec = self._calls.pop(d.call)
                rec.state = GONE
                outcome = d.outcome
                tally = rec.queue.tally
                i = rec.interval
                if outcome is Outcome.COMPLETED:
                    tally.handled[i] += 1
                    tally.handle_sum[i] += t - rec.answered_at + rec.wrap
                    continue
                if outcome is Outcome.ABANDONED:
                    tally.abandoned[i] += 1
                else:
                    tally.expired[i] += 1
                waited = t - rec.arrived
                if waited > tally.longest[i]:
                    tally.longest[i] = waited
            elif kind is CallQueued:
                rec = self._calls[d.call]
                rec.queue.tally.waited[rec.interval] += 1
                self._hang_up_later(rec, t)
            elif kind is CallRequeued:
                self._hang_up_later(self._calls[d.call], t)
            elif kind is OfferWithdrawn:
                rec = self._calls.get(d.call)
                if rec is not None:
                    rec.offers += 1
        if later is not None:
            # after the whole list: the agent's last state is known, and the
            # decisions of these new events come after the ones above
            for a in later:
                self._settle(a, t)

    # -- measuring ------------------------------------------------------------------

    def _snapshot(self, interval: int) -> None:
        """Agents' busy and staffed seconds in the interval that just ended, from the router."""
        stats = self.router.agent_stats
        for a in self._agents.values():
            if not a.seen:
                continue
            seconds = stats(a.id).seconds
            busy = seconds[_ON_CALL] + seconds[_WRAP_UP] + seconds[_RESERVED]
            staffed = busy + seconds[_AVAILABLE]
            a.busy[interval] = busy - a.last_busy
            a.staffed[interval] = staffed - a.last_staffed
            a.last_busy, a.last_staffed = busy, staffed

    def _results(self) -> Results:
        s = self.scenario
        intervals: dict[str, list[QueueInterval]] = {}
        totals: dict[str, QueueInterval] = {}
        for q in self._queues:
            group = [a for a in self._agents.values() if qualifies(a.spec.skills, q.requirement)]
            rows = []
            for i in range(s.intervals):
                busy = sum(a.busy[i] for a in group)
                staffed = sum(a.staffed[i] for a in group)
                rows.append(summarize(q.id, q.tally, i, i * s.interval_s, busy, staffed))
            intervals[q.id] = rows
            busy = sum(a.last_busy for a in group)
            staffed = sum(a.last_staffed for a in group)
            totals[q.id] = summarize(q.id, q.tally, None, 0.0, busy, staffed)
        agents = [
            AgentResult(a.id, a.last_staffed, a.last_busy, a.answered)
            for a in self._agents.values()
        ]
        return Results(
            name=s.name,
            seed=self.seed,
            interval_s=s.interval_s,
            start_clock_s=s.start_clock_s,
            intervals=intervals,
            totals=totals,
            agents=agents,
            calls=self._made,
            unfinished=len(self._calls),
            events=self.events,
        )


def simulate(scenario: Scenario, *, seed: int | None = None) -> Results:
    """Run the scenario once through the real routing engine; see Simulation."""
    return Simulation(scenario, seed=seed).run()
