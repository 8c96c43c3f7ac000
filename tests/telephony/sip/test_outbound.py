"""Outbound calls over SIP, the real engine dialing through a trunk: SIPp plays the customer
(answers, is busy, never answers) and the operator's registered phone; rtpengine carries
the media. Every outcome lands on Rahim's desk (the channel layer) and in the Call record.
"""

import asyncio
import socket
from contextlib import asynccontextmanager

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.floor import Command, Event
from switchboard.calls.models import Call, Direction, Outcome
from switchboard.telephony.bots import LayerDesk
from switchboard.telephony.engine import Engine
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks
from tests.conftest import run_async

from ..conftest import NASREEN
from .conftest import (
    _scenario,
    carrier_call,
    free_port,
    phone_answers,
    phone_register,
    phone_rings_unanswered,
    refused_call,
)

pytestmark = pytest.mark.sip

CUSTOMER = "+8801811000002"
CALLER_ID = "+8809612345678"

_RESPONSE_HEADERS = """
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]"""


def customer_busy() -> str:
    """A SIPp UAS: the customer's line is busy (486), then the ACK."""
    body = f"""
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 486 Busy Here{_RESPONSE_HEADERS}
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
"""
    return _scenario("customer busy", body)


def customer_talks_until_our_bye() -> str:
    """A SIPp UAS: the customer answers (PCMA), speaks (SIPp's g711a.pcap), and stays on the
    line until our BYE."""
    body = f"""
  <recv request="INVITE"/>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK{_RESPONSE_HEADERS}
      Contact: <sip:customer@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=customer 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=sendrecv

    ]]>
  </send>
  <recv request="ACK"/>
  <nop><action><exec play_pcap_audio="pcap/g711a.pcap"/></action></nop>
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
"""
    return _scenario("customer talks", body)


def customer_switched_off() -> str:
    """A SIPp UAS: the network answers our INVITE with early media (183 with SDP), plays an
    announcement (SIPp's g711a.pcap), then gives up with 480."""
    body = f"""
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 183 Session Progress{_RESPONSE_HEADERS}
      Contact: <sip:network@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=network 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8
      a=rtpmap:8 PCMA/8000
      a=sendrecv

    ]]>
  </send>
  <nop><action><exec play_pcap_audio="pcap/g711a.pcap"/></action></nop>
  <pause milliseconds="1500"/>
  <send>
    <![CDATA[
      SIP/2.0 480 Temporarily Unavailable{_RESPONSE_HEADERS}
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
"""
    return _scenario("customer switched off", body)


def phone_talks_until_our_bye(rtp_port: int) -> str:
    """A SIPp UAS: the operator's phone answers at once, its audio port a test's socket, and
    stays until our BYE."""
    scenario = customer_talks_until_our_bye().replace("m=audio [media_port]", f"m=audio {rtp_port}")
    return scenario.replace(
        '  <nop><action><exec play_pcap_audio="pcap/g711a.pcap"/></action></nop>\n', ""
    )


@asynccontextmanager
async def sip_floor(rtpengine, phones=None, ring_seconds=30.0):
    """The engine on SIP with an outbound trunk aimed at a port the customer's SIPp takes."""
    from switchboard.telephony.sip import SipTelephony

    customer_port = free_port()
    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks(f"carrier=127.0.0.1,@127.0.0.1:{customer_port},#{CALLER_ID}"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        phones=phones or {},
    )
    layer = InMemoryChannelLayer()
    setup = await sync_to_async(load_setup, thread_sensitive=False)()
    setup.outbound_ring_seconds = ring_seconds
    setup.outbound_queue_code = "orders"
    telephony = SipTelephony(config)
    engine = Engine(setup, telephony, layer, engine_id="sip-test", tick_seconds=0.05)
    await engine.start()
    try:
        yield engine, telephony, layer, customer_port
    finally:
        await engine.stop()


async def _available(layer, user):
    desk = await LayerDesk(layer, user.pk).open()
    await desk.send(Command.GO_AVAILABLE)
    await desk.wait_for(Event.AGENT_STATE, state="available")
    return desk


def _run(main):
    return run_async(asyncio.wait_for(main(), 15))


