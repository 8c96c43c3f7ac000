"""The call record page, and its recordings streamed to the people allowed to hear them."""

from __future__ import annotations

import os
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from switchboard.calls.access import get_call_for_user
from switchboard.calls.models import RecordingStatus
from switchboard.calls.recordings import get_recording_for_user

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


@login_required
@require_GET
def call_detail(request, call_id):
    call = get_call_for_user(request.user, call_id)
    recordings = list(call.recordings.order_by("created_at", "id"))
    return render(request, "calls/detail.html", {"call": call, "recordings": recordings})


def recording_response(request, recording_id):
    """The WAV, with HTTP Range (one range) so the browser's player can seek. 404 for a
    recording not ready or unknown, 403 for a user who may not hear it."""
    recording = get_recording_for_user(request.user, recording_id)
    if recording.status != RecordingStatus.READY or not recording.file:
        raise Http404
    try:
        handle = recording.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    size = recording.file.size
    start, end, status = 0, size - 1, 200
    header = request.headers.get("Range", "")
    if header:
        match = _RANGE.match(header.strip())
        first, last = match.groups() if match else ("", "")
        if not match or (first == "" and last == ""):
            handle.close()
            return _unsatisfiable(size)
        if first == "":  # the last N bytes
            start = max(0, size - int(last))
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        if start > end or start >= size:
            handle.close()
            return _unsatisfiable(size)
        status = 206
    handle.seek(start)
    length = end - start + 1
    response = StreamingHttpResponse(_read(handle, length), status=status, content_type="audio/wav")
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    name = os.path.basename(recording.file.name)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


recording_audio = login_required(require_GET(recording_response))


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response


def _read(handle, length: int):
    try:
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()
