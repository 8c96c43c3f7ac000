"""The one interface between the engine and a telephone network.

Two implementations: the virtual carrier (`sim.py`: the demo, tests, load) and
SIP (`sip/`, on sippy + rtpengine, in its own issue). Nothing here names a
protocol: a call is an opaque id string, an agent is the engine's agent id, a
prompt is a name the implementation turns into audio.

Commands are plain methods that return at once; they queue work and never
wait for the network. What happens comes back as events — past-tense
dataclasses — handed to the `emit` callback given to `start()`, always on the
engine's event loop.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable
from dataclasses import dataclass

# -- events ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallArrived:
    """An inbound call rings: `caller` and `dialed` are E.164 numbers when known."""

    call: str
    caller: str
    dialed: str


@dataclass(frozen=True, slots=True)
class Answered:
    """The far end answered: an inbound call we answered, or an outbound call picked up."""

    call: str


@dataclass(frozen=True, slots=True)
class PromptFinished:
    """A prompt played to its end (a loop, such as queue music, never finishes)."""

    call: str
    prompt: str


@dataclass(frozen=True, slots=True)
class DigitsReceived:
    """DTMF collected after `collect_digits`; "" when the timeout passed with none."""

    call: str
    digits: str


@dataclass(frozen=True, slots=True)
class AgentAnswered:
    """The agent's phone picked up the call ringing on it (SIP phones; desks use commands)."""

    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class AgentDeclined:
    """The agent's phone refused the call ringing on it (busy, declined, unreachable): the
    call is offered elsewhere at once, as if the agent had rejected it on the desk."""

    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class AgentHungUp:
    """The agent's phone hung up a connected call."""

    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    """The caller (or called party) hung up, at any moment of the call."""

    call: str


@dataclass(frozen=True, slots=True)
class CallFailed:
    """The call could not be set up or carried on. For a call we dialed, `reason` is
    "busy", "no_answer" (the far end said so; our own ring timeout is the engine's), or
    anything else in words (a network error, "503 Service Unavailable")."""

    call: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordingSaved:
    """The carrier finished recording a call (after `record(call, True)`, once the call is
    over): `path` is a WAV, or a pcap of the call's RTP to convert, in which `caller_port`
    is where the caller's packets went (the rest is the operator's side)."""

    call: str
    path: str
    caller_port: int | None = None


@dataclass(frozen=True, slots=True)
class MonitorStarted:
    """The supervisor's phone answered: they now hear the call (`mode` "listen"), and are
    heard by the agent ("whisper") or by both ("barge")."""

    call: str
    supervisor: str
    mode: str


@dataclass(frozen=True, slots=True)
class MonitorEnded:
    """The supervisor's leg is over; the call goes on (or has just ended). `reason`:
    "stopped" (stop_monitor), "hung_up" (their phone), "no_answer" (refused or not
    answered), "call_ended", "failed" (media could not be set up)."""

    call: str
    supervisor: str
    reason: str


TelephonyEvent = (
    CallArrived
    | Answered
    | PromptFinished
    | DigitsReceived
    | AgentAnswered
    | AgentDeclined
    | AgentHungUp
    | CallerHungUp
    | CallFailed
    | RecordingSaved
    | MonitorStarted
    | MonitorEnded
)
Emit = Callable[[TelephonyEvent], None]

# -- commands ----------------------------------------------------------------------------


class Telephony(abc.ABC):
    """What the engine asks of a telephone network. Every method returns at once."""

    @abc.abstractmethod
    async def start(self, emit: Emit) -> None:
        """Begin taking calls; report every event to `emit` (on the caller's event loop)."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop taking calls and release resources; calls in progress are left as they are."""

    @abc.abstractmethod
    def answer(self, call: str) -> None:
        """Answer an inbound call (then Answered)."""

    @abc.abstractmethod
    def play(self, call: str, prompt: str, language: str) -> None:
        """Play a named prompt in a language (then PromptFinished)."""

    @abc.abstractmethod
    def play_music(self, call: str) -> None:
        """Loop queue music until the next command for this call."""

    @abc.abstractmethod
    def collect_digits(self, call: str, max_digits: int, timeout: float) -> None:
        """Listen for DTMF (then DigitsReceived, with "" after `timeout` seconds of silence)."""

    @abc.abstractmethod
    def ring_agent(self, call: str, agent: str) -> None:
        """Ring the agent's phone with this call (a browser desk rings by itself)."""

    @abc.abstractmethod
    def stop_ringing(self, call: str, agent: str) -> None:
        """Stop ringing the agent: the offer was withdrawn, refused or timed out."""

    @abc.abstractmethod
    def bridge(self, call: str, agent: str) -> None:
        """Connect the caller and the agent."""

    @abc.abstractmethod
    def hold(self, call: str, on: bool) -> None:
        """Put the caller on hold (music) or take them back."""

    @abc.abstractmethod
    def transfer(self, call: str, destination: str) -> None:
        """Hand the caller over to a number outside the floor (a cold transfer): the agent's
        side is dropped and the call leaves us; no event need follow."""

    @abc.abstractmethod
    def hang_up(self, call: str) -> None:
        """End the call from our side (no CallerHungUp follows)."""

    @abc.abstractmethod
    def originate(self, call: str, number: str, caller_id: str) -> None:
        """Dial out under our id `call` (then Answered, or CallFailed with "busy",
        "no_answer" or another reason). `caller_id` "" presents the network's default.
        The agent for this call may have been rung first (`ring_agent`, then AgentAnswered):
        the customer is then connected to them on answer, before `bridge` is asked."""

    def record(self, call: str, on: bool) -> None:
        """Start recording the conversation (then RecordingSaved once the call is over), or
        stop. A network that cannot record says so in its log and the call goes on."""
        logging.getLogger("switchboard.telephony").warning(
            "%s cannot record calls (call %s)", type(self).__name__, call
        )

    def new_call(self, call: str) -> None:
        """An outbound call under our id `call` whose agent is rung (`ring_agent`) before the
        customer is dialed (`originate`): the network prepares for it. Default: nothing."""
        return None

    def has_phone(self, agent: str) -> bool:
        """Whether `ring_agent` would ring a real phone for the agent now (a registered SIP
        phone); without one the agent talks through the browser desk."""
        return False

    # -- supervisor's monitoring (optional: a network that cannot says so) -----------------

    def monitor(self, call: str, supervisor: str, mode: str) -> str | None:
        """Ring the supervisor's own phone with the connected call `call`. `mode`: "listen"
        (they hear caller and agent, nobody hears them), "whisper" (the agent hears them
        too, the caller does not), "barge" (everybody hears everybody). Returns None when
        under way (then
        MonitorStarted or MonitorEnded), else why not, at once: "unsupported" (this network
        cannot), "mode" (this mode cannot), "not_connected", "no_phone", "already"."""
        return "unsupported"

    def stop_monitor(self, call: str, supervisor: str) -> None:
        """End the supervisor's leg (then MonitorEnded "stopped"); the call goes on."""
        return None  # nothing to end where monitor() is unsupported
