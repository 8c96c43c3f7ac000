"""Finding products by a part of their name, in either script, or by SKU.

A substring search over `Product.search_text` (SKU and both names, case-folded)
answered from a trigram index: FTS5 on SQLite, pg_trgm on PostgreSQL (see
`_search_index`). Texts shorter than a trigram match the start of the SKU or a name.
"""

from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from switchboard.catalog._search_index import SQLITE_FTS
from switchboard.catalog.models import normalize_sku

TRIGRAM = 3
# Up to this many matches are ranked (exact SKU, then names starting with the text, by
# name); ranking reads every match, ~40 ms on PostgreSQL for the 4,000 "cotton"s of
# 50,000 products. Beyond, a word says too little: matches come in catalog order.
RANKED_MATCHES = 500
_MATCH = f"SELECT rowid FROM {SQLITE_FTS} WHERE {SQLITE_FTS} MATCH %s"  # noqa: S608


def search_products(queryset: QuerySet, text: str) -> QuerySet:
    """Products of `queryset` whose SKU or name (English or Bengali) holds every word of
    `text`, in any case. The exact SKU comes first, then names starting with the text,
    then by English name. An empty text filters nothing."""
    text = " ".join((text or "").split())
    if not text:
        return queryset
    folded = text.casefold()
    words = folded.split()
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if long_words:
        base = queryset
        queryset = queryset.filter(_contains_all(queryset.db, long_words))
        for word in words:
            if len(word) < TRIGRAM:
                queryset = queryset.filter(search_text__contains=word)
        ids = list(queryset.order_by().values_list("id", flat=True)[: RANKED_MATCHES + 1])
        if len(ids) > RANKED_MATCHES:
            return queryset.order_by("id")
        queryset = base.filter(id__in=ids)
    else:
        queryset = queryset.filter(
            Q(sku__startswith=normalize_sku(text))
            | Q(name_en__istartswith=text)
            | Q(name_bn__startswith=text)
        )
    rank = Case(
        When(sku=normalize_sku(text), then=Value(0)),
        When(Q(name_en__istartswith=text) | Q(name_bn__startswith=text), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.order_by(rank, "name_en", "id")


def _contains_all(alias: str, words: list[str]) -> Q:
    if connections[alias].vendor == "sqlite":
        # A quoted phrase of the trigram tokenizer matches it as a substring.
        query = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        return Q(id__in=RawSQL(_MATCH, [query]))  # noqa: S611 (the text is a parameter)
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return condition
