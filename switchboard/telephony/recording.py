"""A call's RTP, as rtpengine recorded it in a pcap, made into a stereo WAV: no Django, no sippy.

rtpengine in userspace (`--recording-method=pcap`) writes every RTP packet it *receives*
from the call's participants into one pcap; its recording daemon, which would mix them,
needs the kernel module. So we do it here:

- the pcap is read as it is written (classic libpcap format, either byte order, micro- or
  nanosecond stamps; raw IP, Ethernet or Linux "cooked" frames; IPv4 or IPv6, UDP);
- RTP carrying G.711 (payload type 0, µ-law; 8, A-law) is decoded with two 256-entry tables
  built from the G.711 formulas (`audioop` is deprecated and gone in Python 3.13);
- the packets whose destination is rtpengine's caller-facing port (`caller_port`) are the
  caller (left channel), every other stream the operator (right);
- each stream is placed on the timeline by its RTP timestamps, anchored at the arrival time
  of its first packet, so silences (no packets, or a timestamp jump) stay silences and the
  two sides stay in step. A jump that arrival times contradict (a new SSRC, a restarted
  timestamp) re-anchors the stream on its arrival time.

Telephone events (RFC 2833), comfort noise and other codecs are skipped.
"""

from __future__ import annotations

import struct
import wave
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 8000
PCMU, PCMA = 0, 8
# One RTP timestamp unit of G.711 is one sample at 8 kHz. Gaps in timestamps beyond this
# many seconds more than the arrival times show are not believed (a restarted stream).
_MAX_DRIFT_S = 1.0
_MAX_SECONDS = 4 * 3600  # a recording longer than this is a broken pcap, not a call


class RecordingError(Exception):
    """The pcap cannot be made into audio: not a pcap, truncated, or no G.711 in it."""


# -- G.711 ------------------------------------------------------------------------------------


def _alaw_to_linear(code: int) -> int:
    code ^= 0x55
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    value = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return value if code & 0x80 else -value


def _ulaw_to_linear(code: int) -> int:
    code = ~code & 0xFF
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    value = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return -value if code & 0x80 else value


ALAW = tuple(_alaw_to_linear(c) for c in range(256))
ULAW = tuple(_ulaw_to_linear(c) for c in range(256))
_TABLES = {PCMA: ALAW, PCMU: ULAW}
_NATIVE_LITTLE = struct.pack("=h", 1) == struct.pack("<h", 1)


def _byte_tables(table: tuple[int, ...]) -> tuple[bytes, bytes]:
    """The low and high bytes of each sample in native order, for `bytes.translate`."""
    raw = [struct.pack("=h", value) for value in table]
    return bytes(r[0] for r in raw), bytes(r[1] for r in raw)


_BYTE_TABLES = {pt: _byte_tables(table) for pt, table in _TABLES.items()}


def decode_g711(payload: bytes, payload_type: int) -> array:
    """16-bit linear samples of a G.711 payload (PCMU = 0, PCMA = 8). Two `translate`
    passes (one per byte of the sample) keep a long call's decoding at C speed."""
    tables = _BYTE_TABLES.get(payload_type)
    if tables is None:
        raise RecordingError(f"payload type {payload_type} is not G.711")
    out = bytearray(2 * len(payload))
    out[0::2] = payload.translate(tables[0])
    out[1::2] = payload.translate(tables[1])
    return array("h", bytes(out))


# -- pcap ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Datagram:
    """One UDP datagram of the capture."""

    time: float  # seconds since the epoch
    source: tuple[str, int]
    destination: tuple[str, int]
    payload: bytes


_LINK_RAW = {101, 12, 14, 228, 229}  # raw IP (101 is what rtpengine writes by default)
_LINK_ETHERNET = 1
_LINK_COOKED = 113


def read_pcap(data: bytes) -> Iterator[Datagram]:
    """The UDP datagrams of a classic pcap. RecordingError on anything else or truncation."""
    if len(data) < 24:
        raise RecordingError("not a pcap file: shorter than its header")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise RecordingError("not a pcap file (pcapng and others are not read)")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    if linktype not in _LINK_RAW | {_LINK_ETHERNET, _LINK_COOKED}:
        raise RecordingError(f"pcap link type {linktype} is not read")
    record = struct.Struct(order + "IIII")
    offset = 24
    while offset < len(data):
        if offset + 16 > len(data):
            raise RecordingError("the pcap ends inside a packet header (truncated)")
        seconds, fraction, captured, _original = record.unpack_from(data, offset)
        offset += 16
        if offset + captured > len(data):
            raise RecordingError("the pcap ends inside a packet (truncated)")
        frame = data[offset : offset + captured]
        offset += captured
        datagram = _udp(frame, linktype, seconds + fraction / (1e9 if nano else 1e6))
        if datagram is not None:
            yield datagram


