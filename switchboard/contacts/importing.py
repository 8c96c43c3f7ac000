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
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from switchboard.contacts.models import (
    Contact,
    ContactKind,
    DuplicatePolicy,
    Email,
    ImportJob,
    ImportRowError,
    ImportStatus,
    Phone,
    PhoneKind,
    Tag,
    compute_names,
)
from switchboard.contacts.phones import InvalidPhone, default_region, normalize_phone

log = logging.getLogger("switchboard.contacts.importing")

# What a column can be mapped to. "custom" keeps the column as a custom field named after its
# header; "" ignores it.
FIELDS: list[tuple[str, object]] = [
    ("last_name", gettext_lazy("Last name")),
    ("first_name", gettext_lazy("First name")),
    ("patronymic", gettext_lazy("Patronymic")),
    ("organization", gettext_lazy("Organization")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("Email")),
    ("address", gettext_lazy("Address")),
    ("tags", gettext_lazy("Tags")),
    ("source", gettext_lazy("Source")),
    ("do_not_call", gettext_lazy("Do not call")),
    ("custom", gettext_lazy("Custom field")),
    ("", gettext_lazy("Ignore this column")),
]
FIELD_KEYS = {key for key, _label in FIELDS}
REPEATABLE = {"phone", "email", "tags", "custom", ""}
NAME_FIELDS = ("last_name", "first_name", "patronymic", "organization")
LIMITS = {"last_name": 100, "first_name": 100, "patronymic": 100, "organization": 200}
ADDRESS_LIMIT = 1000
SOURCE_LIMIT = 100
PHONE_RAW_LIMIT = 64
EMAIL_LIMIT = 254
CUSTOM_VALUE_LIMIT = 1000
PREVIEW_ROWS = 10

