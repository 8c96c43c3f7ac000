"""Who may see a ticket and its internal notes: the one place that decides."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from switchboard.tickets.models import Ticket


def tickets_for_user(user):
    """An agent sees their departments' tickets, the ones they opened and the ones assigned
    to them; holders of tickets.view_all_tickets (supervisors) see every ticket."""
    if not user.is_authenticated or not user.has_perm("tickets.view_ticket"):
        raise PermissionDenied
    tickets = Ticket.objects.all()
    if user.has_perm("tickets.view_all_tickets"):
        return tickets
    return tickets.filter(
        Q(department__members=user) | Q(created_by=user) | Q(assignee=user)
    ).distinct()


def get_ticket_for_user(user, ticket_id, *, perm: str = "tickets.view_ticket") -> Ticket:
    if not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied
    try:
        ticket = Ticket.objects.select_related(
            "department", "assignee", "created_by", "contact", "call"
        ).get(pk=ticket_id)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not tickets_for_user(user).filter(pk=ticket.pk).exists():
        raise PermissionDenied
    return ticket


def is_department_member(user, ticket: Ticket) -> bool:
    return (
        ticket.department_id is not None and ticket.department.members.filter(pk=user.pk).exists()
    )


def can_read_internal_notes(user, ticket: Ticket) -> bool:
    """The department working the ticket reads its notes; the front-line agent who only
    opened it does not, unless they hold tickets.view_internal_notes."""
    return user.has_perm("tickets.view_internal_notes") or is_department_member(user, ticket)


def visible_events(user, ticket: Ticket):
    """The ticket's history as `user` may read it: internal notes of others are left out."""
    events = ticket.events.select_related("author")
    if can_read_internal_notes(user, ticket):
        return events
    return events.exclude(Q(kind="note") & ~Q(author=user))
