"""Full-text search over published articles, ranked, with the matched words highlighted.

The same behaviour on both databases (see `_search_index` for the indexes): every word
of the query must occur in the title, the tags or the text, each as the start of a word
in any case; title matches weigh most, then tags, then text. Highlighting is done here,
in Python, on the escaped text, so it is identical on SQLite and PostgreSQL and can
never let markup through.
"""

import re
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from switchboard.kb._search_index import BENGALI_MARKS, FTS, POSTGRES_HEAD, POSTGRES_VECTOR
from switchboard.kb.models import Article, ArticleStatus

# A word: letters and digits of any script, with Bengali's combining signs inside it.
# Underscores separate words, as both databases' tokenizers treat them.
_WORD_CHAR = rf"(?:[^\W_]|[{BENGALI_MARKS}])"
WORD = re.compile(rf"{_WORD_CHAR}+")
MAX_WORDS = 8
SNIPPET_CHARS = 220
# Column weights: title, tags, text (bm25 on SQLite; ts_rank_cd's A, B, C on PostgreSQL).
_SQLITE_RANK = f"bm25({FTS}, 10.0, 4.0, 1.0, 0.0)"
# A word shorter than this (the first letters typed) is looked for in titles and tags
# only: as the start of any word of any text it would match most articles and say little.
SHORT_WORD = 3
# PostgreSQL ranks at most this many matches (the newest); see _postgres_ids.
RANKED_MATCHES = 300
_PG_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"


@dataclass
class Hit:
    article: Article
    score: float
    title_html: SafeString
    snippet_html: SafeString


def query_words(text: str) -> list[str]:
    """The words searched for, case-folded, duplicates dropped, at most MAX_WORDS."""
    words = [w.casefold() for w in WORD.findall(text or "")]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def search_articles(
    text: str,
    *,
    language: str | None = None,
    limit: int = 20,
    any_word: bool = False,
    using: str = "default",
) -> list[Hit]:
    """Published articles matching every word of `text` (or any, with `any_word`), best first."""
    words = query_words(text)
    if not words:
        return []
    vendor = connections[using].vendor
    if vendor == "sqlite":
        ranked = _sqlite_ids(words, language, limit, any_word, using)
    elif vendor == "postgresql":
        ranked = _postgres_ids(words, language, limit, any_word, using)
    else:  # pragma: no cover - other databases: unranked substring match
        ranked = _fallback_ids(words, language, limit)
    articles = (
        Article.objects.using(using).select_related("category").in_bulk([i for i, _ in ranked])
    )
    return [
        Hit(
            article=articles[i],
            score=score,
            title_html=highlight(articles[i].title, words),
            snippet_html=snippet(articles[i].plain, words),
        )
        for i, score in ranked
        if i in articles
    ]


