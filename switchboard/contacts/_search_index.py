"""The database objects behind contact search, per vendor; the migration and post_migrate use it.

SQLite: two FTS5 tables with the trigram tokenizer (substrings in any script, Bengali
included), "external content" tables that read the text from contacts_contact and
contacts_phone and are kept in step by triggers.
PostgreSQL: pg_trgm GIN indexes, which `LIKE '%…%'` uses directly.

A bulk import indexes each batch in one statement instead (`bulk_indexing`): the insert
triggers stand aside for the one connection that holds a TEMP table of a known name —
a TEMP table is seen by its own connection only, so every other writer keeps indexing.
"""

import sqlite3
from contextlib import contextmanager

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


# While this TEMP table exists on a connection, that connection's inserts skip the insert
# triggers (see bulk_indexing). pragma_table_list (SQLite 3.37+) is the one way a trigger
# of the main schema can look at the temp schema.
PAUSE_TABLE = "contacts_search_bulk"
PAUSABLE = sqlite3.sqlite_version_info >= (3, 37, 0)
_NOT_PAUSED = (
    f"WHEN NOT EXISTS (SELECT 1 FROM pragma_table_list('{PAUSE_TABLE}') WHERE schema = 'temp') "  # noqa: S608 (a constant name)
    if PAUSABLE
    else ""
)


def _sqlite_triggers(fts: str, table: str, column: str) -> dict[str, str]:
    # An external-content FTS5 table must be told the *old* text to forget a row.
    # Every name here is one of this module's constants.
    forget = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"  # noqa: S608
    remember = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"  # noqa: S608
    return {
        f"{fts}_ai": (
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} {_NOT_PAUSED}BEGIN {remember} END"
        ),
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

POSTGRES_TRGM_INDEXES = ("contact_search_trgm", "phone_e164_trgm")
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
    A trigger of an older definition is replaced (no rebuild: it kept the table in step).
    Does nothing before `install` ran.
    """
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        tables = _sqlite_names(cursor, "table")
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = dict(cursor.fetchall())
        for fts, wanted in _SQLITE_TRIGGERS.items():
            if fts not in tables:
                continue
            missing = [sql for name, sql in wanted.items() if name not in triggers]
            for name, sql in wanted.items():
                if name in triggers and triggers[name] != sql:
                    cursor.execute(f"DROP TRIGGER {name}")
                    cursor.execute(sql)
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


@contextmanager
def bulk_indexing(connection):
    """Inside a transaction: this connection's inserts into contacts_contact and
    contacts_phone skip the search triggers; the caller indexes them with `index_rows`.

    Yields whether it did so (False on PostgreSQL, whose indexes need no help, and where
    the triggers cannot stand aside). Other connections keep indexing through the triggers.
    A rollback takes the flag away with everything else. Every row inserted inside must be
    indexed before the transaction commits: deleting a row that an external-content FTS5
    table never saw corrupts the table.
    """
    if connection.vendor != "sqlite" or not PAUSABLE:
        yield False
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_indexing() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {PAUSE_TABLE} (x)")
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{PAUSE_TABLE}")


_INDEX_NEW = {
    # Table names are constants; the id range goes in as parameters.
    "contacts_contact": f"INSERT INTO {SQLITE_NAME_FTS}(rowid, search_name) "  # noqa: S608
    "SELECT id, search_name FROM contacts_contact WHERE id BETWEEN %s AND %s",
    "contacts_phone": f"INSERT INTO {SQLITE_PHONE_FTS}(rowid, e164) "  # noqa: S608
    "SELECT id, e164 FROM contacts_phone WHERE id BETWEEN %s AND %s",
}


def index_rows(connection, table: str, first_id: int, last_id: int) -> None:
    """Index the rows of `table` ("contacts_contact" or "contacts_phone") with ids in
    [first_id, last_id], inserted under `bulk_indexing`: one statement for a batch."""
    if connection.vendor != "sqlite" or first_id > last_id:
        return
    with connection.cursor() as cursor:
        cursor.execute(_INDEX_NEW[table], [first_id, last_id])


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