# Header words people use, in English and Bengali, for each field.
_SYNONYMS = {
    "last_name": {"last name", "lastname", "surname", "family name", "last", "পদবি", "শেষ নাম"},
    "first_name": {"first name", "firstname", "given name", "name", "full name", "নাম", "প্রথম নাম"},
    "patronymic": {"patronymic", "middle name", "middle", "father's name", "পিতার নাম"},
    "organization": {"organization", "organisation", "company", "org", "business", "প্রতিষ্ঠান"},
    "phone": {"phone", "phones", "mobile", "cell", "telephone", "tel", "number", "ফোন", "মোবাইল"},
    "email": {"email", "e-mail", "mail", "email address", "ইমেইল", "ই-মেইল"},
    "address": {"address", "addr", "ঠিকানা"},
    "tags": {"tags", "tag", "labels", "ট্যাগ"},
    "source": {"source", "উৎস"},
    "do_not_call": {"do not call", "do-not-call", "dnc", "no call", "কল করবেন না"},
}
_TRUE = {"1", "yes", "y", "true", "t", "x", "dnc", "হ্যাঁ", "হ্যা", "১"}
_FALSE = {"", "0", "no", "n", "false", "f", "না", "০"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


class Formula(str):
    """An XLSX cell holding a formula. Never evaluated: the row is refused."""


# ---------------------------------------------------------------- reading the file


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


# ---------------------------------------------------------------- column mapping


def _normalize_header(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().casefold().replace("-", " ")).strip()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """A first mapping from the header names; columns nobody recognizes become custom fields."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    synonyms = {
        key: {_normalize_header(s) for s in words} | {_normalize_header(key)}
        for key, words in _SYNONYMS.items()
    }
    for key, label in FIELDS:
        if key and key != "custom":
            synonyms[key].add(_normalize_header(str(label)))
    for index, header in enumerate(headers):
        normal = _normalize_header(header)
        choice = "custom" if normal else ""
        for key, words in synonyms.items():
            if normal in words and (key in REPEATABLE or key not in used):
                choice = key
                break
        used.add(choice)
        mapping[str(index)] = choice
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Validate a mapping from the form; raise ValidationError saying what is wrong."""
    clean: dict[str, str] = {}
    seen: dict[str, str] = {}
    problems = []
    for index in range(len(headers)):
        key = mapping.get(str(index), "")
        if key not in FIELD_KEYS:
            problems.append(_("Column “%(column)s”: unknown field.") % {"column": headers[index]})
            continue
        if key not in REPEATABLE and key in seen:
            problems.append(
                _("Columns “%(first)s” and “%(second)s” are both mapped to the same field.")
                % {"first": seen[key], "second": headers[index]}
            )
        if key == "custom" and not headers[index].strip():
            problems.append(
                _("Column %(number)d has no header, so it cannot be a custom field.")
                % {"number": index + 1}
            )
        seen.setdefault(key, headers[index])
        clean[str(index)] = key
    if not any(k in seen for k in NAME_FIELDS):
        problems.append(
            _(
                "Map at least one column to a name: last name, first name, patronymic or organization."
            )
        )
    if problems:
        raise ValidationError(problems)
    return clean


@dataclass
class Columns:
    """A mapping compiled into column indexes, so a row is read without dictionary lookups."""

    last_name: int = -1
    first_name: int = -1
    patronymic: int = -1
    organization: int = -1
    address: int = -1
    source: int = -1
    do_not_call: int = -1
    phones: tuple[int, ...] = ()
    emails: tuple[int, ...] = ()
    tags: tuple[int, ...] = ()
    custom: tuple[tuple[int, str], ...] = ()
    headers: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, mapping: dict[str, str], headers: list[str]) -> Columns:
        columns = cls(headers=tuple(headers))
        phones, emails, tags, custom = [], [], [], []
        for index_text, key in mapping.items():
            index = int(index_text)
            if key == "phone":
                phones.append(index)
            elif key == "email":
                emails.append(index)
            elif key == "tags":
                tags.append(index)
            elif key == "custom":
                custom.append((index, headers[index].strip()))
            elif key:
                setattr(columns, key, index)
        columns.phones, columns.emails, columns.tags = tuple(phones), tuple(emails), tuple(tags)
        columns.custom = tuple(custom)
        return columns

    def column_name(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else str(index + 1)


# ---------------------------------------------------------------- validating a row


@dataclass(slots=True)
class Row:
    """A valid row, ready to be planned and written."""

    line: int
    kind: str
    last_name: str
    first_name: str
    patronymic: str
    organization: str
    address: str
    source: str
    do_not_call: bool
    phones: list[tuple[str, str]]  # (as written, E.164)
    emails: list[str]
    tags: list[str]
    custom_fields: dict
    display_name: str
    search_name: str


@dataclass(slots=True)
class BadRow:
    line: int
    reason: str
    cells: list[str]


_SEPARATORS = re.compile(r"[ \-().\u00a0]")
_BENGALI_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
_BD_MOBILE = re.compile(r"(?:\+?880|0)?(1[13-9]\d{8})")
_LIST_SPLIT = re.compile(r"[,;\n]")
_FORMULA_MARKS = ("=", "+", "-", "@")


@lru_cache(maxsize=200_000)
def _normalize_cached(raw: str, region: str) -> str | InvalidPhone:
    try:
        return normalize_phone(raw, region)
    except InvalidPhone as exc:
        return exc


def fast_normalize_phone(raw: str, region: str) -> str:
    """normalize_phone with a fast path for the commonest numbers and a cache for the rest.

    In Bangladesh a mobile number (01[13-9] and 8 digits, with or without +880 / 880) is
    recognized by a regular expression; a test checks it agrees with phonenumbers.
    """
    if region == "BD":
        match = _BD_MOBILE.fullmatch(_SEPARATORS.sub("", raw.translate(_BENGALI_DIGITS)))
        if match:
            return "+880" + match.group(1)
    result = _normalize_cached(raw, region)
    if isinstance(result, InvalidPhone):
        raise result
    return result


def parse_row(
    line: int, cells: list[str], columns: Columns, *, region: str, default_source: str = ""
) -> Row | BadRow:
    """Turn a row's cells into a Row, or a BadRow with every reason it is refused."""
    problems: list[str] = []
    width = len(cells)

    def cell(index: int) -> str:
        if 0 <= index < width:
            value = cells[index]
            if type(value) is Formula:
                problems.append(
                    _("column “%(column)s” holds a formula (%(formula)s); formulas are refused")
                    % {"column": columns.column_name(index), "formula": value[:40]}
                )
                return ""
            if value[:1] == "'" and value[1:2] in _FORMULA_MARKS:
                # A cell our own export quoted ("'+8801712345678"): read it back as it was.
                return value[1:].strip()
            return value.strip()
        return ""

    for value in cells:
        if "\x00" in value:
            problems.append(_("the row holds a NUL character"))
            break

    last_name = cell(columns.last_name)
    first_name = cell(columns.first_name)
    patronymic = cell(columns.patronymic)
    organization = cell(columns.organization)
    for key, value in (
        ("last_name", last_name),
        ("first_name", first_name),
        ("patronymic", patronymic),
        ("organization", organization),
    ):
        if len(value) > LIMITS[key]:
            problems.append(
                _("%(field)s is too long (%(length)d characters, at most %(limit)d)")
                % {"field": _field_label(key), "length": len(value), "limit": LIMITS[key]}
            )
    has_person = bool(last_name or first_name or patronymic)
    if not has_person and not organization:
        problems.append(_("no name: give a last, first or patronymic name, or an organization"))
    kind = ContactKind.PERSON if has_person else ContactKind.ORGANIZATION

    address = cell(columns.address)
    if len(address) > ADDRESS_LIMIT:
        problems.append(
            _("the address is too long (%(length)d characters, at most %(limit)d)")
            % {"length": len(address), "limit": ADDRESS_LIMIT}
        )
    source = cell(columns.source) or default_source
    if len(source) > SOURCE_LIMIT:
        problems.append(
            _("the source is too long (%(length)d characters, at most %(limit)d)")
            % {"length": len(source), "limit": SOURCE_LIMIT}
        )
    do_not_call = False
    if columns.do_not_call >= 0:
        flag = cell(columns.do_not_call).casefold()
        if flag in _TRUE:
            do_not_call = True
        elif flag not in _FALSE:
            problems.append(
                _("“%(value)s” in “%(column)s” is neither yes nor no")
                % {"value": flag[:40], "column": columns.column_name(columns.do_not_call)}
            )

    phones: list[tuple[str, str]] = []
    for index in columns.phones:
        text = cell(index)
        if not text:
            continue
        for raw in _LIST_SPLIT.split(text) if ("," in text or ";" in text) else (text,):
            raw = raw.strip()
            if not raw:
                continue
            if len(raw) > PHONE_RAW_LIMIT:
                problems.append(
                    _("a phone is too long (%(length)d characters)") % {"length": len(raw)}
                )
                continue
            try:
                e164 = fast_normalize_phone(raw, region)
            except InvalidPhone as exc:
                problems.append(str(exc).rstrip("."))
                continue
            if all(e164 != have for _raw, have in phones):
                phones.append((raw, e164))

    emails: list[str] = []
    for index in columns.emails:
        text = cell(index)
        if not text:
            continue
        for address_text in _LIST_SPLIT.split(text):
            address_text = address_text.strip()
            if not address_text:
                continue
            try:
                if len(address_text) > EMAIL_LIMIT:
                    raise ValidationError("too long")
                validate_email(address_text)
            except ValidationError:
                problems.append(
                    _("“%(value)s” is not an email address") % {"value": address_text[:80]}
                )
                continue
            if address_text.lower() not in (e.lower() for e in emails):
                emails.append(address_text)

    tags: list[str] = []
    for index in columns.tags:
        for tag in _LIST_SPLIT.split(cell(index)) if columns.tags else ():
            tag = tag.strip()[:64]
            if tag and tag not in tags:
                tags.append(tag)

    custom_fields = {}
    for index, name in columns.custom:
        value = cell(index)
        if value:
            if len(value) > CUSTOM_VALUE_LIMIT:
                problems.append(
                    _("“%(column)s” is too long (%(length)d characters, at most %(limit)d)")
                    % {"column": name, "length": len(value), "limit": CUSTOM_VALUE_LIMIT}
                )
            custom_fields[name] = value

    if problems:
        return BadRow(line=line, reason="; ".join(problems), cells=list(cells))
    display_name, search_name = compute_names(kind, first_name, patronymic, last_name, organization)
    return Row(
        line=line,
        kind=kind,
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        organization=organization,
        address=address,
        source=source,
        do_not_call=do_not_call,
        phones=phones,
        emails=emails,
        tags=sorted(tags),
        custom_fields=custom_fields,
        display_name=display_name,
        search_name=search_name,
    )


def _field_label(key: str) -> str:
    return str(dict(FIELDS)[key])


# ---------------------------------------------------------------- planning against the base


class Action:
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class Decision:
    action: str
    line: int
    row: Row | None = None
    contact_id: int | None = None  # the known contact a duplicate matched
    reason: str = ""


@dataclass
class _Known:
    """A contact the batch may touch: one in the base, or one this batch creates."""

    id: int | None
    kind: str
    last_name: str
    first_name: str
    patronymic: str
    organization: str
    address: str
    source: str
    do_not_call: bool
    custom_fields: dict
    display_name: str
    phones: dict[str, str]  # E.164 -> as written
    emails: list[str]
    tags: set[str]
    changed: bool = False
    new_phones: list[tuple[str, str]] = field(default_factory=list)
    new_emails: list[str] = field(default_factory=list)
    new_tags: set[str] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Row) -> _Known:
        return cls(
            id=None,
            kind=row.kind,
            last_name=row.last_name,
            first_name=row.first_name,
            patronymic=row.patronymic,
            organization=row.organization,
            address=row.address,
            source=row.source,
            do_not_call=row.do_not_call,
            custom_fields=dict(row.custom_fields),
            display_name=row.display_name,
            phones={e164: raw for raw, e164 in row.phones},
            emails=list(row.emails),
            tags=set(row.tags),
            lines=[row.line],
        )

    def absorb(self, row: Row) -> bool:
        """Apply a row's non-empty values (policy "update"); True when anything changed.

        Phones, emails and tags are added, never removed; "do not call" only ever turns on.
        """
        changed = False
        for name in ("last_name", "first_name", "patronymic", "organization", "address", "source"):
            value = getattr(row, name)
            if value and value != getattr(self, name):
                setattr(self, name, value)
                changed = True
        if row.do_not_call and not self.do_not_call:
            self.do_not_call = changed = True
        for key, value in row.custom_fields.items():
            if self.custom_fields.get(key) != value:
                self.custom_fields = {**self.custom_fields, key: value}
                changed = True
        for raw, e164 in row.phones:
            if e164 not in self.phones:
                self.phones[e164] = raw
                self.new_phones.append((raw, e164))
                changed = True
        lower = {e.lower() for e in self.emails}
        for address in row.emails:
            if address.lower() not in lower:
                self.emails.append(address)
                self.new_emails.append(address)
                lower.add(address.lower())
                changed = True
        for tag in row.tags:
            if tag not in self.tags:
                self.tags.add(tag)
                self.new_tags.add(tag)
                changed = True
        self.changed = self.changed or changed
        self.lines.append(row.line)
        return changed


