"""The knowledge base: articles in Bengali and English, their versions, and operators' feedback.

An Article is the published face of a piece of knowledge: its title, body and rendered
HTML are those of the version last published, and only published articles are searched.
Editing writes a new ArticleVersion (a draft) until someone publishes it.
"""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from switchboard.bilingual import BilingualName

_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def normalize_codes(text: str) -> str:
    """'Orders, complaints' -> ' orders complaints ': padded so `contains(' orders ')`
    finds a whole code and never a part of a longer one."""
    codes = [c.strip().lower() for c in _CODE_SEPARATORS.split(text or "") if c.strip()]
    return f" {' '.join(dict.fromkeys(codes))} " if codes else ""


class Language(models.TextChoices):
    BENGALI = "bn", _("Bengali")
    ENGLISH = "en", _("English")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (never published)")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Category(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)

    def answering(self, code: str):
        """Articles that answer this call reason, IVR choice or disposition code."""
        return self.filter(reasons__contains=f" {code.strip().lower()} ")


class Article(models.Model):
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    # Both derived from `body` when a version is published: the sanitized HTML the pages
    # show, and its text without markup, which search reads.
    html = models.TextField(editable=False, blank=True)
    plain = models.TextField(editable=False, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Comma-separated."))
    reasons = models.CharField(
        _("answers call reasons"),
        max_length=300,
        blank=True,
        help_text=_("IVR reasons or disposition codes it answers, e.g. “orders, complaints”."),
    )
    queues = models.ManyToManyField(
        "acd.Queue", blank=True, related_name="articles", verbose_name=_("answers calls of queues")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish articles"))]
        indexes = [models.Index(fields=["status", "language"], name="article_status_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.reasons = normalize_codes(self.reasons)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "reasons"}
        super().save(*args, **kwargs)

    @property
    def reason_list(self) -> list[str]:
        return self.reasons.split()

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class ArticleFeedback(models.Model):
    """“Did this article help?”, asked of the operator after a call."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful = models.BooleanField(_("helped"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user", "call"], name="feedback_once_per_call"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"
