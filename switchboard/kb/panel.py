"""The desk's "Knowledge base" panel: suggested answers for the call, search as you type,
and "did this help?" after reading."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from switchboard.calls.access import get_call_for_user
from switchboard.kb.access import get_article_for_user
from switchboard.kb.actions import do_record_feedback
from switchboard.kb.search import search_articles
from switchboard.kb.suggest import suggest_for_call


def _call(request, source):
    call_id = source.get("call") or ""
    return get_call_for_user(request.user, call_id) if call_id else None


def _require(request):
    if not request.user.has_perm("kb.view_article"):
        raise PermissionDenied


@login_required
def panel(request):
    _require(request)
    call = _call(request, request.GET)
    suggestions = suggest_for_call(call) if call else []
    return render(request, "kb/partials/panel.html", {"call": call, "suggestions": suggestions})


@login_required
def panel_search(request):
    _require(request)
    call = _call(request, request.GET)
    hits = search_articles(request.GET.get("q", ""), limit=8)
    context = {"hits": hits, "call": call, "searched": bool(request.GET.get("q", "").strip())}
    return render(request, "kb/partials/panel_hits.html", context)


@login_required
def panel_article(request, article_id):
    """An article read inside the desk, with the feedback buttons."""
    article = get_article_for_user(request.user, article_id)
    call = _call(request, request.GET)
    return render(request, "kb/partials/panel_article.html", {"article": article, "call": call})


@login_required
@require_POST
def feedback(request, article_id):
    article = get_article_for_user(request.user, article_id)
    call = _call(request, request.POST)
    helpful = request.POST.get("helpful") == "yes"
    do_record_feedback(article, user=request.user, helpful=helpful, call=call)
    return render(
        request, "kb/partials/feedback_saved.html", {"article": article, "helpful": helpful}
    )