def _row_keys(row: Row) -> list[tuple]:
    keys: list[tuple] = [("p", e164) for _raw, e164 in row.phones]
    if row.kind == ContactKind.ORGANIZATION:
        keys.append(("o", row.organization.casefold()))
    if not row.phones and row.kind == ContactKind.PERSON:
        keys.append(("n", row.display_name.casefold(), row.address.casefold()))
    return keys


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _phones_in(e164s: list[str]) -> list[tuple[str, int]]:
    # Plain SQL: building an ORM IN-lookup of 500 values costs more than running it.
    sql = "SELECT e164, contact_id FROM {} WHERE e164 IN ({})".format(  # noqa: S608
        connection.ops.quote_name(Phone._meta.db_table), ", ".join(["%s"] * len(e164s))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, e164s)
        return cursor.fetchall()


def _known_keys(rows: list[Row]) -> dict[tuple, int]:
    """Which of the rows' keys are taken by contacts of the base: a few set queries per batch."""
    found: dict[tuple, int] = {}
    e164s = sorted({e164 for row in rows for _raw, e164 in row.phones})
    by_phone: list[tuple[str, int]] = []
    for chunk in _chunks(e164s):
        # No join to contacts here: "merged_into IS NULL" in the same query tempts SQLite into
        # walking the merged_into index, which holds every contact. Merged ones go below.
        by_phone += _phones_in(chunk)
    merged: set[int] = set()
    for chunk in _chunks(sorted({contact_id for _e164, contact_id in by_phone})):
        merged.update(
            pk
            for pk, into in Contact.objects.filter(pk__in=chunk).values_list("id", "merged_into_id")
            if into is not None
        )
    for e164, contact_id in sorted(by_phone, key=lambda pair: pair[1]):
        if contact_id not in merged:
            found.setdefault(("p", e164), contact_id)
    organizations = sorted(
        {row.organization for row in rows if row.kind == ContactKind.ORGANIZATION}
    )
    # Filter merged contacts out here, not in SQL: "merged_into IS NULL" tempts SQLite into
    # walking the merged_into index, which holds every contact.
    for chunk in _chunks(organizations):
        for name, contact_id, merged in (
            Contact.objects.filter(kind=ContactKind.ORGANIZATION, organization__in=chunk)
            .order_by("id")
            .values_list("organization", "id", "merged_into_id")
        ):
            if merged is None:
                found.setdefault(("o", name.casefold()), contact_id)
    names = sorted(
        {row.display_name for row in rows if not row.phones and row.kind == ContactKind.PERSON}
    )
    for chunk in _chunks(names):
        for name, address, contact_id, merged in (
            Contact.objects.filter(display_name__in=chunk)
            .order_by("id")
            .values_list("display_name", "address", "id", "merged_into_id")
        ):
            if merged is None:
                found.setdefault(("n", name.casefold(), address.casefold()), contact_id)
    return found


