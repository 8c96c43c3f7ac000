"""A small G.711 mixer for the supervisor's listen-in, whisper and barge-in (no sippy).

rtpengine 10.5 forks a call's media to a listener (`subscribe request`) but cannot mix:
with both legs subscribed it offers two m-lines, one per leg, and a desk phone plays only
the first (the caller). So audio comes here, to sockets of ours (`Source`), and leaves as
streams that are each the sum of some sources: every 20 ms, 160 samples from each
(silence where one has nothing), summed with clipping, encoded in the codec the receiving
phone chose. Listening: the two forked legs -> the supervisor's phone. Whisper: the
caller's audio (rtpengine sends the operator's stream here instead) + the supervisor's
voice -> the operator's phone. Barge-in: the same towards the caller.

G.711 per ITU-T G.711 (the segment tables), written here; 8 kHz, 20 ms frames.
"""

from __future__ import annotations

import asyncio
import logging
import random
import struct
from dataclasses import dataclass, field

log = logging.getLogger("switchboard.telephony.sip")

PCMU, PCMA = 0, 8
FRAME = 160  # samples per 20 ms at 8 kHz
_BUFFER = FRAME * 10  # at most 200 ms kept per leg; older samples are dropped


def _alaw_decode(code: int) -> int:
    code ^= 0x55
    value = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    if segment == 0:
        value += 8
    else:
        value = (value + 0x108) << (segment - 1)
    return value if code & 0x80 else -value


def _alaw_encode(sample: int) -> int:
    if sample >= 0:
        mask, magnitude = 0xD5, sample >> 3
    else:
        mask, magnitude = 0x55, (-sample - 1) >> 3
    if magnitude >= 0x1000:
        return 0x7F ^ mask
    segment = max(magnitude.bit_length() - 5, 0)  # 0..7
    low = (magnitude >> 1) if segment < 2 else (magnitude >> segment)
    return ((segment << 4) | (low & 0x0F)) ^ mask


def _ulaw_decode(code: int) -> int:
    code = ~code & 0xFF
    value = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4)
    return 0x84 - value if code & 0x80 else value - 0x84


def _ulaw_encode(sample: int) -> int:
    magnitude = sample >> 2
    mask = 0xFF
    if magnitude < 0:
        magnitude, mask = -magnitude, 0x7F
    magnitude = min(magnitude, 8159) + (0x84 >> 2)
    segment = max(magnitude.bit_length() - 6, 0)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)) ^ mask


DECODE = {
    PCMA: [_alaw_decode(c) for c in range(256)],
    PCMU: [_ulaw_decode(c) for c in range(256)],
}
# Indexed by (sample >> 2) + 8192: 14 bits are all G.711 keeps.
ENCODE = {
    PCMA: bytes(_alaw_encode(i * 4 - 32768) for i in range(16384)),
    PCMU: bytes(_ulaw_encode(i * 4 - 32768) for i in range(16384)),
}


def decode(payload_type: int, payload: bytes) -> list[int]:
    table = DECODE[payload_type]
    return [table[b] for b in payload]


def encode(payload_type: int, samples: list[int]) -> bytes:
    table = ENCODE[payload_type]
    return bytes(table[(s >> 2) + 8192] for s in samples)


def mix(*frames: list[int]) -> list[int]:
    """Sample-wise sum of equal-length frames, clipped to 16 bits."""
    return [max(-32768, min(32767, sum(s))) for s in zip(*frames, strict=True)]


def rtp_payload(packet: bytes) -> tuple[int, bytes] | None:
    """(payload type, payload) of an RTP packet, or None for anything else."""
    if len(packet) < 12 or packet[0] >> 6 != 2:
        return None
    count = packet[0] & 0x0F
    start = 12 + 4 * count
    if packet[0] & 0x10:  # header extension
        if len(packet) < start + 4:
            return None
        start += 4 + 4 * struct.unpack_from("!H", packet, start + 2)[0]
    end = len(packet)
    if packet[0] & 0x20 and end > start:  # padding
        end -= packet[-1]
    if end < start:
        return None
    return packet[1] & 0x7F, packet[start:end]