def _sqlite_ids(words, language, limit, any_word, using) -> list[tuple[int, float]]:
    # Each word a quoted phrase (nothing in it is FTS syntax) matched as a prefix; the
    # FTS table holds published articles only, so no join is needed.
    parts = []
    for w in words:
        phrase = '"' + w.replace('"', '""') + '"*'
        parts.append(f"{{title tags}} : {phrase}" if len(w) < SHORT_WORD else phrase)
    match = "(" + (" OR " if any_word else " AND ").join(parts) + ")"
    if language:
        match += f' AND language : "{language}"'
    sql = (
        f"SELECT rowid, {_SQLITE_RANK} AS score FROM {FTS} WHERE {FTS} MATCH %s "  # noqa: S608
        "ORDER BY score, rowid LIMIT %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [match, limit])
        # bm25 is lower for better matches; report higher-is-better like PostgreSQL.
        return [(row[0], -row[1]) for row in cursor.fetchall()]


def _postgres_ids(words, language, limit, any_word, using) -> list[tuple[int, float]]:
    """Rank the matches with ts_rank_cd; when more than RANKED_MATCHES match, only the
    newest RANKED_MATCHES of them.

    Ranking reads each match's whole tsvector (~20 µs apiece): ranking the 10,000
    articles a common word matches would take 200 ms. So the GIN index finds the ids
    (a bitmap scan of the small rows, see _search_index), the newest RANKED_MATCHES are
    kept, and only those are ranked. The planner is told to use the index: its guess
    for prefix queries is poor, and walking the primary key backwards instead costs
    150 ms when a word is rarer than it thinks.
    """
    # Words hold only letters, digits and marks, so quoting each as a lexeme is exact.
    joiner = " | " if any_word else " & "
    long = joiner.join(f"'{w}':*" for w in words if len(w) >= SHORT_WORD)
    short = joiner.join(f"'{w}':*" for w in words if len(w) < SHORT_WORD)
    conditions, params = [], []
    if long:
        conditions.append(f"{POSTGRES_VECTOR} @@ to_tsquery('simple', %s)")
        params.append(long)
    if short:
        conditions.append(f"{POSTGRES_HEAD} @@ to_tsquery('simple', %s)")
        params.append(short)
    match = "(" + (" OR " if any_word else " AND ").join(conditions) + ")"
    params.append(ArticleStatus.PUBLISHED)
    language_filter = ""
    if language:
        language_filter = "AND language = %s"
        params.append(language)
    everything = joiner.join(f"'{w}':*" for w in words)
    # Queries are constants in the text, so the planner can estimate them.
    sql = (
        f"WITH m AS MATERIALIZED (SELECT id FROM kb_article "  # noqa: S608
        f"WHERE {match} AND status = %s {language_filter} ORDER BY id DESC LIMIT %s) "
        f"SELECT a.id, ts_rank_cd('{_PG_WEIGHTS}', a.{POSTGRES_VECTOR}, to_tsquery('simple', %s))"
        f" AS score FROM m JOIN kb_article a ON a.id = m.id ORDER BY score DESC, a.id LIMIT %s"
    )
    params += [RANKED_MATCHES, everything, limit]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        # Inside a caller's transaction the settings would outlive this query.
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT")
    return [(row[0], float(row[1])) for row in rows]


def _fallback_ids(words, language, limit) -> list[tuple[int, float]]:  # pragma: no cover
    articles = Article.objects.published()
    if language:
        articles = articles.filter(language=language)
    for w in words:
        articles = articles.filter(plain__icontains=w) | articles.filter(title__icontains=w)
    return [(i, 0.0) for i in articles.values_list("id", flat=True)[:limit]]


def _matches(token: str, words: list[str]) -> bool:
    folded = token.casefold()
    return any(folded.startswith(w) for w in words)


def highlight(text: str, words: list[str]) -> SafeString:
    """`text`, escaped, with each word starting with a searched word wrapped in <mark>."""
    out, last = [], 0
    for m in WORD.finditer(text or ""):
        if _matches(m.group(), words):
            out.append(escape(text[last : m.start()]))
            out.append(f"<mark>{escape(m.group())}</mark>")
            last = m.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece is escaped above)


def _first_match(text: str, words: list[str]) -> int | None:
    # A searched word at a word start (not preceded by a letter, digit or sign); checked
    # with _matches because regex case-insensitivity is not case-folding.
    pattern = re.compile(
        rf"(?<!{_WORD_CHAR})(?:{'|'.join(re.escape(w) for w in words)})", re.IGNORECASE
    )
    for m in pattern.finditer(text):
        token = WORD.match(text, m.start())
        if token and _matches(token.group(), words):
            return m.start()
    return None


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> SafeString:
    """A piece of `text` around its first match, highlighted; the start if nothing matches."""
    text = text or ""
    first = _first_match(text, words)
    start = max(0, first - size // 3) if first else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    piece = highlight(text[start:end], words)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + piece + suffix)  # noqa: S308 (piece is escaped by highlight)
