"""The live engine on SIP with operators' registered phones: the desk's buttons on the real
call, transfer between queues, no-answer re-offer, giving up in the queue.

SIPp plays the carrier and each operator's phone; the engine and its records are real."""

import asyncio
import dataclasses
import subprocess

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import Queue
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
    phone_answers,
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
                finished = task.done() and not task.cancelled() and task.exception() is None
                if finished and task.result().returncode:  # shown when the scenario failed
                    print(task.result().stdout[-3000:])
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


def test_a_transfer_to_another_queue_drops_the_first_phone_and_rings_the_next_operators_phone(
    rahim, karim, nasreen, config, sipp
):
    async def scenario(floor):
        first = await floor.desk(rahim)
        second = await floor.desk(karim, available=False)
        first_phone = await floor.phone("101", phone_answers_until_bye("101"))
        second_phone = await floor.phone("102", phone_answers_until_bye("102"))
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True))
        offer = await first.wait_for(Event.OFFER)
        call = offer["call"]["id"]
        await first.wait_for(Event.CONNECTED)  # Rahim's phone answered
        await second.send(Command.GO_AVAILABLE)  # Karim takes complaints
        await second.wait_for(Event.AGENT_STATE, state="available")
        await first.send(Command.TRANSFER, call=call, queue="complaints")
        ended = await first.wait_for(Event.CALL_ENDED)
        await succeeded(first_phone)  # our BYE to Rahim's phone
        await second.wait_for(Event.OFFER)
        await second.wait_for(Event.CONNECTED)  # Karim's phone answered
        await second.send(Command.HANG_UP, call=call)
        await second.wait_for(Event.CALL_ENDED)
        await succeeded(second_phone)
        await succeeded(carrier)
        return call, ended

    call, ended = run_sip_floor(config, sipp, scenario)
    assert ended["outcome"] == "transferred"
    record = Call.objects.get(pk=call)
    assert (record.outcome, record.agent, record.queue.code) == (
        Outcome.ANSWERED,
        karim,
        "complaints",
    )
    assert [(t["agent"], t["to_queue"]) for t in record.transfer_chain] == [
        (rahim.pk, "complaints")
    ]
    assert record.offers == 2 and record.talk_seconds > 0


def test_a_caller_hanging_up_during_a_transfer_leaves_a_complete_record(
    rahim, karim, nasreen, config, sipp
):
    Queue.objects.filter(code="complaints").update(ring_seconds=10)

    async def scenario(floor):
        first = await floor.desk(rahim)
        second = await floor.desk(karim, available=False)
        first_phone = await floor.phone("101", phone_answers_until_bye("101"))
        second_phone = await floor.phone("102", phone_rings_unanswered("102"))
        # The caller hangs up 3.5 s after the menu: while Karim's phone rings.
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, talk_ms=3500))
        offer = await first.wait_for(Event.OFFER)
        call = offer["call"]["id"]
        await first.wait_for(Event.CONNECTED)
        await second.send(Command.GO_AVAILABLE)
        await second.wait_for(Event.AGENT_STATE, state="available")
        await first.send(Command.TRANSFER, call=call, queue="complaints")
        await succeeded(first_phone)
        await second.wait_for(Event.OFFER)
        await floor.telephony.wait_ringing(call)
        await second.wait_for(Event.OFFER_WITHDRAWN)  # the caller is gone
        await succeeded(second_phone)  # CANCEL, 487, ACK
        await succeeded(carrier)
        await second.wait_for(Event.AGENT_STATE, state="available")
        return call

    record = Call.objects.get(pk=run_sip_floor(config, sipp, scenario))
    assert record.outcome == Outcome.ABANDONED
    assert record.answered_at is not None and record.ended_at >= record.answered_at
    assert record.talk_seconds > 0 and record.queue.code == "complaints"
    assert [t["agent"] for t in record.transfer_chain] == [rahim.pk]
    assert record.offers == 2


def test_a_phone_that_does_not_answer_in_time_is_cancelled_and_the_next_operators_phone_rings(
    rahim, karim, nasreen, config, sipp
):
    async def scenario(floor):
        first = await floor.desk(rahim)
        second = await floor.desk(karim, available=False)
        first_phone = await floor.phone("101", phone_rings_unanswered("101"))
        second_phone = await floor.phone("102", phone_answers("102", talk_ms=300))
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True))
        offer = await first.wait_for(Event.OFFER)
        await second.send(Command.GO_AVAILABLE)
        await second.wait_for(Event.AGENT_STATE, state="available")
        await first.wait_for(Event.OFFER_WITHDRAWN)  # orders ring for 1 s
        await succeeded(first_phone)  # CANCEL
        await second.wait_for(Event.CONNECTED)
        await second.wait_for(Event.CALL_ENDED)  # Karim's phone hung up
        await succeeded(second_phone)
        await succeeded(carrier)
        return offer["call"]["id"]

    record = Call.objects.get(pk=run_sip_floor(config, sipp, scenario))
    assert (record.outcome, record.agent, record.offers) == (Outcome.ANSWERED, karim, 2)


