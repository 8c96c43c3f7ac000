"""Outbound calls: an agent dials a customer (click-to-call, the API, the dialer to come).

    originate ──> AgentDialedOut (router: the agent is on call from now on)
              ──> record opened (direction outbound) ──> `dialing` to the desk
              ──> agent_first with a registered phone: ring the phone, then dial on its answer
                  otherwise: dial the customer (the desk shows "calling ...")
    Answered ──> `connected`; the agent's phone (if any, and not yet in) rings, then bridge
    CallFailed("busy" | "no_answer" | anything) ──> busy / no answer / failed (reason kept)
    our ring timer (setup.outbound_ring_seconds) ──> no answer; the desk's hang-up ──> cancelled

Every end goes through the router's CallCompleted, so the agent wraps up and records a
disposition under the outbound queue exactly as after an inbound call.
A blind transfer to an outside number (`transfer_out`) is here too: the call leaves the floor.
"""

from __future__ import annotations

import uuid

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from switchboard.acd import floor
from switchboard.acd.floor import Event
from switchboard.calls.actions import (
    check_outbound_target,
    do_open_outbound_call,
    do_update_call,
)
from switchboard.calls.models import Outcome
from switchboard.core.routing import (
    AgentDialedOut,
    AgentState,
    CallCompleted,
    RoutingError,
    UnknownAgent,
)

from . import interface as tel
from ._commands import Refused
from ._live import LiveCall, iso, summary
from ._outbox import Effect

MODES = ("agent_first", "customer_first")
FAILURES = {"busy": Outcome.BUSY, "no_answer": Outcome.NO_ANSWER}


