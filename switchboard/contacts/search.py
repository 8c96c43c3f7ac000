"""Finding contacts: by name in any script, by phone in any format, by tag, by organization.

Every function takes a Contact queryset (usually `contacts_for_user(user)`) and returns a
narrower one, so the list page, the API and the screen pop share one way of searching.

Name search is a substring search over `Contact.search_name` (display name and
organization, case-folded) answered from a trigram index: FTS5 on SQLite, pg_trgm on
PostgreSQL (see `_search_index`). Texts shorter than a trigram fall back to a prefix
match on `display_name`, which its B-tree index answers.
"""

import contextlib
import json
import re

import phonenumbers
from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from switchboard.contacts._search_index import SQLITE_NAME_FTS, SQLITE_PHONE_FTS
from switchboard.contacts.models import Phone
from switchboard.contacts.phones import InvalidPhone, normalize_phone

TRIGRAM = 3
# A name search ranks up to this many matches (text at the start first, then by name);
# ranking reads every match, ~70 ms (SQLite) to 350 ms (PostgreSQL) for 50,000 of them.
# When there are more they come newest first, which needs only a page of rows.
RANKED_MATCHES = 2000
# Fewer digits than this say too little about a phone to search for it.
MIN_PHONE_DIGITS = 3
# From this many digits on, a number that parses is looked up whole, by its E.164 form.
MIN_FULL_NUMBER_DIGITS = 9
# Digits (any script), and what people put between them when writing a number.
_PHONE_TEXT = re.compile(r"[\d\s()+\-./]+")
# Sorts after every character, so [p, p + _LAST) is the range of strings starting with p.
_LAST = "\U0010ffff"
# Table names are constants; the searched text always goes in as a parameter.
_NAME_MATCH = f"SELECT rowid FROM {SQLITE_NAME_FTS} WHERE {SQLITE_NAME_FTS} MATCH %s"  # noqa: S608
_PHONE_MATCH = f"SELECT rowid FROM {SQLITE_PHONE_FTS} WHERE {SQLITE_PHONE_FTS} MATCH %s"  # noqa: S608


