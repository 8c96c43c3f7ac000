"""The router's mutable records of agents and calls, and the enums naming their states.

These records belong to the router; callers read them through the frozen
AgentInfo and CallInfo views the router hands out.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import CarePolicy, Requirement


class AgentState(enum.Enum):
    """Where an agent is in their working day."""

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RESERVED = "reserved"  # a call is ringing on their phone
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    BREAK = "break"  # with a reason: lunch, micro_break, ring_no_answer...


class CallState(enum.Enum):
    """Where a call is between arriving and leaving the router."""

    WAITING = "waiting"
    OFFERED = "offered"
    CONNECTED = "connected"


class Outcome(enum.Enum):
    """How a call left the router."""

    COMPLETED = "completed"
    ABANDONED = "abandoned"
    EXPIRED = "expired"  # waited the queue's maximum


class Reason:
    """Break reasons the router itself sets; agents bring their own ("lunch", ...)."""

    LOGGED_IN = "logged_in"
    RING_NO_ANSWER = "ring_no_answer"
    MISSED_OFFERS = "missed_offers"
    MICRO_BREAK = "micro_break"
    COOL_DOWN = "cool_down"

    ENFORCED = frozenset({MICRO_BREAK, COOL_DOWN})


class Agent:
    """An agent as the router tracks them. Internal: read AgentInfo instead."""

    __slots__ = (
        "id",
        "seq",
        "skills",
        "care",
        "state",
        "reason",
        "since",
        "counted",
        "until",
        "call",
        "available_since",
        "busy_today",
        "talk_since_break",
        "missed_in_row",
        "difficult",
        "time_in_state",
        "rr_last",
        "pools",
        "avail_token",
        "timer_token",
    )

    def __init__(self, agent_id: str, seq: int, skills: Mapping[str, int], at: float) -> None:
        self.id = agent_id
        self.seq = seq
        self.skills: dict[str, int] = dict(skills)
        self.care: CarePolicy | None = None
        self.state = AgentState.LOGGED_OUT
        self.reason: str | None = None
        self.since = at
        self.counted = at  # time_in_state and busy_today are summed up to here
        self.until: float | None = None
        self.call: str | None = None
        self.available_since = at
        self.busy_today = 0.0
        self.talk_since_break = 0.0
        self.missed_in_row = 0
        self.difficult = False
        self.time_in_state: dict[AgentState, float] = dict.fromkeys(AgentState, 0.0)
        self.rr_last: dict[Any, int] = {}  # pool key -> round-robin turn of the last offer
        self.pools: list[
            tuple
        ] = []  # (pool, strategy kind, static rank) for each pool we qualify for
        self.avail_token = 0  # non-zero while available: matches our entries in pool heaps
        self.timer_token = 0


class WorkItem:
    """A call (or callback, or ticket) as the router tracks it. Internal: read CallInfo."""

    __slots__ = (
        "id",
        "seq",
        "queue",
        "own_priority",
        "priority",
        "extra",
        "requirement",
        "step",
        "state",
        "agent",
        "arrived_at",
        "enqueued_at",
        "callback",
        "attributes",
        "pool",
        "token",
        "timer_token",
    )

    def __init__(
        self,
        call_id: str,
        seq: int,
        queue: str,
        own_priority: int,
        extra: Requirement,
        attributes: Mapping[str, str] | None,
        at: float,
    ) -> None:
        self.id = call_id
        self.seq = seq
        self.queue = queue
        self.own_priority = own_priority
        self.priority = own_priority
        self.extra = extra
        self.requirement: Requirement = ()
        self.step = 0  # overflow rules of the current queue already applied
        self.state = CallState.WAITING
        self.agent: str | None = None
        self.arrived_at = at
        self.enqueued_at = at
        self.callback = False
        self.attributes = dict(attributes or {})
        self.pool: Any = None
        self.token = 0  # bumped whenever the call leaves a pool's waiting heap
        self.timer_token = 0


@dataclass(frozen=True, slots=True)
class AgentInfo:
    """A read-only view of one agent."""

    id: str
    state: AgentState
    reason: str | None
    since: float
    until: float | None
    call: str | None
    skills: Mapping[str, int]
    talk_since_break: float
    missed_in_row: int


@dataclass(frozen=True, slots=True)
class CallInfo:
    """A read-only view of one call still in the router."""

    id: str
    queue: str
    state: CallState
    agent: str | None
    arrived_at: float
    priority: int
    requirement: Requirement
    callback: bool
    attributes: Mapping[str, str]
