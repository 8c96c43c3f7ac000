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
import time
import uuid
from dataclasses import dataclass, field
from functools import partial

from sippy.CCEvents import (
    CCEventConnect,
    CCEventDisconnect,
    CCEventFail,
    CCEventInfo,
    CCEventRing,
    CCEventTry,
)
from sippy.Core.EventDispatcher import ED2
from sippy.MsgBody import MsgBody
from sippy.SipConf import SipConf
from sippy.SipHeader import SipHeader
from sippy.SipLogger import SipLogger
from sippy.SipTransactionManager import SipTransactionManager
from sippy.UA import UA

from ._sip_auth import Binding, DigestAuth, Registrations
from ._sip_config import SipConfig
from ._sip_dtmf import DigitCollector, digit_from_info, digit_from_rtpengine
from ._sip_limits import RateLimiter
from ._sip_sdp import normalise_number, placeholder_answer
from .interface import (
    AgentAnswered,
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
from .media import MediaClient, MediaError

log = logging.getLogger("switchboard.telephony.sip")


class SipError(Exception):
    """The SIP side could not start or carry out a command."""


@dataclass(eq=False)
class _Leg:
    """The operator's leg: our INVITE to their registered phone."""

    agent: str
    extension: str
    ua: UA | None = None
    state: str = "ringing"  # ringing, answered, bridged, gone
    sdp: str = ""  # the phone's answer
    rang: asyncio.Future | None = None  # done when the phone says it rings (180)


@dataclass(eq=False)
class _Call:
    id: str
    ua: UA | None = None
    from_tag: str = ""  # the caller's tag: rtpengine's name for the caller's leg
    to_tag: str = ""  # ours towards the caller
    remote_sdp: str = ""
    caller: str = ""  # shown on the operator's phone
    state: str = "ringing"  # ringing, answering, answered, gone
    collector: DigitCollector = field(default_factory=DigitCollector)
    prompt_timer: asyncio.TimerHandle | None = None
    digit_timer: asyncio.TimerHandle | None = None
    digit_timeout: float = 0.0
    leg: _Leg | None = None
    media_ready: asyncio.Future | None = None  # done once rtpengine holds the caller's leg

    def end(self) -> None:
        self.state = "gone"
        self.cancel_timers()
        if self.media_ready is not None and not self.media_ready.done():
            self.media_ready.set_result(False)  # commands waiting for the media give up

    def cancel_timers(self) -> None:
        for timer in (self.prompt_timer, self.digit_timer):
            if timer is not None:
                timer.cancel()
        self.prompt_timer = self.digit_timer = None


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


def _sippy_log(*args: object, **kwargs: object) -> None:
    log.debug("sippy: %s", " ".join(str(a) for a in args))


class SipTelephony(Telephony):
    """Calls from SIP trunks, answered by Switchboard. See the module docstring."""

    def __init__(self, config: SipConfig) -> None:
        self.config = config
        self._calls: dict[str, _Call] = {}
        self._emit: Emit | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._media: MediaClient | None = None
        self._dtmf: asyncio.DatagramTransport | None = None
        self._thread: threading.Thread | None = None
        self._tm: SipTransactionManager | None = None
        self._tasks: set[asyncio.Task] = set()
        self._sessions = itertools.count(1)
        self._auth = DigestAuth()
        # Only touched in the sippy thread.
        self._limiter = RateLimiter(config.requests_per_second, config.request_burst)
        self._registrations = Registrations()
        self._registration_waiters: dict[str, list[asyncio.Future]] = {}

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
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._dtmf is not None:
            self._dtmf.close()
        if self._media is not None:
            self._media.close()

    # -- the sippy thread -----------------------------------------------------------------

    def _sippy_main(self, ready: asyncio.Future) -> None:
        loop = self._loop
        try:
            # sippy writes its own Contact headers from SipConf: process-wide, like ED2.
            SipConf.my_address = self.config.host
            SipConf.my_port = self.config.port
            logger = SipLogger("switchboard")
            logger.write = _sippy_log
            self._global = {
                "_sip_address": self.config.host,
                "_sip_port": self.config.port,
                "_sip_logger": logger,
            }
            self._tm = SipTransactionManager(self._global, self._recv_request)
            self._global["_sip_tm"] = self._tm
        except BaseException as exc:
            loop.call_soon_threadsafe(ready.set_exception, SipError(f"SIP did not start: {exc}"))
            return
        loop.call_soon_threadsafe(ready.set_result, None)
        # ED2 remembers the thread that imported sippy and warns (with a stack dump) on every
        # timer started elsewhere: this thread is the only one that touches sippy.
        ED2.my_ident = threading.get_ident()
        ED2.loop()

    def _sippy_stop(self) -> None:
        if self._tm is not None:
            self._tm.shutdown()
            self._tm = None
        ED2.breakLoop()

    def _to_engine(self, method, *args) -> None:
        """From the sippy thread to the engine's loop."""
        self._loop.call_soon_threadsafe(method, *args)

    def _recv_request(self, req, sip_t):
        """A request outside any dialog (sippy thread). Returns (response, cancel, disconnect)."""
        host, _port = req.getSource()
        method = req.getMethod()
        if method in ("INVITE", "REGISTER") and not self._limiter.allow(host, time.monotonic()):
            log.warning("%s from %s refused: over the rate limit", method, host)
            return (req.genResponse(503, "Service Unavailable"), None, None)
        if method == "REGISTER":
            return self._register(req)
        trunk = self.config.trunk_for(host)
        if trunk is None:
            log.warning("refused %s from %s: not a configured trunk", method, host)
            return (req.genResponse(403, "Forbidden"), None, None)
        if req.getHFBody("to").getTag() is not None:
            return (req.genResponse(481, "Call Leg/Transaction Does Not Exist"), None, None)
        if method == "OPTIONS":
            return (req.genResponse(200, "OK"), None, None)
        if method != "INVITE":
            return (req.genResponse(501, "Not Implemented"), None, None)
        _lower_contact_transport(req)
        call = _Call(id=uuid.uuid4().hex, from_tag=req.getHFBody("from").getTag() or "")
        call.ua = UA(self._global, event_cb=partial(self._ua_event, call))
        call.to_tag = call.ua.lTag
        log.info("INVITE from trunk %s (%s): call %s", trunk.name, host, call.id)
        return call.ua.recvRequest(req, sip_t)

    def _register(self, req):
        """An operator's phone registers (sippy thread): digest auth, then one binding."""
        header = req.getHFBody("authorization").body if req.countHFs("authorization") else ""
        extension = self._auth.check(header, "REGISTER", self._password_of)
        if extension is None:
            response = req.genResponse(401, "Unauthorized")
            response.appendHeader(SipHeader(name="www-authenticate", bodys=self._auth.challenge()))
            return (response, None, None)
        if req.countHFs("contact") == 0:  # a query of the bindings: none shown for now
            return (req.genResponse(200, "OK"), None, None)
        contact = req.getHFBody("contact")
        asked = None
        if req.countHFs("expires"):
            asked = req.getHFBody("expires").getNum()
        if not contact.asterisk and contact.address.getParam("expires") is not None:
            with contextlib.suppress(ValueError):  # a bad value: the Expires header, or ours
                asked = int(contact.address.getParam("expires"))
        granted = 0 if contact.asterisk else self._registrations.granted(asked)
        response = req.genResponse(200, "OK")
        if granted:
            url = contact.getUrl()
            target = (url.host, url.port or 5060, f"{url}")
            response.appendHeader(SipHeader(name="contact", bodys=f"<{url}>;expires={granted}"))
        else:
            target = None
        self._to_engine(self._registered, extension, target, granted)
        return (response, None, None)

    def _password_of(self, extension: str) -> str | None:
        phone = self.config.phones.get(extension)
        return phone.password if phone is not None else None

    def _sippy_ring(self, call: _Call, leg: _Leg, binding: Binding, sdp: str, caller: str):
        if leg.state != "ringing":
            return  # withdrawn while rtpengine prepared the media
        leg.ua = UA(
            self._global,
            event_cb=partial(self._leg_event, call, leg),
            nh_address=(binding.host, binding.port),
        )
        leg.ua.recvEvent(CCEventTry((None, caller, leg.extension, MsgBody(sdp), None, caller)))

    def _leg_event(self, call: _Call, leg: _Leg, event, ua) -> None:
        """What the operator's phone did (sippy thread)."""
        if isinstance(event, CCEventConnect):
            _code, _reason, body = event.getData()
            self._to_engine(self._agent_answered, call, leg, str(body) if body else "")
        elif isinstance(event, CCEventDisconnect | CCEventFail):
            self._to_engine(self._agent_gone, call, leg, event.getData())
        elif isinstance(event, CCEventRing):
            self._to_engine(self._agent_rings, leg)
        else:
            log.debug("call %s, agent %s: %s not handled yet", call.id, leg.agent, event)

    def _sippy_drop_leg(self, leg: _Leg) -> None:
        if leg.ua is not None:
            # Before the answer sippy sends CANCEL, after it BYE.
            leg.ua.recvEvent(CCEventDisconnect())

    def _ua_event(self, call: _Call, event, ua) -> None:
        """What the caller's user agent did (sippy thread)."""
        if isinstance(event, CCEventTry):
            _cid, cli, cld, body, _auth, _name = event.getData()
            sdp = str(body) if body is not None else ""
            self._to_engine(self._arrived, call, normalise_number(cli), normalise_number(cld), sdp)
        elif isinstance(event, CCEventDisconnect | CCEventFail):
            self._to_engine(self._caller_gone, call)
        elif isinstance(event, CCEventInfo):
            body = event.getData()
            if body is not None:
                digit = digit_from_info(body.getType(), str(body))
                if digit is not None:
                    self._to_engine(self._digit, call, digit)
        else:
            log.debug("call %s: %s not handled yet", call.id, event)

    def _sippy_connect(self, call: _Call, sdp: str) -> None:
        if call.state != "answering" or call.ua is None:
            return  # the caller hung up while rtpengine answered
        call.ua.recvEvent(CCEventConnect((200, "OK", MsgBody(sdp))))
        self._to_engine(self._answered, call)

    def _sippy_hang_up(self, call: _Call, connected: bool) -> None:
        if call.leg is not None and call.leg.ua is not None:
            self._sippy_drop_leg(call.leg)
        if call.ua is None:
            return
        if connected:
            call.ua.recvEvent(CCEventDisconnect())
        else:
            call.ua.recvEvent(CCEventFail((480, "Temporarily Unavailable")))

    # -- the engine's loop ----------------------------------------------------------------

    def _send(self, event) -> None:
        self._emit(event)

    def _spawn(self, coro) -> None:
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("SIP task failed", exc_info=task.exception())

    def _arrived(self, call: _Call, caller: str, dialed: str, sdp: str) -> None:
        call.remote_sdp = sdp
        self._calls[call.id] = call
        call.caller = caller
        call.media_ready = self._loop.create_future()
        self._send(CallArrived(call.id, caller, dialed))

    def _answered(self, call: _Call) -> None:
        if call.state == "answering":
            call.state = "answered"
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

    async def _ring(self, call: _Call, leg: _Leg, binding: Binding, caller: str) -> None:
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

    def _agent_rings(self, leg: _Leg) -> None:
        if not leg.rang.done():
            leg.rang.set_result(True)

    async def wait_ringing(self, call: str, timeout: float = 5.0) -> None:
        """Until the agent's phone rings with this call (its 180)."""
        c = self._calls.get(call)
        if c is None or c.leg is None:
            raise SipError(f"call {call} rings no phone")
        await asyncio.wait_for(asyncio.shield(c.leg.rang), timeout)

    def _agent_answered(self, call: _Call, leg: _Leg, sdp: str) -> None:
        if leg.state != "ringing" or call.state == "gone":
            return
        leg.state = "answered"
        leg.sdp = sdp
        self._send(AgentAnswered(call.id, leg.agent))

    def _agent_gone(self, call: _Call, leg: _Leg, data) -> None:
        was = leg.state
        if was == "gone":
            return
        leg.state = "gone"
        if call.leg is leg:
            call.leg = None
        if was in ("answered", "bridged") and call.state != "gone":
            self._send(AgentHungUp(call.id, leg.agent))
        else:
            # Busy, declined or unreachable: the engine's ring timer re-offers the call.
            log.info("call %s: agent %s's phone did not answer (%s)", call.id, leg.agent, data)

    async def _bridge(self, call: _Call, leg: _Leg) -> None:
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

    def _caller_gone(self, call: _Call) -> None:
        if call.state == "gone":
            return  # we hung up ourselves: no CallerHungUp
        if call.leg is not None:
            leg, call.leg = call.leg, None
            leg.state = "gone"
            ED2.callFromThread(self._sippy_drop_leg, leg)
        call.end()
        self._calls.pop(call.id, None)
        self._send(CallerHungUp(call.id))
        self._spawn(self._release_media(call))

    def _digit(self, call: _Call, digit: str) -> None:
        if call.state == "gone":
            return
        digits = call.collector.press(digit)
        if digits is not None:
            self._digits_done(call, digits)
        elif call.collector.collecting:
            self._arm_digit_timer(call)

    def _arm_digit_timer(self, call: _Call) -> None:
        if call.digit_timer is not None:
            call.digit_timer.cancel()
        call.digit_timer = self._loop.call_later(call.digit_timeout, self._digits_timed_out, call)

    def _digits_timed_out(self, call: _Call) -> None:
        call.digit_timer = None
        if call.state != "gone" and call.collector.collecting:
            self._send(DigitsReceived(call.id, call.collector.time_out()))

    def _digits_done(self, call: _Call, digits: str) -> None:
        if call.digit_timer is not None:
            call.digit_timer.cancel()
            call.digit_timer = None
        self._send(DigitsReceived(call.id, digits))

    def _live(self, call_id: str) -> _Call | None:
        call = self._calls.get(call_id)
        if call is None or call.state == "gone":
            log.info("command for call %s, which is gone", call_id)
            return None
        return call

    async def _answer(self, call: _Call) -> None:
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

    def _fail(self, call: _Call, reason: str) -> None:
        if call.state == "gone":
            return
        connected = call.state == "answered"
        call.end()
        self._calls.pop(call.id, None)
        ED2.callFromThread(self._sippy_hang_up, call, connected)
        self._spawn(self._release_media(call))
        self._send(CallFailed(call.id, reason))

    async def _release_media(self, call: _Call) -> None:
        try:
            await self._media.delete(call.id)
        except MediaError as exc:
            log.warning("call %s: rtpengine delete failed: %s", call.id, exc)

    async def _play(self, call: _Call, prompt: str, language: str, repeat: int | None) -> None:
        # The engine plays the greeting right after `answer`: wait until rtpengine has the leg.
        await asyncio.shield(call.media_ready)
        path = self.config.prompt_path(prompt, language)
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

    def _prompt_done(self, call: _Call, prompt: str) -> None:
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

    def play_music(self, call: str) -> None:
        c = self._live(call)
        if c is not None:
            c.cancel_timers()
            self._spawn(self._play(c, "music", "", 1000))

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
        c.leg = _Leg(agent, phone.extension, rang=self._loop.create_future())
        self._spawn(self._ring(c, c.leg, binding, c.caller))

    def stop_ringing(self, call: str, agent: str) -> None:
        c = self._calls.get(call)
        if c is None or c.leg is None or c.leg.agent != agent:
            return
        leg, c.leg = c.leg, None
        leg.state = "gone"
        ED2.callFromThread(self._sippy_drop_leg, leg)

    def bridge(self, call: str, agent: str) -> None:
        c = self._live(call)
        if c is None:
            return
        if c.leg is None or c.leg.agent != agent or c.leg.state != "answered":
            # A browser desk without a SIP phone: nothing to connect on our side yet.
            log.info("bridge of call %s to %s: no answered SIP phone", call, agent)
            return
        self._spawn(self._bridge(c, c.leg))

    def hold(self, call: str, on: bool) -> None:
        c = self._live(call)
        if c is not None and on:
            self.play_music(call)
        elif c is not None:
            self._spawn(self._media.stop_media(c.id, c.from_tag))

    def transfer(self, call: str, destination: str) -> None:
        log.error("transfer of call %s to %s: not built yet", call, destination)

    def hang_up(self, call: str) -> None:
        c = self._live(call)
        if c is None:
            return
        connected = c.state == "answered"
        c.end()
        self._calls.pop(c.id, None)
        ED2.callFromThread(self._sippy_hang_up, c, connected)
        self._spawn(self._release_media(c))

    def originate(self, call: str, number: str, caller_id: str) -> None:
        self._loop.call_soon(self._send, CallFailed(call, "dialing out over SIP is not built yet"))


def _lower_contact_transport(req) -> None:
    """sippy 2.5.0 cannot send in-dialog requests to `;transport=UDP` (upper case, as SIPp
    and some carriers write it): 'newTransaction() to unsupported transport: UDP'."""
    for contact in req.getHFBodys("contact"):
        if contact.asterisk:
            continue
        url = contact.getUrl()
        if isinstance(url.transport, str):
            url.transport = url.transport.lower()
