"""Background work of the calls app, run by the django-tasks worker (`serve` runs one)."""

from django_tasks import task

from switchboard.calls.recordings import run_conversion


@task()
def convert_recording(recording_id: int) -> dict:
    """Make a call's recording playable: a pcap of its RTP into a stereo WAV."""
    recording = run_conversion(recording_id)
    return {"status": recording.status, "error": recording.error}
