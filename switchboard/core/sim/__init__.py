"""The digital twin: a discrete-event simulation of a call center around the real Router.

    from switchboard.core.sim import Scenario, QueueSpec, AgentSpec, exponential, simulate

    scenario = Scenario(
        queues=(QueueSpec("sales", calls=(100.0,) * 16, talk=exponential(180),
                          patience=exponential(120), skills={"sales": 1}),),
        agents=(AgentSpec("s", skills={"sales": 5}, count=14),),
        interval_s=1800,
    )
    results = simulate(scenario, seed=7)
    results.totals["sales"].service_level

Or from a TOML file: `simulate(load_scenario("docs/scenario-example.toml"))`.
See docs/architecture-sim.md.
"""

from .distributions import Distribution, empirical, exponential, fixed, lognormal
from .engine import Simulation, simulate
from .results import AgentResult, QueueInterval, Results
from .scenario import AgentSpec, BreakSpec, QueueSpec, Scenario, ScenarioError, load_scenario

__all__ = [
    "AgentResult",
    "AgentSpec",
    "BreakSpec",
    "Distribution",
    "QueueInterval",
    "QueueSpec",
    "Results",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "empirical",
    "exponential",
    "fixed",
    "lognormal",
    "load_scenario",
    "simulate",
]
