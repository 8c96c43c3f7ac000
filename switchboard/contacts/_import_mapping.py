"""Which column of an import file goes to which contact field: the choices, a first guess from
the headers, the check of the user's mapping, and the mapping compiled into column indexes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
