"""The simulator checked against queueing theory: one queue, exponential times, Erlang C / A.

With one queue, Poisson arrivals, exponential talk, no wrap-up, no ring
delay and no operator care, the router and simulator together form an
M/M/n queue (M/M/n+M with exponential patience), whose P(wait), P(abandon)
and service level Erlang C and Erlang A give exactly. The run is cut into
equal batches (the intervals); the first is dropped as warm-up (the floor
starts empty) and the standard error comes from the spread of the batch
means, which unlike the binomial one accounts for calls that wait
together. A figure passes when it is within max(3 standard errors, 0.005).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from switchboard.core.erlang import erlang_a
from switchboard.core.routing.config import NO_CARE

from .distributions import exponential, fixed
from .engine import simulate
from .scenario import AgentSpec, QueueSpec, Scenario

FLOOR = 0.005


@dataclass(frozen=True, slots=True)
class Check:
    """One simulated figure against its formula."""

    case: str
    measure: str  # prob_wait, prob_abandon, service_level
    simulated: float
    expected: float
    standard_error: float

    @property
    def difference(self) -> float:
        """Simulated minus expected."""
        return self.simulated - self.expected

    @property
    def tolerance(self) -> float:
        """max(3 standard errors, 0.005)."""
        return max(3 * self.standard_error, FLOOR)

    @property
    def within(self) -> bool:
        """Whether the difference is within the tolerance."""
        return abs(self.difference) <= self.tolerance


def single_queue(
    agents: int,
    traffic: float,
    aht_s: float,
    patience_s: float | None,
    *,
    target_s: float = 20.0,
    batches: int = 40,
    batch_s: float = 3600.0,
) -> Scenario:
    """The M/M/n(+M) scenario: `batches + 1` equal intervals at `traffic` Erlangs."""
    calls = traffic / aht_s * batch_s
    return Scenario(
        queues=(
            QueueSpec(
                "q",
                calls=(calls,) * (batches + 1),
                talk=exponential(aht_s),
                patience=None if patience_s is None else exponential(patience_s),
                sl_target_s=target_s,
            ),
        ),
        agents=(AgentSpec("a", skills={"any": 1}, count=agents),),
        interval_s=batch_s,
        care=NO_CARE,
        ring_delay=fixed(0.0),
        name=f"M/M/{agents}" + ("" if patience_s is None else "+M"),
    )


def check_against_erlang(
    agents: int,
    traffic: float,
    aht_s: float,
    patience_s: float | None,
    *,
    target_s: float = 20.0,
    batches: int = 40,
    batch_s: float = 3600.0,
    seed: int = 1,
) -> list[Check]:
    """Simulate the single-queue case and compare it with Erlang C (no patience) or Erlang A."""
    scenario = single_queue(
        agents, traffic, aht_s, patience_s, target_s=target_s, batches=batches, batch_s=batch_s
    )
    rows = simulate(scenario, seed=seed).intervals["q"][1:]  # the first batch warms up
    theory = erlang_a(
        traffic, agents, aht_s, math.inf if patience_s is None else patience_s, target_s
    )
    case = f"{agents} agents, {traffic:g} Erlangs, " + (
        "Erlang C" if patience_s is None else f"Erlang A (patience {patience_s:g} s)"
    )
    ended = [r.answered + r.abandoned + r.expired for r in rows]
    measures = {
        "prob_wait": ([r.waited for r in rows], [r.offered for r in rows], theory.prob_wait),
        "service_level": ([r.answered_in_target for r in rows], ended, theory.service_level),
    }
    if patience_s is not None:
        measures["prob_abandon"] = (
            [r.abandoned for r in rows],
            [r.offered for r in rows],
            theory.prob_abandon,
        )
    checks = []
    for measure, (hits, totals, expected) in measures.items():
        ratios = [h / n for h, n in zip(hits, totals, strict=True) if n]
        se = statistics.stdev(ratios) / math.sqrt(len(ratios))
        checks.append(Check(case, measure, sum(hits) / sum(totals), expected, se))
    return checks
