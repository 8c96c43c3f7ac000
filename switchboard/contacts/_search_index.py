"""The database objects behind contact search, per vendor; the migration and post_migrate use it.

SQLite: two FTS5 tables with the trigram tokenizer (substrings in any script, Bengali
included), "external content" tables that read the text from contacts_contact and
contacts_phone and are kept in step by triggers.
PostgreSQL: pg_trgm GIN indexes, which `LIKE '%…%'` uses directly.
"""

SQLITE_NAME_FTS = "contacts_contact_fts"
SQLITE_PHONE_FTS = "contacts_phone_fts"

_SQLITE_TABLES = {
    SQLITE_NAME_FTS: (
        f"CREATE VIRTUAL TABLE {SQLITE_NAME_FTS} USING fts5("
        "search_name, content='contacts_contact', content_rowid='id', tokenize='trigram')"
    ),
    SQLITE_PHONE_FTS: (
        f"CREATE VIRTUAL TABLE {SQLITE_PHONE_FTS} USING fts5("
        "e164, content='contacts_phone', content_rowid='id', tokenize='trigram')"
    ),
}


def _sqlite_triggers(fts: str, table: str, column: str) -> dict[str, str]:
    # An external-content FTS5 table must be told the *old* text to forget a row.
    # Every name here is one of this module's constants.
    forget = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"  # noqa: S608
    remember = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"  # noqa: S608
    return {
        f"{fts}_ai": f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {remember} END",
        f"{fts}_ad": f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {forget} END",
        f"{fts}_au": (
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} "
            f"WHEN old.{column} IS NOT new.{column} BEGIN {forget} {remember} END"
        ),
    }


_SQLITE_TRIGGERS = {
    SQLITE_NAME_FTS: _sqlite_triggers(SQLITE_NAME_FTS, "contacts_contact", "search_name"),
    SQLITE_PHONE_FTS: _sqlite_triggers(SQLITE_PHONE_FTS, "contacts_phone", "e164"),
}

_POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS contact_search_trgm "
    "ON contacts_contact USING gin (search_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS phone_e164_trgm ON contacts_phone USING gin (e164 gin_trgm_ops)",
]
_POSTGRES_DROP = [
    "DROP INDEX IF EXISTS contact_search_trgm",
    "DROP INDEX IF EXISTS phone_e164_trgm",
]


def _sqlite_names(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def install(connection) -> None:
    """Create the search tables, triggers or indexes; fill them from what is already stored."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            existing = _sqlite_names(cursor, "table")
            for fts, sql in _SQLITE_TABLES.items():
                if fts not in existing:
                    cursor.execute(sql)
            repair(connection, force_rebuild=True)
        elif connection.vendor == "postgresql":
            for sql in _POSTGRES_CREATE:
                cursor.execute(sql)


def repair(connection, *, force_rebuild: bool = False) -> list[str]:
    """Recreate missing SQLite triggers and rebuild the FTS tables they fed.

    Django's SQLite schema editor rebuilds a table (copy, drop, rename) for many ALTERs,
    and dropping the table drops its triggers: a later migration of Contact or Phone
    would silently stop search from seeing changes. post_migrate calls this to put them
    back, with the planner hints of seed_statistics. Returns the FTS tables it rebuilt.
    Does nothing before `install` ran.
    """
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        tables = _sqlite_names(cursor, "table")
        triggers = _sqlite_names(cursor, "trigger")
        for fts, wanted in _SQLITE_TRIGGERS.items():
            if fts not in tables:
                continue
            missing = [sql for name, sql in wanted.items() if name not in triggers]
            for sql in missing:
                cursor.execute(sql)
            if missing or force_rebuild:
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
                rebuilt.append(fts)
    if _SQLITE_TABLES.keys() & tables:
        # A table rebuilt by the schema editor loses its statistics with the old one.
        seed_statistics(connection)
    return rebuilt


# Columns whose index the SQLite planner must not mistake for a selective one. Without
# statistics it guesses that `merged_into_id IS NULL` ("active contacts", in every list)
# matches ~10 rows, walks that index over the whole table and sorts it: 0.5 s at 1,000,000
# contacts instead of 0.4 ms through contact_name_idx. Hints say each value is shared by
# (nearly) every row; a real ANALYZE (refresh_statistics) replaces them.
_UNSELECTIVE = {"contacts_contact": {"merged_into_id": 1, "owner_id": 1000}}
_HINT_ROWS = 1_000_000


def seed_statistics(connection) -> bool:
    """Give SQLite's planner hints for contacts_contact when it has no statistics yet."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_master")  # creates sqlite_stat1 if missing
        seeded = False
        for table, columns in _UNSELECTIVE.items():
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
            if cursor.fetchone():
                continue
            for column, distinct in columns.items():
                for index in _single_column_indexes(cursor, table, column):
                    cursor.execute(
                        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                        [table, index, f"{_HINT_ROWS} {_HINT_ROWS // distinct}"],
                    )
                    seeded = True
        if seeded:
            cursor.execute("ANALYZE sqlite_master")  # makes this connection read them
    return seeded


def _single_column_indexes(cursor, table: str, column: str) -> list[str]:
    cursor.execute(f"PRAGMA index_list({table})")
    names = [row[1] for row in cursor.fetchall()]
    found = []
    for name in names:
        cursor.execute(f"PRAGMA index_info({name})")
        if [row[2] for row in cursor.fetchall()] == [column]:
            found.append(name)
    return found


def refresh_statistics(connection) -> None:
    """Measure the contact tables for the planner; worth running after a large import
    (about 1.5 s per 1,000,000 contacts on SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE contacts_contact")
            cursor.execute("ANALYZE contacts_phone")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE contacts_contact, contacts_phone")


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for fts, triggers in _SQLITE_TRIGGERS.items():
                for name in triggers:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif connection.vendor == "postgresql":
            for sql in _POSTGRES_DROP:
                cursor.execute(sql)
