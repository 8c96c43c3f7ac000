"""Writing a planned batch: contacts, phones, emails, tags, refused rows and the job's counters,
inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils import timezone

from switchboard.contacts import _search_index
from switchboard.contacts._import_plan import Action, BatchPlan
from switchboard.contacts._import_rows import BadRow, Row
from switchboard.contacts.models import (
    Contact,
    Email,
    ImportJob,
    ImportRowError,
    Phone,
    PhoneKind,
    Tag,
    compute_names,
)


@dataclass
class Counts:
    processed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0

    def add(self, plan: BatchPlan) -> Counts:
        batch = Counts(processed=len(plan.decisions))
        for d in plan.decisions:
            if d.action == Action.CREATE:
                batch.created += 1
            elif d.action == Action.UPDATE:
                batch.updated += 1
            elif d.action == Action.ERROR:
                batch.errors += 1
            else:
                batch.skipped += 1
        return batch


# SQLite settings for the importing connection while it imports (restored afterwards): a page
# cache that holds the indexes being filled, and fewer WAL checkpoints.
_BULK_PRAGMAS = {"cache_size": -262144, "wal_autocheckpoint": 10000}
# PostgreSQL: the trigram GIN indexes take new rows into a pending list and merge it into
# the index in bulk; a bigger list merges less often, with memory to sort it.
_BULK_SETTINGS = {"gin_pending_list_limit": "128MB", "work_mem": "256MB"}
_GIN_INDEXES = _search_index.POSTGRES_TRGM_INDEXES


@contextmanager
def bulk_session(connection):
    """Tune the connection for a long run of batch writes, and put it back after."""
    if connection.vendor == "postgresql":
        yield from _postgres_session(connection)
        return
    if connection.vendor != "sqlite":
        yield
        return
    before = {}
    with connection.cursor() as cursor:
        for name, value in _BULK_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def _postgres_session(connection):
    with connection.cursor() as cursor:
        for name, value in _BULK_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in _BULK_SETTINGS:
                cursor.execute(f"RESET {name}")
            # A search reads the whole pending list: leave it empty.
            cursor.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relname = ANY(%s)",
                [list(_GIN_INDEXES)],
            )


def _tag_ids(names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    missing = [Tag(name=n) for n in names if n not in ids]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    return ids


def _insert_many(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT through the connection's executemany (COPY on PostgreSQL): the ORM's bulk_create
    spends more time building objects than the database spends storing them."""
    if not rows:
        return
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # Names come from the models; the rows travel as COPY data, never as SQL.
        sql = "COPY {} ({}) FROM STDIN".format(
            qn(model._meta.db_table),
            ", ".join(qn(model._meta.get_field(c).column) for c in columns),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    # Names come from the models; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(model._meta.db_table),
        ", ".join(qn(model._meta.get_field(c).column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _allocate_contact_ids(count: int) -> list[int]:
    """Ids for `count` new contacts, taken inside the batch's transaction."""
    if not count:
        return []
    table = Contact._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [r[0] for r in cursor.fetchall()]
        # SQLite: the batch's transaction holds the write lock (transaction_mode IMMEDIATE),
        # so nobody else can take these ids; sqlite_sequence keeps AUTOINCREMENT from reusing
        # the id of a deleted last contact.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            top = max(top, seq[0] if seq else 0)
        return list(range(top + 1, top + 1 + count))


def _max_id(model) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _json_adapter():
    """value -> what the database driver takes for a JSON column, without the field's
    per-value overhead (it is called for every row). COPY on PostgreSQL reads JSON text."""
    return json.dumps


_CONTACT_COLUMNS = [
    "id",
    "kind",
    "last_name",
    "first_name",
    "patronymic",
    "organization",
    "display_name",
    "search_name",
    "address",
    "custom_fields",
    "do_not_call",
    "recording_consent",
    "source",
    "created_at",
    "updated_at",
]


def write_batch(job: ImportJob, plan: BatchPlan, bad: dict[int, BadRow], counts: Counts) -> None:
    """Write one planned batch: contacts, phones, emails, tags, refused rows and the job's
    counters. The caller holds the transaction, so the batch lands whole or not at all."""
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    mobile = PhoneKind.MOBILE.value
    to_json = _json_adapter()
    empty_json = to_json({})
    ids = _allocate_contact_ids(len(plan.new))
    rows = []
    phones = []
    emails = []
    tagged: list[tuple[int, str]] = []  # (new contact id, tag name)
    retagged: list[tuple[int, str]] = []  # the same for known contacts
    for item, contact_id in zip(plan.new, ids, strict=True):
        if isinstance(item, Row):
            display, search = item.display_name, item.search_name
            custom = item.custom_json
            phones += [(contact_id, raw, e164, mobile) for raw, e164 in item.phones]
            tags = item.tags
        else:
            display, search = compute_names(
                item.kind, item.first_name, item.patronymic, item.last_name, item.organization
            )
            phones += [(contact_id, raw, e164, mobile) for e164, raw in item.phones.items()]
            custom = to_json(item.custom_fields) if item.custom_fields else empty_json
            tags = item.tags
        emails += [(contact_id, address) for address in item.emails]
        tagged += [(contact_id, tag) for tag in tags]
        rows.append(
            (
                contact_id,
                item.kind,
                item.last_name,
                item.first_name,
                item.patronymic,
                item.organization,
                display,
                search,
                item.address,
                custom,
                item.do_not_call,
                True,
                item.source,
                stamp,
                stamp,
            )
        )
    with _search_index.bulk_indexing(connection) as index_here:
        _insert_many(Contact, _CONTACT_COLUMNS, rows)
        if index_here and ids:
            _search_index.index_rows(connection, "contacts_contact", ids[0], ids[-1])
        _write_updates(plan, now)
        for k in plan.changed:
            phones += [(k.id, raw, e164, mobile) for raw, e164 in k.new_phones]
            emails += [(k.id, address) for address in k.new_emails]
            retagged += [(k.id, tag) for tag in k.new_tags]
        first_phone = _max_id(Phone) + 1 if index_here and phones else 0
        _insert_many(Phone, ["contact", "raw", "e164", "kind"], phones)
        if first_phone:
            _search_index.index_rows(connection, "contacts_phone", first_phone, _max_id(Phone))
    _insert_many(Email, ["contact", "address"], emails)
    _write_tags(tagged, retagged)
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(job=job, line=d.line, reason=d.reason, row=bad[d.line].cells)
            for d in plan.decisions
            if d.action == Action.ERROR
        ],
        batch_size=500,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=F("processed_rows") + counts.processed,
        created_count=F("created_count") + counts.created,
        updated_count=F("updated_count") + counts.updated,
        skipped_count=F("skipped_count") + counts.skipped,
        error_count=F("error_count") + counts.errors,
    )


def _write_updates(plan: BatchPlan, now) -> None:
    """Contacts of the base that rows of the batch changed (policy "update")."""
    fields = ["kind", "last_name", "first_name", "patronymic", "organization"]
    fields += ["display_name", "search_name", "address", "custom_fields", "do_not_call"]
    fields += ["source", "updated_at"]
    if not plan.changed:
        return
    updates = []
    for k in plan.changed:
        display, search = compute_names(
            k.kind, k.first_name, k.patronymic, k.last_name, k.organization
        )
        updates.append(
            Contact(
                pk=k.id,
                kind=k.kind,
                last_name=k.last_name,
                first_name=k.first_name,
                patronymic=k.patronymic,
                organization=k.organization,
                display_name=display,
                search_name=search,
                address=k.address,
                custom_fields=k.custom_fields,
                do_not_call=k.do_not_call,
                source=k.source,
                updated_at=now,
            )
        )
    Contact.objects.bulk_update(updates, fields, batch_size=500)


def _write_tags(tagged: list[tuple[int, str]], retagged: list[tuple[int, str]]) -> None:
    """A new contact has no tag yet, so its links go in plainly; links added to a known
    contact go through the ORM and skip one that an edit made meanwhile."""
    if not tagged and not retagged:
        return
    tag_ids = _tag_ids({tag for _id, tag in tagged + retagged})
    through = Contact.tags.through
    _insert_many(through, ["contact", "tag"], [(i, tag_ids[t]) for i, t in tagged])
    if retagged:
        through.objects.bulk_create(
            [through(contact_id=i, tag_id=tag_ids[t]) for i, t in retagged],
            batch_size=1000,
            ignore_conflicts=True,
        )


BatchWriter = Callable[[ImportJob, BatchPlan, dict, Counts], None]
