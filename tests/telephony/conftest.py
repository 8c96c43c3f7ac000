"""A small floor for engine tests: Deshi Bazar's queues and menu, Rahim and Karim at desks,
and a known customer, Nasreen, calling from +8801711000001.

`run_floor(scenario)` starts the engine with a virtual carrier that places no calls of
its own (tests place them with scripted callers) on a fresh in-memory channel layer,
runs `await scenario(floor)`, and stops it cleanly.
"""

import asyncio
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.models import (
    AgentProfile,
    AgentSkill,
    BreakReason,
    Disposition,
    IvrMenu,
    IvrOption,
    Queue,
    QueueSkill,
    Skill,
)
from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.telephony.bots import LayerDesk
from switchboard.telephony.engine import Engine
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sim import CallerScript, VirtualCarrier
from tests.conftest import run_async

NUMBER = "+8809612345678"
NASREEN = "+8801711000001"
SPEED = 20.0  # scripted callers' seconds pass twenty times faster


@pytest.fixture
def deshi_bazar(transactional_db):
    skills = {
        code: Skill.objects.create(code=code, name_en=code)
        for code in ("bangla", "english", "orders", "complaints", "info")
    }
    dispositions = [
        Disposition.objects.create(code=code, name_en=name)
        for code, name in (("order_placed", "Order placed"), ("complaint_solved", "Solved"))
    ]
    queues = {}
    for code in ("orders", "complaints", "info"):
        queue = Queue.objects.create(
            code=code, name_en=code.title(), ring_seconds=1, wrapup_seconds=30
        )
        QueueSkill.objects.create(queue=queue, skill=skills[code])
        queues[code] = queue
    queues["orders"].dispositions.set([dispositions[0]])
    queues["complaints"].dispositions.set(dispositions)
    menu = IvrMenu.objects.create(
        dialed_number=NUMBER,
        greeting_en="Welcome",
        menu_en="1 orders, 2 complaints, 3 information",
        default_queue=queues["info"],
        digit_timeout_seconds=2,
    )
    for digit, code in (("1", "orders"), ("2", "complaints"), ("3", "info")):
        IvrOption.objects.create(menu=menu, digit=digit, queue=queues[code], reason=code)
    BreakReason.objects.create(code="lunch", name_en="Lunch")
    return queues


def _desk_for(user, **levels):
    profile = AgentProfile.objects.create(user=user)
    for code, level in levels.items():
        AgentSkill.objects.create(agent=profile, skill=Skill.objects.get(code=code), level=level)
    return user


@pytest.fixture
def rahim(deshi_bazar, agent):
    """Takes orders and information, in Bengali and English."""
    return _desk_for(agent, bangla=8, english=6, orders=7, info=5)


@pytest.fixture
def karim(deshi_bazar, other_agent):
    """Takes every queue, complaints included."""
    return _desk_for(other_agent, bangla=8, english=6, orders=5, complaints=8, info=5)


@pytest.fixture
def nasreen(transactional_db):
    return check_create_contact(
        ContactData(first_name="Nasreen", last_name="Akter", phones=[NASREEN])
    )


@dataclass
class RunningFloor:
    engine: Engine
    carrier: VirtualCarrier
    layer: InMemoryChannelLayer

    async def desk(self, user) -> LayerDesk:
        return await LayerDesk(self.layer, user.pk).open()

    def call(self, caller=NASREEN, digits=("1",), patience=60.0, talk=600.0) -> str:
        """A scripted caller: presses `digits` ("" = silence), waits, talks (carrier seconds)."""
        script = CallerScript(digits=list(digits), patience_s=patience, talk_s=talk)
        return self.carrier.place_call(caller=caller, dialed=NUMBER, script=script)

    async def settled(self) -> None:
        """Everything the engine decided so far is written and sent."""
        await asyncio.sleep(0)
        await self.engine.out.drained()

    async def db(self, fn, *args, **kwargs):
        return await sync_to_async(fn, thread_sensitive=False)(*args, **kwargs)


def run_floor(scenario, *, tick_seconds=0.05, layer=None):
    """Run `await scenario(floor)` against a live engine; return what the scenario returns.
    `layer`: the channel layer (default a fresh in-memory one; the API needs the project's)."""

    async def main():
        nonlocal layer
        layer = layer or InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        carrier = VirtualCarrier([NUMBER], calls_per_hour=0, speed=SPEED, seed=1)
        engine = Engine(setup, carrier, layer, engine_id="test-engine", tick_seconds=tick_seconds)
        await engine.start()
        try:
            return await asyncio.wait_for(scenario(RunningFloor(engine, carrier, layer)), 30)
        finally:
            await engine.stop()

    return run_async(main())
