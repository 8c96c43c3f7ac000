"""The outcome an agent records after a call: checked, saved once, shown on the timeline."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from switchboard.calls.actions import check_set_disposition, do_open_call, do_update_call
from switchboard.calls.models import Call
from switchboard.contacts.models import Activity, ActivityKind

from .conftest import NASREEN, NUMBER


@pytest.fixture
def answered_call(deshi_bazar, rahim, nasreen):
    call_id = "6f1c1f5e-9a50-4b7e-8f7a-000000000001"
    do_open_call(call_id, caller=NASREEN, dialed=NUMBER, arrived_at=timezone.now(), engine="t")
    do_update_call(
        call_id, queue_id=deshi_bazar["orders"].pk, agent_id=rahim.pk, outcome="answered"
    )
    return Call.objects.get(pk=call_id)


def test_the_caller_is_found_by_caller_id_when_the_call_arrives(answered_call, nasreen):
    assert answered_call.contact == nasreen


def test_a_disposition_not_listed_for_the_queue_is_refused(answered_call, rahim):
    with pytest.raises(ValidationError) as refused:
        check_set_disposition(answered_call, rahim, "complaint_solved", "")
    assert "disposition" in refused.value.message_dict
    assert Call.objects.get(pk=answered_call.pk).disposition is None


def test_an_agent_who_did_not_take_the_call_cannot_record_its_outcome(answered_call, karim):
    with pytest.raises(ValidationError):
        check_set_disposition(answered_call, karim, "order_placed", "")


def test_saving_twice_keeps_one_timeline_entry_with_the_latest_notes(answered_call, rahim, nasreen):
    check_set_disposition(answered_call, rahim, "order_placed", "first thought")
    check_set_disposition(str(answered_call.pk), rahim, "order_placed", "  second thought ")
    entries = Activity.objects.filter(contact=nasreen, kind=ActivityKind.CALL)
    assert entries.count() == 1
    assert entries.get().text == "Order placed\nsecond thought"
    assert Call.objects.get(pk=answered_call.pk).notes == "second thought"


def test_a_contact_created_during_the_call_gets_the_call_on_its_timeline(deshi_bazar, rahim):
    from switchboard.contacts.actions import ContactData, check_create_contact

    call_id = "6f1c1f5e-9a50-4b7e-8f7a-000000000002"
    do_open_call(
        call_id, caller="+8801811000002", dialed=NUMBER, arrived_at=timezone.now(), engine="t"
    )
    do_update_call(call_id, queue_id=deshi_bazar["orders"].pk, agent_id=rahim.pk)
    newcomer = check_create_contact(ContactData(first_name="Rupa", phones=["01811000002"]))
    call = check_set_disposition(call_id, rahim, "order_placed", "")
    assert call.contact == newcomer
    assert newcomer.activities.filter(kind=ActivityKind.CALL).exists()
