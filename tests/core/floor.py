"""A small call-center floor for routing tests: named agents, named queues, a router.

Personas instead of mocks: Amina (sales 8, billing 3), Bilal (sales 4),
Chandra (billing 9, bangla 7) and Dipa (sales 6, bangla 5).
"""

from __future__ import annotations

from switchboard.core.routing import (
    AgentLoggedIn,
    AgentWentReady,
    CallArrived,
    CallOffered,
    CarePolicy,
    QueueConfig,
    Router,
    RouterConfig,
)
from switchboard.core.routing.config import NO_CARE

SKILLS = {
    "amina": {"sales": 8, "billing": 3},
    "bilal": {"sales": 4},
    "chandra": {"billing": 9, "bangla": 7},
    "dipa": {"sales": 6, "bangla": 5},
}

SALES = QueueConfig("sales", skills={"sales": 3}, wrap_up_s=30)
BILLING = QueueConfig("billing", skills={"billing": 2}, priority=5, wrap_up_s=None)


class Floor:
    """A router with helpers that speak the floor's language."""

    def __init__(self, *queues: QueueConfig, care: CarePolicy = NO_CARE, aging: float = 0.0):
        self.config = RouterConfig(queues=queues or (SALES, BILLING), care=care, aging_per_s=aging)
        self.router = Router(self.config)
        self.out: list = []

    def send(self, event):
        """Hand one event to the router; remember and return its decisions."""
        self.out = self.router.handle(event)
        return self.out

    def ready(self, *names: str, at: float = 0.0) -> None:
        """Log the agents in (if needed) and make them ready, in this order, at `at`."""
        for name in names:
            if name not in {info.id for info in self.router.agents()}:
                self.send(AgentLoggedIn(at, name, SKILLS[name]))
            self.send(AgentWentReady(at, name))

    def arrive(self, call: str, queue: str = "sales", at: float = 0.0, **kw) -> list:
        """A call arrives; returns the decisions."""
        return self.send(CallArrived(at, call, queue, **kw))

    def offers(self) -> list[tuple[str, str]]:
        """(call, agent) of each CallOffered in the last decisions."""
        return [(d.call, d.agent) for d in self.out if isinstance(d, CallOffered)]

    def state(self, agent: str):
        return self.router.agent(agent).state
