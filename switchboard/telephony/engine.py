"""The engine: telephony events -> IVR -> router -> decisions carried out.

One asyncio task owns the floor. It hears three things:
- telephony events (a call arrived, a digit, a hang-up ...) from the carrier;
- commands from pages on `floor.ENGINE_CHANNEL` (accept, hang up, go available ...);
- its own tick, a few times a second (timers: ring-no-answer, wrap-up, care breaks).

Each goes through the pure IVR (`core/ivr.py`) or router (`core/routing`); what
they decide is carried out through the outbox (`_outbox.py`): the call record
and agent status are written first, then pages are told and the phone network
is commanded. Decisions live in `_decisions.py`, commands in `_commands.py`.
"""

from __future__ import annotations

import asyncio
import gc
import logging

from switchboard.acd import floor
from switchboard.calls.actions import do_open_call, do_update_call
from switchboard.calls.models import Outcome
from switchboard.core import ivr as menu
from switchboard.core.routing import CallArrived as RouterCallArrived
from switchboard.core.routing import CallCompleted, CallerHungUp, Router, RoutingError, Tick

from . import interface as tel
from ._announce import Announcements
from ._commands import Commands
from ._decisions import Decisions
from ._live import Clock, LiveCall, summary
from ._monitor import Monitoring
from ._outbound import Outbound
from ._outbox import Effect, Outbox
from ._recording import Recordings
from .setup import FloorSetup

log = logging.getLogger("switchboard.engine")