class Outbound:
    """Mixed into Engine."""

    async def _cmd_originate(self, message: dict, user) -> None:
        card = await self.agent_card(user)
        mode = str(message.get("mode") or "agent_first")
        if mode not in MODES:
            raise Refused("bad_mode", _("Choose how to call: agent first or customer first."))
        number, contact = message.get("number"), message.get("contact")
        try:
            e164, contact_id = await sync_to_async(check_outbound_target, thread_sensitive=False)(
                number if isinstance(number, str) else None,
                contact if isinstance(contact, int) and not isinstance(contact, bool) else None,
            )
        except ValidationError as exc:
            raise Refused("bad_target", " ".join(exc.messages)) from None
        try:
            state = self.router.agent(str(card.user_id)).state
        except UnknownAgent:
            state = AgentState.LOGGED_OUT
        if state in (AgentState.ON_CALL, AgentState.RESERVED):
            raise Refused("busy", _("Finish the current call first."))
        if state not in (AgentState.AVAILABLE, AgentState.WRAP_UP):
            raise Refused("not_available", _("Go available before calling out."))
        self.originate(card.user_id, e164, contact_id, mode, message)

    def originate(self, user: int, number: str, contact_id, mode: str, message: dict) -> str:
        """Place the call (the checks are done): open the record, then ring or dial."""
        now = self.clock.mono()
        queue = self.setup.outbound_queue
        live = LiveCall(str(uuid.uuid4()), self.setup.outbound_caller_id, number, now)
        live.direction, live.mode, live.agent, live.queue = "outbound", mode, user, queue
        live.contact_id, live.in_router = contact_id, True
        # Known before the router speaks, so the agent's status names this call (the status
        # and the record are written in one transaction; the foreign key is checked at commit).
        self.calls[live.id] = live
        try:
            self.route(AgentDialedOut(now, str(user), live.id, queue))
        except RoutingError:
            del self.calls[live.id]  # refused: nothing changed
            raise
        live.move("dialing")
        ring = self.setup.outbound_ring_seconds
        self.dialing[live.id] = now + ring
        wall = self.clock.wall()
        fields = {
            "caller_id": live.caller,
            "number": number,
            "agent_id": user,
            "contact_id": contact_id,
            "queue_id": self.setup.queues[queue].id,
            "started_at": wall,
            "engine": self.id,
        }

        def write() -> None:
            live.contact_id = do_open_outbound_call(live.id, **fields)

        def dialing() -> dict:
            return floor.event(
                Event.DIALING, call=summary(live, self.queue_names), ring_seconds=ring
            )

        channels = [(message["reply_to"], dialing)] if message.get("confirm") else []
        self.put(
            Effect(
                db=write,
                groups=[(floor.agent_group(user), dialing), self.floor_update(live)],
                channels=channels,
                after=[lambda: self._first_leg(live)],
            )
        )
        return live.id

    def _first_leg(self, live: LiveCall) -> None:
        if live.state != "dialing":
            return  # cancelled before the record was written
        if live.mode == "agent_first" and self.tel.has_phone(str(live.agent)):
            live.phase = "agent"
            self.tel.new_call(live.id)
            self.tel.ring_agent(live.id, str(live.agent))
        else:
            self._dial(live)

    def _dial(self, live: LiveCall) -> None:
        live.phase = "customer" if live.phase != "agent_in" else "agent_in"
        self.dialing[live.id] = self.clock.mono() + self.setup.outbound_ring_seconds
        self.tel.originate(live.id, live.dialed, live.caller)

    # -- what the network says ---------------------------------------------------------------

    def outbound_agent_answered(self, live: LiveCall) -> None:
        if live.state == "dialing" and live.phase == "agent":
            live.phase = "agent_in"  # the operator hears the customer's phone ring
            self._dial(live)
        elif live.state == "talking" and live.phase == "agent_after":
            self.dialing.pop(live.id, None)
            live.phase = "agent_in"
            self.tel.bridge(live.id, str(live.agent))

    def outbound_answered(self, live: LiveCall) -> None:
        if live.state != "dialing":
            return
        self.dialing.pop(live.id, None)
        now = self.clock.mono()
        live.answered = now
        live.move("talking")
        fields = {"answered_at": self.clock.wall(), "wait_seconds": round(now - live.arrived, 3)}
        user = live.agent
        connected = floor.event(Event.CONNECTED, call=summary(live, self.queue_names))
        if live.phase == "agent_in" or not self.tel.has_phone(str(user)):
            media = [lambda: self.tel.bridge(live.id, str(user))]
        else:
            live.phase = "agent_after"  # customer first: now the operator's phone rings
            self.dialing[live.id] = now + self.setup.outbound_ring_seconds
            media = [lambda: self.tel.ring_agent(live.id, str(user))]
        self.put(
            Effect(
                db=lambda: do_update_call(live.id, **fields),
                groups=[(floor.agent_group(user), connected), self.floor_update(live)],
                after=media,
            )
        )

    def outbound_gone(self, live: LiveCall, event: tel.CallerHungUp | tel.CallFailed) -> None:
        if isinstance(event, tel.CallFailed):
            outcome = FAILURES.get(event.reason, Outcome.FAILED)
            reason = "" if event.reason in FAILURES else event.reason
            if live.answered is not None:
                outcome = Outcome.ANSWERED  # the line dropped mid-call: it was answered
        elif live.answered is None:
            outcome, reason = Outcome.FAILED, "hung up before the answer"
        else:
            outcome, reason = Outcome.ANSWERED, ""
        self.end_outbound(live, outcome, reason)

    def dial_timed_out(self, call: str) -> None:
        self.dialing.pop(call, None)
        live = self.calls.get(call)
        if live is not None and live.state == "talking" and live.phase == "agent_after":
            # The customer answered, but the operator's phone rang on unanswered.
            self.tel.stop_ringing(call, str(live.agent))
            self.end_outbound(live, Outcome.FAILED, "answered, but the agent's phone did not")
            return
        if live is None or live.state != "dialing":
            return
        if live.phase == "agent":
            self.tel.stop_ringing(call, str(live.agent))
            self.end_outbound(live, Outcome.FAILED, "the agent's phone did not answer")
        else:
            self.end_outbound(live, Outcome.NO_ANSWER)

    def end_outbound(self, live: LiveCall, outcome: str, reason: str = "") -> None:
        """The outbound call is over: through the router, so the agent wraps up."""
        self.dialing.pop(live.id, None)
        live.final_outcome, live.failure_reason = outcome, reason[:100]
        self.route(CallCompleted(self.clock.mono(), live.id, difficult=live.difficult))

    # -- a blind transfer to a number outside the floor -------------------------------------------

    async def transfer_out(self, live: LiveCall, number: str, user: int) -> None:
        try:
            e164, _contact = await sync_to_async(check_outbound_target, thread_sensitive=False)(
                number, None
            )
        except ValidationError as exc:
            raise Refused("bad_target", " ".join(exc.messages)) from None
        if self.calls.get(live.id) is not live or live.state not in ("talking", "held"):
            raise Refused("not_your_call", _("You are not connected to this call."))
        live.transfer_chain.append(
            {
                "at": iso(self.clock.wall()),
                "agent": user,
                "from_queue": live.queue,
                "from_queue_id": self.setup.queues[live.queue].id if live.queue else None,
                "to_number": e164,
            }
        )
        live.final_outcome, live.handed_off = Outcome.TRANSFERRED, True
        self.tel.transfer(live.id, e164)  # the caller is handed over; we do not hang up
        self.route(CallCompleted(self.clock.mono(), live.id, difficult=live.difficult))
