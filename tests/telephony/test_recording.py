"""Recorded RTP (a pcap) into a stereo WAV: G.711 decoding, pcap reading, the timeline."""

import struct
import wave
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switchboard.telephony.recording import (
    ALAW,
    PCMA,
    PCMU,
    ULAW,
    RecordingError,
    channel_rms,
    decode_g711,
    parse_rtp,
    pcap_to_wav,
    read_pcap,
    wav_info,
)

CALLER_PORT, OPERATOR_PORT = 30000, 30002  # rtpengine's ports: where each side sends

# -- a reference G.711 encoder, written from the standard's segment tables ---------------------


def alaw_encode(x: int) -> int:
    sign = 0x80 if x >= 0 else 0x00
    magnitude = (x if x >= 0 else -x - 1) >> 3  # 13-bit magnitude
    magnitude = min(magnitude, 0xFFF)
    if magnitude < 32:
        code = sign | (magnitude >> 1)
    else:
        segment = magnitude.bit_length() - 5
        code = sign | (segment << 4) | ((magnitude >> segment) & 0x0F)
    return code ^ 0x55


def ulaw_encode(x: int) -> int:
    sign = 0x00 if x >= 0 else 0x80
    magnitude = min(abs(x), 32635) + 0x84
    exponent = magnitude.bit_length() - 8
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


samples16 = st.integers(min_value=-32768, max_value=32767)


@given(samples16)
def test_a_law_decoding_returns_every_sample_within_half_a_step(x):
    decoded = ALAW[alaw_encode(x)]
    assert abs(decoded - x) <= max(16, abs(x) // 32 + 16)
    assert (decoded >= 0) == (x >= 0)


@given(samples16)
def test_mu_law_decoding_returns_every_sample_within_half_a_step(x):
    decoded = ULAW[ulaw_encode(x)]
    assert abs(decoded - x) <= max(8, abs(x) // 16 + 8) or abs(x) > 32124


def test_every_a_law_code_survives_decoding_and_encoding_again():
    assert [alaw_encode(ALAW[c]) for c in range(256)] == list(range(256))


def test_every_mu_law_code_but_negative_zero_survives_decoding_and_encoding_again():
    again = [ulaw_encode(ULAW[c]) for c in range(256)]
    assert [c for c in range(256) if again[c] != c] == [0x7F]  # -0 encodes as +0 (0xFF)


def test_the_tables_know_silence_and_the_loudest_codes():
    assert ALAW[0xD5] == 8 and ALAW[0x55] == -8
    assert ULAW[0xFF] == 0 and ULAW[0x00] == -32124 and ULAW[0x80] == 32124
    assert max(ALAW) == 32256 and min(ALAW) == -32256


def test_another_codec_is_refused_by_name():
    with pytest.raises(RecordingError, match="payload type 18"):
        decode_g711(b"\x00", 18)


# -- a pcap written here, as rtpengine writes them -----------------------------------------------


def rtp(sequence, timestamp, ssrc, payload, payload_type=PCMA, marker=False) -> bytes:
    return (
        struct.pack(
            "!BBHII", 0x80, payload_type | (0x80 if marker else 0), sequence, timestamp, ssrc
        )
        + payload
    )


def ip_udp(payload: bytes, sport: int, dport: int) -> bytes:
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    header = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes([127, 0, 0, 1]),
        bytes([127, 0, 0, 1]),
    )  # fmt: skip
    return header + udp


def pcap(packets: list[tuple[float, bytes]], *, ethernet: bool = False, big_endian=False) -> bytes:
    """`packets`: (seconds, IP datagram). Raw IP (link type 101) as rtpengine writes it."""
    order = ">" if big_endian else "<"
    out = [struct.pack(order + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1 if ethernet else 101)]
    for at, datagram in packets:
        frame = (b"\x00" * 12 + b"\x08\x00" + datagram) if ethernet else datagram
        seconds = 1_800_000_000 + int(at)
        out.append(
            struct.pack(order + "IIII", seconds, round((at % 1) * 1e6), len(frame), len(frame))
        )
        out.append(frame)
    return b"".join(out)


def side(port, ssrc, start_s, frames, *, code=0x2A, first_ts=1000, pt=PCMA, skip=()):
    """Packets of 20 ms from one side: `frames` of them from `start_s`, not sending `skip`."""
    packets = []
    for n in range(frames):
        if n in skip:
            continue
        payload = rtp(n, first_ts + 160 * n, ssrc, bytes([code]) * 160, pt)
        packets.append((start_s + 0.02 * n, ip_udp(payload, 40000 + port % 7, port)))
    return packets


def read_stereo(path):
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 8000)
        samples = array("h", wav.readframes(wav.getnframes()))
    return samples[0::2], samples[1::2]


