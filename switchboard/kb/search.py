"""Full-text search over published articles, ranked, with the matched words highlighted.

The same behaviour on both databases (see `_search_index` for the indexes): every word
of the query must occur in the title, the tags or the text, each as the start of a word
in any case; title matches weigh most, then tags, then text. Highlighting is done here,
in Python, on the escaped text, so it is identical on SQLite and PostgreSQL and can
never let markup through.
"""

import re
from dataclasses import dataclass

from django.db import connections
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from switchboard.kb._search_index import BENGALI_MARKS, FTS, POSTGRES_VECTOR
from switchboard.kb.models import Article, ArticleStatus

# A word: letters and digits of any script, with Bengali's combining signs inside it.
# Underscores separate words, as both databases' tokenizers treat them.
WORD = re.compile(rf"(?:[^\W_]|[{BENGALI_MARKS}])+")
MAX_WORDS = 8
SNIPPET_CHARS = 220
# Column weights: title, tags, text (bm25 on SQLite; ts_rank_cd's A, B, C on PostgreSQL).
_SQLITE_RANK = f"bm25({FTS}, 10.0, 4.0, 1.0)"
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
    # Each word a quoted phrase (nothing in it is FTS syntax) matched as a prefix.
    match = (" OR " if any_word else " ").join('"' + w.replace('"', '""') + '"*' for w in words)
    sql = (
        f"SELECT a.id, {_SQLITE_RANK} AS score FROM {FTS} JOIN kb_article a ON a.id = {FTS}.rowid "  # noqa: S608
        f"WHERE {FTS} MATCH %s AND a.status = %s"
    )
    params: list = [match, ArticleStatus.PUBLISHED]
    if language:
        sql += " AND a.language = %s"
        params.append(language)
    sql += " ORDER BY score, a.id LIMIT %s"
    params.append(limit)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        # bm25 is lower for better matches; report higher-is-better like PostgreSQL.
        return [(row[0], -row[1]) for row in cursor.fetchall()]


def _postgres_ids(words, language, limit, any_word, using) -> list[tuple[int, float]]:
    # Words hold only letters, digits and marks, so quoting each as a lexeme is exact.
    tsquery = (" | " if any_word else " & ").join(f"'{w}':*" for w in words)
    sql = (
        f"SELECT id, ts_rank_cd('{_PG_WEIGHTS}', {POSTGRES_VECTOR}, q) AS score "  # noqa: S608
        f"FROM kb_article, to_tsquery('simple', %s) q "
        f"WHERE {POSTGRES_VECTOR} @@ q AND status = %s"
    )
    params: list = [tsquery, ArticleStatus.PUBLISHED]
    if language:
        sql += " AND language = %s"
        params.append(language)
    sql += " ORDER BY score DESC, id LIMIT %s"
    params.append(limit)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


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


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> SafeString:
    """A piece of `text` around its first match, highlighted; the start if nothing matches."""
    text = text or ""
    start = 0
    for m in WORD.finditer(text):
        if _matches(m.group(), words):
            start = max(0, m.start() - size // 3)
            break
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
