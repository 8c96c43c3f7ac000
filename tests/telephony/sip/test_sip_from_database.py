"""The SIP side configured from the database: an extension's HA1 against a real SIPp
REGISTER, and a carrier that registers like a phone (registration-mode trunk) and then calls."""

import asyncio
import dataclasses
import logging

import pytest

from switchboard.acd.models import IvrMenu
from switchboard.telephony.actions import (
    TrunkData,
    check_save_extension,
    check_save_prompt,
    check_save_trunk,
)
from switchboard.telephony.interface import Answered, CallArrived, PromptFinished
from switchboard.telephony.models import InboundMode
from switchboard.telephony.sip.config import SipConfig

from ..conftest import NUMBER
from ..test_prompt_audio import wav
from .conftest import carrier_call, free_port, phone_register, refused_call
from .test_engine_over_sip import short_prompts  # noqa: F401 (a fixture)
from .test_inbound import CALLER, next_event

pytestmark = pytest.mark.sip


def config_from_db(rtpengine) -> SipConfig:
    """What `switchboard engine` would read, on this test's ports."""
    return dataclasses.replace(
        SipConfig.from_settings(),
        host="127.0.0.1",
        port=free_port(),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
    )


async def started(config):
    from switchboard.telephony.sip import SipTelephony

    telephony = SipTelephony(config)
    events: asyncio.Queue = asyncio.Queue()
    await telephony.start(events.put_nowait)
    return telephony, events


@pytest.fixture
def phone_in_database(db, agent, rtpengine, settings):
    settings.SWITCHBOARD = {
        **settings.SWITCHBOARD,
        "SIP": {**settings.SWITCHBOARD["SIP"], "TRUNKS": ""},
    }
    check_save_extension(None, user=agent, number="1001", password="long-secret")
    return config_from_db(rtpengine)


async def test_a_phone_registers_with_the_password_whose_ha1_the_database_keeps(
    phone_in_database, sipp, agent
):
    config = phone_in_database
    assert config.phones["1001"].password == ""  # only the HA1 came from the database
    telephony, events = await started(config)
    try:
        target = (config.host, config.port)
        wrong = await sipp.run(phone_register("1001", "long-secreT", accepted=False), target)
        assert wrong.returncode == 0, wrong.stdout
        with pytest.raises(TimeoutError):
            await telephony.wait_registered("1001", timeout=0.2)
        port = free_port()
        right = await sipp.run(phone_register("1001", "long-secret"), target, port=port)
        assert right.returncode == 0, right.stdout
        binding = await telephony.wait_registered("1001")
        assert (binding.host, binding.port) == ("127.0.0.1", port)
        assert config.phone_of(str(agent.pk)).extension == "1001"
        assert events.empty()
    finally:
        await telephony.stop()


@pytest.fixture
def registering_carrier(deshi_bazar, rtpengine, settings, tmp_path):
    """Only a registration-mode trunk (no allow-list at all), and a greeting of the menu's own."""
    settings.MEDIA_ROOT = tmp_path
    settings.SWITCHBOARD = {
        **settings.SWITCHBOARD,
        "SIP": {**settings.SWITCHBOARD["SIP"], "TRUNKS": ""},
    }
    check_save_trunk(
        None,
        TrunkData(name="gateway", inbound_mode=InboundMode.REGISTRATION, username="gw"),
        "gateway-secret",
    )
    menu = IvrMenu.objects.get(dialed_number=NUMBER)
    check_save_prompt(menu=menu, name="greeting", language="bn", data=wav(seconds=0.3))
    return config_from_db(rtpengine)


async def test_a_registration_trunk_registers_then_its_calls_are_accepted(
    registering_carrier, sipp, caplog
):
    config = registering_carrier
    assert config.trunks[0].networks == ()
    sip_log = logging.getLogger("switchboard.telephony.sip")
    sip_log.addHandler(caplog.handler)  # the switchboard loggers do not propagate
    telephony, events = await started(config)
    carrier = None
    try:
        target = (config.host, config.port)
        # Before it registers, the carrier's address is a stranger's.
        refused = await sipp.run(refused_call(CALLER, 403), target, service=NUMBER)
        assert refused.returncode == 0, refused.stdout
        registered = await sipp.run(phone_register("gw", "gateway-secret"), target)
        assert registered.returncode == 0, registered.stdout
        await telephony.wait_registered("gw")

        carrier = asyncio.create_task(
            sipp.run(carrier_call(CALLER, we_hang_up=True), target, service=NUMBER)
        )
        arrived = await next_event(events, CallArrived)
        assert (arrived.caller, arrived.dialed) == (CALLER, NUMBER)
        telephony.answer(arrived.call)
        telephony.play(arrived.call, "greeting", "bn")  # only the menu's own file exists
        assert await next_event(events, Answered) == Answered(arrived.call)
        assert await next_event(events, PromptFinished) == PromptFinished(arrived.call, "greeting")
        telephony.hang_up(arrived.call)
        result = await carrier
        assert result.returncode == 0, result.stdout
        assert "no WAV for prompt" not in caplog.text
        assert "did not play" not in caplog.text
    finally:
        sip_log.removeHandler(caplog.handler)
        if carrier is not None:
            carrier.cancel()
        await telephony.stop()


def test_a_trunk_call_to_a_number_without_a_menu_reaches_the_default_queue_on_a_phone(
    rahim,
    nasreen,
    rtpengine,
    sipp,
    short_prompts,  # noqa: F811
    settings,
):
    """Trunk and extension from the database; the dialed number has no menu, so the call
    goes straight to the default queue and rings Rahim's registered phone, which answers."""
    from asgiref.sync import sync_to_async
    from channels.layers import InMemoryChannelLayer

    from switchboard.acd.floor import Command, Event
    from switchboard.calls.models import Call, Outcome
    from switchboard.telephony.bots import LayerDesk
    from switchboard.telephony.engine import Engine
    from switchboard.telephony.setup import load_setup
    from switchboard.telephony.sip import SipTelephony
    from tests.conftest import run_async

    from .conftest import phone_answers

    settings.SWITCHBOARD = {
        **settings.SWITCHBOARD,
        "SIP": {**settings.SWITCHBOARD["SIP"], "TRUNKS": ""},
    }
    check_save_trunk(None, TrunkData(name="carrier", allowed_addresses="127.0.0.1"))
    check_save_extension(None, user=rahim, number="1001", password="long-secret")
    config = dataclasses.replace(config_from_db(rtpengine), prompts=short_prompts)
    target = (config.host, config.port)
    unknown = "+8809611999999"

    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        telephony = SipTelephony(config)
        engine = Engine(setup, telephony, layer, engine_id="sip-db-test", tick_seconds=0.05)
        await engine.start()
        tasks = []
        try:
            phone_port = free_port()
            registered = await sipp.run(
                phone_register("1001", "long-secret"), target, port=phone_port
            )
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("1001")
            desk = await LayerDesk(layer, rahim.pk).open()
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
            phone = asyncio.create_task(
                sipp.run(phone_answers("1001", talk_ms=300), None, port=phone_port)
            )
            carrier = asyncio.create_task(
                sipp.run(carrier_call(CALLER, we_hang_up=True), target, service=unknown)
            )
            tasks += [phone, carrier]
            offer = await desk.wait_for(Event.OFFER)
            await desk.wait_for(Event.CALL_ENDED)  # the phone answered, then hung up
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
    assert record.dialed_number == unknown
    assert record.queue.code == "info"  # the default queue of the menu
    assert record.outcome == Outcome.ANSWERED
    assert record.agent_id == rahim.pk