def test_the_caller_goes_left_the_operator_right_and_silences_are_kept(tmp_path):
    caller = side(CALLER_PORT, 1, 0.0, 100, skip=range(50, 75))  # 2 s, silent 1.0-1.5 s
    operator = side(OPERATOR_PORT, 2, 0.3, 50, code=0x80, pt=PCMU, first_ts=99999)
    packets = sorted(caller + operator, key=lambda p: p[0])
    info = pcap_to_wav(pcap(packets), tmp_path / "call.wav", CALLER_PORT)
    assert info.channels == 2 and info.sample_rate == 8000
    assert info.duration == pytest.approx(2.0)
    assert info.packets == (75, 50)
    left, right = read_stereo(tmp_path / "call.wav")
    assert set(left[:8000]) == {ALAW[0x2A]}
    assert set(left[8000:12000]) == {0}  # the gap in the caller's packets
    assert set(left[12000:16000]) == {ALAW[0x2A]}
    assert set(right[:2400]) == {0}  # the operator starts 0.3 s in
    assert set(right[2400:10400]) == {ULAW[0x80]}
    assert set(right[10400:]) == {0}


def test_a_timestamp_jump_is_a_silence_when_arrival_times_agree(tmp_path):
    """Silence suppression: the sender stops, then goes on with a timestamp that says how
    long it was quiet."""
    first = side(CALLER_PORT, 7, 0.0, 10)
    later = side(CALLER_PORT, 7, 0.5, 10, first_ts=1000 + 4000)
    info = pcap_to_wav(pcap(first + later), tmp_path / "call.wav", CALLER_PORT)
    left, _right = read_stereo(tmp_path / "call.wav")
    assert info.duration == pytest.approx(0.7)
    assert set(left[1600:4000]) == {0}
    assert set(left[4000:5600]) == {ALAW[0x2A]}


def test_a_restarted_timestamp_is_placed_by_its_arrival_time(tmp_path):
    first = side(CALLER_PORT, 7, 0.0, 10)
    restarted = side(CALLER_PORT, 7, 0.5, 10, first_ts=3_000_000_000)
    info = pcap_to_wav(pcap(first + restarted), tmp_path / "call.wav", CALLER_PORT)
    assert info.duration == pytest.approx(0.7)


def test_ethernet_frames_and_big_endian_pcaps_are_read_alike(tmp_path):
    packets = side(CALLER_PORT, 1, 0.0, 5) + side(OPERATOR_PORT, 2, 0.0, 5)
    a = pcap_to_wav(pcap(packets, ethernet=True), tmp_path / "a.wav", CALLER_PORT)
    b = pcap_to_wav(pcap(packets, big_endian=True), tmp_path / "b.wav", CALLER_PORT)
    assert a == b
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


def test_dtmf_events_and_rtcp_are_not_audio(tmp_path):
    packets = side(CALLER_PORT, 1, 0.0, 5)
    packets.append((0.05, ip_udp(rtp(99, 5000, 1, b"\x01\x0a\x00\xa0", 101), 1, CALLER_PORT)))
    packets.append((0.06, ip_udp(b"\x81\xc8\x00\x06" + b"\x00" * 24, 1, CALLER_PORT)))
    info = pcap_to_wav(pcap(sorted(packets)), tmp_path / "call.wav", CALLER_PORT)
    assert info.packets == (5, 0)
    assert parse_rtp(b"\x81\xc8\x00\x06" + b"\x00" * 24) is None


