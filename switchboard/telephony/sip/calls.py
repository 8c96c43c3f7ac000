"""What the SIP side keeps per call: the caller's leg and the operator's leg (no sippy)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .dtmf import DigitCollector


class SipError(Exception):
    """The SIP side could not start or carry out a command."""


@dataclass(eq=False)
class AgentLeg:
    """The operator's leg: our INVITE to their registered phone."""

    agent: str
    extension: str
    ua: object | None = None  # sippy UA, touched in the sippy thread only
    state: str = "ringing"  # ringing, answered, bridged, gone
    sdp: str = ""  # the phone's answer
    rang: asyncio.Future | None = None  # done when the phone says it rings (180)
    auto_answer: bool = False  # ring with auto-answer headers (sip/desk.py)
    bridge_on_answer: bool = False  # the desk accepted already: bridge when it answers


@dataclass(eq=False)
class SipCall:
    id: str
    ua: object | None = None  # sippy UA, touched in the sippy thread only
    from_tag: str = ""  # the caller's tag: rtpengine's name for the caller's leg
    to_tag: str = ""  # ours towards the caller
    remote_sdp: str = ""
    caller: str = ""  # shown on the operator's phone
    dialed: str = ""  # the number the caller dialed (which menu's prompts they hear)
    state: str = "ringing"  # ringing, answering, answered, gone
    collector: DigitCollector = field(default_factory=DigitCollector)
    prompt_timer: asyncio.TimerHandle | None = None
    digit_timer: asyncio.TimerHandle | None = None
    digit_timeout: float = 0.0
    leg: AgentLeg | None = None
    media_ready: asyncio.Future | None = None  # done once rtpengine holds the caller's leg
    recording_port: int | None = None  # recorded: rtpengine's port facing the caller
    # A call we dialed (sip/outbound.py): from_tag names the customer's side in rtpengine,
    # to_tag ours (the agent's); state "dialing" until the customer answers.
    outbound: bool = False
    held: bool = False  # on hold (sip/hold.py): media blocked both ways, music to the caller
    media_task: asyncio.Task | None = None  # the last hold/unhold/music work, in order
    acked: bool = False  # the caller ACKed our 200 (sip/dialog.py)
    ack_timer: asyncio.TimerHandle | None = None

    def end(self) -> None:
        self.state = "gone"
        self.cancel_timers()
        if self.ack_timer is not None:
            self.ack_timer.cancel()
            self.ack_timer = None
        if self.media_ready is not None and not self.media_ready.done():
            self.media_ready.set_result(False)  # commands waiting for the media give up

    def cancel_timers(self) -> None:
        for timer in (self.prompt_timer, self.digit_timer):
            if timer is not None:
                timer.cancel()
        self.prompt_timer = self.digit_timer = None
