"""Due times in the department's working hours, and escalation once they pass."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from switchboard.tickets.actions import due_time
from switchboard.tickets.models import (
    Department,
    EventKind,
    Notification,
    SlaPolicy,
    Status,
    WorkingPeriod,
)

pytestmark = pytest.mark.django_db
DHAKA = ZoneInfo("Asia/Dhaka")


def test_the_due_time_counts_only_the_departments_working_hours(complaint):
    department = Department.objects.create(
        code="quality", name_en="Quality", time_zone="Asia/Dhaka"
    )
    for weekday in (6, 0, 1, 2, 3):  # Sunday to Thursday
        WorkingPeriod.objects.create(
            department=department, weekday=weekday, opens=time(9), closes=time(18)
        )
    SlaPolicy.objects.create(category="delivery", severity="high", resolve_within_minutes=8 * 60)
    complaint.department = department
    complaint.created_at = datetime(2026, 12, 3, 17, 0, tzinfo=DHAKA)  # Thursday evening
    # One hour on Thursday, nothing on Friday and Saturday, seven hours on Sunday.
    assert due_time(complaint) == datetime(2026, 12, 6, 16, 0, tzinfo=DHAKA)


def test_without_a_department_the_sla_runs_in_calendar_time(complaint):
    assert complaint.due_at - complaint.created_at == timedelta(hours=8)  # default for "high"


def test_an_overdue_ticket_is_escalated_once_and_its_contact_told(complaint, delivery, supervisor):
    from switchboard.tickets.actions import check_forward_ticket, do_escalate_overdue

    check_forward_ticket(complaint, delivery, author=complaint.created_by)
    later = timezone.now() + timedelta(hours=9)
    assert [t.pk for t in do_escalate_overdue(later)] == [complaint.pk]
    assert do_escalate_overdue(later + timedelta(hours=1)) == []
    complaint.refresh_from_db()
    assert complaint.escalated_at == later
    assert complaint.events.filter(kind=EventKind.ESCALATED).count() == 1
    notice = Notification.objects.get()
    assert notice.recipient == supervisor and "Parcel arrived broken" in notice.text


def test_a_ticket_within_its_time_or_resolved_is_not_escalated(complaint, agent):
    from switchboard.tickets.actions import check_resolve_on_call, do_escalate_overdue

    assert do_escalate_overdue(timezone.now() + timedelta(hours=1)) == []
    check_resolve_on_call(complaint, "A new set is on its way.", author=agent)
    assert do_escalate_overdue(timezone.now() + timedelta(days=30)) == []


def test_the_work_list_and_the_command_escalate_what_is_overdue(complaint, agent_client, capsys):
    type(complaint).objects.filter(pk=complaint.pk).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    page = agent_client.get(reverse("tickets:list")).content.decode()
    assert "Escalated" in page and "Overdue" in page
    call_command("escalate_tickets")
    assert "0 ticket(s) escalated." in capsys.readouterr().out


def test_reopening_starts_a_fresh_sla_clock(complaint, agent):
    from switchboard.tickets.actions import check_change_status, check_resolve_on_call

    check_resolve_on_call(complaint, "Refunded.", author=agent)
    type(complaint).objects.filter(pk=complaint.pk).update(escalated_at=timezone.now())
    complaint.refresh_from_db()
    reopened = check_change_status(
        complaint, Status.REOPENED, author=agent, text="Refund never came"
    )
    assert reopened.escalated_at is None
    assert reopened.due_at > timezone.now() + timedelta(hours=7)
