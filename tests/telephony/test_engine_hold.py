"""Hold from the desk on the live engine (virtual carrier): the record keeps the hold time."""

import asyncio

from switchboard.acd.floor import Command, Event
from switchboard.calls.models import Call, Outcome

from .conftest import run_floor


async def wait_state(floor, call: str, state: str) -> None:
    while floor.engine.calls[call].state != state:
        await asyncio.sleep(0.01)


def test_hold_time_is_recorded_as_part_of_the_talk_time(rahim):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=["2", "1"])
        await desk.wait_for(Event.OFFER)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HOLD, call=call, on=True)
        await desk.send(Command.HOLD, call=call, on=True)  # twice: still one hold
        await wait_state(floor, call, "held")
        await asyncio.sleep(0.05)  # some time on hold
        await desk.send(Command.HOLD, call=call, on=False)
        await wait_state(floor, call, "talking")
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return call

    record = Call.objects.get(pk=run_floor(scenario))
    assert record.outcome == Outcome.ANSWERED
    assert 0 < record.hold_seconds <= record.talk_seconds


def test_a_call_hung_up_on_hold_counts_its_hold_until_the_end(rahim):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=["2", "1"])
        await desk.wait_for(Event.OFFER)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HOLD, call=call, on=True)
        await wait_state(floor, call, "held")
        await asyncio.sleep(0.05)  # some time on hold
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return call

    record = Call.objects.get(pk=run_floor(scenario))
    assert 0 < record.hold_seconds <= record.talk_seconds
