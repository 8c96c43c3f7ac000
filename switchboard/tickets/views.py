"""Ticket pages: the department work list, a ticket with its history, and its actions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from switchboard.calls.access import get_call_for_user
from switchboard.contacts.access import get_contact_for_user
from switchboard.tickets.access import (
    can_read_internal_notes,
    get_ticket_for_user,
    tickets_for_user,
    visible_events,
)
from switchboard.tickets.actions import (
    check_add_note,
    check_assign,
    check_change_status,
    check_create_ticket,
    check_forward_ticket,
    do_escalate_overdue,
)
from switchboard.tickets.forms import (
    ForwardForm,
    NoteForm,
    StatusForm,
    TicketForm,
    WorkListFilter,
)
from switchboard.tickets.models import FINISHED, Notification


def work_list_order(tickets, now):
    """Overdue first (most overdue on top), then by due time; tickets without one last."""
    overdue = Case(
        When(Q(due_at__lt=now) & ~Q(status__in=FINISHED), then=Value(0)),
        When(due_at__isnull=True, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return tickets.order_by(overdue, "due_at", "id")


@login_required
def ticket_list(request):
    tickets = tickets_for_user(request.user)
    # The list is where the floor looks: escalate what has passed its due time first.
    do_escalate_overdue()
    form = WorkListFilter(request.GET or None)
    if not request.user.has_perm("tickets.view_all_tickets"):
        form.fields["department"].queryset = request.user.departments.all()
    status, department, mine = "", None, False
    if form.is_valid():
        status = form.cleaned_data["status"]
        department = form.cleaned_data["department"]
        mine = form.cleaned_data["mine"]
    if not status:
        tickets = tickets.exclude(status__in=FINISHED)
    elif status != "all":
        tickets = tickets.filter(status=status)
    if department is not None:
        tickets = tickets.filter(department=department)
    if mine:
        tickets = tickets.filter(assignee=request.user)
    now = timezone.now()
    tickets = work_list_order(tickets.select_related("department", "assignee", "contact"), now)
    page = Paginator(tickets, settings.SWITCHBOARD["PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "now": now,
        "query": query.urlencode(),
        "notifications": Notification.objects.filter(
            recipient=request.user, read_at__isnull=True
        ).select_related("ticket")[:20],
    }
    return render(request, "tickets/list.html", context)


@login_required
@require_POST
def read_notifications(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("tickets:list")


@login_required
def ticket_create(request):
    """A ticket opened from a contact's page (?contact=) or for a call (?call=)."""
    if not request.user.has_perm("tickets.add_ticket"):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    contact = call = None
    if source.get("call"):
        call = get_call_for_user(request.user, source["call"])
        contact = call.contact
    elif source.get("contact"):
        contact = get_contact_for_user(request.user, source["contact"])
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = check_create_ticket(
                form.ticket_data(contact=contact, call=call), author=request.user
            )
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            messages.success(request, _("Ticket #%(id)d opened.") % {"id": ticket.pk})
            return redirect("tickets:detail", ticket.pk)
    return render(request, "tickets/form.html", {"form": form, "contact": contact, "call": call})


def _detail_context(request, ticket, **forms):
    user = request.user
    return {
        "ticket": ticket,
        "now": timezone.now(),
        "events": visible_events(user, ticket),
        "notes_hidden": not can_read_internal_notes(user, ticket),
        "can_change": user.has_perm("tickets.change_ticket"),
        "status_form": forms.get("status_form") or StatusForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "forward_form": forms.get("forward_form")
        or ForwardForm(initial={"department": ticket.department_id}),
        "members": ticket.department.members.all() if ticket.department_id else [],
    }


@login_required
def ticket_detail(request, ticket_id):
    ticket = get_ticket_for_user(request.user, ticket_id)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


def _post_action(request, ticket_id, form_class, form_key, apply):
    """Shared shape of the ticket's POST actions: validate, call the action, redirect."""
    ticket = get_ticket_for_user(request.user, ticket_id, perm="tickets.change_ticket")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = apply(ticket, form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, message)
            return redirect("tickets:detail", ticket.pk)
    context = _detail_context(request, ticket, **{form_key: form})
    return render(request, "tickets/detail.html", context, status=422)


@login_required
@require_POST
def ticket_status(request, ticket_id):
    def apply(ticket, data):
        check_change_status(ticket, data["status"], author=request.user, text=data["text"])
        return _("Status changed.")

    return _post_action(request, ticket_id, StatusForm, "status_form", apply)


@login_required
@require_POST
def ticket_note(request, ticket_id):
    def apply(ticket, data):
        check_add_note(ticket, data["text"], author=request.user)
        return _("Note saved.")

    return _post_action(request, ticket_id, NoteForm, "note_form", apply)


@login_required
@require_POST
def ticket_forward(request, ticket_id):
    def apply(ticket, data):
        result = check_forward_ticket(
            ticket, data["department"], author=request.user, assignee=data["assignee"]
        )
        if result.transferred:
            return _("Forwarded; the call is being transferred to the department.")
        return _("Forwarded to the department.")

    return _post_action(request, ticket_id, ForwardForm, "forward_form", apply)


@login_required
@require_POST
def ticket_assign(request, ticket_id):
    ticket = get_ticket_for_user(request.user, ticket_id, perm="tickets.change_ticket")
    assignee = None
    if request.POST.get("assignee"):
        assignee = (
            ticket.department.members.filter(pk=request.POST["assignee"]).first()
            if (ticket.department_id)
            else None
        )
        if assignee is None:
            messages.error(request, _("Choose a member of the department."))
            return redirect("tickets:detail", ticket.pk)
    try:
        check_assign(ticket, assignee, author=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Assignment saved."))
    return redirect("tickets:detail", ticket.pk)
