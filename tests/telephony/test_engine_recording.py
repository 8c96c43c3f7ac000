"""Recording through the live engine and the virtual carrier: the announcement before the
queue, recording from the operator's answer, the WAV made in the background."""

import asyncio

import pytest

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import IvrMenu, Queue
from switchboard.calls.models import Call, Outcome, Recording, RecordingStatus
from switchboard.telephony.recording import channel_rms

from .conftest import NUMBER, run_floor


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def spy_prompts(floor) -> list[str]:
    """The prompts the engine asks the carrier to play, in order (the carrier still plays)."""
    played = []
    play = floor.carrier.play

    def recorded_play(call, prompt, language):
        played.append(prompt)
        play(call, prompt, language)

    floor.carrier.play = recorded_play
    return played


async def wait_for_recording(floor, call):
    for _ in range(200):
        recording = await floor.db(lambda: Recording.objects.filter(call_id=call).first())
        if recording is not None and recording.status != RecordingStatus.PENDING:
            return recording
        await asyncio.sleep(0.02)
    raise AssertionError("no recording was made")


def talk_and_hang_up(rahim, floor, *, digits=("1", "1")):
    async def scenario():
        floor.carrier.recording_dir = str(floor.recording_dir)
        played = spy_prompts(floor)
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=list(digits))
        await desk.wait_for(Event.OFFER)
        heard_before_offer = list(played)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await asyncio.sleep(0.2)  # four simulated seconds of talk
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return call, heard_before_offer

    return scenario()


def test_a_recorded_queue_announces_it_then_records_the_conversation(rahim, tmp_path):
    Queue.objects.filter(code="orders").update(record_calls=True, consent_prompt="consent_q")

    async def scenario(floor):
        floor.recording_dir = tmp_path / "incoming"
        call, heard = await talk_and_hang_up(rahim, floor)
        return call, heard, await wait_for_recording(floor, call)

    call, heard, recording = run_floor(scenario)
    assert heard[-1] == "consent_q"  # the last thing before an operator was offered the call
    assert heard.count("consent_q") == 1
    assert recording.status == RecordingStatus.READY, recording.error
    assert (recording.channels, recording.sample_rate) == (2, 8000)
    assert recording.duration_seconds >= 1.0
    left, right = channel_rms(recording.file.path)
    assert left > 500 and right > 500  # both sides talk
    assert Call.objects.get(pk=call).outcome == Outcome.ANSWERED


def test_a_recorded_number_uses_its_own_announcement(rahim, tmp_path):
    IvrMenu.objects.filter(dialed_number=NUMBER).update(
        record_calls=True, consent_prompt="consent_number"
    )

    async def scenario(floor):
        floor.recording_dir = tmp_path / "incoming"
        call, heard = await talk_and_hang_up(rahim, floor)
        return heard, await wait_for_recording(floor, call)

    heard, recording = run_floor(scenario)
    assert heard[-1] == "consent_number"
    assert recording.status == RecordingStatus.READY


def test_a_call_not_recorded_hears_no_announcement_and_leaves_no_recording(rahim, tmp_path):
    async def scenario(floor):
        floor.recording_dir = tmp_path / "incoming"
        call, heard = await talk_and_hang_up(rahim, floor)
        await asyncio.sleep(0.1)
        await floor.settled()
        return call, heard

    call, heard = run_floor(scenario)
    assert "recording_consent" not in heard
    assert not Recording.objects.filter(call_id=call).exists()
    assert not (tmp_path / "incoming").exists()


def test_a_caller_who_hangs_up_during_the_announcement_is_closed_and_not_recorded(rahim):
    Queue.objects.filter(code="orders").update(record_calls=True)

    async def scenario(floor):
        played = spy_prompts(floor)
        call = floor.call(digits=["1", "1"])
        for _ in range(200):
            if "recording_consent" in played:
                break
            await asyncio.sleep(0.01)
        floor.carrier.hang_up_caller(call)
        for _ in range(200):
            await floor.settled()
            if call not in floor.engine.calls:
                break
            await asyncio.sleep(0.01)
        return call, played

    call, played = run_floor(scenario)
    assert played[-1] == "recording_consent"  # the default announcement
    record = Call.objects.get(pk=call)
    assert record.ended_at is not None and record.outcome == Outcome.ABANDONED_IVR
    assert not Recording.objects.filter(call_id=call).exists()
