"""The database objects behind article search, per vendor; the migration and post_migrate use it.

SQLite: an FTS5 table of the published articles (title, tags, plain, language) with the
unicode61 tokenizer, told that Bengali's vowel signs, virama and joiners belong inside
words (otherwise "ডেলিভারি" would be cut before its last vowel sign); kept in step by
triggers. bm25 ranks.
PostgreSQL: (see search._postgres_ids for the plan) a stored generated tsvector column (title weight A, tags B, text C) of the
'simple' configuration (no stemming, which knows no Bengali) with a GIN index; ts_rank_cd
ranks. Both match every word of the query as a prefix, so inflected forms ("ডেলিভারির",
"delivered") are found too.
"""

import unicodedata

FTS = "kb_article_fts"
TABLE = "kb_article"
# Bengali's combining marks and the zero-width (non-)joiners it uses.
BENGALI_MARKS = (
    "".join(chr(c) for c in range(0x0980, 0x0A00) if unicodedata.category(chr(c)) in ("Mn", "Mc"))
    + "\u200c\u200d"
)

# The FTS table keeps its own copy of published articles only (drafts never match, and
# a search needs no join); `language` is a column so a language filter is part of the
# MATCH. Ranking weights the columns title, tags, plain, language as 10, 4, 1, 0.
_SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, tags, plain, language, "
    f"tokenize=\"unicode61 remove_diacritics 0 tokenchars '{BENGALI_MARKS}'\", prefix='2 3')"
)
_FORGET = f"DELETE FROM {FTS} WHERE rowid = old.id;"  # noqa: S608
_REMEMBER = (
    f"INSERT INTO {FTS}(rowid, title, tags, plain, language) "  # noqa: S608
    "SELECT new.id, new.title, new.tags, new.plain, new.language WHERE new.status = 'published';"
)
_SQLITE_TRIGGERS = {
    f"{FTS}_ai": f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN {_REMEMBER} END",
    f"{FTS}_ad": f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN {_FORGET} END",
    f"{FTS}_au": (
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF title, tags, plain, language, status "
        f"ON {TABLE} BEGIN {_FORGET} {_REMEMBER} END"
    ),
}
_SQLITE_REBUILD = [
    f"DELETE FROM {FTS}",  # noqa: S608
    f"INSERT INTO {FTS}(rowid, title, tags, plain, language) "  # noqa: S608
    f"SELECT id, title, tags, plain, language FROM {TABLE} WHERE status = 'published'",
]

POSTGRES_VECTOR = "search_vector"
POSTGRES_HEAD = "search_head"
_POSTGRES_CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {POSTGRES_VECTOR} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(tags, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(plain, '')), 'C')) STORED",
    f"CREATE INDEX IF NOT EXISTS kb_article_search_gin ON {TABLE} USING gin ({POSTGRES_VECTOR})",
    # Titles and tags alone, for the first letters of a word (see search.SHORT_WORD):
    # a weight-restricted query on the whole vector would recheck every candidate row.
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {POSTGRES_HEAD} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(tags, '')), 'B')) STORED",
    f"CREATE INDEX IF NOT EXISTS kb_article_head_gin ON {TABLE} USING gin ({POSTGRES_HEAD})",
    # Texts and vectors out of line, so the rows a search visits stay small: finding the
    # ids of 10,000 matches reads ~600 pages instead of ~5,000 (30 ms -> 10 ms).
    f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
]
_POSTGRES_DROP = [
    f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS kb_article_search_gin",
    "DROP INDEX IF EXISTS kb_article_head_gin",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {POSTGRES_HEAD}",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {POSTGRES_VECTOR}",
]


def _sqlite_names(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if FTS not in _sqlite_names(cursor, "table"):
                cursor.execute(_SQLITE_TABLE)
            repair(connection, force_rebuild=True)
        elif connection.vendor == "postgresql":
            for sql in _POSTGRES_CREATE:
                cursor.execute(sql)


def repair(connection, *, force_rebuild: bool = False) -> bool:
    """Put back SQLite triggers a table rebuild by a later migration dropped (see
    contacts._search_index.repair); rebuild the index if any was missing."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if FTS not in _sqlite_names(cursor, "table"):
            return False
        triggers = _sqlite_names(cursor, "trigger")
        missing = [sql for name, sql in _SQLITE_TRIGGERS.items() if name not in triggers]
        for sql in missing:
            cursor.execute(sql)
        if missing or force_rebuild:
            for sql in _SQLITE_REBUILD:
                cursor.execute(sql)
            return True
    return False


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            for sql in _POSTGRES_DROP:
                cursor.execute(sql)
