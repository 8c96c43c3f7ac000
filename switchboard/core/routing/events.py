"""What the router is told: past-tense facts, each stamped with the time it happened.

Times are seconds on any monotonic clock the caller chooses (the live engine's
clock, or the simulator's). The router never reads a clock of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config import CarePolicy


@dataclass(frozen=True, slots=True)
class AgentLoggedIn:
    """The agent logged in; they start not-ready (on break, reason "logged_in").

    `skills` ({skill: level 1-10}) is required the first time and replaces the
    agent's skills when given again; `care` overrides the router's care policy.
    """

    at: float
    agent: str
    skills: Mapping[str, int] | None = None
    care: CarePolicy | None = None


@dataclass(frozen=True, slots=True)
class AgentWentReady:
    """The agent is ready for calls (from a break, not-ready, or ending wrap-up early)."""

    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class AgentWentOnBreak:
    """The agent took a break with a reason code ("lunch", "training", ...)."""

    at: float
    agent: str
    reason: str


@dataclass(frozen=True, slots=True)
class AgentLoggedOut:
    """The agent logged out; a call ringing on their phone goes back to its place."""

    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class WrapUpEnded:
    """The agent finished after-call work before (or without) the queue's wrap-up timer."""

    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class CallArrived:
    """A call (or callback, or any work item) entered a queue.

    `priority` adds to the queue's priority (a gold-tier customer, say);
    `skills` are extra skills this call needs on top of the queue's (a language);
    `attributes` are carried along untouched for the engine and reports.
    """

    at: float
    call: str
    queue: str
    priority: int = 0
    skills: Mapping[str, int] | None = None
    attributes: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class AgentDialedOut:
    """The agent placed an outbound call (click-to-call, or the dialer for them).

    The call enters the router already connected to the agent, under `queue` (whose
    wrap-up and dispositions apply when it ends), so the agent is busy — on call — until
    CallCompleted or CallerHungUp, ringing or talking. Only an available agent, or one
    in wrap-up (calling a customer back), can dial out. The queue's inbound figures
    (offered, answered, service level) do not count it.
    """

    at: float
    agent: str
    call: str
    queue: str


@dataclass(frozen=True, slots=True)
class CallMoved:
    """A supervisor moved a waiting call to another queue; it keeps its arrival time and so
    its place among calls of the same priority (reported as CallOverflowed)."""

    at: float
    call: str
    queue: str


@dataclass(frozen=True, slots=True)
class OfferAccepted:
    """The agent answered the call offered to them."""

    at: float
    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class OfferRejected:
    """The agent declined the call offered to them; the call goes back to its place."""

    at: float
    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class OfferTimedOut:
    """The agent's phone rang without answer; the agent goes not-ready, the call back in line."""

    at: float
    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    """The caller hung up: an abandon while waiting or ringing, the end of a connected call."""

    at: float
    call: str


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    """A waiting caller asked to be called back; the request keeps the caller's place."""

    at: float
    call: str


@dataclass(frozen=True, slots=True)
class CallCompleted:
    """A connected call ended; `difficult` (marked by the agent) starts a cool-down."""

    at: float
    call: str
    difficult: bool = False


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed: timers due by `at` fire (wrap-up ends, overflow, max wait, care breaks)."""

    at: float


@dataclass(frozen=True, slots=True)
class DayStarted:
    """A new reporting day: daily statistics and "least occupied today" start again."""

    at: float


Event = (
    AgentLoggedIn
    | AgentWentReady
    | AgentWentOnBreak
    | AgentLoggedOut
    | WrapUpEnded
    | CallArrived
    | AgentDialedOut
    | CallMoved
    | OfferAccepted
    | OfferRejected
    | OfferTimedOut
    | CallerHungUp
    | CallbackRequested
    | CallCompleted
    | Tick
    | DayStarted
)
