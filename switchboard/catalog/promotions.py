"""Which promotions count now, and for whom: the catalog side of pricing.

The rules themselves live in switchboard.core.pricing; this module reads Promotion rows
and turns them into the pricer's rules.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from switchboard.catalog.models import Product, Promotion
from switchboard.core import pricing


def live_promotions(now=None) -> QuerySet:
    """Active promotions whose window holds `now`, with what `to_rule()` reads prefetched."""
    now = now or timezone.now()
    return (
        Promotion.objects.filter(active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .prefetch_related(
            Prefetch("products", queryset=Product.objects.only("id", "sku", "name_en", "name_bn")),
            "categories",
            "segment_tags",
        )
    )


def promotions_for_tags(tags: frozenset[str], now=None) -> list[Promotion]:
    """Live promotions open to a customer with these tags (coded ones included: the
    operator may tell the caller the code)."""
    found = []
    for promotion in live_promotions(now):
        segments = {t.name for t in promotion.segment_tags.all()}
        if not segments or segments & tags:
            found.append(promotion)
    return found


def contact_tags(contact) -> frozenset[str]:
    if contact is None:
        return frozenset()
    return frozenset(t.name for t in contact.tags.all())


def rules(promotions) -> list[pricing.Rule]:
    out = []
    for promotion in promotions:
        try:
            out.append(promotion.to_rule())
        except pricing.InvalidRule:
            # Admin refuses these; a row written around it is left out, not fatal.
            continue
    return out
