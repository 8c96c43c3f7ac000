"""Scenarios: the documented example loads, distributions have the right means, mistakes name the field."""

import copy
import random
import statistics
import tomllib
from pathlib import Path

import pytest

from switchboard.core.routing import CarePolicy, Strategy
from switchboard.core.routing.config import NO_CARE
from switchboard.core.sim import (
    AgentSpec,
    Distribution,
    QueueSpec,
    Scenario,
    ScenarioError,
    empirical,
    exponential,
    load_scenario,
    lognormal,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "scenario-example.toml"


def example() -> dict:
    return tomllib.loads(EXAMPLE.read_text())


def test_the_documented_example_loads_with_every_option():
    scenario = load_scenario(EXAMPLE)
    assert scenario.name == "Dhaka morning"
    assert scenario.intervals == 8 and scenario.interval_s == 1800
    assert scenario.start_clock_s == 8 * 3600
    sales, billing, bangla = scenario.queues
    assert sum(sales.calls) == pytest.approx(1500)
    assert sales.talk == lognormal(200, 120)
    assert billing.strategy is Strategy.BEST_SKILL and billing.max_wait_s == 600
    assert (billing.sl_goal, billing.sl_target_s) == (0.9, 30.0)
    assert bangla.overflow[0].move_to == "billing"
    late = scenario.agents[1]
    assert late.start_s == 3600 and late.end_s == 4 * 3600
    assert late.breaks[0].start_s == 2.5 * 3600 and late.breaks[0].duration_s == 900
    assert scenario.care == CarePolicy()


def test_care_can_be_switched_off():
    data = example()
    data["care"] = {"enabled": False}
    assert Scenario.from_dict(data).care == NO_CARE


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["queues"][1]["calls"].__setitem__(3, -5), "queues[1].calls[3]", "at least 0"),
        (
            lambda d: d["queues"][1].__setitem__("target", "120/20"),
            "queues[1].target",
            "at most 100",
        ),
        (
            lambda d: d["agents"][0]["skills"].__setitem__("sails", 5),
            "agents[0].skills.sails",
            "unknown skill",
        ),
        (
            lambda d: d["queues"][0]["skills"].__setitem__("sales", 11),
            "queues[0].skills.sales",
            "1-10",
        ),
        (
            lambda d: d["queues"][2]["overflow"][0].__setitem__("move_to", "nowhere"),
            "queues[2].overflow[0].move_to",
            "unknown queue",
        ),
        (
            lambda d: d["queues"][0].__setitem__("talk", {"kind": "gamma", "mean": 3}),
            "queues[0].talk.kind",
            "lognormal",
        ),
        (
            lambda d: d["queues"][0].__setitem__("talk", {"kind": "lognormal", "mean": 3}),
            "queues[0].talk.sd",
            "sd",
        ),
        (
            lambda d: d["queues"][0].__setitem__("patience", {"kind": "exponential", "mean": -1}),
            "queues[0].patience.mean",
            "more than 0",
        ),
        (
            lambda d: d["queues"][0].__setitem__("profile", "evening"),
            "queues[0].profile",
            "unknown profile",
        ),
        (lambda d: d["queues"][1]["calls"].append(10), "queues[1].calls", "intervals"),
        (
            lambda d: d["queues"][0].__setitem__("strategy", "random"),
            "queues[0].strategy",
            "longest_idle",
        ),
        (
            lambda d: d["queues"][0].__setitem__("colour", "red"),
            "queues[0].colour",
            "unknown field",
        ),
        (
            lambda d: d["agents"][1].__setitem__("shift", "09:00-08:30"),
            "agents[1].end_s",
            "before it starts",
        ),
        (
            lambda d: d["agents"][1].__setitem__("shift", "7:00-12:00"),
            "agents[1].shift",
            "before the simulation starts",
        ),
        (
            lambda d: d["agents"][1].__setitem__("shift", "nine to five"),
            "agents[1].shift",
            "08:00-16:30",
        ),
        (
            lambda d: d["agents"][1].__setitem__("miss_share", 1.5),
            "agents[1].miss_share",
            "between 0 and 1",
        ),
        (lambda d: d["agents"][0].__setitem__("count", 0), "agents[0].count", "1 or more"),
        (
            lambda d: d["agents"][0]["breaks"][0].__setitem__("minutes", 0),
            "agents[0].breaks[0].minutes",
            "more than 0",
        ),
        (
            lambda d: d["simulation"].__setitem__("interval_minutes", -30),
            "simulation.interval_minutes",
            "more than 0",
        ),
        (
            lambda d: d["care"].__setitem__("max_missed_offers", 0),
            "care.max_missed_offers",
            "1 or more",
        ),
        (lambda d: d.__setitem__("queues", []), "queues", "at least one"),
    ],
)
def test_a_bad_scenario_raises_an_error_naming_the_field(change, field, words):
    data = copy.deepcopy(example())
    change(data)
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert words in str(caught.value)


def test_a_scenario_built_in_code_is_checked_too():
    talk = exponential(180)
    with pytest.raises(ScenarioError, match=r"^queues\[0\]\.calls\[1\]: "):
        Scenario(
            queues=(QueueSpec("q", calls=(10.0, -1.0), talk=talk),),
            agents=(AgentSpec("a", skills={"q": 1}),),
        )
    with pytest.raises(ScenarioError, match=r"^agents\[0\]\.skills\.french: unknown skill"):
        Scenario(
            queues=(QueueSpec("q", calls=(10.0,), talk=talk),),
            agents=(AgentSpec("a", skills={"french": 1}),),
            skills=("english",),
        )


@pytest.mark.parametrize(
    "dist",
    [exponential(180), lognormal(180, 90), empirical([60, 120, 300]), Distribution("fixed", 7)],
)
def test_distributions_have_the_mean_they_were_given(dist):
    draw = dist.sampler(random.Random(3))
    values = [draw() for _ in range(40_000)]
    assert statistics.fmean(values) == pytest.approx(dist.expected, rel=0.02)


def test_a_lognormal_has_the_standard_deviation_it_was_given():
    draw = lognormal(180, 90).sampler(random.Random(4))
    assert statistics.stdev(draw() for _ in range(100_000)) == pytest.approx(90, rel=0.05)


def test_a_distribution_refuses_impossible_parameters():
    with pytest.raises(ValueError, match="sd"):
        lognormal(180, 0)
    with pytest.raises(ValueError, match="at least one value"):
        empirical([])
    with pytest.raises(ValueError, match="mean above zero"):
        exponential(0)
