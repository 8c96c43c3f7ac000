"""The database objects behind article search, per vendor; the migration and post_migrate use it.

SQLite: an FTS5 table over kb_article (title, tags, plain) with the unicode61 tokenizer,
told that Bengali's vowel signs, virama and joiners belong inside words (otherwise
"ডেলিভারি" would be cut before its last vowel sign); "external content", kept in step by
triggers. bm25 ranks.
PostgreSQL: a stored generated tsvector column (title weight A, tags B, text C) of the
'simple' configuration (no stemming, which knows no Bengali) with a GIN index; ts_rank_cd
ranks. Both match every word of the query as a prefix, so inflected forms ("ডেলিভারির",
"delivered") are found too.
"""

import unicodedata

FTS = "kb_article_fts"
TABLE = "kb_article"
COLUMNS = ("title", "tags", "plain")
# Combining marks of the Bengali block, and the zero-width (non-)joiners Bengali uses.
BENGALI_MARKS = (
    "".join(chr(c) for c in range(0x0980, 0x0A00) if unicodedata.category(chr(c)) in ("Mn", "Mc"))
    + "\u200c\u200d"
)

_COLS = ", ".join(COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({_COLS}, content='{TABLE}', content_rowid='id', "
    f"tokenize=\"unicode61 remove_diacritics 0 tokenchars '{BENGALI_MARKS}'\", prefix='2 3')"
)
_FORGET = f"INSERT INTO {FTS}({FTS}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});"  # noqa: S608
_REMEMBER = f"INSERT INTO {FTS}(rowid, {_COLS}) VALUES (new.id, {_NEW});"  # noqa: S608
_SQLITE_TRIGGERS = {
    f"{FTS}_ai": f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN {_REMEMBER} END",
    f"{FTS}_ad": f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN {_FORGET} END",
    f"{FTS}_au": (
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF {_COLS} ON {TABLE} "
        f"BEGIN {_FORGET} {_REMEMBER} END"
    ),
}

POSTGRES_VECTOR = "search_vector"
_POSTGRES_CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {POSTGRES_VECTOR} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(tags, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(plain, '')), 'C')) STORED",
    f"CREATE INDEX IF NOT EXISTS kb_article_search_gin ON {TABLE} USING gin ({POSTGRES_VECTOR})",
]
_POSTGRES_DROP = [
    "DROP INDEX IF EXISTS kb_article_search_gin",
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
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")  # noqa: S608
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
