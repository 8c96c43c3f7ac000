"""Solving a complaint on the call, or forwarding it: the call moves and the ticket follows."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse
from django.utils import timezone

from switchboard.acd import floor
from switchboard.contacts.models import Activity, ActivityKind
from switchboard.tickets.models import EventKind, Status, Ticket

pytestmark = pytest.mark.django_db


def receive_command():
    return async_to_sync(get_channel_layer().receive)(floor.ENGINE_CHANNEL)


def nothing_sent() -> bool:
    layer = get_channel_layer()
    return not layer.channels.get(floor.ENGINE_CHANNEL)


def test_a_complaint_solved_on_the_call_records_the_resolution_and_moves_no_call(
    agent_client, live_call, complaint, in_memory_layer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("tickets:panel_resolve", args=[complaint.pk]),
            {"call": live_call.pk, "resolution": "A replacement ships tomorrow."},
        )
    assert "resolved" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.solved_on_call
    assert complaint.resolution == "A replacement ships tomorrow."
    assert nothing_sent()


def test_forwarding_to_an_open_department_transfers_the_call_to_its_queue(
    agent,
    agent_client,
    live_call,
    complaint,
    delivery,
    in_memory_layer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("tickets:panel_forward", args=[complaint.pk]),
            {"call": live_call.pk, "department": delivery.pk},
        )
    assert "the call is being transferred" in response.content.decode()
    message = receive_command()
    assert message["command"] == floor.Command.TRANSFER
    assert message["call"] == str(live_call.pk) and message["queue"] == "dept_delivery"
    assert message["user"] == agent.pk
    complaint.refresh_from_db()
    assert complaint.department == delivery and complaint.forwarded_at
    assert complaint.events.filter(kind=EventKind.TRANSFERRED).exists()


def test_the_department_members_desk_panel_shows_the_ticket_of_the_transferred_call(
    client,
    other_agent,
    live_call,
    complaint,
    delivery,
    agent,
    in_memory_layer,
    django_capture_on_commit_callbacks,
):
    from switchboard.tickets.actions import check_forward_ticket

    with django_capture_on_commit_callbacks(execute=True):
        check_forward_ticket(complaint, delivery, author=agent)
    # What the engine does on TRANSFER: the same call, now with the department's member.
    type(live_call).objects.filter(pk=live_call.pk).update(agent=other_agent, queue=delivery.queue)
    client.force_login(other_agent)
    page = client.get(reverse("tickets:panel"), {"call": live_call.pk}).content.decode()
    assert "Ticket attached to this call" in page
    assert "Parcel arrived broken" in page and "A replacement" in page


def test_forwarding_to_a_closed_department_moves_the_ticket_but_not_the_call(
    agent, live_call, complaint, billing_closed, in_memory_layer, django_capture_on_commit_callbacks
):
    from switchboard.tickets.actions import check_forward_ticket

    with django_capture_on_commit_callbacks(execute=True):
        result = check_forward_ticket(complaint, billing_closed, author=agent)
    assert not result.transferred and result.reason == "The department is closed now."
    assert nothing_sent()
    assert Ticket.objects.get(pk=complaint.pk).department == billing_closed


def test_an_ended_call_is_not_transferred(agent, live_call, complaint, delivery, in_memory_layer):
    from switchboard.tickets.actions import check_forward_ticket

    type(live_call).objects.filter(pk=live_call.pk).update(ended_at=timezone.now())
    complaint.refresh_from_db()
    assert not check_forward_ticket(complaint, delivery, author=agent).transferred


def test_the_ticket_and_its_call_appear_on_the_contacts_timeline(
    agent_client, complaint, caller, live_call, delivery, agent
):
    from switchboard.tickets.actions import check_forward_ticket

    check_forward_ticket(complaint, delivery, author=agent)
    entries = Activity.objects.filter(contact=caller, kind=ActivityKind.TICKET).order_by("id")
    assert [e.data["ticket"] for e in entries] == [complaint.pk, complaint.pk]
    assert entries[0].data["call"] == str(live_call.pk)
    page = agent_client.get(reverse("contacts:detail", args=[caller.pk])).content.decode()
    assert f"Ticket #{complaint.pk} opened during the call from +8801712345678" in page
    assert f"Ticket #{complaint.pk} forwarded to Delivery." in page


def test_a_ticket_is_opened_from_the_desk_panel_for_the_call(agent_client, live_call, caller):
    response = agent_client.post(
        reverse("tickets:panel_create"),
        {
            "call": live_call.pk,
            "kind": "complaint",
            "category": "product",
            "severity": "normal",
            "subject": "Shirt colour faded",
            "orders": "SO-7, SO-8",
        },
    )
    assert "opened" in response.content.decode()
    ticket = Ticket.objects.get(subject="Shirt colour faded")
    assert ticket.call == live_call and ticket.contact == caller
    assert ticket.orders == ["SO-7", "SO-8"]


def test_a_ticket_without_a_subject_is_refused_with_the_reason(agent_client, live_call):
    response = agent_client.post(
        reverse("tickets:panel_create"),
        {"call": live_call.pk, "kind": "complaint", "category": "product", "severity": "normal"},
    )
    assert "This field is required." in response.content.decode()
    assert not Ticket.objects.exists()
