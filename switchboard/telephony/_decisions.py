"""Carrying out the router's decisions: ring, stop ringing, record, tell the pages."""

from __future__ import annotations

import time

from switchboard.acd import floor
from switchboard.acd.floor import Event
from switchboard.calls.actions import do_offer_call, do_set_agent_status, do_update_call
from switchboard.calls.models import Outcome as CallOutcome
from switchboard.core.routing import (
    AgentState,
    AgentStateChanged,
    CallbackScheduled,
    CallEnded,
    CallOffered,
    CallOverflowed,
    CallQueued,
    CallRequeued,
    OfferWithdrawn,
    Outcome,
    Reason,
)

from ._live import STATE_NAMES, iso, summary
from ._outbox import Effect

OUTCOMES = {
    Outcome.COMPLETED: CallOutcome.ANSWERED,
    Outcome.ABANDONED: CallOutcome.ABANDONED,
    Outcome.EXPIRED: CallOutcome.NO_AGENT,
}
CARE_REASONS = {
    Reason.MICRO_BREAK: "micro_break",
    Reason.COOL_DOWN: "cool_down",
    Reason.MISSED_OFFERS: "missed_offers",
}


class Decisions:
    """Mixed into Engine: one method per decision the router can return."""

    def apply(self, decision) -> None:
        handler = _HANDLERS.get(type(decision))
        if handler is not None:
            handler(self, decision)

    def _queued(self, d: CallQueued) -> None:
        live = self.calls.get(d.call)
        if live is not None:
            self.put(Effect(groups=[self.floor_update(live)]))

    def _requeued(self, d: CallRequeued) -> None:
        live = self.calls.get(d.call)
        if live is not None:
            live.agent = None
            live.move("waiting")
            self.put(Effect(groups=[self.floor_update(live)]))

    def _offered(self, d: CallOffered) -> None:
        live = self.calls[d.call]
        agent = int(d.agent)
        card = self.setup.agents[agent]
        queue = self.setup.queues[d.queue]
        live.agent = agent
        live.move("ringing")
        self.ringing[d.call] = (self.clock.mono() + queue.ring_seconds, agent)
        offered_at = time.time()  # the benchmark measures from here to the agent's socket
        wall = self.clock.wall()

        def offer() -> dict:
            return floor.event(
                Event.OFFER,
                call=summary(live, self.queue_names),
                ring_seconds=queue.ring_seconds,
                offered_at=offered_at,
            )

        after = [lambda: self.tel.ring_agent(d.call, d.agent)]
        if card.auto_answer and not card.is_bot:
            after.append(lambda: self.accept(d.call, agent))
        self.put(
            Effect(
                db=lambda: do_offer_call(d.call, agent_id=agent, offered_at=wall),
                groups=[(floor.agent_group(agent), offer), self.floor_update(live)],
                after=after,
            )
        )

    def _withdrawn(self, d: OfferWithdrawn) -> None:
        self.ringing.pop(d.call, None)
        self.put(
            Effect(
                groups=[
                    (
                        floor.agent_group(int(d.agent)),
                        floor.event(Event.OFFER_WITHDRAWN, call=d.call),
                    )
                ],
                after=[lambda: self.tel.stop_ringing(d.call, d.agent)],
            )
        )

    def _overflowed(self, d: CallOverflowed) -> None:
        live = self.calls.get(d.call)
        if live is None or d.widened:
            return
        live.queue = d.to_queue
        queue_id = self.setup.queues[d.to_queue].id
        self.put(
            Effect(
                db=lambda: do_update_call(d.call, queue_id=queue_id),
                groups=[self.floor_update(live)],
            )
        )

    def _ended(self, d: CallEnded) -> None:
        live = self.calls.get(d.call)
        if live is None or live.transferring:
            return  # a transfer carries the call on in another queue
        agent = live.agent
        if d.outcome is Outcome.COMPLETED and agent is not None:
            self.wrapping[agent] = (d.call, self.clock.mono())
            queue = self.setup.queues[d.queue]
            self.put(
                Effect(
                    groups=[
                        (
                            floor.agent_group(agent),
                            floor.event(
                                Event.CALL_ENDED,
                                call=d.call,
                                outcome=str(live.final_outcome or CallOutcome.ANSWERED),
                                wrap_up_seconds=queue.wrapup_seconds or None,
                                dispositions=list(queue.dispositions),
                            ),
                        )
                    ]
                )
            )
        self.close(live, live.final_outcome or OUTCOMES[d.outcome])

    def _agent_changed(self, d: AgentStateChanged) -> None:
        agent = int(d.agent)
        card = self.setup.agents[agent]
        state = STATE_NAMES[d.state]
        previous = self.states.get(agent)
        self.states[agent] = state
        now = self.clock.mono()
        if previous == "wrap_up" and d.state is not AgentState.WRAP_UP:
            self._wrap_up_over(agent, now)
        call = self.router.agent(d.agent).call
        if call is None and d.state is AgentState.WRAP_UP and agent in self.wrapping:
            call = self.wrapping[agent][0]
        since = self.clock.wall()
        until = self.clock.wall_at(d.until)
        reason = d.reason or ""
        payload = floor.event(
            Event.AGENT_STATE,
            agent=agent,
            name=card.name,
            state=state,
            reason=reason,
            since=iso(since),
            until=iso(until),
            call=call,
        )
        groups = [(floor.agent_group(agent), payload), (floor.FLOOR_GROUP, payload)]
        care = CARE_REASONS.get(d.reason or "")
        if care is not None and d.state is AgentState.BREAK:
            groups.append(
                (floor.agent_group(agent), floor.event(Event.CARE, kind=care, until=iso(until)))
            )
        known_call = (
            call
            if call is not None and (call in self.calls or d.state is AgentState.WRAP_UP)
            else None
        )
        self.put(
            Effect(
                db=lambda: do_set_agent_status(
                    card.profile_id, state=state, reason=reason, since=since, call_id=known_call
                ),
                groups=groups,
            )
        )

    def _wrap_up_over(self, agent: int, now: float) -> None:
        call, ended = self.wrapping.pop(agent, (None, now))
        if call is None:
            return
        fields = {"wrapup_ended_at": self.clock.wall(), "wrapup_seconds": round(now - ended, 3)}
        self.put(Effect(db=lambda: do_update_call(call, **fields)))


_HANDLERS = {
    CallQueued: Decisions._queued,
    CallRequeued: Decisions._requeued,
    CallOffered: Decisions._offered,
    OfferWithdrawn: Decisions._withdrawn,
    CallOverflowed: Decisions._overflowed,
    CallEnded: Decisions._ended,
    AgentStateChanged: Decisions._agent_changed,
    CallbackScheduled: lambda self, d: None,
}
