"""Snapshot and restore: the router's whole state as plain, JSON-ready data.

Only primary facts are stored (agents, calls, counters, timers, round-robin
turns); the indexes are rebuilt from them, so a snapshot taken by one version
of the index still restores after the index changes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .config import RouterConfig, Strategy
from .errors import InvalidConfig
from .model import Agent, AgentState, CallState, WorkItem
from .stats import QueueCounters
from .timers import AGENT

if TYPE_CHECKING:
    from .router import Router

VERSION = 1


def _key_out(key: tuple) -> list:
    req, strategy, queue = key
    return [[list(pair) for pair in req], strategy.value, queue]


def _key_in(data: list) -> tuple:
    req, strategy, queue = data
    return (tuple((skill, level) for skill, level in req), Strategy(strategy), queue)


def _agent_out(agent: Agent) -> dict[str, Any]:
    care = agent.care
    return {
        "id": agent.id,
        "seq": agent.seq,
        "skills": dict(agent.skills),
        "care": None
        if care is None
        else [care.max_talk_s, care.micro_break_s, care.cool_down_s, care.max_missed_offers],
        "state": agent.state.value,
        "reason": agent.reason,
        "since": agent.since,
        "counted": agent.counted,
        "until": agent.until,
        "call": agent.call,
        "available_since": agent.available_since,
        "busy_today": agent.busy_today,
        "talk_since_break": agent.talk_since_break,
        "missed_in_row": agent.missed_in_row,
        "difficult": agent.difficult,
        "time_in_state": {state.value: s for state, s in agent.time_in_state.items()},
        "rr_last": [[_key_out(key), turn] for key, turn in agent.rr_last.items()],
        "timer_token": agent.timer_token,
    }


def _call_out(item: WorkItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "seq": item.seq,
        "queue": item.queue,
        "own_priority": item.own_priority,
        "priority": item.priority,
        "extra": [list(pair) for pair in item.extra],
        "requirement": [list(pair) for pair in item.requirement],
        "strategy": item.pool.strategy.value,
        "step": item.step,
        "state": item.state.value,
        "agent": item.agent,
        "arrived_at": item.arrived_at,
        "enqueued_at": item.enqueued_at,
        "callback": item.callback,
        "attributes": dict(item.attributes),
        "timer_token": item.timer_token,
    }


def take(router: Router) -> dict[str, Any]:
    """The router's state as nested dicts and lists of str, int, float, bool and None."""
    timers = []
    for deadline, seq, kind, ref, token in sorted(router._timers.heap):
        owner = router._agents.get(ref) if kind == AGENT else router._calls.get(ref)
        if owner is not None and owner.timer_token == token:
            timers.append([deadline, seq, kind, ref, token])
    return {
        "version": VERSION,
        "now": None if router._now == -math.inf else router._now,
        "seq": router._seq,
        "timer_seq": router._timers.seq,
        "pools": [[_key_out(key), pool.turn] for key, pool in router._index.pools.items()],
        "agents": [_agent_out(agent) for agent in router._agents.values()],
        "calls": [_call_out(item) for item in router._calls.values()],
        "counters": {
            queue: {name: getattr(c, name) for name in QueueCounters.COUNTERS}
            for queue, c in router._counters.items()
        },
        "timers": timers,
    }


def rebuild(cls: type[Router], config: RouterConfig, data: dict[str, Any]) -> Router:
    """A router of class `cls` in the state captured by `take`."""
    from .config import CarePolicy

    if data.get("version") != VERSION:
        raise InvalidConfig(f"snapshot version {data.get('version')!r} is not {VERSION}")
    router = cls(config)
    index = router._index
    router._now = -math.inf if data["now"] is None else data["now"]
    router._seq = data["seq"]
    for key, turn in data["pools"]:
        req, strategy, queue = _key_in(key)
        index.pool(req, strategy, queue).turn = turn
    for a in data["agents"]:
        agent = Agent(a["id"], a["seq"], a["skills"], a["since"])
        agent.care = None if a["care"] is None else CarePolicy(*a["care"])
        agent.state = AgentState(a["state"])
        for name in (
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
            "timer_token",
        ):
            setattr(agent, name, a[name])
        agent.time_in_state = {AgentState(s): t for s, t in a["time_in_state"].items()}
        agent.rr_last = {_key_in(key): turn for key, turn in a["rr_last"]}
        router._agents[agent.id] = agent
        index.attach(agent)
        if agent.state is AgentState.AVAILABLE:
            index.add_available(agent)
    for c in data["calls"]:
        extra = tuple((skill, level) for skill, level in c["extra"])
        item = WorkItem(
            c["id"],
            c["seq"],
            c["queue"],
            c["own_priority"],
            extra,
            c["attributes"],
            c["arrived_at"],
        )
        for name in ("priority", "step", "agent", "enqueued_at", "callback", "timer_token"):
            setattr(item, name, c[name])
        item.state = CallState(c["state"])
        item.requirement = tuple((skill, level) for skill, level in c["requirement"])
        item.pool = index.pool(item.requirement, Strategy(c["strategy"]), item.queue)
        router._calls[item.id] = item
        if item.state is CallState.WAITING:
            index.push_waiting(item)
            router._counters[item.queue].waiting[item.id] = item.arrived_at
    for queue, values in data["counters"].items():
        for name, value in values.items():
            setattr(router._counters[queue], name, value)
    router._timers.heap = [tuple(entry) for entry in data["timers"]]  # sorted, so a heap
    router._timers.seq = data["timer_seq"]
    return router
