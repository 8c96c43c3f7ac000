"""The rtpengine ng client against the real daemon (userspace, loopback)."""

import asyncio
import re
import socket
import uuid

import pytest

from switchboard.telephony.media import MediaClient, MediaRefused, MediaTimeout

from .conftest import free_port, sdp

pytestmark = pytest.mark.sip


def media_ports(text: str) -> list[int]:
    return [int(p) for p in re.findall(r"^m=audio (\d+) ", text, re.M)]


async def test_it_pings_rtpengine(rtpengine):
    async with MediaClient(*rtpengine.ng_address) as media:
        assert await media.ping()


async def test_offer_and_answer_rewrite_the_sdp_onto_rtpengine_ports(rtpengine):
    call = uuid.uuid4().hex
    caller_port, callee_port = free_port(), free_port()
    async with MediaClient(*rtpengine.ng_address) as media:
        offer = await media.offer(call, "caller", sdp(caller_port))
        towards_callee = offer["sdp"]
        assert "c=IN IP4 127.0.0.1" in towards_callee
        [relay_a] = media_ports(towards_callee)
        assert relay_a != caller_port

        answer = await media.answer(call, "caller", "callee", sdp(callee_port, session=2))
        [relay_b] = media_ports(answer["sdp"])
        assert relay_b not in (caller_port, callee_port, relay_a)

        query = await media.query(call)
        assert set(query["tags"]) == {"caller", "callee"}

        await media.delete(call)
        with pytest.raises(MediaRefused):
            await media.query(call)


async def test_it_plays_a_prompt_into_one_leg_and_stops_it(rtpengine, prompt_wav):
    call = uuid.uuid4().hex
    async with MediaClient(*rtpengine.ng_address) as media:
        await media.offer(call, "caller", sdp(free_port()))
        await media.answer(call, "caller", "callee", sdp(free_port(), session=2))
        played = await media.play_media(call, "caller", str(prompt_wav))
        assert 500 < played["duration"] < 10_000  # ms: the prompt's real length
        await media.stop_media(call, "caller")
        await media.block_media(call, "caller")
        await media.unblock_media(call, "caller")
        listener = await media.subscribe_request(call)
        assert media_ports(listener["sdp"])
        await media.subscribe_answer(call, listener["to-tag"], sdp(free_port(), session=3))
        await media.delete(call)


async def test_the_prompt_is_sent_to_the_participant_named_by_the_tag(rtpengine, prompt_wav):
    call = uuid.uuid4().hex
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as caller,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as callee,
    ):
        caller.bind(("127.0.0.1", 0))
        callee.bind(("127.0.0.1", 0))
        caller.setblocking(False)
        async with MediaClient(*rtpengine.ng_address) as media:
            await media.offer(call, "caller", sdp(caller.getsockname()[1]))
            await media.answer(call, "caller", "callee", sdp(callee.getsockname()[1], session=2))
            await media.play_media(call, "caller", str(prompt_wav))
            loop = asyncio.get_running_loop()
            packet = await asyncio.wait_for(loop.sock_recv(caller, 2048), 3)
            assert packet[0] >> 6 == 2  # RTP version 2
            assert packet[1] & 0x7F in (0, 8)  # G.711, as the caller offered
            await media.delete(call)


async def test_an_unknown_call_is_refused_with_the_reason(rtpengine):
    async with MediaClient(*rtpengine.ng_address) as media:
        with pytest.raises(MediaRefused) as refused:
            await media.query("no-such-call")
        assert refused.value.command == "query"
        assert "Unknown call" in refused.value.reason
        with pytest.raises(MediaRefused):
            await media.play_media("no-such-call", "nobody", "/nonexistent.wav")
        # Deleting twice (a hang-up racing a failure) is harmless: ok, with a warning.
        assert (await media.delete("no-such-call"))["result"] == "ok"


async def test_dtmf_cannot_be_injected_before_any_rtp_has_flowed(rtpengine):
    call = uuid.uuid4().hex
    async with MediaClient(*rtpengine.ng_address) as media:
        await media.offer(call, "caller", sdp(free_port()))
        await media.answer(call, "caller", "callee", sdp(free_port(), session=2))
        with pytest.raises(MediaRefused, match="SSRC"):
            await media.play_dtmf(call, "caller", "5")
        await media.delete(call)


async def test_silence_from_rtpengine_raises_a_timeout_after_the_retries():
    async with MediaClient("127.0.0.1", free_port(), timeout=0.1, retries=1) as media:
        with pytest.raises(MediaTimeout):
            await media.ping()
