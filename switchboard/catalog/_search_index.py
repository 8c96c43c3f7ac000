"""The database objects behind product search, per vendor (as contacts/_search_index.py).

SQLite: an FTS5 table with the trigram tokenizer over catalog_product.search_text
(substrings in both scripts), external content kept in step by triggers.
PostgreSQL: a pg_trgm GIN index, which `LIKE '%…%'` uses directly.
"""

SQLITE_FTS = "catalog_product_fts"
_TABLE = "catalog_product"
_COLUMN = "search_text"

_SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {SQLITE_FTS} USING fts5("
    f"{_COLUMN}, content='{_TABLE}', content_rowid='id', tokenize='trigram')"
)
# The FTS table must be told the *old* text to forget a row. Every name is a constant.
_FORGET = f"INSERT INTO {SQLITE_FTS}({SQLITE_FTS}, rowid, {_COLUMN}) VALUES ('delete', old.id, old.{_COLUMN});"  # noqa: S608
_REMEMBER = f"INSERT INTO {SQLITE_FTS}(rowid, {_COLUMN}) VALUES (new.id, new.{_COLUMN});"  # noqa: S608
_SQLITE_TRIGGERS = {
    f"{SQLITE_FTS}_ai": f"CREATE TRIGGER {SQLITE_FTS}_ai AFTER INSERT ON {_TABLE} BEGIN {_REMEMBER} END",
    f"{SQLITE_FTS}_ad": f"CREATE TRIGGER {SQLITE_FTS}_ad AFTER DELETE ON {_TABLE} BEGIN {_FORGET} END",
    f"{SQLITE_FTS}_au": (
        f"CREATE TRIGGER {SQLITE_FTS}_au AFTER UPDATE OF {_COLUMN} ON {_TABLE} "
        f"WHEN old.{_COLUMN} IS NOT new.{_COLUMN} BEGIN {_FORGET} {_REMEMBER} END"
    ),
}
_POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS product_search_trgm ON {_TABLE} USING gin ({_COLUMN} gin_trgm_ops)",
]


def _sqlite_names(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if SQLITE_FTS not in _sqlite_names(cursor, "table"):
                cursor.execute(_SQLITE_CREATE)
        elif connection.vendor == "postgresql":
            for sql in _POSTGRES_CREATE:
                cursor.execute(sql)
    repair(connection, force_rebuild=True)


def repair(connection, *, force_rebuild: bool = False) -> bool:
    """Put back triggers a table rebuild by the schema editor dropped; rebuild the index then."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if SQLITE_FTS not in _sqlite_names(cursor, "table"):
            return False
        have = _sqlite_names(cursor, "trigger")
        missing = [sql for name, sql in _SQLITE_TRIGGERS.items() if name not in have]
        for sql in missing:
            cursor.execute(sql)
        if missing or force_rebuild:
            cursor.execute(f"INSERT INTO {SQLITE_FTS}({SQLITE_FTS}) VALUES ('rebuild')")  # noqa: S608
            return True
    return False


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_FTS}")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS product_search_trgm")
