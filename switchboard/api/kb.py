"""/api/kb: search published articles, read them, write drafts, publish, give feedback.

Writes go through switchboard.kb.actions, reads through switchboard.kb.access.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from switchboard.acd.models import Queue
from switchboard.api.contacts import ERRORS, INPUT_ERRORS, ErrorOut
from switchboard.calls.access import get_call_for_user
from switchboard.kb.access import articles_for_user, get_article_for_user
from switchboard.kb.actions import (
    ArticleData,
    check_publish_latest,
    check_save_draft,
    do_record_feedback,
)
from switchboard.kb.models import ArticleStatus, Category, Language
from switchboard.kb.search import search_articles
from switchboard.kb.suggest import suggest_for_call

router = Router(tags=["knowledge base"])


class ArticleOut(Schema):
    id: int
    language: Language
    category: str | None
    title: str
    body: str = Field(description="Markdown of the published version.")
    html: str = Field(description="The body rendered and sanitized.")
    tags: str
    reasons: list[str]
    queues: list[str]
    status: ArticleStatus
    published_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_category(obj) -> str | None:
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_reasons(obj) -> list[str]:
        return obj.reason_list

    @staticmethod
    def resolve_queues(obj) -> list[str]:
        return [q.code for q in obj.queues.all()]


class HitOut(Schema):
    id: int
    language: Language
    title: str
    score: float
    title_html: str = Field(description="The title, escaped, matches in <mark>.")
    snippet_html: str = Field(description="A piece of the text around the first match.")


class ArticleIn(Schema):
    title: str
    body: str = ""
    language: Language = Language.ENGLISH
    category: str | None = Field(None, description="A category's code.")
    tags: str = ""
    reasons: list[str] = Field(default_factory=list)
    queues: list[str] = Field(default_factory=list, description="Queue codes.")


class VersionOut(Schema):
    article_id: int
    number: int
    title: str
    created_at: datetime
    published_at: datetime | None


class FeedbackIn(Schema):
    helpful: bool
    call_id: UUID | None = None


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


@router.get("/search", response={200: list[HitOut], **INPUT_ERRORS}, summary="Search articles")
def search(
    request,
    q: str,
    language: Language | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """Published articles holding every word of `q` (each as a word start), best first."""
    _require(request, "kb.view_article")
    return [
        {
            "id": h.article.pk,
            "language": h.article.language,
            "title": h.article.title,
            "score": h.score,
            "title_html": str(h.title_html),
            "snippet_html": str(h.snippet_html),
        }
        for h in search_articles(q, language=language, limit=limit)
    ]


@router.get("/suggestions", response={200: list[ArticleOut], **ERRORS}, summary="For a call")
def suggestions(request, call_id: UUID):
    _require(request, "kb.view_article")
    call = get_call_for_user(request.user, call_id)
    return [s.article for s in suggest_for_call(call)]


@router.get("/articles", response={200: list[ArticleOut], **ERRORS}, summary="List articles")
def list_articles(
    request,
    reason: str = "",
    language: Language | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
):
    articles = articles_for_user(request.user).select_related("category").prefetch_related("queues")
    if reason:
        articles = articles.answering(reason)
    if language:
        articles = articles.filter(language=language)
    return list(articles.order_by("title", "id")[offset : offset + limit])


@router.get(
    "/articles/{int:article_id}",
    response={200: ArticleOut, 404: ErrorOut, **ERRORS},
    summary="Read",
)
def get_article(request, article_id: int):
    return get_article_for_user(request.user, article_id)


def _data(payload: ArticleIn) -> ArticleData:
    category = get_object_or_404(Category, code=payload.category) if payload.category else None
    queues = list(Queue.objects.filter(code__in=payload.queues))
    return ArticleData(
        title=payload.title,
        body=payload.body,
        language=payload.language,
        category=category,
        tags=payload.tags,
        reasons=" ".join(payload.reasons),
        queues=queues,
    )


@router.post("/articles", response={201: VersionOut, **INPUT_ERRORS}, summary="Write a draft")
def create_article(request, payload: ArticleIn):
    _require(request, "kb.add_article")
    return Status(201, check_save_draft(None, _data(payload), author=request.user))


@router.put(
    "/articles/{int:article_id}",
    response={200: VersionOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Save a new draft version",
)
def update_article(request, article_id: int, payload: ArticleIn):
    article = get_article_for_user(request.user, article_id, perm="kb.change_article")
    return check_save_draft(article, _data(payload), author=request.user)


@router.post(
    "/articles/{int:article_id}/publish",
    response={200: ArticleOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Publish the latest draft",
)
def publish(request, article_id: int):
    article = get_article_for_user(request.user, article_id, perm="kb.publish_article")
    return check_publish_latest(article, author=request.user)


@router.post(
    "/articles/{int:article_id}/feedback",
    response={201: dict, 404: ErrorOut, **INPUT_ERRORS},
    summary="Did this article help?",
)
def feedback(request, article_id: int, payload: FeedbackIn):
    _require(request, "kb.add_articlefeedback")
    article = get_article_for_user(request.user, article_id)
    call = get_call_for_user(request.user, payload.call_id) if payload.call_id else None
    do_record_feedback(article, user=request.user, helpful=payload.helpful, call=call)
    return Status(201, {"helpful": payload.helpful})
