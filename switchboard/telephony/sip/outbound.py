"""Dialing out through a trunk, and the blind transfer of a caller to an outside number.

A mixin of SipTelephony: the engine-loop methods first, then those that run in the sippy
thread (`_sippy_*`, `_out_event`, `_xfer_event`).

Names in rtpengine: a call we dial keeps the customer's side under `from_tag` and ours (the
agent's) under `to_tag`, as an inbound call keeps the caller's and ours, so ringing the
operator's phone and bridging (telephony.py) work on both unchanged.

- Customer first: `offer` from our side (a placeholder SDP aimed at the discard port) →
  INVITE to the trunk's outbound target with rtpengine's SDP → the 200's SDP as `answer`
  → Answered. The engine then rings the phone (`ring_agent`: a re-offer from the customer's
  side with port-latching) and bridges, as for an inbound call.
- Agent first: `new_call`, then `ring_agent` offers the placeholder from the customer's side
  to the phone; its 200 is AgentAnswered; `originate` then completes that exchange, offers
  the phone's SDP towards the customer, INVITEs them, and their 200's SDP connects the two.
- Final answers: 486/600 → CallFailed("busy"); 408/480/487 → "no_answer"; others →
  "<code> <reason>". The ring timeout is the engine's: it hangs up (CANCEL).
- No open relay: only the engine dials out. Phones' and strangers' INVITEs never reach a
  trunk (stack.py refuses them with 403): agents call from the desk, not from the phone.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from functools import partial

from sippy.CCEvents import CCEventConnect, CCEventDisconnect, CCEventFail, CCEventTry
from sippy.Core.EventDispatcher import ED2
from sippy.MsgBody import MsgBody

from ..interface import AgentHungUp, Answered, CallFailed
from ..media import MediaError
from .calls import AgentLeg, SipCall

log = logging.getLogger("switchboard.telephony.sip")

BUSY = {486, 600}
NO_ANSWER = {408, 480, 487}


def failure_reason(code: int, reason: str) -> str:
    """A final non-2xx answer to our INVITE as CallFailed's reason."""
    if code in BUSY:
        return "busy"
    if code in NO_ANSWER:
        return "no_answer"
    return f"{code} {reason}".strip()


def placeholder_offer(session: int) -> str:
    """Our side before anyone is on it: PCMA, PCMU and DTMF events, aimed at the discard port."""
    return (
        "\r\n".join(
            [
                "v=0",
                f"o=switchboard {session} 1 IN IP4 127.0.0.1",
                "s=switchboard",
                "c=IN IP4 127.0.0.1",
                "t=0 0",
                "m=audio 9 RTP/AVP 8 0 101",
                "a=rtpmap:8 PCMA/8000",
                "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:101 telephone-event/8000",
                "a=fmtp:101 0-15",
                "a=sendrecv",
            ]
        )
        + "\r\n"
    )


