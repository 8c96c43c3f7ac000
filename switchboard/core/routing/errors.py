"""Named errors of the routing engine.

Every error is raised *before* the router changes anything, so a caller can
log it and carry on with the router exactly as it was.
"""


class RoutingError(Exception):
    """Base class: an event the router refused. The router's state is unchanged."""


class InvalidConfig(RoutingError):
    """The router configuration contradicts itself (unknown overflow target, bad level...)."""


class UnknownAgent(RoutingError):
    """The event names an agent the router has never seen."""


class UnknownQueue(RoutingError):
    """The event names a queue that is not in the configuration."""


class UnknownCall(RoutingError):
    """The event names a call that is not (or no longer) in the router."""


class ImpossibleEvent(RoutingError):
    """The event cannot happen in the current state (accepting an offer that timed out...)."""


class DuplicateCall(ImpossibleEvent):
    """A call arrived with the id of a call the router still holds."""


class ClockWentBackwards(ImpossibleEvent):
    """The event is stamped earlier than an event the router already handled."""


class CareBreakNotOver(ImpossibleEvent):
    """The agent asked to be ready during a break that operator care imposes."""
