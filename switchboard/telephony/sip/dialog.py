"""What a caller's dialog may do after our answer (engine loop side; no sippy here).

- **re-INVITE** (sippy's `CCEventUpdate`: a carrier moving its media, a codec change, a
  hold from the carrier's side): the new SDP is offered to rtpengine again on the same
  tags (`port-latching`: rtpengine keeps its own ports), answered with the other side's
  SDP (the operator's phone once bridged, else our placeholder), and rtpengine's answer
  goes back in the 200. If rtpengine refuses, the re-INVITE gets 488 and the call goes on
  as it was. A re-INVITE from the operator's phone (its own hold button, a codec change)
  is the same exchange seen from the phone's side: offered on our tag, answered with the
  caller's SDP.
- **No ACK** for our 200: sippy retransmits the 200 and gives up only after 64*T1 (32 s),
  quietly. We keep our own timer (`SipConfig.ack_timeout`, the same 32 s by default): a
  call whose ACK never came is hung up (BYE) and reported as `CallFailed("no ACK")`, so
  the record is closed, never left in progress.
"""

from __future__ import annotations

import logging

from sippy.Core.EventDispatcher import ED2

from ..media import MediaError
from .calls import AgentLeg, SipCall
from .sdp import placeholder_answer

log = logging.getLogger("switchboard.telephony.sip")


class DialogSide:
    """Mixed into SipTelephony (engine loop); the sippy half is in stack.py."""

    def _await_ack(self, call: SipCall) -> None:
        if not call.acked and call.ack_timer is None:
            call.ack_timer = self._loop.call_later(self.config.ack_timeout, self._no_ack, call)

    def _acked(self, call: SipCall) -> None:
        call.acked = True
        if call.ack_timer is not None:
            call.ack_timer.cancel()
            call.ack_timer = None

    def _no_ack(self, call: SipCall) -> None:
        call.ack_timer = None
        if call.acked or call.state == "gone":
            return
        log.warning("call %s: no ACK for our 200 after %.1f s", call.id, self.config.ack_timeout)
        self._fail(call, "no ACK")

    def _reoffered(self, call: SipCall, sdp: str) -> None:
        """The caller sent a re-INVITE with `sdp` (from the sippy thread)."""
        if call.state == "gone":
            return
        self._spawn(self._reoffer(call, sdp))

    async def _reoffer(self, call: SipCall, sdp: str) -> None:
        leg = call.leg
        try:
            await self._media.offer(
                call.id, call.from_tag, sdp, to_tag=call.to_tag, flags=["port-latching"]
            )
            other = (
                leg.sdp
                if leg is not None and leg.state in ("answered", "bridged") and leg.sdp
                else placeholder_answer(sdp, next(self._sessions))
            )
            reply = await self._media.answer(
                call.id, call.from_tag, call.to_tag, other, flags=["port-latching"]
            )
        except MediaError as exc:
            log.error("call %s: re-INVITE refused, rtpengine: %s", call.id, exc)
            ED2.callFromThread(self._sippy_update_answer, call.ua, None)
            return
        call.remote_sdp = sdp
        ED2.callFromThread(self._sippy_update_answer, call.ua, reply["sdp"])

    def _leg_reoffered(self, call: SipCall, leg: AgentLeg, sdp: str) -> None:
        """The operator's phone sent a re-INVITE (its own hold, a codec change)."""
        if call.state == "gone" or leg.state not in ("answered", "bridged"):
            ED2.callFromThread(self._sippy_update_answer, leg.ua, None)
            return
        self._spawn(self._leg_reoffer(call, leg, sdp))

    async def _leg_reoffer(self, call: SipCall, leg: AgentLeg, sdp: str) -> None:
        # The same rtpengine call seen from the phone's side: its tag (ours towards the
        # caller) offers, the caller's tag answers with the caller's unchanged SDP.
        try:
            await self._media.offer(
                call.id, call.to_tag, sdp, to_tag=call.from_tag, flags=["port-latching"]
            )
            reply = await self._media.answer(
                call.id, call.to_tag, call.from_tag, call.remote_sdp, flags=["port-latching"]
            )
        except MediaError as exc:
            log.error("call %s: the phone's re-INVITE refused, rtpengine: %s", call.id, exc)
            ED2.callFromThread(self._sippy_update_answer, leg.ua, None)
            return
        leg.sdp = sdp
        ED2.callFromThread(self._sippy_update_answer, leg.ua, reply["sdp"])
