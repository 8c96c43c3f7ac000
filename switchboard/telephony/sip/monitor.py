"""A supervisor listens to a live call from their own registered phone, whispers to the
operator, or barges in.

    caller ─RTP─ rtpengine ─RTP─ operator's phone
                    │ subscribe request (flags "all"): both legs forked, one m-line each
                    ▼
          Mixer (mixer.py) ── caller + operator, one G.711 stream ──> supervisor's phone
                       <── the supervisor's voice (listen: dropped) ──

    whisper: rtpengine's stream to the operator is re-aimed (`answer`, port-latching) at a
             mixer socket; the mixer sends caller + supervisor to the operator's phone.
    barge:   the same for the caller's side too (`offer`, port-latching): operator +
             supervisor to the caller.

How a monitoring goes: `monitor(call, supervisor, "listen")` checks at once that the call
is bridged to an operator's SIP phone and that the supervisor has a registered phone,
then opens a mixer and INVITEs that phone (found like an operator's: `config.phone_of`)
with our SDP (send-receive; while listening its voice goes nowhere). The phone's 200: `subscribe request` of both legs, `subscribe
answer` with the mixer's two ports, the mixer starts sending in the phone's codec, and
MonitorStarted (after the re-aiming, for whisper and barge). The supervisor hanging up
ends the monitoring only (`unsubscribe`, and rtpengine's streams aimed back at the phones
as they were); the call ending hangs up the supervisor's phone. rtpengine keeps its own
ports throughout (port-latching), so caller and operator see no re-INVITE. A supervisor
on the call may change mode (`monitor` again with another mode): only the streams change.

The engine's loop runs everything but the `_sippy_*` methods and `_event`, which run in
the sippy thread, like stack.py.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import partial

from sippy.CCEvents import CCEventConnect, CCEventDisconnect, CCEventFail, CCEventTry
from sippy.Core.EventDispatcher import ED2
from sippy.MsgBody import MsgBody
from sippy.UA import UA

from ..interface import MonitorEnded, MonitorStarted
from ..media import MediaError
from .mixer import DECODE, PCMA, PCMU, Mixer, Source, port_of

log = logging.getLogger("switchboard.telephony.sip")

MODES = ("listen", "whisper", "barge")
RING_SECONDS = 30.0  # the supervisor's phone rings this long at most
_STATIC = {PCMU: "PCMU/8000", PCMA: "PCMA/8000"}


class _NoMedia(Exception):
    """The call's audio cannot be taken through the mixer."""


@dataclass(eq=False)
class Monitoring:
    call: str
    supervisor: str
    extension: str
    mode: str = "listen"
    state: str = "opening"  # opening, ringing, listening, gone
    ua: object | None = None  # sippy UA, touched in the sippy thread only
    mixer: Mixer | None = None
    forks: list[tuple[Source, object]] = field(default_factory=list)  # caller's, operator's
    voice: tuple[Source, object] | None = None  # the supervisor's phone talks to this socket
    subscription: str = ""  # rtpengine's to-tag for the forked media
    rerouted: dict[str, object] = field(default_factory=dict)  # side re-aimed -> its output
    switching: bool = False  # a change of mode is under way
    ring_timer: object | None = None  # asyncio.TimerHandle while their phone rings


def listener_offer(port: int, session: int) -> str:
    """Our INVITE's SDP to the supervisor's phone: G.711 both ways with the mixer. Both
    ways even to listen: what the phone says then goes nowhere, and a change to whisper
    or barge needs no re-INVITE."""
    return (
        "v=0\r\n"
        f"o=switchboard {session} 1 IN IP4 127.0.0.1\r\n"
        "s=switchboard listen\r\n"
        "c=IN IP4 127.0.0.1\r\n"
        "t=0 0\r\n"
        f"m=audio {port} RTP/AVP 8 0\r\n"
        "a=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=sendrecv\r\n"
    )


