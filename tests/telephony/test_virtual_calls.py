"""A supervisor's simulated call (the demo's and the browser tests' caller), as the engine
places it on the virtual carrier: its digits, its talk and its patience."""

import asyncio

import pytest

from switchboard.acd import floor as floor_messages
from switchboard.acd.floor import Command
from switchboard.calls.models import Call, Outcome
from switchboard.telephony.sim import VirtualCarrier

from .conftest import run_floor


def test_a_virtual_caller_nobody_answers_hangs_up_when_their_patience_runs_out(
    transactional_db, deshi_bazar, supervisor
):
    scripts = []
    place_call = VirtualCarrier.place_call

    def placing(self, caller=None, dialed=None, script=None):
        scripts.append(script)
        return place_call(self, caller, dialed, script)

    async def scenario(floor):
        boss = await floor.desk(supervisor)
        await floor.layer.group_add(floor_messages.FLOOR_GROUP, boss.channel)
        await boss.send(Command.PLACE_VIRTUAL_CALL, digits=["2", "1"], talk_s=600, patience_s=1)
        # Nobody is available: the caller waits in the orders queue, then gives up.
        while not await floor.db(Call.objects.filter(ended_at__isnull=False).exists):
            await asyncio.sleep(0.05)
        return await floor.db(Call.objects.get)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(VirtualCarrier, "place_call", placing)
        call = run_floor(scenario)
    [script] = scripts
    assert (script.talk_s, script.patience_s) == (600.0, 1.0)
    assert call.outcome == Outcome.ABANDONED
    assert call.queue.code == "orders"  # 2 (English), then 1 (orders): the digits were pressed