def test_the_desk_calls_a_customer_who_answers_and_later_hangs_up(rahim, rtpengine, sipp):
    async def main():
        async with sip_floor(rtpengine) as (engine, _telephony, layer, port):
            desk = await _available(layer, rahim)
            customer = asyncio.create_task(
                sipp.run(phone_answers("customer", talk_ms=500), None, port=port)
            )
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER, mode="customer_first")
                dialing = await desk.wait_for(Event.DIALING)
                await desk.wait_for(Event.CONNECTED)
                ended = await desk.wait_for(Event.CALL_ENDED)  # the customer's BYE
                result = await customer
                assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return dialing, ended
            finally:
                customer.cancel()

    dialing, ended = _run(main)
    assert ended["outcome"] == "answered"
    record = Call.objects.get(pk=dialing["call"]["id"])
    assert (record.direction, record.outcome) == (Direction.OUTBOUND, Outcome.ANSWERED)
    assert (record.caller_number, record.dialed_number, record.agent) == ("", CUSTOMER, rahim)
    assert record.answered_at is not None and record.talk_seconds > 0


def test_a_busy_customer_is_recorded_as_busy(rahim, rtpengine, sipp):
    async def main():
        async with sip_floor(rtpengine) as (engine, _telephony, layer, port):
            desk = await _available(layer, rahim)
            customer = asyncio.create_task(sipp.run(customer_busy(), None, port=port))
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER)
                ended = await desk.wait_for(Event.CALL_ENDED)
                result = await customer
                assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return ended
            finally:
                customer.cancel()

    ended = _run(main)
    assert ended["outcome"] == "busy"
    record = Call.objects.get(pk=ended["call"])
    assert record.outcome == Outcome.BUSY and record.answered_at is None


def test_a_customer_who_never_answers_is_cancelled_at_the_engines_ring_timeout(
    rahim, rtpengine, sipp
):
    async def main():
        async with sip_floor(rtpengine, ring_seconds=1.0) as (engine, _telephony, layer, port):
            desk = await _available(layer, rahim)
            customer = asyncio.create_task(
                sipp.run(phone_rings_unanswered("customer"), None, port=port)
            )
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER)
                ended = await desk.wait_for(Event.CALL_ENDED)
                result = await customer  # our CANCEL, its 487, our ACK
                assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return ended
            finally:
                customer.cancel()

    ended = _run(main)
    assert ended["outcome"] == "no_answer"
    record = Call.objects.get(pk=ended["call"])
    assert record.outcome == Outcome.NO_ANSWER and record.wait_seconds >= 1.0


def test_agent_first_rings_the_phone_then_the_customer_and_the_phone_hears_the_customer(
    rahim, rtpengine, sipp
):
    phones = {"101": Phone("101", "s3cret", str(rahim.pk))}

    async def main():
        async with sip_floor(rtpengine, phones=phones) as (engine, telephony, layer, port):
            target = (telephony.config.host, telephony.config.port)
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await _available(layer, rahim)
            ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ear.bind(("127.0.0.1", 0))
            ear.setblocking(False)
            phone = asyncio.create_task(
                sipp.run(
                    phone_answers("101", talk_ms=2500, rtp_port=ear.getsockname()[1]),
                    None,
                    port=phone_port,
                )
            )
            customer = asyncio.create_task(
                sipp.run(customer_talks_until_our_bye(), None, port=port)
            )
            try:
                await desk.send(Command.ORIGINATE, contact=None, number=CUSTOMER)
                dialing = await desk.wait_for(Event.DIALING)
                await desk.wait_for(Event.CONNECTED)  # the customer answered
                loop = asyncio.get_running_loop()
                packet = await asyncio.wait_for(loop.sock_recv(ear, 2048), 5)
                ended = await desk.wait_for(Event.CALL_ENDED)  # the phone hung up
                for task in (phone, customer):
                    result = await task
                    assert result.returncode == 0, result.stdout  # the customer got our BYE
                await engine.out.drained()
                return dialing, packet, ended
            finally:
                phone.cancel()
                customer.cancel()
                ear.close()

    dialing, packet, ended = _run(main)
    assert packet[0] >> 6 == 2 and packet[1] & 0x7F == 8  # the customer's PCMA, on the phone
    assert ended["outcome"] == "answered"
    record = Call.objects.get(pk=dialing["call"]["id"])
    assert (record.outcome, record.agent, record.caller_number) == (
        Outcome.ANSWERED,
        rahim,
        "",
    )


