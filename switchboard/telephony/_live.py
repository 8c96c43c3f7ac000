"""The engine's view of calls in progress, and the payloads pages receive (acd/floor.py)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

from django.utils import timezone

from switchboard.core.ivr import Ivr
from switchboard.core.routing import AgentState as RouterState

# Router states as pages know them (acd.models.AgentState values).
STATE_NAMES = {
    RouterState.LOGGED_OUT: "logged_out",
    RouterState.AVAILABLE: "available",
    RouterState.RESERVED: "ringing",
    RouterState.ON_CALL: "on_call",
    RouterState.WRAP_UP: "wrap_up",
    RouterState.BREAK: "break",
}


@dataclass
class LiveCall:
    id: str
    caller: str
    dialed: str
    arrived: float  # monotonic
    contact_id: int | None = None
    ivr: Ivr | None = None
    language: str = ""
    choices: list[str] = field(default_factory=list)
    reason: str = ""
    queue: str | None = None  # code
    state: str = "ivr"  # ivr, waiting, ringing, dialing (outbound), talking, held, ended
    since: datetime.datetime = field(default_factory=timezone.now)
    agent: int | None = None  # user id of the agent offered or connected
    queued: float | None = None
    answered: float | None = None
    talk_total: float = 0.0
    held_at: float | None = None  # monotonic, while on hold
    hold_total: float = 0.0  # part of the talk time the caller spent on hold
    announced: float | None = None  # monotonic: the last queue announcement ended (_announce.py)
    announcing: list[str] = field(default_factory=list)  # its prompts still to play
    transfer_chain: list[dict] = field(default_factory=list)
    difficult: bool = False
    transferring: bool = False
    in_router: bool = False
    record: bool = False  # the conversation is to be recorded (_recording.py)
    consent: str = ""  # the recording announcement playing before the call is routed
    recording: bool = False  # the carrier was told to record
    # Outbound calls (_outbound.py): "caller" is our caller ID, "dialed" the customer.
    direction: str = "inbound"
    mode: str = ""  # agent_first, customer_first
    phase: str = ""  # agent (phone rings), agent_in, customer, agent_after
    final_outcome: str = ""  # set before the router ends the call: busy, no_answer ...
    failure_reason: str = ""
    handed_off: bool = False  # transferred outside: not ours to hang up any more

    def end_hold(self, now: float) -> None:
        if self.held_at is not None:
            self.hold_total += now - self.held_at
            self.held_at = None

    def move(self, state: str) -> None:
        self.state = state
        self.since = timezone.now()


class Clock:
    """Monotonic seconds for the router, wall time for records and pages."""

    def mono(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime.datetime:
        return timezone.now()

    def wall_at(self, mono: float | None) -> datetime.datetime | None:
        """The wall time of a monotonic instant (a router deadline), or None."""
        if mono is None:
            return None
        return timezone.now() + datetime.timedelta(seconds=mono - time.monotonic())


def iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def summary(call: LiveCall, queue_names: dict[str, str]) -> dict:
    """The call summary of acd/floor.py."""
    return {
        "id": call.id,
        "direction": call.direction,
        "caller_number": call.caller,
        "dialed_number": call.dialed,
        "queue": call.queue,
        "queue_name": queue_names.get(call.queue or "", ""),
        "language": call.language,
        "ivr_choices": list(call.choices),
        "reason": call.reason,
        "contact_id": call.contact_id,
        "state": call.state,
        "agent": call.agent,
        "since": iso(call.since),
    }
