"""Recordings of calls: registered by the engine, made into WAVs by the background worker,
played to the people allowed to hear them.

The engine registers what the carrier saved (`do_add_recording`, in its writer thread);
the django-tasks worker converts it (`convert_recording`): a pcap of the call's RTP into a
stereo WAV (caller left, operator right) with `telephony/recording.py`, a WAV as it is.
The engine's loop never waits for audio work. A failure marks the recording failed with the
reason and leaves the source file where it was, so it can be converted again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404

from switchboard.calls.access import get_call_for_user
from switchboard.calls.models import Recording, RecordingStatus
from switchboard.telephony.recording import RecordingError, pcap_to_wav, wav_info

log = logging.getLogger("switchboard.calls.recordings")


def do_add_recording(call_id: str, source: str, caller_port: int | None = None) -> Recording:
    """A pending recording of the call, converted by the worker once this commits."""
    from switchboard.calls.tasks import convert_recording

    recording = Recording.objects.create(call_id=call_id, source=source, caller_port=caller_port)
    transaction.on_commit(lambda: convert_recording.enqueue(recording.pk))
    return recording


def run_conversion(recording_id: int) -> Recording:
    """Make the recording's WAV; on failure the row says why and the source is kept."""
    recording = Recording.objects.get(pk=recording_id)
    if recording.status == RecordingStatus.READY:
        return recording
    source = Path(recording.source)
    try:
        with tempfile.TemporaryDirectory(prefix="switchboard-recording-") as folder:
            wav = Path(folder) / f"{recording.call_id}.wav"
            if not source.is_file():
                raise RecordingError(f"the recorded file {source} is missing")
            if source.suffix.lower() == ".pcap":
                if recording.caller_port is None:
                    raise RecordingError("the caller's RTP port is not known")
                info = pcap_to_wav(source, wav, recording.caller_port)
            else:
                info = wav_info(source)
                shutil.copyfile(source, wav)
            with open(wav, "rb") as audio:
                recording.file.save(f"{recording.call_id}.wav", File(audio), save=False)
    except (RecordingError, OSError) as exc:
        log.warning("recording %s of call %s failed: %s", recording.pk, recording.call_id, exc)
        recording.status = RecordingStatus.FAILED
        recording.error = str(exc)[:2000]
        recording.save(update_fields=["status", "error"])
        return recording
    recording.status = RecordingStatus.READY
    recording.error = ""
    recording.duration_seconds = round(info.duration, 3)
    recording.sample_rate = info.sample_rate
    recording.channels = info.channels
    recording.save()
    try:
        source.unlink(missing_ok=True)  # the WAV holds it all now
    except OSError as exc:  # rtpengine's folder may not be ours to write: keep going
        log.warning("recording %s: could not remove %s: %s", recording.pk, source, exc)
    return recording


def get_recording_for_user(user, recording_id) -> Recording:
    """A recording the user may hear: the call's operator, or anyone who watches the floor
    (calls/access.py decides, as for the call itself). PermissionDenied before Http404 for
    those who may see no call at all, so they cannot probe which recordings exist."""
    if not user.is_authenticated or not user.has_perm("calls.view_call"):
        raise PermissionDenied
    try:
        recording = Recording.objects.get(pk=recording_id)
    except (Recording.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    recording.call = get_call_for_user(user, recording.call_id)
    return recording
