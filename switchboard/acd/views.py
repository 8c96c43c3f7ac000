from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from switchboard.acd import floor
from switchboard.acd.models import AgentProfile, AgentStatus, BreakReason, Disposition, Queue
from switchboard.acd.panels import panels_for
from switchboard.calls.access import get_call_for_user
from switchboard.calls.models import Call, MonitorEnd, Outcome
from switchboard.contacts.actions import check_create_contact
from switchboard.contacts.forms import ContactForm
from switchboard.contacts.models import Activity


def _labels():
    """Words the pages' scripts show, translated here so the scripts hold none."""
    from switchboard.acd.models import AgentState

    return {
        "states": dict(AgentState.choices),
        "call_states": {
            "ivr": _("In the menu"),
            "waiting": _("Waiting"),
            "ringing": _("Ringing"),
            "talking": _("Talking"),
            "held": _("On hold"),
            "dialing": _("Calling…"),
            "ended": _("Ended"),
        },
        "outcomes": {
            "answered": _("Answered"),
            "busy": _("Busy"),
            "no_answer": _("No answer"),
            "failed": _("Failed"),
            "cancelled": _("Cancelled before the answer"),
            "transferred": _("Transferred"),
        },
        "calling": _("Calling"),
        "call_ended": _("Call ended:"),
        "care": {
            "micro_break": _("Time for a short break: no calls will reach you until it ends."),
            "cool_down": _("A quiet moment after a hard call: no new calls until it ends."),
            "missed_offers": _(
                "You missed calls in a row, so you were set not ready. Go available when you are back."
            ),
            "break_due": _("You have been on calls for a long time: a break is due."),
        },
        "until": _("until"),
        "connected": _("Live"),
        "disconnected": _("Reconnecting…"),
        "hold": _("Hold"),
        "resume": _("Resume"),
        "listen_ringing": _("Ringing your phone…"),
        "monitoring": {
            "listen": _("Listening"),
            "whisper": _("Whispering to the agent"),
            "barge": _("In the call with both"),
        },
        "listen_ended": dict(MonitorEnd.choices),
    }


@login_required
@permission_required("acd.use_desk", raise_exception=True)
def desk(request):
    profile = AgentProfile.objects.filter(user=request.user).select_related("status").first()
    context = {
        "profile": profile,
        "status": getattr(profile, "status", None) if profile else None,
        "break_reasons": BreakReason.objects.all(),
        "queues": Queue.objects.all(),
        "labels": _labels(),
        "panels": panels_for(request.user),
    }
    return render(request, "acd/desk.html", context)


@login_required
def screen_pop(request, call_id):
    """The caller's card, found by caller ID, shown the moment the call is offered."""
    call = get_call_for_user(request.user, call_id)
    return render(request, "acd/partials/pop.html", _pop_context(call))


def _pop_context(call, form=None):
    contact = call.contact
    context = {"call": call, "contact": contact}
    if contact is None:
        number = call.dialed_number if call.direction == "outbound" else call.caller_number
        context["number"] = number
        context["form"] = form or ContactForm(
            initial={"kind": "person", "phones": number, "recording_consent": True}
        )
        return context
    context.update(
        phones=contact.phones.all(),
        tags=contact.tags.all(),
        recent_calls=Call.objects.filter(contact=contact)
        .exclude(pk=call.pk)
        .select_related("queue", "disposition", "agent")
        .order_by("-arrived_at")[:5],
        recent_activities=Activity.objects.filter(contact=contact)
        .select_related("author")
        .order_by("-created_at", "-id")[:5],
    )
    return context


@login_required
@require_POST
def create_caller_contact(request, call_id):
    """Create the contact of an unknown caller from the desk, and tie the call to it."""
    call = get_call_for_user(request.user, call_id)
    if not request.user.has_perm("contacts.add_contact"):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = check_create_contact(
                form.contact_data(), author=request.user, owner=request.user
            )
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            Call.objects.filter(pk=call.pk, contact__isnull=True).update(contact=contact)
            call.refresh_from_db()
    return render(request, "acd/partials/pop.html", _pop_context(call, form))


@login_required
def disposition_form(request, call_id):
    call = get_call_for_user(request.user, call_id)
    return render(request, "acd/partials/disposition.html", _disposition_context(call))


def _disposition_context(call, error=None, notes=None):
    choices = call.queue.dispositions.all() if call.queue_id else Disposition.objects.none()
    if call.queue_id and not choices:
        choices = Disposition.objects.all()
    return {
        "call": call,
        "dispositions": choices,
        "error": error,
        "notes": call.notes if notes is None else notes,
    }


@login_required
@require_POST
def save_disposition(request, call_id):
    """Record the outcome and notes; then the engine ends the agent's after-call work."""
    from switchboard.calls.actions import check_set_disposition

    call = get_call_for_user(request.user, call_id)
    notes = request.POST.get("notes", "")
    try:
        check_set_disposition(call, request.user, request.POST.get("disposition", ""), notes)
    except ValidationError as exc:
        return render(
            request,
            "acd/partials/disposition.html",
            _disposition_context(call, error=" ".join(exc.messages), notes=notes),
            status=422,
        )
    async_to_sync(get_channel_layer().send)(
        floor.ENGINE_CHANNEL,
        floor.command(floor.Command.FINISH_WRAP_UP, user_id=request.user.pk, call=str(call.pk)),
    )
    call.refresh_from_db()
    return render(request, "acd/partials/disposition_saved.html", {"call": call})


@login_required
@permission_required("acd.use_desk", raise_exception=True)
@require_POST
def originate(request):
    """Click-to-call from a page without the desk's socket (a contact's page): the engine
    dials for the signed-in agent; their desk shows the call."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    from switchboard.acd.dialing import ask_engine_to_originate

    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    contact = request.POST.get("contact") or ""
    mode = request.POST.get("mode") or "agent_first"
    reply = async_to_sync(ask_engine_to_originate)(
        request.user.pk,
        request.POST.get("number") or "",
        int(contact) if contact.isdigit() else None,
        mode if mode in ("agent_first", "customer_first") else "agent_first",
    )
    if reply is None:
        messages.error(request, _("The engine did not answer; try again."))
    elif reply.get("event") != floor.Event.DIALING:
        messages.error(request, reply.get("message") or _("The call was refused."))
    else:
        number = reply["call"]["dialed_number"]
        messages.success(
            request, _("Calling %(number)s: your desk has the call.") % {"number": number}
        )
        return redirect("acd:desk")
    return redirect(back or "acd:desk")


@login_required
@permission_required("acd.view_floor", raise_exception=True)
def floor_view(request):
    return render(request, "acd/floor.html", _floor_context(request))


@login_required
@permission_required("acd.view_floor", raise_exception=True)
def wallboard(request):
    return render(request, "acd/wallboard.html", _floor_context(request))


def _floor_context(request):
    today = timezone.localdate()
    return {
        "queues": Queue.objects.all(),
        "statuses": AgentStatus.objects.select_related("agent__user", "call").order_by(
            "agent__user__username"
        ),
        "open_calls": Call.objects.filter(outcome=Outcome.IN_PROGRESS, arrived_at__date=today)
        .select_related("queue", "agent")
        .order_by("arrived_at")[:200],
        "break_reasons": BreakReason.objects.all(),
        "can_manage": request.user.has_perm("acd.manage_floor"),
        "can_monitor": request.user.has_perm("calls.monitor_call"),
        "labels": _labels(),
    }
