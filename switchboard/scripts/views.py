"""Scripts on the desk (step by step, per call), the scripts list, and adherence per operator."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from switchboard.calls.access import get_call_for_user
from switchboard.scripts import flow
from switchboard.scripts.actions import (
    check_close_run,
    check_record_step,
    do_start_run,
    script_for_call,
)
from switchboard.scripts.models import Script, ScriptRun


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def get_run_for_user(user, run_id) -> ScriptRun:
    """A run, for the operator who made it or anyone who may see adherence."""
    try:
        run = ScriptRun.objects.select_related("script", "call__contact", "call__queue").get(
            pk=run_id
        )
    except (ScriptRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if run.agent_id != user.pk and not user.has_perm("scripts.view_adherence"):
        raise PermissionDenied
    return run


def panel_context(request, run, *, errors=None, call=None):
    if run is None:
        return {"run": None, "call": call}
    steps = list(run.script.steps.all())
    by_key = {s.key: s for s in steps}
    values = flow.placeholders_for(call=run.call, agent=request.user)
    current = by_key.get(run.current_key)
    result = flow.adherence(steps, run.answers, run.done)
    return {
        "run": run,
        "call": run.call,
        "step": current,
        "text": flow.fill(current.text, values) if current else "",
        "history": [
            {
                "key": k,
                "text": flow.fill(by_key[k].text, values),
                "answer": run.answers.get(k, ""),
                "done": k in run.done,
                "skipped": k in run.skipped,
            }
            for k in run.path
            if k in by_key and k != run.current_key
        ],
        "missing": [by_key[k] for k in result.missing if k in by_key],
        "errors": errors or [],
    }


def _render(request, run, **kwargs):
    return render(request, "scripts/partials/panel.html", panel_context(request, run, **kwargs))


@login_required
def panel(request):
    _require(request, "scripts.view_script")
    call_id = request.GET.get("call") or ""
    if not call_id:
        return _render(request, None)
    call = get_call_for_user(request.user, call_id)
    script = script_for_call(call)
    if script is None:
        return _render(request, None, call=call)
    return _render(request, do_start_run(script, agent=request.user, call=call))


@login_required
@require_POST
def panel_step(request, run_id):
    _require(request, "scripts.change_scriptrun")
    run = get_run_for_user(request.user, run_id)
    try:
        run = check_record_step(
            run,
            request.POST.get("step", ""),
            answer=request.POST.get("answer", ""),
            skip=request.POST.get("skip") == "1",
        )
    except ValidationError as exc:
        return _render(request, run, errors=exc.messages)
    return _render(request, run)


@login_required
@require_POST
def panel_close(request, run_id):
    _require(request, "scripts.change_scriptrun")
    run = get_run_for_user(request.user, run_id)
    try:
        run = check_close_run(run, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        return _render(request, run, errors=exc.messages)
    return _render(request, run)


@login_required
def script_list(request):
    _require(request, "scripts.view_script")
    scripts = Script.objects.select_related("queue").prefetch_related("steps")
    return render(request, "scripts/list.html", {"scripts": scripts})


@login_required
def adherence(request):
    _require(request, "scripts.view_adherence")
    try:
        days = min(365, max(1, int(request.GET.get("days", 7))))
    except ValueError:
        days = 7
    since = timezone.now() - timedelta(days=days)
    rows = (
        ScriptRun.objects.filter(finished_at__gte=since)
        .values("agent__username", "agent__first_name", "agent__last_name")
        .annotate(
            runs=Count("id"),
            required=Sum("required_total"),
            done=Sum("required_done"),
            with_skips=Count("id", filter=Q(required_done__lt=F("required_total"))),
        )
        .order_by("agent__username")
    )
    table = []
    for row in rows:
        required = row["required"] or 0
        row["percent"] = round(100 * row["done"] / required) if required else 100
        table.append(row)
    recent_skips = (
        ScriptRun.objects.filter(finished_at__gte=since, required_done__lt=F("required_total"))
        .select_related("agent", "script")
        .order_by("-finished_at")[:30]
    )
    return render(
        request,
        "scripts/adherence.html",
        {"days": days, "rows": table, "recent_skips": recent_skips},
    )
