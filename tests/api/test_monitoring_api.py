import datetime

import pytest
from django.utils import timezone

from switchboard.calls.models import Call, CallMonitoring
from switchboard.calls.monitoring import (
    do_monitor_ended,
    do_monitor_requested,
    do_monitor_started,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listened(supervisor, agent):
    now = timezone.now()
    call = Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        agent=agent,
        arrived_at=now,
    )
    do_monitor_requested(str(call.pk), supervisor.pk, "listen", now)
    do_monitor_started(str(call.pk), supervisor.pk, now + datetime.timedelta(seconds=2))
    do_monitor_ended(str(call.pk), supervisor.pk, "hung_up", now + datetime.timedelta(seconds=9))
    do_monitor_requested(
        str(call.pk), supervisor.pk, "listen", now + datetime.timedelta(seconds=20)
    )
    return call


def test_a_supervisor_reads_who_listened_to_which_call_newest_first(supervisor_client, listened):
    page = supervisor_client.get(f"/api/monitorings?call={listened.pk}").json()
    assert [(m["end_reason"], m["ended_at"] is None) for m in page["items"]] == [
        (None, True),  # still ringing or listening
        ("hung_up", False),
    ]
    first = page["items"][1]
    assert first["supervisor_username"] == "fatema" and first["mode"] == "listen"
    assert first["requested_at"] < first["started_at"] < first["ended_at"]


def test_the_end_is_written_to_the_open_listening_only(supervisor, listened):
    ended = CallMonitoring.objects.filter(ended_at__isnull=False)
    assert ended.count() == 1  # the second listening, still open, was not touched


def test_an_agent_may_not_read_the_monitoring_log(agent_client, listened):
    assert agent_client.get("/api/monitorings").status_code == 403


def test_the_log_is_read_only_in_admin(admin_client_, listened):
    assert admin_client_.get("/admin/calls/callmonitoring/").status_code == 200
    assert admin_client_.get("/admin/calls/callmonitoring/add/").status_code == 403


def test_a_listening_left_open_by_a_dead_engine_ends_with_its_call(supervisor, listened):
    from switchboard.calls.monitoring import do_close_stale_monitorings

    assert do_close_stale_monitorings() == 0  # the call is still in progress
    listened.ended_at = timezone.now()
    listened.save()
    assert do_close_stale_monitorings() == 1
    last = CallMonitoring.objects.get(end_reason="call_ended")
    assert last.ended_at == listened.ended_at
