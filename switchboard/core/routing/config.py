"""How the router is set up: queues, their strategies and overflow rules, care policies.

Configuration is immutable; a change of configuration is a new router
restored from the old one's snapshot.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import InvalidConfig

Requirement = tuple[tuple[str, int], ...]
"""Skills with minimum levels, sorted by skill name: (("billing", 5), ("english", 3))."""

MIN_LEVEL = 1
MAX_LEVEL = 10


class Strategy(enum.Enum):
    """How a queue picks among several available agents who could take its call."""

    LONGEST_IDLE = "longest_idle"
    LEAST_OCCUPIED = "least_occupied"
    BEST_SKILL = "best_skill"
    ROUND_ROBIN = "round_robin"


def requirement(skills: Mapping[str, int] | None) -> Requirement:
    """Normalize a {skill: minimum level} mapping into a sorted, hashable requirement."""
    if not skills:
        return ()
    for skill, level in skills.items():
        if not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidConfig(f"skill {skill!r}: level {level!r} is not 1-10")
    return tuple(sorted(skills.items()))


def merge(base: Requirement, extra: Requirement) -> Requirement:
    """Both requirements at once: every skill of either, at the higher of the two levels."""
    if not extra:
        return base
    merged = dict(base)
    for skill, level in extra:
        merged[skill] = max(level, merged.get(skill, 0))
    return tuple(sorted(merged.items()))


@dataclass(frozen=True, slots=True)
class OverflowRule:
    """After `after_s` seconds in the queue, widen the skills a call needs or move it.

    `widen_to` replaces the queue's required skills for that call (the call's own
    extra skills, such as a language, still apply); `move_to` sends the call to
    another queue, where it keeps its original arrival time and so its place.
    """

    after_s: float
    widen_to: Mapping[str, int] | None = None
    move_to: str | None = None

    def __post_init__(self) -> None:
        if (self.widen_to is None) == (self.move_to is None):
            raise InvalidConfig("an overflow rule either widens skills or moves the call")
        if self.after_s < 0:
            raise InvalidConfig("an overflow rule cannot fire before the call arrives")


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """One queue: where calls wait for an agent with the right skills.

    `priority` is added to each call's own priority (higher is served first);
    `sl_target_s` is the service-level threshold ("answered within 20 s");
    `max_wait_s` ends a call that waited that long (the engine then offers
    voicemail or a callback); `wrap_up_s` is the after-call work time, None for
    "until the agent ends it".
    """

    id: str
    skills: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    strategy: Strategy = Strategy.LONGEST_IDLE
    sl_target_s: float = 20.0
    sl_goal: float = 0.8
    max_wait_s: float | None = None
    wrap_up_s: float | None = 30.0
    overflow: tuple[OverflowRule, ...] = ()

    @property
    def requirement(self) -> Requirement:
        """The queue's required skills as a normalized requirement."""
        return requirement(self.skills)


@dataclass(frozen=True, slots=True)
class CarePolicy:
    """Operator care: limits the engine applies for the agent's health.

    Defaults follow DESIGN.md "Operator care"; None switches a rule off.
    - after `max_talk_s` of talk without a break of at least `micro_break_s`,
      no new call until such a break has been taken (the engine imposes it);
    - after a call marked difficult, `cool_down_s` with no new call;
    - after `max_missed_offers` missed offers in a row, the agent goes not-ready.
    """

    max_talk_s: float | None = 50 * 60
    micro_break_s: float = 10 * 60
    cool_down_s: float | None = 120.0
    max_missed_offers: int | None = 2


NO_CARE = CarePolicy(max_talk_s=None, cool_down_s=None, max_missed_offers=None)


@dataclass(frozen=True, slots=True)
class RouterConfig:
    """Everything the router needs before the first event.

    `aging_per_s` is how many priority points a call gains per second of
    waiting, the same for every queue so that the order of waiting calls never
    changes with time (see docs/routing.md).
    """

    queues: tuple[QueueConfig, ...]
    care: CarePolicy = CarePolicy()
    aging_per_s: float = 1 / 60

    def __post_init__(self) -> None:
        ids = [queue.id for queue in self.queues]
        if len(set(ids)) != len(ids):
            raise InvalidConfig("two queues share an id")
        known = set(ids)
        for queue in self.queues:
            queue.requirement  # noqa: B018 - validates the levels
            if list(queue.overflow) != sorted(queue.overflow, key=lambda rule: rule.after_s):
                raise InvalidConfig(f"queue {queue.id!r}: overflow rules must be in time order")
            for rule in queue.overflow:
                if rule.move_to is not None and rule.move_to not in known:
                    raise InvalidConfig(f"queue {queue.id!r} overflows to unknown {rule.move_to!r}")
                if rule.widen_to is not None:
                    requirement(rule.widen_to)
        if self.aging_per_s < 0:
            raise InvalidConfig("priority cannot age backwards")
