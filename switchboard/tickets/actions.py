"""Operations on tickets. Views, the desk panel, the API and `escalate_tickets` call these;
nothing else saves a ticket.

`check_*` validates raw input and raises ValidationError naming the field; `do_*` opens
the transaction, writes the ticket and its history, and sends messages after commit.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from switchboard.acd import floor
from switchboard.calls.models import Call
from switchboard.contacts.actions import do_add_activity
from switchboard.contacts.models import ActivityKind, Contact
from switchboard.core.sla import WorkingHours, add_working_time, is_open
from switchboard.tickets.models import (
    Category,
    Department,
    EventKind,
    Notification,
    Severity,
    SlaPolicy,
    Status,
    Ticket,
    TicketEvent,
    TicketKind,
)

MAX_TEXT = 10_000


@dataclass
class TicketData:
    """What a form, the desk panel or an API call says about a new ticket."""

    category: str
    subject: str
    kind: str = TicketKind.COMPLAINT
    severity: str = Severity.NORMAL
    description: str = ""
    orders: list[str] = field(default_factory=list)
    demand: str = ""
    contact: Contact | None = None
    call: Call | None = None


def check_ticket_data(data: TicketData) -> TicketData:
    errors: dict[str, list[str]] = {}
    data.subject = (data.subject or "").strip()
    data.description = (data.description or "").strip()
    data.demand = (data.demand or "").strip()
    if not data.subject:
        errors["subject"] = [_("Say in a few words what the ticket is about.")]
    elif len(data.subject) > 200:
        errors["subject"] = [_("At most %(limit)d characters.") % {"limit": 200}]
    for name in ("description", "demand"):
        if len(getattr(data, name)) > MAX_TEXT:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": MAX_TEXT}]
    if data.kind not in TicketKind.values:
        errors["kind"] = [_("Choose complaint or claim.")]
    if data.category not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if data.severity not in Severity.values:
        errors["severity"] = [_("Choose a severity.")]
    orders = [str(o).strip() for o in data.orders or [] if str(o).strip()]
    if any(len(o) > 50 for o in orders) or len(orders) > 50:
        errors["orders"] = [_("Give at most 50 order numbers of at most 50 characters.")]
    data.orders = list(dict.fromkeys(orders))
    if data.call is not None and data.contact is None:
        data.contact = data.call.contact
    if errors:
        raise ValidationError(errors)
    return data


def company_hours() -> WorkingHours:
    """A ticket with no department yet counts calendar time in the company's time zone."""
    return WorkingHours.always(zoneinfo.ZoneInfo(settings.TIME_ZONE))


def hours_of(department: Department | None) -> WorkingHours:
    return department.working_hours() if department is not None else company_hours()


def due_time(ticket: Ticket, start: datetime | None = None) -> datetime:
    """When the ticket must be resolved: its SLA counted in its department's working hours."""
    duration = SlaPolicy.duration_for(ticket.category, ticket.severity)
    return add_working_time(start or ticket.created_at, duration, hours_of(ticket.department))


def _event(ticket, kind, author, text="", **extra) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, author=author, text=text, **extra)


def _timeline(ticket: Ticket, text: str, author) -> None:
    if ticket.contact_id is None:
        return
    data = {"ticket": ticket.pk, "url": reverse("tickets:detail", args=[ticket.pk])}
    if ticket.call_id:
        data["call"] = str(ticket.call_id)
    do_add_activity(ticket.contact, ActivityKind.TICKET, text, author=author, data=data)


def check_create_ticket(data: TicketData, *, author) -> Ticket:
    return do_create_ticket(check_ticket_data(data), author=author)