def search_contacts(queryset: QuerySet, text: str) -> QuerySet:
    """Contacts of `queryset` matching `text`: a phone if it looks like one, else a name.

    A name matches when every word of `text` occurs in the display name or organization,
    in any case; names that start with the text come first, then by name — unless more
    than about RANKED_MATCHES contacts match, which then come newest first. A phone matches in any
    format ("01712-345678", "+880 1712 345678", "8801712345678") and by part of its
    digits ("345678"). Merged contacts never match. An empty text filters nothing.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    queryset = queryset.filter(merged_into__isnull=True)
    if looks_like_phone(text):
        try:
            return filter_by_phone(queryset, text)
        except InvalidPhone:
            return queryset.none()
    return _filter_by_name(queryset, text)


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_TEXT.fullmatch(text)) and len(_digits(text)) >= MIN_PHONE_DIGITS


def filter_by_phone(queryset: QuerySet, raw: str) -> QuerySet:
    """Contacts with this phone, written in any format, or with these digits in a phone.

    A complete number is looked up by its E.164 form (an index seek); anything else is
    taken as a part of a number (found through the trigram index of the phones).
    Raises InvalidPhone when there are too few digits.
    """
    # E.164 has no national trunk prefix: "01712" is found as "1712".
    digits = _digits(raw).lstrip("0")
    e164 = None
    if len(digits) >= MIN_FULL_NUMBER_DIGITS:
        with contextlib.suppress(InvalidPhone):
            e164 = normalize_phone(raw)
    if e164:
        phones = Phone.objects.filter(e164=e164)
    else:
        # A short text can be a whole (landline) number and the tail of longer ones;
        # the digit search finds both, since a number's digits are part of its E.164.
        if len(digits) < MIN_PHONE_DIGITS:
            raise InvalidPhone(
                _("Type at least %(count)d digits of the phone number.")
                % {"count": MIN_PHONE_DIGITS}
            )
        phones = _phones_containing(queryset.db, digits)
    return queryset.filter(id__in=phones.values("contact_id"))


def filter_by_tag(queryset: QuerySet, tag: str) -> QuerySet:
    """Contacts carrying the tag of this name (in any case)."""
    tag = (tag or "").strip()
    if not tag:
        return queryset
    return queryset.filter(tags__name__iexact=tag)


def filter_by_organization(queryset: QuerySet, organization: str) -> QuerySet:
    """Contacts of the organization of this name (in any case)."""
    organization = (organization or "").strip()
    if not organization:
        return queryset
    folded = organization.casefold()
    # search_name holds the organization too: the trigram index narrows the rows first.
    if len(folded) >= TRIGRAM:
        queryset = queryset.filter(_contains_all(queryset.db, [folded]))
    return queryset.filter(organization__iexact=organization)


def _filter_by_name(queryset: QuerySet, text: str) -> QuerySet:
    folded = text.casefold()
    words = folded.split()
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if not long_words:
        return _filter_by_name_prefix(queryset, " ".join(text.split()))
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        queryset, ranked = _sqlite_name_match(queryset, long_words)
    else:
        queryset = queryset.filter(_contains_all(queryset.db, long_words))
        ranked = vendor != "postgresql" or _postgres_estimate(queryset) <= RANKED_MATCHES
        if not ranked:
            # Walking the primary key backwards finds a page of a common word at once.
            queryset = queryset.order_by("-id")
    for word in words:
        if len(word) < TRIGRAM:
            # Checked on the rows the index let through.
            queryset = queryset.filter(search_name__contains=word)
    if not ranked:
        return queryset
    starts = Case(
        When(search_name__startswith=" ".join(words), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return queryset.order_by(starts, "display_name", "id")


def _sqlite_name_match(queryset: QuerySet, words: list[str]) -> tuple[QuerySet, bool]:
    """Narrow to rows whose search_name holds every word; say whether to rank them.

    Reading the matching rows costs far more than finding them: ranking 50,000 matches
    of "ahm" by name takes ~70 ms at 1,000,000 contacts. So up to RANKED_MATCHES rows are
    ranked; beyond, the contacts come newest first, streamed from the index as the
    page needs them (0.1 ms).
    """
    query = " ".join(_fts_phrase(w) for w in words)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(_NAME_MATCH + " LIMIT %s", [query, RANKED_MATCHES + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= RANKED_MATCHES:
        return queryset.filter(id__in=ids), True
    table = queryset.model._meta.db_table
    # The FTS5 table yields rowids in descending order by itself, so no sort is needed.
    streamed = queryset.extra(  # noqa: S610 (constant names; the text is a parameter)
        tables=[SQLITE_NAME_FTS],
        where=[f"{SQLITE_NAME_FTS}.rowid = {table}.id", f"{SQLITE_NAME_FTS} MATCH %s"],
        params=[query],
        order_by=[f"-{SQLITE_NAME_FTS}.rowid"],
    )
    return streamed, False


def _postgres_estimate(queryset: QuerySet) -> int:
    """How many rows the planner expects (to the nearest factor of a few), in well under
    a millisecond; counting them would read every matching row (100+ ms for 50,000)."""
    plan = json.loads(queryset.order_by().values("id").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _filter_by_name_prefix(queryset: QuerySet, text: str) -> QuerySet:
    # Too short for trigrams: match the start of the display name through its B-tree
    # index, one range per way of capitalising the text (Bengali has no case).
    condition = Q()
    for variant in {text, text.lower(), text.upper(), text.capitalize(), text.title()}:
        condition |= Q(
            display_name__gte=variant,
            display_name__lt=variant + _LAST,
            display_name__startswith=variant,
        )
    return queryset.filter(condition).order_by("display_name", "id")


def _contains_all(alias: str, words: list[str]) -> Q:
    """search_name contains every one of `words` (each of at least 3 characters)."""
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        # A quoted phrase of the trigram tokenizer matches it as a substring.
        query = " ".join(_fts_phrase(w) for w in words)
        return Q(id__in=RawSQL(_NAME_MATCH, [query]))  # noqa: S611 (the text is a parameter)
    # PostgreSQL: pg_trgm's GIN index answers LIKE '%…%'; elsewhere it is a scan.
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=word)
    return condition


def _phones_containing(alias: str, digits: str) -> QuerySet:
    if connections[alias].vendor == "sqlite":
        return Phone.objects.filter(id__in=RawSQL(_PHONE_MATCH, [_fts_phrase(digits)]))  # noqa: S611
    return Phone.objects.filter(e164__contains=digits)


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _digits(text: str) -> str:
    # normalize_digits_only turns Bengali (and other) digits into ASCII ones.
    return phonenumbers.normalize_digits_only(text)
