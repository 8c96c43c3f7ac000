"""The desk's "Tickets" panel: the ticket attached to this call, the caller's open tickets,
and opening, solving or forwarding a ticket without leaving the call."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from switchboard.calls.access import get_call_for_user
from switchboard.tickets.access import get_ticket_for_user, tickets_for_user
from switchboard.tickets.actions import (
    check_create_ticket,
    check_forward_ticket,
    check_resolve_on_call,
)
from switchboard.tickets.forms import ForwardForm, ResolveForm, TicketForm
from switchboard.tickets.models import FINISHED, Ticket


def _call(request, source):
    call_id = source.get("call") or ""
    return get_call_for_user(request.user, call_id) if call_id else None


def panel_context(request, call, *, form=None, notice="", errors=None):
    user = request.user
    context = {"call": call, "notice": notice, "errors": errors or [], "now": timezone.now()}
    if call is None:
        context["mine"] = (
            tickets_for_user(user)
            .exclude(status__in=FINISHED)
            .filter(department__members=user)
            .select_related("department")
            .order_by("due_at")[:5]
        )
        return context
    # Tickets attached to this call are shown to whoever holds the call now, even a
    # department member who would not otherwise see a ticket opened by the front line.
    attached = list(Ticket.objects.filter(call=call).select_related("department"))
    others = []
    if call.contact_id:
        others = list(
            tickets_for_user(user)
            .filter(contact_id=call.contact_id)
            .exclude(call=call)
            .exclude(status__in=FINISHED)
            .select_related("department")
            .order_by("-created_at")[:5]
        )
    context.update(
        attached=attached,
        others=others,
        form=form or TicketForm(initial={"kind": "complaint"}),
        resolve_form=ResolveForm(),
        forward_form=ForwardForm(),
        can_add=user.has_perm("tickets.add_ticket"),
    )
    return context


def _render(request, call, **kwargs):
    return render(request, "tickets/partials/panel.html", panel_context(request, call, **kwargs))


@login_required
def panel(request):
    if not request.user.has_perm("tickets.view_ticket"):
        raise PermissionDenied
    return _render(request, _call(request, request.GET))


@login_required
@require_POST
def panel_create(request):
    if not request.user.has_perm("tickets.add_ticket"):
        raise PermissionDenied
    call = _call(request, request.POST)
    if call is None:
        raise PermissionDenied
    form = TicketForm(request.POST)
    if form.is_valid():
        try:
            ticket = check_create_ticket(
                form.ticket_data(contact=call.contact, call=call), author=request.user
            )
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            notice = _("Ticket #%(id)d opened.") % {"id": ticket.pk}
            return _render(request, call, notice=notice)
    return _render(request, call, form=form)


def _attached_ticket(request, ticket_id):
    call = _call(request, request.POST)
    if call is None:
        raise PermissionDenied
    try:
        ticket = Ticket.objects.select_related("call", "department").get(pk=ticket_id, call=call)
    except Ticket.DoesNotExist:
        # Not attached to this call: the usual rules decide.
        ticket = get_ticket_for_user(request.user, ticket_id, perm="tickets.change_ticket")
    if not request.user.has_perm("tickets.change_ticket"):
        raise PermissionDenied
    return call, ticket


@login_required
@require_POST
def panel_resolve(request, ticket_id):
    call, ticket = _attached_ticket(request, ticket_id)
    try:
        check_resolve_on_call(ticket, request.POST.get("resolution", ""), author=request.user)
    except ValidationError as exc:
        return _render(request, call, errors=exc.messages)
    return _render(request, call, notice=_("Ticket #%(id)d resolved.") % {"id": ticket.pk})


@login_required
@require_POST
def panel_forward(request, ticket_id):
    call, ticket = _attached_ticket(request, ticket_id)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        return _render(request, call, errors=[e for errs in form.errors.values() for e in errs])
    try:
        result = check_forward_ticket(
            ticket,
            form.cleaned_data["department"],
            author=request.user,
            assignee=form.cleaned_data["assignee"],
        )
    except ValidationError as exc:
        return _render(request, call, errors=exc.messages)
    if result.transferred:
        notice = _("Ticket #%(id)d forwarded; the call is being transferred to %(department)s.")
    else:
        notice = _("Ticket #%(id)d forwarded to %(department)s.") + " " + result.reason
    return _render(
        request,
        call,
        notice=notice % {"id": ticket.pk, "department": result.ticket.department.name},
    )
