"""A small G.711 mixer for the supervisor's listen-in (no sippy).

rtpengine 10.5 forks a call's media to a listener (`subscribe request`) but cannot mix:
with both legs subscribed it offers two m-lines, one per leg, and a desk phone plays only
the first (the caller). So the two forked streams come here, to two sockets of ours, and
leave as one stream to the supervisor's phone: every 20 ms, 160 samples from each leg
(silence where a leg has nothing), summed with clipping, encoded in the codec the phone
chose. What the phone sends arrives on the output socket and is dropped (counted): the
listen is silent by construction, nothing of it ever reaches rtpengine.

G.711 per ITU-T G.711 (the segment tables), written here; 8 kHz, 20 ms frames.
"""

from __future__ import annotations

import asyncio
import logging
import random
import struct

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


class _Leg(asyncio.DatagramProtocol):
    """One forked stream from rtpengine: decoded samples wait here for the next tick."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self.packets = 0

    def datagram_received(self, data: bytes, addr: object) -> None:
        parsed = rtp_payload(data)
        if parsed is None or parsed[0] not in DECODE:
            return  # RTCP, telephone-events, codecs we do not mix
        self.packets += 1
        self.samples.extend(decode(*parsed))
        if len(self.samples) > _BUFFER:
            del self.samples[: len(self.samples) - _BUFFER]

    def take(self) -> list[int]:
        frame = self.samples[:FRAME]
        del self.samples[:FRAME]
        return frame + [0] * (FRAME - len(frame))


class _Out(asyncio.DatagramProtocol):
    """Towards the supervisor's phone; what the phone says is dropped here."""

    def __init__(self) -> None:
        self.dropped = 0

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.dropped += 1


class Mixer:
    """Two legs in, one stream out. `open()`, then `start(destination, payload_type)`."""

    def __init__(self, host: str, legs: int = 2) -> None:
        self.host = host
        self._legs = [_Leg() for _ in range(legs)]
        self._out = _Out()
        self._transports: list[asyncio.DatagramTransport] = []
        self._timer: asyncio.TimerHandle | None = None
        self._destination: tuple[str, int] | None = None
        self._payload_type = PCMA
        self._ssrc = random.getrandbits(32)
        self._seq = random.getrandbits(16)
        self._timestamp = random.getrandbits(32)
        self._next = 0.0
        self.sent = 0

    async def open(self) -> Mixer:
        loop = asyncio.get_running_loop()
        for protocol in [*self._legs, self._out]:
            transport, _ = await loop.create_datagram_endpoint(
                lambda p=protocol: p, local_addr=(self.host, 0)
            )
            self._transports.append(transport)
        return self

    @property
    def leg_ports(self) -> list[int]:
        return [t.get_extra_info("sockname")[1] for t in self._transports[:-1]]

    @property
    def out_port(self) -> int:
        return self._transports[-1].get_extra_info("sockname")[1]

    @property
    def dropped(self) -> int:
        """Packets the supervisor's phone sent (never forwarded)."""
        return self._out.dropped

    @property
    def received(self) -> list[int]:
        return [leg.packets for leg in self._legs]

    def start(self, destination: tuple[str, int], payload_type: int) -> None:
        if payload_type not in ENCODE:
            raise ValueError(f"cannot mix into payload type {payload_type}")
        self._destination = destination
        self._payload_type = payload_type
        loop = asyncio.get_running_loop()
        self._next = loop.time()
        self._tick()

    def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        frame = mix(*(leg.take() for leg in self._legs))
        header = struct.pack(
            "!BBHII", 0x80, self._payload_type, self._seq, self._timestamp, self._ssrc
        )
        self._transports[-1].sendto(header + encode(self._payload_type, frame), self._destination)
        self.sent += 1
        self._seq = (self._seq + 1) & 0xFFFF
        self._timestamp = (self._timestamp + FRAME) & 0xFFFFFFFF
        # A fixed 20 ms grid: a late tick does not push the following ones back.
        self._next += 0.02
        if self._next < loop.time() - 0.2:
            self._next = loop.time()  # the loop stalled: restart the grid, do not burst
        self._timer = loop.call_at(self._next, self._tick)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for transport in self._transports:
            transport.close()
        self._transports.clear()
