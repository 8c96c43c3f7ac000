"""Suggested answers for a call: the articles most relevant to its queue, its IVR reason
and the caller's recent tickets, in the caller's language first."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from switchboard.kb.models import Article
from switchboard.kb.search import search_articles

RECENT_TICKET_DAYS = 90
# How much each kind of evidence counts.
REASON, QUEUE, TICKET_CATEGORY, TICKET_TEXT, LANGUAGE = 4.0, 2.0, 2.0, 1.5, 0.5


@dataclass
class Suggestion:
    article: Article
    score: float
    why: list[str]  # evidence codes: "reason", "queue", "ticket", "language"


def recent_tickets(call, limit: int = 5):
    from switchboard.tickets.models import Ticket

    if call.contact_id is None:
        return []
    since = timezone.now() - timedelta(days=RECENT_TICKET_DAYS)
    return list(
        Ticket.objects.filter(contact_id=call.contact_id, created_at__gte=since)
        .order_by("-created_at")
        .only("id", "category", "subject")[:limit]
    )


def suggest_for_call(call, limit: int = 5) -> list[Suggestion]:
    reason = (call.reason or "").strip().lower()
    tickets = recent_tickets(call)
    categories = {t.category for t in tickets}
    condition = Q()
    if reason:
        condition |= Q(reasons__contains=f" {reason} ")
    if call.queue_id:
        condition |= Q(queues=call.queue_id)
    for category in categories:
        condition |= Q(reasons__contains=f" {category} ")
    scores: dict[int, Suggestion] = {}

    def add(article, points, why):
        entry = scores.setdefault(article.pk, Suggestion(article, 0.0, []))
        entry.score += points
        if why not in entry.why:
            entry.why.append(why)

    if condition:
        candidates = (
            Article.objects.published()
            .filter(condition)
            .distinct()
            .prefetch_related("queues")
            .order_by("-published_at")[:200]
        )
        for article in candidates:
            codes = set(article.reason_list)
            if reason and reason in codes:
                add(article, REASON, "reason")
            if call.queue_id and any(q.pk == call.queue_id for q in article.queues.all()):
                add(article, QUEUE, "queue")
            if codes & categories:
                add(article, TICKET_CATEGORY, "ticket")
    for ticket in tickets[:3]:
        for hit in search_articles(ticket.subject, limit=3, any_word=True):
            add(hit.article, TICKET_TEXT, "ticket")
    if call.language:
        for entry in scores.values():
            if entry.article.language == call.language:
                entry.score += LANGUAGE
    ranked = sorted(scores.values(), key=lambda s: (-s.score, s.article.title))
    return ranked[:limit]
