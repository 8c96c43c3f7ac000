"""Who may read an article: published ones, anyone with kb.view_article; drafts and
archived ones, only those who may change articles."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from switchboard.kb.models import Article


def articles_for_user(user):
    if not user.is_authenticated or not user.has_perm("kb.view_article"):
        raise PermissionDenied
    if user.has_perm("kb.change_article"):
        return Article.objects.all()
    return Article.objects.published()


def get_article_for_user(user, article_id, *, perm: str = "kb.view_article") -> Article:
    if not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied
    try:
        return articles_for_user(user).select_related("category").get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
