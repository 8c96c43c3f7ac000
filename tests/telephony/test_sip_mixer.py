"""The listen-in mixer's plain parts: G.711 both ways, summing, RTP parsing (no network)."""

import math
import struct

import pytest

from switchboard.telephony.sip.mixer import DECODE, PCMA, PCMU, decode, encode, mix, rtp_payload
from switchboard.telephony.sip.monitor import (
    aimed_at,
    listener_offer,
    phone_media,
    subscription_answer,
)


@pytest.mark.parametrize("codec", [PCMA, PCMU])
def test_every_g711_code_decodes_to_a_level_that_encodes_back_to_it(codec):
    for code in range(256):
        if codec == PCMU and code == 0x7F:
            continue  # mu-law's "negative zero" encodes as positive zero
        assert encode(codec, [DECODE[codec][code]]) == bytes([code])


@pytest.mark.parametrize("codec", [PCMA, PCMU])
def test_a_tone_survives_g711_within_its_quantisation(codec):
    tone = [int(8000 * math.sin(i / 5)) for i in range(160)]
    back = decode(codec, encode(codec, tone))
    assert max(abs(a - b) for a, b in zip(tone, back, strict=True)) <= 256


def test_mixing_sums_the_legs_and_clips_at_sixteen_bits():
    assert mix([100, -100, 30000], [50, -50, 10000]) == [150, -150, 32767]
    assert mix([-30000], [-10000]) == [-32768]


def test_rtp_payloads_are_found_behind_csrcs_extensions_and_padding():
    payload = bytes(range(10))
    plain = struct.pack("!BBHII", 0x80, 8, 1, 160, 7) + payload
    assert rtp_payload(plain) == (8, payload)
    csrc = struct.pack("!BBHII", 0x81, 0, 1, 160, 7) + b"\0\0\0\1" + payload
    assert rtp_payload(csrc) == (0, payload)
    extension = struct.pack("!BBHIIHH", 0x90, 8, 1, 160, 7, 0xBEDE, 1) + b"\1\2\3\4" + payload
    assert rtp_payload(extension) == (8, payload)
    padded = struct.pack("!BBHII", 0xA0, 8, 1, 160, 7) + payload + b"\0\0\3"
    assert rtp_payload(padded) == (8, payload)
    assert rtp_payload(b"\x80\x08") is None  # too short
    assert rtp_payload(b"\x40" + bytes(20)) is None  # not version 2


def test_the_supervisors_phone_gets_a_g711_offer_and_its_answer_is_read():
    offer = listener_offer(40000, 3)
    assert "m=audio 40000 RTP/AVP 8 0" in offer and "a=sendrecv" in offer
    answer = "v=0\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0 101\r\na=recvonly\r\n"
    assert phone_media(answer) == (("10.0.0.5", 5004), PCMU)
    assert phone_media(answer.replace("5004", "0")) is None  # the phone declined the audio
    assert phone_media(answer.replace("0 101", "9")) is None  # G.722 only: not mixed


def test_each_forked_leg_is_answered_on_its_own_mixer_port_in_an_offered_codec():
    offer = (
        "v=0\r\nt=0 0\r\n"
        "m=audio 41024 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n"
        "m=audio 41040 RTP/AVP 0\r\na=sendonly\r\n"
    )
    answer = subscription_answer(offer, [5000, 5002], 1)
    assert "m=audio 5000 RTP/AVP 8 101\r\n" in answer
    assert "m=audio 5002 RTP/AVP 0\r\n" in answer
    assert answer.count("a=recvonly") == 2


def test_a_phones_sdp_is_aimed_at_a_mixer_socket_for_rtpengine():
    phone = (
        "v=0\r\no=phone 1 1 IN IP4 10.0.0.5\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
        "m=audio 5004 RTP/AVP 8 101\r\na=rtcp:5005\r\na=sendrecv\r\n"
    )
    aimed = aimed_at(phone, "127.0.0.1", 40002)
    assert "c=IN IP4 127.0.0.1\r\n" in aimed and "m=audio 40002 RTP/AVP 8 101" in aimed
    assert "a=rtcp" not in aimed and "o=phone 1 1 IN IP4 10.0.0.5" in aimed
    assert phone_media(aimed) == (("127.0.0.1", 40002), PCMA)


async def test_a_mixer_sums_its_sources_into_each_output_every_twenty_milliseconds():
    import asyncio
    import socket

    from switchboard.telephony.sip.mixer import Mixer, port_of

    mixer = Mixer("127.0.0.1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as ear:
        ear.bind(("127.0.0.1", 0))
        ear.setblocking(False)
        try:
            (one, one_t), (two, _two_t) = [await mixer.add_source() for _ in range(2)]
            mixer.add_output(one_t, [one, two], ear.getsockname(), PCMU)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mouth:
                for source_transport, level in ((one_t, 1000), (_two_t, 2000)):
                    packet = struct.pack("!BBHII", 0x80, PCMA, 1, 160, 9)
                    mouth.sendto(
                        packet + encode(PCMA, [level] * 160),
                        ("127.0.0.1", port_of(source_transport)),
                    )
                loop = asyncio.get_running_loop()
                levels = []
                for _ in range(10):
                    data = await asyncio.wait_for(loop.sock_recv(ear, 2048), 2)
                    assert data[1] & 0x7F == PCMU
                    levels.append(decode(PCMU, data[12:])[0])
                    if abs(levels[-1] - 3000) < 100:
                        break
                assert abs(levels[-1] - 3000) < 100, levels  # 1000 + 2000, re-encoded
        finally:
            mixer.close()