class Source(asyncio.DatagramProtocol):
    """Audio arriving on one socket of ours, decoded. Each output that mixes it reads its
    own queue (`tap()`), so one voice can go into several streams."""

    def __init__(self) -> None:
        self.queues: list[list[int]] = []
        self.packets = 0  # RTP packets with G.711 audio
        self.datagrams = 0  # anything at all

    def tap(self) -> list[int]:
        queue: list[int] = []
        self.queues.append(queue)
        return queue

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.datagrams += 1
        parsed = rtp_payload(data)
        if parsed is None or parsed[0] not in DECODE:
            return  # RTCP, telephone-events, codecs we do not mix
        self.packets += 1
        samples = decode(*parsed)
        for queue in self.queues:
            queue.extend(samples)
            if len(queue) > _BUFFER:
                del queue[: len(queue) - _BUFFER]


def _take(queue: list[int]) -> list[int]:
    frame = queue[:FRAME]
    del queue[:FRAME]
    return frame + [0] * (FRAME - len(frame))


@dataclass(eq=False)
class _Output:
    transport: asyncio.DatagramTransport
    queues: list[list[int]]
    destination: tuple[str, int]
    payload_type: int
    ssrc: int = field(default_factory=lambda: random.getrandbits(32))
    seq: int = field(default_factory=lambda: random.getrandbits(16))
    timestamp: int = field(default_factory=lambda: random.getrandbits(32))
    sent: int = 0

    def send(self) -> None:
        frame = mix(*(_take(q) for q in self.queues))
        header = struct.pack("!BBHII", 0x80, self.payload_type, self.seq, self.timestamp, self.ssrc)
        self.transport.sendto(header + encode(self.payload_type, frame), self.destination)
        self.sent += 1
        self.seq = (self.seq + 1) & 0xFFFF
        self.timestamp = (self.timestamp + FRAME) & 0xFFFFFFFF


class Mixer:
    """Sockets that take audio in (`add_source`) and streams that leave, each the sum of
    some sources (`add_output`), one frame every 20 ms for all of them."""

    def __init__(self, host: str) -> None:
        self.host = host
        self._transports: list[asyncio.DatagramTransport] = []
        self._outputs: list[_Output] = []
        self._timer: asyncio.TimerHandle | None = None
        self._next = 0.0

    async def add_source(self) -> tuple[Source, asyncio.DatagramTransport]:
        loop = asyncio.get_running_loop()
        source = Source()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: source, local_addr=(self.host, 0)
        )
        self._transports.append(transport)
        return source, transport

    def add_output(
        self,
        transport: asyncio.DatagramTransport,
        sources: list[Source],
        destination: tuple[str, int],
        payload_type: int,
    ) -> _Output:
        """Send the sum of `sources` from `transport` (one of ours) to `destination`."""
        if payload_type not in ENCODE:
            raise ValueError(f"cannot mix into payload type {payload_type}")
        output = _Output(transport, [s.tap() for s in sources], destination, payload_type)
        self._outputs.append(output)
        if self._timer is None:
            self._next = asyncio.get_running_loop().time()
            self._tick()
        return output

    def remove_output(self, output: _Output) -> None:
        """Stop that stream at once (its receiver gets its audio elsewhere now)."""
        if output in self._outputs:
            self._outputs.remove(output)

    @property
    def sent(self) -> list[int]:
        return [o.sent for o in self._outputs]

    def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        for output in self._outputs:
            output.send()
        # A fixed 20 ms grid: a late tick does not push the following ones back.
        self._next += 0.02
        if self._next < loop.time() - 0.2:
            self._next = loop.time()  # the loop stalled: restart the grid, do not burst
        self._timer = loop.call_at(self._next, self._tick)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._outputs.clear()
        for transport in self._transports:
            transport.close()
        self._transports.clear()


def port_of(transport: asyncio.DatagramTransport) -> int:
    return transport.get_extra_info("sockname")[1]