def _udp(frame: bytes, linktype: int, time: float) -> Datagram | None:
    if linktype == _LINK_ETHERNET:
        if len(frame) < 14:
            return None
        ethertype, start = struct.unpack_from("!H", frame, 12)[0], 14
        while ethertype == 0x8100 and len(frame) >= start + 4:  # VLAN tags
            ethertype, start = struct.unpack_from("!H", frame, start + 2)[0], start + 4
        frame = frame[start:]
    elif linktype == _LINK_COOKED:
        frame = frame[16:]
    if not frame:
        return None
    version = frame[0] >> 4
    if version == 4 and len(frame) >= 20:
        header = (frame[0] & 0x0F) * 4
        if frame[9] != 17 or len(frame) < header + 8:
            return None
        source, destination = _ip4(frame[12:16]), _ip4(frame[16:20])
        udp = frame[header:]
    elif version == 6 and len(frame) >= 48:
        if frame[6] != 17:  # extension headers are not followed: RTP never uses them
            return None
        source, destination = _ip6(frame[8:24]), _ip6(frame[24:40])
        udp = frame[40:]
    else:
        return None
    sport, dport, length = struct.unpack_from("!HHH", udp)
    payload = udp[8:length] if 8 <= length <= len(udp) else udp[8:]
    return Datagram(time, (source, sport), (destination, dport), bytes(payload))


def _ip4(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)


def _ip6(raw: bytes) -> str:
    import ipaddress

    return str(ipaddress.IPv6Address(raw))


# -- RTP ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RtpPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes


def parse_rtp(data: bytes) -> RtpPacket | None:
    """An RTP packet (version 2), or None for anything else (RTCP, STUN, junk)."""
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    payload_type = data[1] & 0x7F
    if 72 <= payload_type <= 76:  # RTCP sent on the RTP port (rtcp-mux)
        return None
    start = 12 + (data[0] & 0x0F) * 4
    if data[0] & 0x10:  # header extension
        if len(data) < start + 4:
            return None
        start += 4 + struct.unpack_from("!H", data, start + 2)[0] * 4
    end = len(data)
    if data[0] & 0x20 and end > start:  # padding: the last byte counts it
        end -= data[-1]
    if start > end:
        return None
    sequence, timestamp, ssrc = struct.unpack_from("!HII", data, 2)
    return RtpPacket(payload_type, sequence, timestamp, ssrc, data[start:end])


# -- the timeline ----------------------------------------------------------------------------------


class _Track:
    """One channel: samples written at their place on the timeline, silence elsewhere."""

    def __init__(self) -> None:
        self.samples = array("h")
        # ssrc -> (RTP timestamp, sample offset) of the anchor packet
        self.anchors: dict[int, tuple[int, int]] = {}

    def put(self, packet: RtpPacket, arrival_offset: int) -> None:
        anchor = self.anchors.get(packet.ssrc)
        offset = arrival_offset
        if anchor is not None:
            delta = (packet.timestamp - anchor[0]) & 0xFFFFFFFF
            if delta >= 1 << 31:
                delta -= 1 << 32  # a reordered packet, a little behind the anchor
            candidate = anchor[1] + delta
            if abs(candidate - arrival_offset) <= _MAX_DRIFT_S * SAMPLE_RATE:
                offset = candidate
            else:
                anchor = None
        if anchor is None:
            self.anchors[packet.ssrc] = (packet.timestamp, offset)
        if offset < 0:
            return
        pcm = decode_g711(packet.payload, packet.payload_type)
        end = offset + len(pcm)
        if end > _MAX_SECONDS * SAMPLE_RATE:
            raise RecordingError("the recording would be longer than four hours")
        if end > len(self.samples):
            self.samples.extend(array("h", bytes(2 * (end - len(self.samples)))))
        self.samples[offset:end] = pcm


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    duration: float  # seconds
    sample_rate: int
    channels: int
    packets: tuple[int, int]  # G.711 packets placed on the left (caller) and right channels


