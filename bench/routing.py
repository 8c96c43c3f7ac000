"""Benchmark of the routing engine: a 10,000-seat floor under a steady stream of calls.

Run from the repository root:

    python bench/routing.py            # about a minute
    python bench/routing.py --quick    # a few seconds, for a smoke test

A small discrete-event driver plays the telephony side (callers arrive, agents
answer, talk, wrap up, take breaks, miss offers, callers hang up) and times
each router.handle() call alone. The same workload then runs for a shorter
slice through a naive router that scans every agent per call, and the two are
checked to make the same decisions. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import heapq
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._naive_router import NaiveRouter  # noqa: E402
from switchboard.core.routing import (  # noqa: E402
    AgentLoggedIn,
    AgentState,
    AgentStateChanged,
    AgentWentOnBreak,
    AgentWentReady,
    CallArrived,
    CallbackRequested,
    CallCompleted,
    CallEnded,
    CallerHungUp,
    CallOffered,
    CarePolicy,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    OverflowRule,
    QueueConfig,
    Reason,
    Router,
    RouterConfig,
    RoutingError,
    Strategy,
    Tick,
    WrapUpEnded,
)

AGENTS = 10_000
QUEUES = 1_000
SKILLS = 100
CALLS_PER_S = 44.0  # about what 10,000 agents with a 3-minute handle time can take
TICK_S = 0.25  # the live engine's clock tick
STRATEGIES = list(Strategy)


def build_floor(seed: int) -> tuple[RouterConfig, list[tuple[str, dict[str, int]]]]:
    """1,000 queues needing 1-2 of 100 skills, 10,000 agents with 1-8 skills each."""
    rng = random.Random(seed)
    skills = [f"s{n:03d}" for n in range(SKILLS)]
    queues = []
    for n in range(QUEUES):
        needed = rng.sample(skills, 1 if rng.random() < 0.7 else 2)
        overflow: tuple[OverflowRule, ...] = ()
        roll = rng.random()
        if roll < 0.3:
            overflow = (OverflowRule(30, widen_to={needed[0]: 1}),)
        elif roll < 0.4:
            overflow = (OverflowRule(60, move_to=f"q{rng.randrange(QUEUES):04d}"),)
        queues.append(
            QueueConfig(
                f"q{n:04d}",
                skills={skill: rng.randint(1, 4) for skill in needed},
                priority=rng.randint(0, 3),
                strategy=STRATEGIES[n % len(STRATEGIES)],
                max_wait_s=600 if rng.random() < 0.5 else None,
                wrap_up_s=rng.choice([10, 20, 30, None]),
                overflow=overflow,
            )
        )
    config = RouterConfig(queues=tuple(queues), care=CarePolicy())
    agents = []
    for n in range(AGENTS):
        own = rng.sample(skills, rng.randint(1, 8))
        agents.append((f"a{n:05d}", {skill: rng.randint(1, 10) for skill in own}))
    return config, agents


class Driver:
    """The telephony side: turns the router's decisions into the next events."""

    def __init__(self, router: Router, config: RouterConfig, seed: int) -> None:
        self.router = router
        self.rng = random.Random(seed)
        self.queues = [queue.id for queue in config.queues]
        self.pending: list[tuple[float, int, object]] = []
        self.seq = 0
        self.calls = 0
        self.connected: set[str] = set()
        self.gone: set[str] = set()
        self.latencies: list[int] = []  # ns per handled event
        self.decisions = 0
        self.refused = 0
        self.digest = hashlib.sha256()

    def at(self, when: float, event: object) -> None:
        self.seq += 1
        heapq.heappush(self.pending, (when, self.seq, event))

    def send(self, event) -> None:
        start = time.perf_counter_ns()
        try:
            out = self.router.handle(event)
        except RoutingError:
            self.latencies.append(time.perf_counter_ns() - start)
            self.refused += 1
            return
        if type(event) is Tick:
            # The engine's GC policy, timed as part of the tick: collecting the young
            # generation every tick keeps it small. Left to itself, CPython 3.11 lets it
            # grow for minutes (frees of old objects offset its allocation count) and
            # then stops for 100+ ms.
            gc.collect(0)
        self.latencies.append(time.perf_counter_ns() - start)
        self.decisions += len(out)
        self.digest.update(repr(out).encode())
        for decision in out:
            self.react(decision)

    def react(self, d) -> None:
        rng = self.rng
        if isinstance(d, CallOffered):
            roll = rng.random()
            if roll < 0.94:
                answer = d.at + rng.uniform(1, 6)
                self.at(answer, OfferAccepted(answer, d.call, d.agent))
                done = answer + rng.expovariate(1 / 170)
                self.at(done, CallCompleted(done, d.call, rng.random() < 0.02))
                self.connected.add(d.call)
            elif roll < 0.97:
                self.at(d.at + 3, OfferRejected(d.at + 3, d.call, d.agent))
            else:
                self.at(d.at + 15, OfferTimedOut(d.at + 15, d.call, d.agent))
        elif isinstance(d, AgentStateChanged):
            if d.state is AgentState.WRAP_UP and d.until is None:
                end = d.at + rng.uniform(5, 40)
                self.at(end, WrapUpEnded(end, d.agent))
            elif d.state is AgentState.BREAK and d.reason in (
                Reason.RING_NO_ANSWER,
                Reason.MISSED_OFFERS,
            ):
                back = d.at + rng.uniform(10, 60)
                self.at(back, AgentWentReady(back, d.agent))
            elif d.state is AgentState.AVAILABLE and rng.random() < 0.003:
                self.at(d.at + 1, AgentWentOnBreak(d.at + 1, d.agent, "personal"))
                back = d.at + rng.uniform(300, 900)
                self.at(back, AgentWentReady(back, d.agent))
        elif isinstance(d, CallEnded):
            self.gone.add(d.call)

    def log_in(self, agents, at: float) -> None:
        for agent, skills in agents:
            self.send(AgentLoggedIn(at, agent, skills))
            self.send(AgentWentReady(at, agent))

    def run(self, start: float, until: float) -> None:
        """Play the floor from `start` to `until` (seconds), with a Tick every TICK_S."""
        rng = self.rng
        next_call = start + rng.expovariate(CALLS_PER_S)
        next_tick = start + TICK_S
        while True:
            when = min(next_call, next_tick, self.pending[0][0] if self.pending else until)
            if when >= until:
                return
            if when == next_tick:
                self.send(Tick(next_tick))
                next_tick += TICK_S
            elif when == next_call:
                self.arrive(next_call)
                next_call += rng.expovariate(CALLS_PER_S)
            else:
                _, _, event = heapq.heappop(self.pending)
                if isinstance(event, CallerHungUp | CallbackRequested) and (
                    event.call in self.connected or event.call in self.gone
                ):
                    continue  # the caller was already served
                self.send(event)

    def arrive(self, at: float) -> None:
        rng = self.rng
        self.calls += 1
        call = f"c{self.calls}"
        self.send(CallArrived(at, call, rng.choice(self.queues), priority=rng.randint(0, 1)))
        patience = at + rng.expovariate(1 / 240)
        if rng.random() < 0.03:
            self.at(at + 20, CallbackRequested(at + 20, call))
        else:
            self.at(patience, CallerHungUp(patience, call))