def test_rtp_with_csrcs_an_extension_and_padding_gives_only_its_payload():
    header = struct.pack("!BBHII", 0xB1, 8, 1, 160, 5) + b"\x00\x00\x00\x09"  # 1 CSRC, X, P
    extension = b"\xbe\xde\x00\x01" + b"\x11\x22\x33\x44"
    packet = parse_rtp(header + extension + b"\xd5" * 4 + b"\x00\x00\x03")
    assert packet is not None and packet.payload == b"\xd5" * 4 and packet.ssrc == 5


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "shorter than its header"),
        (b"\x0a\x0d\x0d\x0a" + b"\x00" * 40, "not a pcap"),
        (pcap(side(CALLER_PORT, 1, 0.0, 3))[:-10], "truncated"),
        (pcap(side(CALLER_PORT, 1, 0.0, 3))[: 24 + 8], "truncated"),
        (pcap([]), "no G.711 audio"),
        (pcap(side(CALLER_PORT, 1, 0.0, 3, pt=18)), "no G.711 audio"),
    ],
)
def test_a_broken_pcap_is_refused_with_a_reason_and_no_wav_is_left(tmp_path, data, reason):
    with pytest.raises(RecordingError, match=reason):
        pcap_to_wav(data, tmp_path / "call.wav", CALLER_PORT)
    assert list(tmp_path.iterdir()) == []


def test_the_rms_of_each_channel_says_which_side_spoke(tmp_path):
    pcap_to_wav(pcap(side(CALLER_PORT, 1, 0.0, 10)), tmp_path / "call.wav", CALLER_PORT)
    left, right = channel_rms(tmp_path / "call.wav")
    assert left == pytest.approx(abs(ALAW[0x2A])) and right == 0
    assert wav_info(tmp_path / "call.wav").duration == pytest.approx(0.2)


def test_a_file_that_is_not_a_wav_is_named_so(tmp_path):
    (tmp_path / "x.wav").write_bytes(b"RIFF nonsense")
    with pytest.raises(RecordingError, match="not a WAV"):
        wav_info(tmp_path / "x.wav")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.booleans(),  # the caller's side?
            st.integers(min_value=0, max_value=60),  # start, in 20 ms frames
            st.binary(min_size=160, max_size=160),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.sampled_from([PCMA, PCMU]),
)
def test_every_payload_lands_decoded_at_its_place_on_its_channel(tmp_path_factory, frames, pt):
    folder = tmp_path_factory.mktemp("p")
    packets = []
    for is_caller, start, payload in frames:
        port, ssrc = (CALLER_PORT, 1) if is_caller else (OPERATOR_PORT, 2)
        datagram = ip_udp(rtp(start, 1000 + 160 * start, ssrc, payload, pt), 5, port)
        packets.append((0.02 * start, datagram))
    packets.sort(key=lambda p: p[0])
    pcap_to_wav(pcap(packets), folder / "call.wav", CALLER_PORT)
    left, right = read_stereo(folder / "call.wav")
    first = min(start for _, start, _ in frames)
    table = ALAW if pt == PCMA else ULAW
    for is_caller, start, payload in frames:
        at = (start - first) * 160
        channel = left if is_caller else right
        assert list(channel[at : at + 160]) == [table[b] for b in payload]


def test_the_datagrams_of_a_pcap_carry_their_addresses_and_times():
    [datagram] = read_pcap(pcap([(0.25, ip_udp(b"hello", 1234, 5678))]))
    assert datagram.source == ("127.0.0.1", 1234)
    assert datagram.destination == ("127.0.0.1", 5678)
    assert datagram.payload == b"hello"
    assert datagram.time == pytest.approx(1_800_000_000.25)


def test_rtpengines_port_facing_a_participant_is_read_from_a_query_reply():
    from switchboard.telephony.media import local_port

    rtcp = {"local port": 30001, "flags": ["RTCP", "filled"]}
    rtp = {"local port": 30000, "flags": ["RTP", "filled"]}
    reply = {"tags": {"caller": {"medias": [{"streams": [rtcp, rtp]}]}}}
    assert local_port(reply, "caller") == 30000
    assert local_port(reply, "callee") is None
    assert local_port({"tags": {"caller": {"medias": [{"streams": []}]}}}, "caller") is None
    assert local_port({}, "caller") is None


@given(st.binary(max_size=400), st.sampled_from([PCMA, PCMU]))
def test_decoding_a_payload_is_the_table_applied_to_every_byte(payload, pt):
    table = ALAW if pt == PCMA else ULAW
    assert list(decode_g711(payload, pt)) == [table[b] for b in payload]
