"""Export of a filtered list of contacts to CSV, in the columns the importer reads back."""

from collections.abc import Iterator

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from switchboard.contacts._csv_safe import csv_line, neutralize_cell
from switchboard.contacts.models import Email, Phone, Tag
from switchboard.contacts.phones import InvalidPhone, normalize_phone

CHUNK = 2000


def filter_contacts(queryset: QuerySet, params) -> QuerySet:
    """Narrow a contact list by the list page's filters: q (name or organization, any part),
    phone (any format), tag, organization, source, do_not_call ("yes"/"no")."""
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(search_name__contains=q.casefold()) | Q(organization__icontains=q)
        )
    phone = (params.get("phone") or "").strip()
    if phone:
        try:
            queryset = queryset.filter(phones__e164=normalize_phone(phone))
        except InvalidPhone:
            queryset = queryset.none()
    tag = (params.get("tag") or "").strip()
    if tag:
        queryset = queryset.filter(tags__name=tag)
    organization = (params.get("organization") or "").strip()
    if organization:
        queryset = queryset.filter(organization__icontains=organization)
    source = (params.get("source") or "").strip()
    if source:
        queryset = queryset.filter(source=source)
    dnc = (params.get("do_not_call") or "").strip().lower()
    if dnc in {"yes", "no"}:
        queryset = queryset.filter(do_not_call=dnc == "yes")
    return queryset.distinct() if (phone or tag) else queryset


def export_csv_lines(queryset: QuerySet) -> Iterator[str]:
    """CSV text, line by line, for a streaming response. Cells that a spreadsheet would run as
    a formula (starting with = + - @) are quoted with an apostrophe."""
    custom_keys: list[str] = sorted(
        {
            key
            for fields in queryset.values_list("custom_fields", flat=True).iterator(CHUNK)
            if isinstance(fields, dict)
            for key in fields
        }
    )
    yield "\ufeff"  # so Excel opens Bengali text as UTF-8
    yield csv_line(
        [
            _("Last name"),
            _("First name"),
            _("Patronymic"),
            _("Organization"),
            _("Phone"),
            _("Email"),
            _("Address"),
            _("Tags"),
            _("Source"),
            _("Do not call"),
            *[neutralize_cell(k) for k in custom_keys],
        ]
    )
    contacts = queryset.order_by("id").prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("id")),
        Prefetch("emails", queryset=Email.objects.order_by("id")),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )
    yes, no = _("yes"), _("no")
    for contact in contacts.iterator(chunk_size=CHUNK):
        custom = contact.custom_fields if isinstance(contact.custom_fields, dict) else {}
        cells = [
            contact.last_name,
            contact.first_name,
            contact.patronymic,
            contact.organization,
            "; ".join(p.e164 for p in contact.phones.all()),
            "; ".join(e.address for e in contact.emails.all()),
            contact.address,
            ", ".join(t.name for t in contact.tags.all()),
            contact.source,
            yes if contact.do_not_call else no,
            *[custom.get(k, "") for k in custom_keys],
        ]
        yield csv_line([neutralize_cell(c) for c in cells])


def export_queryset(user, params) -> QuerySet:
    from switchboard.contacts.access import contacts_for_user

    return filter_contacts(contacts_for_user(user), params)
