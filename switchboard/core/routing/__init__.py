"""Skills-based call routing (ACD): events in, decisions out, no I/O, no clock.

    from switchboard.core.routing import Router, RouterConfig, QueueConfig, CallArrived

    router = Router(RouterConfig(queues=(QueueConfig("sales", skills={"sales": 3}),)))
    decisions = router.handle(CallArrived(at=0.0, call="c1", queue="sales"))

See docs/routing.md for the model and how the indexes keep it fast.
"""

from .config import CarePolicy, OverflowRule, QueueConfig, RouterConfig, Strategy
from .decisions import (
    AgentStateChanged,
    CallbackScheduled,
    CallEnded,
    CallOffered,
    CallOverflowed,
    CallQueued,
    CallRequeued,
    Decision,
    OfferWithdrawn,
)
from .errors import (
    CareBreakNotOver,
    ClockWentBackwards,
    DuplicateCall,
    ImpossibleEvent,
    InvalidConfig,
    RoutingError,
    UnknownAgent,
    UnknownCall,
    UnknownQueue,
)
from .events import (
    AgentDialedOut,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentWentOnBreak,
    AgentWentReady,
    CallArrived,
    CallbackRequested,
    CallCompleted,
    CallerHungUp,
    CallMoved,
    DayStarted,
    Event,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    Tick,
    WrapUpEnded,
)
from .model import AgentInfo, AgentState, CallInfo, CallState, Outcome, Reason
from .router import Router
from .stats import AgentStats, QueueStats

__all__ = [
    "AgentDialedOut",
    "AgentInfo",
    "AgentLoggedIn",
    "AgentLoggedOut",
    "AgentState",
    "AgentStateChanged",
    "AgentStats",
    "AgentWentOnBreak",
    "AgentWentReady",
    "CallArrived",
    "CallCompleted",
    "CallEnded",
    "CallInfo",
    "CallMoved",
    "CallOffered",
    "CallOverflowed",
    "CallQueued",
    "CallRequeued",
    "CallState",
    "CallbackRequested",
    "CallbackScheduled",
    "CallerHungUp",
    "CarePolicy",
    "CareBreakNotOver",
    "ClockWentBackwards",
    "DayStarted",
    "Decision",
    "DuplicateCall",
    "Event",
    "ImpossibleEvent",
    "InvalidConfig",
    "OfferAccepted",
    "OfferRejected",
    "OfferTimedOut",
    "OfferWithdrawn",
    "Outcome",
    "OverflowRule",
    "QueueConfig",
    "QueueStats",
    "Reason",
    "Router",
    "RouterConfig",
    "RoutingError",
    "Strategy",
    "Tick",
    "UnknownAgent",
    "UnknownCall",
    "UnknownQueue",
    "WrapUpEnded",
]
