"""/api/calls/{id}/recordings and /api/recordings/{id}/audio: a call's recordings and their
audio, for the call's operator and the people who watch the floor (calls/access.py)."""

from datetime import datetime
from uuid import UUID

from django.urls import reverse
from ninja import Field, Router, Schema

from switchboard.calls.access import get_call_for_user
from switchboard.calls.models import RecordingStatus
from switchboard.calls.views import recording_response

router = Router(tags=["recordings"])


class RecordingOut(Schema):
    id: int
    call_id: UUID
    status: RecordingStatus
    duration_seconds: float | None
    sample_rate: int | None
    channels: int | None = Field(description="2: the caller on the left, the operator right.")
    error: str = Field(description="Why the recording could not be prepared, when it failed.")
    created_at: datetime
    audio_url: str | None = Field(description="The WAV (HTTP Range supported) once ready.")

    @staticmethod
    def resolve_audio_url(obj) -> str | None:
        if not obj.is_ready:
            return None
        return reverse("api:recording_audio", args=[obj.pk])


@router.get(
    "/calls/{call_id}/recordings", response=list[RecordingOut], summary="A call's recordings"
)
def list_recordings(request, call_id: UUID):
    call = get_call_for_user(request.user, call_id)
    return list(call.recordings.order_by("created_at", "id"))


@router.get(
    "/recordings/{recording_id}/audio",
    summary="A recording's audio (audio/wav; Range requests give 206)",
    url_name="recording_audio",
    response={200: None, 206: None},
)
def recording_audio_api(request, recording_id: int):
    return recording_response(request, recording_id)