def pcap_to_wav(pcap: bytes | Path, wav: Path, caller_port: int) -> RecordingInfo:
    """Write the stereo WAV of a recorded call: caller left, operator right, 8 kHz, 16 bit.

    `caller_port` is rtpengine's port on the caller's side: the destination of the caller's
    packets. RecordingError when the pcap is unreadable or holds no G.711 audio; the WAV is
    written to a temporary name and renamed, so a failure leaves no half-written file."""
    data = Path(pcap).read_bytes() if isinstance(pcap, Path) else pcap
    packets = []
    for datagram in read_pcap(data):
        rtp = parse_rtp(datagram.payload)
        if rtp is not None and rtp.payload_type in _TABLES and rtp.payload:
            packets.append((datagram.time, datagram.destination[1] == caller_port, rtp))
    if not packets:
        raise RecordingError("no G.711 audio in the pcap")
    start = min(time for time, _, _ in packets)
    left, right = _Track(), _Track()
    counts = [0, 0]
    for time, is_caller, rtp in packets:
        (left if is_caller else right).put(rtp, round((time - start) * SAMPLE_RATE))
        counts[0 if is_caller else 1] += 1
    length = max(len(left.samples), len(right.samples))
    stereo = array("h", bytes(4 * length))
    stereo[0 : 2 * len(left.samples) : 2] = left.samples
    stereo[1 : 2 * len(right.samples) : 2] = right.samples
    write_wav(wav, stereo, channels=2)
    return RecordingInfo(length / SAMPLE_RATE, SAMPLE_RATE, 2, (counts[0], counts[1]))


def write_wav(path: Path, samples: array, *, channels: int, rate: int = SAMPLE_RATE) -> None:
    """16-bit little-endian PCM, written beside `path` and renamed into place."""
    if samples.itemsize != 2:
        raise ValueError("16-bit samples expected")
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    if not _NATIVE_LITTLE:
        samples = array("h", samples)
        samples.byteswap()
    try:
        with wave.open(str(partial), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(samples.tobytes())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def wav_info(path: Path) -> RecordingInfo:
    """Duration, rate and channels of a 16-bit PCM WAV; RecordingError if it is not one."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise RecordingError("only 16-bit PCM WAV recordings are kept")
            frames, rate, channels = wav.getnframes(), wav.getframerate(), wav.getnchannels()
    except (wave.Error, EOFError) as exc:
        raise RecordingError(f"not a WAV file: {exc}") from None
    return RecordingInfo(frames / rate, rate, channels, (0, 0))


def channel_rms(path: Path) -> list[float]:
    """The root mean square of each channel of a 16-bit WAV (tests and checks)."""
    with wave.open(str(path), "rb") as wav:
        channels = wav.getnchannels()
        samples = array("h", wav.readframes(wav.getnframes()))
    if not _NATIVE_LITTLE:
        samples.byteswap()
    result = []
    for c in range(channels):
        side = samples[c::channels]
        result.append((sum(s * s for s in side) / len(side)) ** 0.5 if side else 0.0)
    return result


def demo_conversation(seconds: float, *, seed: int = 0) -> array:
    """A stereo stand-in for a conversation (the virtual carrier's recordings): the caller
    (left, a higher voice) and the operator (right) take turns of a second or two, each
    turn a voiced buzz with syllables, so a player shows and plays two people talking."""
    import math
    import random

    rng = random.Random(seed)
    frames = max(1, round(seconds * SAMPLE_RATE))

    def utterance(pitch: float) -> array:
        length = 2 * SAMPLE_RATE
        out = array("h", bytes(2 * length))
        for n in range(length):
            t = n / SAMPLE_RATE
            envelope = math.sin(math.pi * 4 * t) ** 2  # four syllables a second
            voice = sum(math.sin(2 * math.pi * pitch * k * t) / k for k in (1, 2, 3, 5))
            out[n] = int(6000 * envelope * voice)
        return out

    voices = (utterance(190.0), utterance(120.0))
    stereo = array("h", bytes(4 * frames))
    at, speaker = round(0.2 * SAMPLE_RATE), 0
    while at < frames:
        turn = voices[speaker][: rng.randrange(SAMPLE_RATE * 6 // 10, SAMPLE_RATE * 14 // 10)]
        turn = turn[: frames - at]
        stereo[2 * at + speaker : 2 * (at + len(turn)) : 2] = turn
        at += len(turn) + rng.randrange(SAMPLE_RATE // 10, SAMPLE_RATE * 3 // 10)
        speaker = 1 - speaker
    return stereo