def test_a_ring_cancelled_sends_the_call_back_to_the_queue_where_the_caller_gives_up(
    rahim, nasreen, config, sipp
):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        phone = await floor.phone("101", phone_rings_unanswered("101"))
        # The caller waits 3.5 s after the menu, then hangs up.
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, talk_ms=3500))
        offer = await desk.wait_for(Event.OFFER)
        call = offer["call"]["id"]
        await desk.wait_for(Event.OFFER_WITHDRAWN)  # no answer in 1 s: CANCEL
        await succeeded(phone)
        assert floor.engine.calls[call].state == "waiting"  # back in the queue
        await succeeded(carrier)  # the caller gave up there
        while call in floor.engine.calls:
            await asyncio.sleep(0.02)
        return call

    record = Call.objects.get(pk=run_sip_floor(config, sipp, scenario))
    assert record.outcome == Outcome.ABANDONED
    assert record.answered_at is None and record.talk_seconds is None
    assert record.wait_seconds > 0 and record.offers == 1
    assert record.ended_at >= record.queued_at


def test_a_strangers_invite_to_an_external_number_is_refused_and_leaves_no_record(
    rahim, config, sipp
):
    from .conftest import refused_call

    async def scenario(floor):
        result = await floor.sipp.run(
            refused_call(NASREEN, 403), floor.target, local_ip="127.0.0.2", service="+442071838750"
        )
        assert result.returncode == 0, result.stdout

    run_sip_floor(config, sipp, scenario)
    assert not Call.objects.exists()


def test_hold_from_the_desk_on_a_phone_call_is_recorded_and_the_call_goes_on(
    rahim, nasreen, config, sipp
):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        phone = await floor.phone("101", phone_answers_until_bye("101"))
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True))
        offer = await desk.wait_for(Event.OFFER)
        call = offer["call"]["id"]
        await desk.wait_for(Event.CONNECTED)  # the phone answered
        while floor.telephony._calls[call].leg.state != "bridged":
            await asyncio.sleep(0.02)
        await desk.send(Command.HOLD, call=call, on=True)
        while not floor.telephony._calls[call].held:
            await asyncio.sleep(0.02)
        await floor.telephony.settled(call)  # blocked both ways, music playing
        await desk.send(Command.HOLD, call=call, on=False)
        while floor.telephony._calls[call].held:
            await asyncio.sleep(0.02)
        await floor.telephony.settled(call)
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await succeeded(phone)
        await succeeded(carrier)
        return call

    record = Call.objects.get(pk=run_sip_floor(config, sipp, scenario))
    assert record.outcome == Outcome.ANSWERED
    assert 0 < record.hold_seconds <= record.talk_seconds


def test_a_caller_that_never_acks_is_hung_up_and_its_record_closed_as_failed(
    rahim, nasreen, config, sipp
):
    from .peers import carrier_without_ack

    async def scenario(floor):
        carrier = floor.carrier(carrier_without_ack(NASREEN))
        await succeeded(carrier)  # our 200 unacknowledged, then our BYE
        while floor.engine.calls:
            await asyncio.sleep(0.02)

    run_sip_floor(dataclasses.replace(config, ack_timeout=1.0), sipp, scenario)
    record = Call.objects.get()
    assert record.outcome == Outcome.FAILED
    assert record.ended_at is not None and record.ended_at >= record.arrived_at
    assert record.answered_at is None and record.agent is None


def test_an_invite_whose_sdp_rtpengine_cannot_take_is_refused_and_recorded_as_failed(
    rahim, config, sipp
):
    from .conftest import refused_call

    broken = refused_call(NASREEN, 480).replace(
        "m=audio [media_port] RTP/AVP 8 101", "m=audio notaport RTP/AVP"
    )

    async def scenario(floor):
        result = await floor.sipp.run(broken, floor.target, service=NUMBER)
        assert result.returncode == 0, result.stdout  # 480, not a half-set-up call
        while floor.engine.calls:
            await asyncio.sleep(0.02)

    run_sip_floor(config, sipp, scenario)
    record = Call.objects.get()
    assert (record.outcome, record.answered_at) == (Outcome.FAILED, None)
    assert record.ended_at is not None


def test_a_phone_that_declines_passes_the_call_to_the_next_operator_at_once(
    rahim, karim, nasreen, config, sipp
):
    from .peers import phone_busy

    Queue.objects.filter(code="orders").update(ring_seconds=15)  # no waiting for the timer

    async def scenario(floor):
        first = await floor.desk(rahim)
        second = await floor.desk(karim)  # Rahim waited longer: the call goes to him first
        busy = await floor.phone("101", phone_busy("101"))
        answering = await floor.phone("102", phone_answers("102", talk_ms=300))
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True))
        offer = await first.wait_for(Event.OFFER)
        await first.wait_for(Event.OFFER_WITHDRAWN)  # his phone said 486
        await succeeded(busy)
        await second.wait_for(Event.CONNECTED)
        await second.wait_for(Event.CALL_ENDED)
        await succeeded(answering)
        await succeeded(carrier)
        return offer["call"]["id"]

    record = Call.objects.get(pk=run_sip_floor(config, sipp, scenario))
    assert (record.outcome, record.agent, record.offers) == (Outcome.ANSWERED, karim, 2)
