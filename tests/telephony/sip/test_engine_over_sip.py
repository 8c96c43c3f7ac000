"""The live engine on SIP: a SIPp caller through the menu to a desk, and the call record."""

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
from .conftest import carrier_call, free_port, need, phone_answers, phone_register

pytestmark = pytest.mark.sip


@pytest.fixture
def short_prompts(tmp_path):
    """Every prompt of the menu as 0.3 s of tone: the menu's logic, not its speeches."""
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


def test_a_sip_caller_goes_through_the_menu_to_a_desk_and_the_record_is_complete(
    rahim, nasreen, rtpengine, sipp, short_prompts
):
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompts=short_prompts,
    )

    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        engine = Engine(setup, SipTelephony(config), layer, engine_id="sip-test", tick_seconds=0.05)
        await engine.start()
        carrier = None
        try:
            desk = await LayerDesk(layer, rahim.pk).open()
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
            # English (2), then orders (1): RFC 2833 key presses from the pcaps SIPp ships.
            scenario = carrier_call(
                NASREEN, ["dtmf_2833_2.pcap", "dtmf_2833_1.pcap"], we_hang_up=True
            )
            carrier = asyncio.create_task(
                sipp.run(scenario, (config.host, config.port), service=NUMBER)
            )
            offer = await desk.wait_for(Event.OFFER)
            call = offer["call"]["id"]
            await desk.send(Command.ACCEPT, call=call)
            await desk.wait_for(Event.CONNECTED)
            await desk.send(Command.HANG_UP, call=call)
            await desk.wait_for(Event.CALL_ENDED)
            result = await carrier
            assert result.returncode == 0, result.stdout  # our BYE reached the carrier
            await engine.out.drained()
            return offer
        finally:
            if carrier is not None:
                carrier.cancel()
            await engine.stop()

    offer = run_async(main())
    summary = offer["call"]
    assert (summary["queue"], summary["language"]) == ("orders", "en")
    record = Call.objects.get(pk=summary["id"])
    assert record.outcome == Outcome.ANSWERED
    assert record.caller_number == NASREEN
    assert record.contact == nasreen
    assert record.answered_at is not None and record.ended_at is not None


def test_a_sip_caller_is_answered_on_the_operators_registered_phone(
    rahim, nasreen, rtpengine, sipp, short_prompts
):
    """No desk command at all: the phone's answer is the accept, its BYE the hang-up."""
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompts=short_prompts,
        phones={"101": Phone("101", "s3cret", str(rahim.pk))},
    )
    target = (config.host, config.port)

    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        telephony = SipTelephony(config)
        engine = Engine(setup, telephony, layer, engine_id="sip-test", tick_seconds=0.05)
        await engine.start()
        tasks = []
        try:
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await LayerDesk(layer, rahim.pk).open()
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
            phone = asyncio.create_task(
                sipp.run(phone_answers("101", talk_ms=500), None, port=phone_port)
            )
            scenario = carrier_call(
                NASREEN, ["dtmf_2833_2.pcap", "dtmf_2833_1.pcap"], we_hang_up=True
            )
            carrier = asyncio.create_task(sipp.run(scenario, target, service=NUMBER))
            tasks += [phone, carrier]
            offer = await desk.wait_for(Event.OFFER)
            await desk.wait_for(Event.CONNECTED)  # the phone answered
            await desk.wait_for(Event.CALL_ENDED)  # the phone hung up
            for task in (phone, carrier):
                result = await task
                assert result.returncode == 0, result.stdout
            await engine.out.drained()
            return offer
        finally:
            for task in tasks:
                task.cancel()
            await engine.stop()

    offer = run_async(main())
    record = Call.objects.get(pk=offer["call"]["id"])
    assert record.outcome == Outcome.ANSWERED
    assert record.agent_id == rahim.pk
    assert (record.queue.code, record.language) == ("orders", "en")
