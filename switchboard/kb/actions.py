"""Operations on articles: write drafts, publish them, record operators' feedback."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from switchboard.kb.models import (
    Article,
    ArticleFeedback,
    ArticleStatus,
    ArticleVersion,
    Category,
    Language,
)
from switchboard.kb.rendering import plain_text, render_markdown

MAX_BODY = 100_000


@dataclass
class ArticleData:
    title: str
    body: str
    language: str = Language.ENGLISH
    category: Category | None = None
    tags: str = ""
    reasons: str = ""
    queues: list | None = None  # acd.Queue objects; None leaves them as they are


def check_article_data(data: ArticleData) -> ArticleData:
    errors: dict[str, list[str]] = {}
    data.title = (data.title or "").strip()
    data.body = (data.body or "").strip()
    if not data.title:
        errors["title"] = [_("An article needs a title.")]
    elif len(data.title) > 200:
        errors["title"] = [_("At most %(limit)d characters.") % {"limit": 200}]
    if len(data.body) > MAX_BODY:
        errors["body"] = [_("At most %(limit)d characters.") % {"limit": MAX_BODY}]
    if data.language not in Language.values:
        errors["language"] = [_("Choose Bengali or English.")]
    for name in ("tags", "reasons"):
        if len(getattr(data, name) or "") > 300:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": 300}]
    if errors:
        raise ValidationError(errors)
    return data


def _apply(article: Article, data: ArticleData) -> None:
    article.language = data.language
    article.category = data.category
    article.tags = data.tags or ""
    article.reasons = data.reasons or ""


@transaction.atomic
def do_save_draft(article: Article | None, data: ArticleData, *, author) -> ArticleVersion:
    """Save the text as a new draft version; the published text does not change.

    Classification (language, category, tags, reasons, queues) applies at once: it says
    what the article is about, not what it says."""
    if article is None:
        article = Article(title=data.title, body=data.body, created_by=author)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == ArticleStatus.DRAFT:
        article.title, article.body = data.title, data.body  # the admin list shows something
    _apply(article, data)
    article.save()
    if data.queues is not None:
        article.queues.set(data.queues)
    number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ArticleVersion.objects.create(
        article=article, number=number, title=data.title, body=data.body, author=author
    )


def check_save_draft(article: Article | None, data: ArticleData, *, author) -> ArticleVersion:
    return do_save_draft(article, check_article_data(data), author=author)


@transaction.atomic
def do_publish(version: ArticleVersion, *, author=None) -> Article:
    """Make this version what operators read and search."""
    article = Article.objects.select_for_update().get(pk=version.article_id)
    now = timezone.now()
    article.title, article.body = version.title, version.body
    article.html = render_markdown(version.body)
    article.plain = plain_text(article.html)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.save()
    ArticleVersion.objects.filter(pk=version.pk).update(published_at=now)
    return article


def check_publish_latest(article: Article, *, author=None) -> Article:
    version = article.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(_("There is no version to publish."))
    if not version.is_draft and article.is_published:
        raise ValidationError(_("The latest version is already published."))
    return do_publish(version, author=author)


def do_archive(article: Article) -> Article:
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.ARCHIVED)
    article.status = ArticleStatus.ARCHIVED
    return article


def do_record_feedback(article: Article, *, user, helpful: bool, call=None) -> ArticleFeedback:
    """One answer per operator, article and call; answering again changes it."""
    feedback, _ = ArticleFeedback.objects.update_or_create(
        article=article, user=user, call=call, defaults={"helpful": helpful}
    )
    return feedback
