"""Periodic announcements to a caller waiting in a queue, on the live engine (virtual
carrier, which plays each prompt as a short pause)."""

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import Queue
from switchboard.calls.models import Call, Outcome
from switchboard.telephony.engine import Engine
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sim import VirtualCarrier
from tests.conftest import run_async

from .conftest import NUMBER, SPEED, RunningFloor


class TellingCarrier(VirtualCarrier):
    """The virtual carrier, keeping what each caller was played."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.told: list[str] = []
        self.at: list[float] = []  # the engine's clock when each was played

    def play(self, call: str, prompt: str, language: str) -> None:
        self._tell(prompt)
        super().play(call, prompt, language)

    def play_music(self, call: str) -> None:
        self._tell("music")
        super().play_music(call)

    def _tell(self, what: str) -> None:
        self.told.append(what)
        self.at.append(asyncio.get_running_loop().time())


def run_telling_floor(scenario):
    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        carrier = TellingCarrier([NUMBER], calls_per_hour=0, speed=SPEED, seed=1)
        engine = Engine(setup, carrier, layer, engine_id="test-engine", tick_seconds=0.05)
        await engine.start()
        try:
            return await asyncio.wait_for(scenario(RunningFloor(engine, carrier, layer)), 30)
        finally:
            await engine.stop()

    return run_async(main())


def test_a_waiting_caller_hears_their_position_then_the_music_again(rahim):
    Queue.objects.filter(code="orders").update(announce_every_seconds=1, announce="both")

    async def scenario(floor):
        call = floor.call(digits=["2", "1"], patience=600.0)
        told = floor.carrier.told
        while told.count("music") < 2:  # queued (music), announced, music again
            await asyncio.sleep(0.02)
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.OFFER)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        queued = told.index("music")
        return call, told[queued : queued + 4]

    call, told = run_telling_floor(scenario)
    # Nobody answered in this queue yet: no expected wait to give, only the position.
    assert told == ["music", "queue-position", "number-1", "music"]
    assert Call.objects.get(pk=call).outcome == Outcome.ANSWERED


def test_a_queue_without_announcements_only_plays_music(rahim):
    async def scenario(floor):
        call = floor.call(digits=["2", "1"], patience=600.0)
        while floor.engine.calls.get(call) is None or floor.engine.calls[call].state != "waiting":
            await asyncio.sleep(0.02)
        await asyncio.sleep(1.2)  # longer than any period a test would set
        return floor.carrier.told

    told = run_telling_floor(scenario)
    assert "queue-position" not in told and told[-1] == "music"


def test_the_period_between_announcements_is_music_however_long_an_announcement_is(rahim):
    Queue.objects.filter(code="orders").update(announce_every_seconds=1, announce="position")

    async def scenario(floor):
        floor.call(digits=["2", "1"], patience=600.0)
        told = floor.carrier.told
        while told.count("queue-position") < 2:
            await asyncio.sleep(0.02)
        return list(zip(told, floor.carrier.at, strict=True))

    played = run_telling_floor(scenario)
    first = next(n for n, (what, _) in enumerate(played) if what == "queue-position")
    assert [what for what, _ in played[first : first + 4]] == [
        "queue-position",
        "number-1",
        "music",
        "queue-position",
    ]
    music_again, second = played[first + 2][1], played[first + 3][1]
    assert second - music_again >= 1.0  # a whole period of music, not straight on
