"""Call recordings: the background conversion, who may hear them, the player, Range requests."""

import wave

import pytest
from django.utils import timezone

from switchboard.calls.models import Call, Recording, RecordingStatus
from switchboard.calls.recordings import do_add_recording, run_conversion
from switchboard.telephony.recording import demo_conversation, write_wav
from tests.telephony.test_recording import CALLER_PORT, OPERATOR_PORT, pcap, side

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def call(agent):
    """Rahim took this call."""
    return Call.objects.create(
        caller_number="+8801711000001",
        dialed_number="+8809612345678",
        agent=agent,
        arrived_at=timezone.now(),
    )


def two_sided_pcap(folder):
    path = folder / "call.pcap"
    packets = side(CALLER_PORT, 1, 0.0, 100) + side(OPERATOR_PORT, 2, 0.5, 50, code=0x80)
    path.write_bytes(pcap(sorted(packets, key=lambda p: p[0])))
    return path


@pytest.fixture
def ready(call, tmp_path, django_capture_on_commit_callbacks):
    source = tmp_path / "sim.wav"
    write_wav(source, demo_conversation(3.0), channels=2)
    with django_capture_on_commit_callbacks(execute=True):
        recording = do_add_recording(str(call.pk), str(source))
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY
    return recording


# -- conversion ------------------------------------------------------------------------------


def test_a_pcap_becomes_a_stereo_wav_in_the_background_and_the_pcap_goes(
    call, tmp_path, django_capture_on_commit_callbacks
):
    source = two_sided_pcap(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        recording = do_add_recording(str(call.pk), str(source), CALLER_PORT)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY, recording.error
    assert (recording.channels, recording.sample_rate) == (2, 8000)
    assert recording.duration_seconds == pytest.approx(2.0)
    assert recording.duration_text == "0:02"
    with wave.open(recording.file.path, "rb") as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (2, 8000, 16000)
    assert not source.exists()


def test_a_broken_pcap_fails_with_its_reason_and_is_kept(call, tmp_path):
    source = tmp_path / "call.pcap"
    source.write_bytes(two_sided_pcap(tmp_path).read_bytes()[:-7])
    recording = Recording.objects.create(call=call, source=str(source), caller_port=CALLER_PORT)
    recording = run_conversion(recording.pk)
    assert recording.status == RecordingStatus.FAILED
    assert "truncated" in recording.error
    assert source.exists() and not recording.file


def test_a_missing_recorded_file_fails_with_its_name(call, tmp_path):
    recording = Recording.objects.create(call=call, source=str(tmp_path / "gone.pcap"))
    recording = run_conversion(recording.pk)
    assert recording.status == RecordingStatus.FAILED
    assert "gone.pcap" in recording.error and "missing" in recording.error


def test_a_failed_recording_converts_once_its_file_is_fixed(call, tmp_path):
    source = tmp_path / "later.pcap"
    recording = Recording.objects.create(call=call, source=str(source), caller_port=CALLER_PORT)
    assert run_conversion(recording.pk).status == RecordingStatus.FAILED
    source.write_bytes(two_sided_pcap(tmp_path).read_bytes())
    recording = run_conversion(recording.pk)
    assert recording.status == RecordingStatus.READY and recording.error == ""


def test_a_carrier_wav_is_kept_as_it_is(ready):
    assert (ready.channels, ready.sample_rate) == (2, 8000)
    assert ready.duration_seconds == pytest.approx(3.0)


# -- who may hear it -------------------------------------------------------------------------


def audio_url(recording):
    return f"/calls/recordings/{recording.pk}/audio/"


@pytest.mark.parametrize("who", ["agent_client", "supervisor_client", "admin_client_"])
def test_the_operator_who_took_the_call_and_supervisors_may_hear_it(request, who, ready):
    response = request.getfixturevalue(who).get(audio_url(ready))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"RIFF" and len(body) == ready.file.size


def test_another_operator_may_not_hear_it(other_agent, ready):
    from django.test import Client

    client = Client()
    client.force_login(other_agent)
    assert client.get(audio_url(ready)).status_code == 403
    assert client.get(f"/calls/{ready.call_id}/").status_code == 403
    assert client.get(f"/api/calls/{ready.call_id}/recordings").status_code == 403
    assert client.get(f"/api/recordings/{ready.pk}/audio").status_code == 403


def test_someone_without_a_role_may_not_hear_it(outsider_client, ready):
    assert outsider_client.get(audio_url(ready)).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, ready):
    response = client.get(audio_url(ready))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_an_unknown_recording_is_not_found(supervisor_client, ready):
    assert supervisor_client.get(f"/calls/recordings/{ready.pk + 99}/audio/").status_code == 404