@transaction.atomic
def do_create_ticket(data: TicketData, *, author) -> Ticket:
    ticket = Ticket.objects.create(
        kind=data.kind,
        category=data.category,
        severity=data.severity,
        subject=data.subject,
        description=data.description,
        orders=data.orders,
        demand=data.demand,
        contact=data.contact,
        call=data.call,
        created_by=author,
    )
    ticket.due_at = due_time(ticket)
    ticket.save(update_fields=["due_at"])
    _event(ticket, EventKind.CREATED, author, to_status=ticket.status)
    if data.call is not None:
        text = _("Ticket #%(id)d opened during the call from %(number)s: %(subject)s") % {
            "id": ticket.pk,
            "number": data.call.caller_number,
            "subject": ticket.subject,
        }
    else:
        text = _("Ticket #%(id)d opened: %(subject)s") % {
            "id": ticket.pk,
            "subject": ticket.subject,
        }
    _timeline(ticket, text, author)
    return ticket


def check_change_status(ticket: Ticket, status: str, *, author, text: str = "") -> Ticket:
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not ticket.can_move_to(status):
        raise ValidationError(
            {
                "status": _("A ticket that is “%(current)s” cannot become “%(next)s”.")
                % {"current": ticket.get_status_display(), "next": Status(status).label}
            }
        )
    if status == Status.RESOLVED and not (text or ticket.resolution).strip():
        raise ValidationError({"resolution": _("Write the resolution told to the customer.")})
    return do_change_status(ticket, status, author=author, text=text)


@transaction.atomic
def do_change_status(ticket: Ticket, status: str, *, author, text: str = "") -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = ticket.status
    ticket.status = status
    fields = ["status", "updated_at"]
    if status == Status.RESOLVED:
        if text.strip():
            ticket.resolution = text.strip()
            fields.append("resolution")
        ticket.resolved_at = timezone.now()
        fields.append("resolved_at")
    elif status == Status.REOPENED:
        # A reopened ticket gets a fresh SLA clock from now, and may escalate again.
        ticket.due_at = due_time(ticket, start=timezone.now())
        ticket.escalated_at = None
        ticket.resolved_at = None
        fields += ["due_at", "escalated_at", "resolved_at"]
    ticket.save(update_fields=fields)
    kind = EventKind.RESOLUTION if status == Status.RESOLVED else EventKind.STATUS
    _event(ticket, kind, author, text=text.strip(), from_status=before, to_status=status)
    if status in (Status.RESOLVED, Status.CLOSED, Status.REOPENED):
        _timeline(
            ticket,
            _("Ticket #%(id)d is now “%(status)s”.")
            % {"id": ticket.pk, "status": Status(status).label}
            + (f"\n{ticket.resolution}" if status == Status.RESOLVED else ""),
            author,
        )
    return ticket


