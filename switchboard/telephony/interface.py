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
    """The call could not be set up or carried on (busy, no answer, network error)."""

    call: str
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
        """Hand the caller over to a number outside the floor (a cold transfer); the call
        leaves us (then CallerHungUp)."""

    @abc.abstractmethod
    def hang_up(self, call: str) -> None:
        """End the call from our side (no CallerHungUp follows)."""

    @abc.abstractmethod
    def originate(self, call: str, number: str, caller_id: str) -> None:
        """Dial out under our id `call` (then Answered, or CallFailed)."""
