"""The call page plays the recording in a real Chromium: loaded through the access-checked,
Range-serving view, reachable by keyboard, seekable."""

import pytest
from django.utils import timezone

from switchboard.calls.models import Call, RecordingStatus
from switchboard.calls.recordings import run_conversion
from switchboard.telephony.recording import demo_conversation, write_wav

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recorded_call(agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call = Call.objects.create(
        caller_number="+8801711000001",
        dialed_number="+8809612345678",
        agent=agent,
        arrived_at=timezone.now(),
    )
    source = tmp_path / "call.wav"
    write_wav(source, demo_conversation(4.0), channels=2)
    recording = call.recordings.create(source=str(source))
    assert run_conversion(recording.pk).status == RecordingStatus.READY
    return call


def test_a_supervisor_plays_and_seeks_the_recording_from_the_call_page_by_keyboard(
    page, log_in, supervisor, recorded_call
):
    log_in(supervisor, f"/calls/{recorded_call.pk}/")
    page.get_by_role("heading", name="Recording").wait_for()
    assert page.get_by_text("Duration 0:04").is_visible()
    player = page.locator("audio")
    duration = player.evaluate(
        """audio => new Promise((resolve, reject) => {
            if (audio.readyState >= 1) return resolve(audio.duration);
            audio.addEventListener("loadedmetadata", () => resolve(audio.duration));
            audio.addEventListener("error", () => reject(audio.error && audio.error.code));
            audio.load();
        })"""
    )
    assert duration == pytest.approx(4.0, abs=0.05)
    seeked = player.evaluate(
        """audio => new Promise(resolve => {
            audio.addEventListener("seeked", () => resolve(audio.currentTime), {once: true});
            audio.currentTime = 3.0;
        })"""
    )
    assert seeked == pytest.approx(3.0, abs=0.1)
    for _ in range(40):  # the player is in the tab order, after the menu
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "AUDIO":
            break
    assert page.evaluate("document.activeElement.tagName") == "AUDIO"


def test_another_operator_cannot_open_the_call_page(page, log_in, other_agent, recorded_call):
    log_in(other_agent, "/")
    response = page.goto(f"/calls/{recorded_call.pk}/")
    assert response.status == 403