def test_a_caller_is_transferred_blind_to_an_outside_number_through_the_trunk(
    rahim, nasreen, rtpengine, sipp
):
    async def main():
        async with sip_floor(rtpengine) as (engine, telephony, layer, port):
            target = (telephony.config.host, telephony.config.port)
            desk = await _available(layer, rahim)
            outside = asyncio.create_task(
                sipp.run(phone_answers("outside", talk_ms=500), None, port=port)
            )
            carrier = asyncio.create_task(sipp.run(carrier_call(NASREEN, we_hang_up=True), target))
            try:
                offer = await desk.wait_for(Event.OFFER)  # no menu: the default queue
                call = offer["call"]["id"]
                await desk.send(Command.ACCEPT, call=call)
                await desk.wait_for(Event.CONNECTED)
                await desk.send(Command.TRANSFER, call=call, number=CUSTOMER)
                ended = await desk.wait_for(Event.CALL_ENDED)
                # The outside party answers, talks, hangs up; then the caller gets our BYE.
                for task in (outside, carrier):
                    result = await task
                    assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return call, ended
            finally:
                outside.cancel()
                carrier.cancel()

    call, ended = _run(main)
    assert ended["outcome"] == "transferred"
    record = Call.objects.get(pk=call)
    assert record.outcome == Outcome.TRANSFERRED
    assert [step["to_number"] for step in record.transfer_chain] == [CUSTOMER]


async def test_a_strangers_or_a_phones_invite_to_an_outside_number_is_refused_never_dialed(
    rtpengine, sipp
):
    """Only the engine dials out: agents call from the desk, not by dialing on their phone."""
    from switchboard.telephony.sip import SipTelephony

    trunk_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    trunk_side.bind(("127.0.0.1", 0))
    trunk_side.setblocking(False)
    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks(f"carrier=127.0.0.1,@127.0.0.1:{trunk_side.getsockname()[1]}"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        phones={"101": Phone("101", "s3cret", "7")},
    )
    telephony = SipTelephony(config)
    events: asyncio.Queue = asyncio.Queue()
    await telephony.start(events.put_nowait)
    target = (config.host, config.port)
    try:
        result = await sipp.run(
            refused_call("8801711000009", 403), target, local_ip="127.0.0.2", service=CUSTOMER
        )
        assert result.returncode == 0, result.stdout
        # The operator's phone, registered from its own address, dials an outside number.
        phone_port = free_port()
        registered = await sipp.run(
            phone_register("101", "s3cret"), target, local_ip="127.0.0.3", port=phone_port
        )
        assert registered.returncode == 0, registered.stdout
        await telephony.wait_registered("101")
        result = await sipp.run(
            refused_call("101", 403),
            target,
            local_ip="127.0.0.3",
            port=phone_port,
            service=CUSTOMER,
        )
        assert result.returncode == 0, result.stdout
        assert events.empty()
        with pytest.raises(BlockingIOError):
            trunk_side.recv(2048)  # nothing went out to the trunk
    finally:
        trunk_side.close()
        await telephony.stop()


def test_agent_first_when_the_operators_phone_refuses_nobody_is_dialed_and_the_call_fails(
    rahim, rtpengine, sipp
):
    phones = {"101": Phone("101", "s3cret", str(rahim.pk))}

    async def main():
        async with sip_floor(rtpengine, phones=phones) as (engine, telephony, layer, port):
            target = (telephony.config.host, telephony.config.port)
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await _available(layer, rahim)
            customer_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            customer_side.bind(("127.0.0.1", port))
            customer_side.setblocking(False)
            phone = asyncio.create_task(sipp.run(customer_busy(), None, port=phone_port))
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER, mode="agent_first")
                ended = await desk.wait_for(Event.CALL_ENDED)
                result = await phone
                assert result.returncode == 0, result.stdout
                await engine.out.drained()
                with pytest.raises(BlockingIOError):
                    customer_side.recv(2048)  # the customer was never dialed
                return ended
            finally:
                phone.cancel()
                customer_side.close()

    ended = _run(main)
    assert ended["outcome"] == "failed"
    record = Call.objects.get(pk=ended["call"])
    assert (record.outcome, record.failure_reason) == (
        Outcome.FAILED,
        "the agent's phone did not answer",
    )