def _load_known(ids: set[int]) -> dict[int, _Known]:
    known: dict[int, _Known] = {}
    id_list = sorted(ids)
    for chunk in _chunks(id_list):
        for c in Contact.objects.filter(pk__in=chunk):
            known[c.pk] = _Known(
                id=c.pk,
                kind=c.kind,
                last_name=c.last_name,
                first_name=c.first_name,
                patronymic=c.patronymic,
                organization=c.organization,
                address=c.address,
                source=c.source,
                do_not_call=c.do_not_call,
                custom_fields=dict(c.custom_fields or {}),
                display_name=c.display_name,
                phones={},
                emails=[],
                tags=set(),
            )
        for contact_id, e164, raw in Phone.objects.filter(contact_id__in=chunk).values_list(
            "contact_id", "e164", "raw"
        ):
            known[contact_id].phones[e164] = raw
        for contact_id, address in Email.objects.filter(contact_id__in=chunk).values_list(
            "contact_id", "address"
        ):
            known[contact_id].emails.append(address)
        through = Contact.tags.through
        for contact_id, name in through.objects.filter(contact_id__in=chunk).values_list(
            "contact_id", "tag__name"
        ):
            known[contact_id].tags.add(name)
    return known


@dataclass
class BatchPlan:
    decisions: list[Decision]
    new: list[Row | _Known]  # contacts to create, in file order
    changed: list[_Known]  # contacts of the base to update


