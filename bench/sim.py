"""Benchmark of the digital twin: simulated calls per second, and the long check against Erlang.

Run from the repository root:

    /work/main/.venv/bin/python bench/sim.py            # about 1 minute
    /work/main/.venv/bin/python bench/sim.py --quick    # under 10 seconds, smoke test

(a) Throughput: a 12-hour day of a 624-agent floor (8 queues, 6 skills, four
routing strategies, overflow, lognormal talk, wrap-up, patience, ring delay,
scheduled breaks, the DESIGN.md operator-care defaults) simulated through the
real Router on one core; the figure is calls simulated per second of wall time,
simulator included.

(b) Validation: one queue with exponential talk (and patience), >= 600,000 calls
per case, against Erlang C and Erlang A; P(wait), P(abandon) and the service
level must be within max(3 standard errors, 0.005), standard errors from batch
means over one-hour batches.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from switchboard.core.routing import CarePolicy, OverflowRule, Strategy  # noqa: E402
from switchboard.core.sim import (  # noqa: E402
    AgentSpec,
    BreakSpec,
    QueueSpec,
    Scenario,
    Simulation,
    exponential,
    lognormal,
)
from switchboard.core.sim.validation import check_against_erlang  # noqa: E402

HOUR = 3600.0
# A 12-hour day in half-hour intervals: ramp up, a long plateau, tail off.
SHAPE = [3, 4, 6, 7, 8, 9, 10, 11, 12, 12, 12, 12, 12, 12, 12, 12, 11, 10, 9, 8, 6, 5, 4, 3]


def floor(scale: float = 1.0) -> Scenario:
    """624 agents (four groups, three 8-hour shifts, staggered breaks), 8 queues, 6 skills."""
    skills = ["sales", "billing", "tech", "bangla", "english", "vip"]
    specs = [
        # id, skills, daily calls at scale 1, mean talk, strategy, overflow
        ("sales-bn", {"sales": 3, "bangla": 3}, 11_000, 180, Strategy.LONGEST_IDLE, ()),
        ("sales-en", {"sales": 3, "english": 3}, 4_500, 200, Strategy.LEAST_OCCUPIED, ()),
        ("billing-bn", {"billing": 3, "bangla": 3}, 3_000, 240, Strategy.BEST_SKILL, ()),
        ("billing-en", {"billing": 3, "english": 3}, 8_000, 240, Strategy.LONGEST_IDLE,
         (OverflowRule(45, move_to="billing-bn"),)),
        ("tech-bn", {"tech": 4, "bangla": 3}, 5_000, 360, Strategy.ROUND_ROBIN,
         (OverflowRule(60, widen_to={"tech": 1}),)),
        ("tech-en", {"tech": 4, "english": 3}, 2_200, 360, Strategy.LONGEST_IDLE, ()),
        ("vip", {"vip": 5}, 1_200, 300, Strategy.BEST_SKILL, ()),
        ("general", {}, 4_000, 150, Strategy.LONGEST_IDLE, ()),
    ]  # fmt: skip
    total = sum(SHAPE)
    queues = tuple(
        QueueSpec(
            qid,
            calls=tuple(1.2 * scale * daily * w / total for w in SHAPE),
            talk=lognormal(talk, talk * 0.6),
            wrap_up=exponential(20),
            patience=exponential(180),
            skills=need,
            priority=2 if qid == "vip" else 0,
            strategy=strategy,
            overflow=overflow,
            max_wait_s=900,
            difficult_share=0.02,
        )
        for qid, need, daily, talk, strategy, overflow in specs
    )
    n = round(30 * scale)
    groups = [
        ("sales", {"sales": 7, "bangla": 8, "english": 5, "vip": 3}, 2 * n),
        ("billing", {"billing": 7, "bangla": 8, "english": 6, "sales": 2}, 2 * n),
        ("tech", {"tech": 8, "bangla": 6, "english": 7}, 2 * n),
        ("senior", {"vip": 8, "sales": 6, "billing": 6, "tech": 5, "english": 8, "bangla": 5}, n),
    ]
    agents = []
    for gid, own, count in groups:
        for shift, start in (("early", 0.0), ("mid", 2 * HOUR), ("late", 4 * HOUR)):
            # breaks in four waves half an hour apart, as a planner staggers them
            for wave in range(4):
                tea = start + 1.5 * HOUR + wave * 1800
                agents.append(
                    AgentSpec(
                        f"{gid}-{shift}-{wave}",
                        skills=own,
                        count=count // 4,
                        start_s=start,
                        end_s=start + 8 * HOUR,
                        breaks=(
                            BreakSpec(tea, 900, "tea"),
                            BreakSpec(tea + 2 * HOUR, 1800, "lunch"),
                        ),
                        miss_share=0.01,
                    )
                )
    return Scenario(
        queues=queues,
        agents=tuple(agents),
        interval_s=1800,
        skills=tuple(skills),
        care=CarePolicy(),
        ring_delay=lognormal(3, 1.5),
        name=f"{sum(a.count for a in agents)}-agent floor",
    )


def throughput(scale: float, repeats: int) -> tuple[float, object]:
    scenario = floor(scale)
    best = 0.0
    results = None
    for _ in range(repeats):
        sim = Simulation(scenario, seed=1)
        start = time.perf_counter()
        results = sim.run()
        wall = time.perf_counter() - start
        best = max(best, results.calls / wall)
    return best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    args = parser.parse_args()
    started = time.perf_counter()

    calls_per_s, results = throughput(1.0, 1 if args.quick else 3)
    agents = len(results.agents)
    totals = results.totals.values()
    offered = sum(t.offered for t in totals)
    answered = sum(t.answered for t in totals)
    abandoned = sum(t.abandoned + t.expired for t in totals)
    print(
        f"(a) {results.name}, 8 queues, 12 h: {results.calls:,} calls "
        f"({answered / offered:.1%} answered, {abandoned / offered:.1%} abandoned or expired), "
        f"{results.events:,} router events"
    )
    print(f"    {calls_per_s:,.0f} simulated calls/s on one core (best of runs; target >= 25,000)")
    print(f"    machine load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    # (agents, Erlangs, AHT s, patience s or None): heavy enough that many calls wait
    cases = [(20, 17.0, 60.0, None), (20, 19.0, 60.0, 90.0), (50, 50.0, 60.0, 60.0)]
    target_calls = 60_000 if args.quick else 600_000
    checks = []
    print(f"(b) validation, >= {target_calls:,} calls per case, one-hour batches (first dropped):")
    for agents_n, traffic, aht, patience in cases:
        batches = int(target_calls / (traffic / aht * HOUR)) + 1
        t0 = time.perf_counter()
        case = check_against_erlang(agents_n, traffic, aht, patience, batches=batches, seed=2)
        elapsed = time.perf_counter() - t0
        print(f"  {case[0].case}: {batches} batches, {elapsed:.1f} s")
        for c in case:
            print(
                f"    {c.measure:<14} simulated {c.simulated:.4f}  formula {c.expected:.4f}  "
                f"diff {c.difference:+.4f}  tolerance {c.tolerance:.4f}  "
                f"{'ok' if c.within else 'OUT'}"
            )
        checks += case
    max_sl = max(abs(c.difference) for c in checks if c.measure == "service_level")
    max_ab = max(abs(c.difference) for c in checks if c.measure == "prob_abandon")
    within = all(c.within for c in checks)
    print(f"wall time {time.perf_counter() - started:.1f} s; {agents} agents in (a)")
    print(
        json.dumps(
            {
                "calls_per_s": round(calls_per_s),
                "max_sl_diff": round(max_sl, 5),
                "max_abandon_diff": round(max_ab, 5),
                "within_tolerance": within,
            }
        )
    )


if __name__ == "__main__":
    main()
