"""Inbound calls from a trunk: SIPp plays the carrier, the test plays the engine."""

import asyncio
import socket

import pytest

from switchboard.telephony.interface import (
    Answered,
    CallArrived,
    CallerHungUp,
    DigitsReceived,
    PromptFinished,
)
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks

from .conftest import cancelled_call, carrier_call, free_port, refused_call

pytestmark = pytest.mark.sip

CALLER = "8801711000001"


@pytest.fixture
async def switchboard(rtpengine, prompt_wav):
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        host="127.0.0.1",
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompt_files={("welcome", "bn"): prompt_wav},
        phones={"101": Phone("101", "s3cret", "agent-7")},
    )
    telephony = SipTelephony(config)
    events: asyncio.Queue = asyncio.Queue()
    await telephony.start(events.put_nowait)
    try:
        yield telephony, events
    finally:
        await telephony.stop()


async def next_event(events, *kinds, timeout=5.0):
    """The next event of one of `kinds` (others, such as PromptFinished, are skipped)."""
    while True:
        event = await asyncio.wait_for(events.get(), timeout)
        if not kinds or isinstance(event, kinds):
            return event


async def test_a_trunk_call_is_answered_hears_the_prompt_presses_a_key_and_hangs_up(
    switchboard, sipp
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    carrier = asyncio.create_task(
        sipp.run(carrier_call(CALLER, "dtmf_2833_1.pcap", talk_ms=1500), target)
    )
    try:
        arrived = await next_event(events, CallArrived)
        assert arrived.caller == CALLER
        assert arrived.dialed == "09611000000"
        telephony.answer(arrived.call)
        telephony.play(arrived.call, "welcome", "bn")
        telephony.collect_digits(arrived.call, 1, 5.0)
        order = [arrived]
        kinds = (Answered, DigitsReceived, CallerHungUp)
        while not isinstance(order[-1], CallerHungUp):
            order.append(await next_event(events, *kinds))
        assert order == [
            arrived,
            Answered(arrived.call),
            DigitsReceived(arrived.call, "1"),
            CallerHungUp(arrived.call),
        ]
        result = await carrier
        assert result.returncode == 0, result.stdout
    finally:
        carrier.cancel()


async def test_a_prompt_finishes_after_its_length_and_our_bye_reaches_the_carrier(
    switchboard, sipp
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    # SIPp's Contact says ;transport=UDP in upper case, which sippy cannot send BYE to as is.
    carrier = asyncio.create_task(sipp.run(carrier_call(CALLER, we_hang_up=True), target))
    try:
        arrived = await next_event(events, CallArrived)
        telephony.answer(arrived.call)
        await next_event(events, Answered)
        loop = asyncio.get_running_loop()
        started = loop.time()
        telephony.play(arrived.call, "welcome", "bn")
        finished = await next_event(events, PromptFinished, CallerHungUp)
        assert finished == PromptFinished(arrived.call, "welcome")
        assert loop.time() - started > 1.0  # the WAV's length, not at once
        telephony.hang_up(arrived.call)
        result = await carrier
        assert result.returncode == 0, result.stdout
        assert events.empty()  # no CallerHungUp after our own hang-up
    finally:
        carrier.cancel()


async def test_a_strangers_invite_is_refused_with_403(switchboard, sipp):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    result = await sipp.run(refused_call(CALLER), target, local_ip="127.0.0.2")
    assert result.returncode == 0, result.stdout
    assert events.empty()


async def test_malformed_packets_do_not_disturb_the_next_call(switchboard, sipp):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for junk in (
            b"\xff\xfe" * 40,
            b"INVITE nonsense\r\n\r\n" + b"x" * 40,
            b"SIP/2.0 200 OK\r\nVia: broken\r\n\r\n" + b"y" * 40,
            b"INVITE sip:1@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\n"
            b"Content-Length: 99999\r\n\r\n",
        ):
            s.sendto(junk, target)
    carrier = asyncio.create_task(sipp.run(carrier_call(CALLER), target))
    try:
        arrived = await next_event(events, CallArrived)
        telephony.answer(arrived.call)
        assert await next_event(events, Answered, CallerHungUp) == Answered(arrived.call)
        assert await next_event(events, CallerHungUp) == CallerHungUp(arrived.call)
        assert (await carrier).returncode == 0
    finally:
        carrier.cancel()


async def test_a_caller_who_gives_up_before_the_answer_is_reported_hung_up(switchboard, sipp):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    result = await sipp.run(cancelled_call(CALLER), target)
    assert result.returncode == 0, result.stdout
    arrived = await next_event(events, CallArrived)
    assert await next_event(events) == CallerHungUp(arrived.call)


async def test_a_flood_of_invites_from_one_address_is_answered_503(rtpengine, sipp):
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        requests_per_second=0.01,
        request_burst=1,
    )
    telephony = SipTelephony(config)
    events: asyncio.Queue = asyncio.Queue()
    await telephony.start(events.put_nowait)
    try:
        target = (config.host, config.port)
        first = asyncio.create_task(sipp.run(carrier_call(CALLER, we_hang_up=True), target))
        arrived = await next_event(events, CallArrived)
        second = await sipp.run(refused_call(CALLER, 503), target)
        assert second.returncode == 0, second.stdout
        telephony.answer(arrived.call)
        await next_event(events, Answered)
        telephony.hang_up(arrived.call)  # the first call was not disturbed
        assert (await first).returncode == 0
        assert events.empty()
    finally:
        await telephony.stop()
