"""The validated rows of a job's file, batch by batch: read and parsed in this process, or,
for a big file on a machine with a spare core, in a second process while this one writes.

Parsing is about a third of an import's time and needs no database, so the second process
only reads the file and sends back plain tuples (pickling dataclasses costs ten times more).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Iterator

from django.conf import settings
from django.utils import translation

from switchboard.contacts._import_mapping import Columns
from switchboard.contacts._import_read import FileInfo, ImportFileError, _sniff_delimiter, iter_rows
from switchboard.contacts._import_rows import BadRow, Row, parse_row
from switchboard.contacts.models import ImportJob
from switchboard.contacts.phones import default_region

# Below this many rows (estimated) a second process costs more than it saves.
PROCESS_MIN_ROWS = 20_000
# Batches parsed ahead of the writer; bounds the memory the queue holds.
QUEUE_DEPTH = 4
_ROW_FIELDS = Row.__slots__


def file_info(job: ImportJob) -> FileInfo:
    info = FileInfo(file_format=job.file_format, encoding=job.encoding, headers=list(job.headers))
    if job.file_format == "csv":
        with open(job.file.path, encoding=job.encoding or "utf-8", newline="") as f:
            info.delimiter = _sniff_delimiter(f.readline())
    return info


def data_rows(job: ImportJob) -> Iterator[tuple[int, list[str]]]:
    rows = iter_rows(job.file.path, file_info(job))
    next(rows, None)  # the header row
    return rows


def batched(items, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def parsed_rows(job: ImportJob) -> Iterator[Row | BadRow]:
    columns = Columns.from_mapping(job.mapping, job.headers)
    region = default_region()
    for line, cells in data_rows(job):
        yield parse_row(line, cells, columns, region=region, default_source=job.source)


def parsed_batches(
    job: ImportJob, batch_size: int, *, in_process: bool | None = None
) -> Iterator[list[Row | BadRow]]:
    """Batches of parsed rows in file order. `in_process` None decides by the file's size,
    the cores and the IMPORT_PARSE_PROCESS setting."""
    if in_process is None:
        in_process = (
            settings.SWITCHBOARD.get("IMPORT_PARSE_PROCESS", True)
            and (os.cpu_count() or 1) > 1
            and job.total_rows >= PROCESS_MIN_ROWS
        )
    if not in_process:
        yield from batched(parsed_rows(job), batch_size)
        return
    yield from _from_second_process(job, batch_size)


def _encode(item: Row | BadRow) -> tuple:
    if isinstance(item, BadRow):
        return (item.line, item.reason, item.cells)
    return tuple(getattr(item, name) for name in _ROW_FIELDS)


def _decode(values: tuple) -> Row | BadRow:
    return BadRow(*values) if len(values) == 3 else Row(*values)


def _produce(out, job: ImportJob, batch_size: int, language: str) -> None:
    """The second process: parse the file and put batches of tuples on `out`, then None.
    It never touches the database (it was forked with the parent's connections)."""
    try:
        with translation.override(language):
            for batch in batched(parsed_rows(job), batch_size):
                out.put([_encode(item) for item in batch])
    except ImportFileError as exc:
        out.put(("file", str(exc)))
    except Exception as exc:  # sent to the parent, which fails the job with it
        out.put(("crash", f"{type(exc).__name__}: {exc}"))
    else:
        out.put(None)
    out.close()
    out.join_thread()


def _from_second_process(job: ImportJob, batch_size: int) -> Iterator[list[Row | BadRow]]:
    context = multiprocessing.get_context("fork")
    batches = context.Queue(maxsize=QUEUE_DEPTH)
    language = translation.get_language() or settings.LANGUAGE_CODE
    worker = context.Process(
        target=_produce, args=(batches, job, batch_size, language), daemon=True
    )
    worker.start()
    try:
        while True:
            try:
                message = batches.get(timeout=1.0)
            except queue.Empty:
                if not worker.is_alive():
                    raise RuntimeError(
                        f"the row parser stopped (exit code {worker.exitcode})"
                    ) from None
                continue
            if message is None:
                break
            if isinstance(message, tuple):
                kind, text = message
                raise ImportFileError(text) if kind == "file" else RuntimeError(text)
            yield [_decode(values) for values in message]
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        batches.close()
