"""Benchmark: staffing 96 half-hour intervals with Erlang C and Erlang A.

Run from the repo root:  /work/main/.venv/bin/python bench/erlang.py

The day ramps from 100 to 5,000 calls an hour (50 to 2,500 calls per
half hour), AHT 180 s, target 80% within 20 s; Erlang A adds a mean
patience of 2 minutes.  Targets: Erlang C <= 5 ms and Erlang A <= 0.3 s for
all 96, every Erlang A answer the true minimum (checked by evaluating n - 1).
A naive Erlang C (Poisson terms from powers and factorials, a linear search
from one agent) runs in the same process as the baseline.  The last line
printed is one JSON object.
"""

import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from switchboard.core.erlang import (  # noqa: E402
    erlang_a_service_level,
    required_agents,
    service_level,
)

INTERVAL = 1800
AHT = 180
TARGET = 0.8
TARGET_SECONDS = 20
PATIENCE = 120
CALLS = [(100 + (5000 - 100) * i / 95) / 2 for i in range(96)]  # per half hour


def best_of(repeats, fn):
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def staff_c():
    return [required_agents(c, INTERVAL, AHT, TARGET, TARGET_SECONDS) for c in CALLS]


def staff_a():
    return [
        required_agents(c, INTERVAL, AHT, TARGET, TARGET_SECONDS, patience_seconds=PATIENCE)
        for c in CALLS
    ]


def naive_term(a, k):
    """a**k / k!, directly while floats hold, in logs once they overflow."""
    try:
        return a**k / math.factorial(k)
    except OverflowError:
        return math.exp(k * math.log(a) - math.lgamma(k + 1))


def naive_erlang_c(a, n):
    top = naive_term(a, n) * n / (n - a)
    return top / (math.fsum(naive_term(a, k) for k in range(n)) + top)


def naive_staff_c():
    answers = []
    for calls in CALLS:
        a = calls * AHT / INTERVAL
        n = 1
        while True:
            if n > a:
                sl = 1 - naive_erlang_c(a, n) * math.exp(-(n - a) * TARGET_SECONDS / AHT)
                if sl >= TARGET:
                    break
            n += 1
        answers.append(n)
    return answers


def main():
    c_seconds, c_answers = best_of(20, staff_c)
    a_seconds, a_answers = best_of(5, staff_a)
    naive_seconds, naive_answers = best_of(1, naive_staff_c)

    c_minimal = all(
        service_level(c * AHT / INTERVAL, s.agents - 1, TARGET_SECONDS, AHT) < TARGET
        for c, s in zip(CALLS, c_answers, strict=True)
    )
    a_minimal = all(
        s.service_level >= TARGET
        and erlang_a_service_level(c * AHT / INTERVAL, s.agents - 1, TARGET_SECONDS, AHT, PATIENCE)
        < TARGET
        for c, s in zip(CALLS, a_answers, strict=True)
    )
    naive_agrees = naive_answers == [s.agents for s in c_answers]

    print("Staffing 96 half-hour intervals: 100 to 5,000 calls/hour, AHT 180 s, 80/20")
    print(f"{'calls/30min':>12} {'Erlangs':>8} {'C agents':>9} {'C SL':>7} "
          f"{'A agents':>9} {'A SL':>7} {'A aband.':>8}")  # fmt: skip
    for i in range(0, 96, 19):
        c, sa = c_answers[i], a_answers[i]
        print(
            f"{CALLS[i]:12.1f} {CALLS[i] * AHT / INTERVAL:8.2f} {c.agents:9d} "
            f"{c.service_level:7.2%} {sa.agents:9d} {sa.service_level:7.2%} "
            f"{sa.prob_abandon:8.2%}"
        )
    print()
    print(f"Erlang C, all 96 intervals:            {c_seconds * 1e3:8.2f} ms (target <= 5 ms)")
    print(f"Erlang A (2-min patience), all 96:     {a_seconds * 1e3:8.2f} ms (target <= 300 ms)")
    print(
        f"Naive Erlang C (power/factorial sums, linear search from 1): {naive_seconds * 1e3:.1f} ms"
    )
    print(f"  speed-up over naive:                 {naive_seconds / c_seconds:8.0f}x")
    print(f"  same answers as naive:               {naive_agrees}")
    print(f"Erlang C answers minimal (n-1 misses): {c_minimal}")
    print(f"Erlang A answers minimal (n-1 misses): {a_minimal}")
    print(
        json.dumps(
            {
                "erlang_c_96_ms": round(c_seconds * 1e3, 3),
                "erlang_a_96_ms": round(a_seconds * 1e3, 3),
                "erlang_a_all_minimal": a_minimal,
                "erlang_c_all_minimal": c_minimal,
                "naive_erlang_c_96_ms": round(naive_seconds * 1e3, 1),
                "speedup_vs_naive": round(naive_seconds / c_seconds, 1),
                "naive_agrees": naive_agrees,
            }
        )
    )


if __name__ == "__main__":
    main()
