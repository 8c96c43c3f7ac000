"""Prompt audio: what rtpengine can play into a G.711 call, checked and converted with sox.

rtpengine plays WAV files through ffmpeg; G.711 carries 8 kHz mono, so a prompt is stored as
8 kHz mono 16-bit PCM. Any other PCM WAV is converted with sox; anything else is refused.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

RATE, CHANNELS, BITS = 8000, 1, 16
_PCM = 1
_EXTENSIBLE = 0xFFFE
# The first two bytes of the KSDATAFORMAT_SUBTYPE_PCM GUID.
_PCM_SUBFORMAT = b"\x01\x00"


class AudioError(ValueError):
    """The file is not audio we can play; the message says why, for the person uploading."""


@dataclass(frozen=True)
class WavInfo:
    rate: int
    channels: int
    bits: int
    frames: int

    @property
    def ready(self) -> bool:
        """Already 8 kHz mono 16-bit: stored as it is."""
        return (self.rate, self.channels, self.bits) == (RATE, CHANNELS, BITS)

    @property
    def duration_ms(self) -> int:
        return self.frames * 1000 // self.rate if self.rate else 0


def read_wav_header(data: bytes) -> WavInfo:
    """The format of a PCM WAV, or AudioError: not RIFF/WAVE, not PCM, or broken."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(_("This is not a WAV file (no RIFF/WAVE header)."))
    fmt = None
    data_size = None
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        body = data[offset + 8 : offset + 8 + size]
        if chunk == b"fmt ":
            fmt = body
        elif chunk == b"data":
            data_size = min(size, len(data) - offset - 8)
            break
        offset += 8 + size + (size & 1)
    if fmt is None or len(fmt) < 16 or data_size is None:
        raise AudioError(_("This WAV file is damaged: its format or its sound is missing."))
    tag, channels, rate, _rate_bytes, _align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == _EXTENSIBLE and len(fmt) >= 26 and fmt[24:26] == _PCM_SUBFORMAT:
        tag = _PCM
    if tag != _PCM:
        raise AudioError(
            _("This WAV file is compressed; save it as plain PCM (16-bit) and upload it again.")
        )
    if not channels or not rate or bits not in (8, 16, 24, 32):
        raise AudioError(_("This WAV file is damaged: its format or its sound is missing."))
    frames = data_size // (channels * bits // 8)
    if frames == 0:
        raise AudioError(_("This WAV file holds no sound."))
    return WavInfo(rate, channels, bits, frames)


def sox_available() -> bool:
    return shutil.which("sox") is not None


def to_prompt_wav(data: bytes) -> tuple[bytes, WavInfo]:
    """`data` as an 8 kHz mono 16-bit PCM WAV (converted with sox when it is another PCM WAV)."""
    info = read_wav_header(data)
    if info.ready:
        return data, info
    if not sox_available():
        raise AudioError(
            _(
                "This server cannot convert audio (sox is not installed): upload an 8 kHz "
                "mono 16-bit WAV."
            )
        )
    with tempfile.TemporaryDirectory(prefix="prompt-") as folder:
        source, target = Path(folder) / "in.wav", Path(folder) / "out.wav"
        source.write_bytes(data)
        result = subprocess.run(
            [
                "sox",
                str(source),
                "-r",
                str(RATE),
                "-c",
                str(CHANNELS),
                "-b",
                str(BITS),
                str(target),
            ],
            capture_output=True,
            timeout=60,
        )
        if result.returncode != 0 or not target.is_file():
            raise AudioError(_("This WAV file could not be converted: sox refused it."))
        converted = target.read_bytes()
    return converted, read_wav_header(converted)