def test_a_recording_still_being_prepared_is_not_found(supervisor_client, call):
    pending = Recording.objects.create(call=call, source="/nowhere.pcap")
    assert supervisor_client.get(audio_url(pending)).status_code == 404


# -- seeking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-10", None, None)],
)
def test_a_range_request_gets_just_those_bytes(agent_client, ready, header, first, last):
    whole = ready.file.open("rb").read()
    ready.file.close()
    size = len(whole)
    if first is None:  # the last ten bytes
        first, last = size - 10, size - 1
    last = size - 1 if last is None else last
    response = agent_client.get(audio_url(ready), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert b"".join(response.streaming_content) == whole[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=5-2", "bytes=-", "lines=1-2"])
def test_a_range_outside_the_file_is_refused_with_its_size(agent_client, ready, header):
    response = agent_client.get(audio_url(ready), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{ready.file.size}"


# -- the call page and the API -------------------------------------------------------------------


def test_the_call_page_has_a_player_with_the_duration(agent_client, ready):
    page = agent_client.get(f"/calls/{ready.call_id}/").content.decode()
    assert f'<audio controls preload="metadata" src="{audio_url(ready)}"' in page
    assert "Duration 0:03" in page


def test_the_call_page_says_why_a_recording_failed(supervisor_client, call):
    Recording.objects.create(call=call, status=RecordingStatus.FAILED, error="no G.711 audio")
    page = supervisor_client.get(f"/calls/{call.pk}/").content.decode()
    assert "no G.711 audio" in page and "<audio" not in page


def test_the_call_page_of_a_call_not_recorded_says_so(agent_client, call):
    assert "This call was not recorded." in agent_client.get(f"/calls/{call.pk}/").content.decode()


def test_the_api_lists_a_calls_recordings_with_their_audio_link(supervisor_client, ready):
    [item] = supervisor_client.get(f"/api/calls/{ready.call_id}/recordings").json()
    assert item["status"] == "ready" and item["channels"] == 2
    assert item["duration_seconds"] == pytest.approx(3.0)
    assert item["audio_url"] == f"/api/recordings/{ready.pk}/audio"
    response = supervisor_client.get(item["audio_url"], HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"RIFF"


def test_the_admin_shows_recordings_read_only(admin_client_, ready):
    assert admin_client_.get(f"/admin/calls/recording/{ready.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/calls/recording/add/").status_code == 403


def test_the_admin_lists_recordings_with_a_link_to_the_call_page(admin_client_, ready):
    page = admin_client_.get("/admin/calls/recording/").content.decode()
    assert f'href="/calls/{ready.call_id}/"' in page


def test_a_call_entry_on_the_contact_timeline_opens_the_call_page(agent, call):
    from switchboard.acd.models import Disposition, Queue
    from switchboard.calls.actions import check_set_disposition
    from switchboard.contacts.actions import ContactData, check_create_contact
    from switchboard.contacts.models import Activity, ActivityKind

    contact = check_create_contact(ContactData(first_name="Nasreen", phones=["+8801711000001"]))
    queue = Queue.objects.create(code="info", name_en="Information")
    queue.dispositions.add(Disposition.objects.create(code="info_given", name_en="Information"))
    Call.objects.filter(pk=call.pk).update(contact=contact, queue=queue, ended_at=timezone.now())
    check_set_disposition(str(call.pk), agent, "info_given", "")
    entry = Activity.objects.get(contact=contact, kind=ActivityKind.CALL)
    assert entry.data["url"] == f"/calls/{call.pk}/"


def test_an_admin_converts_a_failed_recording_again_once_its_pcap_is_back(
    admin_client_, call, tmp_path
):
    source = tmp_path / "back.pcap"
    recording = Recording.objects.create(call=call, source=str(source), caller_port=CALLER_PORT)
    assert run_conversion(recording.pk).status == RecordingStatus.FAILED
    source.write_bytes(two_sided_pcap(tmp_path).read_bytes())
    response = admin_client_.post(
        "/admin/calls/recording/",
        {"action": "convert_again", "_selected_action": [recording.pk]},
        follow=True,
    )
    assert "1 recording queued for conversion." in response.content.decode()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY


def test_someone_without_a_role_cannot_tell_which_recordings_exist(outsider_client, ready):
    assert outsider_client.get(f"/calls/recordings/{ready.pk + 99}/audio/").status_code == 403
