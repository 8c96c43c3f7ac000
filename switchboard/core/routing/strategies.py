"""How a queue ranks the available agents who could take its call.

Each strategy turns (agent, pool) into a sort key, smallest first. Every key
is fixed while the agent stays available (it only reads what changes when the
agent is busy), which is what lets pools keep agents in sorted lists instead
of re-ranking them on each call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Strategy

if TYPE_CHECKING:
    from .model import Agent
    from .pools import Pool


def _longest_idle(agent: Agent, pool: Pool) -> tuple[float, float]:
    return (agent.available_since, 0.0)


def _least_occupied(agent: Agent, pool: Pool) -> tuple[float, float]:
    # busy_today only grows on call and in wrap-up, never while available
    return (agent.busy_today, agent.available_since)


def _best_skill(agent: Agent, pool: Pool) -> tuple[float, float]:
    skills = agent.skills
    return (-sum(skills[skill] for skill, _ in pool.requirement), agent.available_since)


def _round_robin(agent: Agent, pool: Pool) -> tuple[float, float]:
    # the agent offered from this pool longest ago (or never) takes the next turn
    return (agent.rr_last.get(pool.key, 0), 0.0)


RANKERS = {
    Strategy.LONGEST_IDLE: _longest_idle,
    Strategy.LEAST_OCCUPIED: _least_occupied,
    Strategy.BEST_SKILL: _best_skill,
    Strategy.ROUND_ROBIN: _round_robin,
}


def rank(agent: Agent, pool: Pool) -> tuple[float, float]:
    """The agent's sort key in the pool under the pool's strategy (smaller is offered first)."""
    return RANKERS[pool.strategy](agent, pool)
