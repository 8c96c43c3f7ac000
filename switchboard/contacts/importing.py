"""Contact import from CSV and XLSX: read the file, validate rows, plan them against the base,
write them in batches. No HTTP here; the views and the background task call these functions.

The promises, and how they are kept:

- Every bad row is reported with its line number and the reason (ImportRowError); good rows
  are stored.
- Nothing is half-written: a batch (its contacts, phones, emails, tags, refused rows and the
  job's counters) is one transaction. A crash leaves whole batches only, and the job is marked
  failed with the reason.
- Re-importing the same file changes nothing, whatever the duplicate policy:
  *skip* skips every known row; *update* finds nothing to change; *create* makes a new contact
  only when a row shares a phone or an organization name with a known contact but names a
  different contact — a row naming the same contact again is skipped as a repeat.
- Duplicates are found by normalized phone, by organization name (organizations only), and,
  for rows with no phone, by the same name and address — in the base and within the file.

The work is split by job: _import_read (the file), _import_mapping (columns to fields),
_import_rows (one row), _import_source (the rows of a job, parsed in a second process for a
big file), _import_plan (duplicates), _import_write (a batch, which also feeds the search
index in one statement per batch). This module holds the entry points the views, the task
and the tests call.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from switchboard.contacts import _search_index
from switchboard.contacts._csv_safe import csv_line, neutralize_cell
from switchboard.contacts._import_mapping import FIELDS, Columns, check_mapping, guess_mapping
from switchboard.contacts._import_plan import plan_batch
from switchboard.contacts._import_read import ImportFileError, inspect_file
from switchboard.contacts._import_rows import (
    SOURCE_LIMIT,
    BadRow,
    Row,
    fast_normalize_phone,
    parse_row,
)
from switchboard.contacts._import_source import data_rows, parsed_batches
from switchboard.contacts._import_write import BatchWriter, Counts, bulk_session, write_batch
from switchboard.contacts.models import DuplicatePolicy, ImportJob, ImportStatus
from switchboard.contacts.phones import default_region

__all__ = [
    "FIELDS",
    "ImportFileError",
    "check_create_import_job",
    "check_mapping",
    "csv_line",
    "do_start_import",
    "error_rows_csv",
    "fast_normalize_phone",
    "neutralize_cell",
    "preview",
    "run_import",
    "write_batch",
]

log = logging.getLogger("switchboard.contacts.importing")

PREVIEW_ROWS = 10
# An import of this many rows (estimated) measures the tables for the planner afterwards.
STATISTICS_MIN_ROWS = 50_000
# On PostgreSQL, measured during an import too: at this many rows, then each time they double.
STATISTICS_FIRST_ROWS = 10_000


def preview(job: ImportJob, mapping: dict[str, str], limit: int = PREVIEW_ROWS) -> list[dict]:
    """What importing the first rows would do, without writing anything."""
    columns = Columns.from_mapping(mapping, job.headers)
    region = default_region()
    items: list[Row | BadRow] = []
    cells_by_line = {}
    for line, cells in data_rows(job):
        items.append(parse_row(line, cells, columns, region=region, default_source=job.source))
        cells_by_line[line] = cells
        if len(items) >= limit:
            break
    plan = plan_batch(items, job.duplicate_policy)
    return [
        {"line": d.line, "action": d.action, "reason": d.reason, "cells": cells_by_line[d.line]}
        for d in plan.decisions
    ]


@contextmanager
def _fewer_collections():
    """Batches of thousands of small objects set off Python's cyclic garbage collector over
    and over, each pass walking everything the process holds (a tenth of an import's time).
    The rows make no cycles: collect far less often while importing."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def run_import(
    job_id: int,
    *,
    batch_size: int | None = None,
    writer: BatchWriter | None = None,
    parse_in_process: bool | None = None,
) -> ImportJob:
    """Import a job's file, batch by batch; what the background task runs.

    Each batch is planned and written in one transaction, and the job's counters move with
    it, so the progress bar never shows rows that are not stored. On any exception the job is
    marked failed with the reason (whole batches written before it stay), and it re-raises.
    A big file is parsed in a second process (`parse_in_process` None: decided by size).
    """
    batch_size = batch_size or settings.SWITCHBOARD["IMPORT_BATCH_SIZE"]
    writer = writer or write_batch
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status in (ImportStatus.RUNNING, ImportStatus.DONE):
        log.warning("import %s is already %s; not run again", job.pk, job.status)
        return job
    language = (job.created_by and job.created_by.language) or settings.LANGUAGE_CODE
    with translation.override(language):
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.RUNNING, started_at=timezone.now(), failure=""
        )
        try:
            with bulk_session(connection), _fewer_collections():
                batches = parsed_batches(job, batch_size, in_process=parse_in_process)
                measured_at = STATISTICS_FIRST_ROWS
                done = 0
                for items in batches:
                    bad = {item.line: item for item in items if isinstance(item, BadRow)}
                    with transaction.atomic():
                        plan = plan_batch(items, job.duplicate_policy)
                        counts = Counts().add(plan)
                        writer(job, plan, bad, counts)
                    done += len(items)
                    if connection.vendor == "postgresql" and done >= measured_at:
                        # PostgreSQL plans the duplicate lookups from the table's statistics;
                        # taken when it was small, they make it scan the growing table
                        # (1,000,000 rows slowed to 2,600 a second). Measure as it doubles.
                        _search_index.refresh_statistics(connection)
                        measured_at *= 2
                if job.total_rows >= STATISTICS_MIN_ROWS:
                    # The planner's picture of the tables is stale after this many rows.
                    _search_index.refresh_statistics(connection)
        except Exception as exc:
            reason = (
                str(exc) if isinstance(exc, ImportFileError) else f"{type(exc).__name__}: {exc}"
            )
            log.exception("import %s failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, failure=reason, finished_at=timezone.now()
            )
            raise
        job.refresh_from_db()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), total_rows=job.processed_rows
        )
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------- creating and starting jobs


