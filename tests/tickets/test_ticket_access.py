"""Who sees which ticket and which internal notes; the lifecycle's rules."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from switchboard.accounts.actions import do_create_user
from switchboard.accounts.models import Role
from switchboard.tickets.actions import (
    TicketData,
    check_add_note,
    check_change_status,
    check_create_ticket,
    check_forward_ticket,
)
from switchboard.tickets.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def forwarded(complaint, delivery, agent):
    check_forward_ticket(complaint, delivery, author=agent)
    return complaint


def test_an_agent_sees_the_tickets_they_opened_and_their_departments(
    client, agent, other_agent, forwarded, supervisor
):
    third = do_create_user("salma", "x-long-password-1", Role.AGENT)
    outside = check_create_ticket(
        TicketData(category="billing", subject="Charged twice"), author=third
    )
    for user, expected in ((agent, True), (other_agent, True), (third, False), (supervisor, True)):
        client.force_login(user)
        page = client.get(reverse("tickets:list")).content.decode()
        assert ("Parcel arrived broken" in page) is expected, user
        status = client.get(reverse("tickets:detail", args=[forwarded.pk])).status_code
        assert status == (200 if expected else 403), user
    client.force_login(agent)
    assert client.get(reverse("tickets:detail", args=[outside.pk])).status_code == 403


def test_internal_notes_are_hidden_from_the_agent_who_only_opened_the_ticket(
    client, agent, other_agent, supervisor, forwarded
):
    check_add_note(forwarded, "Courier Sundarban admits the damage.", author=other_agent)
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[forwarded.pk])).content.decode()
    assert "Courier Sundarban" not in page
    assert "Internal notes of the department are not shown to you." in page
    for reader in (other_agent, supervisor):
        client.force_login(reader)
        assert (
            "Courier Sundarban"
            in client.get(reverse("tickets:detail", args=[forwarded.pk])).content.decode()
        )


def test_an_agent_reads_their_own_internal_notes(client, agent, forwarded):
    check_add_note(forwarded, "Caller was very upset.", author=agent)
    client.force_login(agent)
    assert (
        "Caller was very upset."
        in client.get(reverse("tickets:detail", args=[forwarded.pk])).content.decode()
    )


def test_the_lifecycle_refuses_a_jump_and_keeps_its_history(complaint, agent):
    with pytest.raises(ValidationError):
        check_change_status(complaint, Status.CLOSED, author=agent)
    with pytest.raises(ValidationError):
        check_change_status(complaint, Status.RESOLVED, author=agent)  # no resolution yet
    ticket = complaint
    for status, text in (
        (Status.IN_PROGRESS, ""),
        (Status.WAITING, "Asked for a photo"),
        (Status.RESOLVED, "Refund sent"),
        (Status.CLOSED, ""),
        (Status.REOPENED, ""),
    ):
        ticket = check_change_status(ticket, status, author=agent, text=text)
    history = [(e.from_status, e.to_status) for e in ticket.events.exclude(kind="created")]
    assert history == [
        ("new", "in_progress"),
        ("in_progress", "waiting"),
        ("waiting", "resolved"),
        ("resolved", "closed"),
        ("closed", "reopened"),
    ]
    assert ticket.resolution == "Refund sent"


def test_the_status_form_shows_the_refusal(agent_client, complaint):
    response = agent_client.post(
        reverse("tickets:status", args=[complaint.pk]), {"status": "closed"}
    )
    assert response.status_code == 422
    assert "cannot become" in response.content.decode()


def test_an_outsider_cannot_open_the_work_list(outsider_client):
    assert outsider_client.get(reverse("tickets:list")).status_code == 403


def test_the_work_list_puts_overdue_tickets_first_in_few_queries(
    supervisor_client, agent, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from switchboard.tickets.models import Ticket

    for i in range(15):
        check_create_ticket(
            TicketData(category="delivery", subject=f"Late parcel {i}"), author=agent
        )
    Ticket.objects.filter(subject="Late parcel 7").update(
        due_at=timezone.now() - timedelta(hours=1), escalated_at=timezone.now()
    )
    with django_assert_max_num_queries(12):
        page = supervisor_client.get(reverse("tickets:list")).content.decode()
    assert page.index("Late parcel 7") < page.index("Late parcel 0")


def test_a_ticket_is_opened_from_the_contacts_page(agent_client, caller):
    response = agent_client.post(
        reverse("tickets:create"),
        {
            "contact": caller.pk,
            "kind": "claim",
            "category": "billing",
            "severity": "low",
            "subject": "Refund for a returned order",
            "orders": "SO-9",
        },
    )
    assert response.status_code == 302
    assert caller.tickets.get().kind == "claim"
