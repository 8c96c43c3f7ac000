"""Operators' phones: they register with digest auth, ring, answer and are bridged."""

import asyncio
import socket

import pytest

from switchboard.telephony.interface import (
    AgentAnswered,
    AgentHungUp,
    Answered,
    CallArrived,
)
from switchboard.telephony.media import MediaClient

from .conftest import (
    carrier_call,
    free_port,
    phone_answers,
    phone_register,
    phone_rings_unanswered,
)
from .test_inbound import CALLER, next_event, switchboard  # noqa: F401 (a fixture)

pytestmark = pytest.mark.sip


async def test_a_phone_registers_with_its_password_only(switchboard, sipp):  # noqa: F811
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    wrong = await sipp.run(phone_register("101", "guess", accepted=False), target)
    assert wrong.returncode == 0, wrong.stdout
    with pytest.raises(TimeoutError):
        await telephony.wait_registered("101", timeout=0.2)
    port = free_port()
    right = await sipp.run(phone_register("101", "s3cret"), target, port=port)
    assert right.returncode == 0, right.stdout
    binding = await telephony.wait_registered("101")
    assert (binding.host, binding.port) == ("127.0.0.1", port)
    assert events.empty()


async def test_a_trunk_call_rings_the_registered_phone_and_the_phone_hears_the_caller(
    switchboard,  # noqa: F811
    sipp,
    rtpengine,
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    phone_port = free_port()
    registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
    assert registered.returncode == 0, registered.stdout
    await telephony.wait_registered("101")

    # The phone's audio goes to a socket of ours; the caller talks (SIPp's g711a.pcap).
    ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ear.bind(("127.0.0.1", 0))
    ear.setblocking(False)
    phone_media = ear.getsockname()[1]
    phone = asyncio.create_task(
        sipp.run(phone_answers("101", rtp_port=phone_media), None, port=phone_port)
    )
    carrier = asyncio.create_task(
        sipp.run(carrier_call(CALLER, "g711a.pcap", we_hang_up=True), target)
    )
    try:
        arrived = await next_event(events, CallArrived)
        telephony.answer(arrived.call)
        assert await next_event(events, Answered) == Answered(arrived.call)
        telephony.ring_agent(arrived.call, "agent-7")
        assert await next_event(events, AgentAnswered) == AgentAnswered(arrived.call, "agent-7")
        telephony.bridge(arrived.call, "agent-7")
        loop = asyncio.get_running_loop()
        packet = await asyncio.wait_for(loop.sock_recv(ear, 2048), 5)
        assert packet[0] >> 6 == 2 and packet[1] & 0x7F == 8  # the caller's PCMA
        assert await next_event(events, AgentHungUp) == AgentHungUp(arrived.call, "agent-7")

        # rtpengine now sends the caller's audio to the phone's media port.
        async with MediaClient(*rtpengine.ng_address) as media:
            tags = (await media.query(arrived.call))["tags"]
        ports = {
            stream["endpoint"]["port"]
            for tag in tags.values()
            for m in tag["medias"]
            for stream in m["streams"]
        }
        assert phone_media in ports

        telephony.hang_up(arrived.call)
        result = await carrier
        assert result.returncode == 0, result.stdout
        result = await phone
        assert result.returncode == 0, result.stdout
    finally:
        carrier.cancel()
        phone.cancel()
        ear.close()


async def test_stop_ringing_cancels_the_call_on_the_phone(switchboard, sipp):  # noqa: F811
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    phone_port = free_port()
    registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
    assert registered.returncode == 0, registered.stdout
    await telephony.wait_registered("101")
    phone = asyncio.create_task(sipp.run(phone_rings_unanswered("101"), None, port=phone_port))
    carrier = asyncio.create_task(sipp.run(carrier_call(CALLER, we_hang_up=True), target))
    try:
        arrived = await next_event(events, CallArrived)
        telephony.answer(arrived.call)
        await next_event(events, Answered)
        telephony.ring_agent(arrived.call, "agent-7")
        await telephony.wait_ringing(arrived.call)
        telephony.stop_ringing(arrived.call, "agent-7")
        result = await phone
        assert result.returncode == 0, result.stdout  # CANCEL, 487, ACK
        telephony.hang_up(arrived.call)
        assert (await carrier).returncode == 0
        assert events.empty()  # no AgentAnswered, no AgentHungUp
    finally:
        carrier.cancel()
        phone.cancel()
