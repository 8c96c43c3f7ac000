"""Rate limits on new dialogs and registrations per source address. No sippy here.

A token bucket per address: `burst` requests at once, then `rate` per second. A flood
from one address is answered 503 without creating calls, while other sources go on.
"""

from __future__ import annotations


class RateLimiter:
    def __init__(self, rate: float, burst: int, max_sources: int = 10_000) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.max_sources = max_sources
        self._buckets: dict[str, tuple[float, float]] = {}  # host -> (tokens, at)

    def allow(self, host: str, now: float) -> bool:
        tokens, at = self._buckets.get(host, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        if len(self._buckets) >= self.max_sources and host not in self._buckets:
            self._forget_full(now)
        self._buckets[host] = (tokens, now)
        return allowed

    def _forget_full(self, now: float) -> None:
        """Drop sources whose bucket has refilled: they are indistinguishable from new ones."""
        full = [
            h for h, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst
        ]
        for host in full:
            del self._buckets[host]
