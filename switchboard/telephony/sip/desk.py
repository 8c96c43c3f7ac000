"""The desk's buttons on a call that rings an operator's SIP phone (engine loop side).

An unanswered INVITE cannot be answered by the one who sent it, nor re-INVITEd. When the
operator presses *accept* on the desk while their phone rings, we withdraw that INVITE
(CANCEL) and ring the phone again at once with the auto-answer headers desk phones and
softphones honour — `Call-Info: <sip:us>;answer-after=0` (Yealink, Snom, Grandstream,
Linphone, Zoiper …) and `Alert-Info: <…>;info=alert-autoanswer` (Polycom) — and bridge the
caller as soon as that call is answered: the headset is live without touching the phone.
A phone that ignores both simply rings again and the operator picks it up; the call is
bridged then. Either way the engine already counts the call as answered at the accept.

*Hang up* on the desk ends the phone's leg (BYE) and the caller's (`hang_up`).
"""

from __future__ import annotations

import logging

from .calls import AgentLeg

log = logging.getLogger("switchboard.telephony.sip")


def auto_answer_headers(host: str) -> list[tuple[str, str]]:
    """(name, value) pairs that ask a phone to answer by itself."""
    return [
        ("Call-Info", f"<sip:{host}>;answer-after=0"),
        ("Alert-Info", f"<sip:{host}>;info=alert-autoanswer;delay=0"),
    ]


class DeskSide:
    """Mixed into SipTelephony: `bridge` for a phone that still rings."""

    def bridge(self, call: str, agent: str) -> None:
        c = self._live(call)
        if c is None:
            return
        leg = c.leg
        if leg is not None and leg.agent == agent and leg.state == "ringing":
            self._answer_on_the_phone(c, leg)
            return
        if leg is None or leg.agent != agent or leg.state != "answered":
            # A browser desk without a SIP phone: nothing to connect on our side yet.
            log.info("bridge of call %s to %s: no answered SIP phone", call, agent)
            return
        self._spawn(self._bridge(c, leg))

    def _answer_on_the_phone(self, c, leg: AgentLeg) -> None:
        binding = self._registrations.lookup(leg.extension, self._loop.time())
        if binding is None:
            log.info("call %s: agent %s's phone is no longer registered", c.id, leg.agent)
            return
        log.info("call %s: accepted on the desk, agent %s's phone auto-answers", c.id, leg.agent)
        self.stop_ringing(c.id, leg.agent)  # CANCEL the INVITE that rings now
        again = AgentLeg(
            leg.agent,
            leg.extension,
            rang=self._loop.create_future(),
            auto_answer=True,
            bridge_on_answer=True,
        )
        c.leg = again
        self._spawn(self._ring(c, again, binding, c.caller))

    def _answered_after_accept(self, c, leg: AgentLeg) -> bool:
        """The phone answered a call the desk had accepted: bridge it, tell nobody."""
        if not leg.bridge_on_answer:
            return False
        self._spawn(self._bridge(c, leg))
        return True
