"""Hold on a bridged SIP call: the caller hears music, caller and operator stop hearing each
other, and taking the caller back restores both directions exactly."""

import asyncio

import pytest

from switchboard.telephony.interface import AgentAnswered, Answered, CallArrived
from switchboard.telephony.media import MediaClient
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks

from .conftest import carrier_call, free_port, phone_register
from .peers import caller_media_at, phone_answers_until_bye, rtp, rtpengine_port, udp, until_heard
from .test_inbound import CALLER, next_event

pytestmark = pytest.mark.sip


@pytest.fixture
async def switchboard(rtpengine, prompt_wav):
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompt_files={("music", ""): prompt_wav},
        phones={"101": Phone("101", "s3cret", "agent-7")},
    )
    telephony = SipTelephony(config)
    events: asyncio.Queue = asyncio.Queue()
    await telephony.start(events.put_nowait)
    try:
        yield telephony, events
    finally:
        await telephony.stop()


class Stream:
    """A party's media socket sending marked packets to rtpengine."""

    def __init__(self) -> None:
        self.sock = udp()
        self.port = self.sock.getsockname()[1]
        self.seq = 0
        self.to: int | None = None

    def send(self, fill: int, count: int = 1) -> None:
        for _ in range(count):
            self.seq += 1
            self.sock.sendto(rtp(self.seq, fill), ("127.0.0.1", self.to))


async def test_hold_plays_music_to_the_caller_and_mutes_both_ways_until_taken_back(
    switchboard, sipp, rtpengine
):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    phone_port = free_port()
    registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
    assert registered.returncode == 0, registered.stdout
    await telephony.wait_registered("101")
    caller, operator = Stream(), Stream()
    phone = asyncio.create_task(
        sipp.run(phone_answers_until_bye("101", rtp_port=operator.port), None, port=phone_port)
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
            operator.to = await rtpengine_port(media, call, operator.port)
        # Bridged: each hears the other.
        await until_heard(operator.sock, 0x55, lambda: caller.send(0x55))
        await until_heard(caller.sock, 0x44, lambda: operator.send(0x44))

        telephony.hold(call, True)
        await telephony.settled(call)
        caller.send(0x66, 20)  # nobody may hear these
        operator.send(0x77, 20)
        loop = asyncio.get_running_loop()
        heard = [await asyncio.wait_for(loop.sock_recv(caller.sock, 2048), 5) for _ in range(30)]
        assert all(p[12:] != bytes([0x77]) * 160 for p in heard)  # the music, not the operator

        telephony.hold(call, False)
        telephony.hold(call, True)  # at once: carried out in this order
        telephony.hold(call, False)
        await telephony.settled(call)
        assert 0x66 not in await until_heard(operator.sock, 0x99, lambda: caller.send(0x99))
        assert 0x77 not in await until_heard(caller.sock, 0x88, lambda: operator.send(0x88))

        telephony.hang_up(call)
        for task in (carrier, phone):
            result = await task
            assert result.returncode == 0, result.stdout
    finally:
        carrier.cancel()
        phone.cancel()
        caller.sock.close()
        operator.sock.close()
