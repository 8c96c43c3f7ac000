"""Reading an import file: recognize CSV or XLSX, the text encoding and the delimiter, and yield
its rows with their line numbers. Whole-file problems raise ImportFileError for the user."""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


class Formula(str):
    """An XLSX cell holding a formula. Never evaluated: the row is refused."""


@dataclass
class FileInfo:
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ","
    headers: list[str] = field(default_factory=list)
    estimated_rows: int = 0


_XLSX_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 20


def detect_encoding(head: bytes) -> str:
    """The encoding of a CSV from its first bytes: a BOM decides; else UTF-16 is recognized by
    its zero bytes (ASCII text in UTF-16 has one in every pair); else UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        even_zero = sample[0::2].count(0)
        odd_zero = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_zero > half * 0.3 and even_zero < half * 0.05:
            return "utf-16-le"
        if even_zero > half * 0.3 and odd_zero < half * 0.05:
            return "utf-16-be"
    return "utf-8"


def _check_decodes(path: Path, encoding: str) -> int:
    """Decode the whole file once; raise ImportFileError naming the first bad line.

    Returns the number of line breaks (an estimate of the row count for the progress bar).
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                good = chunk[: max(0, exc.start)].decode(encoding, errors="ignore")
                line = lines + good.count("\n") + 1
                bad = exc.object[exc.start : exc.start + 1].hex()
                raise ImportFileError(
                    _(
                        "The file is not valid %(encoding)s text: line %(line)d has a byte (0x%(byte)s) "
                        "that does not belong there. Save the file as “CSV UTF-8” (or UTF-16) and "
                        "upload it again."
                    )
                    % {"encoding": _encoding_name(encoding), "line": line, "byte": bad}
                ) from None
            if "\x00" in text:
                line = lines + text[: text.index("\x00")].count("\n") + 1
                raise ImportFileError(
                    _(
                        "Line %(line)d holds a NUL character: this is not a text file in "
                        "%(encoding)s. Save the file as “CSV UTF-8” and upload it again."
                    )
                    % {"line": line, "encoding": _encoding_name(encoding)}
                )
            lines += text.count("\n")
            if final:
                return lines


def _encoding_name(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding.upper())


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def inspect_file(path: str | Path, name: str = "") -> FileInfo:
    """Recognize the format and encoding, check that the whole file reads, return its headers.

    Raises ImportFileError with a message for the user: an empty file, a file that is
    neither CSV nor XLSX, text in an encoding that does not decode (naming the line) ...
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(_("The file is empty (0 bytes)."))
    with open(path, "rb") as f:
        head = f.read(_CHUNK)
    if head.startswith(_XLSX_MAGIC) or name.lower().endswith(".xlsx"):
        info = FileInfo(file_format="xlsx")
        rows = _iter_xlsx(path)
        try:
            _line, info.headers = next(rows)
        except StopIteration:
            raise ImportFileError(_("The spreadsheet has no rows.")) from None
        finally:
            rows.close()
        info.headers = [str(h).strip() for h in info.headers]
        info.estimated_rows = _xlsx_row_estimate(path)
    elif name.lower().endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) are not supported: save it as .xlsx or CSV UTF-8.")
        )
    else:
        encoding = detect_encoding(head)
        lines = _check_decodes(path, encoding)
        info = FileInfo(file_format="csv", encoding=encoding, estimated_rows=lines)
        with open(path, encoding=encoding, newline="") as f:
            first = f.readline()
        info.delimiter = _sniff_delimiter(first)
        rows = iter_rows(path, info)
        try:
            _line, headers = next(rows)
        except StopIteration:
            raise ImportFileError(_("The file has no rows.")) from None
        finally:
            rows.close()
        info.headers = [h.strip() for h in headers]
    if not any(info.headers):
        raise ImportFileError(_("The first row must name the columns; it is empty."))
    info.estimated_rows = max(0, info.estimated_rows - 1)
    return info


def iter_rows(path: str | Path, info: FileInfo) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every row of the file, the header row included (line 1).

    Rows whose cells are all empty are left out. A CSV row spanning several lines (a quoted
    field with line breaks) carries the number of its first line.
    """
    if info.file_format == "xlsx":
        yield from _iter_xlsx(Path(path))
        return
    with open(path, encoding=info.encoding or "utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=info.delimiter or ",")
        previous = 0
        try:
            for cells in reader:
                line = previous + 1
                previous = reader.line_num
                if any(cells):
                    yield line, cells
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(line)d cannot be read as CSV: %(reason)s.")
                % {"line": previous + 1, "reason": exc}
            ) from None
        except UnicodeDecodeError:
            raise ImportFileError(
                _("Line %(line)d is not valid %(encoding)s text.")
                % {"line": previous + 1, "encoding": _encoding_name(info.encoding)}
            ) from None


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "f":
        return Formula(value if isinstance(value, str) else "=?")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        # Phones typed into Excel become numbers: 8801712345678.0 must read as digits.
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _iter_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("The file is not a readable XLSX workbook (%(reason)s).") % {"reason": exc}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [_cell_text(c) for c in row]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                yield getattr(row[0], "row", None) or number, cells
    finally:
        workbook.close()


def _xlsx_row_estimate(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return workbook.worksheets[0].max_row or 0
    finally:
        workbook.close()