def test_customer_first_the_phone_rings_after_the_answer_and_hears_the_customer(
    rahim, rtpengine, sipp
):
    phones = {"101": Phone("101", "s3cret", str(rahim.pk))}

    async def main():
        async with sip_floor(rtpengine, phones=phones) as (engine, telephony, layer, port):
            target = (telephony.config.host, telephony.config.port)
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await _available(layer, rahim)
            ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ear.bind(("127.0.0.1", 0))
            ear.setblocking(False)
            customer = asyncio.create_task(
                sipp.run(customer_talks_until_our_bye(), None, port=port)
            )
            phone = asyncio.create_task(
                sipp.run(
                    phone_answers("101", talk_ms=2500, rtp_port=ear.getsockname()[1]),
                    None,
                    port=phone_port,
                )
            )
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER, mode="customer_first")
                await desk.wait_for(Event.CONNECTED)  # the customer answered first
                loop = asyncio.get_running_loop()
                packet = await asyncio.wait_for(loop.sock_recv(ear, 2048), 5)
                ended = await desk.wait_for(Event.CALL_ENDED)  # the phone hung up
                for task in (phone, customer):
                    result = await task
                    assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return packet, ended
            finally:
                phone.cancel()
                customer.cancel()
                ear.close()

    packet, ended = _run(main)
    assert packet[0] >> 6 == 2 and packet[1] & 0x7F == 8
    record = Call.objects.get(pk=ended["call"])
    assert record.outcome == Outcome.ANSWERED and record.agent == rahim


def test_customer_first_a_phone_that_never_answers_ends_the_answered_call_as_failed(
    rahim, rtpengine, sipp
):
    phones = {"101": Phone("101", "s3cret", str(rahim.pk))}

    async def main():
        async with sip_floor(rtpengine, phones=phones, ring_seconds=1.0) as (
            engine,
            telephony,
            layer,
            port,
        ):
            target = (telephony.config.host, telephony.config.port)
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await _available(layer, rahim)
            customer = asyncio.create_task(
                sipp.run(customer_talks_until_our_bye(), None, port=port)
            )
            phone = asyncio.create_task(
                sipp.run(phone_rings_unanswered("101"), None, port=phone_port)
            )
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER, mode="customer_first")
                ended = await desk.wait_for(Event.CALL_ENDED)
                for task in (phone, customer):  # the phone CANCELled, the customer BYEd
                    result = await task
                    assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return ended
            finally:
                phone.cancel()
                customer.cancel()

    ended = _run(main)
    assert ended["outcome"] == "failed"
    record = Call.objects.get(pk=ended["call"])
    assert record.answered_at is not None
    assert record.failure_reason == "answered, but the agent's phone did not"


def test_agent_first_the_operator_hears_the_networks_announcement_before_it_gives_up(
    rahim, rtpengine, sipp
):
    """Early media: the audio after a 183 (a switched-off number's announcement) reaches the
    operator's phone (rtpengine relays it to the side that offered, before any answer); the
    480 after it ends the call as no answer and the phone gets our BYE."""
    phones = {"101": Phone("101", "s3cret", str(rahim.pk))}

    async def main():
        async with sip_floor(rtpengine, phones=phones) as (engine, telephony, layer, port):
            target = (telephony.config.host, telephony.config.port)
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await _available(layer, rahim)
            ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ear.bind(("127.0.0.1", 0))
            ear.setblocking(False)
            phone = asyncio.create_task(
                sipp.run(phone_talks_until_our_bye(ear.getsockname()[1]), None, port=phone_port)
            )
            network = asyncio.create_task(sipp.run(customer_switched_off(), None, port=port))
            try:
                await desk.send(Command.ORIGINATE, number=CUSTOMER, mode="agent_first")
                loop = asyncio.get_running_loop()
                packet = await asyncio.wait_for(loop.sock_recv(ear, 2048), 5)
                ended = await desk.wait_for(Event.CALL_ENDED)
                for task in (network, phone):
                    result = await task
                    assert result.returncode == 0, result.stdout
                await engine.out.drained()
                return packet, ended
            finally:
                phone.cancel()
                network.cancel()
                ear.close()

    packet, ended = _run(main)
    assert packet[0] >> 6 == 2 and packet[1] & 0x7F == 8  # the announcement, on the phone
    assert ended["outcome"] == "no_answer"
    record = Call.objects.get(pk=ended["call"])
    assert record.outcome == Outcome.NO_ANSWER and record.answered_at is None
