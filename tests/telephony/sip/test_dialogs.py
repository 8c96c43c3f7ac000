"""A caller's dialog misbehaving or changing after our answer: re-INVITE, no ACK."""

import asyncio
import dataclasses

import pytest

from switchboard.telephony.interface import (
    AgentAnswered,
    Answered,
    CallArrived,
    CallerHungUp,
    CallFailed,
)
from switchboard.telephony.media import MediaClient

from .conftest import carrier_call, free_port, phone_register
from .peers import (
    caller_media_at,
    carrier_reinvites,
    carrier_without_ack,
    phone_answers_until_bye,
    phone_reinvites,
    rtpengine_port,
    until_heard,
)
from .test_hold import Stream
from .test_hold import switchboard as _switchboard  # noqa: F401 (a fixture)
from .test_inbound import CALLER, next_event

pytestmark = pytest.mark.sip


@pytest.fixture
def switchboard(_switchboard):  # noqa: F811
    telephony, events = _switchboard
    # A short ACK timeout for the test (the default is RFC 3261's 32 s).
    telephony.config = dataclasses.replace(telephony.config, ack_timeout=1.0)
    return telephony, events


async def test_a_re_invite_moves_the_callers_media_and_the_bridge_still_carries_audio(
    switchboard, sipp, rtpengine
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    phone_port = free_port()
    registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
    assert registered.returncode == 0, registered.stdout
    await telephony.wait_registered("101")
    old, caller, operator = Stream(), Stream(), Stream()
    phone = asyncio.create_task(
        sipp.run(phone_answers_until_bye("101", rtp_port=operator.port), None, port=phone_port)
    )
    scenario = carrier_reinvites(CALLER, rtp_port=old.port, new_port=caller.port)
    carrier = asyncio.create_task(sipp.run(scenario, target))
    try:
        arrived = await next_event(events, CallArrived)
        call = arrived.call
        telephony.answer(call)
        await next_event(events, Answered)
        telephony.ring_agent(call, "agent-7")
        await next_event(events, AgentAnswered)
        telephony.bridge(call, "agent-7")
        async with MediaClient(*rtpengine.ng_address) as media:
            while True:  # until rtpengine has the caller's new address from the re-INVITE
                try:
                    caller.to = await rtpengine_port(media, call, caller.port)
                    break
                except AssertionError:
                    await asyncio.sleep(0.05)
            operator.to = await rtpengine_port(media, call, operator.port)
        # Both directions over the caller's new media address.
        await until_heard(caller.sock, 0x44, lambda: operator.send(0x44))
        await until_heard(operator.sock, 0x55, lambda: caller.send(0x55))
        assert telephony._calls[call].state == "answered"
        telephony.hang_up(call)
        for task in (carrier, phone):
            result = await task
            assert result.returncode == 0, result.stdout  # incl. our 200 with an SDP
        assert events.empty()
    finally:
        carrier.cancel()
        phone.cancel()
        for stream in (old, caller, operator):
            stream.sock.close()


async def test_a_caller_that_never_acks_our_answer_is_hung_up_and_reported_failed(
    switchboard, sipp
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    carrier = asyncio.create_task(sipp.run(carrier_without_ack(CALLER), target))
    try:
        arrived = await next_event(events, CallArrived)
        telephony.answer(arrived.call)
        await next_event(events, Answered)
        failed = await next_event(events, CallFailed, CallerHungUp)
        assert failed == CallFailed(arrived.call, "no ACK")
        result = await carrier
        assert result.returncode == 0, result.stdout  # our BYE came
        assert arrived.call not in telephony._calls
    finally:
        carrier.cancel()


async def test_a_re_invite_from_the_operators_phone_moves_its_media_and_both_still_hear(
    switchboard, sipp, rtpengine
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    phone_port = free_port()
    registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
    assert registered.returncode == 0, registered.stdout
    await telephony.wait_registered("101")
    caller, old, operator = Stream(), Stream(), Stream()
    phone = asyncio.create_task(
        sipp.run(phone_reinvites("101", old.port, operator.port), None, port=phone_port)
    )
    scenario = caller_media_at(carrier_call(CALLER, we_hang_up=True), caller.port)
    carrier = asyncio.create_task(sipp.run(scenario, target))
    try:
        arrived = await next_event(events, CallArrived)
        call = arrived.call
        telephony.answer(call)
        await next_event(events, Answered)
        telephony.ring_agent(call, "agent-7")
        await next_event(events, AgentAnswered)
        telephony.bridge(call, "agent-7")
        async with MediaClient(*rtpengine.ng_address) as media:
            caller.to = await rtpengine_port(media, call, caller.port)
            while True:  # until rtpengine has the phone's new address from its re-INVITE
                try:
                    operator.to = await rtpengine_port(media, call, operator.port)
                    break
                except AssertionError:
                    await asyncio.sleep(0.05)
            assert await rtpengine_port(media, call, caller.port) == caller.to  # unmoved
        await until_heard(operator.sock, 0x55, lambda: caller.send(0x55))
        await until_heard(caller.sock, 0x44, lambda: operator.send(0x44))
        # Media moves at rtpengine's offer, before our 200 to the re-INVITE: hang up only
        # once that 200 has gone out, as the phone expects it first. sippy sends from
        # several threads, so a 200 and a BYE sent back to back may cross: wait a moment.
        while f" {operator.port} " not in (telephony._calls[call].leg.sdp or ""):
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        telephony.hang_up(call)
        for task in (carrier, phone):
            result = await task
            assert result.returncode == 0, result.stdout
        assert events.empty()
    finally:
        carrier.cancel()
        phone.cancel()
        for stream in (old, caller, operator):
            stream.sock.close()