def check_create_import_job(upload, *, user, duplicate_policy: str, source: str = "") -> ImportJob:
    """Store an uploaded file as an import job after checking it reads; ImportFileError if not.

    The file is read once here (encoding, headers) so the user learns at upload, not minutes
    later, that it is empty or in the wrong encoding.
    """
    if duplicate_policy not in DuplicatePolicy.values:
        raise ImportFileError(_("Choose what to do with duplicates."))
    if upload.size == 0:
        raise ImportFileError(_("The file is empty (0 bytes)."))
    name = Path(upload.name or "upload").name
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    job = ImportJob(
        original_name=name[:255],
        sha256=digest.hexdigest(),
        duplicate_policy=duplicate_policy,
        source=(source or "").strip()[:SOURCE_LIMIT],
        created_by=user,
    )
    job.file.save(name, upload, save=False)
    try:
        info = inspect_file(job.file.path, name)
    except ImportFileError:
        job.file.delete(save=False)
        raise
    job.file_format = info.file_format
    job.encoding = info.encoding
    job.headers = info.headers
    job.mapping = guess_mapping(info.headers)
    job.total_rows = info.estimated_rows
    job.save()
    return job


def do_start_import(job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Save the mapping and queue the job for the background worker."""
    from switchboard.contacts.tasks import import_contacts

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.UPLOADED:
            raise ValidationError(_("This import has already been started."))
        job.mapping = mapping
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["mapping", "status"])
        transaction.on_commit(lambda: import_contacts.enqueue(job.pk))
    return job


def error_rows_csv(job: ImportJob) -> Iterator[list[str]]:
    """The refused rows as CSV rows: line, reason, then the row's cells as they were."""
    yield [str(_("line")), str(_("reason")), *job.headers]
    for line, reason, cells in job.row_errors.order_by("line", "id").values_list(
        "line", "reason", "row"
    ):
        yield [str(line), reason, *[neutralize_cell(c) for c in cells]]