class OutboundSide:
    """Mixed into SipTelephony."""

    # -- engine loop: commands ------------------------------------------------------------

    def has_phone(self, agent: str) -> bool:
        phone = self.config.phone_of(agent)
        if phone is None or self._loop is None:
            return False
        return self._registrations.lookup(phone.extension, self._loop.time()) is not None

    def new_call(self, call: str) -> None:
        if call not in self._calls:
            self._calls[call] = self._outbound_call(call)

    def _outbound_call(self, call: str) -> SipCall:
        c = SipCall(id=call, from_tag=uuid.uuid4().hex, to_tag=uuid.uuid4().hex, outbound=True)
        c.remote_sdp = placeholder_offer(next(self._sessions))
        c.state = "dialing"
        c.media_ready = self._loop.create_future()
        return c

    def originate(self, call: str, number: str, caller_id: str) -> None:
        trunk = self.config.outbound_trunk()
        if trunk is None:
            log.error("call %s to %s: no trunk has an outbound target", call, number)
            self._calls.pop(call, None)
            self._loop.call_soon(self._send, CallFailed(call, "no trunk for outbound calls"))
            return
        c = self._calls.get(call)
        if c is None:
            c = self._calls[call] = self._outbound_call(call)
        elif c.state == "gone":
            return
        c.caller = caller_id or trunk.caller_id
        self._spawn(self._dial(c, trunk.outbound, number))

    async def _dial(self, call: SipCall, target: tuple[str, int], number: str) -> None:
        media = self._media
        leg = call.leg
        try:
            if leg is not None and leg.state == "answered":
                # Agent first: finish the phone's exchange, then offer the phone to the customer.
                await media.answer(call.id, call.from_tag, call.to_tag, leg.sdp)
                reply = await media.offer(call.id, call.to_tag, leg.sdp, to_tag=call.from_tag)
            else:
                reply = await media.offer(call.id, call.to_tag, call.remote_sdp)
        except MediaError as exc:
            log.error("call %s: rtpengine could not take the media: %s", call.id, exc)
            self._out_failed(call, f"media: {exc}")
            return
        if call.state == "gone":
            await self._release_media(call)
            return
        ED2.callFromThread(self._sippy_dial, call, target, number, reply["sdp"])

    def _out_answered(self, call: SipCall, sdp: str) -> None:
        if call.state != "dialing":
            return
        call.state = "answering"
        self._spawn(self._connect_customer(call, sdp))

    async def _connect_customer(self, call: SipCall, sdp: str) -> None:
        try:
            await self._media.answer(call.id, call.to_tag, call.from_tag, sdp)
        except MediaError as exc:
            log.error("call %s: rtpengine refused the customer's answer: %s", call.id, exc)
            self._out_failed(call, f"media: {exc}", connected=True)
            return
        if call.state == "gone":
            return
        call.remote_sdp = sdp  # the customer's: what ringing the phone re-offers
        if call.leg is not None and call.leg.state == "answered":
            call.leg.state = "bridged"  # agent first: the phone hears the customer now
        call.state = "answered"
        call.media_ready.set_result(True)
        self._send(Answered(call.id))

    def _outbound_phone_refused(self, call: SipCall, leg: AgentLeg, data) -> None:
        """The operator's phone refused our call, or never answered it (busy, declined)."""
        log.info("call %s: agent %s's phone did not take it (%s)", call.id, leg.agent, data)
        if call.state == "dialing" and call.ua is None:
            # Agent first: nobody was dialed yet, and nobody will be.
            self._out_failed(call, "the agent's phone did not answer")
        elif call.state == "answered":
            # Customer first: the customer is on the line with nobody to talk to.
            self._send(AgentHungUp(call.id, leg.agent))

    def _out_failed(self, call: SipCall, reason: str, connected: bool = False) -> None:
        if call.state == "gone":
            return  # we hung up (the engine's ring timeout, the desk): nothing to report
        call.end()
        self._calls.pop(call.id, None)
        ED2.callFromThread(self._sippy_hang_up, call, connected)
        self._spawn(self._release_media(call))
        self._send(CallFailed(call.id, reason))

    # -- engine loop: blind transfer to an outside number -----------------------------------

    def transfer(self, call: str, destination: str) -> None:
        c = self._live(call)
        trunk = self.config.outbound_trunk()
        if c is None:
            return
        if trunk is None:
            log.error("transfer of call %s to %s: no outbound trunk; hanging up", call, destination)
            self.hang_up(call)
            return
        if c.leg is not None:  # the operator's phone leaves the call
            leg, c.leg = c.leg, None
            leg.state = "gone"
            ED2.callFromThread(self._sippy_drop_leg, leg)
        # The outside party takes the operator's place as the call's leg: the caller's
        # hang-up (or ours) ends it like any leg.
        c.leg = AgentLeg("outside", destination)
        c.cancel_timers()
        self._spawn(self._play(c, "music", "", 1000))  # the caller waits with music
        self._spawn(self._transfer(c, c.leg, trunk.outbound, trunk.caller_id))

    async def _transfer(self, call: SipCall, leg: AgentLeg, target, caller_id: str) -> None:
        try:
            reply = await self._media.offer(
                call.id, call.from_tag, call.remote_sdp, to_tag=call.to_tag, flags=["port-latching"]
            )
        except MediaError as exc:
            log.error("transfer of call %s: no media: %s", call.id, exc)
            self.hang_up(call.id)
            return
        if call.state == "gone" or call.leg is not leg:
            return
        ED2.callFromThread(self._sippy_transfer, call, leg, target, reply["sdp"], call.caller)

    def _xfer_answered(self, call: SipCall, leg: AgentLeg, sdp: str) -> None:
        if call.state == "gone" or leg.state != "ringing":
            return
        leg.state = "answered"
        self._spawn(self._xfer_bridge(call, leg, sdp))

    async def _xfer_bridge(self, call: SipCall, leg: AgentLeg, sdp: str) -> None:
        with contextlib.suppress(MediaError):  # the music, if it played
            await self._media.stop_media(call.id, call.from_tag)
        try:
            await self._media.answer(
                call.id, call.from_tag, call.to_tag, sdp, flags=["port-latching"]
            )
        except MediaError as exc:
            log.error("transfer of call %s: could not bridge: %s", call.id, exc)
            self.hang_up(call.id)
            return
        leg.state = "bridged"
        log.info("call %s transferred to %s", call.id, leg.extension)

    def _xfer_gone(self, call: SipCall, leg: AgentLeg, data) -> None:
        if leg.state == "gone":
            return
        was, leg.state = leg.state, "gone"
        if was == "ringing":
            log.info("transfer of call %s to %s failed: %s", call.id, leg.extension, data)
        if call.leg is leg:
            call.leg = None
        self.hang_up(call.id)  # the outside party is gone (or never came): end the caller's leg

    # -- sippy thread ----------------------------------------------------------------------------

    def _sippy_dial(self, call: SipCall, target, number: str, sdp: str) -> None:
        if call.state == "gone":
            return
        from sippy.UA import UA

        call.ua = UA(self._global, event_cb=partial(self._out_event, call), nh_address=target)
        caller = call.caller or "anonymous"
        call.ua.recvEvent(CCEventTry((None, caller, number, MsgBody(sdp), None, caller)))

    def _out_event(self, call: SipCall, event, ua) -> None:
        """What the customer's side did (sippy thread)."""
        if isinstance(event, CCEventConnect):
            _lower_target_transport(ua)
            _code, _reason, body = event.getData()
            self._to_engine(self._out_answered, call, str(body) if body else "")
        elif isinstance(event, CCEventFail):
            code, reason = event.getData()[:2]
            self._to_engine(self._out_failed, call, failure_reason(code, reason))
        elif isinstance(event, CCEventDisconnect):
            self._to_engine(self._caller_gone, call)  # the customer hung up
        else:
            log.debug("call %s: %s", call.id, event)

    def _sippy_transfer(self, call: SipCall, leg: AgentLeg, target, sdp: str, caller: str) -> None:
        if call.state == "gone" or leg.state != "ringing":
            return
        from sippy.UA import UA

        leg.ua = UA(self._global, event_cb=partial(self._xfer_event, call, leg), nh_address=target)
        leg.ua.recvEvent(CCEventTry((None, caller, leg.extension, MsgBody(sdp), None, caller)))

    def _xfer_event(self, call: SipCall, leg: AgentLeg, event, ua) -> None:
        if isinstance(event, CCEventConnect):
            _lower_target_transport(ua)
            _code, _reason, body = event.getData()
            self._to_engine(self._xfer_answered, call, leg, str(body) if body else "")
        elif isinstance(event, CCEventDisconnect | CCEventFail):
            self._to_engine(self._xfer_gone, call, leg, event.getData())


def _lower_target_transport(ua) -> None:
    """As stack._lower_contact_transport, for the Contact of a 200 to our INVITE."""
    target = getattr(ua, "rTarget", None)
    if target is not None and isinstance(target.transport, str):
        target.transport = target.transport.lower()