def percentile(sorted_ns: list[int], p: float) -> float:
    return sorted_ns[min(len(sorted_ns) - 1, int(p * len(sorted_ns)))] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--seconds", type=float, help="simulated seconds measured")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    warm = 60.0 if args.quick else 600.0
    measured = args.seconds or (60.0 if args.quick else 1800.0)
    slice_s = 5.0 if args.quick else 10.0

    config, agents = build_floor(args.seed)
    print(f"floor: {AGENTS} agents, {QUEUES} queues, {SKILLS} skills, {CALLS_PER_S} calls/s")

    started = time.perf_counter()
    router = Router(config)
    driver = Driver(router, config, args.seed)
    driver.log_in(agents, at=0.0)
    logins = statistics.fmean(driver.latencies) / 1e3
    print(f"login + ready of {AGENTS} agents: {len(driver.latencies)} events, {logins:.1f} us each")
    gc.freeze()  # the floor built at start-up is permanent; the live engine does the same
    # same start as the naive run below, so the two can be compared on one slice
    driver.latencies.clear()
    driver.run(0.0, slice_s)
    slice_latencies = list(driver.latencies)
    slice_digest = driver.digest.hexdigest()
    driver.run(slice_s, warm)
    driver.latencies.clear()
    decisions_before = driver.decisions
    wall_before, cpu_before = time.perf_counter(), time.process_time()
    driver.run(warm, warm + measured)
    cpu_share = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)
    wall = time.perf_counter() - started

    lat = sorted(driver.latencies)
    busy_s = sum(lat) / 1e9
    events_per_s = len(lat) / busy_s
    decisions_per_s = (driver.decisions - decisions_before) / busy_s
    waiting = sum(router.queue_stats(q).waiting for q in driver.queues)
    states: dict[str, int] = {}
    for info in router.agents():
        states[info.state.value] = states.get(info.state.value, 0) + 1
    print(f"measured {measured:.0f} simulated s after {warm:.0f} s of warm-up: {len(lat)} events")
    print(f"  router busy {busy_s:.2f} s -> {events_per_s:,.0f} events handled/s,")
    print(f"  {decisions_per_s:,.0f} decisions and facts emitted/s (offers, state changes...)")
    print(
        f"  latency per event: p50 {percentile(lat, 0.5):.3f} ms, p99 {percentile(lat, 0.99):.3f}"
        f" ms, p99.9 {percentile(lat, 0.999):.3f} ms, max {lat[-1] / 1e6:.3f} ms"
    )
    print(f"  calls waiting at the end: {waiting}; agents by state: {states}")
    load = os.getloadavg()[0]
    print(
        f"  machine load average {load:.2f} on {os.cpu_count()} cores; this process got"
        f" {cpu_share:.0%} of a core while measured (other work on the machine inflates the tail)"
    )
    print(f"  refused events (driver raced the router): {driver.refused}")

    naive = NaiveRouter(config)
    naive_driver = Driver(naive, config, args.seed)
    naive_driver.log_in(agents, at=0.0)
    naive_driver.latencies.clear()
    naive_driver.run(0.0, slice_s)
    same = naive_driver.digest.hexdigest() == slice_digest
    naive_per_s = len(naive_driver.latencies) / (sum(naive_driver.latencies) / 1e9)
    indexed_per_s = len(slice_latencies) / (sum(slice_latencies) / 1e9)
    ratio = indexed_per_s / naive_per_s
    print(
        f"naive router (scans all agents per call), first {slice_s:.0f} s: "
        f"{naive_per_s:,.0f} events/s vs indexed {indexed_per_s:,.0f} -> {ratio:.1f}x; "
        f"same decisions: {'yes' if same else 'NO'}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak resident memory {peak_mb:.0f} MB; wall time {time.perf_counter() - started:.1f} s"
        f" ({wall:.1f} s for the indexed run, driver included)"
    )
    print(
        json.dumps(
            {
                "decisions_per_s": round(events_per_s),
                "p50_ms": round(percentile(lat, 0.5), 4),
                "p99_ms": round(percentile(lat, 0.99), 4),
                "p999_ms": round(percentile(lat, 0.999), 4),
                "peak_mb": round(peak_mb, 1),
                "baseline_ratio": round(ratio, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
