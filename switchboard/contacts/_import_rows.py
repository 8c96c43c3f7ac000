"""Validating one row of an import file: a Row ready to be written, or a BadRow with every
reason it is refused. Pure Python apart from settings and translations, so it can run in
another process."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from switchboard.contacts._import_mapping import FIELDS, Columns
from switchboard.contacts._import_read import Formula
from switchboard.contacts.models import ContactKind, compute_names
from switchboard.contacts.phones import InvalidPhone, normalize_phone

LIMITS = {"last_name": 100, "first_name": 100, "patronymic": 100, "organization": 200}
ADDRESS_LIMIT = 1000
SOURCE_LIMIT = 100
PHONE_RAW_LIMIT = 64
EMAIL_LIMIT = 254
CUSTOM_VALUE_LIMIT = 1000
_TRUE = {"1", "yes", "y", "true", "t", "x", "dnc", "হ্যাঁ", "হ্যা", "১"}
_FALSE = {"", "0", "no", "n", "false", "f", "না", "০"}


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
    # custom_fields as JSON text, made here so a second process can do it for the writer.
    custom_json: str = "{}"


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
        custom_json=json.dumps(custom_fields) if custom_fields else "{}",
    )


def _field_label(key: str) -> str:
    return str(dict(FIELDS)[key])
