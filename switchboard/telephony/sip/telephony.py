"""SIP on the Telephony interface: a back-to-back user agent on sippy, media by rtpengine.

The only module that imports sippy. sippy runs its own event loop (`ED2.loop()`) in a
thread of its own; everything sippy touches happens in that thread, everything the
engine sees happens on the engine's asyncio loop:

    sippy thread --loop.call_soon_threadsafe--> asyncio (events, rtpengine, timers)
    asyncio      --ED2.callFromThread---------> sippy thread (answer, hang up)

sippy's dispatcher is a process-wide singleton, so one SipTelephony runs per process.

What works (this first step): inbound calls from trunks on an IP allow-list are answered
through rtpengine, prompts play into the caller's leg, digits come from rtpengine's DTMF
log (RFC 2833) or SIP INFO, hang-ups are reported; strangers get 403. Ringing operators'
phones, bridging, hold, transfer and dialing out come next (docs/sip.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading

from sippy.Core.EventDispatcher import ED2

from ..interface import (
    AgentAnswered,
    AgentDeclined,
    AgentHungUp,
    Answered,
    CallArrived,
    CallerHungUp,
    CallFailed,
    DigitsReceived,
    Emit,
    PromptFinished,
    Telephony,
)
from ..media import MediaClient, MediaError
from .auth import Binding, DigestAuth, Registrations
from .calls import AgentLeg, SipCall, SipError
from .config import SipConfig
from .desk import DeskSide
from .dialog import DialogSide
from .dtmf import digit_from_rtpengine
from .hold import HoldSide
from .limits import RateLimiter
from .monitor import Monitors
from .outbound import OutboundSide
from .recording import SipRecording
from .sdp import placeholder_answer
from .stack import SippySide
from .trunks import TrunkRegistrations

log = logging.getLogger("switchboard.telephony.sip")


class _DtmfLog(asyncio.DatagramProtocol):
    def __init__(self, telephony: SipTelephony) -> None:
        self.telephony = telephony

    def datagram_received(self, data: bytes, addr: object) -> None:
        parsed = digit_from_rtpengine(data)
        if parsed is None:
            log.debug("ignored DTMF log datagram %r", data[:200])
            return
        call = self.telephony._calls.get(parsed[0])
        if call is not None:
            self.telephony._digit(call, parsed[1])


class SipTelephony(
    OutboundSide, HoldSide, DialogSide, DeskSide, SippySide, SipRecording, Telephony
):
    """Calls from SIP trunks, answered by Switchboard. See the module docstring."""

    def __init__(self, config: SipConfig) -> None:
        self.config = config
        self._calls: dict[str, SipCall] = {}
        self._emit: Emit | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._media: MediaClient | None = None
        self._dtmf: asyncio.DatagramTransport | None = None
        self._thread: threading.Thread | None = None
        self._tm = None  # sippy's transaction manager, once its thread runs
        self._tasks: set[asyncio.Task] = set()
        self._sessions = itertools.count(1)
        self._auth = DigestAuth()
        # Only touched in the sippy thread.
        self._limiter = RateLimiter(config.requests_per_second, config.request_burst)
        self._registrations = Registrations()
        self._trunk_registrations = TrunkRegistrations()
        self._registration_waiters: dict[str, list[asyncio.Future]] = {}
        self._monitors = Monitors(self)  # supervisors listening (sip/monitor.py)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, emit: Emit) -> None:
        if self._thread is not None:
            raise SipError("already started")
        self._emit = emit
        self._loop = asyncio.get_running_loop()
        self._media = await MediaClient(*self.config.rtpengine).connect()
        if not await self._media.ping():
            raise SipError("rtpengine did not answer ping")
        self._dtmf, _ = await self._loop.create_datagram_endpoint(
            lambda: _DtmfLog(self), local_addr=self.config.dtmf_listen
        )
        ready: asyncio.Future = self._loop.create_future()
        self._thread = threading.Thread(
            target=self._sippy_main, args=(ready,), name="sippy", daemon=True
        )
        self._thread.start()
        await asyncio.wait_for(ready, 5)
        log.info("SIP listening on %s:%d", self.config.host, self.config.port)

    async def stop(self) -> None:
        if self._thread is None:
            return
        ED2.callFromThread(self._sippy_stop)
        await asyncio.to_thread(self._thread.join, 5)
        self._thread = None
        for call in self._calls.values():
            call.cancel_timers()
        self._monitors.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._dtmf is not None:
            self._dtmf.close()
        if self._media is not None:
            self._media.close()

    # -- the engine's loop ----------------------------------------------------------------

    def _send(self, event) -> None:
        self._emit(event)

    def _spawn(self, coro) -> asyncio.Task:
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("SIP task failed", exc_info=task.exception())

    def _arrived(self, call: SipCall, caller: str, dialed: str, sdp: str) -> None:
        call.remote_sdp = sdp
        self._calls[call.id] = call
        call.caller = caller
        call.dialed = dialed  # its menu's own prompts first
        call.media_ready = self._loop.create_future()
        self._send(CallArrived(call.id, caller, dialed))

    def _answered(self, call: SipCall) -> None:
        if call.state == "answering":
            call.state = "answered"
            self._await_ack(call)
            self._send(Answered(call.id))

    def _registered(self, extension: str, target, granted: int) -> None:
        binding = None
        if target is not None:
            host, port, contact = target
            binding = Binding(extension, host, port, contact, self._loop.time() + granted)
        self._registrations.register(binding, extension)
        log.info("extension %s %s", extension, f"at {target[2]}" if target else "unregistered")
        for waiter in self._registration_waiters.pop(extension, []):
            if not waiter.done():
                waiter.set_result(binding)

    async def wait_registered(self, extension: str, timeout: float = 5.0) -> Binding:
        """The extension's binding once its phone has registered (now, or within `timeout`)."""
        binding = self._registrations.lookup(extension, self._loop.time())
        if binding is not None:
            return binding
        waiter = self._loop.create_future()
        self._registration_waiters.setdefault(extension, []).append(waiter)
        return await asyncio.wait_for(waiter, timeout)

    async def _ring(self, call: SipCall, leg: AgentLeg, binding: Binding, caller: str) -> None:
        try:
            # The caller's leg offered again towards our tag, which the phone will take over:
            # port-latching keeps rtpengine's ports on the caller's side, so no re-INVITE.
            reply = await self._media.offer(
                call.id, call.from_tag, call.remote_sdp, to_tag=call.to_tag, flags=["port-latching"]
            )
        except MediaError as exc:
            log.error("call %s: no media to ring agent %s: %s", call.id, leg.agent, exc)
            leg.state = "gone"
            call.leg = None
            return
        ED2.callFromThread(self._sippy_ring, call, leg, binding, reply["sdp"], caller)

    def _agent_rings(self, leg: AgentLeg) -> None:
        if not leg.rang.done():
            leg.rang.set_result(True)

    async def wait_ringing(self, call: str, timeout: float = 5.0) -> None:
        """Until the agent's phone rings with this call (its 180)."""
        c = self._calls.get(call)
        if c is None or c.leg is None:
            raise SipError(f"call {call} rings no phone")
        await asyncio.wait_for(asyncio.shield(c.leg.rang), timeout)

    def _agent_answered(self, call: SipCall, leg: AgentLeg, sdp: str) -> None:
        if leg.state != "ringing" or call.state == "gone":
            return
        leg.state = "answered"
        leg.sdp = sdp
        if not self._answered_after_accept(call, leg):
            self._send(AgentAnswered(call.id, leg.agent))

    def _agent_gone(self, call: SipCall, leg: AgentLeg, data) -> None:
        was = leg.state
        if was == "gone":
            return
        leg.state = "gone"
        if call.leg is leg:
            call.leg = None
        if was in ("answered", "bridged") and call.state != "gone":
            self._send(AgentHungUp(call.id, leg.agent))
        elif call.outbound:
            self._outbound_phone_refused(call, leg, data)  # sip/outbound.py
        else:
            # Busy, declined or unreachable (a CANCEL of ours marked the leg gone already).
            log.info("call %s: agent %s's phone did not answer (%s)", call.id, leg.agent, data)
            if call.state != "gone" and not leg.bridge_on_answer:
                self._send(AgentDeclined(call.id, leg.agent))

    async def _bridge(self, call: SipCall, leg: AgentLeg) -> None:
        with contextlib.suppress(MediaError):  # nothing was playing
            await self._media.stop_media(call.id, call.from_tag)
        try:
            await self._media.answer(
                call.id, call.from_tag, call.to_tag, leg.sdp, flags=["port-latching"]
            )
        except MediaError as exc:
            log.error("call %s: could not bridge agent %s: %s", call.id, leg.agent, exc)
            return
        leg.state = "bridged"

    def _caller_gone(self, call: SipCall) -> None:
        if call.state == "gone":
            return  # we hung up ourselves: no CallerHungUp
        if call.leg is not None:
            leg, call.leg = call.leg, None
            leg.state = "gone"
            ED2.callFromThread(self._sippy_drop_leg, leg)
        call.end()
        self._calls.pop(call.id, None)
        self._send(CallerHungUp(call.id))
        self._monitors.call_ended(call.id)
        self._spawn(self._release_media(call))

    def _digit(self, call: SipCall, digit: str) -> None:
        if call.state == "gone":
            return
        digits = call.collector.press(digit)
        if digits is not None:
            self._digits_done(call, digits)
        elif call.collector.collecting:
            self._arm_digit_timer(call)

    def _arm_digit_timer(self, call: SipCall) -> None:
        if call.digit_timer is not None:
            call.digit_timer.cancel()
        call.digit_timer = self._loop.call_later(call.digit_timeout, self._digits_timed_out, call)

    def _digits_timed_out(self, call: SipCall) -> None:
        call.digit_timer = None
        if call.state != "gone" and call.collector.collecting:
            self._send(DigitsReceived(call.id, call.collector.time_out()))

    def _digits_done(self, call: SipCall, digits: str) -> None:
        if call.digit_timer is not None:
            call.digit_timer.cancel()
            call.digit_timer = None
        self._send(DigitsReceived(call.id, digits))

    def _live(self, call_id: str) -> SipCall | None:
        call = self._calls.get(call_id)
        if call is None or call.state == "gone":
            log.info("command for call %s, which is gone", call_id)
            return None
        return call

    async def _answer(self, call: SipCall) -> None:
        media = self._media
        try:
            await media.offer(call.id, call.from_tag, call.remote_sdp)
            reply = await media.answer(
                call.id,
                call.from_tag,
                call.to_tag,
                placeholder_answer(call.remote_sdp, next(self._sessions)),
            )
        except MediaError as exc:
            log.error("call %s: rtpengine could not take the media: %s", call.id, exc)
            call.media_ready.set_result(False)
            self._fail(call, f"media: {exc}")
            return
        call.media_ready.set_result(True)
        ED2.callFromThread(self._sippy_connect, call, reply["sdp"])

    def _fail(self, call: SipCall, reason: str) -> None:
        if call.state == "gone":
            return
        connected = call.state == "answered"
        call.end()
        self._calls.pop(call.id, None)
        ED2.callFromThread(self._sippy_hang_up, call, connected)
        self._spawn(self._release_media(call))
        self._send(CallFailed(call.id, reason))
        self._monitors.call_ended(call.id)

    async def _release_media(self, call: SipCall) -> None:
        try:
            await self._media.delete(call.id)
        except MediaError as exc:
            log.warning("call %s: rtpengine delete failed: %s", call.id, exc)
        if call.recording_port is not None:
            await self._recording_closed(call)

    async def _play(self, call: SipCall, prompt: str, language: str, repeat: int | None) -> None:
        # The engine plays the greeting right after `answer`: wait until rtpengine has the leg.
        await asyncio.shield(call.media_ready)
        path = self.config.prompt_path(prompt, language, call.dialed)
        duration = 0.0
        if call.state == "gone":
            return
        if path is None:
            log.error(
                "no WAV for prompt %r in %r (under %s)", prompt, language, self.config.prompts
            )
        else:
            try:
                reply = await self._media.play_media(
                    call.id, call.from_tag, str(path.resolve()), repeat_times=repeat
                )
                duration = reply.get("duration", 0) / 1000
            except MediaError as exc:
                log.error("call %s: prompt %r did not play: %s", call.id, prompt, exc)
        if repeat is None and call.state != "gone":
            # A prompt that cannot play still "finishes": the caller must never be stuck.
            call.prompt_timer = self._loop.call_later(duration, self._prompt_done, call, prompt)

    def _prompt_done(self, call: SipCall, prompt: str) -> None:
        call.prompt_timer = None
        if call.state != "gone":
            self._send(PromptFinished(call.id, prompt))

    # -- commands (Telephony) ---------------------------------------------------------------

    def answer(self, call: str) -> None:
        c = self._live(call)
        if c is not None and c.state == "ringing":
            c.state = "answering"
            self._spawn(self._answer(c))

    def play(self, call: str, prompt: str, language: str) -> None:
        c = self._live(call)
        if c is not None:
            if c.prompt_timer is not None:
                c.prompt_timer.cancel()
                c.prompt_timer = None
            self._spawn(self._play(c, prompt, language, None))

    def collect_digits(self, call: str, max_digits: int, timeout: float) -> None:
        c = self._live(call)
        if c is None:
            return
        c.digit_timeout = timeout
        digits = c.collector.start(max_digits)
        if digits is not None:
            self._loop.call_soon(self._digits_done, c, digits)
        else:
            self._arm_digit_timer(c)

    def ring_agent(self, call: str, agent: str) -> None:
        c = self._live(call)
        phone = self.config.phone_of(agent)
        if c is None or phone is None:
            return  # no SIP phone: the browser desk rings by itself
        binding = self._registrations.lookup(phone.extension, self._loop.time())
        if binding is None:
            log.info("agent %s's phone (%s) is not registered", agent, phone.extension)
            return
        if c.leg is not None:
            log.warning("call %s already rings agent %s", call, c.leg.agent)
            return
        c.leg = AgentLeg(agent, phone.extension, rang=self._loop.create_future())
        self._spawn(self._ring(c, c.leg, binding, c.caller))

    def stop_ringing(self, call: str, agent: str) -> None:
        c = self._calls.get(call)
        if c is None or c.leg is None or c.leg.agent != agent:
            return
        leg, c.leg = c.leg, None
        leg.state = "gone"
        ED2.callFromThread(self._sippy_drop_leg, leg)

    def hang_up(self, call: str) -> None:
        c = self._live(call)
        if c is None:
            return
        connected = c.state == "answered"
        c.end()
        self._calls.pop(c.id, None)
        ED2.callFromThread(self._sippy_hang_up, c, connected)
        self._spawn(self._release_media(c))
        self._monitors.call_ended(c.id)

    def monitor(self, call: str, supervisor: str, mode: str) -> str | None:
        return self._monitors.monitor(call, supervisor, mode)

    def stop_monitor(self, call: str, supervisor: str) -> None:
        self._monitors.stop(call, supervisor)
