"""Where registration-mode trunks registered from (no sippy; used in the sippy thread only).

A carrier's device that REGISTERs with a trunk's username and password makes its source
address a trusted one for INVITEs, until the registration expires or is removed. Only the
address is compared, not the port: carriers' devices often send calls from another port
than the one they register from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrunkBinding:
    trunk: str
    host: str
    expires_at: float  # monotonic seconds


class TrunkRegistrations:
    def __init__(self) -> None:
        self._by_trunk: dict[str, TrunkBinding] = {}

    def register(self, trunk: str, host: str, expires: int, now: float) -> None:
        """`expires` 0 removes the trunk's registration."""
        if expires <= 0:
            self._by_trunk.pop(trunk, None)
        else:
            self._by_trunk[trunk] = TrunkBinding(trunk, host.strip("[]"), now + expires)

    def trunk_at(self, host: str, now: float) -> str | None:
        """The name of a trunk registered from `host`, None if none is (any more)."""
        host = host.strip("[]")
        for binding in list(self._by_trunk.values()):
            if binding.expires_at <= now:
                del self._by_trunk[binding.trunk]
            elif binding.host == host:
                return binding.trunk
        return None
