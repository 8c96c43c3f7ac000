"""Knowledge-base pages: search, read, write and publish articles, repeated questions."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from switchboard.calls.models import Call
from switchboard.kb.access import get_article_for_user
from switchboard.kb.actions import check_publish_latest, check_save_draft
from switchboard.kb.forms import ArticleForm, SearchForm
from switchboard.kb.models import Article, ArticleFeedback
from switchboard.kb.search import search_articles


def _search(params):
    form = SearchForm(params or None)
    hits = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        hits = search_articles(
            form.cleaned_data["q"], language=form.cleaned_data["language"] or None
        )
    return form, hits


@login_required
def article_search(request):
    if not request.user.has_perm("kb.view_article"):
        raise PermissionDenied
    form, hits = _search(request.GET)
    context = {"form": form, "hits": hits, "searched": bool(request.GET.get("q", "").strip())}
    if request.htmx:
        return render(request, "kb/partials/hits.html", context)
    if request.user.has_perm("kb.change_article"):
        context["drafts"] = Article.objects.exclude(status="published").order_by("-updated_at")[:20]
    return render(request, "kb/search.html", context)


@login_required
def article_detail(request, article_id):
    article = get_article_for_user(request.user, article_id)
    votes = article.feedback.aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    context = {
        "article": article,
        "votes": votes,
        "versions": article.versions.select_related("author")[:20]
        if request.user.has_perm("kb.change_article")
        else [],
        "draft": article.versions.filter(published_at__isnull=True).order_by("-number").first(),
    }
    return render(request, "kb/detail.html", context)


@login_required
def article_edit(request, article_id=None):
    perm = "kb.change_article" if article_id else "kb.add_article"
    if not request.user.has_perm(perm):
        raise PermissionDenied
    article = get_article_for_user(request.user, article_id, perm=perm) if article_id else None
    if request.method == "POST":
        form = ArticleForm(request.POST)
    elif article:
        latest = article.versions.order_by("-number").first()
        form = ArticleForm.for_article(article, latest)
    else:
        form = ArticleForm(initial={"reasons": request.GET.get("reasons", "")})
    if request.method == "POST" and form.is_valid():
        try:
            version = check_save_draft(article, form.article_data(), author=request.user)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            if request.POST.get("publish") and request.user.has_perm("kb.publish_article"):
                check_publish_latest(version.article, author=request.user)
                messages.success(request, _("Article published."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect("kb:detail", version.article_id)
    return render(request, "kb/form.html", {"form": form, "article": article})


@login_required
@require_POST
def article_publish(request, article_id):
    article = get_article_for_user(request.user, article_id, perm="kb.publish_article")
    try:
        check_publish_latest(article, author=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Article published."))
    return redirect("kb:detail", article.pk)


def repeated_questions_context(days: int):
    since = timezone.now() - timedelta(days=days)
    calls = Call.objects.filter(arrived_at__gte=since)
    reasons = list(
        calls.exclude(reason="")
        .values("reason")
        .annotate(calls=Count("id"))
        .order_by("-calls")[:20]
    )
    dispositions = list(
        calls.filter(disposition__isnull=False)
        .values("disposition__code", "disposition__name_en", "disposition__name_bn")
        .annotate(calls=Count("id"))
        .order_by("-calls")[:20]
    )
    codes = {r["reason"].lower() for r in reasons} | {
        d["disposition__code"].lower() for d in dispositions
    }
    answers: dict[str, list[Article]] = {}
    if codes:
        condition = Q()
        for code in codes:
            condition |= Q(reasons__contains=f" {code} ")
        for article in Article.objects.published().filter(condition).order_by("title")[:500]:
            for code in set(article.reason_list) & codes:
                answers.setdefault(code, []).append(article)
    for row in reasons:
        row["articles"] = answers.get(row["reason"].lower(), [])[:3]
        row["code"] = row["reason"].lower()
    for row in dispositions:
        row["articles"] = answers.get(row["disposition__code"].lower(), [])[:3]
        row["code"] = row["disposition__code"].lower()
    return {"days": days, "reasons": reasons, "dispositions": dispositions}


@login_required
def repeated_questions(request):
    if not request.user.has_perm("kb.view_article"):
        raise PermissionDenied
    try:
        days = min(365, max(1, int(request.GET.get("days", 7))))
    except ValueError:
        days = 7
    context = repeated_questions_context(days)
    context["can_write"] = request.user.has_perm("kb.add_article")
    context["total_feedback"] = ArticleFeedback.objects.filter(
        created_at__gte=timezone.now() - timedelta(days=days)
    ).count()
    return render(request, "kb/repeated.html", context)