def aimed_at(sdp: str, host: str, port: int) -> str:
    """A phone's SDP with its audio address replaced by one of ours (RTCP lines dropped):
    what rtpengine is told so that it sends that phone's stream to the mixer instead."""
    sdp = re.sub(r"^c=IN IP4 \S+", f"c=IN IP4 {host}", sdp, flags=re.M)
    sdp = re.sub(r"^m=audio \d+", f"m=audio {port}", sdp, count=1, flags=re.M)
    return re.sub(r"^a=rtcp:.*\r?\n", "", sdp, flags=re.M)


def phone_media(answer: str) -> tuple[tuple[str, int], int] | None:
    """Where the phone wants its audio and in which G.711 codec, from its SDP answer."""
    media = re.search(r"^m=audio (\d+) [A-Z/]+ ([\d ]+)", answer, re.M)
    address = None
    for match in re.finditer(r"^c=IN IP4 (\S+)", answer, re.M):
        address = match.group(1)  # the media-level line, when there is one, comes last
    if media is None or address is None or int(media.group(1)) == 0:
        return None
    codec = next((int(p) for p in media.group(2).split() if int(p) in DECODE), None)
    if codec is None:
        return None
    return (address, int(media.group(1))), codec


def subscription_answer(offer: str, ports: list[int], session: int) -> str:
    """Our answer to rtpengine's subscription offer: each m-line (one per leg) received on
    a mixer port, in a G.711 codec it offered (telephone-events kept, the mixer skips them)."""
    lines = [
        "v=0",
        f"o=switchboard {session} 1 IN IP4 127.0.0.1",
        "s=switchboard listen",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
    ]
    sections = re.split(r"^(?=m=)", offer, flags=re.M)[1:]
    for section, port in zip(sections, ports, strict=False):
        offered = re.match(r"m=audio \d+ [A-Z/]+ ([\d ]+)", section).group(1).split()
        codec = next((int(p) for p in offered if int(p) in _STATIC), PCMA)
        events = re.search(r"^a=rtpmap:(\d+) telephone-event/8000", section, re.M | re.I)
        formats = [str(codec)] + ([events.group(1)] if events else [])
        lines += [
            f"m=audio {port} RTP/AVP {' '.join(formats)}",
            f"a=rtpmap:{codec} {_STATIC[codec]}",
        ]
        if events:
            lines.append(f"a=rtpmap:{events.group(1)} telephone-event/8000")
        lines.append("a=recvonly")
    return "\r\n".join(lines) + "\r\n"


