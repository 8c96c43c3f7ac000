"""Commands from the pages (acd/floor.py), checked against who sends them and what is true now.

A command that cannot be carried out is refused with an `error` event to its
`reply_to` channel, carrying a translated `message` and a stable `code`.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from switchboard.acd import floor
from switchboard.acd.floor import Command, Event
from switchboard.calls.actions import do_update_call
from switchboard.core.routing import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentState,
    AgentWentOnBreak,
    AgentWentReady,
    CallCompleted,
    CallMoved,
    CareBreakNotOver,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    RoutingError,
    UnknownAgent,
    WrapUpEnded,
)
from switchboard.core.routing import CallArrived as RouterCallArrived

from ._live import STATE_NAMES, LiveCall, iso, summary
from ._outbox import Effect
from .setup import AgentCard, load_agents


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Commands:
    """Mixed into Engine: one method per command."""

    async def handle_command(self, message: dict) -> None:
        reply_to = message.get("reply_to")
        user = message.get("user")
        card = self.setup.agents.get(user) if isinstance(user, int) else None
        with translation.override((card.language if card else "") or settings.LANGUAGE_CODE):
            try:
                name = Command(message.get("command"))
                handler = getattr(self, f"_cmd_{name.value}")
                await handler(message, user)
            except ValueError:
                self.refuse(reply_to, "unknown_command", _("Unknown command."))
            except Refused as exc:
                self.refuse(reply_to, exc.code, str(exc))
            except CareBreakNotOver:
                self.refuse(reply_to, "care_break", _("Your break is not over yet."))
            except RoutingError:
                self.refuse(reply_to, "impossible", _("That cannot be done right now."))

    def refuse(self, reply_to: str | None, code: str, message: str) -> None:
        if reply_to:
            payload = floor.event(Event.ERROR, message=message, code=code)
            self.put(Effect(channels=[(reply_to, payload)]))

    # -- agents' states -----------------------------------------------------------------------

    async def agent_card(self, user: int | None) -> AgentCard:
        if not isinstance(user, int):
            raise Refused("no_agent", _("You are not an agent."))
        card = self.setup.agents.get(user)
        if card is None:
            found = await sync_to_async(load_agents, thread_sensitive=False)(user)
            if not found:
                raise Refused("no_agent", _("You are not an agent."))
            card = self.setup.agents[user] = found[0]
        return card

    def _logged_in(self, card: AgentCard) -> str:
        """Log the agent in to the router if needed; return their router state's name."""
        agent = str(card.user_id)
        try:
            state = self.router.agent(agent).state
        except UnknownAgent:
            state = AgentState.LOGGED_OUT
        if state is AgentState.LOGGED_OUT:
            self.route(AgentLoggedIn(self.clock.mono(), agent, skills=card.skills))
            state = self.router.agent(agent).state
        return STATE_NAMES[state]

    async def set_state(self, user: int, state: str, reason: str, reply_to: str | None) -> None:
        card = await self.agent_card(user)
        agent = str(user)
        now = self.clock.mono()
        if state == "logged_out":
            try:
                current = self.router.agent(agent).state
            except UnknownAgent:
                current = AgentState.LOGGED_OUT
            if current is not AgentState.LOGGED_OUT:
                if current is AgentState.ON_CALL:
                    raise Refused("busy", _("Finish the current call first."))
                self.route(AgentLoggedOut(now, agent))
            self.reply_state(card, reply_to)
            return
        if state == "available":
            current = self._logged_in(card)
            if current in ("break", "wrap_up"):
                self.route(AgentWentReady(self.clock.mono(), agent))
            elif current in ("ringing", "on_call"):
                raise Refused("busy", _("Finish the current call first."))
            else:
                self.reply_state(card, reply_to)
            return
        if state == "break":
            if reason not in self.setup.break_reasons:
                raise Refused("unknown_reason", _("Choose one of the listed break reasons."))
            current = self._logged_in(card)
            if current in ("ringing", "on_call"):
                raise Refused("busy", _("Finish the current call first."))
            self.route(AgentWentOnBreak(self.clock.mono(), agent, reason))
            return
        raise Refused("unknown_state", _("Unknown state."))

    async def _cmd_go_available(self, message: dict, user) -> None:
        await self.set_state(user, "available", "", message.get("reply_to"))

    async def _cmd_go_on_break(self, message: dict, user) -> None:
        await self.set_state(
            user, "break", str(message.get("reason") or ""), message.get("reply_to")
        )

    async def _cmd_log_out(self, message: dict, user) -> None:
        await self.set_state(user, "logged_out", "", message.get("reply_to"))

    async def _cmd_set_agent_state(self, message: dict, user) -> None:
        target = message.get("agent")
        await self.set_state(
            target if isinstance(target, int) else None,
            str(message.get("state") or ""),
            str(message.get("reason") or "supervisor"),
            message.get("reply_to"),
        )

    async def _cmd_finish_wrap_up(self, message: dict, user) -> None:
        card = await self.agent_card(user)
        try:
            state = self.router.agent(str(user)).state
        except UnknownAgent:
            return
        if state is AgentState.WRAP_UP:
            self.route(WrapUpEnded(self.clock.mono(), str(card.user_id)))
        # otherwise the wrap-up timer already ended it: nothing to do, nothing to refuse

    # -- calls ------------------------------------------------------------------------------------

    def my_call(self, message: dict, user, *states: str) -> LiveCall:
        live = self.calls.get(str(message.get("call") or ""))
        if live is None or live.agent != user or live.state not in states:
            if "ringing" in states:
                raise Refused("offer_gone", _("This call is no longer offered to you."))
            raise Refused("not_your_call", _("You are not connected to this call."))
        return live

    async def _cmd_accept(self, message: dict, user) -> None:
        live = self.my_call(message, user, "ringing")
        self.accept(live.id, user)

    def accept(self, call: str, user: int) -> None:
        live = self.calls.get(call)
        if live is None or live.state != "ringing" or live.agent != user:
            return
        self.route(OfferAccepted(self.clock.mono(), call, str(user)))
        self.ringing.pop(call, None)
        now = self.clock.mono()
        first = live.answered is None and not live.transfer_chain
        live.answered = now
        live.move("talking")
        fields: dict = {"answered_at": self.clock.wall()} if first else {}
        if first and live.queued is not None:
            fields["wait_seconds"] = round(now - live.queued, 3)
        connected = floor.event(Event.CONNECTED, call=summary(live, self.queue_names))
        self.put(
            Effect(
                db=(lambda: do_update_call(call, **fields)) if fields else None,
                groups=[(floor.agent_group(user), connected), self.floor_update(live)],
                after=[lambda: self.tel.bridge(call, str(user)), *self.record_after_bridge(live)],
            )
        )

    async def _cmd_reject(self, message: dict, user) -> None:
        live = self.my_call(message, user, "ringing")
        self.route(OfferRejected(self.clock.mono(), live.id, str(user)))
        self.ringing.pop(live.id, None)
        self.tel.stop_ringing(live.id, str(user))

    def decline(self, call: str, user: int) -> None:
        """The agent's phone refused the offer: a reject, and the desk's offer withdrawn."""
        live = self.calls.get(call)
        if live is None or live.state != "ringing" or live.agent != user:
            return
        self.ringing.pop(call, None)
        self.route(OfferRejected(self.clock.mono(), call, str(user)))
        withdrawn = floor.event(Event.OFFER_WITHDRAWN, call=call)
        self.put(Effect(groups=[(floor.agent_group(user), withdrawn)]))

    def ring_timed_out(self, call: str, user: int) -> None:
        self.ringing.pop(call, None)
        try:
            self.route(OfferTimedOut(self.clock.mono(), call, str(user)))
        except RoutingError:
            return
        self.tel.stop_ringing(call, str(user))
        withdrawn = floor.event(Event.OFFER_WITHDRAWN, call=call)
        self.put(Effect(groups=[(floor.agent_group(user), withdrawn)]))

    async def _cmd_hang_up(self, message: dict, user) -> None:
        live = self.my_call(message, user, "talking", "held", "dialing")
        self.hang_up(live.id, user)

    def hang_up(self, call: str, user: int) -> None:
        live = self.calls.get(call)
        if live is not None and live.agent == user and live.state == "dialing":
            self.end_outbound(live, "cancelled")  # the agent gave up before the answer
            return
        if live is None or live.agent != user or live.state not in ("talking", "held"):
            return
        self.tel.hang_up(call)  # first, so the caller's own hang-up cannot race it
        self.route(CallCompleted(self.clock.mono(), call, difficult=live.difficult))

    async def _cmd_hold(self, message: dict, user) -> None:
        live = self.my_call(message, user, "talking", "held")
        on = bool(message.get("on"))
        if on == (live.state == "held"):
            return  # already so: the network is not asked twice
        self.tel.hold(live.id, on)
        if on:
            live.held_at = self.clock.mono()
        else:
            live.end_hold(self.clock.mono())
        live.move("held" if on else "talking")
        self.put(Effect(groups=[self.floor_update(live)]))

    async def _cmd_mark_difficult(self, message: dict, user) -> None:
        live = self.my_call(message, user, "talking", "held")
        live.difficult = True

    async def _cmd_transfer(self, message: dict, user) -> None:
        live = self.my_call(message, user, "talking", "held")
        if message.get("number"):  # a number outside the floor (_outbound.py)
            await self.transfer_out(live, str(message["number"]), user)
            return
        self.transfer(live, str(message.get("queue") or ""), user)

    def transfer(self, live: LiveCall, target: str, user: int) -> None:
        """A cold transfer: the agent's part ends (wrap-up), the call re-enters the router."""
        if target not in self.setup.queues:
            raise Refused("unknown_queue", _("There is no such queue."))
        now = self.clock.mono()
        source = live.queue
        live.transfer_chain.append(
            {
                "at": iso(self.clock.wall()),
                "agent": user,
                "from_queue": source,
                "from_queue_id": self.setup.queues[source].id if source else None,
                "to_queue": target,
            }
        )
        live.talk_total += now - (live.answered or now)
        live.answered = None
        live.end_hold(now)
        live.transferring = True
        self.wrapping[user] = (live.id, now)
        try:
            self.route(CallCompleted(now, live.id, difficult=live.difficult))
        finally:
            live.transferring = False
        ended = floor.event(
            Event.CALL_ENDED,
            call=live.id,
            outcome="transferred",
            wrap_up_seconds=self.setup.queues[source].wrapup_seconds or None if source else None,
            dispositions=list(self.setup.queues[source].dispositions) if source else [],
        )
        live.queue, live.agent, live.difficult = target, None, False
        live.move("waiting")
        fields = {
            "queue_id": self.setup.queues[target].id,
            "transfer_chain": list(live.transfer_chain),
            "talk_seconds": round(live.talk_total, 3),
        }
        if live.hold_total:
            fields["hold_seconds"] = round(live.hold_total, 3)
        self.put(
            Effect(
                db=lambda: do_update_call(live.id, **fields),
                groups=[(floor.agent_group(user), ended), self.floor_update(live)],
            )
        )
        self.tel.stop_ringing(live.id, str(user))  # the first agent's phone leg ends (BYE)
        self.tel.play_music(live.id)
        self.route(
            RouterCallArrived(self.clock.mono(), live.id, target, skills=self.language_skills(live))
        )

    async def _cmd_move_call(self, message: dict, user) -> None:
        live = self.calls.get(str(message.get("call") or ""))
        target = str(message.get("queue") or "")
        if live is None or not live.in_router or live.state != "waiting":
            raise Refused("not_waiting", _("Only a waiting call can be moved."))
        if target not in self.setup.queues:
            raise Refused("unknown_queue", _("There is no such queue."))
        self.route(CallMoved(self.clock.mono(), live.id, target))

    async def _cmd_place_virtual_call(self, message: dict, user) -> None:
        from switchboard.telephony.sim import CallerScript

        place = getattr(self.tel, "place_call", None)
        if place is None:
            raise Refused(
                "no_virtual_carrier", _("Calls can be simulated only on the virtual carrier.")
            )
        digits = message.get("digits")
        if digits is not None and not (
            isinstance(digits, list) and all(isinstance(d, str) and len(d) <= 1 for d in digits)
        ):
            raise Refused("bad_digits", _('Digits must be a list of single keys, e.g. ["1", "2"].'))
        talk, patience = message.get("talk_s"), message.get("patience_s")
        script = CallerScript(
            digits=digits,
            talk_s=float(talk) if isinstance(talk, int | float) else None,
            patience_s=float(patience) if isinstance(patience, int | float) else None,
        )
        place(caller=message.get("caller") or None, script=script)

    # -- the picture a page needs when it (re)connects -------------------------------------------

    async def _cmd_sync(self, message: dict, user) -> None:
        reply_to = message.get("reply_to")
        if not reply_to:
            return
        card = self.setup.agents.get(user) if isinstance(user, int) else None
        if card is not None and message.get("scope") != "floor":
            self.reply_state(card, reply_to, with_call=True)
            return
        messages = [self.state_payload(int(info.id)) for info in self.router.agents()]
        messages += [
            floor.event(Event.CALL_UPDATE, call=summary(live, self.queue_names))
            for live in self.calls.values()
        ]
        messages.append(self.queue_stats_payload())
        messages += self.monitor_payloads()
        self.put(Effect(channels=[(reply_to, m) for m in messages]))

    def state_payload(self, user: int) -> dict:
        card = self.setup.agents[user]
        try:
            info = self.router.agent(str(user))
        except UnknownAgent:
            state, reason, until, call = "logged_out", "", None, None
        else:
            state, reason = STATE_NAMES[info.state], info.reason or ""
            until, call = self.clock.wall_at(info.until), info.call
            if call is None and info.state is AgentState.WRAP_UP and user in self.wrapping:
                call = self.wrapping[user][0]
        return floor.event(
            Event.AGENT_STATE,
            agent=user,
            name=card.name,
            state=state,
            reason=reason,
            since=None,
            until=iso(until),
            call=call,
        )

    def reply_state(self, card: AgentCard, reply_to: str | None, with_call: bool = False) -> None:
        if not reply_to:
            return
        messages = [self.state_payload(card.user_id)]
        live = next((c for c in self.calls.values() if c.agent == card.user_id), None)
        if with_call and live is not None:
            call = summary(live, self.queue_names)
            if live.state == "ringing":
                deadline = self.ringing.get(live.id, (self.clock.mono(), 0))[0]
                remaining = max(0, round(deadline - self.clock.mono()))
                messages.append(floor.event(Event.OFFER, call=call, ring_seconds=remaining))
            elif live.state in ("talking", "held"):
                messages.append(floor.event(Event.CONNECTED, call=call))
            elif live.state == "dialing":
                messages.append(floor.event(Event.DIALING, call=call, ring_seconds=None))
        self.put(Effect(channels=[(reply_to, m) for m in messages]))

    def queue_stats_payload(self) -> dict:
        queues = []
        for code, card in self.setup.queues.items():
            stats = self.router.queue_stats(code)
            queues.append(
                {
                    "code": code,
                    "name": card.name_en,
                    "name_bn": card.name_bn,
                    "waiting": stats.waiting,
                    "longest_wait": round(stats.longest_wait_s, 1),
                    "offered": stats.offered,
                    "answered": stats.answered,
                    "abandoned": stats.abandoned,
                    "answered_in_target": stats.answered_in_target,
                    "service_level": stats.service_level,
                    "sl_target_percent": card.sl_target_percent,
                    "sl_target_seconds": card.sl_target_seconds,
                }
            )
        return floor.event(Event.QUEUE_STATS, queues=queues)

    def send_queue_stats(self) -> None:
        payload = self.queue_stats_payload()
        if payload != self._last_stats:
            self._last_stats = payload
            self.put(Effect(groups=[(floor.FLOOR_GROUP, payload)]))
