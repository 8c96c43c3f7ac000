"""What to simulate: queues with their call volumes and durations, agents with skills and shifts.

Build a Scenario in code from the dataclasses, or from a dict / TOML file
(`Scenario.from_dict`, `load_scenario`; the format is documented in
docs/scenario-example.toml). Every check raises ScenarioError naming the
field, e.g. ``queues[1].calls[3]: must be zero or more, got -5``.

Times are seconds since the simulation starts; the TOML form writes clock
times ("08:30") that are turned into those seconds.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from switchboard.core.routing import CarePolicy, OverflowRule, QueueConfig, RouterConfig, Strategy
from switchboard.core.routing.config import MAX_LEVEL, MIN_LEVEL

from .distributions import Distribution, fixed


class ScenarioError(ValueError):
    """A scenario is wrong; `field` names where (``agents[2].skills.sales``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One queue: how many calls arrive per interval and how long they take.

    `calls[i]` is the expected number of calls in interval i (arrivals are
    Poisson at that rate); `patience` None means callers never hang up;
    `difficult_share` of calls end marked difficult (an operator-care cool-down).
    """

    id: str
    calls: tuple[float, ...]
    talk: Distribution
    wrap_up: Distribution = fixed(0.0)
    patience: Distribution | None = None
    skills: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    strategy: Strategy = Strategy.LONGEST_IDLE
    sl_target_s: float = 20.0
    sl_goal: float = 0.8
    max_wait_s: float | None = None
    overflow: tuple[OverflowRule, ...] = ()
    difficult_share: float = 0.0


@dataclass(frozen=True, slots=True)
class BreakSpec:
    """A scheduled break; taken when the agent is next free if they are on a call."""

    start_s: float
    duration_s: float
    reason: str = "break"


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """`count` agents alike (ids "<id>-01", "<id>-02"... when count > 1).

    The shift runs from `start_s` to `end_s` (None: to the end of the
    simulation); a call in progress at the end is finished first.
    `miss_share` of the offers they get ring out unanswered.
    """

    id: str
    skills: Mapping[str, int]
    count: int = 1
    start_s: float = 0.0
    end_s: float | None = None
    breaks: tuple[BreakSpec, ...] = ()
    miss_share: float = 0.0

    def agent_ids(self) -> list[str]:
        """The ids of the agents this spec stands for."""
        if self.count == 1:
            return [self.id]
        width = max(2, len(str(self.count)))
        return [f"{self.id}-{n:0{width}d}" for n in range(1, self.count + 1)]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A day (or any stretch) of a call center, split into equal intervals.

    `skills` lists the skill names queues and agents may use (None: any);
    `care` is the routing engine's operator-care policy; `ring_delay` how long
    an offered call rings before the agent answers; `ring_timeout_s` how long
    a missed offer rings; `not_ready_s` how long an agent who missed an offer
    stays not-ready; `start_clock_s` only labels the intervals (8:00 = 28,800).
    """

    queues: tuple[QueueSpec, ...]
    agents: tuple[AgentSpec, ...]
    interval_s: float = 1800.0
    skills: tuple[str, ...] | None = None
    care: CarePolicy = CarePolicy()
    ring_delay: Distribution = fixed(2.0)
    ring_timeout_s: float = 15.0
    not_ready_s: float = 30.0
    aging_per_s: float = 1 / 60
    seed: int = 1
    start_clock_s: float = 8 * 3600.0
    max_drain_s: float = 4 * 3600.0
    name: str = "scenario"

    def __post_init__(self) -> None:
        _check_scenario(self)

    @property
    def intervals(self) -> int:
        """How many intervals the rate profiles cover."""
        return len(self.queues[0].calls)

    @property
    def horizon_s(self) -> float:
        """When calls stop arriving (the end of the last interval)."""
        return self.intervals * self.interval_s

    def router_config(self) -> RouterConfig:
        """The routing engine's configuration for this scenario.

        Wrap-up is left to the simulator (`wrap_up_s=None`): it ends wrap-up
        with WrapUpEnded after a drawn time, and can log an agent out of
        wrap-up at the end of their shift instead.
        """
        return RouterConfig(
            queues=tuple(
                QueueConfig(
                    q.id,
                    skills=dict(q.skills),
                    priority=q.priority,
                    strategy=q.strategy,
                    sl_target_s=q.sl_target_s,
                    sl_goal=q.sl_goal,
                    max_wait_s=q.max_wait_s,
                    wrap_up_s=None,
                    overflow=q.overflow,
                )
                for q in self.queues
            ),
            care=self.care,
            aging_per_s=self.aging_per_s,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """A scenario from the TOML layout (see docs/scenario-example.toml) as a dict."""
        from ._parse import parse

        return parse(data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML file; ScenarioError names the field of any mistake."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), f"not valid TOML: {exc}") from None
    return Scenario.from_dict(data)


# --------------------------------------------------------------------------
# Checks shared by code-built and parsed scenarios.


def _finite(path: str, value: Any, *, low: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(path, f"expected a finite number, got {value!r}")
    if value < low or (strict and value == low):
        word = "more than" if strict else "at least"
        raise ScenarioError(path, f"must be {word} {low:g}, got {value!r}")
    return float(value)


def _share(path: str, value: Any) -> None:
    _finite(path, value)
    if value > 1:
        raise ScenarioError(path, f"must be between 0 and 1 (0% and 100%), got {value!r}")


def _check_skills(path: str, skills: Mapping[str, int], known: tuple[str, ...] | None) -> None:
    if not isinstance(skills, Mapping):
        raise ScenarioError(path, f"expected a table of skill = level, got {skills!r}")
    for skill, level in skills.items():
        if known is not None and skill not in known:
            raise ScenarioError(
                f"{path}.{skill}", f"unknown skill (known: {', '.join(known) or 'none'})"
            )
        if isinstance(level, bool) or not isinstance(level, int):
            raise ScenarioError(f"{path}.{skill}", f"level must be a whole number, got {level!r}")
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise ScenarioError(
                f"{path}.{skill}", f"level must be {MIN_LEVEL}-{MAX_LEVEL}, got {level}"
            )


def _check_scenario(s: Scenario) -> None:
    _finite("interval_s", s.interval_s, strict=True)
    _finite("ring_timeout_s", s.ring_timeout_s)
    _finite("not_ready_s", s.not_ready_s)
    _finite("aging_per_s", s.aging_per_s)
    _finite("max_drain_s", s.max_drain_s)
    if not s.queues:
        raise ScenarioError("queues", "a scenario needs at least one queue")
    ids = set()
    intervals = len(s.queues[0].calls)
    for i, q in enumerate(s.queues):
        path = f"queues[{i}]"
        if not isinstance(q.id, str) or not q.id:
            raise ScenarioError(f"{path}.id", "a queue needs a name")
        if q.id in ids:
            raise ScenarioError(f"{path}.id", f"two queues are called {q.id!r}")
        ids.add(q.id)
        if not q.calls:
            raise ScenarioError(f"{path}.calls", "needs one number of calls per interval")
        if len(q.calls) != intervals:
            raise ScenarioError(
                f"{path}.calls",
                f"has {len(q.calls)} intervals but queues[0] has {intervals}; all must match",
            )
        for k, calls in enumerate(q.calls):
            _finite(f"{path}.calls[{k}]", calls)
        _check_skills(f"{path}.skills", q.skills, s.skills)
        _finite(f"{path}.sl_target_s", q.sl_target_s)
        _share(f"{path}.sl_goal", q.sl_goal)
        _share(f"{path}.difficult_share", q.difficult_share)
        if q.max_wait_s is not None:
            _finite(f"{path}.max_wait_s", q.max_wait_s, strict=True)
        if isinstance(q.priority, bool) or not isinstance(q.priority, int):
            raise ScenarioError(f"{path}.priority", f"expected a whole number, got {q.priority!r}")
        for name in ("talk", "wrap_up", "patience"):
            dist = getattr(q, name)
            if not isinstance(dist, Distribution) and not (name == "patience" and dist is None):
                raise ScenarioError(f"{path}.{name}", f"expected a Distribution, got {dist!r}")
    for i, q in enumerate(s.queues):
        for k, rule in enumerate(q.overflow):
            if rule.move_to is not None and rule.move_to not in ids:
                raise ScenarioError(
                    f"queues[{i}].overflow[{k}].move_to", f"unknown queue {rule.move_to!r}"
                )
            if rule.widen_to is not None:
                _check_skills(f"queues[{i}].overflow[{k}].widen_to", rule.widen_to, s.skills)
    agent_ids: set[str] = set()
    for i, a in enumerate(s.agents):
        path = f"agents[{i}]"
        if not isinstance(a.id, str) or not a.id:
            raise ScenarioError(f"{path}.id", "an agent needs a name")
        if isinstance(a.count, bool) or not isinstance(a.count, int) or a.count < 1:
            raise ScenarioError(
                f"{path}.count", f"must be a whole number of 1 or more, got {a.count!r}"
            )
        if not a.skills:
            raise ScenarioError(f"{path}.skills", "an agent needs at least one skill")
        _check_skills(f"{path}.skills", a.skills, s.skills)
        _finite(f"{path}.start_s", a.start_s)
        if a.end_s is not None:
            _finite(f"{path}.end_s", a.end_s)
            if a.end_s <= a.start_s:
                raise ScenarioError(f"{path}.end_s", "the shift ends before it starts")
        _share(f"{path}.miss_share", a.miss_share)
        for k, b in enumerate(a.breaks):
            _finite(f"{path}.breaks[{k}].start_s", b.start_s)
            _finite(f"{path}.breaks[{k}].duration_s", b.duration_s, strict=True)
        for agent_id in a.agent_ids():
            if agent_id in agent_ids:
                raise ScenarioError(f"{path}.id", f"two agents are called {agent_id!r}")
            agent_ids.add(agent_id)
