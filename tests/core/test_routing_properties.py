"""Invariants of the router under random interleavings of every kind of event.

Set SWITCHBOARD_HYPOTHESIS=long for a deeper run (more examples, longer days).
"""

import json
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bench._naive_router import NaiveRouter
from switchboard.core.routing import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentState,
    AgentWentOnBreak,
    AgentWentReady,
    CallArrived,
    CallbackRequested,
    CallCompleted,
    CallEnded,
    CallerHungUp,
    CallOffered,
    CallRequeued,
    CallState,
    CarePolicy,
    DayStarted,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    OfferWithdrawn,
    OverflowRule,
    QueueConfig,
    Router,
    RouterConfig,
    RoutingError,
    Strategy,
    Tick,
    WrapUpEnded,
)
from switchboard.core.routing.pools import qualifies

LONG = os.environ.get("SWITCHBOARD_HYPOTHESIS") == "long"

CONFIG = RouterConfig(
    queues=(
        QueueConfig(
            "q1",
            skills={"a": 3},
            wrap_up_s=5,
            max_wait_s=100,
            overflow=(OverflowRule(20, widen_to={"a": 1}),),
        ),
        QueueConfig(
            "q2",
            skills={"b": 2},
            priority=2,
            strategy=Strategy.LEAST_OCCUPIED,
            wrap_up_s=None,
            overflow=(OverflowRule(30, move_to="q3"),),
        ),
        QueueConfig("q3", strategy=Strategy.ROUND_ROBIN, wrap_up_s=0),
        QueueConfig("q4", skills={"a": 2, "c": 2}, strategy=Strategy.BEST_SKILL, wrap_up_s=3),
    ),
    care=CarePolicy(max_talk_s=200, micro_break_s=50, cool_down_s=20, max_missed_offers=2),
    aging_per_s=0.05,
)
AGENTS = ("ann", "bob", "cat", "dan", "eve")
SKILLS = st.dictionaries(st.sampled_from("abc"), st.integers(1, 10), min_size=1)
PICK = st.integers(0, 1000)


class RouterMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.router = Router(CONFIG)
        self.twin: Router | None = None  # restored from a snapshot; must decide the same
        self.naive = NaiveRouter(CONFIG)  # scans instead of indexing; must decide the same
        self.now = 0.0
        self.calls = 0
        self.order: dict[str, int] = {}  # call -> arrival number
        self.ended: dict[str, int] = {}
        self.holding: dict[str, str] = {}  # agent -> call, as told by the decisions
        self.out: list = []

    # -- sending -------------------------------------------------------------------

    def send(self, event) -> None:
        before = self.router.snapshot()
        try:
            naive_out = self.naive.handle(event)
        except RoutingError:
            naive_out = None
        try:
            out = self.router.handle(event)
        except RoutingError as error:
            assert naive_out is None, "the naive router accepted a refused event"
            assert self.router.snapshot() == before, "a refused event changed the state"
            if self.twin is not None:
                try:
                    self.twin.handle(event)
                except RoutingError as twin_error:
                    assert type(twin_error) is type(error)
                else:
                    raise AssertionError("the restored router accepted a refused event") from None
            self.out = []
            return
        assert naive_out == out, "the indexes chose differently from a full scan"
        if self.twin is not None:
            assert self.twin.handle(event) == out, "the restored router decided differently"
        self.out = out
        for decision in out:
            self.follow(decision)

    def follow(self, decision) -> None:
        if isinstance(decision, CallOffered):
            assert decision.agent not in self.holding, "an agent got a second call"
            assert decision.call not in self.holding.values(), "a call went to two agents"
            self.holding[decision.agent] = decision.call
        elif isinstance(decision, CallEnded):
            self.ended[decision.call] = self.ended.get(decision.call, 0) + 1
            self.holding = {a: c for a, c in self.holding.items() if c != decision.call}
        elif isinstance(decision, OfferWithdrawn):
            del self.holding[decision.agent]
        elif isinstance(decision, CallRequeued):  # a missed offer freed its agent
            self.holding = {a: c for a, c in self.holding.items() if c != decision.call}

    def pick(self, n: int, state: CallState) -> str | None:
        calls = [info.id for info in self.router.calls() if info.state is state]
        return calls[n % len(calls)] if calls else None

    # -- rules ---------------------------------------------------------------------

    @rule(dt=st.integers(0, 40))
    def time_passes(self, dt):
        self.now += dt
        self.send(Tick(self.now))

    @rule(agent=st.sampled_from(AGENTS), skills=SKILLS)
    def log_in(self, agent, skills):
        self.send(AgentLoggedIn(self.now, agent, skills))

    @rule(agent=st.sampled_from(AGENTS))
    def go_ready(self, agent):
        self.send(AgentWentReady(self.now, agent))

    @rule(agent=st.sampled_from(AGENTS), reason=st.sampled_from(["lunch", "training"]))
    def take_a_break(self, agent, reason):
        self.send(AgentWentOnBreak(self.now, agent, reason))

    @rule(agent=st.sampled_from(AGENTS))
    def log_out(self, agent):
        self.send(AgentLoggedOut(self.now, agent))

    @rule(agent=st.sampled_from(AGENTS))
    def end_wrap_up(self, agent):
        self.send(WrapUpEnded(self.now, agent))

    @rule(
        queue=st.sampled_from(["q1", "q2", "q3", "q4"]),
        priority=st.integers(0, 1),
        extra=st.none() | st.just({"c": 1}),
    )
    def call_arrives(self, queue, priority, extra):
        self.calls += 1
        call = f"c{self.calls}"
        self.order[call] = self.calls
        self.send(CallArrived(self.now, call, queue, priority=priority, skills=extra))

    @rule(n=PICK, kind=st.sampled_from([OfferAccepted, OfferRejected, OfferTimedOut]))
    def agent_answers_the_offer(self, n, kind):
        call = self.pick(n, CallState.OFFERED)
        if call is not None:
            agent = self.router.call(call).agent
            self.send(kind(self.now, call, agent))

    @rule(n=PICK, state=st.sampled_from(CallState))
    def caller_hangs_up(self, n, state):
        call = self.pick(n, state)
        if call is not None:
            self.send(CallerHungUp(self.now, call))

    @rule(n=PICK)
    def caller_asks_for_a_callback(self, n):
        call = self.pick(n, CallState.WAITING)
        if call is not None:
            self.send(CallbackRequested(self.now, call))

    @rule(n=PICK, difficult=st.booleans())
    def call_completes(self, n, difficult):
        call = self.pick(n, CallState.CONNECTED)
        if call is not None:
            self.send(CallCompleted(self.now, call, difficult))

    @rule()
    def a_new_day_starts(self):
        self.send(DayStarted(self.now))

    @rule(agent=st.sampled_from(AGENTS), call=st.sampled_from(["c1", "c2", "nope"]))
    def something_impossible_happens(self, agent, call):
        self.send(OfferAccepted(self.now, call, agent))

    @rule()
    def the_router_restarts_from_a_snapshot(self):
        data = json.loads(json.dumps(self.router.snapshot()))
        self.twin = Router.restore(CONFIG, data)
        assert self.twin.snapshot() == self.router.snapshot()

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def no_call_is_held_by_two_agents_and_no_agent_holds_two_calls(self):
        agents = {info.id: info for info in self.router.agents()}
        held = [info.call for info in agents.values() if info.call is not None]
        assert len(held) == len(set(held))
        for call in self.router.calls():
            if call.state is CallState.WAITING:
                assert call.agent is None and call.id not in held
            else:
                holder = agents[call.agent]
                assert holder.call == call.id
                expected = AgentState.RESERVED if call.state is CallState.OFFERED else None
                assert holder.state is (expected or AgentState.ON_CALL)
        for info in agents.values():
            if info.state in (AgentState.RESERVED, AgentState.ON_CALL):
                assert info.call is not None
            else:
                assert info.call is None

    @invariant()
    def no_available_agent_idles_while_a_call_they_could_take_waits(self):
        available = [a for a in self.router.agents() if a.state is AgentState.AVAILABLE]
        for call in self.router.calls():
            if call.state is CallState.WAITING:
                for agent in available:
                    assert not qualifies(dict(agent.skills), call.requirement), (agent, call)

    @invariant()
    def calls_of_equal_priority_and_skills_are_offered_first_come_first_served(self):
        waiting = [c for c in self.router.calls() if c.state is CallState.WAITING]
        for decision in self.out:
            if isinstance(decision, CallOffered):
                offered = self.router.call(decision.call) if decision.call in self.order else None
                if offered is None or offered.state is CallState.WAITING:
                    continue
                for other in waiting:
                    same = (other.priority, other.requirement) == (
                        offered.priority,
                        offered.requirement,
                    )
                    assert not (same and self.order[other.id] < self.order[offered.id])

    @invariant()
    def every_call_ends_exactly_once_or_is_still_in_the_router(self):
        assert all(count == 1 for count in self.ended.values())
        live = {call.id for call in self.router.calls()}
        assert live.isdisjoint(self.ended)
        assert live | set(self.ended) == set(self.order)


TestRouterInvariants = RouterMachine.TestCase
TestRouterInvariants.settings = settings(
    max_examples=400 if LONG else 40,
    stateful_step_count=120 if LONG else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
