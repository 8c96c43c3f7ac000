"""Planning a batch of rows against the base: which rows create a contact, which update or
repeat a known one (by phone, organization name, or name and address), which are refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection

from switchboard.contacts._import_rows import BadRow, Row
from switchboard.contacts.models import Contact, ContactKind, DuplicatePolicy, Email, Phone


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
        if connection.vendor == "postgresql":
            # pg_trgm's GIN index also answers "=", and the planner may pick it for this
            # list: every number shares "+88" and "880", so it reads most of the index
            # (an import of 1,000,000 rows crawled). GIN is used only through bitmap scans;
            # without them, the B-tree on e164 answers. For this batch's transaction only.
            cursor.execute("SET LOCAL enable_bitmapscan = off")
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
