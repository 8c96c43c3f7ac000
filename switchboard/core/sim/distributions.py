"""Random durations for the simulator: fixed, exponential, lognormal, empirical.

A Distribution is plain data; `sampler(rng)` binds it to a seeded
random.Random and returns a zero-argument function, so the engine's hot loop
draws a value with one call and no branching on the kind.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

KINDS = ("fixed", "exponential", "lognormal", "empirical")


@dataclass(frozen=True, slots=True)
class Distribution:
    """Seconds drawn at random. Build one with fixed(), exponential(), lognormal(), empirical().

    `mean` is the mean for every kind but empirical (and the value for fixed);
    `sd` is the lognormal's standard deviation; `values` the empirical sample,
    drawn from uniformly.
    """

    kind: str
    mean: float = 0.0
    sd: float = 0.0
    values: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown distribution kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.kind == "empirical":
            if not self.values:
                raise ValueError("an empirical distribution needs at least one value")
            if any(not math.isfinite(v) or v < 0 for v in self.values):
                raise ValueError("empirical values must be finite and zero or more")
            return
        if not math.isfinite(self.mean) or self.mean < 0:
            raise ValueError(f"the mean must be finite and zero or more, got {self.mean!r}")
        if self.kind == "exponential" and self.mean == 0:
            raise ValueError("an exponential distribution needs a mean above zero")
        if self.kind == "lognormal":
            if self.mean <= 0:
                raise ValueError("a lognormal distribution needs a mean above zero")
            if not math.isfinite(self.sd) or self.sd <= 0:
                raise ValueError(
                    f"a lognormal distribution needs an sd above zero, got {self.sd!r}"
                )

    @property
    def expected(self) -> float:
        """The distribution's mean."""
        if self.kind == "empirical":
            return math.fsum(self.values) / len(self.values)
        return self.mean

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        """A function drawing one value from `rng` per call."""
        if self.kind == "fixed":
            value = float(self.mean)
            return lambda: value
        if self.kind == "exponential":
            expovariate, rate = rng.expovariate, 1.0 / self.mean
            return lambda: expovariate(rate)
        if self.kind == "lognormal":
            # moments of the underlying normal from the lognormal's mean and sd
            sigma2 = math.log1p((self.sd / self.mean) ** 2)
            mu, sigma = math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)
            lognormvariate = rng.lognormvariate
            return lambda: lognormvariate(mu, sigma)
        choice, values = rng.choice, self.values
        return lambda: choice(values)


def fixed(seconds: float) -> Distribution:
    """Always `seconds`."""
    return Distribution("fixed", mean=float(seconds))


def exponential(mean: float) -> Distribution:
    """Exponential with this mean (memoryless: the Erlang models' assumption)."""
    return Distribution("exponential", mean=float(mean))


def lognormal(mean: float, sd: float) -> Distribution:
    """Lognormal with this mean and standard deviation (talk times usually look like this)."""
    return Distribution("lognormal", mean=float(mean), sd=float(sd))


def empirical(values: Sequence[float]) -> Distribution:
    """One of these observed values, each equally likely (e.g. last week's talk times)."""
    return Distribution("empirical", values=tuple(float(v) for v in values))