def plan_batch(items: list[Row | BadRow], policy: str) -> BatchPlan:
    """Decide what happens to each row of a batch, against the base and the rows before it.

    Rows of earlier batches are already in the base, so this also finds duplicates within
    the whole file.
    """
    rows = [item for item in items if isinstance(item, Row)]
    taken = _known_keys(rows)
    known: dict[int, _Known] = {}
    if policy != DuplicatePolicy.SKIP:
        known = _load_known({taken[k] for row in rows for k in _row_keys(row) if k in taken})
    # Contacts this batch creates, kept as their Row until a later row of the batch updates
    # one (building a _Known per row is a good part of the cost of a big import).
    new: list[Row | _Known] = []
    pending: dict[tuple, int] = {}  # key -> index in `new`
    decisions: list[Decision] = []
    for item in items:
        if isinstance(item, BadRow):
            decisions.append(Decision(Action.ERROR, item.line, reason=item.reason))
            continue
        row = item
        keys = _row_keys(row)
        target: Row | _Known | None = None
        contact_id = None
        slot = -1
        for key in keys:
            if key in taken:
                contact_id = taken[key]
                target = known.get(contact_id)
                break
            if key in pending:
                slot = pending[key]
                target = new[slot]
                break
        matched = contact_id is not None or target is not None
        if not matched:
            for key in keys:
                pending.setdefault(key, len(new))
            new.append(row)
            decisions.append(Decision(Action.CREATE, row.line, row))
        elif policy == DuplicatePolicy.SKIP or target is None:
            decisions.append(Decision(Action.SKIP, row.line, row, contact_id))
        elif policy == DuplicatePolicy.UPDATE and slot >= 0:
            # Folded into a contact this same batch creates: counted with it, as skipped.
            if isinstance(target, Row):
                target = new[slot] = _Known.from_row(target)
            target.absorb(row)
            for key in keys:
                pending.setdefault(key, slot)
            decisions.append(Decision(Action.SKIP, row.line, row))
        elif policy == DuplicatePolicy.UPDATE:
            for key in keys:
                taken.setdefault(key, contact_id)
            action = Action.UPDATE if target.absorb(row) else Action.UNCHANGED
            decisions.append(Decision(action, row.line, row, contact_id))
        elif target.display_name.casefold() == row.display_name.casefold():
            # Policy "create", but the row names the same contact again: a repeat, not a
            # namesake. Skipping it is what makes re-importing a file change nothing.
            decisions.append(Decision(Action.UNCHANGED, row.line, row, contact_id))
        else:
            for key in keys:
                pending.setdefault(key, len(new))
            new.append(row)
            decisions.append(Decision(Action.CREATE, row.line, row, contact_id))
    changed = [k for k in known.values() if k.changed]
    return BatchPlan(decisions=decisions, new=new, changed=changed)


