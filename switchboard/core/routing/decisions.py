"""What the router answers: decisions for the engine to carry out, and facts for the wall.

The engine acts on CallOffered (ring the agent), OfferWithdrawn (stop
ringing), CallEnded with outcome EXPIRED (voicemail or callback offer) and
CallOffered with callback=True (dial the customer back). The rest informs the
supervisor's wall and the reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import AgentState, Outcome


@dataclass(frozen=True, slots=True)
class CallQueued:
    """The call waits in the queue: no available agent has the skills it needs."""

    at: float
    call: str
    queue: str


@dataclass(frozen=True, slots=True)
class CallOffered:
    """Ring this agent with this call; the agent is reserved until they answer or miss it."""

    at: float
    call: str
    agent: str
    queue: str
    callback: bool = False


@dataclass(frozen=True, slots=True)
class OfferWithdrawn:
    """Stop ringing: the caller hung up while the agent's phone rang."""

    at: float
    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class CallRequeued:
    """An offer was missed or refused; the call is back at its old place in line."""

    at: float
    call: str
    queue: str


@dataclass(frozen=True, slots=True)
class CallOverflowed:
    """An overflow rule fired: the call moved queue, or (widened=True) needs fewer skills."""

    at: float
    call: str
    from_queue: str
    to_queue: str
    widened: bool


@dataclass(frozen=True, slots=True)
class CallbackScheduled:
    """The caller will be called back when their turn comes."""

    at: float
    call: str
    queue: str


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The call left the router, once and for all: completed, abandoned or expired."""

    at: float
    call: str
    queue: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    """The agent's state changed; `until` is set when a timer will end it (wrap-up, care)."""

    at: float
    agent: str
    state: AgentState
    reason: str | None = None
    until: float | None = None


Decision = (
    CallQueued
    | CallOffered
    | OfferWithdrawn
    | CallRequeued
    | CallOverflowed
    | CallbackScheduled
    | CallEnded
    | AgentStateChanged
)