class Monitors:
    """The supervisors' legs of one SipTelephony (`telephony._monitors`)."""

    def __init__(self, telephony) -> None:
        self.tel = telephony
        self.active: dict[tuple[str, str], Monitoring] = {}
        self.ring_seconds = RING_SECONDS

    # -- commands (engine's loop) -------------------------------------------------------------

    def monitor(self, call: str, supervisor: str, mode: str) -> str | None:
        tel = self.tel
        if mode not in MODES:
            return "mode"
        c = tel._calls.get(call)
        if (
            c is None
            or c.state == "gone"
            or c.leg is None
            or c.leg.state not in ("answered", "bridged")
        ):
            return "not_connected"
        phone = tel.config.phone_of(supervisor)
        binding = tel._registrations.lookup(phone.extension, tel._loop.time()) if phone else None
        if binding is None:
            return "no_phone"
        m = self.active.get((call, supervisor))
        if m is not None:
            if m.state != "listening" or m.mode == mode or m.switching:
                return "already"
            m.mode, m.switching = mode, True
            tel._spawn(self._switch(m))
            return None
        m = Monitoring(call, supervisor, phone.extension, mode)
        self.active[(call, supervisor)] = m
        tel._spawn(self._open(m, binding, c.caller))
        return None

    def stop(self, call: str, supervisor: str, reason: str = "stopped") -> None:
        m = self.active.get((call, supervisor))
        if m is not None:
            self._end(m, reason, hang_up=True)

    def call_ended(self, call: str) -> None:
        """The call is over: every supervisor on it is hung up."""
        for m in [m for m in self.active.values() if m.call == call]:
            self._end(m, "call_ended", hang_up=True, media_gone=True)

    def close(self) -> None:
        """SipTelephony stops: sockets and timers go, nothing more is reported."""
        for m in list(self.active.values()):
            m.state = "gone"
            if m.ring_timer is not None:
                m.ring_timer.cancel()
            if m.mixer is not None:
                m.mixer.close()
        self.active.clear()

    # -- the supervisor's leg -------------------------------------------------------------------

    async def _open(self, m: Monitoring, binding, caller: str) -> None:
        tel = self.tel
        m.mixer = Mixer(tel.config.host)
        try:
            m.forks = [await m.mixer.add_source() for _ in range(2)]
            m.voice = await m.mixer.add_source()
        except OSError as exc:
            log.error("call %s: no mixer for %s: %s", m.call, m.supervisor, exc)
            self._end(m, "failed")
            return
        if m.state == "gone":
            m.mixer.close()
            return
        m.state = "ringing"
        sdp = listener_offer(port_of(m.voice[1]), next(tel._sessions))
        ED2.callFromThread(self._sippy_invite, m, binding, sdp, caller)
        m.ring_timer = tel._loop.call_later(self.ring_seconds, self._ring_timeout, m)

    def _ring_timeout(self, m: Monitoring) -> None:
        m.ring_timer = None
        if m.state == "ringing":
            self._end(m, "no_answer", hang_up=True)  # CANCEL

    def _answered(self, m: Monitoring, sdp: str) -> None:
        if m.state != "ringing":
            return
        if m.ring_timer is not None:
            m.ring_timer.cancel()
            m.ring_timer = None
        target = phone_media(sdp)
        if target is None:
            log.error("call %s: %s's phone answered without G.711 audio", m.call, m.supervisor)
            self._end(m, "failed", hang_up=True)
            return
        m.state = "listening"
        self.tel._spawn(self._subscribe(m, *target))

    async def _subscribe(self, m: Monitoring, destination: tuple[str, int], codec: int) -> None:
        media = self.tel._media
        try:
            offer = await media.subscribe_request(m.call)
            m.subscription = offer["to-tag"]
            ports = [port_of(transport) for _source, transport in m.forks]
            await media.subscribe_answer(
                m.call,
                m.subscription,
                subscription_answer(offer["sdp"], ports, next(self.tel._sessions)),
            )
            if m.state != "listening":
                return  # hung up meanwhile: _end has released the subscription
            m.mixer.add_output(m.voice[1], [s for s, _t in m.forks], destination, codec)
            await self._reroute(m)
        except (MediaError, _NoMedia) as exc:
            log.error("call %s: %s could not %s: %s", m.call, m.supervisor, m.mode, exc)
            self._end(m, "failed", hang_up=True)
            return
        if m.state != "listening":
            return
        log.info("call %s: %s %ss (extension %s)", m.call, m.supervisor, m.mode, m.extension)
        self.tel._send(MonitorStarted(m.call, m.supervisor, m.mode))

    async def _reroute(self, m: Monitoring) -> None:
        """Make the streams match the mode. Whisper: the operator hears caller + supervisor.
        Barge: the caller hears operator + supervisor too. rtpengine sends the stream
        towards a side re-aimed here to the mixer instead; back to the phone otherwise."""
        c = self.tel._calls.get(m.call)
        if c is None or c.state == "gone" or c.leg is None:
            raise _NoMedia("the call has no operator's leg any more")
        wanted = {"listen": [], "whisper": ["operator"], "barge": ["operator", "caller"]}[m.mode]
        for side in [s for s in reversed(m.rerouted) if s not in wanted]:
            await self._aim(c, side, c.leg.sdp if side == "operator" else c.remote_sdp)
            output = m.rerouted.pop(side)
            if output is not None:
                m.mixer.remove_output(output)
        for side in [s for s in wanted if s not in m.rerouted]:
            sdp = c.leg.sdp if side == "operator" else c.remote_sdp
            target = phone_media(sdp)
            if target is None:
                raise _NoMedia(f"the {side}'s audio is not G.711")
            source, transport = await m.mixer.add_source()
            await self._aim(c, side, aimed_at(sdp, self.tel.config.host, port_of(transport)))
            m.rerouted[side] = None
            if m.state != "listening":
                return
            m.rerouted[side] = m.mixer.add_output(transport, [source, m.voice[0]], *target)

    async def _switch(self, m: Monitoring) -> None:
        """The supervisor on the call changes mode (listen, whisper, barge): no new ring."""
        try:
            await self._reroute(m)
        except (MediaError, _NoMedia) as exc:
            log.error("call %s: %s could not %s: %s", m.call, m.supervisor, m.mode, exc)
            self._end(m, "failed", hang_up=True)
            return
        finally:
            m.switching = False
        if m.state == "listening":
            log.info("call %s: %s now %ss", m.call, m.supervisor, m.mode)
            self.tel._send(MonitorStarted(m.call, m.supervisor, m.mode))

    async def _aim(self, c, side: str, sdp: str) -> None:
        """Tell rtpengine where to send the stream towards `side` (ports kept)."""
        media = self.tel._media
        if side == "operator":
            await media.answer(c.id, c.from_tag, c.to_tag, sdp, flags=["port-latching"])
        else:
            await media.offer(c.id, c.from_tag, sdp, to_tag=c.to_tag, flags=["port-latching"])

    async def _release(self, m: Monitoring) -> None:
        """The call goes on without the supervisor: streams aimed back at the phones, the
        fork ended, then the mixer closed (so the operator hears no gap meanwhile)."""
        c = self.tel._calls.get(m.call)
        try:
            for side, output in reversed(m.rerouted.items()):
                if c is not None and c.state != "gone" and c.leg is not None:
                    await self._aim(c, side, c.leg.sdp if side == "operator" else c.remote_sdp)
                if output is not None:
                    m.mixer.remove_output(output)  # rtpengine sends that side's audio again
            if m.subscription:
                await self.tel._media.command("unsubscribe", call_id=m.call, to_tag=m.subscription)
        except MediaError as exc:  # the call may have ended meanwhile: nothing left to undo
            log.info("call %s: releasing %s's monitoring: %s", m.call, m.supervisor, exc)
        finally:
            m.mixer.close()

    def _gone(self, m: Monitoring, data) -> None:
        """The supervisor's phone hung up, refused or did not answer."""
        if m.state == "gone":
            return
        self._end(m, "hung_up" if m.state == "listening" else "no_answer")

    def _end(self, m: Monitoring, reason: str, *, hang_up: bool = False, media_gone=False):
        if m.state == "gone":
            return
        m.state = "gone"
        self.active.pop((m.call, m.supervisor), None)
        if m.ring_timer is not None:
            m.ring_timer.cancel()
            m.ring_timer = None
        if hang_up:
            ED2.callFromThread(self._sippy_hang_up, m)
        if m.mixer is not None:
            if media_gone or not (m.subscription or m.rerouted):
                m.mixer.close()
            else:
                self.tel._spawn(self._release(m))
        log.info("call %s: %s's monitoring ended (%s)", m.call, m.supervisor, reason)
        self.tel._send(MonitorEnded(m.call, m.supervisor, reason))

    # -- the sippy thread ---------------------------------------------------------------------

    def _sippy_invite(self, m: Monitoring, binding, sdp: str, caller: str) -> None:
        if m.state != "ringing":
            return
        m.ua = UA(
            self.tel._global,
            event_cb=partial(self._event, m),
            nh_address=(binding.host, binding.port),
        )
        m.ua.recvEvent(CCEventTry((None, caller, m.extension, MsgBody(sdp), None, "listen")))

    def _event(self, m: Monitoring, event, ua) -> None:
        if isinstance(event, CCEventConnect):
            _code, _reason, body = event.getData()
            self.tel._to_engine(self._answered, m, str(body) if body else "")
        elif isinstance(event, CCEventDisconnect | CCEventFail):
            self.tel._to_engine(self._gone, m, event.getData())

    def _sippy_hang_up(self, m: Monitoring) -> None:
        if m.ua is not None:
            m.ua.recvEvent(CCEventDisconnect())  # CANCEL before the answer, BYE after
