"""The live engine on SIP with operators' registered phones: the desk's buttons on the real
call, transfer between queues, no-answer re-offer, giving up in the queue.

SIPp plays the carrier and each operator's phone; the engine and its records are real."""

import asyncio
import subprocess

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.floor import Command, Event
from switchboard.calls.models import Call, Outcome
from switchboard.telephony.bots import LayerDesk
from switchboard.telephony.engine import Engine
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks
from tests.conftest import run_async

from ..conftest import NASREEN, NUMBER
from .conftest import (
    carrier_call,
    free_port,
    need,
    phone_register,
    phone_rings_unanswered,
)
from .peers import phone_answers_until_bye

pytestmark = pytest.mark.sip

ENGLISH_ORDERS = ["dtmf_2833_2.pcap", "dtmf_2833_1.pcap"]


@pytest.fixture
def short_prompts(tmp_path):
    """Every prompt as 0.3 s of tone: the menu's logic, not its speeches."""
    need("sox")
    folder = tmp_path / "prompts"
    folder.mkdir()
    tone = folder / "tone.wav"
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", tone, "synth", "0.3", "sine", "440"],
        check=True,
        timeout=20,
    )
    for name in ("greeting", "language", "menu", "invalid", "music"):
        (folder / f"{name}.wav").symlink_to(tone)
    return folder


class Floor:
    """The engine on SipTelephony, the carrier's address, phones that register."""

    def __init__(self, engine, telephony, layer, sipp) -> None:
        self.engine, self.telephony, self.layer, self.sipp = engine, telephony, layer, sipp
        self.target = (telephony.config.host, telephony.config.port)
        self.tasks: list[asyncio.Task] = []

    async def desk(self, user, available: bool = True) -> LayerDesk:
        desk = await LayerDesk(self.layer, user.pk).open()
        if available:
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
        return desk

    async def phone(self, extension: str, scenario: str, port: int | None = None) -> asyncio.Task:
        """Register `extension` from a port of its own, then run `scenario` (a UAS) there."""
        port = port or free_port()
        registered = await self.sipp.run(
            phone_register(extension, "s3cret"), self.target, port=port
        )
        assert registered.returncode == 0, registered.stdout
        await self.telephony.wait_registered(extension)
        return self.start(self.sipp.run(scenario, None, port=port))

    def carrier(self, scenario: str) -> asyncio.Task:
        return self.start(self.sipp.run(scenario, self.target, service=NUMBER))

    def start(self, coro) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self.tasks.append(task)
        return task


def run_sip_floor(config: SipConfig, sipp, scenario):
    from switchboard.telephony.sip import SipTelephony

    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        telephony = SipTelephony(config)
        engine = Engine(setup, telephony, layer, engine_id="sip-test", tick_seconds=0.05)
        await engine.start()
        floor = Floor(engine, telephony, layer, sipp)
        try:
            result = await asyncio.wait_for(scenario(floor), 20)
            await engine.out.drained()
            return result
        finally:
            for task in floor.tasks:
                task.cancel()
            await engine.stop()

    return run_async(main())


@pytest.fixture
def config(rahim, karim, rtpengine, short_prompts):
    return SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompts=short_prompts,
        phones={
            "101": Phone("101", "s3cret", str(rahim.pk)),
            "102": Phone("102", "s3cret", str(karim.pk)),
        },
    )


async def succeeded(task: asyncio.Task) -> None:
    result = await task
    assert result.returncode == 0, result.stdout


def phone_rings_then_auto_answers(extension: str) -> str:
    """The phone's second INVITE must carry the auto-answer header; it answers at once."""
    body = phone_answers_until_bye(extension)
    return body.replace(
        '<recv request="INVITE"/>',
        """<recv request="INVITE">
    <action>
      <ereg regexp="[Cc]all-[Ii]nfo: [^;]*;answer-after=0" search_in="msg" check_it="true"
            assign_to="4"/>
    </action>
  </recv>""",
        1,
    ).replace("Content-Length: 0", "X-Auto-Answer: [$4]\n      Content-Length: 0", 1)


def test_accept_on_the_desk_while_the_phone_rings_connects_the_phone_and_hang_up_ends_both(
    rahim, karim, nasreen, config, sipp
):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        port = free_port()
        ringing = await floor.phone("101", phone_rings_unanswered("101"), port)
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True))
        offer = await desk.wait_for(Event.OFFER)
        call = offer["call"]["id"]
        await floor.telephony.wait_ringing(call)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await succeeded(ringing)  # the first INVITE was cancelled ...
        # ... and the phone answers the second by itself (SIPp takes sippy's retransmission).
        answering = floor.start(
            floor.sipp.run(phone_rings_then_auto_answers("101"), None, port=port)
        )
        while floor.telephony._calls[call].leg is None or (
            floor.telephony._calls[call].leg.state != "bridged"
        ):
            await asyncio.sleep(0.02)
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await succeeded(answering)  # our BYE to the phone
        await succeeded(carrier)  # and to the caller
        return call

    record = Call.objects.get(pk=run_sip_floor(config, sipp, scenario))
    assert (record.outcome, record.agent) == (Outcome.ANSWERED, rahim)
    assert record.answered_at is not None and record.ended_at is not None
    assert record.offers == 1