# ---------------------------------------------------------------- writing


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
    """INSERT through the connection's executemany: the ORM's bulk_create spends more time
    building objects than the database spends storing them."""
    if not rows:
        return
    qn = connection.ops.quote_name
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


def _json_adapter():
    """value -> what the database driver takes for a JSON column, without the field's
    per-value overhead (it is called for every row)."""
    if connection.vendor == "sqlite":
        return json.dumps
    return lambda value: connection.ops.adapt_json_value(value, None)


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
    tagged: list[tuple[int, str]] = []
    for item, contact_id in zip(plan.new, ids, strict=True):
        if isinstance(item, Row):
            display, search = item.display_name, item.search_name
            phones += [(contact_id, raw, e164, mobile) for raw, e164 in item.phones]
            tags = item.tags
        else:
            display, search = compute_names(
                item.kind, item.first_name, item.patronymic, item.last_name, item.organization
            )
            phones += [(contact_id, raw, e164, mobile) for e164, raw in item.phones.items()]
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
                to_json(item.custom_fields) if item.custom_fields else empty_json,
                item.do_not_call,
                True,
                item.source,
                stamp,
                stamp,
            )
        )
    _insert_many(Contact, _CONTACT_COLUMNS, rows)
    fields = ["kind", "last_name", "first_name", "patronymic", "organization"]
    fields += ["display_name", "search_name", "address", "custom_fields", "do_not_call"]
    fields += ["source", "updated_at"]
    if plan.changed:
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
    for k in plan.changed:
        phones += [(k.id, raw, e164, mobile) for raw, e164 in k.new_phones]
        emails += [(k.id, address) for address in k.new_emails]
        tagged += [(k.id, tag) for tag in k.new_tags]
    _insert_many(Phone, ["contact", "raw", "e164", "kind"], phones)
    _insert_many(Email, ["contact", "address"], emails)
    if tagged:
        tag_ids = _tag_ids({tag for _id, tag in tagged})
        through = Contact.tags.through
        through.objects.bulk_create(
            [through(contact_id=i, tag_id=tag_ids[t]) for i, t in tagged],
            batch_size=1000,
            ignore_conflicts=True,
        )
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