class Engine(Outbound, Announcements, Decisions, Commands, Recordings, Monitoring):
    """Drive with `await start()`; stop with `await stop()`. `engine_id` marks its calls."""

    def __init__(
        self,
        setup: FloorSetup,
        telephony: tel.Telephony,
        layer,
        *,
        engine_id: str,
        tick_seconds: float = 0.25,
        stats_seconds: float = 1.0,
    ) -> None:
        self.setup = setup
        self.router = Router(setup.router)
        self.tel = telephony
        self.layer = layer
        self.id = engine_id
        self.clock = Clock()
        self.out = Outbox(layer)
        self.tick_seconds = tick_seconds
        self.stats_seconds = stats_seconds
        self.calls: dict[str, LiveCall] = {}
        self.ringing: dict[str, tuple[float, int]] = {}  # call -> (deadline, agent user id)
        self.dialing: dict[str, float] = {}  # outbound call -> when it stops ringing
        self.wrapping: dict[int, tuple[str, float]] = {}  # agent -> (last call, ended, mono)
        self.states: dict[int, str] = {}  # agent -> last state told to pages
        self.monitoring: dict = {}  # supervisors listening: _monitor.py
        self.queue_names = {code: q.name_en for code, q in setup.queues.items()}
        self._stats_at = 0.0
        self._last_stats: list | None = None
        self._day = self.clock.wall().date()
        self._tasks: list[asyncio.Task] = []
        self.started = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.out.run(), name="engine-outbox"),
            asyncio.create_task(self._receive(), name="engine-commands"),
            asyncio.create_task(self._ticking(), name="engine-tick"),
        ]
        await self.tel.start(self.on_telephony)
        self.started.set()
        log.info(
            "engine %s: %d queues, %d menus", self.id, len(self.setup.queues), len(self.setup.menus)
        )

    async def stop(self) -> None:
        """Stop cleanly: calls still in progress are closed as interrupted, as after a crash."""
        await self.tel.stop()  # first: no call arrives after this
        for live in list(self.calls.values()):
            self.close(live, Outcome.INTERRUPTED)
        await self.out.drained()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(None, self.out.close)

    async def _receive(self) -> None:
        while True:
            message = await self.layer.receive(floor.ENGINE_CHANNEL)
            try:
                await self.handle_command(message)
            except Exception:
                log.exception("engine: command %r failed", message.get("command"))

    async def _ticking(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                self.tick()
            except Exception:
                log.exception("engine: tick failed")

    def tick(self) -> None:
        now = self.clock.mono()
        self.route(Tick(now))
        for call, (deadline, agent) in list(self.ringing.items()):
            if now >= deadline:
                self.ring_timed_out(call, agent)
        for call, deadline in list(self.dialing.items()):
            if now >= deadline:
                self.dial_timed_out(call)
        self.announce_due(now)
        if now - self._stats_at >= self.stats_seconds:
            self._stats_at = now
            self.send_queue_stats()
        today = self.clock.wall().date()
        if today != self._day:
            from switchboard.core.routing import DayStarted

            self._day = today
            self.route(DayStarted(now))
        gc.collect(0)  # see docs/architecture-routing.md: young generation every tick

    # -- the router ---------------------------------------------------------------------------

    def route(self, event) -> None:
        """Hand one event to the router and carry out its decisions. RoutingError passes up."""
        for decision in self.router.handle(event):
            try:
                self.apply(decision)
            except Exception:
                log.exception("engine: carrying out %r failed", decision)

    def put(self, effect: Effect) -> None:
        self.out.put(effect)

    def floor_update(self, live: LiveCall) -> tuple[str, object]:
        return (
            floor.FLOOR_GROUP,
            lambda: floor.event(floor.Event.CALL_UPDATE, call=summary(live, self.queue_names)),
        )

    # -- telephony events ---------------------------------------------------------------------

    def on_telephony(self, event: tel.TelephonyEvent) -> None:
        try:
            handler = _TELEPHONY[type(event)]
            handler(self, event)
        except RoutingError as exc:
            log.info("engine: %s refused by the router: %s", type(event).__name__, exc)
        except Exception:
            log.exception("engine: telephony event %r failed", event)

    def _arrived(self, event: tel.CallArrived) -> None:
        live = LiveCall(event.call, event.caller, event.dialed, self.clock.mono())
        config = self.setup.menus.get(event.dialed)
        live.ivr = menu.Ivr(config) if config is not None else None
        self.calls[live.id] = live
        wall = self.clock.wall()

        def write() -> None:
            live.contact_id = do_open_call(
                live.id, caller=live.caller, dialed=live.dialed, arrived_at=wall, engine=self.id
            )

        self.put(
            Effect(
                db=write, groups=[self.floor_update(live)], after=[lambda: self.tel.answer(live.id)]
            )
        )

    def _answered(self, event: tel.Answered) -> None:
        live = self.calls.get(event.call)
        if live is None:
            return
        if live.direction == "outbound":
            self.outbound_answered(live)
        elif live.ivr is None:
            self.enqueue(live, menu.Enqueue(self.setup.default_queue, "", (), "", fell_back=True))
        else:
            self.run_ivr(live, live.ivr.start())

    def _prompt_finished(self, event: tel.PromptFinished) -> None:
        live = self.calls.get(event.call)
        if live is None or self.announcement_played(live, event.prompt):
            return
        if self.consent_heard(live, event.prompt):
            return
        if live.ivr is not None and not live.ivr.done:
            self.run_ivr(live, live.ivr.handle(menu.PromptEnded(event.prompt)))

    def _digits(self, event: tel.DigitsReceived) -> None:
        live = self.calls.get(event.call)
        if live is not None and live.ivr is not None and not live.ivr.done:
            self.run_ivr(live, live.ivr.handle(menu.DigitsEntered(event.digits)))

    def _caller_hung_up(self, event: tel.CallerHungUp | tel.CallFailed) -> None:
        live = self.calls.get(event.call)
        if live is None:
            return
        if live.direction == "outbound":
            self.outbound_gone(live, event)
        elif not live.in_router:
            failed = isinstance(event, tel.CallFailed)
            self.close(live, Outcome.FAILED if failed else Outcome.ABANDONED_IVR)
        elif live.state in ("talking", "held"):
            self.route(CallCompleted(self.clock.mono(), live.id, difficult=live.difficult))
        else:
            self.route(CallerHungUp(self.clock.mono(), live.id))

    def _agent_answered(self, event: tel.AgentAnswered) -> None:
        live = self.calls.get(event.call)
        if live is not None and live.direction == "outbound":
            self.outbound_agent_answered(live)
        else:
            self.accept(event.call, int(event.agent))

    def _agent_declined(self, event: tel.AgentDeclined) -> None:
        self.decline(event.call, int(event.agent))

    def _agent_hung_up(self, event: tel.AgentHungUp) -> None:
        self.hang_up(event.call, int(event.agent))

    # -- the menu --------------------------------------------------------------------------------

    def run_ivr(self, live: LiveCall, commands: list) -> None:
        for command in commands:
            if isinstance(command, menu.Play):
                self.tel.play(live.id, command.prompt, command.language)
            elif isinstance(command, menu.Collect):
                self.tel.collect_digits(live.id, command.max_digits, command.timeout_s)
            elif isinstance(command, menu.Enqueue):
                self.enqueue(live, command)

    def enqueue(self, live: LiveCall, choice: menu.Enqueue) -> None:
        """The menu is done: record the choices, start the music, hand the call to the router."""
        live.language = choice.language
        live.choices = list(choice.choices)
        live.reason = choice.reason
        live.queue = choice.queue
        live.queued = self.clock.mono()
        live.in_router = True
        live.move("waiting")
        fields = {
            "language": live.language,
            "ivr_choices": live.choices,
            "reason": live.reason[:50],
            "queue_id": self.setup.queues[live.queue].id,
            "queued_at": self.clock.wall(),
        }
        self.put(
            Effect(db=lambda: do_update_call(live.id, **fields), groups=[self.floor_update(live)])
        )
        if not self.announce_recording(live):
            self.to_router(live)

    def to_router(self, live: LiveCall) -> None:
        """Queue music, and the router takes the call."""
        self.tel.play_music(live.id)
        self.route(
            RouterCallArrived(
                self.clock.mono(), live.id, live.queue, skills=self.language_skills(live)
            )
        )

    def language_skills(self, live: LiveCall) -> dict[str, int] | None:
        skill = self.setup.language_skills.get(live.language)
        return {skill: 1} if skill else None

    # -- closing a call -----------------------------------------------------------------------------

    def close(self, live: LiveCall, outcome: str) -> None:
        """The call is over for good: write its end, tell the floor, hang up our side."""
        now = self.clock.mono()
        fields: dict = {"ended_at": self.clock.wall(), "outcome": outcome}
        if live.answered is not None:
            live.talk_total += now - live.answered
            live.answered = None
        live.end_hold(now)
        if live.talk_total:
            fields["talk_seconds"] = round(live.talk_total, 3)
        if live.hold_total:
            fields["hold_seconds"] = round(live.hold_total, 3)
        elif live.queued is not None:
            fields["wait_seconds"] = round(now - live.queued, 3)
        elif live.direction == "outbound":
            fields["wait_seconds"] = round(now - live.arrived, 3)  # how long it rang
        if live.failure_reason:
            fields["failure_reason"] = live.failure_reason
        if live.transfer_chain:
            fields["transfer_chain"] = list(live.transfer_chain)
        self.calls.pop(live.id, None)
        self.ringing.pop(live.id, None)
        self.dialing.pop(live.id, None)
        live.move("ended")
        # A call handed to an outside number goes on without us: not ours to hang up.
        after = [] if live.handed_off else [lambda: self.tel.hang_up(live.id)]
        self.put(
            Effect(
                db=lambda: do_update_call(live.id, **fields),
                groups=[self.floor_update(live)],
                after=after,
            )
        )


_TELEPHONY = {
    tel.CallArrived: Engine._arrived,
    tel.Answered: Engine._answered,
    tel.PromptFinished: Engine._prompt_finished,
    tel.DigitsReceived: Engine._digits,
    tel.CallerHungUp: Engine._caller_hung_up,
    tel.CallFailed: Engine._caller_hung_up,
    tel.AgentAnswered: Engine._agent_answered,
    tel.AgentDeclined: Engine._agent_declined,
    tel.AgentHungUp: Engine._agent_hung_up,
    tel.RecordingSaved: Engine.recording_saved,
    tel.MonitorStarted: Engine._monitor_started,
    tel.MonitorEnded: Engine._monitor_ended,
}