def check_resolve_on_call(ticket: Ticket, resolution: str, *, author) -> Ticket:
    """Solved while the caller is on the line: the resolution is what they were told."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Write the resolution told to the customer.")})
    if len(resolution) > MAX_TEXT:
        raise ValidationError(
            {"resolution": _("At most %(limit)d characters.") % {"limit": MAX_TEXT}}
        )
    if not ticket.can_move_to(Status.RESOLVED):
        raise ValidationError({"status": _("This ticket cannot be resolved now.")})
    ticket = do_change_status(ticket, Status.RESOLVED, author=author, text=resolution)
    Ticket.objects.filter(pk=ticket.pk).update(solved_on_call=ticket.call_id is not None)
    ticket.solved_on_call = ticket.call_id is not None
    return ticket


def check_add_note(ticket: Ticket, text: str, *, author) -> TicketEvent:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most %(limit)d characters.") % {"limit": MAX_TEXT}})
    return _event(ticket, EventKind.NOTE, author, text=text)


def check_assign(ticket: Ticket, assignee, *, author) -> Ticket:
    if assignee is not None:
        if ticket.department_id is None:
            raise ValidationError({"assignee": _("Forward the ticket to a department first.")})
        if not ticket.department.members.filter(pk=assignee.pk).exists():
            raise ValidationError(
                {"assignee": _("%(name)s is not a member of the department.") % {"name": assignee}}
            )
    return do_assign(ticket, assignee, author=author)


@transaction.atomic
def do_assign(ticket: Ticket, assignee, *, author) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee, updated_at=timezone.now())
    ticket.assignee = assignee
    _event(
        ticket,
        EventKind.ASSIGNED,
        author,
        text=assignee.display_name if assignee else "",
        data={"assignee": assignee.pk if assignee else None},
    )
    return ticket


@dataclass
class Forwarded:
    ticket: Ticket
    transferred: bool  # the live call was sent to the department's queue
    reason: str = ""  # why not, when it was not


def check_forward_ticket(
    ticket: Ticket, department: Department, *, author, assignee=None
) -> Forwarded:
    if ticket.is_finished:
        raise ValidationError({"department": _("A resolved or closed ticket is not forwarded.")})
    if assignee is not None and not department.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("%(name)s is not a member of the department.") % {"name": assignee}}
        )
    return do_forward_ticket(ticket, department, author=author, assignee=assignee)


def _transfer_refusal(ticket: Ticket, department: Department, now) -> str:
    if ticket.call_id is None:
        return _("The ticket was not opened on a call.")
    if not ticket.call.is_open:
        return _("The call has ended.")
    if department.queue_id is None:
        return _("The department has no queue for calls.")
    if not is_open(now, department.working_hours()):
        return _("The department is closed now.")
    return ""


@transaction.atomic
def do_forward_ticket(
    ticket: Ticket, department: Department, *, author, assignee=None
) -> Forwarded:
    """Give the ticket to the department; if it is open and the caller is still on the line,
    transfer the call to the department's queue, the ticket attached through its call."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("call").get(pk=ticket.pk)
    department = (
        Department.objects.prefetch_related("periods").select_related("queue").get(pk=department.pk)
    )
    now = timezone.now()
    ticket.department = department
    ticket.assignee = assignee
    ticket.forwarded_at = now
    if ticket.escalated_at is None:
        ticket.due_at = due_time(ticket)
    ticket.save(update_fields=["department", "assignee", "forwarded_at", "due_at", "updated_at"])
    _event(
        ticket,
        EventKind.FORWARDED,
        author,
        text=department.name,
        data={"department": department.code},
    )
    refusal = _transfer_refusal(ticket, department, now)
    if not refusal:
        call_id, queue = str(ticket.call_id), department.queue.code
        user_id = author.pk if author else 0
        message = floor.command(floor.Command.TRANSFER, user_id=user_id, call=call_id, queue=queue)
        transaction.on_commit(
            lambda: async_to_sync(get_channel_layer().send)(floor.ENGINE_CHANNEL, message)
        )
        _event(
            ticket,
            EventKind.TRANSFERRED,
            author,
            text=queue,
            data={"call": call_id, "queue": queue},
        )
    _timeline(
        ticket,
        _("Ticket #%(id)d forwarded to %(department)s.")
        % {"id": ticket.pk, "department": department.name},
        author,
    )
    return Forwarded(ticket=ticket, transferred=not refusal, reason=refusal)


def do_escalate_overdue(now: datetime | None = None) -> list[Ticket]:
    """Mark every unfinished ticket past its due time escalated, once, and tell the
    department's escalation contact. Safe to run from many processes at once."""
    now = now or timezone.now()
    candidates = list(
        Ticket.objects.open()
        .filter(escalated_at__isnull=True, due_at__lt=now)
        .select_related("department__escalation_contact")
        .order_by("due_at")[:500]
    )
    escalated = []
    for ticket in candidates:
        with transaction.atomic():
            # The conditional update is the lock: only one process wins each ticket.
            won = Ticket.objects.filter(pk=ticket.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not won:
                continue
            ticket.escalated_at = now
            text = _("Ticket #%(id)d “%(subject)s” passed its due time.") % {
                "id": ticket.pk,
                "subject": ticket.subject,
            }
            _event(ticket, EventKind.ESCALATED, None, text=text)
            contact = ticket.department.escalation_contact if ticket.department_id else None
            if contact is not None:
                Notification.objects.create(recipient=contact, ticket=ticket, text=text)
            escalated.append(ticket)
    return escalated
