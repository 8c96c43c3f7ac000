"""Scenario.from_dict: the TOML layout turned into dataclasses, every mistake named by field.

The layout is documented, with an example of every option, in
docs/scenario-example.toml.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from switchboard.core.routing import CarePolicy, OverflowRule, Strategy
from switchboard.core.routing.config import NO_CARE

from .distributions import KINDS, Distribution
from .scenario import AgentSpec, BreakSpec, QueueSpec, Scenario, ScenarioError

TOP = {"name", "simulation", "skills", "care", "profiles", "queues", "agents"}
SIMULATION = {
    "seed",
    "start",
    "interval_minutes",
    "ring_delay",
    "ring_timeout_s",
    "not_ready_s",
    "aging_per_minute",
    "max_drain_minutes",
}
CARE = {"enabled", "max_talk_minutes", "micro_break_minutes", "cool_down_s", "max_missed_offers"}
QUEUE = {
    "id",
    "skills",
    "calls",
    "profile",
    "daily_calls",
    "talk",
    "wrap_up",
    "patience",
    "target",
    "priority",
    "strategy",
    "max_wait_s",
    "overflow",
    "difficult_share",
}
AGENT = {"id", "count", "skills", "shift", "breaks", "miss_share"}
BREAK = {"at", "minutes", "reason"}
OVERFLOW = {"after_s", "move_to", "widen_to"}
DISTRIBUTION = {"kind", "mean", "sd", "values"}


def parse(data: Mapping[str, Any]) -> Scenario:
    """Build a Scenario from the TOML layout; ScenarioError names the first wrong field."""
    _table(data, "", TOP)
    sim = _table(data.get("simulation", {}), "simulation", SIMULATION)
    start = _clock(sim.get("start", "08:00"), "simulation.start")
    interval_s = 60 * _number(
        sim.get("interval_minutes", 30), "simulation.interval_minutes", strict=True
    )
    skills = data.get("skills")
    if skills is not None:
        if not isinstance(skills, list) or not all(isinstance(s, str) and s for s in skills):
            raise ScenarioError("skills", "expected a list of skill names")
        skills = tuple(skills)
    profiles = data.get("profiles", {})
    _table(profiles, "profiles", None)
    queues_data = data.get("queues")
    if not isinstance(queues_data, list) or not queues_data:
        raise ScenarioError("queues", "expected at least one [[queues]] table")
    queues = tuple(_queue(q, f"queues[{i}]", profiles) for i, q in enumerate(queues_data))
    agents_data = data.get("agents", [])
    if not isinstance(agents_data, list):
        raise ScenarioError("agents", "expected [[agents]] tables")
    agents = tuple(_agent(a, f"agents[{i}]", start) for i, a in enumerate(agents_data))
    seed = sim.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ScenarioError("simulation.seed", f"expected a whole number, got {seed!r}")
    return Scenario(
        queues=queues,
        agents=agents,
        interval_s=interval_s,
        skills=skills,
        care=_care(data.get("care", {})),
        ring_delay=_distribution(sim.get("ring_delay", 2.0), "simulation.ring_delay"),
        ring_timeout_s=_number(sim.get("ring_timeout_s", 15), "simulation.ring_timeout_s"),
        not_ready_s=_number(sim.get("not_ready_s", 30), "simulation.not_ready_s"),
        aging_per_s=_number(sim.get("aging_per_minute", 1), "simulation.aging_per_minute") / 60,
        seed=seed,
        start_clock_s=start,
        max_drain_s=60 * _number(sim.get("max_drain_minutes", 240), "simulation.max_drain_minutes"),
        name=str(data.get("name", "scenario")),
    )


def _table(value: Any, path: str, allowed: set[str] | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(path or "scenario", f"expected a table, got {value!r}")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise ScenarioError(
                    where, f"unknown field (expected one of {', '.join(sorted(allowed))})"
                )
    return value


def _number(value: Any, path: str, *, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(path, f"expected a number, got {value!r}")
    if value < 0 or (strict and value == 0):
        raise ScenarioError(
            path, f"must be {'more than' if strict else 'at least'} 0, got {value!r}"
        )
    return float(value)


def _clock(value: Any, path: str) -> float:
    """'08:30' -> seconds since midnight; '24:00' is allowed as the end of a day."""
    if isinstance(value, str):
        hours, sep, minutes = value.strip().partition(":")
        if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
            h, m = int(hours), int(minutes)
            if (h < 24 and m < 60) or (h == 24 and m == 0):
                return h * 3600.0 + m * 60.0
    raise ScenarioError(path, f'expected a clock time such as "08:30", got {value!r}')


def _since(value: Any, path: str, start: float) -> float:
    seconds = _clock(value, path)
    if seconds < start:
        raise ScenarioError(path, f"{value} is before the simulation starts")
    return seconds - start


def _distribution(value: Any, path: str) -> Distribution:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Distribution("fixed", mean=_number(value, path))
    _table(value, path, DISTRIBUTION)
    kind = value.get("kind")
    if kind not in KINDS:
        raise ScenarioError(f"{path}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "empirical":
        values = value.get("values")
        if not isinstance(values, list) or not values:
            raise ScenarioError(f"{path}.values", "expected a non-empty list of seconds")
        return Distribution(
            kind, values=tuple(_number(v, f"{path}.values[{i}]") for i, v in enumerate(values))
        )
    if "mean" not in value:
        raise ScenarioError(f"{path}.mean", f"a {kind} distribution needs a mean")
    mean = _number(value["mean"], f"{path}.mean", strict=kind != "fixed")
    sd = 0.0
    if kind == "lognormal":
        if "sd" not in value:
            raise ScenarioError(f"{path}.sd", "a lognormal distribution needs an sd")
        sd = _number(value["sd"], f"{path}.sd", strict=True)
    return Distribution(kind, mean=mean, sd=sd)


def _target(value: Any, path: str) -> tuple[float, float]:
    """'80/20' -> (0.8, 20.0)."""
    if isinstance(value, str):
        percent, sep, seconds = value.partition("/")
        try:
            p = float(percent.strip().removesuffix("%"))
            t = float(seconds.strip().removesuffix("s"))
        except ValueError:
            p = t = math.nan
        if sep and math.isfinite(p) and math.isfinite(t):
            if not 0 < p <= 100:
                raise ScenarioError(
                    path, f"the percentage must be above 0 and at most 100, got {value!r}"
                )
            if t < 0:
                raise ScenarioError(path, f"the seconds must be zero or more, got {value!r}")
            return p / 100, t
    raise ScenarioError(path, f'expected PERCENT/SECONDS such as "80/20", got {value!r}')


def _calls(q: Mapping[str, Any], path: str, profiles: Mapping[str, Any]) -> tuple[float, ...]:
    if "calls" in q:
        if "profile" in q or "daily_calls" in q:
            raise ScenarioError(f"{path}.calls", "give either calls or profile + daily_calls")
        calls = q["calls"]
        if not isinstance(calls, list) or not calls:
            raise ScenarioError(f"{path}.calls", "expected a list of calls per interval")
        return tuple(_number(c, f"{path}.calls[{i}]") for i, c in enumerate(calls))
    if "profile" not in q:
        raise ScenarioError(f"{path}.calls", "needs calls = [...] or profile + daily_calls")
    name = q["profile"]
    if name not in profiles:
        raise ScenarioError(f"{path}.profile", f"unknown profile {name!r}")
    weights = profiles[name]
    if not isinstance(weights, list) or not weights:
        raise ScenarioError(f"profiles.{name}", "expected a list of weights per interval")
    weights = [_number(w, f"profiles.{name}[{i}]") for i, w in enumerate(weights)]
    total = math.fsum(weights)
    if total == 0:
        raise ScenarioError(f"profiles.{name}", "the weights add up to zero")
    daily = _number(q.get("daily_calls", math.nan), f"{path}.daily_calls")
    return tuple(daily * w / total for w in weights)


def _queue(q: Any, path: str, profiles: Mapping[str, Any]) -> QueueSpec:
    _table(q, path, QUEUE)
    if "talk" not in q:
        raise ScenarioError(f"{path}.talk", "every queue needs a talk time")
    goal, target_s = _target(q.get("target", "80/20"), f"{path}.target")
    strategy = q.get("strategy", "longest_idle")
    try:
        strategy = Strategy(strategy)
    except ValueError:
        names = ", ".join(s.value for s in Strategy)
        raise ScenarioError(
            f"{path}.strategy", f"expected one of {names}, got {strategy!r}"
        ) from None
    overflow = q.get("overflow", [])
    if not isinstance(overflow, list):
        raise ScenarioError(f"{path}.overflow", "expected a list of rules")
    rules = []
    for k, rule in enumerate(overflow):
        where = f"{path}.overflow[{k}]"
        _table(rule, where, OVERFLOW)
        if ("move_to" in rule) == ("widen_to" in rule):
            raise ScenarioError(where, "a rule has either move_to or widen_to")
        rules.append(
            OverflowRule(
                _number(rule.get("after_s", math.nan), f"{where}.after_s"),
                widen_to=rule.get("widen_to"),
                move_to=rule.get("move_to"),
            )
        )
    if [r.after_s for r in rules] != sorted(r.after_s for r in rules):
        raise ScenarioError(f"{path}.overflow", "rules must be in order of after_s")
    return QueueSpec(
        id=q.get("id", ""),
        calls=_calls(q, path, profiles),
        talk=_distribution(q["talk"], f"{path}.talk"),
        wrap_up=_distribution(q.get("wrap_up", 0), f"{path}.wrap_up"),
        patience=_distribution(q["patience"], f"{path}.patience") if "patience" in q else None,
        skills=dict(_table(q.get("skills", {}), f"{path}.skills", None)),
        priority=q.get("priority", 0),
        strategy=strategy,
        sl_target_s=target_s,
        sl_goal=goal,
        max_wait_s=_number(q["max_wait_s"], f"{path}.max_wait_s") if "max_wait_s" in q else None,
        overflow=tuple(rules),
        difficult_share=q.get("difficult_share", 0.0),
    )


def _agent(a: Any, path: str, start: float) -> AgentSpec:
    _table(a, path, AGENT)
    begin, end = 0.0, None
    if "shift" in a:
        shift = a["shift"]
        first, sep, last = shift.partition("-") if isinstance(shift, str) else ("", "", "")
        if not sep:
            raise ScenarioError(f"{path}.shift", f'expected "08:00-16:30", got {shift!r}')
        begin = _since(first, f"{path}.shift", start)
        end = _since(last, f"{path}.shift", start)
    breaks = a.get("breaks", [])
    if not isinstance(breaks, list):
        raise ScenarioError(f"{path}.breaks", "expected a list of breaks")
    specs = []
    for k, b in enumerate(breaks):
        where = f"{path}.breaks[{k}]"
        _table(b, where, BREAK)
        specs.append(
            BreakSpec(
                _since(b.get("at"), f"{where}.at", start),
                60 * _number(b.get("minutes", math.nan), f"{where}.minutes", strict=True),
                str(b.get("reason", "break")),
            )
        )
    return AgentSpec(
        id=a.get("id", ""),
        skills=dict(_table(a.get("skills", {}), f"{path}.skills", None)),
        count=a.get("count", 1),
        start_s=begin,
        end_s=end,
        breaks=tuple(specs),
        miss_share=a.get("miss_share", 0.0),
    )


def _care(value: Any) -> CarePolicy:
    if value is False:
        return NO_CARE
    _table(value, "care", CARE)
    if value.get("enabled", True) is False:
        return NO_CARE
    default = CarePolicy()

    def minutes(key: str, fallback: float | None) -> float | None:
        if key not in value:
            return fallback
        return 60 * _number(value[key], f"care.{key}", strict=True)

    missed = value.get("max_missed_offers", default.max_missed_offers)
    if missed is not None and (
        isinstance(missed, bool) or not isinstance(missed, int) or missed < 1
    ):
        raise ScenarioError(
            "care.max_missed_offers", f"expected a whole number of 1 or more, got {missed!r}"
        )
    cool = value.get("cool_down_s", default.cool_down_s)
    return CarePolicy(
        max_talk_s=minutes("max_talk_minutes", default.max_talk_s),
        micro_break_s=minutes("micro_break_minutes", default.micro_break_s),  # type: ignore[arg-type]
        cool_down_s=None if cool is None else _number(cool, "care.cool_down_s"),
        max_missed_offers=missed,
    )
