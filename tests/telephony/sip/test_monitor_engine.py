"""The floor's Listen over SIP: a supervisor's command rings their registered phone with a
live call, the floor hears how it goes, and the log says who listened to which call."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd import floor as floor_messages
from switchboard.acd.floor import Command, Event
from switchboard.calls.models import CallMonitoring, MonitorEnd
from switchboard.telephony.bots import LayerDesk
from switchboard.telephony.engine import Engine
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks
from tests.conftest import run_async

from ..conftest import NASREEN, NUMBER
from .conftest import carrier_call, free_port, phone_answers, phone_register
from .test_engine_over_sip import short_prompts  # noqa: F401 (a fixture)
from .test_monitor import answers_until_our_bye, ear

pytestmark = pytest.mark.sip


def test_a_supervisor_listens_from_their_phone_and_the_listening_is_logged(
    rahim,
    supervisor,
    rtpengine,
    sipp,
    short_prompts,  # noqa: F811
):
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompts=short_prompts,
        phones={
            "101": Phone("101", "s3cret", str(rahim.pk)),
            "201": Phone("201", "b0ss", str(supervisor.pk)),
        },
    )
    target = (config.host, config.port)

    async def register(extension, password):
        port = free_port()
        result = await sipp.run(phone_register(extension, password), target, port=port)
        assert result.returncode == 0, result.stdout
        await telephony.wait_registered(extension)
        return port

    telephony = SipTelephony(config)

    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        engine = Engine(setup, telephony, layer, engine_id="sip-test", tick_seconds=0.05)
        await engine.start()
        tasks = []
        operator_ear, supervisor_ear = ear(), ear()
        try:
            operator_port = await register("101", "s3cret")
            supervisor_port = await register("201", "b0ss")
            desk = await LayerDesk(layer, rahim.pk).open()
            boss = await LayerDesk(layer, supervisor.pk).open()
            await layer.group_add(floor_messages.FLOOR_GROUP, boss.channel)
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
            phone = asyncio.create_task(
                sipp.run(
                    answers_until_our_bye("101", operator_ear.getsockname()[1]),
                    None,
                    port=operator_port,
                )
            )
            scenario = carrier_call(
                NASREEN, ["dtmf_2833_2.pcap", "dtmf_2833_1.pcap"], we_hang_up=True
            )
            carrier = asyncio.create_task(sipp.run(scenario, target, service=NUMBER))
            tasks += [phone, carrier]
            connected = await desk.wait_for(Event.CONNECTED)  # Rahim's phone answered
            call = connected["call"]["id"]

            await boss.send(Command.MONITOR, call=call, mode="listen")
            ringing = await boss.wait_for(Event.MONITOR, state="ringing")
            listener = asyncio.create_task(
                sipp.run(
                    phone_answers("201", talk_ms=1500, rtp_port=supervisor_ear.getsockname()[1]),
                    None,
                    port=supervisor_port,
                )
            )
            tasks.append(listener)
            await boss.wait_for(Event.MONITOR, state="listening", mode="listen")
            await boss.send(Command.MONITOR, call=call, mode="listen")
            twice = await boss.wait_for(Event.ERROR)
            # From listening to whispering: the same phone call.
            await boss.send(Command.MONITOR, call=call, mode="whisper")
            await boss.wait_for(Event.MONITOR, state="listening", mode="whisper")
            ended = await boss.wait_for(Event.MONITOR, state="ended")  # the supervisor hung up
            assert (await listener).returncode == 0

            # The call went on; Rahim ends it.
            await desk.send(Command.HANG_UP, call=call)
            await desk.wait_for(Event.CALL_ENDED)
            for task in (phone, carrier):
                result = await task
                assert result.returncode == 0, result.stdout
            await engine.out.drained()
            return call, ringing, twice, ended
        finally:
            for task in tasks:
                task.cancel()
            operator_ear.close()
            supervisor_ear.close()
            await engine.stop()

    call, ringing, twice, ended = run_async(main())
    assert (ringing["supervisor"], ringing["mode"]) == (supervisor.pk, "listen")
    assert twice["code"] == "already"
    assert ended["reason"] == "hung_up"
    listened, whispered = CallMonitoring.objects.order_by("requested_at", "id")
    assert (listened.call_id.hex, listened.supervisor, listened.mode) == (
        call,
        supervisor,
        "listen",
    )
    assert listened.requested_at <= listened.started_at <= listened.ended_at
    assert listened.end_reason == MonitorEnd.SWITCHED
    assert (whispered.mode, whispered.end_reason) == ("whisper", MonitorEnd.HUNG_UP)
    assert listened.ended_at <= whispered.started_at <= whispered.ended_at