BatchWriter = Callable[[ImportJob, BatchPlan, dict, Counts], None]


# ---------------------------------------------------------------- the job


def _file_info(job: ImportJob) -> FileInfo:
    info = FileInfo(file_format=job.file_format, encoding=job.encoding, headers=list(job.headers))
    if job.file_format == "csv":
        with open(job.file.path, encoding=job.encoding or "utf-8", newline="") as f:
            info.delimiter = _sniff_delimiter(f.readline())
    return info


def _data_rows(job: ImportJob) -> Iterator[tuple[int, list[str]]]:
    rows = iter_rows(job.file.path, _file_info(job))
    next(rows, None)  # the header row
    return rows


def _parsed(job: ImportJob) -> Iterator[Row | BadRow]:
    columns = Columns.from_mapping(job.mapping, job.headers)
    region = default_region()
    source = job.source
    for line, cells in _data_rows(job):
        yield parse_row(line, cells, columns, region=region, default_source=source)


def preview(job: ImportJob, mapping: dict[str, str], limit: int = PREVIEW_ROWS) -> list[dict]:
    """What importing the first rows would do, without writing anything."""
    columns = Columns.from_mapping(mapping, job.headers)
    region = default_region()
    items: list[Row | BadRow] = []
    cells_by_line = {}
    for line, cells in _data_rows(job):
        items.append(parse_row(line, cells, columns, region=region, default_source=job.source))
        cells_by_line[line] = cells
        if len(items) >= limit:
            break
    plan = plan_batch(items, job.duplicate_policy)
    return [
        {"line": d.line, "action": d.action, "reason": d.reason, "cells": cells_by_line[d.line]}
        for d in plan.decisions
    ]


def _batched(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_import(
    job_id: int, *, batch_size: int | None = None, writer: BatchWriter | None = None
) -> ImportJob:
    """Import a job's file, batch by batch; what the background task runs.

    Each batch is planned and written in one transaction, and the job's counters move with
    it, so the progress bar never shows rows that are not stored. On any exception the job is
    marked failed with the reason (whole batches written before it stay), and it re-raises.
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
            for items in _batched(_parsed(job), batch_size):
                bad = {item.line: item for item in items if isinstance(item, BadRow)}
                with transaction.atomic():
                    plan = plan_batch(items, job.duplicate_policy)
                    counts = Counts().add(plan)
                    writer(job, plan, bad, counts)
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value) -> str:
    """A cell a spreadsheet will show as text: one starting like a formula gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
