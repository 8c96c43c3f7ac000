"""Export of a filtered list of contacts to CSV, in the columns the importer reads back.

The view narrows the list with the list page's own filters (views.filtered_contacts), so
"Export CSV" gives what the page shows, on every page of it.
"""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from switchboard.contacts._csv_safe import csv_line, neutralize_cell
from switchboard.contacts.models import Email, Phone, Tag

CHUNK = 2000


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
