"""Recording over SIP: rtpengine writes the call's RTP into a pcap (no sippy here).

rtpengine runs with `--recording-method=pcap --recording-dir=DIR`. `record(call, True)`
asks it (`start recording`) to write every packet it receives on the call into
`DIR/pcaps/<call-id>-<random>.pcap`; first we ask (`query`) which of its ports faces the
caller, since the pcap tells the sides apart only by address. When the call is deleted
rtpengine closes the pcap and renames its metadata file into `DIR/metadata/` (its first
line names the pcap): then the pcap is complete and `RecordingSaved` goes to the engine,
which has it converted in the background. A `stop recording` then `start recording` makes
another pcap (measured): each becomes a recording of the call, in order. rtpengine's own recording daemon, which would
mix the audio, needs its kernel module; we do not use it.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..interface import RecordingSaved
from ..media import MediaError, local_port

log = logging.getLogger("switchboard.telephony.sip")

# rtpengine renames the metadata file when it closes the pcap, inside `delete`: a little
# grace for a busy daemon, checked every 50 ms.
_CLOSE_WAIT_S = 2.0


class SipRecording:
    """Mixed into SipTelephony (which provides `config`, `_media`, `_live`, `_spawn`,
    `_send`)."""

    def record(self, call: str, on: bool) -> None:
        c = self._live(call)
        if c is None:
            return
        if self.config.recording_dir is None:
            log.warning("call %s: not recorded, SWITCHBOARD_RTPENGINE_RECORDING_DIR is empty", call)
            return
        self._spawn(self._start_recording(c) if on else self._media.stop_recording(c.id))

    async def _start_recording(self, call) -> None:
        try:
            port = local_port(await self._media.query(call.id), call.from_tag)
            if port is None:
                log.error("call %s: rtpengine shows no port facing the caller", call.id)
                return
            await self._media.start_recording(call.id)
        except MediaError as exc:
            log.error("call %s: recording could not start: %s", call.id, exc)
            return
        call.recording_port = port

    async def _recording_closed(self, call) -> None:
        """After rtpengine's `delete`: find the finished pcaps, tell the engine."""
        folder = self.config.recording_dir
        pcaps = None
        for _ in range(int(_CLOSE_WAIT_S / 0.05)):
            pcaps = await asyncio.to_thread(finished_pcaps, folder, call.id)
            if pcaps:
                break
            await asyncio.sleep(0.05)
        if not pcaps:
            log.error("call %s: rtpengine wrote no finished recording in %s", call.id, folder)
            return
        for pcap in pcaps:
            self._send(RecordingSaved(call.id, str(pcap), call.recording_port))


def finished_pcaps(folder: Path, call_id: str) -> list[Path] | None:
    """The call's pcaps, oldest first, once rtpengine has closed them all (each one's
    metadata file, renamed out of `tmp/` on closing, names it); None while one is open."""
    if any((folder / "tmp").glob(f"rtpengine-meta-{call_id}-*")):
        return None
    found = []
    for meta in (folder / "metadata").glob(f"rtpengine-meta-{call_id}-*.txt"):
        try:
            first = meta.read_text(errors="replace").splitlines()[0].strip()
        except (OSError, IndexError):
            continue
        pcap = Path(first)
        if not pcap.is_file():  # the daemon may see the folder under another path
            pcap = folder / "pcaps" / pcap.name
        if pcap.is_file():
            found.append(pcap)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name)) or None
